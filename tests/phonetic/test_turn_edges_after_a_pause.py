"""An animator labels a one-mic take by hand and gives the script; B answers a second after A's last
word, as real speakers often do, and A's label ends 0.4 s late, inside B's "Okay". Before, the turn
edges (session 41) caught such a label only when B answered within half a second: after a longer pause
the spill was a turn of its own with no word of A's, kept as A's unscripted speech, and A mouthed B's
first words (review rv42b F1: jaw 0.36 on real speech at a 1 s pause). Now a turn holding none of the
character's words is the partner's when it begins with the partner's first words since the character's
own and lies within them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from dualtalk.inference.audio.tts import available_engines
from one_mic_takes import FPS, LATE_S, LINES
from test_transcript_turn_past_own_words import JAW, Scene, _frames

ANSWER_AFTER_A_PAUSE = ("B", "Okay Bob, that sounds fine.", 1.0)  # a second after A's "...rain stops."


@pytest.fixture(scope="module")
def paused(tmp_path_factory):
    pytest.importorskip("pocketsphinx")
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    return Scene(tmp_path_factory.mktemp("pause"), (("A", LINES[2][1], 0.3), ANSWER_AFTER_A_PAUSE))


def _labels_into_the_answer(take: Scene) -> Path:
    """Labels on the voices but A's last, which ends :data:`LATE_S` into B's answer (Audacity's rows)."""
    rows = [(who, start, end) for who, start, end in take.voices]
    rows[0] = (rows[0][0], rows[0][1], rows[1][1] + LATE_S)
    path = take.folder / "late.txt"
    path.write_text("".join(f"{start:.2f}\t{end:.2f}\t{who}\n" for who, start, end in rows), encoding="utf-8")
    return path


def test_a_late_label_a_second_before_the_answer_leaves_a_silent_over_bs_okay(paused, caplog):
    (_, _, a_ends), (_, b_starts, _) = paused.voices
    assert b_starts - a_ends == pytest.approx(1.0, abs=0.01)
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        take = paused.take(_labels_into_the_answer(paused), "late")
    a, b = take.motion_a, take.motion_b
    over_okay = _frames(a, b_starts, b_starts + LATE_S + 0.2)
    assert not a.speaking[over_okay].any()  # before: A spoke in its label's last 0.4 s
    assert a.values[over_okay, JAW].max() <= 0.02  # ... and mouthed B's "Okay"
    assert b.values[_frames(b, b_starts, b_starts + 0.3), JAW].max() >= 0.15  # B says it
    assert a.values[_frames(a, a_ends - 0.6, a_ends), JAW].max() >= 0.15  # A's "rain stops" as drawn
    (moved,) = take.transcript["a"]["turn_edges"]
    assert moved == [pytest.approx(b_starts, abs=0.1), pytest.approx(b_starts + LATE_S, abs=2 / FPS)]
    (said,) = [r.getMessage() for r in caplog.records if "holds none of A's scripted words" in r.getMessage()]
    assert said.startswith("late.txt: A's speech at") and "only B's ('okay'" in said and "'stops'" in said
