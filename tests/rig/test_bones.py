"""Bone rotations without Blender: a head turn lands on the right bone axis whatever way the rig
is built, a re-generated take composes onto the pose its first take started from, and every
shape key and bone goes to the layer an animator would look for it in."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import bones, keyreduce, plan, retarget
from dualtalk.dualtalk_blender.rig.bones import OBJECT, BoneDrive, BonePose
from dualtalk.dualtalk_blender.rig.layer_names import drive_layer, mix_layer
from dualtalk.inference.core.channels import ARKIT55, FLAME56, SPACE_ARKIT, SPACE_FLAME
from dualtalk.inference.core.motion import Motion

IDENTITY = np.array([1.0, 0.0, 0.0, 0.0])
# a bone pointing up the armature's Z (Blender: the bone's own Y runs along it, roll 0)
UP_BONE_Z = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
# an eye bone pointing forward (the armature's -Y): its own Z runs down the armature's Z
EYE_FWD_Z = np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]])


def head_turn(yaw: float = 0.0, pitch: float = 0.0, frames: int = 5) -> np.ndarray:
    values = np.zeros((frames, len(ARKIT55)), np.float32)
    values[:, ARKIT55.index("head_ry")] = yaw  # motion head frame: y is up, so ry turns the head
    values[:, ARKIT55.index("head_rx")] = pitch
    return values


def quat(axis, angle: float) -> np.ndarray:
    axis = np.asarray(axis, dtype=np.float64)
    return np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * axis / np.linalg.norm(axis)])


def tracks(values, space=SPACE_ARKIT, *, head="head", head_frame="Z", drives=(), poses=None, stored=None):
    poses = poses or {"head": BonePose("QUATERNION", IDENTITY, UP_BONE_Z)}
    return bones.rotation_tracks(
        values, space, head=head, head_frame=head_frame, drives=list(drives), poses=poses, stored=stored or {}
    )


def test_a_head_turn_on_a_z_up_rig_turns_the_head_bone_about_its_own_length():
    (track,), used = tracks(head_turn(yaw=0.3))
    assert track.bone == "head" and track.prop == "rotation_quaternion" and track.layer == "head"
    assert track.values.dtype == np.float32 and track.values.shape == (5, 4)
    assert np.allclose(track.values, quat([0, 1, 0], 0.3), atol=1e-7)  # bone-local Y = up the neck
    assert np.allclose(track.rest, IDENTITY) and used == {"head": [1.0, 0.0, 0.0, 0.0]}
    assert track.tol == keyreduce.rotation_component_tol("QUATERNION")


def test_the_same_turn_on_a_y_up_rig_and_on_an_object_without_bones():
    up_bone_y = np.eye(3)  # a Y-up (FBX) rig's neck bone points along the armature's Y
    (bone_track,), _ = tracks(
        head_turn(yaw=0.3), head_frame="Y", poses={"head": BonePose("QUATERNION", IDENTITY, up_bone_y)}
    )
    assert np.allclose(bone_track.values, quat([0, 1, 0], 0.3), atol=1e-7)
    # an object (Blender's Z-up) turns about world Z; its Euler property keeps three angles
    (obj_track,), used = tracks(
        head_turn(yaw=0.3), head=OBJECT, poses={OBJECT: BonePose("XYZ", IDENTITY)}
    )  # fmt: skip
    assert obj_track.bone == OBJECT and obj_track.prop == "rotation_euler"
    assert np.allclose(obj_track.values, [0.0, 0.0, 0.3], atol=1e-6)
    assert obj_track.tol == keyreduce.rotation_component_tol("XYZ") and list(used) == [OBJECT]


def test_flame_rigs_take_the_neck_rotation_as_is_and_count_as_y_up_on_an_object():
    values = np.zeros((3, len(FLAME56)), np.float32)
    values[:, FLAME56.index("neck_rx")] = 0.2
    pose = {"neck": BonePose("QUATERNION", IDENTITY, UP_BONE_Z)}  # axes ignored: bone axes are FLAME's
    (track,), _ = tracks(values, SPACE_FLAME, head="neck", head_frame="bone", poses=pose)
    assert np.allclose(track.values, quat([1, 0, 0], 0.2), atol=1e-7)
    rv = np.array([[0.0, 0.2, 0.0]])
    assert np.allclose(bones.head_rotvecs(rv, "bone", None), retarget.rig_rotvecs(rv, "Y"))


def test_rotations_compose_onto_the_pose_the_bone_held_when_its_first_take_was_keyed():
    posed = quat([1, 0, 0], 0.4)  # the animator tilted the head before the first take
    poses = {"head": BonePose("QUATERNION", posed, UP_BONE_Z)}
    (first,), rest = tracks(head_turn(), poses=poses)
    assert np.allclose(first.values, posed, atol=1e-7) and np.allclose(rest["head"], posed)
    # re-generating: the bone now holds the first take's pose, and a hand-edited rest is ignored
    again = {"head": BonePose("QUATERNION", quat([0, 0, 1], 1.0), UP_BONE_Z)}
    stored = bones.stored_rests({"rest": rest})
    (second,), rest2 = tracks(head_turn(), poses=again, stored=stored)
    assert np.allclose(second.values, posed, atol=1e-7) and rest2 == rest


@pytest.mark.parametrize(
    "bad", [[1.0, 0.0, 0.0], [float("nan"), 0, 0, 0], [0, 0, 0, 0], ["w", "x", "y", "z"], "head", None]
)
def test_a_broken_recorded_rest_falls_back_to_the_current_pose(bad):
    assert bones.stored_rests({"rest": {"head": bad, "jaw": [1, 0, 0, 0]}}) == {
        "jaw": pytest.approx(np.array([1.0, 0, 0, 0]))
    }
    assert bones.stored_rests({"rest": bad}) == {}
    assert bones.stored_rests({}) == {}


def test_the_rest_under_a_quaternion_layer_is_on_the_first_keys_hemisphere():
    rest = quat([1, 0, 0], np.radians(170))  # a first frame past 180 degrees flips the keyed sign
    track = bones.rotation_track(
        "b", retarget.compose(rest, [[np.radians(20), 0, 0]]), rest, "QUATERNION", "head"
    )
    assert track.values[0, 0] >= 0
    assert float(track.rest @ track.values[0]) > 0  # partial influence blends the short way


def test_axis_angle_bones_key_angle_and_axis():
    (track,), _ = tracks(head_turn(yaw=0.5), poses={"head": BonePose("AXIS_ANGLE", IDENTITY, UP_BONE_Z)})
    assert track.prop == "rotation_axis_angle" and np.allclose(track.values, [0.5, 0, 1, 0], atol=1e-6)


def test_eye_bones_follow_the_rigs_up_axis_and_a_drive_of_the_head_bone_is_left_to_the_head():
    eye = BoneDrive("eye.L", ["eyeLookOutLeft"], np.array([[0.0, 0.5, 0.0]]), frame="head")
    jaw_on_head = BoneDrive("head", ["jawOpen"], np.array([[0.3, 0.0, 0.0]]))
    values = np.zeros((2, len(ARKIT55)), np.float32)
    values[:, ARKIT55.index("eyeLookOutLeft")] = 1.0
    values[:, ARKIT55.index("jawOpen")] = 1.0
    poses = {
        "head": BonePose("QUATERNION", IDENTITY, UP_BONE_Z),
        "eye.L": BonePose("QUATERNION", IDENTITY, EYE_FWD_Z),
    }
    keyed, used = tracks(values, drives=[eye, jaw_on_head], poses=poses)
    assert [t.bone for t in keyed] == ["head", "eye.L"] and list(used) == ["head", "eye.L"]
    assert keyed[1].layer == "eyes"
    assert np.allclose(keyed[1].values, quat([0, 0, -1], 0.5), atol=1e-7)  # about the rig's up axis
    # FLAME-style rigs ("bone" head frame) count as Z-up for head-frame drives
    assert np.allclose(
        bones.drive_rotvecs(values, SPACE_ARKIT, eye, "bone", EYE_FWD_Z),
        bones.drive_rotvecs(values, SPACE_ARKIT, eye, "Z", EYE_FWD_Z),
    )
    # head motion off: the map's drive of the head bone is keyed instead (in the jaw's layer)
    keyed, _ = tracks(values, head=None, drives=[jaw_on_head], poses=poses)
    assert [(t.bone, t.layer) for t in keyed] == [("head", "lips+jaw")]
    assert np.allclose(keyed[0].values, quat([1, 0, 0], 0.3), atol=1e-7)


def test_keys_and_bones_go_to_the_layer_that_drives_them_most():
    assert mix_layer([("jawOpen", 1.0)]) == "lips+jaw"
    assert mix_layer([("eyeBlinkLeft", 0.5), ("mouthSmileLeft", 0.2)]) == "eyes"
    assert mix_layer([("browInnerUp", 0.2), ("cheekPuff", 0.2), ("jawOpen", -0.3)]) == "brows+cheeks"
    assert drive_layer(["jaw_rx", "jaw_ry", "jaw_rz"], np.eye(3)) == "lips+jaw"
    assert drive_layer(["jawOpen", "browInnerUp"], np.array([[0.1, 0, 0], [0, -0.3, 0.1]])) == "brows+cheeks"


def test_shape_key_tracks_carry_mixes_and_flame_correctives_in_their_layers():
    out = np.zeros((4, len(FLAME56)), np.float32)
    out[:, FLAME56.index("exp_00")] = 0.5
    out[:, FLAME56.index("jaw_rx")] = 0.2
    correctives = [f"Pose{i}" for i in range(1, 19)]
    keyed = plan.shape_key_tracks(out, SPACE_FLAME, {"Exp000": [("exp_00", 1.0)]}, None, correctives)
    assert [t.name for t in keyed] == ["Exp000", *correctives]
    assert np.allclose(keyed[0].values, 0.5) and keyed[0].layer == "lips+jaw"
    assert {t.layer for t in keyed[1:10]} == {"head"} and {t.layer for t in keyed[10:]} == {"lips+jaw"}
    assert np.allclose(keyed[1].values, 0.0) and keyed[14].values[0] == pytest.approx(np.cos(0.2) - 1)
    # correctives need a FLAME rig's expression keys; an ARKit space never gets them
    assert plan.shape_key_tracks(out, SPACE_FLAME, {}, None, correctives) == []
    arkit = np.zeros((4, len(ARKIT55)), np.float32)
    assert [
        t.name for t in plan.shape_key_tracks(arkit, SPACE_ARKIT, {"A": [("jawOpen", 1)]}, None, correctives)
    ] == ["A"]


def test_the_take_records_where_it_came_from_and_the_rests_it_composed_onto():
    motion = Motion(SPACE_ARKIT, np.zeros((50, len(ARKIT55)), np.float32), role="B", engine="lite")
    meta = plan.take_meta(motion, "take 2", "Bob", {"head": [1.0, 0, 0, 0]}, 30.0, 101)
    assert meta["rest"] == {"head": [1.0, 0, 0, 0]} and meta["seconds"] == 2.0
    assert (meta["take"], meta["character"], meta["role"], meta["engine"]) == ("take 2", "Bob", "B", "lite")
    assert (meta["fps"], meta["start_frame"], meta["space"]) == (30.0, 101, SPACE_ARKIT)
