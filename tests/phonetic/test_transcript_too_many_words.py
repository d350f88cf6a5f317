"""A TD hands a 10 s shot the whole film's script (every line tagged A: or B:). Before, the aligners
spent minutes and gigabytes on it and then said it did not align. Now a character whose lines hold
far more words than their speech can say keeps the engine's lips at once, with one warning that asks
whether it is this recording's script, and the aligners never see those lines; the other character's
right lines are still drawn."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import align, script_warp
from dualtalk.inference.phonetic import transcript as tr

FPS = 25
SR = 16000
FILM = "We will need the boats by Monday, and the crew must be ready before the tide turns. " * 200


def _motion(seconds: float, speaking: slice) -> Motion:
    n = int(seconds * FPS)
    flags = np.zeros(n, bool)
    flags[speaking] = True
    return Motion(values=np.zeros((n, len(ARKIT55)), np.float32), space="arkit55", fps=FPS, speaking=flags)


def test_a_whole_films_lines_keep_the_engine_lips_and_never_reach_the_aligner(monkeypatch, caplog):
    motion = _motion(10.0, slice(25, 200))  # 7 s of speech
    audio = np.zeros(SR * 10, np.float32)

    def never(*args, **kwargs):
        raise AssertionError("the aligner was given a film's script")

    monkeypatch.setattr(tr, "place_lines", never)
    monkeypatch.setattr(align, "normalise_words", never)  # not even spelled out
    drawn, report = tr.draw_lips(motion, audio, [tr.Line(1, "A", FILM)], "A")
    assert np.array_equal(drawn.values, motion.values)  # the engine's lips
    assert report["aligned"] == 0
    assert report["error"].startswith("its lines hold 3,400 words (")
    assert "for 7.0 s of speech" in report["error"] and "is it this recording's script?" in report["error"]
    assert "keeps the engine's lips" in caplog.text


def test_the_warp_never_reads_a_films_lines_for_either_character(monkeypatch):
    """Spanish (espeak-ng's warp): B's film-length lines are refused, and A's right line is placed
    without weighing it against B's 3,400 words."""
    seen: list[tuple[list[str], list[str]]] = []

    def place(audio, texts, speaking, fps, at, language, others, partner, progress=None, languages=()):
        seen.append((list(texts), list(others)))
        raise tr.DualTalkError("stand-in aligner: nothing placed")

    monkeypatch.setattr(script_warp, "place_lines", place)
    a, b = _motion(10.0, slice(25, 100)), _motion(10.0, slice(125, 200))
    streams = np.zeros(SR * 10, np.float32)
    lines = [tr.Line(1, "A", "Necesitamos los barcos el lunes."), tr.Line(2, "B", FILM)]
    _, _, report = tr.apply_transcript(lines, ("A", "B"), streams, streams, a, b, language="es")
    assert seen == [(["Necesitamos los barcos el lunes."], [])]  # B's lines reached no aligner
    assert report["b"]["error"].startswith("its lines hold 3,400 words")


@pytest.mark.parametrize(
    ("text", "seconds", "refused"),
    [
        ("Maybe my brother will buy a bigger boat.", 2.0, False),
        (" ".join(["word"] * 60), 2.0, False),  # 60 words in 2 s of flags: 10 a second and the spare
        (" ".join(["word"] * 61), 2.0, True),
        ("你好" * 150, 2.0, False),  # 300 characters, no spaces: within 60 a second and the spare
        ("你好" * 300, 2.0, True),
        (FILM, None, False),  # a part's flags only: the whole recording's speech is not known
    ],
)
def test_what_counts_as_too_many_words(text, seconds, refused):
    assert (tr.too_many_words(text, seconds) is not None) is refused


def test_a_part_without_the_whole_recordings_flags_is_not_weighed():
    part = _motion(4.0, slice(0, 100))
    recording = np.zeros(SR * 60, np.float32)
    assert tr.speech_seconds(part, recording, offset=20.0) is None
    whole = np.zeros(60 * FPS, bool)
    whole[: 40 * FPS] = True
    assert tr.speech_seconds(part, recording, offset=20.0, whole_speaking=whole) == 40.0
    assert tr.speech_seconds(_motion(60.0, slice(0, 250)), recording) == 10.0


def test_each_characters_lines_are_weighed_once_per_take(monkeypatch):
    """``apply_transcript`` weighs each character's words against their speech to keep a film's script
    out of the partner's warp, and tells ``draw_lips`` what it found: weighed once, not again there
    (session 29's closing note: the same count made twice per character). The refusal is the same."""
    weighed: list[str] = []
    real = tr.too_many_words

    def counted(text, seconds):
        weighed.append(text[:12])
        return real(text, seconds)

    def nothing_placed(*args, **kwargs):
        raise tr.DualTalkError("stand-in aligner: nothing placed")

    monkeypatch.setattr(tr, "too_many_words", counted)
    monkeypatch.setattr(tr, "place_lines", nothing_placed)
    a, b = _motion(10.0, slice(25, 100)), _motion(10.0, slice(125, 200))
    streams = np.zeros(SR * 10, np.float32)
    lines = [tr.Line(1, "A", "We need the boats."), tr.Line(2, "B", FILM)]
    _, _, report = tr.apply_transcript(lines, ("A", "B"), streams, streams, a, b)
    assert weighed == ["We need the ", FILM[:12]]  # before: each twice
    assert report["b"]["error"].startswith("its lines hold 3,400 words")
    assert report["a"]["error"] == "stand-in aligner: nothing placed"
