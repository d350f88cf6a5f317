"""A TD checks the look of two frames of a shot: ``animate --range 100-101 --render DIR`` rendered the
whole take, 588 frames (263 s on Workbench, ~10 h on EEVEE on a CPU), review rv36b R2. The render now
follows ``--range`` into a frames folder (the folder's other frames of the take stay), and the result
line says so; a video is the whole take, and its first line says how to render the range alone."""

from __future__ import annotations

import json

from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene.render import RECORD
from robustness_util import run_cli
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]


def test_a_range_rendered_to_a_folder_renders_those_frames_only(tmp_path, capsys):
    scene = build_scene(tmp_path / "in.blend")
    audio = two_voices(tmp_path / "talk.wav", seconds=3.0)
    take, frames = tmp_path / "take.blend", tmp_path / "look"
    assert main(["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), *CHARS]) == 0
    capsys.readouterr()

    argv = ["animate", "--blend", str(take), "--audio", str(audio), "--range", "10-11",
            "--out", str(tmp_path / "fix.blend"), "--render", str(frames), "--resolution", "16x16",
            *CHARS]  # fmt: skip
    code, err, out = run_cli(capsys, argv)

    assert code == 0, err
    assert sorted(p.name for p in frames.iterdir()) == sorted([RECORD, "frame_0010.png", "frame_0011.png"])
    assert sorted(json.loads((frames / RECORD).read_text())["frames"]) == ["frame_0010.png", "frame_0011.png"]
    assert "rendered frames 10-11 only" in out, out  # was: all 75 frames of the take, not a word
