"""A face whose keys cannot open its mouth, or close its eyes, is keyed all the same: an MMD model
whose vowels are written in katakana (``ア``, no jaw bone) got only its blink and head moving, and a
VRM model without blink keys lost every blink, with no word from the run or the picker (review
rv39f F3). Now each says so in one line, naming the keys the face has and the way to map them."""

from __future__ import annotations

import blender_rigs as br
import pytest
from dualtalk.dualtalk_blender.addon import pickers
from dualtalk.dualtalk_blender.scene.characters import inspect_character

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

KATAKANA_VOWELS = ["ア", "イ", "ウ", "エ", "オ", "まばたき"]
NO_VOWELS = ["まばたき", "にこり", "困る"]  # an MMD face with a blink, a smile and a brow only


def said(report, start: str) -> list[str]:
    return [w for w in report.warnings if w.startswith(start)]


def test_an_mmd_face_without_vowels_says_its_lips_will_not_move_and_names_its_keys():
    face = br.make_character("Miku", NO_VOWELS, head="頭")
    report = inspect_character(face)
    (line,) = said(
        report, "no key opens Miku's mouth: the lips will not move; its keys: にこり, まばたき, 困る; "
    )
    assert "jawOpen" in line and "--map-a/--map-b" in line
    assert not said(report, "no key closes")  # まばたき closes the eyes
    assert pickers.character_summary(face).endswith("; no key opens the mouth")


def test_katakana_vowels_are_named_as_the_presets_hiragana():
    from dualtalk.dualtalk_blender.scene.characters import _kana_hint

    face = br.make_character("Miku", KATAKANA_VOWELS, head="頭")
    lines = said(inspect_character(face), "no key opens Miku's mouth")
    # silent until the MMD preset reads katakana itself; then ア opens the mouth and nothing is said
    assert lines == [] or "(ア reads as あ, イ as い, ウ as う, エ as え, オ as お)" in lines[0]
    assert _kana_hint(["ア", "イ", "ん"]) == " (ア reads as あ, イ as い)"


def test_a_jaw_bone_opens_the_mouth_and_nothing_is_said():
    face = br.make_character("Miku", KATAKANA_VOWELS, head="頭", jaw="jaw")
    assert not said(inspect_character(face), "no key opens")


def test_a_vrm_face_without_blink_keys_says_its_blinks_go_nowhere():
    face = br.make_character("Vivi", ["A", "I", "U", "E", "O"])
    report = inspect_character(face)
    (line,) = said(report, "no key closes Vivi's eyes: the take's blinks go nowhere; its keys: A, E, I, O, U")
    assert "eyeBlinkLeft/eyeBlinkRight" in line
    assert not said(report, "no key opens")
    assert pickers.character_summary(face).endswith("; no key closes the eyes")


def test_a_full_face_has_nothing_to_say():
    face = br.make_character("Ann")
    report = inspect_character(face)
    assert not said(report, "no key") and "no key" not in pickers.character_summary(face)
