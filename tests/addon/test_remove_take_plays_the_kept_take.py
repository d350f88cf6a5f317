"""An animator keeps take 'old', tries 'v1' and 'v2' under new Take names to compare, dislikes 'v2'
and presses Remove Take. Before, the characters were stripped to how they were before any take (no
markers, the range back to the shot's), and Play Take of a kept take was refused until a throw-away
Generate (review rv35b F4). Now the take the file keeps plays again, with the turn markers and frame
range; every kept take stays playable; removing the last one puts the characters back as before
their first take. The Play refusal names the character, as every other status line does, not its
rig (Alice, not Alice_rig)."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import take_back
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def take(a, b, name: str, level: float) -> None:
    """A take ``name`` of one recording: A speaks frames 0-39, B 40-79 (two turn markers)."""
    talk = np.r_[np.ones(40), np.zeros(40)].astype(np.uint8)
    values = np.full((80, 55), level, np.float32)
    apply_dialogue(
        a,
        b,
        Motion("arkit55", values, role="A", speaking=talk),
        Motion("arkit55", values.copy(), role="B", speaking=1 - talk),
        ApplyOptions(take=name, undo_push=False),
    )


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def playing(obj) -> str:
    return str(layers.take_meta(obj)["take"])


def takes_kept(name: str) -> int:
    return sum(1 for a in bpy.data.actions if a.name.startswith(f"DualTalk_{name}_"))


def test_remove_take_plays_the_take_the_file_keeps_and_every_kept_take_stays_playable(scene):
    scene.render.fps = 25
    scene.frame_start, scene.frame_end = 1, 20
    a, b = ah.two_characters()
    rig_a, rig_b = find_mesh_and_armature(a)[1], find_mesh_and_armature(b)[1]
    scene.dualtalk.char_a, scene.dualtalk.char_b = rig_a, rig_b  # the panel picks the rigs, as in the review
    for name, level in (("old", 0.2), ("v1", 0.3), ("v2", 0.4)):
        take(a, b, name, level)
    markers = sorted((m.name, m.frame) for m in scene.timeline_markers)
    assert markers and (scene.frame_start, scene.frame_end) == (1, 80)
    question = take_back.plan_take_back([rig_a, rig_b]).question()  # the confirmation says so first
    assert question.startswith("Remove take 'v2' from Alice and Bob: its actions go, and take 'v1'")
    assert "Take 'old' stays in the file too" in question

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v1", "v1")
    assert takes_kept("v2") == 0  # the removed take is gone from the file
    assert sorted((m.name, m.frame) for m in scene.timeline_markers) == markers
    assert (scene.frame_start, scene.frame_end) == (1, 80)
    assert "removed take 'v2' from Alice and Bob" in status()
    assert "take 'v1' plays again" in status() and "take 'old' stays in the file too" in status()

    with bpy.context.temp_override(scene=scene):  # every kept take still plays
        assert bpy.ops.dualtalk.play_take(take="old") == {"FINISHED"}
        assert (playing(a), playing(b)) == ("old", "old")
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
        assert (playing(a), playing(b)) == ("v1", "v1")
        assert status().startswith("DualTalk: Alice and Bob play take 'v1'")
        with pytest.raises(RuntimeError) as refused:
            bpy.ops.dualtalk.play_take(take="v2")
    assert "the file holds no take 'v2' of Alice (its takes: old, v1)" in str(refused.value)
    assert "_rig" not in str(refused.value)

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
        assert (playing(a), playing(b)) == ("old", "old")
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}  # the last take: as before any take
    assert layers.take_meta(a) is None and layers.take_meta(b) is None
    assert not [m for m in scene.timeline_markers if m.name.startswith("DT ")]
    assert (scene.frame_start, scene.frame_end) == (1, 20)
    assert not [x for x in bpy.data.actions if x.name.startswith("DualTalk_")]


def test_remove_take_on_character_a_only_plays_the_kept_take_on_a(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    take(a, b, "old", 0.2)
    take(a, b, "v2", 0.4)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take(character="A") == {"FINISHED"}
    assert (playing(a), playing(b)) == ("old", "v2")  # Bob keeps his take, and its actions
    assert takes_kept("v2") == 5 and takes_kept("old") == 10
