"""A script typed in an editor for Arabic, Hebrew or Persian (review 32n, F1): the invisible
right-to-left marks it adds are neither part of a speaker's name nor of the words."""

from __future__ import annotations

from dualtalk.inference.phonetic import transcript as tr


def test_an_arabic_script_with_a_right_to_left_mark_before_each_tag_reads_as_a_and_b(tmp_path):
    """Before: ``error: ar_rlm.txt line 1: unknown speaker '\\u200fA' (expected A, B)``, rc 2: the user
    sees "A" and is told "A" is unknown."""
    path = tmp_path / "ar_rlm.txt"
    path.write_text(
        "\u200fA: أبي يشرب القهوة\u200f\n\u200fB: نعم\n\u200f\nأحمد\u200f: صحيح\n", encoding="utf-8"
    )
    lines = tr.read_transcript(path)
    assert [(x.speaker, x.text) for x in lines] == [("A", "أبي يشرب القهوة"), ("B", "نعم"), ("أحمد", "صحيح")]
    a, b = tr.lines_by_speaker(lines, ("أحمد", "فاطمة"))
    assert [x.number for x in a] == [1, 4] and [x.number for x in b] == [2]


def test_a_name_with_a_mark_matches_the_same_name_from_the_turns_file(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("فاطمة: طيب\n", encoding="utf-8")
    a, b = tr.lines_by_speaker(tr.read_transcript(path), ("\u200fأحمد", "\u2067فاطمة\u2069"))
    assert (len(a), len(b)) == (0, 1)
