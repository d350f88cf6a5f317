"""Turns files as Windows, macOS and old editors save them (review 33x, F1-F4, F9, F10): the same
turns as a plain UTF-8 file with LF line ends, or one line that says what to do."""

from __future__ import annotations

import unicodedata

import pytest
from dualtalk.inference.audio.turns import assign_speakers, read_turns
from dualtalk.inference.core.errors import DualTalkError

TURNS = {
    ".txt": "0.0\t1.5\tJosé\n1.5\t3.0\tMaría: hola\n3.2\t4.0\tJosé\n",
    ".rttm": "SPEAKER t 1 0.00 1.50 <NA> <NA> José <NA> <NA>\nSPEAKER t 1 1.50 1.50 <NA> <NA> María <NA> <NA>\n",
    ".srt": "1\n00:00:00,000 --> 00:00:01,500\nJosé: hola\n\n2\n00:00:01,500 --> 00:00:03,000\nMaría: ¿qué tal?\n",
    ".vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v José>hola\n\n00:00:01.500 --> 00:00:03.000\n<v María>¿y tú?\n",
}
SAVED = {
    "CRLF": lambda t: t.replace("\n", "\r\n").encode(),
    "classic Mac CR": lambda t: t.replace("\n", "\r").encode(),
    "UTF-8 BOM": lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode(),
    "Notepad Unicode (UTF-16 LE BOM)": lambda t: t.replace("\n", "\r\n").encode("utf-16"),
    "UTF-16 BE BOM": lambda t: b"\xfe\xff" + t.replace("\n", "\r\n").encode("utf-16-be"),
}


def _turns(path):
    return [(s.start, s.end, s.speaker, s.line) for s in read_turns(path)]


@pytest.mark.parametrize("saved", SAVED)
@pytest.mark.parametrize("suffix", TURNS)
def test_a_turns_file_from_any_editor_gives_the_same_turns(tmp_path, suffix, saved):
    plain, other = tmp_path / f"lf{suffix}", tmp_path / f"other{suffix}"
    plain.write_bytes(TURNS[suffix].encode())
    other.write_bytes(SAVED[saved](TURNS[suffix]))
    assert _turns(other) == _turns(plain)


def test_a_line_break_no_editor_shows_keeps_the_cue_and_its_line_numbers(tmp_path):
    """A NEL inside a cue's text split it, and every later cue was named one line off."""
    srt = tmp_path / "t.srt"
    srt.write_text(TURNS[".srt"].replace("hola", "hola\u0085adiós"), encoding="utf-8")
    assert [(s.speaker, s.line) for s in read_turns(srt)] == [("José", 2), ("María", 6)]


def test_windows_1252_turns_name_the_line_the_word_and_the_fix(tmp_path):
    path = tmp_path / "turns.srt"
    path.write_bytes(TURNS[".srt"].replace("\n", "\r\n").encode("cp1252"))
    with pytest.raises(DualTalkError) as err:
        read_turns(path)
    assert str(err.value) == (
        "turns.srt is not UTF-8 text (line 3, byte 0xE9: 'José:' if it was saved as Windows-1252 / "
        "Latin-1); save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
    )


def test_one_name_in_two_unicode_forms_is_one_speaker(tmp_path):
    """A line typed on macOS (or named from a macOS file name) holds "José" decomposed: it was a third
    speaker ("turns name 3 speakers (José, María, José)"), and --speaker-a missed it."""
    nfd = unicodedata.normalize("NFD", "José")
    path = tmp_path / "t.txt"
    path.write_text(f"0\t1\t{nfd}\n1\t2\tMaría\n2\t3\tJosé\n", encoding="utf-8")
    segments = read_turns(path)
    assert assign_speakers(segments) == ("José", "María")
    assert assign_speakers(segments, speaker_a="María") == ("María", "José")
    only_nfd = read_turns(_write(tmp_path / "u.txt", f"0\t1\t{nfd}\n1\t2\tMaría\n"))
    assert assign_speakers(only_nfd, speaker_a="José") == ("José", "María")
    korean = unicodedata.normalize("NFD", "민준")  # a macOS file name's Hangul: conjoining letters
    both = read_turns(_write(tmp_path / "k.txt", f"0\t1\t{korean}\n1\t2\t서연\n2\t3\t민준\n"))
    assert assign_speakers(both) == ("민준", "서연")


def test_speaker_a_typed_in_a_locale_that_is_not_utf8_is_found(tmp_path):
    """``LC_ALL=C PYTHONUTF8=0 ... --speaker-a María``: argv holds the bytes undecoded, and the run
    stopped with "--speaker-a 'Mar\\udcc3\\udcada' is not in the turns (speakers: José, María)"."""
    segments = read_turns(_write(tmp_path / "t.txt", "0\t1\tJosé\n1\t2\tMaría\n"))
    typed = "María".encode().decode("ascii", "surrogateescape")
    assert assign_speakers(segments, speaker_a=typed) == ("María", "José")


def test_seconds_with_a_decimal_comma_say_how_to_write_them(tmp_path):
    path = _write(tmp_path / "t.txt", "0\t1,5\tJosé\n")
    with pytest.raises(DualTalkError) as err:
        read_turns(path)
    assert (
        str(err.value)
        == "t.txt line 1: end time '1,5' is not a number; write seconds with a decimal point (1.5)"
    )


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_hand_typed_label_line_mixing_tabs_and_spaces_reads(tmp_path):
    path = _write(tmp_path / "labels.txt", "0.0\t1.5 José García\n1.5 3.0\tMaría\n")
    assert [(s.start, s.end, s.speaker) for s in read_turns(path)] == [
        (0.0, 1.5, "José García"),
        (1.5, 3.0, "María"),
    ]


LATER = {  # a second file's turns, a minute on
    ".txt": "60.0\t61.0\tJosé\n61.0\t62.0\tMaría\n",
    ".rttm": "SPEAKER t 1 60.00 1.00 <NA> <NA> José <NA> <NA>\nSPEAKER t 1 61.00 1.00 <NA> <NA> María <NA> <NA>\n",
    ".srt": "3\n00:01:00,000 --> 00:01:01,000\nJosé: sí\n\n4\n00:01:01,000 --> 00:01:02,000\nMaría: no\n",
    ".vtt": "WEBVTT\n\n00:01:00.000 --> 00:01:01.000\n<v José>sí\n\n00:01:01.000 --> 00:01:02.000\n<v María>no\n",
}


@pytest.mark.parametrize("suffix", TURNS)
def test_two_files_joined_keep_the_second_ones_turns(tmp_path, suffix):
    """``cat a.srt b.srt`` (Windows: ``copy a+b``) leaves the second file's byte-order mark, and a
    WebVTT its header, in the middle: "unknown RTTM record type '\\ufeffSPEAKER'"."""
    joined = tmp_path / f"joined{suffix}"
    joined.write_bytes(b"\xef\xbb\xbf" + TURNS[suffix].encode() + b"\n\xef\xbb\xbf" + LATER[suffix].encode())
    first = [(s.start, s.speaker) for s in read_turns(_write(tmp_path / f"a{suffix}", TURNS[suffix]))]
    assert [(s.start, s.speaker) for s in read_turns(joined)] == [*first, (60.0, "José"), (61.0, "María")]
