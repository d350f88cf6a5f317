"""An animator gives one mic's take, the script and a turns file drawn exactly on the voices. B cuts in
with "Yeah, yeah." 0.7 s before A has finished: a real overlap, labelled as one. With A's voice mixed
into B's stream there the aligner places B's first "yeah" half a second after B's voice begins, while
A's aligned words run on past it. Before, the turn edges (session 41) read the stretch before that word
as A's speech: B's mouth was shut and its speaking flags off over its own "Yeah" (review rv41d F4: jaw
0.31 -> 0.0, speaking frames 11 -> 0 of 11), and a warning said the correct label was wrong. Now a turn
start where both characters' aligned words meet is kept as labelled; a label that starts early, before
the partner's words have ended, still waits for the character's first word."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic.turn_edges import MARGIN_S, loose_edges
from one_mic_takes import FPS, LINES
from test_transcript_turn_past_own_words import JAW, Scene, _frames

INTERRUPTION = ("B", "Yeah, yeah. Okay Bob, that sounds fine.", -0.7)  # 0.7 s before A's line ends


def _flags(start: float, end: float, total: float = 12.0) -> np.ndarray:
    t = (np.arange(int(total * FPS)) + 0.5) / FPS
    return (t >= start) & (t < end)


A_WORDS = [("if", 8.07, 8.22), ("the", 8.22, 9.09)]  # as aligned on A's stream in the overlap


def test_a_start_where_the_partners_words_run_past_the_characters_first_word_is_kept():
    """B's label starts on B's voice (8.36 s); B's "yeah" is aligned at 8.89 s, A's "the" to 9.09 s."""
    b_words = [("yeah", 8.89, 9.04), ("yeah", 9.04, 9.18), ("okay", 9.5, 9.83)]
    assert loose_edges(_flags(8.36, 11.64), FPS, 0.0, b_words, A_WORDS) == []


def test_a_start_before_the_partners_last_word_has_ended_still_waits():
    """B's label starts 0.4 s early; A's "stops" ends before B's "okay" begins: the label was loose."""
    a_words = [("rain", 8.33, 8.56), ("stops", 8.56, 9.08)]
    b_words = [("okay", 9.13, 9.47), ("bob", 9.47, 10.0)]
    (edge,) = loose_edges(_flags(8.76, 11.28), FPS, 0.0, b_words, a_words)
    assert edge.side == "start" and edge.moved == pytest.approx(9.13 - MARGIN_S)


@pytest.fixture(scope="module")
def interruption(tmp_path_factory):
    pytest.importorskip("pocketsphinx")
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    return Scene(tmp_path_factory.mktemp("interruption"), (*LINES[:3], INTERRUPTION))


def test_b_mouths_its_own_yeah_over_the_end_of_as_line(interruption, caplog):
    _, _, a_ends = interruption.voices[2]
    _, b_starts, _ = interruption.voices[3]
    assert a_ends - b_starts == pytest.approx(0.7, abs=0.02)
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        take = interruption.take(interruption.labels("tight"), "tight")
    b = take.motion_b
    first = _frames(b, b_starts, b_starts + 0.45)
    assert b.values[first, JAW].max() >= 0.15  # before: 0.0
    assert b.speaking[first].all()  # before: 0 of 11 frames
    assert "turn_edges" not in take.transcript["b"]
    assert not any("turn starting" in r.getMessage() for r in caplog.records)


def test_after_an_interruption_kept_as_labelled_the_next_late_labels_spill_is_still_bounded():
    """B's interrupting turn stays as labelled; B's next label runs 0.4 s into A's reply a second later."""
    b_words = [("yeah", 8.89, 9.04), ("yeah", 9.04, 9.18), ("okay", 9.5, 9.83)]
    a_words = [*A_WORDS, ("sure", 10.84, 11.2), ("then", 11.2, 11.8)]
    flags = _flags(8.36, 9.88) | _flags(10.8, 11.2)
    (edge,) = loose_edges(flags, FPS, 0.0, b_words, a_words)
    assert edge.alone and edge.span == pytest.approx((10.8, 11.2)) and edge.own[0] == "okay"
