"""An animator keys take v1, then v2 under a new Take name, plays v1 again to compare (Play Take),
and keys v3 from there. Disliking v3, Remove Take: v1 played before it, so v1 should play again.
Before, the file did not record which take played before, and of the kept takes the one whose name
sorts last played: v2. Now the scene keeps which takes played (Generate and Play Take note them) and
Remove Take plays the latest one still kept (the history goes with the last take); a file made
before that history keeps the number order, and a damaged history is read as none."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import take_back
from dualtalk.dualtalk_blender.scene import layers
from test_remove_take_plays_the_kept_take import scene  # noqa: F401 (a fixture: a scene with the add-on)
from test_remove_take_plays_the_kept_take import take as generate  # take name of one recording

HISTORY = "dualtalk_played_takes"  # the scene property the history is kept in


def playing(obj) -> str:
    return str(layers.take_meta(obj)["take"])


def v1_v2_back_to_v1_then_v3(scene):  # noqa: F811
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    generate(a, b, "v2", 0.3)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    generate(a, b, "v3", 0.4)
    return a, b


def test_remove_take_plays_the_take_that_played_before_not_the_name_sorting_last(scene):  # noqa: F811
    a, b = v1_v2_back_to_v1_then_v3(scene)
    question = take_back.plan_take_back([a, b]).question()
    assert question.startswith("Remove take 'v3' from Alice and Bob: its actions go, and take 'v1'")
    assert "Take 'v2' stays in the file too" in question

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v1", "v1")  # was: v2
    last = bpy.context.window_manager.dualtalk_status.last
    assert "take 'v1' plays again" in last and "take 'v2' stays in the file too" in last

    with bpy.context.temp_override(scene=scene):  # v2 played before v1: removing v1 plays it
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v2", "v2")

    with bpy.context.temp_override(scene=scene):  # the last take: as before any take, history too
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert layers.take_meta(a) is None and HISTORY not in scene.keys()


@pytest.mark.parametrize("history", ["none (a file made before)", "damaged"])
def test_without_a_history_remove_take_plays_the_name_sorting_last(scene, history):  # noqa: F811
    a, b = v1_v2_back_to_v1_then_v3(scene)
    if history == "damaged":
        scene[HISTORY] = '[{"take": 3}, "v1", '
    else:
        del scene[HISTORY]

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v2", "v2")  # number order: v2 sorts after v1
