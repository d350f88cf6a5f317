"""Two scene settings that play the take at another speed than its sound.

Time Stretching (``render.frame_map_old/new``) plays keys of frame k at frame k * New / Old but the
sound where it lies: keying says so in one line (Python API, ``animate``, the add-on's reports), the
frame range covers the take as played, and the eyes are aimed from the heads at the keys' frames.
A Frame Step > 1 renders every n-th frame: a video is rendered with every frame (the step put back
after, also on failure), through Blender's FFmpeg and through the system ``ffmpeg`` fallback.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import render
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.channels import CHANNELS
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.gaze import EYE_LOOK
from dualtalk.inference.core.motion import Motion, save_motion

T = 40  # 1.6 s at 25 fps
HALF_SPEED = (
    "the scene's Time Stretching (Old 100, New 200) plays the face at half speed against its sound; "
    "set Old and New to the same value for lip sync"
)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talk(role: str, *, nod: bool = False, gaze: bool = False) -> Motion:
    t = np.arange(T) / 25.0
    v = np.zeros((T, 55), np.float32)
    # jawOpen: a ramp, so a key's frame is read from its value
    v[:, CHANNELS["arkit55"].index("jawOpen")] = np.linspace(0.0, 1.0, T)
    if nod:
        v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.2 * t)
        v[:, 53] = np.radians(12.0) * np.sin(2 * np.pi * 0.6 * t)
    extra = {}
    if gaze:
        target = np.ones(T, np.int8)
        target[15:25] = 0
        direction = np.zeros((T, 2), np.float32)
        direction[target == 0] = (15.0, -8.0)
        extra = {"gaze_target": target, "gaze_dir": direction}
    speaking = np.zeros(T, bool)
    speaking[: T // 2] = role == "A"
    speaking[T // 2 :] = role == "B"
    return Motion("arkit55", v, speaking=speaking, role=role, **extra)


def pair() -> tuple[bpy.types.Object, bpy.types.Object]:
    a = br.make_character("A", location=(0.0, 0.0, 0.0))
    b = br.make_character("B", location=(0.2, -1.5, 0.0))
    b.parent.rotation_euler = (0.0, 0.0, math.pi)  # face to face
    return a, b


def stretch(old: int, new: int) -> None:
    bpy.context.scene.render.frame_map_old, bpy.context.scene.render.frame_map_new = old, new


def jaw(obj: bpy.types.Object, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return float(obj.data.shape_keys.key_blocks["jawOpen"].value)


def test_time_stretching_is_said_once_and_the_range_covers_the_take_as_played():
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end = 1, 250
    a, b = pair()
    stretch(100, 200)
    rep_a, rep_b, _ = apply_dialogue(a, b, talk("A"), talk("B"), ApplyOptions(gaze=False, frame_range="fit"))
    assert rep_a.warnings.count(HALF_SPEED) == 1 and HALF_SPEED not in rep_b.warnings
    # Keys stay in the animation's frames (as the scene's other animation), played twice as long:
    # frame 2k shows key k. The range holds the sound (1-40) and the face as played (up to 80).
    assert (rep_a.first_frame, rep_a.last_frame) == (1, T)
    assert (scene.frame_start, scene.frame_end) == (1, 2 * T)
    assert jaw(a, 2 * T) == pytest.approx(1.0, abs=1e-4)
    assert jaw(a, 2 * 20) == pytest.approx(19 / (T - 1), abs=1e-4)
    # Faster than the sound: the range still holds the sound
    stretch(100, 50)
    scene.frame_start, scene.frame_end = 1, 250
    rep = apply_motion(a, talk("A"), ApplyOptions(frame_range="fit"))
    assert any("at double speed against its sound" in w for w in rep.warnings)
    assert (scene.frame_start, scene.frame_end) == (1, T)
    # A later start, slowed down: extend reaches the played end
    stretch(100, 300)
    scene.frame_start, scene.frame_end = 1, 100
    apply_motion(a, talk("A"), ApplyOptions(start_frame=101, frame_range="extend"))
    assert (scene.frame_start, scene.frame_end) == (1, 3 * (101 + T - 1))
    stretch(100, 100)
    assert not any("Time Stretching" in w for w in apply_motion(a, talk("A")).warnings)


def eye_keys(a: bpy.types.Object) -> np.ndarray:
    """A's eye weights at every key frame, played without Time Stretching."""
    old = bpy.context.scene.render.frame_map_old
    stretch(old, old)
    keys = a.data.shape_keys.key_blocks
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append([keys[n].value for n in EYE_LOOK])
    return np.array(out)


