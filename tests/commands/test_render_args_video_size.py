"""``--resolution 320x181`` (a job's ``"resolution": "320x181"``) with an .mp4 render was found by the encoder
after every frame was rendered: an "internal error", exit 1 (review rv36b R8). :func:`check_video_resolution`
refuses it where the render's arguments are read, before any work, naming the sizes a video can be."""

from __future__ import annotations

from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands.render_args import check_video_resolution
from dualtalk.inference.core.errors import DualTalkError


def test_an_odd_resolution_for_a_video_names_the_even_sizes_next_to_it():
    with pytest.raises(DualTalkError) as refused:
        check_video_resolution(Path("out/t1.mp4"), (320, 181), "--resolution")
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
