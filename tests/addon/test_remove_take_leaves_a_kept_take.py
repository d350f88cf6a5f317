"""An animator opens last month's file, Generates a take 'v2' over its take 'old' to compare (the
file keeps 'old'), likes neither and presses Remove Take: 'v2' goes, 'old' stays in the file, not
playing ('v2' starts on another frame, so 'old' cannot play in its place: a kept take of the same
recording plays again instead, test_remove_take_plays_the_kept_take.py). Pressing Remove Take or
Play Take 'old' then said only "carries no DualTalk take" (review 31r F7: 10 actions no button
reached). Both lines now name the kept take, how to bring it back (Generate a take, then Play Take)
and how to drop it; the way back they name works. They name the characters, not their rigs."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def take(a, b, name: str, level: float, start: int = 1) -> None:
    m = Motion("arkit55", np.full((20, 55), level, np.float32), role="A")
    options = ApplyOptions(take=name, undo_push=False, start_frame=start)
    apply_dialogue(a, b, m, Motion("arkit55", m.values.copy(), role="B"), options)


def test_remove_take_and_play_take_name_the_take_the_file_still_keeps(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = find_mesh_and_armature(a)[1], find_mesh_and_armature(b)[1]
    take(a, b, "old", 0.2)
    take(a, b, "v2", 0.4, start=5)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
        # the removal's own line already says what stays (it said only what went: review rv39c F1)
        said = bpy.context.window_manager.dualtalk_status.last
        assert said.startswith("DualTalk: removed take 'v2'")
        assert (
            "(the file still keeps take 'old' of them, not playing: Generate a take, then Play Take" in said
        )
        with pytest.raises(RuntimeError, match="there is nothing to remove") as removed:
            bpy.ops.dualtalk.remove_take()
        with pytest.raises(RuntimeError, match="plays no DualTalk take") as played:
            bpy.ops.dualtalk.play_take(take="old")

    assert "(the file still keeps take 'old' of them, not playing: Generate a take, then Play Take" in str(
        removed.value
    )
    assert "clear the fake user of DualTalk_old_*" in str(removed.value)
    assert "take 'old', which the file keeps, has no layers to play in" in str(played.value)
    assert "neither Alice nor Bob carries" in str(removed.value) and str(played.value).startswith(
        "Error: DualTalk: Alice "
    )

    take(a, b, "v3", 0.6)  # the way back the lines name
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="old") == {"FINISHED"}
    assert layers.take_meta(a)["take"] == "old"
