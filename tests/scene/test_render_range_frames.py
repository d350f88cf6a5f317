"""A TD checks the look of two frames of a shot: ``animate --range 100-101 --render DIR`` rendered the
whole take, 588 frames (263 s on Workbench, ~10 h on EEVEE on a CPU), review rv36b R2. The frames a
``--range`` re-generated are now the frames a render into a folder renders, and the folder keeps its
other frames of the take: it is the take with the range redone, and its record lists every frame in
it, so a later render of the whole take replaces them all. A video is one file of the whole take: it
is rendered whole, and the first line says how to render the range alone."""

from __future__ import annotations

import json

from dualtalk.dualtalk_blender.scene.render import RECORD, render_shot
from dualtalk.inference.core.media_check import video_problem
from test_render_killed_run import _scene


class Lines:
    def __init__(self):
        self.lines = []

    def update(self, stage, fraction, text=""):
        self.lines.append((stage, round(fraction, 3), text))


def _frames(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("frame_"))


def _recorded(folder):
    return sorted(json.loads((folder / RECORD).read_text())["frames"])


def test_a_range_renders_its_frames_only_and_says_so(tmp_path):
    scene = _scene()
    scene.frame_start, scene.frame_end = 1, 30
    out, said = tmp_path / "look", Lines()

    render_shot(scene, out, resolution=(16, 16), frames=(10, 11), progress=said)

    assert _frames(out) == ["frame_0010.png", "frame_0011.png"]  # was: all 30
    assert _recorded(out) == ["frame_0010.png", "frame_0011.png"]
    assert said.lines[0] == ("render", 0.0, "2 frames (frames 10-11 only), BLENDER_WORKBENCH")
    assert said.lines[-1] == ("render", 1.0, f"{out}: frames 10-11 only")
    assert (scene.frame_start, scene.frame_end) == (1, 30)  # the scene's range as it was


def test_a_range_redone_in_the_takes_frames_folder_replaces_those_frames_and_keeps_the_others(tmp_path):
    scene = _scene()
    scene.frame_start, scene.frame_end = 1, 6
    out = tmp_path / "frames"
    render_shot(scene, out, resolution=(16, 16))
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name.startswith("frame_")}

    render_shot(scene, out, resolution=(16, 16), frames=(3, 4))

    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name.startswith("frame_")}
    assert sorted(after) == [f"frame_{i:04d}.png" for i in range(1, 7)]  # none removed
    assert [n for n in after if after[n] != before[n]] == ["frame_0003.png", "frame_0004.png"]
    assert _recorded(out) == sorted(after)  # every frame still ours: a later render may replace it

    scene.frame_end = 5  # the take re-made shorter, rendered whole: every earlier frame is ours to replace
    render_shot(scene, out, resolution=(16, 16))
    assert _frames(out) == [f"frame_{i:04d}.png" for i in range(1, 6)]
    assert _recorded(out) == _frames(out)


def test_a_range_with_a_frame_step_still_renders_each_of_its_frames(tmp_path):
    scene = _scene()
    scene.frame_start, scene.frame_end, scene.frame_step = 1, 20, 4
    out = tmp_path / "look"
    render_shot(scene, out, resolution=(16, 16), frames=(6, 7))
    assert _frames(out) == ["frame_0006.png", "frame_0007.png"]
    assert scene.frame_step == 4


def test_a_video_with_a_range_is_the_whole_take_and_the_line_says_how_to_render_the_range(tmp_path):
    scene = _scene()
    out, said = tmp_path / "take.mp4", Lines()

    render_shot(scene, out, resolution=(16, 16), frames=(2, 2), progress=said)

    assert video_problem(out) is None
    assert said.lines[0][2] == (
        "3 frames (a video is the whole take; to render frames 2-2 only, give --render a folder), "
        "BLENDER_WORKBENCH"
    )
    said = Lines()
    render_shot(scene, out, resolution=(16, 16), frames=(2, 2), progress=said, job=True)
    assert 'give "render" a folder' in said.lines[0][2]
