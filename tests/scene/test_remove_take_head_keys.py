"""An animator poses Ann's head over the take at frames 40 and 60 and keys it (I: Blender stores, in
Combine, the turn from the take's head there), then removes the take. Her keys stay the turns they
are (Remove Take leaves nothing of DualTalk's: it does not bake the take's head into her keys), but
where the take had turned the head, her pose now plays turned away by as much: 19 degrees in the
demo, and nothing said so (review 31a, finding 4). Now one note says which bone, by how much at
most, and where."""

from __future__ import annotations

import re

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import plan_removal, remove_take
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

T = 80
POSES = {
    40: Quaternion((0.995, 0.2, 0.0, 0.0)).normalized(),
    60: Quaternion((0.995, -0.2, 0.0, 0.0)).normalized(),
}

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str) -> Motion:
    """A take whose head turns well away from rest (0.35 rad of yaw and a slow nod)."""
    t = np.arange(T)[:, None] / 25
    v = np.zeros((T, 55), np.float32)
    v[:, 52:] = 0.1 * np.sin(2 * np.pi * 0.4 * t)
    v[:, 53] += 0.35
    first = np.arange(T) < T // 2
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def head_at(rig, frame: int) -> Quaternion:
    bpy.context.scene.frame_set(frame)
    return Quaternion(rig.pose.bones["head"].rotation_quaternion).normalized()


def keys_of(action) -> list[float]:
    return [kp.co[1] for fc in compat.iter_fcurves(action, action.slots[0]) for kp in fc.keyframe_points]


def keyed_over_the_take():
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False))
    rig = ann.parent
    head = rig.pose.bones["head"]
    for frame, pose in POSES.items():
        bpy.context.scene.frame_set(frame)
        head.rotation_quaternion = pose
        head.keyframe_insert("rotation_quaternion", frame=frame)
    assert rig.animation_data.action_blend_type == "COMBINE"
    for frame, pose in POSES.items():  # what she sees with the take
        assert head_at(rig, frame).rotation_difference(pose).angle < 1e-3
    return ann, ben, rig


def test_head_keys_over_the_take_stay_and_the_turn_left_is_said():
    ann, ben, rig = keyed_over_the_take()
    fix = rig.animation_data.action
    stored = keys_of(fix)
    bpy.context.scene.frame_set(7)

    report = remove_take([ann, ben], undo_push=False)

    assert bpy.context.scene.frame_current == 7  # the playhead stays
    assert rig.animation_data.action == fix  # her keys stay, as keyed
    assert keys_of(fix) == pytest.approx(stored)
    left = {f: np.degrees(head_at(rig, f).rotation_difference(p).angle) for f, p in POSES.items()}
    worst = max(left, key=left.__getitem__)
    assert left[worst] > 10  # the take's turn, gone from under her pose
    notes = [n for n in report.notes if "'head'" in n]
    assert len(notes) == 1, report.notes
    said = re.search(
        r"bone 'head' plays up to (\d+) degrees from the pose you saw at the frames you keyed \(frame (\d+)\)",
        notes[0],
    )
    assert said is not None, notes[0]
    assert int(said[1]) == round(left[worst]) and int(said[2]) == worst
    assert notes[0].startswith(f"{fix.name!r} on 'Ann_rig' was keyed over the take")


def test_the_question_before_removing_says_it_too_and_the_playhead_stays():
    ann, ben, _rig = keyed_over_the_take()
    bpy.context.scene.frame_set(12)

    plan = plan_removal([ann, ben])

    assert "bone 'head' plays up to" in plan.question()
    assert bpy.context.scene.frame_current == 12


def test_head_keys_where_the_take_left_the_head_at_rest_say_nothing():
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    still = Motion("arkit55", np.zeros((T, 55), np.float32), role="A", speaking=np.arange(T) < T // 2)
    apply_dialogue(ann, ben, still, talking("B"), ApplyOptions(undo_push=False, head_turn=0.0))
    head = ann.parent.pose.bones["head"]
    bpy.context.scene.frame_set(40)
    head.rotation_quaternion = POSES[40]
    head.keyframe_insert("rotation_quaternion", frame=40)

    report = remove_take([ann, ben], undo_push=False)

    assert head_at(ann.parent, 40).rotation_difference(POSES[40]).angle < np.radians(1.0)
    assert not [n for n in report.notes if "'head'" in n], report.notes
