"""Mutual gaze in real Blender: A looks at B's head on partner frames, whatever the angle,
the rig (ARKit eyeLook keys or eye bones), A's own nodding, or B walking about."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import gaze
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion, check_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.gaze import EYE_LOOK, eye_angles
from dualtalk.inference.core.motion import Motion

T = 60  # 2.4 s at 25 fps


pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def add_eye_bones(arm: bpy.types.Object) -> None:
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    for name, x in (("eye.L", 0.03), ("eye.R", -0.03)):
        b = arm.data.edit_bones.new(name)
        b.head, b.tail, b.parent = (x, -0.08, 1.62), (x, -0.12, 1.62), arm.data.edit_bones["head"]
    bpy.ops.object.mode_set(mode="OBJECT")


def character(name: str, location, facing_deg: float, eye_bones: bool) -> bpy.types.Object:
    keys = [k for k in ARKIT52 if not (eye_bones and k.startswith("eyeLook"))]
    mesh = br.make_character(name, keys, location=location)
    arm = mesh.parent
    if eye_bones:
        add_eye_bones(arm)
    arm.rotation_euler = (0.0, 0.0, math.radians(facing_deg))
    return mesh


def motion(role: str, partner_frames: np.ndarray, nod: bool) -> Motion:
    v = np.zeros((T, 55), np.float32)
    if nod:  # A nods and turns while it looks: the eyes must make up for it
        t = np.arange(T) / 25.0
        v[:, 52] = np.radians(6.0) * np.sin(2 * np.pi * 1.2 * t)
        v[:, 53] = np.radians(8.0) * np.sin(2 * np.pi * 0.4 * t)
    target = partner_frames.astype(np.int8)
    direction = np.zeros((T, 2), np.float32)
    direction[target == 0] = (15.0, -8.0)  # away: to the side and down
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=direction)


def eye_direction_world(obj, rep, frame: int, eye_bones: bool) -> np.ndarray:
    """Where A's eyes point in the world at ``frame``, read back from what was keyed."""
    bpy.context.scene.frame_set(frame)
    rot, _eye, _head = gaze._points(rep)
    rest, up = gaze.rest_rotation(rep)
    from dualtalk.dualtalk_blender.rig.gaze import head_frames

    frame_axes = head_frames(rot[None], rest, up)[0]
    if eye_bones:
        arm = rep.armature
        pb = arm.pose.bones["eye.L"]
        world = np.array(arm.matrix_world)[:3, :3] @ np.array(pb.matrix)[:3, :3]
        rest_eye = np.array(arm.data.bones["eye.L"].matrix_local)[:3, :3]
        fwd_arm = np.array([0.0, -1.0, 0.0])
        return world @ rest_eye.T @ fwd_arm
    keys = obj.data.shape_keys.key_blocks
    w = {n: np.array([keys[n].value]) for n in EYE_LOOK}
    yaw, pitch = np.radians(eye_angles(w, "Left")[0])
    local = np.array([math.sin(yaw) * math.cos(pitch), math.sin(pitch), math.cos(yaw) * math.cos(pitch)])
    return frame_axes @ local


def run_take(eye_bones: bool, move_b: bool):
    a = character("A", (0.0, 0.0, 0.0), facing_deg=-25.0, eye_bones=eye_bones)
    b = character("B", (-1.1, -1.3, 0.15), facing_deg=-150.0, eye_bones=False)
    if move_b:  # B walks 0.6 m sideways during the shot
        arm_b = b.parent
        arm_b.keyframe_insert("location", frame=1)
        arm_b.location.x += 0.6
        arm_b.keyframe_insert("location", frame=T)
    partner = np.zeros(T, bool)
    partner[:20] = partner[35:] = True
    ma = motion("A", partner, nod=True)
    options = ApplyOptions(start_frame=1, blinks="off")
    apply_motion(a, ma, options)  # head first: the eyes are aimed against the keyed head
    rep_a, rep_b = check_character(a, options), check_character(b, options)
    frames = 1 + np.arange(T, dtype=np.float64)
    sa, sb = gaze.sample(bpy.context.scene, [rep_a, rep_b], frames)
    aimed = gaze.aimed(ma, gaze.to_partner(sa, sb, rep_a))
    apply_motion(a, aimed, options)
    return a, rep_a, partner, sb


@pytest.mark.parametrize("eye_bones", [False, True], ids=["arkit-keys", "eye-bones"])
def test_eyes_point_at_the_partners_head_on_partner_frames(eye_bones):
    a, rep_a, partner, sb = run_take(eye_bones, move_b=False)
    errors = []
    for i in np.flatnonzero(partner):
        bpy.context.scene.frame_set(int(i) + 1)
        _rot, eye, _head = gaze._points(rep_a)
        want = sb["eye"][i] - eye
        got = eye_direction_world(a, rep_a, int(i) + 1, eye_bones)
        cos = float(np.dot(want, got) / np.linalg.norm(want) / np.linalg.norm(got))
        errors.append(math.degrees(math.acos(min(1.0, cos))))
    assert max(errors) < 5.0, max(errors)


