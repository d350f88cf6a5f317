"""A studio rig from Maya, as Blender's FBX importer leaves it without Automatic Bone Orientation:
the armature object stands Y-up (90 degrees about X), and the neck and head bones point forward
instead of up the chain. A turn to the left must still turn the head about the world's up axis,
never roll it about the nose (review rv39f F2); and in a pair with an ordinary Z-up rig, each rig
keeps its own up axis (``--up-axis-a``/``-b``, a map's ``"up_axis"``)."""

from __future__ import annotations

import json
import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.mapping import parse_mapping
from dualtalk.dualtalk_blender.rig.options import ApplyOptions
from dualtalk.dualtalk_blender.scene.apply import apply_motion, inspect_for
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def maya_rig(name: str = "Hero", *, bones_forward: bool = True) -> bpy.types.Object:
    """A face skinned to a Y-up armature object; its neck and head bones point forward (+Z in the
    armature's Y-up space) when ``bones_forward``, else up the chain (+Y)."""
    arm = br.make_armature(name + "_rig", up="Y")
    arm.rotation_euler = (math.radians(90), 0.0, 0.0)  # how the FBX importer stands a Y-up file up
    if bones_forward:
        bpy.context.view_layer.objects.active = arm
        bpy.ops.object.mode_set(mode="EDIT")
        for bone in ("neck", "head"):
            eb = arm.data.edit_bones[bone]
            eb.tail = (eb.head[0], eb.head[1], eb.head[2] + 0.1)
        bpy.ops.object.mode_set(mode="OBJECT")
    face = br.make_mesh(name)
    face.parent = arm
    face.modifiers.new("Armature", "ARMATURE").object = arm
    bpy.context.view_layer.update()
    return face


def head_turn_axis(face: bpy.types.Object, options: ApplyOptions) -> tuple[float, ...]:
    """The world axis the head bone turns about when the take turns the head 20 degrees left."""
    values = np.zeros((10, len(ARKIT55)), np.float32)
    values[5:, ARKIT55.index("head_ry")] = math.radians(20)
    apply_motion(face, Motion("arkit55", values), options.replace(start_frame=1, gaze=False))
    arm = face.parent
    scene = bpy.context.scene
    scene.frame_set(2)
    before = (arm.matrix_world @ arm.pose.bones["head"].matrix).to_3x3().normalized()
    scene.frame_set(8)
    after = (arm.matrix_world @ arm.pose.bones["head"].matrix).to_3x3().normalized()
    axis, angle = (after @ before.inverted()).to_quaternion().to_axis_angle()
    assert math.degrees(angle) == pytest.approx(20, abs=1e-3)
    return tuple(axis)


def test_a_maya_rig_whose_head_bone_points_forward_turns_its_head_about_up_not_its_nose():
    face = maya_rig()
    report = inspect_for(face, ApplyOptions())
    assert report.head_frame == "Y"  # read from the neck -> head chain, not from the bone's tail
    # the bone and the chain disagree: said once, with the way to say otherwise
    said = [w for w in report.warnings if "points along" in w]
    assert len(said) == 1 and "'neck' -> 'head' runs along Y" in said[0] and "--up-axis-a" in said[0]
    assert head_turn_axis(face, ApplyOptions()) == pytest.approx((0, 0, 1), abs=1e-4)


def test_a_rig_whose_bones_point_up_the_chain_has_nothing_to_say():
    face = maya_rig("Plain", bones_forward=False)  # imported with Automatic Bone Orientation
    report = inspect_for(face, ApplyOptions())
    assert report.head_frame == "Y" and not [w for w in report.warnings if "points along" in w]
    blender_face = br.make_character("Ann", location=(2.0, 0.0, 0.0))
    report = inspect_for(blender_face, ApplyOptions())
    assert report.head_frame == "Z" and not [w for w in report.warnings if "points along" in w]


def test_a_maya_rig_beside_a_blender_rig_each_keeps_its_own_up_axis():
    hero = maya_rig()
    ann = br.make_character("Ann", location=(2.0, 0.0, 0.0))
    # --up-axis says it for both; --up-axis-a / -b for one; the map's "up_axis" for its rig
    both_y = ApplyOptions(up_axis="Y", up_axis_b="Z")
    assert inspect_for(hero, both_y.for_role("A")).head_frame == "Y"
    assert inspect_for(ann, both_y.for_role("B")).head_frame == "Z"
    own = ApplyOptions(up_axis_a="Z")
    assert inspect_for(hero, own.for_role("A")).head_frame == "Z"  # the user's word wins
    assert inspect_for(ann, own.for_role("B")).head_frame == "Z"
    assert head_turn_axis(ann, ApplyOptions(up_axis="Y").for_role("A")) != pytest.approx((0, 0, 1), abs=1e-3)
    assert head_turn_axis(ann, ApplyOptions(up_axis="Y", up_axis_a="Z").for_role("A")) == pytest.approx(
        (0, 0, 1), abs=1e-4
    )


def test_a_map_file_says_which_way_its_rig_is_up(tmp_path):
    ann = br.make_character("Ann")
    table = {"map": {"jawOpen": "jawOpen"}, "head": "head"}
    path = tmp_path / "ann_map.json"
    path.write_text(json.dumps({**table, "up_axis": "y"}), encoding="utf-8")
    report = inspect_for(ann, ApplyOptions(mapping_a=str(path)).for_role("A"))
    assert report.head_frame == "Y"
    # a flag still wins over the file
    assert inspect_for(ann, ApplyOptions(mapping_a=str(path), up_axis_a="Z").for_role("A")).head_frame == "Z"
    assert parse_mapping(table).up_axis == "auto"
    with pytest.raises(DualTalkError, match=r"mapping.up_axis: expected one of auto, Y, Z, got 'X'"):
        parse_mapping({**table, "up_axis": "X"})
