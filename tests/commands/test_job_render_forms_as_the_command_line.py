"""A pipeline TD turns a working command line into a job file, and types an output name by hand.

``--resolution 320x180`` works on the command line; the same ``"resolution": "320x180"`` in a job file
was refused (``expected [width, height]``) (review rv35b F5). And ``--render shot.gif`` (or ``.avi``,
or ``shot.mp4 `` with a stray space) was taken for a folder of frames: a full render started without
a word into a folder named ``shot.gif`` (review rv35b F3). Both forms of a size now read alike, and a
render name with an extension that is no video DualTalk writes is refused in one line, before any
work; a folder is a name without an extension, or one written ending in ``/``."""

from __future__ import annotations

import argparse

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import animate
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError

BASE = {"blend": "in/s.blend", "char_a": "Ann", "char_b": "Bob", "audio": "in/a.wav", "out": "out/s.blend"}


def _shot(tmp_path, **keys):
    (shot,) = parse_jobs({"shots": [{**BASE, "name": "s05", "render": "out/s05.mp4", **keys}]}, tmp_path)
    return shot


def _flag(text: str) -> tuple[int, int]:
    parser = argparse.ArgumentParser()
    animate.add_arguments(parser)
    return parser.parse_args(["--resolution", text]).resolution


def test_a_job_file_takes_the_resolution_as_the_command_line_writes_it(tmp_path):
    assert _shot(tmp_path, resolution="320x180").resolution == (320, 180) == _flag("320x180")
    assert _shot(tmp_path, resolution=[320, 180]).resolution == (320, 180)
    assert _shot(tmp_path, resolution="1920X1080").resolution == (1920, 1080) == _flag("1920X1080")


@pytest.mark.parametrize("value", ["320by180", "320x", [320], [320, "180"], "x180"])
def test_a_resolution_in_neither_form_is_one_line_naming_both(tmp_path, value):
    with pytest.raises(DualTalkError) as caught:
        _shot(tmp_path, resolution=value)
    line = str(caught.value)
    assert line.startswith("shot 's05'.resolution: expected \"WIDTHxHEIGHT\"") and "[width, height]" in line
    assert "\n" not in line


def test_a_resolution_out_of_bounds_is_refused_in_either_form(tmp_path):
    for value in ("0x10", [0, 10]):
        with pytest.raises(DualTalkError, match=r"within 8\.\.16384"):
            _shot(tmp_path, resolution=value)


@pytest.mark.parametrize("name", ["out/s05.gif", "out/s05.avi", "out/s05.webm", "out/s05.mp4 "])
def test_a_job_render_that_is_neither_a_video_nor_a_folder_is_refused_before_any_shot(tmp_path, name):
    with pytest.raises(DualTalkError) as caught:
        _shot(tmp_path, render=name)
    line = str(caught.value)
    assert line.startswith(f"shot 's05'.render {name}: ")
    assert ".mp4, .mkv, .mov" in line and "without an extension" in line and "\n" not in line


def test_videos_and_folders_still_render(tmp_path):
    for name in ("out/s05.mp4", "out/s05.MKV", "out/s05.mov", "out/frames"):
        assert _shot(tmp_path, render=name).render == tmp_path / name
    # a folder whose name has a dot: written ending in '/', or there already
    assert _shot(tmp_path, render="out/take.v2/").render == tmp_path / "out" / "take.v2"
    (tmp_path / "out" / "shot_1.5").mkdir(parents=True)
    assert _shot(tmp_path, render="out/shot_1.5").render == tmp_path / "out" / "shot_1.5"


def test_render_gif_on_the_command_line_is_one_line_and_writes_nothing(tmp_path, capsys):
    out, gif = tmp_path / "e8.blend", tmp_path / "e8.gif"
    code = main(["animate", "--quiet", "--blend", str(tmp_path / "s.blend"), "--char-a", "Ann", "--char-b", "Bob",
                 "--audio", str(tmp_path / "a.wav"), "--out", str(out), "--render", str(gif)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert f"--render {gif}: '.gif' is not a video format DualTalk writes (.mp4, .mkv, .mov)" in err
    assert list(tmp_path.iterdir()) == []


def test_a_size_typed_with_the_multiplication_sign_reads_as_with_x(tmp_path):
    # review rv35c: "1920×1080" was refused, and the line showed it as "1920\u00d71080"
    assert _shot(tmp_path, resolution="1920×1080").resolution == (1920, 1080) == _flag("1920 × 1080")


def test_a_video_name_ending_in_a_slash_asks_which_was_meant(tmp_path):
    # review rv35c: "out/s05.mp4/" wrote a video though a trailing '/' names a folder of frames
    with pytest.raises(DualTalkError) as caught:
        _shot(tmp_path, render="out/s05.mp4/")
    line = str(caught.value)
    assert "ends in '/'" in line and ".mp4 video" in line and "\n" not in line