def test_eyes_are_aimed_from_the_heads_at_the_keys_frames_under_time_stretching():
    a, b = pair()
    options = ApplyOptions(blinks="off")
    apply_dialogue(a, b, talk("A", nod=True, gaze=True), talk("B", nod=True, gaze=True), options)
    plain = eye_keys(a)
    br.reset()
    bpy.context.scene.render.fps = 25
    a, b = pair()
    stretch(100, 200)
    apply_dialogue(a, b, talk("A", nod=True, gaze=True), talk("B", nod=True, gaze=True), options)
    assert bpy.context.scene.render.frame_map_new == 200  # put back after the heads were read
    assert np.abs(plain).max() > 0.05
    np.testing.assert_allclose(eye_keys(a), plain, atol=1e-4)


def test_animate_says_time_stretching_once(tmp_path, capsys):
    a, b = pair()
    stretch(100, 200)
    scene_file = tmp_path / "in.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(scene_file))
    paths = [save_motion(tmp_path / f"{r}.npz", talk(r)) for r in "AB"]
    out = tmp_path / "out.blend"
    rc = main(["animate", "--quiet", "--blend", str(scene_file), "--char-a", "A", "--char-b", "B",
               "--motion-a", str(paths[0]), "--motion-b", str(paths[1]), "--out", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 0 and err.count("Time Stretching") == 1 and HALF_SPEED in err
    bpy.ops.wm.open_mainfile(filepath=str(out))
    assert (bpy.context.scene.frame_start, bpy.context.scene.frame_end) == (1, 2 * T)


# -- Frame Step and video renders ------------------------------------------------------------


@pytest.fixture(scope="module")
def can_render():
    from dualtalk.dualtalk_blender.demo.preview import start_workbench_probe, workbench_available

    start_workbench_probe()
    if not workbench_available():
        pytest.skip("no OpenGL context for Workbench on this machine")


def stepped_scene(step: int) -> bpy.types.Scene:
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    br.make_character("A")
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    cam.location = (0.0, -3.0, 1.6)
    cam.rotation_euler = (np.pi / 2, 0.0, 0.0)
    scene.collection.objects.link(cam)
    scene.camera = cam
    scene.frame_start, scene.frame_end, scene.frame_step = 1, 6, step
    return scene


def video_frames(path: Path) -> int:
    clip = bpy.data.movieclips.load(str(path))
    try:
        return int(clip.frame_duration)
    finally:
        bpy.data.movieclips.remove(clip)


@pytest.mark.parametrize("blender_ffmpeg", [True, False], ids=["blender-ffmpeg", "system-ffmpeg"])
def test_a_video_renders_every_frame_whatever_the_frame_step(
    tmp_path, can_render, monkeypatch, blender_ffmpeg
):
    if not bpy.app.build_options.codec_ffmpeg:
        pytest.skip("this Blender build cannot read the video back")
    if not blender_ffmpeg:
        if shutil.which("ffmpeg") is None:
            pytest.skip("no ffmpeg on PATH")
        monkeypatch.setattr(render, "blender_has_ffmpeg", lambda: False)
    scene = stepped_scene(2)
    video = render.render_shot(scene, tmp_path / "shot.mp4", resolution=(32, 24))
    assert video_frames(video) == 6
    assert scene.frame_step == 2  # the user's setting, put back


def test_the_frame_step_is_put_back_when_a_video_render_fails(tmp_path, monkeypatch):
    scene = stepped_scene(3)
    seen = []

    def fail(scene, *_args):
        seen.append(scene.frame_step)
        raise DualTalkError("Blender did not finish rendering")

    monkeypatch.setattr(render, "_render_animation", fail)
    monkeypatch.setattr(render, "blender_has_ffmpeg", lambda: True)
    with pytest.raises(DualTalkError, match="did not finish"):
        render.render_shot(scene, tmp_path / "shot.mp4", resolution=(32, 24))
    assert seen == [1] and scene.frame_step == 3
    assert not (tmp_path / "shot.mp4").exists()
