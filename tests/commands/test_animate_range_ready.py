"""``animate --range`` on a take whose *DualTalk eyes* track on Bob was deleted: before, the engine
ran over the range's audio first and the keying refused afterwards. The layers and curves a range
writes are now checked before the engine runs, in the keying's own words."""

from __future__ import annotations

import bpy
from dualtalk.cli import main
from dualtalk.inference import pipeline
from robustness_util import assert_refused, run_cli
from test_blender_animate import build_scene, two_voices

CHARS = ["--char-a", "Ann", "--char-b", "Bob", "--engine", "lite", "--device", "cpu", "--quiet"]


def test_a_range_over_a_deleted_layer_is_refused_before_the_engine_runs(tmp_path, capsys, monkeypatch):
    scene = build_scene(tmp_path / "in.blend")
    audio = two_voices(tmp_path / "talk.wav", seconds=3.0)
    take = tmp_path / "take.blend"
    assert main(["animate", "--blend", str(scene), "--audio", str(audio), "--out", str(take), *CHARS]) == 0
    bpy.ops.wm.open_mainfile(filepath=str(take))
    tracks = bpy.data.objects["Bob"].data.shape_keys.animation_data.nla_tracks
    tracks.remove(tracks["DualTalk eyes"])
    bpy.ops.wm.save_as_mainfile(filepath=str(take))

    def engine_ran(*_a, **_k):
        raise AssertionError("the engine ran before the refusal")

    monkeypatch.setattr(pipeline, "run", engine_ran)
    argv = ["animate", "--blend", str(take), "--audio", str(audio), "--range", "20-40",
            "--out", str(tmp_path / "out.blend"), *CHARS]  # fmt: skip
    code, err, _ = run_cli(capsys, argv)
    assert_refused(
        code, err, "there is no DualTalk eyes layer on the shape keys of 'Bob' to re-generate a range in"
    )
    assert not (tmp_path / "out.blend").exists()
