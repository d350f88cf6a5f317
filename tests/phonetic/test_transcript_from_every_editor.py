"""Transcripts as Windows, macOS and old editors save them (review 33x, F1, F2, F4): the same lines
as a plain UTF-8 file, or one line naming the line and what to do."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic.transcript import lines_by_speaker, read_transcript

SCRIPT = "# scene 1\nA: José, ¿vienes?\n\nB: Sí, ya voy.\n"
LINES = [(2, "A", "José, ¿vienes?"), (4, "B", "Sí, ya voy.")]


def _lines(path):
    return [(line.number, line.speaker, line.text) for line in read_transcript(path)]


@pytest.mark.parametrize(
    "raw",
    [
        SCRIPT.replace("\n", "\r\n").encode("utf-16"),  # Notepad "Unicode", PowerShell 5.1's > / Out-File
        b"\xfe\xff" + SCRIPT.replace("\n", "\r\n").encode("utf-16-be"),
        b"\xef\xbb\xbf" + SCRIPT.replace("\n", "\r").encode(),
    ],
    ids=["utf-16 LE BOM", "utf-16 BE BOM", "utf-8 BOM, CR"],
)
def test_a_script_saved_by_windows_tools_reads_the_same_lines(tmp_path, raw):
    """UTF-16 scripts were refused: "transcript scene.txt is not UTF-8 text"."""
    path = tmp_path / "scene.txt"
    path.write_bytes(raw)
    assert _lines(path) == LINES


def test_a_line_broken_with_shift_enter_in_word_stays_one_line(tmp_path):
    """Word's Shift+Enter, pasted, is a vertical tab: the line was split and refused ("line 2: start
    the line with who says it") though every editor shows one line."""
    path = tmp_path / "scene.txt"
    path.write_text("A: Hello there\x0bhow are you?\nB: Fine.\n", encoding="utf-8")
    assert _lines(path) == [(1, "A", "Hello there how are you?"), (2, "B", "Fine.")]


def test_a_bad_line_after_a_page_break_is_named_by_its_own_number(tmp_path):
    path = tmp_path / "scene.txt"
    path.write_text("A: Hello\n\x0c\nB: Fine\u2028thanks.\nno speaker here\n", encoding="utf-8")
    with pytest.raises(DualTalkError, match=r"scene\.txt line 4: start the line with who says it"):
        read_transcript(path)


def test_an_old_editors_script_names_the_line_the_word_and_the_fix(tmp_path):
    path = tmp_path / "scene.txt"
    path.write_bytes(SCRIPT.replace("\n", "\r\n").encode("cp1252"))
    with pytest.raises(DualTalkError) as err:
        read_transcript(path)
    assert str(err.value) == (
        "transcript scene.txt is not UTF-8 text (line 2, byte 0xE9: 'José,' if it was saved as Windows-1252 / "
        "Latin-1); save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
    )


def test_a_recording_given_as_the_script_is_called_binary(tmp_path):
    path = tmp_path / "talk.txt"
    path.write_bytes(b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x80\xbb")
    with pytest.raises(DualTalkError) as err:
        read_transcript(path)
    assert str(err.value) == "transcript talk.txt holds NUL bytes (line 1), so it is binary, not a text file"


@pytest.mark.parametrize(
    "a, b",
    [("А", "Б"), ("Α", "Β"), ("甲", "乙")],
    ids=["Russian (Cyrillic)", "Greek", "Chinese dialogue"],
)
def test_a_and_b_as_other_alphabets_write_them_are_a_and_b(tmp_path, a, b):
    """A Russian transcript tags its speakers "А:" and "Б:", a Greek one "Α:" and "Β:", a Chinese dialogue
    "甲：" and "乙：": each was "unknown speaker 'А' (expected A, B)", the letters shown the same."""
    path = tmp_path / "scene.txt"
    path.write_text(f"{a}: Привет.\n{b}：Здравствуй.\n{a.lower()}: Пока.\n", encoding="utf-8")
    first, second = lines_by_speaker(read_transcript(path), ("A", "B"))
    assert [line.number for line in first] == [1, 3] and [line.number for line in second] == [2]


def test_a_letter_that_only_looks_latin_is_named(tmp_path):
    path = tmp_path / "scene.txt"
    path.write_text("A: Hello.\nВ: Hi.\n", encoding="utf-8")  # a Cyrillic Ve, drawn like a B
    with pytest.raises(DualTalkError) as err:
        lines_by_speaker(read_transcript(path), ("A", "B"))
    assert str(err.value) == (
        "transcript line 2: unknown speaker 'В' (the cyrillic capital letter ve, not a Latin letter) (expected A, B)"
    )
