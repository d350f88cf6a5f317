"""Turns files as right-to-left and Japanese/Chinese subtitle editors write them (review 32n, F1/F2)."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.turns import assign_speakers, parse_turns_text, read_turns

RLM = "\u200f"


def test_an_arabic_srt_marked_by_an_rtl_editor_names_two_speakers_not_four(tmp_path):
    """Subtitle Edit's "fix RTL" puts an invisible RIGHT-TO-LEFT MARK before some cues' names: each
    name came back twice ("turns name 4 speakers (‏أحمد, فاطمة, أحمد, ‏فاطمة)") and the take stopped."""
    cues = [("أحمد", "مرحبا"), ("فاطمة", "أهلا"), ("أحمد", "كيف حالك"), ("فاطمة", "بخير")]
    text = "".join(
        f"{k}\n00:00:0{2 * k},000 --> 00:00:0{2 * k + 1},500\n{RLM if k % 2 else ''}{who}: {words}\n\n"
        for k, (who, words) in enumerate(cues, 1)
    )
    path = tmp_path / "حوار.srt"
    path.write_text(text, encoding="utf-8")
    segments = read_turns(path)
    assert [s.speaker for s in segments] == ["أحمد", "فاطمة", "أحمد", "فاطمة"]
    assert assign_speakers(segments) == ("أحمد", "فاطمة")
    assert assign_speakers(segments, speaker_a=f"{RLM}فاطمة\u200e") == ("فاطمة", "أحمد")


@pytest.mark.parametrize(
    "text",
    [
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v \u200fأحمد>مرحبا\n\n00:03.000 --> 00:04.000\n<v أحمد\u061c>أهلا\n",
        "SPEAKER t 1 1.0 1.0 <NA> <NA> \ufeffأحمد <NA> <NA>\nSPEAKER t 1 3.0 1.0 <NA> <NA> أحمد\u2069 <NA> <NA>\n",
        "1.0\t2.0\t\u202bأحمد\u202c: مرحبا\n3.0\t4.0\tأحمد\n",
    ],
    ids=["vtt voice tag", "rttm", "audacity"],
)
def test_bidi_marks_are_not_part_of_a_name_in_any_turns_format(text):
    assert {s.speaker for s in parse_turns_text(text)} == {"أحمد"}


def test_a_persian_name_keeps_its_zero_width_non_joiner():
    """The joiner inside a name is spelling (Persian, Indic); only the invisible marks around it go."""
    text = "1.0\t2.0\t\u200fعبد\u200cالله\u200f\n3.0\t4.0\tعبد\u200cالله\n"
    assert {s.speaker for s in parse_turns_text(text, "audacity")} == {"عبد\u200cالله"}


def test_a_japanese_srt_with_the_full_width_colon_or_brackets_names_its_speakers():
    """A Japanese keyboard types ``太郎：``; subtitles also write 【太郎】, ［花子］ or （太郎）. The script
    reader took ``：`` but the turns reader refused the same cues ("cue has no speaker tag")."""
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\n太郎：こんにちは\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n【花子】はい、こんにちは\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\n（太郎）元気？\n\n"
        "4\n00:00:07,000 --> 00:00:08,000\n［花子］ええ\n\n"
        "5\n00:00:09,000 --> 00:00:10,000\n小明 ： 时间：三点\n"
    )
    segments = parse_turns_text(text, "srt", "会話.srt")
    assert [s.speaker for s in segments] == ["太郎", "花子", "太郎", "花子", "小明"]
