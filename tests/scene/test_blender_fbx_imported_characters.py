"""Characters as they arrive from other tools through FBX: a face mesh written Y-up (Maya, most
DCCs) and rigs named the way Character Creator and Daz name their bones. Each must move the way the
motion says, in the world the animator sees."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52, ARKIT55
from dualtalk.inference.core.motion import Motion
from mathutils import Matrix, Vector

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def y_up_face_from_fbx(tmp_path) -> bpy.types.Object:
    """A face mesh (no skeleton) read from an FBX written Y-up with untouched object transforms, as
    Maya writes one: Blender's importer stands it up with a 90-degree X rotation on the object."""
    face = br.make_mesh("Face")
    face.select_set(True)
    path = tmp_path / "face_from_maya.fbx"
    bpy.ops.export_scene.fbx(filepath=str(path), use_selection=True, bake_space_transform=True)
    br.reset()
    bpy.context.scene.render.fps = 25
    bpy.ops.import_scene.fbx(filepath=str(path))
    face = bpy.data.objects["Face"]
    assert math.degrees(face.rotation_euler.x) == pytest.approx(90, abs=1e-3)  # the mesh data is Y-up
    return face


def world_turn(obj: bpy.types.Object, first: int, then: int) -> tuple[Vector, float]:
    """Axis (world) and angle (degrees) the object turned by between two frames."""
    bpy.context.scene.frame_set(first)
    before = obj.matrix_world.to_3x3().normalized()
    bpy.context.scene.frame_set(then)
    after = obj.matrix_world.to_3x3().normalized()
    axis, angle = (after @ before.inverted()).to_quaternion().to_axis_angle()
    return axis, math.degrees(angle)


@pytest.mark.parametrize(
    ("channel", "world_axis"),
    [("head_ry", (0, 0, 1)), ("head_rx", (1, 0, 0)), ("head_rz", (0, -1, 0))],
    ids=["turn-left-about-up", "nod-about-left", "tilt-about-forward"],
)
def test_a_face_from_a_y_up_fbx_turns_its_head_about_the_worlds_axes(tmp_path, channel, world_axis):
    face = y_up_face_from_fbx(tmp_path)
    values = np.zeros((10, len(ARKIT55)), np.float32)
    values[5:, ARKIT55.index(channel)] = math.radians(20)
    apply_motion(face, Motion("arkit55", values), ApplyOptions(start_frame=1, gaze=False))
    axis, angle = world_turn(face, 2, 8)
    assert angle == pytest.approx(20, abs=1e-3)
    # a turn to the left rolled the face about its nose (world -Y) instead
    assert tuple(axis) == pytest.approx(world_axis, abs=1e-4)


def test_a_blender_made_face_turned_to_its_partner_still_turns_about_up(tmp_path):
    face = br.make_mesh("Face")
    face.rotation_euler = (0.0, 0.0, math.radians(90))
    bpy.context.view_layer.update()
    values = np.zeros((10, len(ARKIT55)), np.float32)
    values[5:, ARKIT55.index("head_rx")] = math.radians(20)  # a nod: about the character's own left
    apply_motion(face, Motion("arkit55", values), ApplyOptions(start_frame=1, gaze=False))
    axis, angle = world_turn(face, 2, 8)
    left = Matrix.Rotation(math.radians(90), 3, "Z") @ Vector((1, 0, 0))
    assert angle == pytest.approx(20, abs=1e-3)
    assert tuple(axis) == pytest.approx(tuple(left), abs=1e-4)


@pytest.mark.parametrize(
    ("head", "eyes"),
    [("CC_Base_Head", ("CC_Base_L_Eye", "CC_Base_R_Eye")), ("head", ("lEye", "rEye"))],
    ids=["character-creator", "daz-genesis"],
)
def test_character_creator_and_daz_eyes_are_found_and_turned(head, eyes):
    # their own look morphs are not ARKit's, so the eyeballs' bones must turn
    keys = [k for k in ARKIT52 if not k.startswith("eyeLook")]
    obj = br.make_character("Cc", keys, head=head)
    arm = obj.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    for name, x in zip(eyes, (0.03, -0.03), strict=True):
        eb = arm.data.edit_bones.new(name)
        eb.head, eb.tail, eb.parent = (x, -0.1, 1.6), (x, -0.15, 1.6), arm.data.edit_bones[head]
    bpy.ops.object.mode_set(mode="OBJECT")
    report = inspect_character(obj)
    assert report.eye_bones == eyes  # was (None, None): the eyes stayed fixed, even on the partner
    assert report.summary.endswith(f"eye bones: {eyes[0]}, {eyes[1]}")
    v = np.zeros((3, len(ARKIT55)), np.float32)
    v[:, ARKIT52.index("eyeLookOutLeft")] = 1.0  # both eyes to the character's left (+X)
    v[:, ARKIT52.index("eyeLookInRight")] = 1.0
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(gaze=False))
    bpy.context.scene.frame_set(2)
    for name in eyes:
        pb = arm.pose.bones[name]
        look = pb.matrix.to_3x3() @ arm.data.bones[name].matrix_local.to_3x3().inverted() @ Vector((0, -1, 0))
        assert look.x == pytest.approx(math.sin(0.5), abs=1e-4)
