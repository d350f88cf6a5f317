"""Which turn edges the script's words move, and which they leave as labelled: a turn holding none of
the character's words (an unscripted mm-hm under the partner), speech after the last word but before
the partner's (an ad-lib), a refused line at the turn's end, the partner's "yeah" under the character's
words, and a take from two microphones, where each voice is heard apart."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.turn_edges import MARGIN_S, Placed, loose_edges, outside, speech_cut

FPS = 25.0


def _flags(*turns: tuple[float, float], total: float = 12.0) -> np.ndarray:
    t = (np.arange(int(total * FPS)) + 0.5) / FPS
    out = np.zeros(len(t), bool)
    for s, e in turns:
        out |= (t >= s) & (t < e)
    return out


A_WORDS = [("then", 4.0, 4.3), ("we", 4.3, 4.5), ("go", 4.5, 7.0)]
B_WORDS = [("okay", 7.15, 7.5), ("fine", 7.6, 9.0)]


def test_a_turn_running_into_the_partners_words_ends_where_they_start():
    (edge,) = loose_edges(_flags((4.0, 7.4)), FPS, 0.0, A_WORDS, B_WORDS)
    assert edge.side == "end" and edge.was == 7.4
    assert edge.moved == max(7.0 + MARGIN_S, 7.15 - MARGIN_S)
    assert edge.own[0] == "go" and edge.partner[0] == "okay"


def test_a_turn_starting_inside_the_partners_words_starts_with_its_own():
    (edge,) = loose_edges(_flags((6.72, 9.0)), FPS, 0.0, B_WORDS, A_WORDS)
    assert edge.side == "start" and edge.was == 6.72
    assert edge.moved == min(7.15 - MARGIN_S, 7.0 + MARGIN_S)


def test_speech_the_script_lacks_before_the_partners_words_is_kept():
    """A says something unscripted after its last word; B's words start 0.5 s later: only from there."""
    (edge,) = loose_edges(_flags((4.0, 8.0)), FPS, 0.0, A_WORDS, [("okay", 7.5, 8.0)])
    assert edge.moved == 7.5 - MARGIN_S


def test_a_turn_with_no_word_of_its_own_stays_as_labelled():
    """B's unscripted mm-hm under A's words: B's turn holds no word of B's."""
    assert loose_edges(_flags((5.0, 5.4)), FPS, 0.0, B_WORDS, A_WORDS) == []


def test_a_refused_line_at_the_turns_end_keeps_the_edge():
    """A's last line was said but did not fit the script (refused): its speech is A's, whatever B says."""
    assert loose_edges(_flags((4.0, 7.4)), FPS, 0.0, A_WORDS[:2], B_WORDS, kept=[(4.5, np.inf)]) == []


def test_the_partners_yeah_under_the_characters_words_moves_nothing():
    a_words = [("i", 1.0, 2.0), ("can", 2.0, 3.0), ("help", 3.0, 4.0)]
    assert loose_edges(_flags((1.0, 4.05)), FPS, 0.0, a_words, [("yeah", 2.2, 2.6)]) == []


def test_the_mouth_is_shut_over_the_moved_speech_and_untouched_in_the_words():
    (edge,) = loose_edges(_flags((4.0, 7.4)), FPS, 0.0, A_WORDS, B_WORDS)
    n = int(12 * FPS)
    t = (np.arange(n) + 0.5) / FPS
    kept = outside([edge], n, FPS, 0.0)
    assert np.all(kept[t < 7.0 + MARGIN_S] == 1.0)  # A's own words as drawn
    assert np.all(kept[(t >= edge.moved) & (t < 7.4)] == 0.0)
    assert np.all(kept[t > 7.4 + 0.3] == 1.0)
    cut = speech_cut([edge], n, FPS, 0.0)
    assert np.array_equal(cut, (t >= edge.moved) & (t < 7.4))


def _motion(flags: np.ndarray, form: str) -> Motion:
    values = np.full((len(flags), 55), 0.3, np.float32)
    return Motion(
        "arkit55", values, speaking=flags, engine="lite", meta={"source": {"form": form, "turns": "t.txt"}}
    )


