"""A writer types prices the way they are printed ("$5.99", "£2.5m", "99¢"). The reader says the
unit too, so the words handed to the English aligner must hold it: before, "$5" reached the aligner
as "five" and the "dollars" the reader said had no word to land on (found by reading41 while
checking script_read.tsv)."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.align import normalise_transcript


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("It costs $5.", "it costs five dollars"),
        ("Only $5.99 today", "only five dollars ninety nine today"),
        ("$1 each", "one dollar each"),
        ("I got $0.50 back", "i got fifty cents back"),
        ("a £2.5m deal", "a two point five million pounds deal"),
        ("€1,200 rent", "one thousand two hundred euros rent"),
        ("about $3bn", "about three billion dollars"),
        ("the 99¢ store", "the ninety nine cents store"),
        ("¥500 a bowl", "five hundred yen a bowl"),
        ("$5-$10 a head", "five to ten dollars a head"),
    ],
)
def test_a_price_is_said_with_its_unit(written, said):
    assert normalise_transcript(written) == said


def test_numbers_and_signs_that_are_not_prices_read_as_before():
    assert (
        normalise_transcript("In 1999 I paid 20 dollars") == "in nineteen ninety nine i paid twenty dollars"
    )
    assert normalise_transcript("the $ sign") == "the sign"
    # a plural amount is left to the number rule, as before: no stray "s" for the aligner (review rv41e F2)
    assert normalise_transcript("$100s of them") == "hundreds of them"
