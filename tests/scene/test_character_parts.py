"""A character is several meshes (face, beard, lashes, teeth) on one rig, or none; the animator keys
the face and expects every part to follow it, whatever the file's history: an Alt+D duplicate of a
whole character, parts exported with the full ARKit set, parts parented to a face without a rig,
a face bound to several armatures, a modifier stack that hides shape-key motion."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import companions
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature, inspect_character
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 30
JAW = ARKIT52.index("jawOpen")
BLINK = ARKIT52.index("eyeBlinkLeft")


def talking(phase: float, role: str = "") -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(np.arange(T) / 3.0 + phase)
    v[:, BLINK] = np.linspace(0.0, 1.0, T)
    return Motion("arkit55", v, role=role)


def played(obj, name: str) -> np.ndarray:
    return br.played(obj, name, T)


def rigged_part(arm, name: str, keys) -> bpy.types.Object:
    mesh = br.make_mesh(name, keys)
    mesh.parent = arm
    mesh.modifiers.new("Armature", "ARMATURE").object = arm
    return mesh


def alt_d_duplicate(face, parts, suffix: str):
    """What Alt+D on a whole character makes: new objects on the same mesh data, a new rig."""
    scene = bpy.context.scene
    rig = face.parent.copy()
    rig.name = face.parent.name.replace("A", suffix)
    scene.collection.objects.link(rig)
    rig.location = (1.0, -1.0, 0.0)
    out = []
    for src in (face, *parts):
        obj = src.copy()  # the mesh data stays shared
        obj.name = src.name.replace("A", suffix)
        scene.collection.objects.link(obj)
        obj.parent = rig
        obj.modifiers["Armature"].object = rig
        out.append(obj)
    return out


# --- 1. Alt+D duplicates ------------------------------------------------------------------------


def test_alt_d_duplicate_teeth_follow_their_own_face_and_survive_removing_the_other_take():
    """I Alt+D'd Ann's whole character to make Bea. Bea's teeth must open with Bea's mouth, not Ann's,
    and removing Ann's take later must leave Bea's teeth following Bea."""
    face_a = br.make_character("FaceA")
    teeth_a = rigged_part(face_a.parent, "TeethA", ["jawOpen", "mouthClose"])
    face_b, teeth_b = alt_d_duplicate(face_a, [teeth_a], "B")
    assert teeth_b.data == teeth_a.data

    rep_a, rep_b, _ = apply_dialogue(
        face_a, face_b, talking(0.0, "A"), talking(2.0, "B"), ApplyOptions(undo_push=False, gaze=False)
    )

    assert teeth_b.data != teeth_a.data
    warnings = rep_a.warnings + rep_b.warnings
    assert not any("of your own" in w for w in warnings), warnings
    assert sum("TeethA: shape keys were shared with TeethB; made single-user" in w for w in warnings) == 1
    np.testing.assert_allclose(played(teeth_a, "jawOpen"), played(face_a, "jawOpen"), atol=1e-6)
    np.testing.assert_allclose(played(teeth_b, "jawOpen"), played(face_b, "jawOpen"), atol=1e-6)
    assert np.abs(played(face_b, "jawOpen") - played(face_a, "jawOpen")).max() > 0.1

    remove_take([face_a], undo_push=False)

    np.testing.assert_allclose(played(teeth_b, "jawOpen"), played(face_b, "jawOpen"), atol=1e-6)
    assert np.ptp(played(teeth_b, "jawOpen")) > 0.5


def test_a_duplicated_follower_driver_reading_the_other_face_is_retargeted_not_called_yours():
    """A file made before the fix (or with Shift+D): Bea's teeth already carry DualTalk's driver, but
    it reads Ann's face. Animating Bea makes them follow Bea, and says nothing about "your own"."""
    face_a = br.make_character("FaceA")
    teeth_a = rigged_part(face_a.parent, "TeethA", ["jawOpen"])
    face_b, teeth_b = alt_d_duplicate(face_a, [teeth_a], "B")
    face_b.data = face_b.data.copy()
    teeth_b.data = teeth_b.data.copy()
    companions._add_driver(teeth_b.data.shape_keys, "jawOpen", face_a.data.shape_keys)
    apply_motion(face_a, talking(0.0), ApplyOptions(undo_push=False))

    rep = apply_motion(face_b, talking(2.0), ApplyOptions(undo_push=False))

    assert not any("of your own" in w for w in rep.warnings), rep.warnings
    assert rep.followers == ["TeethB (1 key)"]
    np.testing.assert_allclose(played(teeth_b, "jawOpen"), played(face_b, "jawOpen"), atol=1e-6)
    np.testing.assert_allclose(played(teeth_a, "jawOpen"), played(face_a, "jawOpen"), atol=1e-6)


