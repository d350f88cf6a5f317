"""The who-speaks-when score behind ``eval diarize``, on hand-made turns with known answers.

A researcher compares diarizers for two animated characters: the score must be 0 for the truth,
must not care which character a diarizer calls first, must leave a third person's frames out (only
two faces are animated), must say how late an interrupter's mouth opens, and, for one voice alone, how
much of its speech a diarizer gave the second character.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.training.evaluation.diarize_score import (
    Reference,
    hypothesis,
    one_voice,
    pool,
    pool_one_voice,
    reference,
    score,
)

FPS = 25


def frames(*spans: tuple[float, float], n: int = 250) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    for s, e in spans:
        out[round(s * FPS) : round(e * FPS)] = True
    return out


# Alice talks 0-4 s and 6-9 s, Bob cuts in at 3 s and talks to 6 s, with a 0.4 s "yeah" at 7 s
TURNS = [(0.0, 4.0, "alice"), (3.0, 6.0, "bob"), (6.0, 9.0, "alice"), (7.0, 7.4, "bob")]


def test_the_truth_scores_zero_on_every_measure():
    ref = reference(TURNS, 250)
    first, second = hypothesis(((s, e, "S1" if w == "alice" else "S2") for s, e, w in TURNS), 250)
    m = pool([score(ref, first, second)])
    assert m["der"] == 0.0 and m["overlap_error"] == 0.0 and m["false_both"] == 0.0
    assert m["overlap_both_open"] == 1.0
    assert (m["short_found"], m["short_turns"]) == (1, 1)  # Bob's "yeah"
    assert m["short_attribution_error"] == 0.0
    # Bob cutting in at 3 s and the "yeah" at 7 s both open under Alice's words
    assert (m["onset_found_0_5s"], m["interruptions"], m["onset_median_s"]) == (2, 2, 0.0)


def test_which_character_a_diarizer_calls_first_does_not_matter():
    ref = reference(TURNS, 250)
    swapped = hypothesis(((s, e, "S2" if w == "alice" else "S1") for s, e, w in TURNS), 250)
    row = score(ref, *swapped)
    assert row["mapping"] == "swapped"
    assert pool([row])["der"] == 0.0


def test_a_third_persons_frames_are_not_scored():
    """Carol talks 9-10 s over Alice's last second and nobody's turn covers her: no miss there."""
    ref = reference([*TURNS, (8.0, 10.0, "carol")], 250)
    assert ref.unscored.sum() == 50
    first, second = hypothesis(((s, e, "S1" if w == "alice" else "S2") for s, e, w in TURNS), 250)
    assert pool([score(ref, first, second)])["der"] == 0.0
    # an answer that says Carol's frames are Alice's is not charged for them either
    first |= frames((9.0, 10.0))
    assert pool([score(ref, first, second)])["der"] == 0.0


def test_the_two_most_talkative_people_are_the_two_characters():
    ref = reference([(0.0, 1.0, "x"), (1.0, 5.0, "y"), (5.0, 8.0, "z")], 250)
    assert ref.a.sum() == 100 and ref.b.sum() == 75 and ref.unscored.sum() == 25


def test_an_interrupter_found_late_reports_the_delay():
    ref = Reference(frames((0.0, 4.0)), frames((3.0, 6.0)), frames())
    late = frames((3.6, 6.0))  # Bob's mouth opens 0.6 s after his voice
    m = pool([score(ref, frames((0.0, 4.0)), late)])
    assert m["interruptions"] == 1 and m["onset_median_s"] == pytest.approx(0.6)
    assert m["onset_found_0_5s"] == 0  # not within 0.5 s
    missed = pool([score(ref, frames((0.0, 6.0)), frames())])
    assert missed["onset_median_s"] is None and missed["onset_found_0_5s"] == 0


def test_one_voice_for_both_is_charged_on_the_overlap_and_both_where_one_speaks_is_a_false_alarm():
    ref = Reference(frames((0.0, 4.0)), frames((3.0, 6.0)), frames())
    one_each = pool([score(ref, frames((0.0, 3.0)), frames((3.0, 6.0)))])
    assert one_each["overlap_error"] == pytest.approx(0.5)  # 25 of 50 speaker-frames missed
    assert one_each["der"] == pytest.approx(25 / 175, abs=1e-4)
    both_everywhere = pool([score(ref, frames((0.0, 6.0)), frames((0.0, 6.0)))])
    assert both_everywhere["false_both"] == 1.0 and both_everywhere["overlap_error"] == 0.0
    assert both_everywhere["der"] == pytest.approx(125 / 175, abs=1e-4)


def test_a_short_turn_is_found_when_its_character_speaks_over_half_of_it():
    ref = Reference(frames((0.0, 6.0)), frames((2.0, 2.8)), frames())
    given = pool([score(ref, frames((0.0, 6.0)), frames((2.0, 2.6)))])
    assert (given["short_found"], given["short_turns"]) == (1, 1)
    assert given["short_attribution_error"] == pytest.approx(0.25)
    lost = pool([score(ref, frames((0.0, 6.0)), frames((2.0, 2.3)))])
    assert lost["short_found"] == 0


def test_recordings_are_pooled_frame_by_frame_not_averaged():
    ref = Reference(frames((0.0, 1.0)), frames((1.0, 2.0)), frames())
    perfect = score(ref, frames((0.0, 1.0)), frames((1.0, 2.0)))
    long_ref = Reference(frames((0.0, 8.0)), frames(), frames())
    half = score(long_ref, frames((0.0, 4.0)), frames())
    assert pool([perfect, half])["der"] == pytest.approx(100 / 250, abs=1e-4)


def test_one_voice_alone_counts_what_the_second_character_mouths_whichever_it_is():
    """A reader alone, 0-9 s: one diarizer gives 2 s of it to the second character (either one),
    another gives all of it to one character; the share and the recordings kept whole pool over both."""
    split = one_voice(frames((0.0, 7.0)), frames((7.0, 9.0)))
    swapped = one_voice(frames((7.0, 9.0)), frames((0.0, 7.0)))
    assert split == swapped == {"speech": 225, "second": 50}
    whole = one_voice(frames((0.0, 9.0)), frames())
    m = pool_one_voice([split, whole])
    assert m == {
        "recordings": 2,
        "second_share": round(50 / 450, 4),
        "worst_second_share": round(50 / 225, 4),
        "kept_whole": 1,
    }
    # 5 % to the second character is still whole; more is not
    assert pool_one_voice([one_voice(frames((0.0, 9.5)), frames((9.5, 10.0)))])["kept_whole"] == 1
    assert pool_one_voice([one_voice(frames((0.0, 9.0)), frames((9.0, 9.8)))])["kept_whole"] == 0
