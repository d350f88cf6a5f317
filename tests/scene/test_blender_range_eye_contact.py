"""Re-generating a range of a conversation with eye contact and the head turning toward the partner
(the default head turn, and a stronger one): redone with the same motion, the stretch comes back as it
was, heads and eyes. The take's heads outside the range are already turned toward the partner; the
range's turn used to be read from them, came out smaller, and the eyes made up for it (up to 0.7)."""

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
T = 150  # long enough that the range's context (2 s and the cross-fade) ends inside the take

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = T) -> Motion:
    """Frames ``first..`` of a take: the head nods and turns, the eyes seek the partner and glance away."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B"))
    v[:, 53] = np.radians(10.0) * np.sin(2 * np.pi * 0.7 * t)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t)  # jawOpen
    # on the partner, now and then away
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def facing_each_other():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2  # rigs face -Y
    return ann, ben


def played(obj) -> np.ndarray:
    """Per timeline frame: the eyeLook weights and the head bone's rotation, as the take plays."""
    blocks = obj.data.shape_keys.key_blocks
    eyes = [kb.name for kb in blocks if kb.name.startswith("eyeLook")]
    head = obj.parent.pose.bones["head"]
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append([blocks[n].value for n in eyes] + list(head.rotation_quaternion))
    return np.array(out)


@pytest.mark.parametrize("head_turn", [0.15, 0.5])
def test_a_range_redone_with_the_same_motion_keeps_heads_and_eyes_as_they_were(head_turn):
    ann, ben = facing_each_other()
    options = ApplyOptions(undo_push=False, head_turn=head_turn)
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    before = played(ann), played(ben)

    plan = range_plan.plan_range((ann, ben), FPS, 70, 80, options.crossfade)
    assert plan.take_start < plan.start_frame  # the context starts inside the take, not at its start
    first = plan.start_frame - plan.take_start
    frames = min(T - first, int(round(plan.audio_end * FPS)) - first)
    redo = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, _rep_b, _markers = apply_dialogue(
        ann, ben, talking("A", first, frames), talking("B", first, frames), redo
    )
    assert rep_a.replaced == (66, 84)
    for old, new in zip(before, (played(ann), played(ben)), strict=True):
        assert np.abs(new - old).max() < 1e-5  # same motion, same heads: the same turn and eye contact


def test_the_context_around_the_range_is_left_as_the_take_had_it():
    ann, ben = facing_each_other()
    options = ApplyOptions(undo_push=False)  # the default head turn
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    before = played(ann)
    calm = talking("A", 20, 110)
    calm.values[:, 52:] = 0.0  # a stiller head this time
    redo = options.replace(replace_range=(70, 80), start_frame=21, markers=False, frame_range="keep")
    apply_dialogue(ann, ben, calm, talking("B", 20, 110), redo)
    after = played(ann)
    outside = np.r_[0:65, 84:T]  # frames 1-65 and 85-150: beyond the range and its cross-fade
    assert np.abs(after[outside] - before[outside]).max() == 0.0
    assert np.abs(after[70:80] - before[70:80]).max() > 0.01  # the range itself took the new motion