def test_away_frames_look_away_from_the_partner():
    a, rep_a, partner, sb = run_take(False, move_b=False)
    i = int(np.flatnonzero(~partner)[5])
    _rot, eye, _head = gaze._points(rep_a)
    bpy.context.scene.frame_set(i + 1)
    _rot, eye, _head = gaze._points(rep_a)
    want = sb["eye"][i] - eye
    got = eye_direction_world(a, rep_a, i + 1, False)
    angle = math.degrees(math.acos(float(np.dot(want, got) / np.linalg.norm(want) / np.linalg.norm(got))))
    assert angle > 8.0


def test_moving_the_partner_moves_the_gaze():
    a, rep_a, partner, sb = run_take(False, move_b=True)
    keys = a.data.shape_keys.key_blocks
    yaw = []
    for f in (3, 55):
        bpy.context.scene.frame_set(f)
        yaw.append(float(eye_angles({n: np.array([keys[n].value]) for n in EYE_LOOK}, "Left")[0, 0]))
    still_a, *_ = run_take(False, move_b=False)
    assert abs(yaw[1] - yaw[0]) > 10.0  # B walked 0.6 m across A's view
    # and it is the walk that moved it, not A's own head motion alone
    errors = []
    for i in (2, 54):
        bpy.context.scene.frame_set(i + 1)
        _rot, eye, _head = gaze._points(rep_a)
        want = sb["eye"][i] - eye
        got = eye_direction_world(a, rep_a, i + 1, False)
        errors.append(
            math.degrees(
                math.acos(min(1.0, float(np.dot(want, got) / np.linalg.norm(want) / np.linalg.norm(got))))
            )
        )
    assert max(errors) < 5.0


def test_apply_dialogue_aims_both_characters_and_keys_the_flame_overlay():
    from dualtalk.dualtalk_blender.scene.apply import apply_dialogue

    a = character("A", (0.0, 0.0, 0.0), facing_deg=-25.0, eye_bones=False)
    b = character("B", (-1.1, -1.3, 0.15), facing_deg=155.0, eye_bones=True)
    partner = np.zeros(T, bool)
    partner[10:50] = True
    ma = motion("A", partner, nod=True)
    flame = np.zeros((T, 56), np.float32)
    lid = np.zeros((T, 1), np.float32)
    lid[30:33] = 1.0  # one blink on B, carried by the FLAME overlay
    mb = Motion(
        "flame56", flame, role="B", gaze_target=partner.astype(np.int8), gaze_dir=np.zeros((T, 2)),
        overlay_channels=("eyeBlinkLeft",), overlay=lid, meta={"behaviour": {"seed": 0}},
    )  # fmt: skip
    apply_dialogue(a, b, ma, mb, ApplyOptions(start_frame=1, head_turn=0.0))
    rep_a = check_character(a, ApplyOptions())
    errors = []
    for i in (12, 30, 45):
        bpy.context.scene.frame_set(i + 1)
        _rot, eye, _head = gaze._points(rep_a)
        _rb, b_eye, _hb = gaze._points(check_character(b, ApplyOptions()))
        want = b_eye - eye
        got = eye_direction_world(a, rep_a, i + 1, False)
        errors.append(
            math.degrees(
                math.acos(min(1.0, float(np.dot(want, got) / np.linalg.norm(want) / np.linalg.norm(got))))
            )
        )
    assert max(errors) < 5.0, errors
    bpy.context.scene.frame_set(32)
    assert b.data.shape_keys.key_blocks["eyeBlinkLeft"].value > 0.9  # the overlay's blink is keyed
    others = []
    for f in [f for f in range(1, T + 1) if not 29 <= f <= 36]:
        bpy.context.scene.frame_set(f)
        others.append(b.data.shape_keys.key_blocks["eyeBlinkLeft"].value)
    assert max(others) < 0.05  # and no procedural blinks on top of the layer's


def test_a_partner_far_to_the_side_turns_the_head_and_keeps_the_eyes_in_range():
    from dualtalk.dualtalk_blender.scene.apply import apply_dialogue

    a = character("A", (0.0, 0.0, 0.0), facing_deg=0.0, eye_bones=False)  # facing the camera
    b = character("B", (-1.6, -0.9, 0.0), facing_deg=120.0, eye_bones=False)  # ~60 deg to A's left
    partner = np.zeros(T, bool)
    partner[15:55] = True
    ma, mb = motion("A", partner, nod=False), motion("B", partner, nod=False)
    apply_dialogue(a, b, ma, mb, ApplyOptions(start_frame=1))
    rep_a = check_character(a, ApplyOptions())
    keys = a.data.shape_keys.key_blocks
    errors, looks = [], []
    for i in range(35, 47):  # settled on the partner (the head starts back ~0.3 s before a glance away)
        bpy.context.scene.frame_set(i + 1)
        looks.append(max(keys[n].value for n in EYE_LOOK))
        _rot, eye, _head = gaze._points(rep_a)
        _rb, b_eye, _hb = gaze._points(check_character(b, ApplyOptions()))
        got = eye_direction_world(a, rep_a, i + 1, False)
        want = b_eye - eye
        errors.append(
            math.degrees(
                math.acos(min(1.0, float(np.dot(want, got) / np.linalg.norm(want) / np.linalg.norm(got))))
            )
        )
    assert max(errors) < 5.0, errors
    assert max(looks) < 0.9  # the head turned, so the eyes are not pinned in their corners