def test_with_single_user_refused_a_shared_part_is_left_out_and_said_so():
    """single_user="refuse": DualTalk must not split my shared data; the shared teeth stay as they are."""
    face_a = br.make_character("FaceA")
    teeth_a = rigged_part(face_a.parent, "TeethA", ["jawOpen"])
    other = br.make_mesh("TeethSpare", [])
    other.data = teeth_a.data

    rep = apply_motion(face_a, talking(0.0), ApplyOptions(undo_push=False, single_user="refuse"))

    assert rep.followers == [] and teeth_a.data == other.data
    assert teeth_a.data.shape_keys.animation_data is None
    assert any(
        w.startswith("TeethA: its mesh and shape keys are shared with TeethSpare") for w in rep.warnings
    )


# --- 2. parts with the full ARKit set ----------------------------------------------------------


def bearded(name: str, location=(0.0, 0.0, 0.0)):
    face = br.make_character(name, location=location)
    beard = rigged_part(face.parent, "Beard" + name[-1], ARKIT52)
    lashes = rigged_part(face.parent, "Lashes" + name[-1], [k for k in ARKIT52 if k.startswith("eye")])
    return face, beard, lashes


def test_a_beard_exported_with_all_52_keys_follows_the_face():
    """My exporter gives the beard every ARKit key. Picking the face, the beard moves with the jaw."""
    face, beard, lashes = bearded("FaceA")
    other = br.make_character("FaceB", location=(1.0, -1.0, 0.0))

    rep_a, _rep_b, _ = apply_dialogue(
        face, other, talking(0.0, "A"), talking(2.0, "B"), ApplyOptions(undo_push=False, gaze=False)
    )

    assert "BeardA (" in ", ".join(rep_a.followers)
    np.testing.assert_allclose(played(beard, "jawOpen"), played(face, "jawOpen"), atol=1e-6)
    np.testing.assert_allclose(played(beard, "eyeBlinkLeft"), played(lashes, "eyeBlinkLeft"), atol=1e-6)


def test_picking_the_rig_keys_the_face_not_a_beard_that_ties_with_it_and_says_so():
    """I pick the armature (as the docs suggest). The beard has as many face keys as the face: the
    face is keyed, the beard follows it, and one line says which mesh was taken and which tied."""
    face, beard, _lashes = bearded("FaceA")
    other, _b, _l = bearded("FaceB", location=(1.0, -1.0, 0.0))

    assert find_mesh_and_armature(face.parent)[0] == face
    report = inspect_character(face.parent)
    tie = [w for w in report.warnings if "BeardA" in w]
    assert len(tie) == 1 and "FaceA" in tie[0], report.warnings

    rep_a, _rep_b, _ = apply_dialogue(
        face.parent,
        other.parent,
        talking(0.0, "A"),
        talking(2.0, "B"),
        ApplyOptions(undo_push=False, gaze=False),
    )
    assert rep_a.character == "FaceA"
    assert np.ptp(played(face, "jawOpen")) > 0.5
    np.testing.assert_allclose(played(beard, "jawOpen"), played(face, "jawOpen"), atol=1e-6)


def test_a_larger_tie_wins_by_vertices():
    """Two meshes with the face's keys and neutral names: the one with more vertices is the face."""
    arm = br.make_armature("Rig")
    small = rigged_part(arm, "Aaa", ARKIT52)
    big = rigged_part(arm, "Zzz", ARKIT52)
    bpy.context.view_layer.objects.active = big
    bpy.ops.object.mode_set(mode="EDIT")
    bpy.ops.mesh.select_all(action="SELECT")
    bpy.ops.mesh.subdivide()
    bpy.ops.object.mode_set(mode="OBJECT")
    assert len(big.data.vertices) > len(small.data.vertices)

    assert find_mesh_and_armature(arm)[0] == big


# --- 4. no armature ------------------------------------------------------------------------------


def test_teeth_and_lashes_parented_to_a_face_without_a_rig_follow_it():
    """My character is a face mesh turned as an object, its teeth and lashes parented to it."""
    face = br.make_mesh("FaceA")
    teeth = br.make_mesh("TeethA", ["jawOpen", "mouthClose"])
    lashes = br.make_mesh("LashesA", ["eyeBlinkLeft", "eyeBlinkRight"])
    teeth.parent = face
    lashes.parent = teeth  # grandchildren count too

    rep = apply_motion(face, talking(0.0), ApplyOptions(undo_push=False))

    assert rep.followers == ["LashesA (2 keys)", "TeethA (2 keys)"]
    np.testing.assert_allclose(played(teeth, "jawOpen"), played(face, "jawOpen"), atol=1e-6)
    np.testing.assert_allclose(played(lashes, "eyeBlinkLeft"), played(face, "eyeBlinkLeft"), atol=1e-6)
    assert np.ptp(played(teeth, "jawOpen")) > 0.5


