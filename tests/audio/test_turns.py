"""Who speaks when, from the turns files editors and diarizers write; broken files name the line."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.turns import (
    Segment,
    assign_speakers,
    format_turns,
    parse_turns_text,
    read_turns,
    sniff_format,
)
from dualtalk.inference.core.errors import DualTalkError

RTTM = """;; produced by a diarizer
SPKR-INFO take 1 <NA> <NA> <NA> unknown spk_0 <NA> <NA>
SPEAKER take 1 0.50 2.25 <NA> <NA> spk_0 <NA> <NA>
SPEAKER take 1 3.00 1.00 <NA> <NA> spk_1 <NA> <NA>

SPEAKER take 1 4.50 0.75 <NA> <NA> spk_0 <NA> <NA>
"""

AUDACITY = "0.500000\t2.750000\tMaya: so where were we\n\\\t200.0\t3400.0\n3.000000\t4.000000\tTom\n4.5\t5.25\tMaya\n"

SRT = """1
00:00:00,500 --> 00:00:02,750
MAYA: So where were we?

2
00:00:03,000 --> 00:00:04,000
[Tom] The bridge.
It was the bridge.

3
00:00:04,500 --> 00:00:05,250
- MAYA: Right.
"""

VTT = """WEBVTT
Kind: captions

NOTE written by hand

intro
00:00.500 --> 00:02.750 align:start
<v Maya>So where were we?</v>

00:00:03.000 --> 00:00:04.000
<v.loud Tom>The bridge.

