"""An Arabic script written as Arabic usually is, without its vowel marks (harakat). espeak-ng reads
such a word as its consonants (سأذهب: "s?Dhb"), and the lips drawn from that reading were worse than
the engine's own (review rv39h F3: closure 89 % against 100 %, open vs M/B/P 0.885 against 0.994),
with no word said about it. Now a character whose Arabic lines carry too few harakat keeps the
engine's lips, and the line says why and what to do; lines written with their harakat are drawn."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import HARAKAT_SHARE, harakat_share, wrong_language
from script_takes import two_mic_take

SR = 16000
# the review's lines, as written (hamza kept, no harakat) and fully vocalised
BARE = ["مرحبا يا مريم، هل تأتين معي إلى السوق؟", "نعم، سأذهب معك بعد الظهر."]
VOCALISED = ["مَرْحَبًا يَا مَرْيَم، هَلْ تَأْتِينَ مَعِي إِلَى السُّوقِ؟", "نَعَمْ، سَأَذْهَبُ مَعَكَ بَعْدَ الظُّهْرِ."]
# how people type it: a tanwin on ًا and one vocalised word among bare ones (0.14 of the letters)
PARTLY = ["مَرْحَبًا يا مريم، هل تأتين معي إلى السوق؟", "حسنًا، سأشتري الخبز والحليب بـ ١٥ درهمًا."]


def test_the_share_counts_letters_carrying_a_mark():
    assert harakat_share(BARE) == (0, 48)
    assert harakat_share(["شُكْرًا"]) == (3, 4)  # ش ك ر carry one each; the alif after a tanwin none
    assert harakat_share(["أُمِّي"]) == (2, 3)  # shadda and kasra on one letter count once
    assert harakat_share(["مـــرحبا"]) == (0, 5)  # a tatweel is no letter


@pytest.mark.parametrize("lines", [BARE, PARTLY], ids=["no harakat", "a few harakat"])
@pytest.mark.parametrize("language", ["ar", "Arabic", "العربية", "ar-EG"])
def test_arabic_without_harakat_is_refused_saying_why(lines, language):
    why, looks = wrong_language(lines, language)
    assert why.startswith("its Arabic is written without harakat (")
    assert "so they cannot show where the mouth opens; write the harakat (fatha, damma, kasra)" in why
    assert why.endswith("or leave the script out")
    assert looks == ""  # the language is right: no other language to name


def test_arabic_with_its_harakat_is_drawn():
    marked, letters = harakat_share(VOCALISED)
    assert marked >= HARAKAT_SHARE * letters
    assert wrong_language(VOCALISED, "ar") == ("", "")


def test_other_languages_are_not_asked_for_harakat():
    assert wrong_language(["Hola, ¿cómo estás?"], "es") == ("", "")
    assert wrong_language(["Привет, как дела?"], "ru") == ("", "")
    # Urdu is written in Arabic letters without harakat too, and read well that way by its own voice
    assert wrong_language(["آپ کیسے ہیں؟"], "ur") == ("", "")


_take = two_mic_take  # the two-mic take every script story here uses (tests/script_takes.py)


def test_a_character_written_without_harakat_keeps_the_engine_s_lips():
    script, mic_a, mic_b, (motion_a, motion_b) = _take([("A", BARE[0]), ("B", BARE[1])])
    drawn_a, drawn_b, report = tr.apply_transcript(
        script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="ar"
    )
    assert np.array_equal(drawn_a.values, motion_a.values)
    assert np.array_equal(drawn_b.values, motion_b.values)
    for who in "ab":
        assert report[who]["error"].startswith("its Arabic is written without harakat ("), report[who]
