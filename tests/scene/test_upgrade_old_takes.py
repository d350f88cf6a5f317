"""An animator opens a .blend keyed by an older DualTalk and presses Remove Take (or re-generates a
range) with today's build.

* A take keyed before DualTalk recorded what a take replaces (NLA layers, no "before" record): it is
  still removed, but the report says the values it replaced were never recorded and what the
  characters return to (rest), instead of claiming it put everything back.
* A take keyed before takes were NLA layers (one active action ``DualTalk_<take>_<character>``):
  ``animate`` already counts it as DualTalk's; Remove Take removes it (the animator's action that
  version pushed to its "(kept by DualTalk)" track plays again, the face and head return to rest,
  with the same note), and a range re-generation refuses it naming the action and what to do.
* Today's take keyed over such a one: its "before" values are the older take's leftovers, so Remove
  Take returns those properties to rest, with the note, not to the last frame the old take played.

The old takes are built here by hand, as those versions wrote them."""

from __future__ import annotations

import json

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import before_take, compat, layers, range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, plan_removal, remove_take
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 40
TILT = Quaternion((0.0, 0.0, 1.0), 0.3)  # the pose Alice's head held before any take


def talking(seed: int) -> Motion:
    rng = np.random.default_rng(seed)
    t = np.arange(T)[:, None] / 25
    v = 0.4 + 0.3 * np.sin(2 * np.pi * rng.uniform(0.5, 2.0, (1, 55)) * t)
    v[:, 52:] = 0.2 * np.sin(2 * np.pi * t)
    return Motion("arkit55", v.astype(np.float32), role="A")


def characters():
    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    alice.data.shape_keys.key_blocks["mouthSmileLeft"].value = 0.4  # the animator's static smile
    alice.parent.pose.bones["head"].rotation_quaternion = TILT
    return alice, bob


def face(obj, frame: int = 20) -> tuple[float, float, tuple[float, ...]]:
    bpy.context.scene.frame_set(frame)
    keys = obj.data.shape_keys.key_blocks
    head = obj.parent.pose.bones["head"].rotation_quaternion
    return keys["jawOpen"].value, keys["mouthSmileLeft"].value, tuple(round(x, 4) for x in head)


def pre_nla_take(obj, take: str = "old") -> str:
    """What a pre-layers DualTalk left: its one action active on the shape keys and the rig, the
    animator's own rig action pushed to a "(kept by DualTalk)" track, and the head's rest in the meta."""
    rig, key = obj.parent, obj.data.shape_keys
    sway = bpy.data.actions.new(f"{obj.name}Sway")  # the animator's action, active before the take
    slot = sway.slots.new("OBJECT", "Sway")
    fc = compat.channelbag(sway, slot).fcurves.new("location", index=2)
    fc.keyframe_points.insert(1, 0.0)
    fc.keyframe_points.insert(30, 0.1)
    compat.assign(rig, sway, slot)
    compat.push_to_nla(rig, f"{sway.name} (kept by DualTalk)")

    action = bpy.data.actions.new(f"DualTalk_{take}_{obj.name}")
    rest = list(obj.parent.pose.bones["head"].rotation_quaternion)
    meta = {"take": take, "character": obj.name, "engine": "lite", "fps": 25.0, "start_frame": 1,
            "role": "A", "space": "arkit55", "rest": {"head": rest}}  # fmt: skip
    action[OWNER_PROP] = json.dumps(meta)
    for idblock, paths in (
        (key, [('key_blocks["jawOpen"].value', 0), ('key_blocks["mouthSmileLeft"].value', 0)]),
        (rig, [('pose.bones["head"].rotation_quaternion', i) for i in range(4)]),
    ):
        s = compat.new_slot(action, idblock, obj.name)
        bag = compat.channelbag(action, s)
        for path, index in paths:
            curve = bag.fcurves.new(path, index=index)
            for f in range(1, T + 1):
                curve.keyframe_points.insert(f, 0.5 + 0.3 * np.sin(f / 5 + index))
        compat.assign(idblock, action, s)
    bpy.context.scene.frame_set(T)  # the old take played: its last values are left as static ones
    return action.name


def test_a_take_without_a_before_record_is_removed_with_a_note_saying_what_came_back():
    alice, bob = characters()
    apply_dialogue(alice, bob, talking(0), talking(1), ApplyOptions(take="night1", undo_push=False))
    for idblock in (*layers.character_idblocks(alice), *layers.character_idblocks(bob)):
        before_take.forget_before(idblock)  # as takes were keyed before the record existed

    plan = plan_removal([alice, bob])
    report = remove_take([alice, bob], undo_push=False)

    assert not [a for a in bpy.data.actions if is_ours(a)] and not carries_take(alice)
    note = report.notes[0]
    assert (
        "take 'night1' on 'Alice'" in note
        and "older DualTalk that did not record the values it replaced" in note
    )
    assert "return to their rest values" in note
    assert f"(note: {note})" in report.summary and note in plan.question()
    jaw, smile, _head = face(alice)
    assert jaw == 0.0 and smile == 0.0  # rest: the smile it never recorded cannot come back


def test_a_pre_layers_take_is_removed_and_the_animators_action_plays_again():
    alice, bob = characters()
    names = [pre_nla_take(alice), pre_nla_take(bob)]
    assert carries_take(alice) and carries_take(bob)

    report = remove_take([alice, bob], undo_push=False)

    assert sorted(report.actions) == sorted(names) and report.takes == ["old"]
    assert not [a for a in bpy.data.actions if is_ours(a)]
    assert "keyed as one action ('DualTalk_old_Alice', without layers)" in report.notes[0]
    assert "return to their rest values" in report.notes[0]
    assert alice.parent.animation_data.action.name == "AliceSway"  # active again, its track gone
    assert [t.name for t in alice.parent.animation_data.nla_tracks] == []
    assert alice.data.shape_keys.animation_data.action is None
    jaw, smile, head = face(alice)
    assert jaw == 0.0 and smile == 0.0
    assert np.allclose(head, tuple(TILT), atol=1e-4)  # the pose recorded with the take
    assert not carries_take(alice)


def test_a_range_on_a_pre_layers_take_is_refused_naming_the_action_and_what_to_do():
    alice, bob = characters()
    pre_nla_take(alice)
    pre_nla_take(bob)
    with pytest.raises(DualTalkError) as refused:
        range_plan.plan_range([alice, bob], 25.0, 10, 20, 4)
    line = str(refused.value)
    assert line.startswith("'Alice' plays 'DualTalk_old_Alice', a take keyed by an older DualTalk")
    assert "animate the whole take again first" in line and "\n" not in line


def test_todays_take_over_a_pre_layers_take_is_removed_to_rest_not_to_the_old_takes_last_frame():
    alice, bob = characters()
    pre_nla_take(alice)
    pre_nla_take(bob)
    left = face(alice, T)
    assert left[0] != 0.0  # the old take's last jawOpen, left as a static value
    apply_dialogue(alice, bob, talking(0), talking(1), ApplyOptions(take="new", undo_push=False))

    report = remove_take([alice, bob], undo_push=False)

    jaw, smile, head = face(alice)
    assert jaw == 0.0 and smile == 0.0
    assert np.allclose(head, tuple(TILT), atol=1e-4)
    assert "keyed over 'DualTalk_old_Alice'" in report.notes[0]
