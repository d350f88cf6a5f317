"""A farm job whose shots each have a heavy .blend of their own (session 37's closing note): the
up-front check of the characters opened every shot's .blend before the first shot ran, so each was
loaded twice, once for nothing. Now it reads each file's object names without loading it, and the
file is loaded once, at its shot's turn. A misspelt character is still refused before the first shot
runs, in the same line (its file opened then, to list what it holds), and so is a character linked
from a library, which only the opened file knows."""

from __future__ import annotations

import shutil

import bpy
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch
from test_audit_jobs import job_folder
from test_batch_signals_locks_and_summary import write_job
from test_characters_in_another_scene import build


@pytest.fixture
def loads():
    """Each .blend Blender loads whole (open_mainfile), by name, as its load handler hears it."""
    heard: list[str] = []

    @bpy.app.handlers.persistent  # kept through the loads it hears
    def load_pre(path, *_args):
        heard.append(str(path).rsplit("/", 1)[-1])

    bpy.app.handlers.load_pre.append(load_pre)
    yield heard
    bpy.app.handlers.load_pre.remove(load_pre)


def _three_shot_files(folder):
    for n in ("s1", "s2", "s3"):
        shutil.copy(folder / "in" / "scene.blend", folder / "in" / f"{n}.blend")
    bpy.ops.wm.read_factory_settings(use_empty=True)  # a farm worker starts with no file open


def test_each_shots_blend_is_loaded_once_at_its_turn(tmp_path, loads):
    folder = job_folder(tmp_path)
    _three_shot_files(folder)
    job = write_job(
        folder, [{"name": n, "blend": f"in/{n}.blend", "out": f"out/{n}.blend"} for n in ("s1", "s2", "s3")]
    )

    assert main(["animate", "--quiet", "--job", str(job)]) == 0

    assert [n for n in loads if n.startswith("s")] == ["s1.blend", "s2.blend", "s3.blend"]  # was each twice


def test_a_misspelt_character_is_still_refused_before_the_first_shot_in_the_same_line(
    tmp_path, loads, capsys, monkeypatch
):
    folder = job_folder(tmp_path)
    _three_shot_files(folder)
    shots = [{"name": n, "blend": f"in/{n}.blend", "out": f"out/{n}.blend"} for n in ("s1", "s2", "s3")]
    shots[2]["char_b"] = "Bobb"
    job = write_job(folder, shots)
    ran: list[str] = []
    real = batch.run_shot
    monkeypatch.setattr(batch, "run_shot", lambda shot, *a, **k: ran.append(shot.name) or real(shot, *a, **k))
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        "error: shot s3: character B 'Bobb' is not in the scene (meshes/armatures: Ann, Ann_rig, Bob"
    ), err
    assert ran == ["s1", "s2"]
    # s3's file opened before the first shot, to say what it holds; s1 and s2 loaded once each
    assert [n for n in loads if n.startswith("s")] == ["s3.blend", "s1.blend", "s2.blend"]


def test_a_character_linked_from_a_library_is_looked_up_in_the_opened_file(tmp_path, capsys):
    """Blender lists no name for an object linked from another .blend among a file's own: the file is
    opened to look, so such a character is not refused up front for a name it holds."""
    folder = job_folder(tmp_path)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    library = folder / "in" / "scene.blend"
    with bpy.data.libraries.load(str(library), link=True) as (_src, dst):
        dst.objects = ["Ann"]
    bpy.context.scene.collection.objects.link(dst.objects[0])
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "in" / "linked.blend"))
    bpy.ops.wm.read_factory_settings(use_empty=True)
    with bpy.data.libraries.load(str(folder / "in" / "linked.blend")) as (src, _dst):
        assert "Ann" not in src.objects  # the name-only read does not see it
    job = write_job(
        folder, [{"name": "s1", "blend": "in/linked.blend", "char_b": "Ann", "out": "out/s1.blend"}]
    )
    capsys.readouterr()

    main(["animate", "--quiet", "--job", str(job)])

    err = capsys.readouterr().err
    assert "'Ann' is not in the scene" not in err, err
    assert "error: shot s1: character A 'Ann'" not in err


def test_a_character_kept_in_another_scene_is_refused_at_its_turn_in_the_same_line(tmp_path, capsys):
    """Which scene holds a character is known only in the opened file: that refusal moved from
    before the first shot to the shot's own turn, still before anything of the shot is keyed or
    written, in the same line and exit status; the shot before it ran."""
    folder = job_folder(tmp_path)
    build(folder / "in" / "other.blend")  # Ann and Bob in scene 'Shot'; the file opens with 'Edit'
    bpy.ops.wm.read_factory_settings(use_empty=True)
    job = write_job(
        folder,
        [
            {"name": "s1", "out": "out/s1.blend"},
            {"name": "s2", "blend": "in/other.blend", "out": "out/s2.blend"},
        ],
    )
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    captured = capsys.readouterr()
    assert captured.out.startswith("s1: wrote ")
    assert captured.err.splitlines()[0] == (
        "error: shot s2: character A 'Ann' is not in scene 'Edit', the scene other.blend opens with "
        "(it is in scene 'Shot'; save other.blend with that scene active)"
    )
    assert not (folder / "out" / "s2.blend").exists()
