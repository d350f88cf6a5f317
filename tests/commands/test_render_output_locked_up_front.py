"""A farm re-queues a shot while its first try is still rendering the same frames folder. The second
``animate`` used to run the whole shot (keying, FBX) and only then meet the render's lock; the render
output is now locked with the shot's other outputs, so it stops at once, in one line naming the flag
to change, and the render that holds it is left alone (house34's leftover)."""

from __future__ import annotations

import os

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_run
from dualtalk.inference.core import locks
from no_write_folder import takes_no_file
from test_audit_jobs import job_folder

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def test_a_render_output_another_run_is_rendering_stops_the_shot_before_any_work(
    tmp_path, capsys, monkeypatch
):
    folder = job_folder(tmp_path)
    out, frames = folder / "out" / "s1.blend", folder / "out" / "s1_frames"
    out.parent.mkdir()
    keyed: list[str] = []
    real = shot_run._run_locked
    monkeypatch.setattr(shot_run, "_run_locked", lambda *a, **k: keyed.append("keyed") or real(*a, **k))
    capsys.readouterr()
    with locks.locked(frames, "render output", what="render"):  # another run renders these frames
        code = main(
            ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
             "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
             str(folder / "in" / "B.npz"), "--out", str(out), "--render", str(frames)]
        )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and "another DualTalk run is writing" in err[0], err
    assert err[0].endswith("give this shot another --render"), err
    assert keyed == []  # was: keyed the take first, then refused by the render
    assert not out.exists() and not frames.exists()


def test_a_render_into_a_farm_shot_folder_under_a_folder_the_artist_may_not_write(tmp_path, capsys):
    """The shot folder (``renders/shot010``, made by the pipeline) takes files, the project folder
    above it not: ``animate --render`` renders into it, its lock inside the folder, as ``render_shot``
    does (review rv34 F1: refused "cannot lock .../shot010: Permission denied")."""
    folder = job_folder(tmp_path)
    out, frames = folder / "out" / "s1.blend", folder / "renders" / "shot010"
    frames.mkdir(parents=True)
    capsys.readouterr()
    with takes_no_file(frames.parent):
        code = main(
            ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
             "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
             str(folder / "in" / "B.npz"), "--out", str(out), "--render", str(frames),
             "--resolution", "16x16"]
        )  # fmt: skip
        assert code == 0, capsys.readouterr().err
        assert sorted(p.name for p in frames.parent.iterdir()) == ["shot010"]
    assert out.is_file() and len(list(frames.glob("frame_*.png"))) > 0
    # its lock went with it; the record of the frames it rendered stays
    assert [p.name for p in frames.iterdir() if p.name.startswith(".")] == [".dualtalk-render.frames"]
