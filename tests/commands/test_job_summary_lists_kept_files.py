"""A farm's clean-up script reads each shot's ``outputs`` in the job's ``--summary`` to archive what the
batch left. When a shot replaced a .blend animate did not write (a colleague's lighting file at its
``out``) it keeps that file as ``OUT.blend1``, and an edited ``recognised.txt`` as
``recognised.edited.txt``; the result line said so, but ``outputs`` did not list them, so the script
never saw the colleague's work (session 29's closing note, "Left"). Now a done shot lists what its
run kept, and a shot skipped as done (``--skip-done``) what the run that made its set kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_state
from test_animate_recognised_words import SCRIPT, heard  # noqa: F401  (the fixture)
from test_blender_animate import build_scene, two_voices


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("kept_job") / "in.blend")


def _job(folder: Path, scene: Path, **shot: object) -> Path:
    """One shot from the voices in ``folder/talk.wav``, written to ``folder/out/s1.blend``."""
    two_voices(folder / "talk.wav", 2.0)
    shutil.copy(scene, folder / "in.blend")
    spec = {
        "defaults": {"blend": "in.blend", "char_a": "Ann", "char_b": "Bob", "audio": "talk.wav",
                     "engine": "lite", "device": "cpu"},
        "shots": [{"name": "s1", "out": "out/s1.blend", **shot}],
    }  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder / "shots.json"


def _outputs(job: Path, capsys, *flags: str) -> tuple[str, list[str]]:
    """The shot's status and ``outputs`` as the summary reports them."""
    summary = job.with_name("report.json")
    rc = main(["animate", "--quiet", "--job", str(job), "--summary", str(summary), *flags])
    assert rc == 0, capsys.readouterr().err
    shot = json.loads(summary.read_text(encoding="utf-8"))["shots"][0]
    return shot["status"], shot["outputs"]


def test_a_colleagues_file_kept_as_blend1_is_in_the_summary_also_when_skipped_later(tmp_path, scene, capsys):
    job = _job(tmp_path, scene)
    (tmp_path / "out").mkdir()
    shutil.copy(scene, tmp_path / "out" / "s1.blend")  # someone's lighting file, typed as the out
    backup = tmp_path / "out" / "s1.blend1"

    status, outputs = _outputs(job, capsys)
    assert status == "done" and backup.is_file()
    assert str(backup) in outputs  # before: only s1.blend and the work files

    status, outputs = _outputs(job, capsys, "--skip-done")
    assert status == "skipped" and str(backup) in outputs  # the record's: the run that made the set kept it

    backup.unlink()  # archived elsewhere: the shot is still done, and the list names only what is there
    status, outputs = _outputs(job, capsys, "--skip-done")
    assert status == "skipped" and str(backup) not in outputs


def test_an_edited_recognised_txt_kept_aside_is_in_the_summary(tmp_path, scene, heard, capsys):  # noqa: F811
    job = _job(tmp_path, scene, recognise=True)
    assert _outputs(job, capsys)[0] == "done"
    words = tmp_path / "out" / "s1.dualtalk" / "recognised.txt"
    words.write_text(SCRIPT.replace("bring the map", "bring the maps"), encoding="utf-8")  # the TD's fix

    status, outputs = _outputs(job, capsys)  # the shot run again, recognising again
    kept = words.with_name("recognised.edited.txt")
    assert status == "done" and kept.is_file() and str(kept) in outputs
    assert not any(o.endswith(".blend1") for o in outputs)  # nothing else was kept


def test_only_the_names_a_shot_keeps_are_read_from_its_record(tmp_path):
    """A done record is a file anyone may edit: paths other than the shot's own backup and edited-words
    names are not listed."""
    from types import SimpleNamespace

    out = tmp_path / "out" / "s1.blend"
    work = tmp_path / "out" / "s1.dualtalk"
    work.mkdir(parents=True)
    fbx, video = out.with_name("s1.fbx"), out.with_name("s1.mp4")  # a user's FBX and video kept (rv36a G2)
    for p in (out.with_name("s1.blend1"), work / "recognised.edited-2.txt", tmp_path / "secret.txt",
              out.with_name("s1.1.fbx"), out.with_name("s1.2.mp4"), out.with_name("s1.x.fbx"),
              out.with_name("other.1.fbx")):  # fmt: skip
        p.write_text("x")
    # where a shot keeps its files is all that counts here
    shot = SimpleNamespace(out=out, work=None, fbx=fbx, fbx_per_character=False, render=video)
    kept = [str(out.with_name("s1.blend1")), str(work / "recognised.edited-2.txt"), str(tmp_path / "secret.txt"),
            str(out.with_name("s1.blend7")), 42, str(out.with_name("s1.1.fbx")), str(out.with_name("s1.2.mp4")),
            str(out.with_name("s1.x.fbx")), str(out.with_name("other.1.fbx"))]  # fmt: skip
    assert shot_state.kept_files(shot, {"kept": kept}) == [
        out.with_name("s1.blend1"),
        work / "recognised.edited-2.txt",
        out.with_name("s1.1.fbx"),
        out.with_name("s1.2.mp4"),
    ]
    assert (
        shot_state.kept_files(shot, {"kept": "s1.blend1"}) == [] and shot_state.kept_files(shot, None) == []
    )
