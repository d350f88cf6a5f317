"""A Japanese script saved by Notepad before 2019 or Excel (Shift_JIS), a Chinese one saved by
Chinese Windows (GBK) (review rv38a F6): refused as before, but the line is quoted as the user wrote
it and the encoding named, not shown as Windows-1252 mojibake ('‚¨‚Í‚æ‚¤')."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.text_files import decode_text

JAPANESE = "A: おはようございます。今日はいい天気ですね。\r\nB: そうですね、散歩しましょう。\r\n"
CHINESE = "A: 你好，今天天气很好。\nB: 是的，我们去散步吧。\n"
FIX = "save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"


def _refusal(raw: bytes, label: str = "transcript t.txt") -> str:
    with pytest.raises(DualTalkError) as err:
        decode_text(raw, label)
    return str(err.value)


def test_a_shift_jis_script_is_quoted_in_japanese_and_named():
    said = _refusal(JAPANESE.encode("cp932"))
    assert said == (
        "transcript t.txt is not UTF-8 text (line 1 looks saved as Shift_JIS: "
        f"'A: おはようございます。今日はいい天気ですね。'); {FIX}"
    )


def test_a_gbk_script_is_quoted_in_chinese_and_named():
    said = _refusal(CHINESE.encode("gbk"))
    assert (
        said
        == f"transcript t.txt is not UTF-8 text (line 1 looks saved as GBK: 'A: 你好，今天天气很好。'); {FIX}"
    )


def test_a_shift_jis_turns_file_names_its_speaker_as_written():
    raw = "# 会話\n0.30\t3.88\t花子\n4.10\t7.02\t太郎\n".encode("shift_jis")
    said = _refusal(raw, "turns t.txt")
    assert said.startswith("turns t.txt is not UTF-8 text (line 1 looks saved as Shift_JIS: '# 会話')")


def test_a_long_line_is_quoted_in_part():
    said = _refusal(("A: " + "ありがとう" * 20 + "\n").encode("cp932"))
    assert "'A: " + ("ありがとう" * 6)[:27] + "...'" in said


@pytest.mark.parametrize(
    "text",
    ["A: Hola, José Ñúñez.\r\n", "B: ¿Vamos mañana?\n", "A: Ça va, très bien.\n", "A: Grüße aus Köln\n"],
    ids=["Ñúñez (valid GBK bytes)", "¿ first", "French", "German"],
)
def test_windows_1252_text_is_still_shown_as_windows_1252(text):
    said = _refusal(text.encode("cp1252"))
    assert "if it was saved as Windows-1252 / Latin-1" in said and "looks saved as" not in said


@pytest.mark.parametrize(
    "script",
    [
        "A: Ça va?\nB: Oui, ça va.\n",
        "A: Bonjour, ça va?\nB: Oui, ça va bien, merci. Et toi?\nA: Très bien.\n",
    ],
)
def test_a_french_windows_1252_script_is_not_called_chinese_or_japanese(script):
    """ "ça" in Windows-1252 reads in GBK as one Han character ("莂 va"), in Shift_JIS as another
    ("軋 va"): the French user was shown Chinese (review rv38h 2). No kana, no CJK punctuation, no
    word of two such characters: Windows-1252, as before the East Asian reading."""
    said = _refusal(script.encode("cp1252"))
    assert "if it was saved as Windows-1252 / Latin-1" in said and "looks saved as" not in said, said
    assert "'Ça'" in said or "'ça'" in said
