"""A TD renders a shot's preview frames on the farm; later some frames are gone (a node's cleanup took
the partial frames of a range, a sync dropped some, an artist deleted a range to render it again).
Before, ``--skip-done`` only checked that the frames folder was there: with 3 of its 5 frames it
said ``skipped: ... its outputs are in place``, exit 0, and the summary listed the folder as done
(review rv37b F3). Now the render's own record of its frames (``.dualtalk-render.frames``: each
frame's name, size and time) is read: a frame missing or changed runs the shot again, its line says
how many, and the render puts every frame back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dualtalk.cli import main
from test_blender_animate import build_scene, motions, two_voices


@pytest.fixture
def job(tmp_path) -> Path:
    """A job of one 5-frame shot from motion files with its sound, rendered 16x16 into a folder."""
    folder = tmp_path / "job"
    (folder / "in").mkdir(parents=True)
    build_scene(folder / "in" / "scene.blend")
    motions(folder / "in", frames=5)
    two_voices(folder / "in" / "talk.wav", seconds=0.2)
    shot = {"name": "r1", "blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
            "motion_a": "in/A.npz", "motion_b": "in/B.npz", "audio": "in/talk.wav",
            "out": "out/r1.blend", "render": "out/r1_frames", "resolution": [16, 16]}  # fmt: skip
    (folder / "shots.json").write_text(json.dumps({"shots": [shot]}))
    return folder


def _night(folder: Path, capsys) -> tuple[str, str]:
    report = folder.parent / "report.json"
    capsys.readouterr()
    argv = [
        "animate",
        "--quiet",
        "--job",
        str(folder / "shots.json"),
        "--skip-done",
        "--summary",
        str(report),
    ]
    assert main(argv) == 0
    return json.loads(report.read_text())["shots"][0]["status"], capsys.readouterr().out


def _frames(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "out" / "r1_frames").glob("frame_*"))}


def test_a_shot_whose_frames_were_deleted_runs_again_and_puts_them_back(job, capsys):
    assert _night(job, capsys)[0] == "done"
    frames = _frames(job)
    assert len(frames) == 5
    assert _night(job, capsys)[0] == "skipped"  # all there: skipped, as before

    for name in list(frames)[2:]:
        (job / "out" / "r1_frames" / name).unlink()
    status, out = _night(job, capsys)
    assert status == "done", out  # before: "skipped: ... its outputs are in place" with 2 of 5 frames
    assert f"its frames folder {job / 'out' / 'r1_frames'} lacks 3 of its 5 frames" in out
    assert list(_frames(job)) == list(frames)
    assert _night(job, capsys)[0] == "skipped"


def test_a_frame_changed_since_its_render_is_not_skipped(job, capsys):
    """A frame someone changed (retouched, replaced by another render) is not the render's: the shot is
    not skipped, and its render, which never replaces a file it did not write, says so in one line."""
    assert _night(job, capsys)[0] == "done"
    first = job / "out" / "r1_frames" / next(iter(_frames(job)))
    first.write_bytes(first.read_bytes() + b"\0")  # another size: not the frame the render wrote

    capsys.readouterr()
    code = main(["animate", "--quiet", "--job", str(job / "shots.json"), "--skip-done"])
    captured = capsys.readouterr()
    assert code == 2 and "skipped" not in captured.out, captured.out  # before: skipped, exit 0
    assert (
        f"error: shot r1: render folder {job / 'out' / 'r1_frames'} holds files DualTalk did not render"
        in (captured.err)
    )


def test_frames_copied_without_their_times_are_still_the_same_frames(job, capsys):
    """A copy that does not keep times (``cp -r``, a sync tool's default) leaves every frame as big as
    its render wrote it: the shot stays done."""
    assert _night(job, capsys)[0] == "done"
    for frame in (job / "out" / "r1_frames").glob("frame_*"):
        os.utime(frame, (1_000_000_000, 1_000_000_000))
    assert _night(job, capsys)[0] == "skipped"


def test_the_frames_are_judged_by_the_renders_own_public_record_reader(job, capsys, monkeypatch):
    """``--skip-done`` read the render's frames record through a private function of the render module
    (review rv38d F5); it now asks the render's public reader, ``render.frames_record``, so what the
    render counts as its frames is what the shot is judged by."""
    from dualtalk.dualtalk_blender.commands.jobs import Shot
    from dualtalk.dualtalk_blender.commands.shot_state import frames_changed
    from dualtalk.dualtalk_blender.scene import render

    assert _night(job, capsys)[0] == "done"
    folder = job / "out" / "r1_frames"
    assert sorted(render.frames_record(folder)) == list(_frames(job))
    shot = Shot(name="r1", blend=job / "in" / "scene.blend", char_a="Ann", char_b="Bob",
                out=job / "out" / "r1.blend", render=folder)  # fmt: skip
    assert frames_changed(shot) is None
    monkeypatch.setattr(render, "frames_record", lambda _folder: {})
    assert (
        frames_changed(shot) == f"its frames folder {folder} holds no record of the frames its render wrote"
    )
