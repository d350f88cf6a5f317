"""A's label starts early, inside B's last words ("...young man"), a second before A answers: the
flags see a turn of A's holding only B's words. Where the aligner drew A's first word back into it,
over B's voice and the pause, it is B's voice and the word goes with it. Where it did not, the words
cannot tell it from A's own "mm" under B's last words, so it stays as labelled and a line says so. An
"mm" that B talks on after, or that runs on past B's last word, is A's. The words and turns are the
ones the aligner gave on review rv42b's LibriVox take (session 43's measurements)."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.turn_edges import Placed
from dualtalk.inference.phonetic.turn_starts import early_starts

FPS = 25.0
JAW = ARKIT55.index("jawOpen")
B_WORDS = [("he", 8.09, 8.21), ("disposed", 9.36, 9.99), ("young", 9.99, 10.21), ("man", 10.21, 10.7)]
A_ANSWER = [("them", 6.91, 7.16), ("unless", 11.62, 11.94), ("to", 11.94, 12.05), ("be", 12.05, 12.21)]
A_DRAWN_BACK = [("them", 6.91, 7.16), ("unless", 10.25, 11.37), ("to", 11.84, 12.05), ("be", 12.05, 12.21)]


def _flags(*turns: tuple[float, float], total: float = 14.0) -> np.ndarray:
    t = (np.arange(int(total * FPS)) + 0.5) / FPS
    out = np.zeros(len(t), bool)
    for s, e in turns:
        out |= (t >= s) & (t < e)
    return out


EARLY = _flags((0.32, 7.2), (10.2, 10.76), (11.56, 12.3))  # A's label from 10.2 s; A's voice from 11.56 s


def test_an_early_label_where_the_aligner_drew_as_first_word_over_bs_voice_is_bs_voice(caplog):
    (edge,), kept = early_starts(EARLY, FPS, 0.0, A_DRAWN_BACK, B_WORDS)
    assert kept == [] and edge.side == "start" and edge.alone
    assert edge.span == pytest.approx((10.2, 11.37))  # the run and the drawn word, not A's voice
    assert edge.stray == ("unless", 10.25, 11.37) and edge.own[0] == "to" and edge.partner[0] == "man"
    # in the take: A's flags off and A's mouth at rest over B's "young man", A's answer as drawn
    values = np.full((len(EARLY), 55), 0.3, np.float32)
    source = {"form": "turns", "turns": "labels.txt"}
    a = Motion("arkit55", values, speaking=EARLY, engine="lite", meta={"source": source})
    b = Motion(
        "arkit55", values.copy(), speaking=_flags((8.0, 10.76)), engine="lite", meta={"source": source}
    )
    reports: tuple[dict, dict] = ({"unscripted": [[10.2, 10.76]]}, {})
    placed = (Placed(list(A_DRAWN_BACK)), Placed(list(B_WORDS)))
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        new_a, new_b = tr._bounded_turns((a, b), reports, placed, ("A", "B"), 0.0, None)
    t = (np.arange(len(EARLY)) + 0.5) / FPS
    over_b = (t >= 10.2) & (t < 10.76)
    assert not new_a.speaking[over_b].any() and np.all(new_a.values[over_b, JAW] == 0.0)
    assert new_a.speaking[(t >= 11.56) & (t < 12.3)].all() and np.all(new_a.values[t >= 12.0, JAW] == 0.3)
    assert new_b is b and reports[0]["turn_edges"] == [[10.2, 11.37]]
    (said,) = [r.getMessage() for r in caplog.records]
    assert said.startswith(
        "labels.txt: A's speech at 10.20-11.37 s holds none of A's scripted words, only B's last"
    )
    assert "('man' ends 10.70 s) before A's first ('to', 11.84 s): it is B's voice (A's 'unless'" in said
    # the speech the script lacks that the report named there was B's voice: no longer said to be A's
    tr._not_theirs(reports[0], FPS)
    assert "unscripted" not in reports[0]


def test_an_early_label_the_aligner_left_alone_stays_as_labelled_and_is_said():
    """It could be A's own "mm" said as B ends (measured: the aligner put A's first word where it is
    said, 11.62 s, with an espeak-ng "mm" ending with B's "man", labelled apart or with A's answer)."""
    edges, (run,) = early_starts(
        _flags((0.32, 7.2), (10.16, 10.76), (11.56, 12.3)), FPS, 0.0, A_ANSWER, B_WORDS
    )
    assert edges == [] and (run.start, run.end) == pytest.approx((10.16, 10.76))
    assert run.own[0] == "unless" and run.partner[0] == "man"


@pytest.mark.parametrize(
    ("why", "turns", "b_words", "refused"),
    [
        ("an mm under B's line, B's 'man' after it", ((9.64, 10.16),), B_WORDS, ()),
        ("an mm running on 0.5 s past B's last word", ((10.44, 11.2),), B_WORDS, ()),
        ("a refused line of A's where the run is", ((10.2, 10.76),), B_WORDS, ((10.0, 11.0),)),
        ("the label only meets B's voice's tail", ((10.64, 10.76),), B_WORDS, ()),
    ],
)
def test_as_own_sound_under_bs_last_words_is_left_alone(why, turns, b_words, refused):
    flags = _flags((0.32, 7.2), *turns, (11.56, 12.3))
    assert early_starts(flags, FPS, 0.0, A_DRAWN_BACK, b_words, refused) == ([], []), why


def test_a_label_starting_early_before_a_short_pause_where_as_first_word_was_drawn_across_it():
    """The voices 0.3 s apart, A's label 1.0 s early: one turn of A's from 9.2 s, B's "young man", a
    pause, then A. The aligner drew 'unless' (said at 10.22 s) from 9.34 s, so B's words ended inside
    A's first word, taken before for both speaking at once (jaw 0.33 over B's words). If B goes on
    after the pause, both do speak there: left as it was."""
    a_words = [("them", 6.91, 7.09), ("unless", 9.34, 10.54), ("to", 10.54, 10.65), ("be", 10.65, 10.81)]
    b_words = [("disposed", 8.66, 9.29), ("young", 9.29, 9.51), ("man", 9.51, 9.97)]
    flags = _flags((0.48, 7.12), (9.2, 10.0), (10.16, 12.3))
    (edge,), kept = early_starts(flags, FPS, 0.0, a_words, b_words)
    assert kept == [] and edge.side == "start" and edge.alone and edge.span == pytest.approx((9.2, 10.16))
    assert edge.stray == a_words[1] and edge.own[0] == "to" and edge.partner[0] == "man"
    assert early_starts(flags, FPS, 0.0, a_words, [*b_words, ("and", 10.2, 11.0)]) == ([], [])


def test_speech_the_script_lacks_is_said_less_what_the_turn_edges_found_the_partners():
    """Review rv42b's take with A's label over B's whole line: the run was reported as A's speech the
    script lacks (8.2-10.9 s) and, a line later, as B's voice."""
    report = {"unscripted": [[8.2, 10.9]], "turn_edges": [[8.2, 10.88]]}
    tr._not_theirs(report, FPS)
    assert "unscripted" not in report
    report = {"unscripted": [[1.0, 2.5], [7.5, 10.9]], "turn_edges": [[8.2, 10.88]]}
    tr._not_theirs(report, FPS)
    assert report["unscripted"] == [[1.0, 2.5], [7.5, 8.2]]
