"""A take's transcript report reaches the status line from a file anyone can edit (a take folder's
``result.json``). The words said about it (``transcript.brief``/``describe``/``unaligned``, the
add-on's ``transcript_warnings``/``recognition_warnings``) are computed from a report of any shape
without a Python error: one of another shape is said to be unreadable, or says nothing, and a real
report (as ``apply_transcript`` writes it, or as older takes kept it: only ``words`` and ``aligned``)
reads as before.

Before (review 29a, finding 11): ``unaligned("see notes.txt")`` was ``TypeError: string indices must
be integers``, raised in Apply Saved Take after both characters were keyed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from dualtalk.dualtalk_blender.addon import take_keying
from dualtalk.inference.phonetic import transcript as tr

WRONG = [
    "see notes.txt",
    7,
    [1, 2],
    {"a": 1},
    True,
    -1e300,
    [[]],
    {"audio": 5},
    {"a": {"words": "6"}, "b": {"words": 0}},
    {"a": {"words": 6, "aligned": 6, "unscripted": [[1.0]]}, "b": {"words": 0}},
    {"a": {"words": 6, "aligned": 6, "lines_refused": [{"line": 2}]}, "b": {"words": 0}},
    {"a": {"words": 6, "error": ["x"]}, "b": {"words": 0}},
    {"a": {"words": 6, "aligned": 6}, "b": {"words": 0}, "script": 5},
]
OLD = {"a": {"words": 6, "aligned": 6, "lines": 1}, "b": {"words": 5, "aligned": 5, "lines": 1}}
PANEL = SimpleNamespace(transcript_language="en")


@pytest.mark.parametrize("report", WRONG, ids=[repr(r)[:30] for r in WRONG])
def test_a_report_of_another_shape_is_said_unreadable_never_a_type_error(report):
    assert tr.brief(report) == "the transcript's report cannot be read"
    assert tr.describe(report).startswith("lips: the take's transcript report cannot be read (it ")
    assert tr.unaligned(report) is None
    result = {"transcript": report, "recognise": True}
    assert take_keying.transcript_warnings(result, PANEL) == []
    assert take_keying.recognition_warnings(result) == []
    assert tr.report_problem(report)


def test_the_reason_names_the_field_and_what_it_holds():
    assert tr.report_problem("see notes.txt") == (
        "must be an object with A's and B's reports, got 'see notes.txt'"
    )
    assert tr.report_problem({"a": 1}) == "A's report must be an object, got 1"
    assert tr.report_problem({"a": {"words": 0}}) == "B's report must be an object, it has none"
    assert tr.report_problem({"a": {"words": 3}, "b": {"words": 0}}) == "A's aligned is missing"


def test_a_report_as_older_takes_kept_it_reads_as_before():
    assert tr.brief(OLD) == "lips from the transcript (A 6/6 words, B 5/5 words)"
    assert tr.describe(OLD) == (
        "lips from the transcript: A 6 of 6 words aligned, 0.0 s drawn; B 5 of 5 words aligned, 0.0 s drawn"
    )
    assert tr.unaligned(OLD) is None
    assert tr.report_problem(OLD) is None


def test_a_character_who_could_not_be_aligned_is_still_warned_of():
    report = {
        "a": {"words": 4, "aligned": 0, "unknown": [], "seconds": 0.0, "error": "2 of 4 words placed"},
        "b": {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0},
        "script": "A: one two three four\n",
    }
    said = take_keying.transcript_warnings({"transcript": report}, PANEL)
    assert said == [
        "A's recognised words keep the engine's lips, not aligned to the voice (A: 2 of 4 words placed)"
    ]