00:04.500 --> 00:05.250
Maya: Right.
"""


@pytest.mark.parametrize(
    ("text", "fmt", "names"),
    [(RTTM, "rttm", ("spk_0", "spk_1")), (AUDACITY, "audacity", ("Maya", "Tom")), (SRT, "srt", ("MAYA", "Tom")),
     (VTT, "vtt", ("Maya", "Tom"))],
)  # fmt: skip
def test_every_format_gives_the_same_three_turns(text, fmt, names):
    assert sniff_format(text) == fmt
    segs = parse_turns_text(text)
    assert [(s.start, s.end) for s in segs] == pytest.approx([(0.5, 2.75), (3.0, 4.0), (4.5, 5.25)])
    assert [s.speaker for s in segs] == [names[0], names[1], names[0]]
    assert assign_speakers(segs) == names


def test_segments_remember_their_line():
    segs = parse_turns_text(RTTM)
    assert [s.line for s in segs] == [3, 4, 6]
    segs = parse_turns_text(SRT)
    assert [s.line for s in segs] == [2, 6, 11]


def test_extension_wins_over_sniffing(tmp_path):
    p = tmp_path / "cues.srt"
    p.write_text(SRT, encoding="utf-8")
    assert len(read_turns(p)) == 3
    p2 = tmp_path / "labels.txt"
    p2.write_text(AUDACITY, encoding="utf-8")
    assert [s.speaker for s in read_turns(p2)] == ["Maya", "Tom", "Maya"]


def test_bom_and_windows_line_endings(tmp_path):
    p = tmp_path / "win.vtt"
    p.write_bytes(("\ufeff" + VTT.replace("\n", "\r\n")).encode("utf-8"))
    assert [s.speaker for s in read_turns(p)] == ["Maya", "Tom", "Maya"]


def test_speaker_a_picks_who_is_a_and_first_to_speak_is_default():
    segs = parse_turns_text(AUDACITY)
    assert assign_speakers(segs) == ("Maya", "Tom")
    assert assign_speakers(segs, "Tom") == ("Tom", "Maya")
    assert assign_speakers(segs, "tom") == ("Tom", "Maya")
    with pytest.raises(DualTalkError, match="'Zoe' is not in the turns.*Maya, Tom"):
        assign_speakers(segs, "Zoe")


def test_first_appearance_is_by_time_not_by_line():
    segs = parse_turns_text("5\t6\tLate\n1\t2\tEarly\n")
    assert assign_speakers(segs) == ("Early", "Late")


def test_one_speaker_means_b_only_listens():
    assert assign_speakers(parse_turns_text("0\t1\tSolo\n")) == ("Solo", None)


def test_three_speakers_are_refused_by_name():
    text = "0\t1\tAna\n1\t2\tBen\n2\t3\tCy\n"
    with pytest.raises(DualTalkError, match=r"3 speakers \(Ana, Ben, Cy\)"):
        assign_speakers(parse_turns_text(text))


@pytest.mark.parametrize(
    ("text", "name", "match"),
    [
        ("SPEAKER take 1 0.5 x <NA> <NA> a <NA> <NA>\n", "t.rttm", r"t.rttm line 1: duration 'x' is not a number"),
        ("SPEAKER take 1 0.5 1\n", "t.rttm", r"line 1: RTTM SPEAKER line needs at least 8 fields"),
        (";; ok\nSPEAKER take 1 0.5 -1 <NA> <NA> a <NA> <NA>\n", "t.rttm", r"line 2: duration -1 s must be positive"),
        ("SPEAKER t 1 0 1 <NA> <NA> a <NA> <NA>\nFOO bar\n", "t.rttm", r"line 2: unknown RTTM record type 'FOO'"),
        ("0\t1\tA\n2\t1.5\tB\n", "l.txt", r"l.txt line 2: end time 1.5 s is not after start time 2 s"),
        ("0\t1\tA\n1\tB\n", "l.txt", r"line 2: expected 'start<TAB>end<TAB>speaker'"),
        ("0\t1\t   \n", "l.txt", r"line 1: no speaker name"),
        ("-1\t1\tA\n", "l.txt", r"line 1: start time -1 s is negative"),
        ("0\t1\tA\n2.5\t2.5\tB\n", "l.txt", r"line 2: point label at 2.5 s; a turn needs a region label"),
        ("1\n00:00:01,000 -> 00:00:02,000\nA: hi\n", "s.srt", r"s.srt line 1: expected a timing line"),
        ("1\n00:00:01,000 --> 00:00:0x,000\nA: hi\n", "s.srt", r"line 2: bad timing line"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhello there\n", "s.srt",
         r"line 2: cue has no speaker tag; start its text with 'NAME: ', '\[NAME\] ' or '\(NAME\) ' \(or full-width 'NAME：', '【NAME】'\)$"),
        ("1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\n00:61:00,000 --> 00:62:00,000\nB: x\n", "s.srt",
         r"line 6: minutes and seconds must be below 60"),
        ("00:01.000 --> 00:02.000\n<v A>hi\n", "v.vtt", r"v.vtt line 1: a WebVTT file must start with 'WEBVTT'"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>hi\n\n00:03.000 --> 00:04.000\nno tag\n", "v.vtt",
         r"line 6: cue has no speaker tag; start its text with '<v NAME>', 'NAME: ', '\[NAME\] ' or '\(NAME\) ' \(or full-width 'NAME：', '【NAME】'\)$"),
        ("", "l.txt", r"no speaker turns found"),
    ],
)  # fmt: skip
def test_broken_turns_name_the_line(text, name, match):
    with pytest.raises(DualTalkError, match=match) as exc:
        parse_turns_text(text, name=name)
    assert "\n" not in str(exc.value)


def test_unreadable_turns_files(tmp_path):
    with pytest.raises(DualTalkError, match="turns file not found"):
        read_turns(tmp_path / "missing.rttm")
    empty = tmp_path / "empty.rttm"
    empty.write_bytes(b"")
    with pytest.raises(DualTalkError, match="empty"):
        read_turns(empty)
    binary = tmp_path / "audio.srt"
    binary.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    with pytest.raises(DualTalkError, match="binary, not a text turns file"):
        read_turns(binary)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("0\t1\tAna\n1\t2\tJos\xe9\n".encode("latin-1"))
    with pytest.raises(DualTalkError, match=r"not UTF-8 text \(line 2, "):
        read_turns(latin)


@pytest.mark.parametrize("fmt", ["rttm", "audacity", "srt", "vtt"])
def test_written_turns_read_back_to_the_millisecond(fmt):
    segs = [Segment(0.0, 1.234, "Ana"), Segment(1.5, 3.0, "Ben"), Segment(3601.25, 3602.5, "Ana")]
    back = parse_turns_text(format_turns(segs, fmt), fmt)
    assert [(s.speaker, round(s.start, 3), round(s.end, 3)) for s in back] == [
        (s.speaker, s.start, s.end) for s in segs
    ]


def test_srt_times_without_milliseconds_are_read():
    segs = parse_turns_text("1\n00:00:01 --> 00:00:02\nAna: hi\n", name="s.srt")
    assert [(s.start, s.end) for s in segs] == [(1.0, 2.0)]
