"""A farm's render: stopped at the next frame, and its progress in the log frame by frame.

Review rv35b F2: SIGTERM during ``animate --render`` was heard only when the whole render was done
(384 s after the signal for 75 tiny frames; a farm sends SIGKILL after ~30 s and the killed run leaves
its ``.part`` and lock files). F1: the per-frame progress lines went into the temp file that hides
Blender's own prints, so a farm log read ``render: 0%`` and, hours later, ``render: 100%``.

Each story runs a real render in a child process with the command line's progress and signal
handling, and reads what a farm sees: the child's own stderr and exit status.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import bpy
import pytest

CHILD = """
import os, signal, sys
from pathlib import Path
import bpy
from dualtalk.dualtalk_blender.scene.render import render_shot
from dualtalk.inference.core import interrupts
from dualtalk.inference.core.progress import ConsoleBar

out, frames, stop_at, sig = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
log = Path(sys.argv[5])
scene = bpy.context.scene  # the factory scene, with its camera
scene.render.engine = "BLENDER_WORKBENCH"
scene.frame_start, scene.frame_end = 1, frames
size = (16, 16)
if out.stem == "cropped":  # a crop to the render border: 16x32 of 32x32
    scene.render.use_border = scene.render.use_crop_to_border = True
    scene.render.border_min_x, scene.render.border_max_x = 0.25, 0.75
    size = (32, 32)
elif out.stem == "stereo":  # stereo 3D, each frame's two views side by side: 32x16
    scene.render.use_multiview = True
    scene.render.image_settings.views_format = "STEREO_3D"
    scene.render.image_settings.stereo_3d_format.display_mode = "SIDEBYSIDE"

def farm(*_args):
    with open(log, "a") as f:  # every frame Blender renders, for the test to count
        f.write(f"{scene.frame_current}\\n")
    if scene.frame_current == stop_at:
        os.kill(os.getpid(), sig)  # a real signal: the process's handler decides, as on a farm

bpy.app.handlers.render_post.append(farm)
try:
    with interrupts.handle_signals():
        render_shot(scene, out, resolution=size, progress=ConsoleBar())
except KeyboardInterrupt as exc:
    print(f"error: {interrupts.message(exc)}", file=sys.stderr)
    sys.exit(interrupts.exit_code(exc))
print(f"wrote {out}")
"""


def _render(out: Path, log: Path, frames: int, stop_at: int = 0, sig: int = 0) -> subprocess.CompletedProcess:
    argv = [str(out), str(frames), str(stop_at), str(int(sig)), str(log)]
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), *argv], capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize(
    ("sig", "code", "words"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
@pytest.mark.parametrize("output", ["frames", "shot.mp4", "cropped.mp4", "stereo.mp4"])
def test_a_farm_stopping_a_render_stops_it_after_the_frame_being_rendered(tmp_path, sig, code, words, output):
    """The farm stops the job during frame 2 of 20: the run ends there, says why, and leaves nothing.
    A video cropped to its render border, or stereo 3D, was one animation call, all 20 frames rendered
    before the signal was heard (and a stereo one then failed, its ``_L`` video left hidden)."""
    if output.endswith(".mp4") and not bpy.app.build_options.codec_ffmpeg:
        pytest.skip("this Blender has no FFmpeg: a video is rendered as frames (the frames story)")
    shot = tmp_path / "shot"
    shot.mkdir()
    log = tmp_path / "rendered.txt"
    proc = _render(shot / output, log, frames=20, stop_at=2, sig=sig)
    rendered = log.read_text().split()
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.splitlines()[-1] == f"error: {words}"
    assert proc.stdout == ""
    assert sorted(p.name for p in shot.iterdir()) == [], "no frames, no hidden stage, no lock file"
    assert rendered == ["1", "2"], "no frame is rendered after the one the signal came in"


@pytest.mark.parametrize("output", ["frames", "shot.mp4", "cropped.mp4", "stereo.mp4"])
def test_a_render_says_each_frame_on_the_real_stderr(tmp_path, output):
    """A log (no terminal) reads ``render: 33% frame 1/3, 0.0 s/frame, about 0:00 left`` between 0 % and 100 %."""
    if output.endswith(".mp4") and not bpy.app.build_options.codec_ffmpeg:
        pytest.skip("this Blender has no FFmpeg: a video is rendered as frames (the frames story)")
    out = tmp_path / output
    proc = _render(out, tmp_path / "rendered.txt", frames=3)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"wrote {out}\n", "Blender's own prints stay off stdout"
    lines = [line for line in proc.stderr.splitlines() if line.startswith("render: ")]
    assert lines[0].startswith("render: 0% 3 frames")
    assert lines[1].startswith("render: 33% frame 1/3, ") and lines[1].endswith(" left")
    assert lines[-1] == f"render: 100% {out}"
    assert "Saved:" not in proc.stderr, "Blender's per-frame prints stay hidden"


def test_a_video_shows_its_frames_as_rendered_once(tmp_path):
    """A video is now encoded from frames rendered one by one: its picture must be the frames', not
    the frames given the scene's view transform (AgX) or its burnt-in stamp a second time."""
    if not bpy.app.build_options.codec_ffmpeg:
        pytest.skip("this Blender has no FFmpeg")
    import numpy as np
    from dualtalk.dualtalk_blender.scene.render import render_shot

    bpy.ops.wm.read_factory_settings(use_empty=False)  # the factory scene: a grey cube, AgX
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.frame_start, scene.frame_end = 1, 2
    render_shot(scene, tmp_path / "frames", resolution=(32, 32))
    render_shot(scene, tmp_path / "shot.mp4", resolution=(32, 32))

    def picture(path: Path) -> np.ndarray:
        image = bpy.data.images.load(str(path))
        return np.array(image.pixels[:]).reshape(32, 32, 4)[..., :3]

    frame, video = picture(tmp_path / "frames" / "frame_0001.png"), picture(tmp_path / "shot.mp4")
    assert abs(video.mean() - frame.mean()) < 2 / 255, (video.mean(), frame.mean())
    assert np.abs(video - frame).mean() < 4 / 255
    assert scene.view_settings.view_transform == "AgX" and not scene.sequence_editor.strips_all
