"""An overnight job: shot s1's scene links its props from ``in/props.blend``, and shot s2, keyed in
another scene, was given ``out: in/props.blend`` by a copy-paste slip (or a link to it). s1 ran, then
s2 replaced the library, and s1's scene, and every other scene linking the props, opened the next
morning with them missing. The job now reads each scene's libraries from its file, without loading
it, before the first shot runs: s2 fails there in one line naming the library and the shot whose
scene links it; s1 runs, and the library is left as it was. No scene is loaded twice for it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bpy
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch
from dualtalk.dualtalk_blender.scene import blend_links
from dualtalk.inference.core.fileio import sha256_file
from test_audit_jobs import job_folder
from test_out_over_a_linked_library import _error_lines, _shot_linking_props

KEYED = {"char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz", "motion_b": "in/B.npz"}


@pytest.fixture
def loads():
    """Each .blend Blender loads whole, by name, as its load handler hears it."""
    heard: list[str] = []

    @bpy.app.handlers.persistent
    def load_pre(path, *_args):
        heard.append(Path(str(path)).name)

    bpy.app.handlers.load_pre.append(load_pre)
    yield heard
    bpy.app.handlers.load_pre.remove(load_pre)


def _job(folder: Path, s2_out: str) -> Path:
    spec = {
        "shots": [
            {"name": "s1", "blend": "in/shot.blend", "out": "out/s1.blend", **KEYED},
            {"name": "s2", "blend": "in/scene.blend", "out": s2_out, **KEYED},
        ]
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    bpy.ops.wm.read_factory_settings(use_empty=True)  # a farm worker starts with no file open
    return folder / "shots.json"


def _refusal(out: Path) -> str:
    return (
        f"error: shot s2: out {out} is a library shot.blend (the scene of shot 's1') links (SetPiece): "
        "writing it would break that scene and every other that links it; give this shot another out"
    )


def test_a_later_shots_out_over_an_earlier_shots_library_fails_before_any_shot(tmp_path, capsys, loads):
    folder = job_folder(tmp_path)
    props, _shot = _shot_linking_props(folder)
    before = sha256_file(props)
    job = _job(folder, "in/props.blend")
    capsys.readouterr()
    loads.clear()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    err = _error_lines(capsys)
    assert err[0] == _refusal(props)  # before s1 ran: was s2's turn, after s1, with the library replaced
    assert err[-1] == "error: 1 of 2 shots failed: s2 (see the errors above)"
    assert sha256_file(props) == before
    assert (folder / "out" / "s1.blend").is_file()
    assert loads == ["shot.blend"]  # read from its blocks up front; loaded once, at s1's turn


@pytest.mark.parametrize("link", ["symbolic", "hard"])
def test_a_link_to_the_library_is_the_library(tmp_path, capsys, link):
    folder = job_folder(tmp_path)
    props, _shot = _shot_linking_props(folder)
    before = sha256_file(props)
    alias = folder / "in" / "latest.blend"
    (os.symlink if link == "symbolic" else os.link)(props, alias)
    job = _job(folder, "in/latest.blend")
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    assert _error_lines(capsys)[0] == _refusal(alias)
    assert sha256_file(props) == before
    assert (folder / "out" / "s1.blend").is_file()


def test_a_scene_whose_file_cannot_be_read_so_is_opened_and_still_checked(tmp_path, capsys, monkeypatch):
    """A .blend whose blocks this reader does not know (a layout of a later Blender): the scene is
    opened up front, as for a character only the opened file knows, and checked there."""
    folder = job_folder(tmp_path)
    props, _shot = _shot_linking_props(folder)
    before = sha256_file(props)
    job = _job(folder, "in/props.blend")
    monkeypatch.setattr(blend_links, "libraries_in", lambda _path: None)
    ran: list[str] = []
    real = batch.run_shot
    monkeypatch.setattr(batch, "run_shot", lambda shot, *a, **k: ran.append(shot.name) or real(shot, *a, **k))
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    assert _error_lines(capsys)[0] == _refusal(props)
    assert ran == ["s1"]
    assert sha256_file(props) == before


def test_shots_clear_of_every_library_all_run(tmp_path, capsys):
    folder = job_folder(tmp_path)
    _shot_linking_props(folder)
    job = _job(folder, "out/s2.blend")
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 0

    assert (folder / "out" / "s1.blend").is_file() and (folder / "out" / "s2.blend").is_file()


def test_a_library_the_scene_uses_through_its_props_is_one_too(tmp_path, capsys):
    """The props file paints SetPiece with a material linked from ``materials.blend``: s1's scene uses
    that file only through the props (Blender does not list it in the scene file), and writing it
    breaks s1's set all the same."""
    folder = job_folder(tmp_path)
    materials = folder / "in" / "materials.blend"
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.data.materials.new("Paint").use_fake_user = True
    bpy.ops.wm.save_as_mainfile(filepath=str(materials))
    props, _shot = _shot_linking_props(folder)
    bpy.ops.wm.open_mainfile(filepath=str(props))
    with bpy.data.libraries.load(str(materials), link=True, relative=True) as (_src, dst):
        dst.materials = ["Paint"]
    bpy.data.objects["SetPiece"].data.materials.append(dst.materials[0])
    bpy.ops.wm.save_mainfile()
    before = sha256_file(materials)
    job = _job(folder, "in/materials.blend")
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(job)]) == 2

    assert _error_lines(capsys)[0] == (
        f"error: shot s2: out {materials} is a library shot.blend (the scene of shot 's1') links (Paint): "
        "writing it would break that scene and every other that links it; give this shot another out"
    )
    assert sha256_file(materials) == before
    assert (folder / "out" / "s1.blend").is_file()
