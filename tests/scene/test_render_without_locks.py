"""On a file system without locks (CIFS/SMB, sshfs, NFS without lockd) a render cannot take its
output's lock: it warns and goes on. It then also swept the hidden stage it found there as a killed
render's, though a render of the same output on another farm node may be writing it: that render
ended "Blender wrote no file" (review rv35a F8). Unlocked, a render now leaves such stages alone."""

from __future__ import annotations

import errno
import fcntl

import pytest
from dualtalk.dualtalk_blender.scene.render import render_lock, render_shot
from dualtalk.inference.core import locks
from test_render_killed_run import _scene


@pytest.fixture
def no_locks(monkeypatch):
    def flock(*_args, **_kwargs):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", flock)
    locks.reset_lock_warning()
    yield
    locks.reset_lock_warning()


@pytest.mark.parametrize("who_locks", ["render_shot", "its caller"])
def test_an_unlocked_render_leaves_another_renders_live_stage_alone(tmp_path, no_locks, capfd, who_locks):
    out = tmp_path / "frames"
    render_shot(_scene(), out, resolution=(16, 16))
    live = out / ".dualtalk-render.k2j4_9zq.part"  # a render of these frames on another node, at frame 2
    live.mkdir()
    (live / "frame_0001.png").write_bytes(b"frame 1 of the other render")

    if who_locks == "render_shot":
        render_shot(_scene(), out, resolution=(16, 16))
    else:  # animate's shot locks the render output with its other outputs
        with render_lock(out):
            render_shot(_scene(), out, resolution=(16, 16), lock=False)

    assert "could not lock on this file system" in capfd.readouterr().err
    assert (live / "frame_0001.png").read_bytes() == b"frame 1 of the other render"  # was: swept
    assert len(list(out.glob("frame_*.png"))) == 3
