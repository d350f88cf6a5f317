"""Picking the face among a rig's meshes when the user hands over the armature."""

from __future__ import annotations

import blender_rigs as br
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, check_character
from dualtalk.dualtalk_blender.scene.characters import inspect_character


def test_armature_with_a_corrective_heavy_body_animates_the_face(fresh_scene):
    """The user picked the armature as the character. Its body mesh has 80 corrective shape keys,
    the face mesh the 52 ARKit keys. Before, the body (more keys) was taken: "no known shape
    keys", and the run was refused as having no face keys."""
    face = br.make_character("Face")
    arm = face.parent
    body = br.make_mesh("Body", keys=[f"corrective_{i:02d}" for i in range(80)])
    body.parent = arm
    body.modifiers.new("Armature", "ARMATURE").object = arm
    report = inspect_character(arm)
    assert report.mesh == face
    assert report.summary.startswith("52/52 ARKit keys")
    assert check_character(arm, ApplyOptions()).mesh == face


def test_armature_whose_face_is_deformed_but_not_parented(fresh_scene):
    """The face mesh is bound to the rig by its Armature modifier only (no parent), as some
    importers leave it. Picking the armature said it "has no mesh child to animate"."""
    face = br.make_character("Face")
    arm = face.parent
    face.parent = None
    assert inspect_character(arm).mesh == face
