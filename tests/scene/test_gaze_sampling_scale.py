"""Eye contact on a long take reads the heads at a fraction of its frames, with the same result.

The audit's 60-minute take froze Blender for 47 s, 95 % of it evaluating the whole scene once per
frame to read two heads. Now the scene is read every few frames and in between the heads are
worked out from what carries them (interpolated, checked at each interval's middle) and the head's
own keys. These tests play a take where the characters walk and turn as objects (Bezier keys),
their head bones are keyed with a jittery nod, and compare every frame with the scene as played.
"""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, gaze
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion, check_character
from dualtalk.inference.core.motion import Motion

T = 800  # 32 s at 25 fps
ANGLE_TOL_DEG = 0.1  # the eye angles from the sparse reading vs every frame played (found: 0.03)

pytestmark = pytest.mark.usefixtures("fresh_scene")


def jittery(role: str, seed: int) -> Motion:
    """A head that nods slowly and shakes a little every frame (like the lite engine's heads)."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / 25.0
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = np.radians(6.0) * np.sin(2 * np.pi * 0.3 * t) + np.radians(0.8) * rng.standard_normal(T)
    v[:, 53] = np.radians(9.0) * np.sin(2 * np.pi * 0.1 * t) + np.radians(0.5) * rng.standard_normal(T)
    v[:, 54] = np.radians(0.5) * rng.standard_normal(T)
    return Motion("arkit55", v, role=role)


def walk(arm: bpy.types.Object, dx: float, turn_deg: float) -> None:
    """The character's rig walks ``dx`` and turns ``turn_deg`` over the take (Bezier keys)."""
    arm.keyframe_insert("location", frame=1)
    arm.keyframe_insert("rotation_euler", frame=1)
    arm.location.x += dx
    arm.rotation_euler.z += math.radians(turn_deg)
    arm.keyframe_insert("location", frame=T // 2)
    arm.keyframe_insert("rotation_euler", frame=T // 2)
    arm.location.y -= 0.4
    arm.keyframe_insert("location", frame=T)


def scene_take(head_mode: str = "QUATERNION"):
    a = br.make_character("A", location=(0.0, 0.0, 0.0))
    b = br.make_character("B", location=(-1.1, -1.3, 0.15))
    a.parent.rotation_euler.z = math.radians(-25.0)
    b.parent.rotation_euler.z = math.radians(-150.0)
    walk(a.parent, 0.5, 40.0)
    walk(b.parent, -0.7, -30.0)
    options = ApplyOptions(start_frame=1, blinks="off")
    for obj, seed in ((a, 1), (b, 2)):
        obj.parent.pose.bones["head"].rotation_mode = head_mode
        apply_motion(obj, jittery(obj.name, seed), options)
    return [check_character(o, options) for o in (a, b)]


def every_frame(reports, frames) -> list[dict[str, np.ndarray]]:
    """The heads as the scene plays them at every frame (what sampling did before)."""
    scene = bpy.context.scene
    out = [{"rot": [], "eye": [], "head": []} for _ in reports]
    for f in frames:
        scene.frame_set(int(f))
        for rep, dst in zip(reports, out, strict=True):
            rot, eye, head = gaze._points(rep)
            dst["rot"].append(rot), dst["eye"].append(eye), dst["head"].append(head)
    return [{k: np.array(v) for k, v in d.items()} for d in out]


class Evaluations:
    """Counts scene evaluations (every ``frame_set`` runs the frame-change handlers)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, scene, depsgraph=None) -> None:
        self.count += 1

    def __enter__(self) -> Evaluations:
        bpy.app.handlers.frame_change_post.append(self)
        return self

    def __exit__(self, *exc) -> None:
        bpy.app.handlers.frame_change_post.remove(self)


def angle_errors(new, old, reports) -> float:
    worst = 0.0
    for i in range(2):
        got = gaze.to_partner(new[i], new[1 - i], reports[i])
        want = gaze.to_partner(old[i], old[1 - i], reports[i])
        worst = max(worst, float(np.abs(got - want).max()))
    return worst


def assert_as_played(new, old, reports) -> None:
    """The sampled heads are the heads played every frame, within the stated bound."""
    assert angle_errors(new, old, reports) < ANGLE_TOL_DEG
    for got, want in zip(new, old, strict=True):
        turn = np.einsum("tji,tjk->tik", got["rot"], want["rot"])
        cos = np.clip((np.trace(turn, axis1=1, axis2=2) - 1) / 2, -1, 1)
        assert np.degrees(np.arccos(cos)).max() <= gaze.ROT_TOL_DEG, "head frames differ"
        reach = np.linalg.norm(new[0]["eye"][0] - new[1]["eye"][0])
        assert np.abs(got["eye"] - want["eye"]).max() <= gaze.POINT_TOL * reach
        assert np.abs(got["head"] - want["head"]).max() <= gaze.POINT_TOL * reach


@pytest.mark.parametrize("head_mode", ["QUATERNION", "YXZ"])
def test_a_long_take_reads_the_heads_at_a_fraction_of_its_frames_with_the_same_aim(head_mode):
    reports = scene_take(head_mode)
    frames = 1 + np.arange(T, dtype=np.float64)
    with Evaluations() as evaluations:
        new = gaze.sample(bpy.context.scene, reports, frames)
    old = every_frame(reports, frames)
    assert evaluations.count < T / 4, evaluations.count  # was T + 1
    assert_as_played(new, old, reports)


def still_pair():
    """Two characters facing each other; A's rig is then animated by the test."""
    a = br.make_character("A", location=(0.0, 0.0, 0.0))
    b = br.make_character("B", location=(-1.1, -1.3, 0.15))
    a.parent.rotation_euler.z = math.radians(-25.0)
    b.parent.rotation_euler.z = math.radians(-150.0)
    return a, b


def keyed(a, b):
    options = ApplyOptions(start_frame=1, blinks="off")
    for obj, seed in ((a, 1), (b, 2)):
        apply_motion(obj, jittery(obj.name, seed), options)
    return [check_character(o, options) for o in (a, b)]


def rig_curve(arm, path: str, index: int):
    ad = arm.animation_data
    return next(
        fc
        for fc in compat.iter_fcurves(ad.action, ad.action_slot)
        if (fc.data_path, fc.array_index) == (path, index)
    )


@pytest.mark.parametrize(
    ("period", "phase", "amount", "what"),
    [
        (16, 0, 5.0, "yaw"),  # sways +-5 degrees every 16 frames: read only at 1, 9, 17... it was gone (5.15)
        (32, 1, 8.0, "yaw"),  # +-8 degrees every 32 frames (1.57)
        (16, 0, 0.03, "bob"),  # a 32-frame walk's 3 cm bob (1.02)
        (32, 1, 0.05, "sway"),  # 5 cm sideways (0.22)
    ],
)
def test_a_rig_that_sways_between_the_readings_is_read_as_played(period, phase, amount, what):
    """A short keyed cycle of the rig that is back in place at the first readings' frames."""
    a, b = still_pair()
    arm, quarter = a.parent, period // 4
    rest = arm.rotation_euler.z
    for f in range(1, T + 2, quarter):
        side = [0, 1, 0, -1][((f - 1) // quarter + phase) % 4]
        if what == "yaw":
            arm.rotation_euler.z = rest + math.radians(amount) * side
            arm.keyframe_insert("rotation_euler", index=2, frame=f)
        else:
            index = 2 if what == "bob" else 1
            arm.location[index] = amount * side
            arm.keyframe_insert("location", index=index, frame=f)
    reports = keyed(a, b)
    frames = 1 + np.arange(T, dtype=np.float64)
    assert_as_played(gaze.sample(bpy.context.scene, reports, frames), every_frame(reports, frames), reports)


@pytest.mark.parametrize("scale", [4.0, 8.0])
def test_a_rig_shaken_by_a_noise_modifier_is_read_as_played(scale):
    """Noise (idle, handheld shake) moves the rig between any two readings (was 2.32 / 1.17)."""
    a, b = still_pair()
    a.parent.keyframe_insert("rotation_euler", index=2, frame=1)
    noise = rig_curve(a.parent, "rotation_euler", 2).modifiers.new("NOISE")
    noise.scale, noise.strength = scale, math.radians(6.0)
    reports = keyed(a, b)
    frames = 1 + np.arange(T, dtype=np.float64)
    assert_as_played(gaze.sample(bpy.context.scene, reports, frames), every_frame(reports, frames), reports)


def test_a_walk_cycled_by_a_cycles_modifier_is_read_as_played():
    """One 32-frame walk cycle keyed (a 3 cm bob, a 4 degree sway, steps forward) and repeated by
    Cycles modifiers: its keys are read wherever the cycle repeats them."""
    a, b = still_pair()
    arm = a.parent
    rest = arm.rotation_euler.z
    for k in range(9):
        f = 1 + 4 * k
        arm.location.z = 0.03 * (k % 2)
        arm.location.x = 0.4 * k / 8
        arm.rotation_euler.z = rest + math.radians(4.0) * [0, 1, 0, -1][(k // 2) % 4]
        arm.keyframe_insert("location", frame=f)
        arm.keyframe_insert("rotation_euler", index=2, frame=f)
    for path, index in (("location", 0), ("location", 2), ("rotation_euler", 2)):
        cycles = rig_curve(arm, path, index).modifiers.new("CYCLES")
        cycles.mode_after = "REPEAT_OFFSET" if index == 0 and path == "location" else "REPEAT"
    reports = keyed(a, b)
    frames = 1 + np.arange(T, dtype=np.float64)
    assert_as_played(gaze.sample(bpy.context.scene, reports, frames), every_frame(reports, frames), reports)


def test_a_head_the_animator_keys_too_is_read_every_frame_as_played():
    """Keys of the animator's own on the head (over ours) are not in our layer: every frame is read."""
    reports = scene_take()
    pb = reports[0].armature.pose.bones["head"]
    for f, angle in ((1, 0.0), (T // 3, 0.3), (T, -0.2)):
        pb.rotation_quaternion = (math.cos(angle / 2), 0.0, 0.0, math.sin(angle / 2))
        pb.keyframe_insert("rotation_quaternion", frame=f)
    frames = 1 + np.arange(T, dtype=np.float64)
    new = gaze.sample(bpy.context.scene, reports, frames)
    old = every_frame(reports, frames)
    assert angle_errors(new, old, reports) < ANGLE_TOL_DEG


def test_reading_the_heads_reports_progress_and_can_be_cancelled():
    from dualtalk.inference.core.errors import CancelledError
    from dualtalk.inference.core.progress import Recorder

    reports = scene_take()
    frames = 1 + np.arange(T, dtype=np.float64)
    rec = Recorder()
    gaze.sample(bpy.context.scene, reports, frames, progress=rec, stage="keying")
    assert rec.events[-1][:2] == ("keying", 1.0) and "aiming the eyes" in rec.events[-1][2]
    stop = Recorder()
    stop.cancel()
    keep = bpy.context.scene.frame_current
    with pytest.raises(CancelledError):
        gaze.sample(bpy.context.scene, reports, frames, progress=stop)
    assert bpy.context.scene.frame_current == keep  # the scene's frame put back


def test_keying_a_dialogue_reports_progress_while_it_keys_and_aims_the_eyes():
    """``animate`` and the add-on pass their progress: keying a long take is not silent."""
    from dualtalk.dualtalk_blender.scene.apply import apply_dialogue
    from dualtalk.inference.core.progress import Recorder

    a = br.make_character("A", location=(0.0, 0.0, 0.0))
    b = br.make_character("B", location=(-1.1, -1.3, 0.15))
    partner = np.zeros(T, np.int8)
    partner[100:500] = 1
    motions = []
    for obj, seed in ((a, 1), (b, 2)):
        m = jittery(obj.name, seed)
        motions.append(Motion(m.space, m.values, role=m.role, gaze_target=partner, gaze_dir=np.zeros((T, 2))))
    rec = Recorder()
    apply_dialogue(a, b, *motions, ApplyOptions(start_frame=1), progress=rec)
    stages = {stage for stage, _f, _m in rec.events}
    fractions = [f for _s, f, _m in rec.events]
    assert stages == {"keying"}
    assert any("aiming the eyes" in m for _s, _f, m in rec.events)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_rig_moved_by_a_constraint_is_read_as_played():
    """A rig that follows another object (Copy Location from a swaying empty): its own keys do not
    say how it moves, so every frame is read."""
    a, b = still_pair()
    lead = bpy.data.objects.new("lead", None)
    bpy.context.scene.collection.objects.link(lead)
    for k in range(T // 4 + 1):
        lead.location.z = 0.03 * [0, 1, 0, -1][k % 4]
        lead.keyframe_insert("location", index=2, frame=1 + 4 * k)
    follow = a.parent.constraints.new("COPY_LOCATION")
    follow.target, follow.use_offset = lead, True
    reports = keyed(a, b)
    frames = 1 + np.arange(T, dtype=np.float64)
    assert_as_played(gaze.sample(bpy.context.scene, reports, frames), every_frame(reports, frames), reports)
