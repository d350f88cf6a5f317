"""Keying a take: right frames at any scene fps, head turns the right way, the user's own
animation survives, re-runs replace only our layers, blinks/intensity/smoothing/markers."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.blinks import blink_curve
from dualtalk.dualtalk_blender.rig.retarget import quat_from_rotvec, resample, rotation_channels
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import (
    ApplyOptions,
    add_turn_markers,
    apply_dialogue,
    apply_motion,
    turn_changes,
)
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from mathutils import Euler, Quaternion, Vector

JAW = ARKIT52.index("jawOpen")


pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def ramp_motion(frames: int = 51, head=(0.0, 0.0, 0.0), speaking=None) -> Motion:
    """jawOpen rises linearly 0 -> 1 over the take; constant head rotation."""
    v = np.zeros((frames, 55), np.float32)
    v[:, JAW] = np.linspace(0, 1, frames)
    v[:, 52:] = head
    return Motion("arkit55", v, speaking=speaking, role="A")


def jaw_at(obj, frame: float) -> float:
    bpy.context.scene.frame_set(int(frame), subframe=frame - int(frame))
    return obj.data.shape_keys.key_blocks["jawOpen"].value


@pytest.mark.parametrize("fps", [24, 25, 30, 60])
def test_scene_fps_is_honoured_by_resampling_in_time(fps):
    bpy.context.scene.render.fps = fps
    obj = br.make_character("A", armature=False)
    motion = ramp_motion(51)  # 2 s at 25 fps
    rep = apply_motion(obj, motion, ApplyOptions(start_frame=1))
    assert rep.frames == round(51 * fps / 25) and rep.last_frame == rep.frames  # same duration as the audio
    for seconds in (0.5, 1.0, 1.6):
        assert jaw_at(obj, 1 + seconds * fps) == pytest.approx(seconds / 2.0, abs=2e-3)


def test_ntsc_rates_use_fps_base():
    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = 30, 1.001
    obj = br.make_character("A", armature=False)
    rep = apply_motion(obj, ramp_motion(251))  # 10 s
    assert rep.fps == pytest.approx(29.97, abs=1e-3)
    assert rep.frames == round(251 * 30 / 1.001 / 25)


def test_resample_low_passes_before_decimating():
    t = np.arange(250)
    buzz = np.where(t % 2 == 0, 1.0, 0.0)[:, None].astype(np.float32)  # 12.5 Hz: above 6 fps Nyquist
    out = resample(buzz, 25, 6)
    assert out.std() < 0.05 and out.mean() == pytest.approx(0.5, abs=0.05)


def test_start_frame_and_scene_range():
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end = 1, 10
    obj = br.make_character("A", armature=False)
    rep = apply_motion(obj, ramp_motion(51), ApplyOptions(start_frame=101))
    assert (rep.first_frame, rep.last_frame) == (101, 151)
    assert (scene.frame_start, scene.frame_end) == (1, 151)
    apply_motion(obj, ramp_motion(51), ApplyOptions(start_frame=101, frame_range="fit"))
    assert (scene.frame_start, scene.frame_end) == (101, 151)
    assert jaw_at(obj, 126) == pytest.approx(0.5, abs=1e-5)


@pytest.mark.parametrize("mode", ["QUATERNION", "XYZ", "ZXY", "AXIS_ANGLE"])
def test_head_turns_to_the_characters_left_on_a_z_up_rig(mode):
    obj = br.make_character("A")
    arm = obj.parent
    arm.pose.bones["head"].rotation_mode = mode
    apply_motion(obj, ramp_motion(5, head=(0.0, 0.4, 0.0)))  # yaw +0.4 rad = towards own left
    bpy.context.scene.frame_set(3)
    bpy.context.view_layer.update()
    head = arm.pose.bones["head"]
    fwd = (
        head.matrix.to_3x3() @ arm.data.bones["head"].matrix_local.to_3x3().inverted() @ Vector((0, -1.0, 0))
    )
    # a character facing -Y that turns to its left looks towards +X
    assert fwd[0] == pytest.approx(np.sin(0.4), abs=1e-4) and fwd[1] == pytest.approx(-np.cos(0.4), abs=1e-4)


def test_head_pitch_on_a_y_up_rig_moves_the_chin_down():
    obj = br.make_character("A", up="Y")
    arm = obj.parent
    apply_motion(obj, ramp_motion(5, head=(0.3, 0.0, 0.0)))
    bpy.context.scene.frame_set(2)
    bpy.context.view_layer.update()
    head = arm.pose.bones["head"]
    rest = arm.data.bones["head"].matrix_local.to_3x3()
    fwd = head.matrix.to_3x3() @ rest.inverted() @ Vector((0, 0, 1.0))  # Y-up rigs face +Z
    assert fwd[1] == pytest.approx(-np.sin(0.3), abs=1e-4)  # nose goes down


def test_without_armature_the_object_turns_and_keeps_its_placement():
    obj = br.make_character("A", armature=False)
    obj.rotation_euler = (0.0, 0.0, np.pi)  # placed facing the other character
    apply_motion(obj, ramp_motion(5, head=(0.0, 0.3, 0.0)))
    bpy.context.scene.frame_set(2)
    expected = Euler((0, 0, np.pi)).to_matrix() @ Euler((0, 0, 0.3)).to_matrix()
    assert np.allclose(np.array(obj.matrix_world.to_3x3()), np.array(expected), atol=1e-4)
    # re-applying composes onto the same placement, not onto the animated pose
    apply_motion(obj, ramp_motion(5, head=(0.0, 0.3, 0.0)))
    bpy.context.scene.frame_set(2)
    assert np.allclose(np.array(obj.matrix_world.to_3x3()), np.array(expected), atol=1e-4)


@pytest.mark.parametrize("mode", ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX", "AXIS_ANGLE", "QUATERNION"])
def test_rotation_modes_match_blender_math(mode, rng):
    rotvecs = rng.normal(0, 1.0, (20, 3))
    quats = quat_from_rotvec(rotvecs)
    prop, vals = rotation_channels(quats, mode)
    for rv, v in zip(rotvecs, vals, strict=True):
        expected = np.array(Quaternion(rv / np.linalg.norm(rv), np.linalg.norm(rv)).to_matrix())
        if prop == "rotation_euler":
            got = Euler(v, mode).to_matrix()
        elif prop == "rotation_axis_angle":
            got = Quaternion(v[1:], v[0]).to_matrix()
        else:
            got = Quaternion(v).to_matrix()
        assert np.allclose(np.array(got), expected, atol=1e-6)


def test_user_animation_survives_and_rerun_replaces_only_our_action():
    obj = br.make_character("A", ARKIT52 + ("Tail",))
    key, arm = obj.data.shape_keys, obj.parent
    # The user's own keys: a shape key we do not drive and a body bone.
    key.key_blocks["Tail"].value = 0.25
    key.key_blocks["Tail"].keyframe_insert("value", frame=1)
    key.key_blocks["Tail"].value = 0.75
    key.key_blocks["Tail"].keyframe_insert("value", frame=11)
    arm.pose.bones["spine"].rotation_quaternion = Quaternion((0.9, 0.1, 0, 0)).normalized()
    arm.pose.bones["spine"].keyframe_insert("rotation_quaternion", frame=1)
    user_key_action, user_arm_action = key.animation_data.action, arm.animation_data.action
    # An unrelated action of the user's.
    spare = bpy.data.actions.new("Spare")
    spare.use_fake_user = True

    rep = apply_motion(obj, ramp_motion(51))
    assert sorted(rep.kept_actions) == sorted([user_key_action.name, user_arm_action.name])
    assert key.animation_data.action is None and arm.animation_data.action is None  # pushed down
    assert [t.name for t in key.animation_data.nla_tracks] == [
        f"{user_key_action.name} (kept by DualTalk)",
        "DualTalk rest",
        "DualTalk lips+jaw",
        "DualTalk eyes",
        "DualTalk brows+cheeks",
    ]
    assert [t.name for t in arm.animation_data.nla_tracks][-2:] == ["DualTalk rest", "DualTalk head"]
    bpy.context.scene.frame_set(6)
    assert key.key_blocks["Tail"].value == pytest.approx(0.5, abs=1e-5)  # still animated (NLA)
    assert arm.pose.bones["spine"].rotation_quaternion.x == pytest.approx(0.1104, abs=1e-3)
    assert jaw_at(obj, 26) == pytest.approx(0.5, abs=1e-5)

    apply_motion(obj, ramp_motion(101))  # same take again
    ours = sorted(a.name for a in bpy.data.actions if is_ours(a))
    assert ours == [
        f"DualTalk_take_A {layer}" for layer in ("brows+cheeks", "eyes", "head", "lips+jaw", "rest")
    ]
    assert len(bpy.data.actions["DualTalk_take_A rest"].slots) == 2  # shape keys + armature
    assert {"Spare", user_key_action.name, user_arm_action.name} <= set(bpy.data.actions.keys())
    assert len(key.animation_data.nla_tracks) == 5  # not pushed twice, no duplicate layers
    assert jaw_at(obj, 51) == pytest.approx(0.5, abs=1e-5)

    apply_motion(obj, ramp_motion(11), ApplyOptions(take="second"))
    assert len([a for a in bpy.data.actions if is_ours(a)]) == 10  # first take kept in the file
    assert bpy.data.actions["DualTalk_take_A lips+jaw"].use_fake_user
    assert layers.our_strips(key)["lips+jaw"].action.name == "DualTalk_second_A lips+jaw"


def test_curves_are_bulk_linear_keys_grouped_per_target():
    obj = br.make_character("A")
    rep = apply_motion(obj, ramp_motion(30))
    curves = layers.layer_fcurves(obj.data.shape_keys)
    assert len(curves) == 52 and rep.curves == 52 + 4  # + head quaternion
    fc = curves[0]
    assert len(fc.keyframe_points) == 30
    assert {kp.interpolation for kp in fc.keyframe_points} == {"LINEAR"}
    head_curves = layers.layer_fcurves(obj.parent)
    assert {fc.data_path for fc in head_curves} == {'pose.bones["head"].rotation_quaternion'}
    assert head_curves[0].group.name == "head"


def test_intensity_and_smoothing():
    obj = br.make_character("A", armature=False)
    m = ramp_motion(51)
    apply_motion(obj, m, ApplyOptions(intensities={"mouth": 0.5}))
    assert jaw_at(obj, 51) == pytest.approx(0.5, abs=1e-5)
    spike = np.zeros((51, 55), np.float32)
    spike[25, JAW] = 1.0
    apply_motion(obj, Motion("arkit55", spike), ApplyOptions(smoothing=2.0))
    peak = jaw_at(obj, 26)
    assert 0.1 < peak < 0.3 and jaw_at(obj, 28) > 0.05
    with pytest.raises(DualTalkError, match="intensity group"):
        apply_motion(obj, m, ApplyOptions(intensities={"ears": 1.0}))


def test_blinks_are_procedural_deterministic_and_more_frequent_while_listening():
    speaking = np.zeros(25 * 600, bool)
    speaking[: 25 * 300] = True
    lid = blink_curve(len(speaking), 25.0, speaking, seed=3)
    assert np.array_equal(lid, blink_curve(len(speaking), 25.0, speaking, seed=3))
    starts = np.flatnonzero((lid[1:] > 0.5) & (lid[:-1] <= 0.5))
    talking, listening = (starts < 25 * 300).sum(), (starts >= 25 * 300).sum()
    assert 40 < talking < listening < 160
    assert lid.max() == pytest.approx(1.0, abs=0.05) and lid.min() == 0.0


def test_flame_motion_gets_blinks_by_default_and_not_when_switched_off():
    obj = br.make_character("A", armature=False)
    flame = Motion("flame56", np.zeros((25 * 20, 56), np.float32))
    rep = apply_motion(obj, flame)
    assert any("FLAME->ARKit map" in w for w in rep.warnings)
    bag = {fc.data_path: fc for fc in layers.layer_fcurves(obj.data.shape_keys)}
    blink = br.fcurve_values(bag['key_blocks["eyeBlinkLeft"].value'])[:, 1]
    assert blink.max() > 0.9
    apply_motion(obj, flame, ApplyOptions(blinks="off"))
    bag = {fc.data_path: fc for fc in layers.layer_fcurves(obj.data.shape_keys)}
    assert br.fcurve_values(bag['key_blocks["eyeBlinkLeft"].value'])[:, 1].max() == 0.0


def test_turn_markers_follow_the_floor_not_backchannels():
    fps = 25
    a = np.zeros(250, bool)
    b = np.zeros(250, bool)
    a[0:100] = True
    b[50:55] = True  # short "mhm" overlap: no turn
    b[120:200] = True
    a[210:215] = True  # short backchannel from A: no turn
    assert turn_changes(a, b, fps) == [(0, 0), (120, 1)]
    scene = bpy.context.scene
    ma = Motion("arkit55", np.zeros((250, 55), np.float32), speaking=a)
    mb = Motion("arkit55", np.zeros((250, 55), np.float32), speaking=b)
    assert add_turn_markers(scene, ma, mb, start_frame=1, names=("Ann", "Bob")) == 2
    assert add_turn_markers(scene, ma, mb, start_frame=1, names=("Ann", "Bob")) == 2  # replaced, not added
    assert sorted((m.frame, m.name) for m in scene.timeline_markers) == [
        (1, "DT Ann speaks"),
        (121, "DT Bob speaks"),
    ]


def test_apply_dialogue_keys_both_and_refuses_the_same_object_twice():
    a = br.make_character("Ann")
    b = br.make_character("Bob", location=(1, 0, 0))
    speak = np.zeros(51, bool)
    speak[:30] = True
    ra, rb, n = apply_dialogue(a, b, ramp_motion(51, speaking=speak), ramp_motion(51, speaking=~speak))
    assert ra.action != rb.action and n == 2
    with pytest.raises(DualTalkError, match="same object"):
        apply_dialogue(a, a.parent, ramp_motion(5), ramp_motion(5))


def test_bad_options_are_refused_before_touching_the_scene():
    obj = br.make_character("A", armature=False)
    for bad in (ApplyOptions(blinks="sometimes"), ApplyOptions(smoothing=-1), ApplyOptions(take="")):
        with pytest.raises(DualTalkError):
            apply_motion(obj, ramp_motion(5), bad)
    assert obj.data.shape_keys.animation_data is None


def test_rigs_with_eye_bones_but_no_look_keys_turn_their_eyes():
    obj = br.make_character("Vrm", ["aa", "blink"], head="J_Bip_C_Head")
    arm = obj.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    for name, x in (("J_Adj_L_FaceEye", 0.03), ("J_Adj_R_FaceEye", -0.03)):
        eb = arm.data.edit_bones.new(name)
        eb.head, eb.tail, eb.parent = (x, -0.1, 1.6), (x, -0.15, 1.6), arm.data.edit_bones["J_Bip_C_Head"]
    bpy.ops.object.mode_set(mode="OBJECT")
    from dualtalk.dualtalk_blender.scene.characters import inspect_character

    assert inspect_character(obj).summary.endswith("eye bones: J_Adj_L_FaceEye, J_Adj_R_FaceEye")
    v = np.zeros((3, 55), np.float32)
    v[:, ARKIT52.index("eyeLookOutLeft")] = 1.0  # left eye looks to the character's left (+X)
    v[:, ARKIT52.index("eyeLookInRight")] = 1.0  # right eye too
    apply_motion(obj, Motion("arkit55", v))
    bpy.context.scene.frame_set(2)
    bpy.context.view_layer.update()
    for name in ("J_Adj_L_FaceEye", "J_Adj_R_FaceEye"):
        pb = arm.pose.bones[name]
        gaze = (
            pb.matrix.to_3x3() @ arm.data.bones[name].matrix_local.to_3x3().inverted() @ Vector((0, -1.0, 0))
        )
        assert gaze.x == pytest.approx(np.sin(0.5), abs=1e-4)


def _linked_character(folder) -> bpy.types.Object:
    """A character linked from another .blend (read-only data), placed in the scene."""
    br.make_character("Lib", armature=False)
    bpy.ops.wm.save_as_mainfile(filepath=str(folder / "lib.blend"))
    br.reset()
    with bpy.data.libraries.load(str(folder / "lib.blend"), link=True) as (_src, dst):
        dst.objects = ["Lib"]
    obj = dst.objects[0]
    bpy.context.scene.collection.objects.link(obj)
    return obj


def test_linked_library_characters_are_refused_clearly(tmp_path):
    obj = _linked_character(tmp_path)
    with pytest.raises(DualTalkError, match="linked from"):
        apply_motion(obj, ramp_motion(5))


def test_an_overridden_character_whose_mesh_is_still_linked_is_told_what_to_make_local(tmp_path):
    """A library override of the object leaves its mesh and shape keys linked: the refusal said
    "make it local (or a library override)" to a user who had just made the override."""
    obj = _linked_character(tmp_path).override_create(remap_local_usages=True)
    assert obj.override_library is not None and obj.data.library is not None
    with pytest.raises(DualTalkError) as refused:
        apply_motion(obj, ramp_motion(5))
    message = str(refused.value)
    assert "is a library override, but its mesh data" in message and "Make Local" in message
