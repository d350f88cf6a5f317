"""An .mp4 at an odd size (``--resolution 320x181``, or a scene's own 1920x1080 at 33 %: 633x356) rendered
every frame, then failed as ``internal error (RuntimeError: Error: height not divisible by 2)``, exit 1,
with Blender's raw lines (review rv36b R8); under 16 pixels a side Blender's writer said only "Image too
small". Every video DualTalk writes is H.264 4:2:0: it is now refused before the first frame, in one
line naming the nearest sizes it can write. A folder of frames takes any size."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.scene.render import render_shot
from dualtalk.inference.core.errors import DualTalkError
from test_render_killed_run import _scene


class Lines:
    def __init__(self):
        self.lines = []

    def update(self, stage, fraction, text=""):
        self.lines.append(text)


@pytest.mark.parametrize(
    ("name", "size", "offered"),
    [
        ("t.mp4", (17, 16), "give 16x16 or 18x16"),
        ("t.mkv", (32, 19), "give 32x18 or 32x20"),
        ("t.mov", (16, 9), "at least 16x16 (Blender's FFmpeg writer); give 16x16"),
    ],
)
def test_an_odd_or_tiny_size_for_a_video_is_refused_before_the_first_frame(tmp_path, name, size, offered):
    said = Lines()
    with pytest.raises(DualTalkError) as refused:  # was: RuntimeError from the encoder, every frame rendered
        render_shot(_scene(), tmp_path / name, resolution=size, progress=said)
    assert f"--resolution {size[0]}x{size[1]}: a {name[1:]} video (H.264) needs an even width" in str(
        refused.value
    )
    assert offered in str(refused.value)
    assert said.lines == []  # not one frame
    assert list(tmp_path.iterdir()) == []


def test_a_scenes_own_size_at_its_percentage_is_checked_and_left_as_it_was(tmp_path):
    scene = _scene()
    r = scene.render
    r.resolution_x, r.resolution_y, r.resolution_percentage = 1920, 1080, 33  # 633x356
    with pytest.raises(DualTalkError) as refused:
        render_shot(scene, tmp_path / "take.mp4", progress=Lines())
    assert "the render is 633x356 (the scene's 1920x1080 at 33 %)" in str(refused.value)
    assert "give --resolution 632x356 or 634x356" in str(refused.value)
    assert (r.resolution_x, r.resolution_y, r.resolution_percentage) == (1920, 1080, 33)
    with pytest.raises(DualTalkError) as in_a_job:
        render_shot(scene, tmp_path / "take.mp4", job=True)
    assert 'give "resolution": "632x356" or "634x356"' in str(in_a_job.value)


def test_a_crop_to_an_odd_render_border_is_refused(tmp_path):
    scene = _scene()
    r = scene.render
    r.resolution_x = r.resolution_y = 100
    r.resolution_percentage = 100
    r.use_border = r.use_crop_to_border = True
    r.border_min_x, r.border_max_x, r.border_min_y, r.border_max_y = 0.1, 0.65, 0.2, 0.7  # 55x50
    with pytest.raises(DualTalkError, match="55x50 .*cropped to its render border.*crops to 54x50 or 56x50"):
        render_shot(scene, tmp_path / "take.mp4")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_frames_takes_an_odd_size_and_an_even_video_is_written(tmp_path):
    frames = render_shot(_scene(), tmp_path / "frames", resolution=(17, 9))
    assert len(list(frames.glob("frame_*.png"))) == 3
    video = render_shot(_scene(), tmp_path / "take.mp4", resolution=(16, 16))
    assert video.stat().st_size > 0


def test_a_crop_to_an_even_render_border_is_a_video_of_the_cropped_frames(tmp_path):
    """Rendered frame by frame now, as every video (it was one animation call, deaf to Ctrl-C): the
    picture is the cropped frame's, not the frame stretched over the scene's whole size."""
    import bpy
    import numpy as np

    bpy.ops.wm.read_factory_settings(use_empty=False)  # the factory scene: a grey cube to crop
    scene = bpy.context.scene
    scene.render.engine = "BLENDER_WORKBENCH"
    scene.frame_start, scene.frame_end = 1, 2
    r = scene.render
    r.use_border = r.use_crop_to_border = True
    r.border_min_x, r.border_max_x, r.border_min_y, r.border_max_y = 0.25, 0.75, 0.0, 0.5
    frames = render_shot(scene, tmp_path / "frames", resolution=(64, 64))
    video = render_shot(scene, tmp_path / "take.mp4", resolution=(64, 64))

    def picture(path):
        image = bpy.data.images.load(str(path))
        w, h = image.size
        return np.array(image.pixels[:]).reshape(h, w, 4)[..., :3]

    frame, shown = picture(frames / "frame_0001.png"), picture(video)
    assert shown.shape == frame.shape == (32, 32, 3)
    assert np.abs(shown - frame).mean() < 4 / 255
    assert r.use_border and (r.border_min_x, r.border_max_x) == (0.25, 0.75)  # the scene as it was
