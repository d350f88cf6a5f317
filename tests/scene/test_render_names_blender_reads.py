"""Blender 5 reads characters in a render's output path: ``{blend_name}`` is a template it expands,
``{v2}`` one it refuses, and ``#`` in the file's name becomes the frame range. The hidden names a render
stages its work under were made from the user's output name, so ``--render "o/{blend_name}"`` said
"100 frames" while they lay in ``o/.scene.XXXXXXXX.part`` for good, ``take{v2}.mp4`` failed as an
"internal error" after the engine ran, and ``shot#12.mp4`` was "not finished (no index, 0 bytes)" with
the whole video left hidden beside it at every try (review rv36a G6, G4). Now a render's work is staged
under names DualTalk makes, its folders' braces are written as Blender reads them back, and what is
renamed into place is checked where Python takes it from."""

from __future__ import annotations

import json
import os

import pytest
from dualtalk.dualtalk_blender.scene import render
from dualtalk.dualtalk_blender.scene.render import RECORD, render_shot, sweep_dead_render
from dualtalk.inference.core.media_check import video_problem
from test_render_killed_run import _scene

FRAMES = ["frame_0001.png", "frame_0002.png", "frame_0003.png"]


def _everything(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    "name", ["{blend_name}", "fr{v2}", "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", "frames#12", "a}b{"]
)
def test_a_frames_folder_named_with_braces_or_a_hash_gets_its_frames_and_nothing_else(tmp_path, name):
    out = tmp_path / "o" / name

    assert render_shot(_scene(), out, resolution=(16, 16)) == out

    assert sorted(p.name for p in out.iterdir()) == sorted([*FRAMES, RECORD])
    assert _everything(tmp_path / "o") == sorted([name, *(f"{name}/{f}" for f in [*FRAMES, RECORD])])
    assert sorted(json.loads((out / RECORD).read_text())["frames"]) == FRAMES


@pytest.mark.parametrize("name", ["take{v2}.mp4", "{blend_name}.mp4", "shot#12.mp4", "sh010#v3.mov"])
def test_a_video_named_with_braces_or_a_hash_is_written_under_that_name_and_nothing_is_left(tmp_path, name):
    out = tmp_path / "o" / name

    assert render_shot(_scene(), out, resolution=(16, 16)) == out

    assert video_problem(out) is None
    assert _everything(tmp_path / "o") == [name]  # was: .shot1-10012.XXXXXXXX.part.mp4, the whole video


@pytest.mark.parametrize("parent", ["{shot}", "sh#01", "{{x}}"])
def test_a_render_inside_a_folder_whose_own_name_holds_braces_or_a_hash(tmp_path, parent):
    folder = tmp_path / parent
    video, frames = folder / "take.mp4", folder / "frames"

    render_shot(_scene(), video, resolution=(16, 16))
    render_shot(_scene(), frames, resolution=(16, 16))
    render_shot(_scene(), frames, resolution=(16, 16))  # the frames folder there: staged inside it

    assert video_problem(video) is None
    assert sorted(p.name for p in frames.iterdir()) == sorted([*FRAMES, RECORD])
    assert sorted(p.name for p in folder.iterdir()) == ["frames", "take.mp4"]


def test_the_stages_a_killed_render_left_under_the_new_names_are_swept_and_another_outputs_are_not(
    tmp_path,
):
    video, frames, other = tmp_path / "shot#12.mp4", tmp_path / "fr{v2}", tmp_path / "other.mp4"
    # what a kill -9 leaves: each render's staged work, named as a render names it now
    for out in (video, frames, other):
        render_shot(_scene(), out, resolution=(16, 16))
    for out in (video, frames, other):
        (tmp_path / f"{render._beside_prefix(out)}k2j4_9zq.part").mkdir()
        (tmp_path / f"{render._beside_prefix(out)}k2j4_9zq.part" / "frame_0001.png").write_bytes(b"x")
        if out.suffix:
            (tmp_path / f"{render._video_prefix(out)}ab_c1234.part{out.suffix}").write_bytes(b"a video")
    left = set(os.listdir(tmp_path))

    swept = {p.name for p in sweep_dead_render(video) + sweep_dead_render(frames)}

    assert swept == {
        f"{render._beside_prefix(video)}k2j4_9zq.part",
        f"{render._video_prefix(video)}ab_c1234.part.mp4",
        f"{render._beside_prefix(frames)}k2j4_9zq.part",
    }
    assert set(os.listdir(tmp_path)) == left - swept  # other.mp4's stages stay: its own render's
    assert f"{render._video_prefix(other)}ab_c1234.part.mp4" in left - swept
