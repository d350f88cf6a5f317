"""An animator poses the head over a take and keys it (Blender stores it as an offset from the take,
Combine), then presses Generate again with the same settings, or re-generates a range: the take's
own head must come back as it was, with the animator's pose on top where they keyed it. The head
turn toward the partner used to read the animator's key as the head looking away and turn the whole
take's head to make up for it (about 31 degrees on every frame in review 31a)."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 100
POSE = (0.98, 0.2, 0.0, 0.0)  # a 23-degree tilt at frame 40

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = T) -> Motion:
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(6.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B"))
    v[:, 53] = np.radians(8.0) * np.sin(2 * np.pi * 0.7 * t)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t)  # jawOpen
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def facing_each_other():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2
    return ann, ben


def heads(rig, *, take_only: bool) -> np.ndarray:
    """The head bone's rotation on every frame: as it plays, or with the animator's action off."""
    ad = rig.animation_data
    action, slot = ad.action, ad.action_slot
    if take_only and action is not None:
        ad.action = None
    head = rig.pose.bones["head"]
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append(list(head.rotation_quaternion))
    if take_only and action is not None:
        ad.action, ad.action_slot = action, slot
    return np.array(out)


def degrees_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a / np.linalg.norm(a, axis=1, keepdims=True), b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.degrees(2 * np.arccos(np.clip(np.abs((a * b).sum(axis=1)), 0.0, 1.0)))


def pose_the_head_at_40(rig) -> None:
    bpy.context.scene.frame_set(40)
    head = rig.pose.bones["head"]
    head.rotation_quaternion = POSE
    head.keyframe_insert("rotation_quaternion", frame=40)


def test_generate_again_after_a_hand_key_on_the_head_keeps_the_take_and_the_pose():
    ann, ben = facing_each_other()
    options = ApplyOptions(undo_push=False)  # the default head turn toward the partner
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    take = heads(ann.parent, take_only=True)
    pose_the_head_at_40(ann.parent)
    posed = heads(ann.parent, take_only=False)
    assert degrees_between(posed[39:40], np.array([POSE]))[0] < 0.5  # the key holds the pose

    apply_dialogue(ann, ben, talking("A"), talking("B"), options)  # Generate again, same settings

    moved = degrees_between(heads(ann.parent, take_only=True), take)
    assert moved.max() < 0.05, f"the take's head moved {moved.max():.1f} degrees"
    shown = heads(ann.parent, take_only=False)
    assert degrees_between(shown[39:40], np.array([POSE]))[0] < 0.5  # still the animator's pose


def test_a_range_redone_after_a_hand_key_on_the_head_keeps_the_take():
    ann, ben = facing_each_other()
    options = ApplyOptions(undo_push=False)
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    take = heads(ann.parent, take_only=True)
    pose_the_head_at_40(ann.parent)

    plan = range_plan.plan_range((ann, ben), FPS, 30, 50, options.crossfade)
    first = plan.start_frame - plan.take_start
    frames = min(T - first, int(round(plan.audio_end * FPS)) - first)
    redo = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    apply_dialogue(ann, ben, talking("A", first, frames), talking("B", first, frames), redo)

    moved = degrees_between(heads(ann.parent, take_only=True), take)
    assert moved.max() < 0.05, f"the take's head moved {moved.max():.1f} degrees in the range"
