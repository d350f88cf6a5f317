"""Rotations are keyed onto the pose a character had when its first take was made: re-generating
never drifts, a hand-edited record does not break the take, and a character whose custom map turns
the whole object keeps the way it faces."""

from __future__ import annotations

import json
import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.mapping import parse_mapping
from dualtalk.dualtalk_blender.scene import keying
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion

TILT = (0.98, 0.12, -0.15, 0.05)  # the animator's pose of the head before the first take


pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def nodding(frames: int = 20, amount: float = 0.3) -> Motion:
    values = np.zeros((frames, len(ARKIT55)), np.float32)
    values[:, ARKIT55.index("head_rx")] = amount * np.sin(np.linspace(0, np.pi, frames))
    return Motion("arkit55", values, role="A")


def head_quat(obj, frame: int) -> np.ndarray:
    bpy.context.scene.frame_set(frame)
    q = obj.parent.pose.bones["head"].rotation_quaternion
    return np.array([q.w, q.x, q.y, q.z]) / np.linalg.norm([q.w, q.x, q.y, q.z])


def same_rotation(p: np.ndarray, q) -> bool:
    q = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)
    return abs(float(p @ q)) > 1 - 1e-6


def test_regenerating_composes_onto_the_pose_of_the_first_take_not_the_last_frame_shown():
    obj = br.make_character("Ann")
    obj.parent.pose.bones["head"].rotation_quaternion = TILT
    apply_motion(obj, nodding(), ApplyOptions(start_frame=1))
    assert not same_rotation(head_quat(obj, 10), TILT)  # mid-nod: the bone now shows the take
    apply_motion(obj, nodding(amount=0.0), ApplyOptions(start_frame=1))  # re-generated while on frame 10
    assert all(same_rotation(head_quat(obj, f), TILT) for f in (1, 10, 20))


def test_a_hand_edited_rest_record_falls_back_to_the_current_pose():
    obj = br.make_character("Ann")
    apply_motion(obj, nodding(amount=0.0), ApplyOptions(start_frame=1))
    for action in [a for a in bpy.data.actions if keying.is_ours(a)]:
        meta = keying.action_meta(action)
        meta["rest"] = {"head": [1.0, "x"]}
        action[keying.OWNER_PROP] = json.dumps(meta)
    obj.parent.pose.bones["head"].rotation_quaternion = TILT  # the pose the bone holds now
    apply_motion(obj, nodding(amount=0.0), ApplyOptions(start_frame=1))
    assert same_rotation(head_quat(obj, 5), TILT)


def test_a_map_that_turns_the_whole_object_keeps_the_way_the_character_faces():
    obj = br.make_character("Robot", ["MouthOpen"])
    rig = obj.parent
    rig.rotation_euler = (0.0, 0.0, math.radians(90))  # turned to face its partner
    cmap = parse_mapping({"map": {"jawOpen": "MouthOpen"}, "head": ""})
    values = np.zeros((10, len(ARKIT55)), np.float32)
    values[5:, ARKIT55.index("head_ry")] = math.radians(20)  # then turns its head 20 degrees left
    apply_motion(obj, Motion("arkit55", values), ApplyOptions(mapping=cmap, start_frame=1))
    bpy.context.scene.frame_set(2)
    assert math.degrees(rig.rotation_euler.z) == pytest.approx(90, abs=1e-3)  # was snapped to 0
    bpy.context.scene.frame_set(8)
    assert math.degrees(rig.rotation_euler.z) == pytest.approx(110, abs=1e-3)
    assert tuple(obj.rotation_euler) == (0.0, 0.0, 0.0)  # the mesh itself is not keyed
