"""A Hindi (or Arabic, Russian, Korean) script with English names and words in it, as Indian, Arab,
Russian and Korean productions write them ("मेरे दोस्त John Smith ने Netflix पर film देखी।") (review
32n, F4): espeak-ng reads those words in English in these voices, but each such line was refused as
"written in Latin letters, which espeak-ng spells out letter by letter", and Devanagari's vowel signs
were not counted as letters, so a line mostly in Devanagari could be called Latin."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript
from dualtalk.inference.phonetic.script_languages import foreign_letters

SR = 16000
HINGLISH = (
    "मैंने WhatsApp पर message भेजा।",
    "मेरे दोस्त John Smith ने Netflix पर film देखी।",
    "आज मौसम बहुत अच्छा है।",
)


@pytest.mark.parametrize(
    ("line", "language"),
    [
        (HINGLISH[0], "hi"),
        (HINGLISH[1], "hi"),
        ("Я люблю Star Wars и Netflix", "ru"),
        ("شاهدت فيلم Star Wars على Netflix", "ar"),
        ("나는 Netflix 와 YouTube 봐요", "ko"),
    ],
)
def test_english_words_in_a_hindi_arabic_russian_or_korean_line_are_read_not_refused(line, language):
    assert foreign_letters(line, language) == ""


def test_japanese_still_refuses_latin_letters_which_its_voice_spells_out():
    assert foreign_letters("John Smith と Netflix を みました", "ja") == "Latin letters"


def test_devanagari_vowel_signs_count_as_letters_of_the_line():
    """मैंने कहा: 4 letters to isalpha, 8 characters of Devanagari; the Cyrillic name is the lesser part."""
    assert foreign_letters("मैंने कहा Привет", "hi") == ""
    assert foreign_letters("Привет, как дела? नमस्ते", "hi") == "Cyrillic letters"


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_hinglish_script_draws_every_line():
    pieces = []
    for text in HINGLISH:
        pieces += [np.zeros(int(0.8 * SR), np.float32), speak(text, Voice("espeak", "hi+m3", rate=1.1)).audio]
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    motion = Motion("arkit55", np.full((int(len(audio) / SR * 25), 55), 0.2, np.float32), engine="lite")
    lines = [transcript.Line(k + 1, "A", text) for k, text in enumerate(HINGLISH)]
    _drawn, report = transcript.draw_lips(motion, audio, lines, language="hi")
    assert not report.get("error"), report.get("error")
    assert report["lines_refused"] == [] and report["lines_drawn"] == [1, 2, 3]
    assert report["aligned"] == report["words"]
