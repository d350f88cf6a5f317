"""Why a script was refused travels as a record (kind, sentence, the share covered), not as a
sentence the refusal reads its numbers back out of: the words a person reads stay the same."""

import numpy as np
import pytest
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.align import Alignment

WORDS = [(w, 0.2 * i, 0.2 * i + 0.2) for i, w in enumerate("one two three four five six".split())]
LINES = [tr.Line(1, "a", "one two three"), tr.Line(2, "a", "four five six")]


def _speaking():
    """Dana speaks 0-1.2 s of a 2 s take (25 fps): the six words exactly."""
    speaking = np.zeros(50, bool)
    speaking[:30] = True
    return speaking


def _placed(n_words=6):
    """Both lines placed, their first ``n_words`` words in the voice."""
    found = Alignment([], WORDS[:n_words], scores=[(0.0, 0.2 * n_words, -12.0)])
    return tr.Placement(found, {0: (0, min(3, n_words)), 1: (min(3, n_words), n_words)}, {})


def test_a_script_holding_a_third_of_what_she_says_is_refused_with_its_share_as_a_number():
    """Dana's script holds two of her six words: the record says the coverage failed, how much
    they cover, and the sentence a person reads is the one they read before."""
    found = Alignment([], WORDS[:2], scores=[(0.0, 0.4, -12.0)])
    problem = tr.misfit(found, _speaking(), 25.0)
    assert problem is not None and problem.kind == "cover" and problem.lacks_lines
    assert problem.cover == pytest.approx(1 / 3)
    assert problem.sentence == (
        "its words cover 33% of the time the character speaks (needs 80%): the script lacks lines they say?"
    )
    assert tr.fit_problem(found, _speaking(), 25.0) == problem.sentence


@pytest.mark.parametrize(
    ("found", "speaking", "kind"),
    [
        (Alignment([], WORDS, scores=[(0.0, 1.2, -60.0)]), _speaking(), "fit"),
        (
            Alignment([], WORDS, guessed=["one", "two", "three"], scores=[(0.8, 1.2, -12.0)]),
            _speaking(),
            "phones",
        ),
    ],
)
def test_a_script_refused_for_anything_but_coverage_carries_no_share(found, speaking, kind):
    """Another text, or words the phone pass could not time: no share to tell, no lines guessed lacking."""
    problem = tr.misfit(found, speaking, 25.0)
    assert problem is not None and problem.kind == kind
    assert problem.cover is None and not problem.lacks_lines


def test_the_refusal_tells_the_share_the_record_carries():
    """The refusal a person reads ("they cover N% ...") takes the share from the record, as a
    number, the same words the sentence-reading refusal wrote."""
    problem = tr.Misfit("cover", "its words cover 42% (any wording)" + tr.LACKS_LINES, 0.42)
    why = tr._not_aligned(_placed(4), LINES, "en", 6, problem, [])
    assert why == (
        "4 of 6 words placed, but they cover 42% of the time the character speaks (needs 80%)"
        ": the script lacks lines they say?"
    )


def test_words_placed_but_none_on_her_speech_say_so_rather_than_a_bare_zero():
    """Every word placed in the voice, none where she speaks: not "they cover 0%", but where."""
    problem = tr.Misfit("cover", "its words cover 0%", 0.001)
    why = tr._not_aligned(_placed(), LINES, "en", 6, problem, [(0.5, 1.0)])
    assert why == (
        "all 6 words placed, but none where the character speaks (they cover 0% of it, needs 80%)"
        ": no word is placed on their speech at 0.5-1.0 s (one placed apart from its line?)"
    )


def test_too_many_lines_refused_is_a_record_too_and_reads_as_before():
    """Most of Dana's lines do not fit and the text as a whole has no other fault: the refusal
    counts the lines, with no share and no guess that the script lacks lines."""
    problem = tr.Misfit("lines", "2 of its 2 lines do not fit the voice: another text?")
    placement = tr.Placement(_placed().found, {0: (0, 3), 1: (3, 6)}, {0: "x", 1: "y"})
    why = tr._not_aligned(placement, LINES, "en", 6, problem, [(0.5, 1.0)])
    assert why == "all 6 words placed, but 2 of its 2 lines do not fit the voice: another text?"
