"""``--resolution 320x181`` (a job's ``"resolution": "320x181"``) with an .mp4 render was found by the encoder
after every frame was rendered: an "internal error", exit 1 (review rv36b R8). :func:`check_video_resolution`
refuses it where the render's arguments are read, before any work, naming the sizes a video can be."""

from __future__ import annotations

from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands.render_args import check_video_resolution, needs_the_scene
from dualtalk.inference.core.errors import DualTalkError


def test_an_odd_resolution_for_a_video_names_the_even_sizes_next_to_it():
    with pytest.raises(DualTalkError) as refused:
        check_video_resolution(Path("out/t1.mp4"), (320, 181), "--resolution", views=(1, 1))
    assert str(refused.value) == (
        "--resolution 320x181: a .mp4 video (H.264) needs an even width and height; give 320x180 or 320x182, "
        "or render a folder of frames (any size)"
    )


def test_a_job_field_is_named_and_quoted_as_the_job_file_writes_it():
    with pytest.raises(DualTalkError, match=r'^shots\[0\].resolution "17x17": .* give "16x16" or "18x18"'):
        check_video_resolution(Path("t.mov"), (17, 17), "shots[0].resolution", job=True)


@pytest.mark.parametrize(
    ("output", "size"),
    [
        ("frames", (320, 181)),
        ("take.v2/", (17, 9)),
        ("t.mp4", (320, 180)),
        ("t.mkv", (16, 16)),
        ("t.mp4", None),
    ],
)
def test_frames_folders_and_even_sizes_pass(output, size):
    check_video_resolution(Path(output), size, "--resolution")
    check_video_resolution(Path(output), size, "--resolution", views=(1, 1))


@pytest.mark.parametrize(("size", "layout"), [((17, 16), "side by side"), ((16, 17), "top and bottom")])
def test_before_the_scene_is_open_a_size_two_views_make_even_waits_for_the_scene(size, layout):
    """Session 36 left ``--resolution 17x16`` refused up front for a scene whose two views go side by
    side in a 34x16 video: without the scene only a size no layout can encode is refused; the
    rest is judged once the scene is open (``needs_the_scene``)."""
    check_video_resolution(Path("t.mp4"), size, "--resolution")
    assert needs_the_scene(Path("t.mp4"), size)
    views = (2, 1) if layout == "side by side" else (1, 2)
    check_video_resolution(Path("t.mp4"), size, "--resolution", views=views)  # the video is even
    with pytest.raises(DualTalkError, match=r"needs an even width and height"):
        check_video_resolution(Path("t.mp4"), size, "--resolution", views=(1, 1))
    with pytest.raises(DualTalkError, match=r"needs an even width and height"):  # the other layout
        check_video_resolution(Path("t.mp4"), size, "--resolution", views=(views[1], views[0]))


def test_a_size_odd_both_ways_is_refused_before_the_scene_is_open():
    with pytest.raises(DualTalkError, match=r"^--resolution 17x17: .* give 16x16 or 18x18"):
        check_video_resolution(Path("t.mp4"), (17, 17), "--resolution")


@pytest.mark.parametrize(("output", "size"), [("t.mp4", (320, 180)), ("frames", (17, 16)), ("t.mp4", None)])
def test_sizes_one_view_can_be_need_no_scene(output, size):
    assert not needs_the_scene(Path(output), size)
