"""``animate --range`` on a take the animator slid 10 frames later in the NLA editor: the range
named on the command line is the timeline's, so the frames redone are the ones that play there."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.inference.core.motion import load_motion, save_motion
from test_blender_animate import build_scene, motions

SHIFT = 10


def jaw(path: Path, frames) -> np.ndarray:
    bpy.ops.wm.open_mainfile(filepath=str(path))
    return br.played(bpy.data.objects["Ann"], "jawOpen", [int(f) for f in frames])


def test_a_range_of_a_moved_take_is_redone_under_that_range(tmp_path, capsys):
    scene_file = build_scene(tmp_path / "in.blend")
    a, b = motions(tmp_path, frames=60)
    take = tmp_path / "take.blend"
    args = ["animate", "--quiet", "--char-a", "Ann", "--char-b", "Bob"]
    assert (
        main(
            [
                *args,
                "--blend",
                str(scene_file),
                "--motion-a",
                str(a),
                "--motion-b",
                str(b),
                "--out",
                str(take),
            ]
        )
        == 0
    )
    bpy.ops.wm.open_mainfile(filepath=str(take))
    for name in ("Ann", "Bob"):  # the animator slides both characters' DualTalk strips
        for idblock in layers.character_idblocks(bpy.data.objects[name]):
            for layer, strip in layers.our_strips(idblock).items():
                if layer != layers.REST:
                    strip.frame_start_ui = strip.frame_start + SHIFT
    bpy.context.scene.frame_end = 60 + SHIFT
    moved = tmp_path / "moved.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(moved))
    timeline = np.arange(1, 61 + SHIFT)
    before = jaw(moved, timeline)
    capsys.readouterr()
    (tmp_path / "v2").mkdir()
    a2, b2 = motions(tmp_path / "v2", frames=60)
    v2 = load_motion(a2)
    v2.values[:] = 1.0 - v2.values  # another version of the dialogue
    save_motion(a2, v2)
    fixed = tmp_path / "fixed.blend"
    rc = main([*args, "--blend", str(moved), "--motion-a", str(a2), "--motion-b", str(b2), "--out", str(fixed),
               "--range", "30-40"])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    assert "re-generated frames 30-40 (cross-faded over 26-44)" in capsys.readouterr().out
    after = jaw(fixed, timeline)
    changed = timeline[np.abs(after - before) > 1e-6]
    assert changed.min() >= 26 and changed.max() <= 44
    inside = (timeline >= 30) & (timeline <= 40)
    assert np.abs(after[inside] - v2.channel("jawOpen")[timeline[inside] - 1 - SHIFT]).max() < 1e-5
