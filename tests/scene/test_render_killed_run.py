"""A render killed mid-frame (SIGKILL: the out-of-memory killer, a farm's hard stop after its SIGTERM
timeout) runs no clean-up: its hidden stage of frames stayed beside or inside the frames folder for
good, as large as the frames rendered so far (review 33s). The next render of the same output removes
it, and never the stage of a render of that output still running: a render holds its output's lock,
and a second one stops in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.render import RECORD, render_shot
from dualtalk.inference.core.errors import DualTalkError

CHILD = """
import os, signal, sys
from pathlib import Path
import bpy
from dualtalk.dualtalk_blender.scene.render import render_shot

scene = bpy.context.scene  # the factory scene, with its camera
scene.render.engine = "BLENDER_WORKBENCH"
scene.frame_start, scene.frame_end = 1, 6
out, how = Path(sys.argv[1]), sys.argv[2]

def at_frame_2(*_args):
    if scene.frame_current != 2:
        return
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does: no clean-up at all
    (out.parent / "ready").write_text(str(os.getpid()))  # still rendering: hold until told to go on
    sys.stdin.readline()

bpy.app.handlers.render_post.append(at_frame_2)
render_shot(scene, out, resolution=(16, 16))
print("rendered")
"""


def _child(out: Path, how: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), str(out), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.is_dir() else []


def _scene():
    br.reset()
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.frame_start, scene.frame_end = 1, 3
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    scene.collection.objects.link(cam)
    scene.camera = cam
    return scene


@pytest.mark.parametrize("earlier_frames", [False, True], ids=["new folder", "frames folder there"])
def test_the_next_render_removes_the_frames_a_killed_render_left(tmp_path, earlier_frames):
    out = tmp_path / "frames"
    if earlier_frames:  # the stage is then inside the folder, with the earlier frames
        render_shot(_scene(), out, resolution=(16, 16))
    child = _child(out, "kill")
    _stdout, err = child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, err
    where = out if earlier_frames else tmp_path
    left = [n for n in _hidden(where) if n.endswith(".part")]
    assert len(left) == 1 and any((where / left[0]).iterdir())  # a dead run's stage, frame 1 in it
    mine = where / ".frames.notes.part"  # a hidden folder of the user's, not a name a render makes
    if not earlier_frames:
        mine.mkdir()

    render_shot(_scene(), out, resolution=(16, 16))

    assert not (where / left[0]).exists()  # was: left for good, one per killed render
    assert sorted(p.name for p in out.iterdir()) == [
        RECORD,
        "frame_0001.png",
        "frame_0002.png",
        "frame_0003.png",
    ]
    assert mine.is_dir() or earlier_frames
    assert not (tmp_path / ".frames.dualtalk-lock").exists()  # the lock goes with the render


def test_a_render_still_running_keeps_its_frames_and_a_second_one_stops_in_one_line(tmp_path):
    out = tmp_path / "frames"
    child = _child(out, "hold")
    try:
        deadline = time.monotonic() + 240
        while not (tmp_path / "ready").exists():  # the child renders frame 2 and waits
            assert child.poll() is None and time.monotonic() < deadline, (
                child.stderr.read() if child.stderr else ""
            )
            time.sleep(0.1)
        stage = [n for n in _hidden(tmp_path) if n.endswith(".part")]
        assert len(stage) == 1

        with pytest.raises(DualTalkError, match=r"another DualTalk run is writing .*frames \(pid \d+"):
            render_shot(_scene(), out, resolution=(16, 16))

        assert (tmp_path / stage[0]).is_dir()  # the live render's stage was not swept
        assert child.stdin is not None
        child.stdin.write("go on\n")
        child.stdin.flush()
        stdout, err = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, err
    assert stdout.strip().endswith("rendered")
    assert len(list(out.glob("frame_*.png"))) == 6
    assert [n for n in _hidden(tmp_path) if n.endswith(".part")] == []


def test_a_link_or_an_odd_name_is_never_swept(tmp_path):
    from dualtalk.dualtalk_blender.scene.render import sweep_dead_render

    out = tmp_path / "frames"
    out.mkdir()
    target = tmp_path / "precious"
    target.mkdir()
    (target / "frame_0001.png").write_bytes(b"keep")
    (out / ".dualtalk-render.abcd1234.part").symlink_to(target)  # a link with our stage's name
    (tmp_path / ".frames.abcd1234.part").symlink_to(target)
    odd = tmp_path / ".frames.abcd12345.part"  # nine characters: not mkdtemp's
    odd.mkdir()
    dead = out / ".dualtalk-render.k2j4_9zq.part"
    dead.mkdir()
    (dead / "frame_0001.png").write_bytes(b"half")
    aside = out / ".frame_0001.0a1b2c3d.old.png"
    aside.write_bytes(b"an earlier frame's second name")

    removed = sweep_dead_render(out)

    assert sorted(removed) == sorted([dead, aside])
    assert (target / "frame_0001.png").read_bytes() == b"keep" and odd.is_dir()
    assert os.path.islink(out / ".dualtalk-render.abcd1234.part")


def test_a_caller_holding_the_renders_lock_renders_without_taking_it_twice(tmp_path):
    """A shot that locks its render output with its other outputs (as animate locks its .blend) must
    not find its own lock held: ``lock=False``; without it, the second lock is refused in one line."""
    from dualtalk.inference.core import locks

    out = tmp_path / "frames"
    with locks.locked(out, "render output", what="render"):
        with pytest.raises(DualTalkError, match="another DualTalk run is writing"):
            render_shot(_scene(), out, resolution=(16, 16))
        render_shot(_scene(), out, resolution=(16, 16), lock=False)
    assert len(list(out.glob("frame_*.png"))) == 3
