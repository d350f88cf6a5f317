"""A killed render's hidden stage beside its frames folder is swept by the next render of that
output, which holds the output's lock (``animate`` holds it with the shot's other outputs and renders
with ``lock=False``). The render asked whether it held the lock by reading the lock file's holder
line, which names this run only where it could write it: a lock file another user's killed render
left under a stricter umask is opened read-only and keeps that run's line, so the held render took
the dead stage for a live one and left it, as large as the frames it held, render after render. The
render now asks the lock itself (``locks.holding``)."""

from __future__ import annotations

import os

import pytest
from dualtalk.dualtalk_blender.scene.render import render_lock, render_shot
from dualtalk.inference.core import locks
from test_render_killed_run import _scene

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def test_a_render_holding_its_lock_sweeps_a_dead_stage_whatever_the_holder_line_says(tmp_path):
    out = tmp_path / "frames"
    dead = tmp_path / ".frames.k2j4_9zq.part"  # the stage a killed render of these frames left
    dead.mkdir()
    (dead / "frame_0001.png").write_bytes(b"frame 1 of a render killed at frame 2")

    with render_lock(out):  # as animate's shot holds it
        lock = locks.lock_file(out)
        assert lock.read_text().startswith(f"pid {os.getpid()} ")
        # the line a read-only lock file keeps: another user's run's, not this one's
        lock.write_text("pid 812 on render04, since 2026-12-05T00:41:07Z\n")
        render_shot(_scene(), out, resolution=(16, 16), lock=False)

    assert not dead.exists()  # was: left, the render reading that it held no lock
    assert len(list(out.glob("frame_*.png"))) == 3
