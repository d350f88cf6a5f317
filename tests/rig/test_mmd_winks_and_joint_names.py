"""Names from MMD models and Maya/Max rigs that the presets know (review rv39f F6, F7): an MMD model
with only one-eye closes blinks, katakana vowels move the lips, ``Head_JNT`` is the head bone."""

from __future__ import annotations

import pytest
from dualtalk.dualtalk_blender.rig import presets

MMD = presets.MMD_TARGETS


def keyed(keys: list[str]) -> dict[str, list[str]]:
    """Rig key -> the ARKit channels it is keyed from, as the preset plans it."""
    found = presets.match_targets(MMD, keys)
    still = presets.covered(MMD, found)
    return {found[i]: [ch for ch, _ in MMD[i].mix] for i in found if i not in still}


@pytest.mark.parametrize(("left", "right"), [("ウィンク２", "ウィンク２右"), ("ｳｨﾝｸ２", "ｳｨﾝｸ２右")])
def test_a_model_with_only_one_eye_closes_blinks_with_both(left, right):
    """Before, such a model never blinked: only まばたき was a blink target."""
    keys = keyed(["あ", left, right])
    assert keys[left] == ["eyeBlinkLeft"] and keys[right] == ["eyeBlinkRight"]


def test_one_eye_closes_beside_mabataki_blink_once():
    """まばたき beside both one-eye closes would shut each lid twice as far: it stays at rest."""
    keys = keyed(["あ", "まばたき", "ウィンク２", "ウィンク２右"])
    assert "まばたき" not in keys and "ウィンク２" in keys and "ウィンク２右" in keys


def test_smiling_winks_blink_only_a_model_without_mabataki():
    """ウィンク/ウィンク右 also smile: beside まばたき they stay still, as before; alone they blink."""
    assert set(keyed(["あ", "まばたき", "ウィンク", "ウィンク右"])) == {"あ", "まばたき"}
    keys = keyed(["あ", "ウィンク", "ウィンク右"])
    assert keys["ウィンク"] == ["eyeBlinkLeft"] and keys["ウィンク右"] == ["eyeBlinkRight"]


@pytest.mark.parametrize("vowels", [["ア", "イ", "ウ", "エ", "オ"], ["ｱ", "ｲ", "ｳ", "ｴ", "ｵ"]])
def test_katakana_vowels_move_the_lips(vowels):
    """Before, a model with ア イ ウ エ オ kept its lips still (only the blink was found)."""
    keys = keyed([*vowels, "まばたき"])
    assert all("jawOpen" in keys[v] for v in vowels)


@pytest.mark.parametrize("suffix", ["_JNT", "_jnt", "_Jnt", "_bind", "_Bind", "_jt"])
def test_maya_joint_names_are_found_without_a_map(suffix):
    """A rig from Maya names its joints Head_JNT, Neck_JNT: before, "no head bone"."""
    bones = [f"Root{suffix}", f"Spine{suffix}", f"Neck{suffix}", f"Head{suffix}", f"Jaw{suffix}"]
    assert presets.find_bone(bones, presets.HEAD_BONES) == f"Head{suffix}"
    assert presets.find_bone(bones, presets.NECK_BONES) == f"Neck{suffix}"
    assert presets.find_bone(bones, presets.JAW_BONES) == f"Jaw{suffix}"


def test_a_joint_suffix_alone_is_not_stripped_from_other_words():
    assert presets.normalize_name("Blind") == "blind" and presets.normalize_name("jnt") == "jnt"


def test_a_rig_without_a_known_head_names_the_likeliest_bone():
    """The warning "no head or neck bone" can say which bone to map as the head."""
    bones = ["Root", "C_Spine01", "C_Head01_end", "C_Head01", "C_Neck01"]
    assert presets.find_bone(bones, presets.HEAD_BONES) is None
    assert presets.head_candidate(bones) == "C_Head01"
    assert presets.head_candidate(["Root", "C_Neck01"]) == "C_Neck01"
    assert presets.head_candidate(["Root", "Spine"]) is None
