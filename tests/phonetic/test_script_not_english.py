"""A studio hands in its Spanish or German script and forgets ``--transcript-language`` (review 32n,
F3): the script was aligned as English, with no word about its language, in 7.5x the time; one
German character was drawn from English readings of German words (worse lips than none)."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import not_english

SR = 16000
SPANISH = (
    ("A", "Mi madre prepara una paella buenísima los domingos."),
    ("B", "¿Vamos a la playa mañana por la tarde?"),
    ("A", "Me parece muy bien, pero primero hay que comer."),
    ("B", "Ayer vimos una película fantástica en el cine."),
)


def _voices(lines, voice_a: str = "es", voice_b: str = "es+f2"):
    """Each character's mic (A's lines in ``voice_a``, B's in ``voice_b``, the other mic silent) and
    the two motions whose flags say who speaks."""
    a, b, flags_a, flags_b = [], [], [], []
    for who, text in lines:
        audio = speak(text, Voice("espeak", voice_a if who == "A" else voice_b)).audio
        gap = np.zeros(int(0.6 * SR), np.float32)
        for mine, flags, own in ((a, flags_a, who == "A"), (b, flags_b, who == "B")):
            mine += [audio if own else np.zeros_like(audio), gap]
            flags += [own] * round(len(audio) / SR * 25) + [False] * 15
    n = min(len(flags_a), len(flags_b))
    motions = [
        Motion("arkit55", np.full((n, 55), 0.2, np.float32), speaking=np.array(f[:n]), engine="lite")
        for f in (flags_a, flags_b)
    ]
    return np.concatenate(a), np.concatenate(b), motions


def test_a_spanish_script_given_as_english_is_told_its_language_once_and_not_aligned_as_english(
    monkeypatch, caplog
):
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    pytest.importorskip("pocketsphinx")
    mic_a, mic_b, (motion_a, motion_b) = _voices(SPANISH)
    aligned = []
    real = tr.place_lines
    monkeypatch.setattr(tr, "place_lines", lambda *a, **k: aligned.append(1) or real(*a, **k))
    script = [tr.Line(k + 1, who, text) for k, (who, text) in enumerate(SPANISH)]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        drawn_a, drawn_b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "does not look English" in warnings[0] and "--transcript-language es" in warnings[0]
    assert "A and B keep the engine's lips" in warnings[0]
    assert aligned == []  # the English aligner's passes over Spanish words are not spent
    for rep, drawn, motion in ((report["a"], drawn_a, motion_a), (report["b"], drawn_b, motion_b)):
        assert rep["aligned"] == 0 and "--transcript-language es" in rep["error"]
        assert np.array_equal(drawn.values, motion.values)
    assert "A could not be aligned" in tr.describe(report)


@pytest.mark.parametrize(
    "lines",
    [
        ["Ich fahre heute mit dem Fahrrad zur Arbeit.", "Genau, das ist eine gute Idee.",
         "Wir müssen noch etwas Brot kaufen, bevor wir nach Hause fahren."],
        ["Domani andiamo al mare con i bambini.", "Sì, certo, va bene.", "Il gatto dorme sul divano."],
        ["Morgen gaan we met de fiets naar het strand.", "Ja, dat is goed.", "De kat slaapt op de bank."],
    ],
    ids=["German", "Italian", "Dutch"],
)  # fmt: skip
def test_other_latin_script_languages_do_not_look_english(lines):
    why, flag = not_english(lines)
    assert why and flag.startswith("--transcript-language")


def test_an_english_script_full_of_names_and_jargon_still_looks_english():
    lines = [
        "Frodo and Gandalf met Aragorn at the Prancing Pony in Bree.",
        "The pocketsphinx aligner drew the visemes; the lipsync looked fine.",
        "Mm-hm. Yeah, right. Okay, gotcha.",
        "We'll render it tonight and send the FBX to Kowalski in the morning.",
    ]
    assert not_english(lines) == ("", "")
