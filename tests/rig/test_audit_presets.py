"""Rig names with Blender's duplicate suffix still match the presets."""

from __future__ import annotations

from dualtalk.dualtalk_blender.rig import presets
from dualtalk.inference.core.channels import ARKIT52


def test_a_joined_rigs_head_dot_001_is_still_the_head():
    """The character's rig was appended and joined into another armature, so Blender renamed its
    bones "head.001", "neck.001", "jaw.001". Before, no head bone was found and the head stayed
    still ("head: not keyed")."""
    bones = ["root", "spine.001", "neck.001", "head.001", "jaw.001"]
    assert presets.find_bone(bones, presets.HEAD_BONES) == "head.001"
    assert presets.find_bone(bones, presets.NECK_BONES) == "neck.001"
    assert presets.find_bone(bones, presets.JAW_BONES) == "jaw.001"


def test_the_original_bone_wins_over_its_duplicate():
    assert presets.find_bone(["head", "head.001"], presets.HEAD_BONES) == "head"


def test_shape_keys_copied_with_a_suffix_match_arkit():
    """Keys transferred from another mesh came in as "jawOpen.001" ...: none was matched."""
    found = presets.match_targets(presets.ARKIT_TARGETS, [f"{n}.001" for n in ARKIT52])
    assert len(found) == 52 and found[ARKIT52.index("jawOpen")] == "jawOpen.001"


def test_names_that_only_look_like_a_suffix_keep_their_meaning():
    assert presets.normalize_name("eyeBlink.L") == presets.normalize_name("eyeBlinkLeft")
    assert presets.normalize_name("blendShape1.eyeBlinkLeft") == "eyeblinkl"