def test_a_face_without_a_rig_exports_its_parts_with_it():
    """The FBX of that character holds its teeth and lashes (the face scope: the parts that follow)."""
    from dualtalk.dualtalk_blender.scene.fbx_export import export_objects

    face = br.make_mesh("FaceA")
    teeth = br.make_mesh("TeethA", ["jawOpen"])
    teeth.parent = face
    apply_motion(face, talking(0.0), ApplyOptions(undo_push=False))

    assert export_objects([face], whole_rigs=False) == [face, teeth]
    assert export_objects([face], whole_rigs=True) == [face, teeth]


def test_remove_take_lets_go_of_the_parts_of_a_face_without_a_rig():
    """Remove Take on that character takes our drivers off its teeth too (they were left behind)."""
    face = br.make_mesh("FaceA")
    teeth = br.make_mesh("TeethA", ["jawOpen"])
    teeth.parent = face
    apply_motion(face, talking(0.0), ApplyOptions(undo_push=False))
    assert teeth.data.shape_keys.animation_data.drivers

    remove_take([face], undo_push=False)

    ad = teeth.data.shape_keys.animation_data
    assert ad is None or not [fc for fc in ad.drivers if fc.data_path.startswith("key_blocks")]


# --- 5. several Armature modifiers ----------------------------------------------------------------


def test_the_armature_with_the_head_bone_is_taken_among_several_modifiers():
    """A props armature first in the stack, the face rig second: the face rig's head is keyed."""
    props = br.make_armature("Props_rig", head="chest", neck=None)
    rig = br.make_armature("FaceA_rig")
    face = br.make_mesh("FaceA")
    face.modifiers.new("Props", "ARMATURE").object = props
    face.modifiers.new("Face", "ARMATURE").object = rig

    assert find_mesh_and_armature(face)[1] == rig
    report = inspect_character(face)
    assert report.head_target == "head"
    assert not report.warnings, report.warnings


def test_no_armature_with_a_head_bone_names_every_armature_looked_at():
    one = br.make_armature("Props_rig", head="chest", neck=None)
    two = br.make_armature("Cloth_rig", head="skirt", neck=None)
    face = br.make_mesh("FaceA")
    face.modifiers.new("Props", "ARMATURE").object = one
    face.modifiers.new("Cloth", "ARMATURE").object = two

    report = inspect_character(face)

    lines = [w for w in report.warnings if "head or neck bone" in w]
    assert len(lines) == 1 and "Props_rig" in lines[0] and "Cloth_rig" in lines[0], report.warnings


# --- 6. modifiers that hide shape-key motion ----------------------------------------------------


def replacing_nodes():
    ng = bpy.data.node_groups.new("Replace", "GeometryNodeTree")
    ng.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    ng.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    ng.nodes.new("NodeGroupInput")
    out = ng.nodes.new("NodeGroupOutput")
    cube = ng.nodes.new("GeometryNodeMeshCube")
    ng.links.new(cube.outputs["Mesh"], out.inputs[0])
    return ng


def passing_nodes():
    ng = bpy.data.node_groups.new("Pass", "GeometryNodeTree")
    ng.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    ng.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    gi, go = ng.nodes.new("NodeGroupInput"), ng.nodes.new("NodeGroupOutput")
    ng.links.new(gi.outputs[0], go.inputs[0])
    return ng


def test_a_geometry_nodes_modifier_that_discards_the_face_is_said_at_inspection():
    """Bea's face has a Geometry Nodes modifier that outputs a new mesh: her take would never show."""
    face = br.make_character("FaceB")
    face.modifiers.new("GN", "NODES").node_group = replacing_nodes()
    kb = face.data.shape_keys.key_blocks["jawOpen"]
    kb.value = 0.25

    report = inspect_character(face)

    lines = [w for w in report.warnings if "modifier" in w]
    assert len(lines) == 1 and "FaceB" in lines[0] and "GN" in lines[0], report.warnings
    assert kb.value == pytest.approx(0.25)  # what was touched is put back
    assert all(
        k.value == pytest.approx(0.25 if k.name == "jawOpen" else 0.0)
        for k in face.data.shape_keys.key_blocks[1:]
    )


def test_a_geometry_nodes_modifier_that_keeps_the_face_says_nothing():
    face = br.make_character("FaceA")
    face.modifiers.new("GN", "NODES").node_group = passing_nodes()
    report = inspect_character(face)
    assert not [w for w in report.warnings if "modifier" in w], report.warnings


def test_a_face_named_like_a_part_word_inside_a_longer_word_is_still_a_face():
    """Names are read as words: "MrBrown" holds no brow, "Reyes_face" no eye, "Chair" no hair; a
    second character named so on the same rig is another face, never a part that follows the first."""
    from dualtalk.dualtalk_blender.scene.characters import name_kind

    assert [name_kind(n) for n in ("MrBrown", "Reyes_face", "Chair", "Gumbo")] == [0, 1, 0, 0]
    assert [name_kind(n) for n in ("EyeLashes_L", "CC_Base_Teeth", "Eyebrows.001", "BeardA")] == [-1] * 4
    assert [name_kind(n) for n in ("FaceA", "head_geo", "Body")] == [1, 1, 1]
