"""A stereo 3D render (Stereoscopy on, the output's Views Format Stereo 3D) to a video failed every time:
Blender named the video it wrote ``..._L.mp4``, DualTalk found its own name empty ("the video is not
finished (no index, 0 bytes)") once every frame was rendered, and the ``_L`` video stayed hidden beside
the output for good; at an odd size Blender's writer stopped with its own "width not divisible by 2",
after the engine in ``animate``. The odd-size check skipped multiview renders altogether (session 36's
leftover). Now a stereo video is its frames as Blender lays each frame's two views out, rendered frame by
frame and encoded like any other, its picture's size checked before the first frame (side by side is twice
as wide), and a render that writes each view to its own file (Individual) is refused for a video."""

from __future__ import annotations

import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import render
from dualtalk.dualtalk_blender.scene.render import check_video_size, render_shot
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.media_check import video_problem
from test_render_killed_run import _scene

needs_ffmpeg = pytest.mark.skipif(not bpy.app.build_options.codec_ffmpeg, reason="this Blender has no FFmpeg")


def _stereo(mode="SIDEBYSIDE", squeezed=False, views_format="STEREO_3D"):
    scene = _scene()
    r = scene.render
    r.use_multiview = True
    r.views_format = "STEREO_3D"
    r.image_settings.views_format = views_format
    r.image_settings.stereo_3d_format.display_mode = mode
    r.image_settings.stereo_3d_format.use_squeezed_frame = squeezed
    return scene


def _picture(path):
    image = bpy.data.images.load(str(path))
    w, h = image.size
    return np.array(image.pixels[:]).reshape(h, w, 4)[..., :3]


@needs_ffmpeg
@pytest.mark.parametrize(
    ("mode", "size", "picture"),
    [("SIDEBYSIDE", (17, 16), (34, 16)), ("TOPBOTTOM", (16, 17), (16, 34)), ("ANAGLYPH", (16, 16), (16, 16))],
)
def test_a_stereo_video_is_one_file_of_its_frames_as_blender_lays_the_two_views_out(
    tmp_path, mode, size, picture
):
    scene = _stereo(mode)
    frames = render_shot(scene, tmp_path / "frames", resolution=size)
    video = render_shot(scene, tmp_path / "take.mp4", resolution=size)  # was: "not finished", _L left

    assert sorted(p.name for p in tmp_path.iterdir()) == ["frames", "take.mp4"]
    assert video_problem(video) is None
    frame, shown = _picture(frames / "frame_0001.png"), _picture(video)
    assert (shown.shape[1], shown.shape[0]) == picture
    assert np.abs(shown - frame).mean() < 4 / 255  # the frame's picture, both views in it
    r = scene.render
    assert r.use_multiview and r.image_settings.views_format == "STEREO_3D"  # the scene as it was


@pytest.mark.parametrize(
    ("mode", "squeezed", "size", "said", "offered"),
    [
        (
            "SIDEBYSIDE",
            False,
            (17, 17),
            "34x17 (--resolution 17x17, its two views side by side)",
            "17x16 or 17x18",
        ),
        (
            "SIDEBYSIDE",
            True,
            (17, 16),
            "17x16 (--resolution 17x16, its two views side by side, squeezed)",
            "16x16 or 18x16",
        ),
        ("ANAGLYPH", False, (16, 15), "16x15 (--resolution 16x15, its two views as an anaglyph)", "16x16"),
        ("TOPBOTTOM", False, (8, 16), "8x32 (--resolution 8x16, its two views top and bottom)", "16x16"),
        ("SIDEBYSIDE", False, (8, 8), "16x8 (--resolution 8x8, its two views side by side)", "8x16"),
    ],
)
def test_a_stereo_video_its_encoder_cannot_take_is_refused_before_the_first_frame(
    tmp_path, mode, squeezed, size, said, offered
):
    with pytest.raises(DualTalkError) as refused:  # was: Blender's "width not divisible by 2 (17x16)"
        render_shot(_stereo(mode, squeezed), tmp_path / "take.mp4", resolution=size)
    assert f"the render is {said}: a .mp4 video (H.264) needs" in str(refused.value)
    assert f"give --resolution {offered}, or render a folder of frames" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_a_jobs_stereo_video_is_refused_in_its_fields_words(tmp_path):
    with pytest.raises(DualTalkError) as refused:
        check_video_size(_stereo(), tmp_path / "take.mp4", (17, 17), job=True)
    assert 'the render is 34x17 ("resolution" "17x17", its two views side by side)' in str(refused.value)
    assert 'give "resolution": "17x16" or "17x18"' in str(refused.value)


def test_a_scenes_own_odd_stereo_size_is_refused_before_the_engine_and_an_even_one_passes(tmp_path):
    scene = _stereo("TOPBOTTOM")
    scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = 1920, 1080, 33
    with pytest.raises(
        DualTalkError, match=r"the render is 633x712 \(the scene's 1920x1080 at 33 %, its two"
    ):
        check_video_size(scene, tmp_path / "take.mp4")  # what animate asks before the engine runs
    scene.render.resolution_percentage = 50
    check_video_size(scene, tmp_path / "take.mp4")


def test_a_video_of_a_render_writing_each_view_to_its_own_file_is_refused_and_its_frames_are_not(tmp_path):
    scene = _stereo(views_format="INDIVIDUAL")
    with pytest.raises(DualTalkError) as refused:  # was: "not finished", two hidden videos left
        render_shot(scene, tmp_path / "take.mp4", resolution=(16, 16))
    assert "Views Format is Individual (each view to a file of its own), and a video is one file" in str(
        refused.value
    )
    assert list(tmp_path.iterdir()) == []
    frames = render_shot(scene, tmp_path / "frames", resolution=(17, 16))
    assert {p.name for p in frames.glob("*.png")} == {
        f"frame_000{n}_{v}.png" for n in (1, 2, 3) for v in "LR"
    }


@needs_ffmpeg
def test_the_hidden_view_videos_an_earlier_build_left_go_with_the_next_render(tmp_path):
    out = tmp_path / "take.mp4"
    left = [tmp_path / f"{render._video_prefix(out)}ab12cd34.part_{v}.mp4" for v in "LR"]
    mine = tmp_path / "take_L.mp4"  # the user's own, not a name a render makes
    for path in [*left, mine]:
        path.write_bytes(b"\0" * 64)
    render_shot(_stereo(), out, resolution=(16, 16))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["take.mp4", "take_L.mp4"]  # was: both kept for good
