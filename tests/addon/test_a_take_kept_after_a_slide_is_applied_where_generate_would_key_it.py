"""The animator slid the whole take 12 frames in the NLA editor, pressed Generate again, and opened
another shot before the take came back: the take is kept in a folder. Its record said the take
starts at the scene's start (frame 1), so Apply Saved Take "As Made" keyed it at 1-50, where the
Generate it was made by would have keyed it at 13-62 (marks37's leftover). Now the record holds the
frame Generate keys a slid take from, and As Made keys it there."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.scene import layers

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

SHIFT = 12


def where(obj) -> tuple[int, int]:
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    return int(strip.frame_start), int(strip.frame_end)


def test_a_slid_take_kept_while_another_shot_was_open_is_applied_where_it_was_slid(
    scene, assets, tmp_path, capsys
):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 1-50
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    for obj in (a, b):  # G in the NLA editor on both characters' take strips
        for idblock in layers.character_idblocks(obj):
            for name, strip in layers.our_strips(idblock).items():
                if name != layers.REST:
                    strip.frame_start_ui = strip.frame_start + SHIFT
    shot1, shot2 = tmp_path / "shot1.blend", tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot1))
    bpy.ops.wm.save_as_mainfile(filepath=str(shot2), copy=True)
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    capsys.readouterr()
    ah.blender_ends_the_operator(run)
    bpy.ops.wm.open_mainfile(filepath=str(shot2))  # another shot opened before the take comes back
    ah.follow_until_done()
    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[0])
    assert found, said
    folder = Path(ast.literal_eval(found.group(1)))
    try:
        record = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        assert record["scene_options"]["start_frame"] == 1 + SHIFT  # was 1: the scene's start

        bpy.ops.wm.open_mainfile(filepath=str(shot1))
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}

        alice, bob = bpy.data.objects["Alice"], bpy.data.objects["Bob"]
        assert where(alice) == where(bob) == (13, 62)  # was 1-50
    finally:
        shutil.rmtree(folder, ignore_errors=True)
