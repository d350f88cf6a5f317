"""An MMD user's model in Blender (review rv39f F6, F3): its one-eye closes blink, the smiling winks
stay still beside まばたき, and katakana vowels open the mouth."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def value_at(obj, key: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return obj.data.shape_keys.key_blocks[key].value


def take() -> Motion:
    """Both eyes shut on frame 3 while the jaw opens to an 'ah'."""
    v = np.zeros((5, 55), np.float32)
    v[:, ARKIT52.index("eyeBlinkLeft")] = v[:, ARKIT52.index("eyeBlinkRight")] = [0.0, 0.0, 1.0, 0.0, 0.0]
    v[:, ARKIT52.index("jawOpen")] = [0.0, 0.2, 0.45, 0.2, 0.0]
    return Motion("arkit55", v)


@pytest.mark.parametrize(
    ("left", "right"),
    [("ウィンク２", "ウィンク２右"), ("ウィンク２", "ｳｨﾝｸ２右"), ("ウィンク", "ウィンク右")],
)
def test_a_model_with_only_one_eye_closes_shuts_both_eyes(left, right):
    """Before, '5/11 MMD morphs' and the eyes stayed open for the whole take."""
    obj = br.make_character("Miku", ["あ", "い", "う", "え", "お", left, right], head="頭", neck="首")
    report = inspect_character(obj)
    assert report.family == "mmd" and report.blink_keys
    apply_motion(obj, take(), ApplyOptions(blinks="off"))
    assert value_at(obj, left, 3) == pytest.approx(1.0) and value_at(obj, right, 3) == pytest.approx(1.0)
    assert value_at(obj, left, 1) == 0.0


def test_smiling_winks_beside_mabataki_stay_still():
    obj = br.make_character("Miku", ["あ", "まばたき", "ウィンク", "ウィンク右"], head="頭", neck="首")
    apply_motion(obj, take(), ApplyOptions(blinks="off"))
    assert value_at(obj, "まばたき", 3) == pytest.approx(1.0)
    assert value_at(obj, "ウィンク", 3) == 0.0 and value_at(obj, "ウィンク右", 3) == 0.0


def test_katakana_vowels_open_the_mouth():
    """Before, 'ア イ ウ エ オ' were not morphs of the preset: the lips never moved."""
    obj = br.make_character("Miku", ["ア", "イ", "ウ", "エ", "オ", "まばたき"], head="頭", neck="首")
    assert inspect_character(obj).summary.startswith("6/13 MMD morphs")
    apply_motion(obj, take(), ApplyOptions(blinks="off"))
    assert value_at(obj, "ア", 3) > 0.8


@pytest.mark.parametrize(
    ("keys", "both", "one"),
    [
        (["あ", "まばたき", "ウィンク２"], "まばたき", "ウィンク２"),
        (["A", "Blink", "Blink_L"], "Blink", "Blink_L"),
    ],
)
def test_a_both_eyes_blink_beside_one_one_eye_close_shuts_the_lid_once(keys, both, one):
    """まばたき and ウィンク２ without ウィンク２右 (or VRM's Blink with Blink_L alone): the both-eyes
    blink carries the blink, and the lone one-eye close stays still; both drove the left lid shut twice
    as far (review rv39i F3)."""
    obj = br.make_character("Miku", keys, head="頭", neck="首")
    apply_motion(obj, take(), ApplyOptions(blinks="off"))
    assert value_at(obj, both, 3) == pytest.approx(1.0)
    assert value_at(obj, one, 3) == 0.0