def test_two_microphones_keep_every_turn_as_heard():
    """Each mic hears its own voice: what A's flags say past A's words is A (an overlap), not a label."""
    a, b = _motion(_flags((4.0, 7.4)), "stereo"), _motion(_flags((7.15, 9.0)), "stereo")
    placed = (Placed(list(A_WORDS)), Placed(list(B_WORDS)))
    out = tr._bounded_turns((a, b), ({}, {}), placed, ("A", "B"), 0.0, None)
    assert out[0] is a and out[1] is b


def test_one_mix_split_by_turns_moves_the_edge_in_flags_report_and_mouth():
    a, b = _motion(_flags((4.0, 7.4)), "turns"), _motion(_flags((7.15, 9.0)), "turns")
    reports: tuple[dict, dict] = ({}, {})
    placed = (Placed(list(A_WORDS)), Placed(list(B_WORDS)))
    new_a, new_b = tr._bounded_turns((a, b), reports, placed, ("Ann", "Bob"), 0.0, None)
    assert new_b is b
    t = (np.arange(a.num_frames) + 0.5) / FPS
    assert not new_a.speaking[(t >= 7.15) & (t < 7.4)].any() and new_a.speaking[(t >= 4.0) & (t < 7.0)].all()
    assert reports[0]["turn_edges"] == [[7.09, 7.4]] and new_a.meta["transcript"] is reports[0]
    # the mouth drawn at rest there, the rest of the face as it was
    shut = (t >= 7.1) & (t < 7.4)
    assert np.all(new_a.values[shut, ARKIT55.index("jawOpen")] == 0.0)
    assert np.all(
        new_a.values[shut, ARKIT55.index("browInnerUp")] == a.values[shut, ARKIT55.index("browInnerUp")]
    )


B_AFTER_A_PAUSE = [("okay", 8.0, 8.35), ("fine", 8.45, 9.0), ("sure", 9.6, 10.0)]  # B a second after A


def test_a_labels_spill_past_a_pause_is_the_partners_voice_however_long_the_pause():
    """A's label runs 0.4 s into B's line, which starts a second after A's last word: the flags see the
    spill as a turn of its own, holding only B's words (review rv42b F1). It is B's; so is the rest of
    B's line where A's label covers all of it, across B's own pause."""
    (edge,) = loose_edges(_flags((4.0, 7.05), (8.0, 8.4)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE)
    assert edge.alone and edge.side == "end"
    assert edge.span == pytest.approx((8.0, 8.4))
    assert edge.own[0] == "go" and edge.partner[0] == "okay"
    whole = loose_edges(_flags((4.0, 7.05), (8.0, 9.0), (9.6, 10.0)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE)
    assert [e.span for e in whole] == [pytest.approx((8.0, 9.0)), pytest.approx((9.6, 10.0))]
    # A's last word drawn by the aligner into the spill, over B's words, where A's voice gave out: it goes too
    a_words = [*A_WORDS, ("unless", 8.1, 9.3)]
    (edge,) = loose_edges(_flags((4.0, 7.05), (8.0, 8.4)), FPS, 0.0, a_words, B_AFTER_A_PAUSE)
    assert edge.alone and edge.stray == ("unless", 8.1, 9.3) and edge.span == pytest.approx((8.0, 9.3))
    # speech of A's own before B's first word (a laugh, an ad-lib the script lacks) stays A's
    (edge,) = loose_edges(_flags((4.0, 7.05), (7.6, 8.4)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE)
    assert not edge.alone and edge.span == pytest.approx((8.0 - MARGIN_S, 8.4))


def test_a_turn_without_words_after_the_partner_has_spoken_or_past_their_words_stays_as_labelled():
    """A's own label for an unscripted mm-hm under B's line: B's "okay" in the pause before it says A's
    label had ended. A's turn running on past B's words: the rest is A's speech the script lacks."""
    assert loose_edges(_flags((4.0, 7.05), (8.5, 8.9)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE) == []
    assert loose_edges(_flags((4.0, 7.05), (8.0, 9.4)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE[:2]) == []
    # a refused line of A's after its last drawn word may be what A says there
    assert (
        loose_edges(_flags((4.0, 7.05), (8.0, 8.4)), FPS, 0.0, A_WORDS, B_AFTER_A_PAUSE, kept=[(7.5, 8.2)])
        == []
    )
