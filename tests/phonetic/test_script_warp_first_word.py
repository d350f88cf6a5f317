"""A line's first word is drawn like the rest, whatever espeak-ng's word marks say about it.

The lips are drawn on a line's words' spans. espeak-ng marks a line's first word at the clause's start,
before its speech (Arabic "أمي", Hindi "क्या": the mark fell before the reading's speech span and was
dropped), and for Korean may mark no first word at all ("내일 같이...": the first mark is "같이"), so the
first word's phones were never drawn (8 of the 112 held-out script clips)."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, Voice, available_engines, speak
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import script_warp, transcript
from dualtalk.training.evaluation.lipsync import (
    AlignedPhone,
    classify,
    mouth_features,
    score_phones,
    summarize,
)

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR = 16000
ARABIC = "أمي تطبخ الأرز باللحم يوم الجمعة."  # "My mother cooks rice with meat on Friday."
KOREAN = "내일 같이 박물관에 갈까요?"  # "Shall we go to the museum together tomorrow?"


def _said(text: str, voice: str) -> tuple[np.ndarray, list[Phone]]:
    """``text`` said by another espeak-ng voice than the script's reader, after a second of silence,
    with the truth of where each phone is."""
    utt = speak(text, Voice("espeak", voice))
    audio = np.concatenate([np.zeros(SR, np.float32), utt.audio, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)
    return audio, [Phone(p.symbol, p.start + 1.0, p.end + 1.0, p.alphabet) for p in utt.phones]


def _first_sound(truth: list[Phone]) -> float:
    return min(p.start for p in truth if p.symbol.strip("_"))


@pytest.mark.parametrize(
    ("text", "language", "voice", "first_word"),
    [(ARABIC, "ar", "ar+m7", "أمي"), (KOREAN, "ko", "ko+f5", "내일")],
)
def test_a_line_is_drawn_from_its_first_word(text, language, voice, first_word):
    audio, truth = _said(text, voice)
    placement = script_warp.place_lines(audio, [text], np.zeros(0, bool), 25.0, 0.0, language)
    assert placement.drawn == [0]
    assert placement.found.words[0][0] == first_word
    start = placement.span(0)[0]
    assert abs(start - _first_sound(truth)) < 0.06  # was 0.3-0.5 s late: the second word's start


def test_the_lips_close_on_the_bilabials_of_a_line_s_first_word():
    audio, truth = _said(ARABIC, "ar+m7")
    n = int(len(audio) / SR * 25)
    values = np.full((n, 55), 0.2, np.float32)
    values[:, ARKIT55.index("mouthClose")] = 0.0
    drawn, report = transcript.draw_lips(
        Motion("arkit55", values, engine="lite"), audio, ARABIC, language="ar"
    )
    assert not report.get("error") and report["lines_refused"] == []
    # "أمي" (my mother): the evaluator's closure on the first word's /m m/ (it ends where /j/ begins)
    second = next(p.start for p in truth if p.symbol == "j")
    first_word = [
        AlignedPhone(p.symbol, p.start, p.end, classify(p.symbol, "ipa") or frozenset())
        for p in truth
        if p.start < second
    ]
    assert sum("bilabial" in p.classes for p in first_word) == 2
    scores = summarize([score_phones(mouth_features(drawn.values, ARKIT55), first_word, 25.0)])
    assert scores["closure_rate"] == 1.0  # was 0: the engine's half-open mouth was kept on the word


def test_a_phone_before_the_first_mark_with_only_punctuation_before_that_word_joins_it():
    words = script_warp._with_first_word(
        "« Bonjour, Marie »", [("Bonjour", 0.05), ("Marie", 0.4)], [("b", 0.0, 0.05)]
    )
    assert words == [("Bonjour", 0.0), ("Marie", 0.4)]  # no word made of the quote mark
    # marks that already hold every phone are kept as they are
    assert script_warp._with_first_word("Hola", [("Hola", 0.0)], [("o", 0.0, 0.1)]) == [("Hola", 0.0)]


def test_a_short_line_is_not_refused_for_covering_too_little_of_the_speech_without_its_first_word():
    text = "الباب مفتوح والبيت بارد."  # "The door is open and the house is cold."
    audio, truth = _said(text, "ar+f5")
    n = int(len(audio) / SR * 25)
    t = (np.arange(n) + 0.5) / 25
    speaking = np.zeros(n, bool)
    for p in truth:
        speaking |= (t >= p.start) & (t < p.end)
    motion = Motion("arkit55", np.zeros((n, 55), np.float32), 25.0, speaking=speaking)
    _drawn, report = transcript.draw_lips(motion, audio, text, language="ar")
    # was "3 of 4 words placed, but they cover 75% of the time the character speaks (needs 80%)"
    assert not report.get("error") and report["lines_drawn"] == [1]
    assert report["words"] == report["aligned"] == 4
