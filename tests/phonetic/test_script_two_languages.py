"""A conversation in two languages (review rv38a F2): A speaks Spanish, B English, one script.
Before, the script had one language: given as Spanish, B's English lines were drawn from espeak-ng's
Spanish reading of English words (B's lips scored closure 96 %, open vowels shut 24 %), or refused
as looking English; given as English, A's were refused. Now B's lines may have their own language
(``--transcript-language-b``, the panel's Script Language B), and each character is read in theirs."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import transcript as tr
from test_script_not_english import _voices as spoken

MIXED = (  # the review's script (rv38a F2, mkmix.py)
    ("A", "¿Vamos a la playa mañana por la mañana?"),
    ("B", "Maybe, but my brother wants to play baseball."),
    ("A", "Bueno, pero mi abuelo paga el pan."),
    ("B", "Fine, I will bring some apples then."),
)
pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@pytest.fixture(scope="module")
def take():
    """A speaks Spanish with a Spanish voice, B English with an English one, each on their own mic."""
    a, b, motions = spoken(MIXED, "es", "en-us+f2")
    script = [tr.Line(k + 1, who, text) for k, (who, text) in enumerate(MIXED)]
    return script, a, b, motions


def test_each_character_is_read_in_their_own_language(take, monkeypatch):
    pytest.importorskip("pocketsphinx")  # B's English: the English aligner
    script, mic_a, mic_b, (motion_a, motion_b) = take
    asked = []
    real = tr.draw_lips
    monkeypatch.setattr(tr, "draw_lips", lambda *a, **k: asked.append((a[3], a[5])) or real(*a, **k))
    drawn_a, drawn_b, report = tr.apply_transcript(
        script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="es", language_b="en"
    )
    assert asked == [("A", "es"), ("B", "en")]  # B's lines never read as Spanish
    for key, language, drawn, motion in (("a", "es", drawn_a, motion_a), ("b", "en", drawn_b, motion_b)):
        rep = report[key]
        assert not rep.get("error") and rep["aligned"] > 0 and rep["language"] == language, rep
        assert not np.array_equal(drawn.values, motion.values)  # the lips are drawn from the words


def test_without_b_s_language_b_s_english_is_refused_and_b_s_own_menu_is_named(take, caplog):
    """The default is one language for the whole script, as before: B's English lines under Spanish
    keep the engine's lips, and the advice is B's own flag (changing A's would misread A)."""
    script, mic_a, mic_b, (motion_a, motion_b) = take
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _a, drawn_b, report = tr.apply_transcript(
            script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="es"
        )
    assert not report["a"].get("error") and report["a"]["aligned"] > 0, report["a"]
    error = report["b"]["error"]
    assert error.startswith("its lines look English (") and "not Spanish" in error, error
    assert error.endswith("give --transcript-language-b en (panel: Script Language B)"), error
    assert np.array_equal(drawn_b.values, motion_b.values)
    assert tr.unaligned(report, "es") == (
        "B's lines keep the engine's lips: its lines look English; set Script Language B to English"
    )
    # B given as "the same" in so many words changes nothing
    _a, _b, same = tr.apply_transcript(
        script, ("A", "B"), mic_a, mic_b, motion_a, motion_b, language="es", language_b="es"
    )
    assert same["b"]["error"] == error


def test_advice_for_b_s_lines_alone_names_b_s_flag_and_menu():
    """(A whole French script read as Spanish keeps the script's flag for both:
    test_script_in_another_language.)"""
    advice = (
        "its lines look French ('les'), not Spanish; give --transcript-language fr (panel: Script Language)"
    )
    assert tr.for_b(advice) == (
        "its lines look French ('les'), not Spanish; give --transcript-language-b fr (panel: Script Language B)"
    )
