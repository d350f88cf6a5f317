"""Text files as every editor saves them (review 33x): one decoder for turns, transcripts, maps and
job files. A byte-order mark is certain and read; anything else must be UTF-8, said in one line."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.text_files import decode_text, text_lines, typed_text

TEXT = "A: José, ¿vienes?\r\nB: 王小明\r\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode(),
        b"\xef\xbb\xbf" + TEXT.encode(),  # Notepad's UTF-8, Excel's "CSV UTF-8"
        TEXT.encode("utf-16"),  # Notepad's "Unicode", PowerShell 5.1's ">" and Out-File
        b"\xfe\xff" + TEXT.encode("utf-16-be"),  # Notepad's "Unicode big endian"
        TEXT.encode("utf-32"),
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16 LE BOM", "utf-16 BE BOM", "utf-32 BOM"],
)
def test_a_file_whose_encoding_is_certain_reads_as_the_same_text(raw):
    assert decode_text(raw, "transcript t.txt") == TEXT


def test_utf16_without_a_mark_is_refused_with_the_fix():
    with pytest.raises(DualTalkError) as err:
        decode_text("A: hello there\nB: hi\n".encode("utf-16-le"), "transcript t.txt")
    assert str(err.value) == (
        "transcript t.txt is UTF-16 text without a byte-order mark; save it as UTF-8 (most editors: "
        "Save As, encoding UTF-8) and try again"
    )


def test_windows_1252_bytes_name_the_line_and_show_the_word():
    """An old editor's "José" was "transcript t.txt is not UTF-8 text": no line, no word, no way out."""
    raw = "# scene 1\r\nA: Hola, José.\r\n".encode("cp1252")
    with pytest.raises(DualTalkError) as err:
        decode_text(raw, "transcript t.txt")
    assert str(err.value) == (
        "transcript t.txt is not UTF-8 text (line 2, byte 0xE9: 'José.' if it was saved as Windows-1252 / "
        "Latin-1); save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
    )


def test_nul_bytes_anywhere_are_binary_with_their_line():
    raw = b"A: hi\n" * 1000 + b"B: there\x00\x00\n"  # past the first 4 KiB
    with pytest.raises(DualTalkError) as err:
        decode_text(raw, "job file j.json", "JSON text file")
    assert (
        str(err.value) == "job file j.json holds NUL bytes (line 1001), so it is binary, not a JSON text file"
    )


def test_only_cr_and_lf_end_lines():
    """Word's Shift+Enter (a vertical tab), a page break, U+2028 and NEL are inside a line in every
    editor; str.splitlines() broke there and every later line's number was off."""
    text = "A: one\x0btwo\r\n\x0c\nB: three\u2028four\rA: five\x85six\n"
    assert text_lines(text) == ["A: one two", " ", "B: three four", "A: five six"]
    assert text_lines("") == [] and text_lines("a\n\n") == ["a", ""]


def test_a_name_typed_in_a_locale_that_is_not_utf8_is_read_as_utf8():
    typed = "María".encode().decode("ascii", "surrogateescape")  # sys.argv under LC_ALL=C PYTHONUTF8=0
    assert typed != "María" and typed_text(typed) == "María"
    assert typed_text("José") == "José"
    latin1 = b"Jos\xe9".decode("ascii", "surrogateescape")  # bytes that are not UTF-8 stay as they were
    assert typed_text(latin1) == latin1


def test_a_copy_cut_inside_its_last_character_is_called_cut_short():
    raw = "A: hola\nB: adiós".encode()[:-2]  # "ó" is two bytes: the copy stopped between them
    with pytest.raises(DualTalkError) as err:
        decode_text(raw, "transcript t.txt")
    assert str(err.value) == (
        "transcript t.txt ends in the middle of a character (line 2): the file is cut short; copy it again"
    )
