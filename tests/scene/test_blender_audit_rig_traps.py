"""Rig setups on which keyed shape keys would not move the face, said before the run."""

from __future__ import annotations

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.mapping import parse_mapping
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion


def jaw_take() -> Motion:
    v = np.zeros((10, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = np.linspace(0.0, 1.0, 10)
    return Motion("arkit55", v)


def test_a_muted_mouth_key_is_reported(fresh_scene):
    """The modeller had muted jawOpen while sculpting and forgot it: the take was keyed, the mouth
    never opened, and nothing said why."""
    face = br.make_character("Ann")
    face.data.shape_keys.key_blocks["jawOpen"].mute = True
    rep = apply_motion(face, jaw_take(), ApplyOptions())
    assert any("jawOpen are muted" in w for w in rep.warnings)
    assert face.data.shape_keys.key_blocks["jawOpen"].mute  # the user's setting is theirs to change


def test_shape_key_lock_is_reported(fresh_scene):
    """The Shape Key Lock pin was left on: Blender shows only the active key, the face stays still."""
    face = br.make_character("Ann")
    face.show_only_shape_key = True
    assert any("Shape Key Lock" in w for w in inspect_character(face).warnings)


def test_a_plain_rig_gets_no_such_warnings(fresh_scene):
    assert inspect_character(br.make_character("Ann")).warnings == []


def test_a_map_head_bone_on_a_mesh_without_armature_says_so(fresh_scene):
    """The map names a head bone but the user picked a mesh that has no armature: the message
    spoke of "the armature" the mesh does not have."""
    mesh = br.make_character("Solo", armature=False)
    mapping = parse_mapping({"map": {"jawOpen": "jawOpen"}, "head": "Head"})
    with pytest.raises(DualTalkError, match="'Solo' has no armature"):
        inspect_character(mesh, mapping=mapping)


def test_a_map_entry_on_the_head_bone_is_not_dropped_in_silence(fresh_scene):
    """The TD's map tilts the head bone with browInnerUp, but the head motion keys that bone and
    the entry was skipped without a word. Named in "head", another bone frees it."""
    face = br.make_character("Ann")
    entry = {"browInnerUp": {"bone": "head", "axis": "X", "weight": 0.2}, "jawOpen": "jawOpen"}
    report = inspect_character(face, mapping=parse_mapping({"map": entry}))
    assert any("'head' from browInnerUp" in w and "not keyed" in w for w in report.warnings)
    freed = inspect_character(face, mapping=parse_mapping({"map": entry, "head": "neck"}))
    assert not any("not keyed" in w for w in freed.warnings)
