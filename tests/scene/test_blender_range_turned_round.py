"""A head without a rig turns as a whole object. Turned round to face its partner (180 degrees), its
nods carry its rotation across +-180: the take's curves and a range's (Euler angles unwrapped, or
quaternions kept continuous from their own first frame) can hold the same turn 360 degrees apart or
as -q. Re-generating a range with the same motion must leave the head where it was, not spin it round
on the cross-fade frames."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 120

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def shaking_head(first: int = 0, frames: int = T) -> Motion:
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 53] = np.radians(8.0) * np.sin(2 * np.pi * 0.7 * t)  # yaw to and fro
    v[:, 24] = 0.5  # jawOpen
    return Motion("arkit55", v)


def orientations(obj) -> np.ndarray:
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append(np.array(obj.matrix_world.to_3x3()))
    return np.array(out)


@pytest.mark.parametrize("mode", ["XYZ", "QUATERNION"])
def test_a_head_turned_round_keeps_its_place_when_a_range_is_redone(mode):
    head = br.make_character("Bust", armature=False)  # ARKit head mesh, no armature
    head.rotation_mode = mode
    if mode == "XYZ":
        head.rotation_euler.z = math.radians(179.0)  # turned round by eye to face its partner
    else:
        head.rotation_quaternion = (math.cos(3.1 / 2), 0.0, 0.0, math.sin(3.1 / 2))  # 178 degrees
    apply_motion(head, shaking_head(), ApplyOptions(undo_push=False))
    before = orientations(head)

    redo = ApplyOptions(undo_push=False, replace_range=(55, 75), start_frame=41, frame_range="keep")
    rep = apply_motion(head, shaking_head(40, 60), redo)
    assert rep.replaced == (51, 79)
    after = orientations(head)
    assert np.abs(after - before).max() < 1e-5  # it spun round on the cross-fade frames
