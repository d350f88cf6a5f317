"""A Japanese studio's script names its speakers by the characters (``花子: ...``), as scripts do
(review rv38a F8). Before, ``animate --char-a 花子 --char-b "José Ñúñez"`` refused it: "unknown
speaker '花子' (expected A, B)"; only a turns file's names were taken. The characters' names now
tag their lines, as A and B do."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic.transcript import Line, lines_by_speaker, texts_by_speaker

SCRIPT = [
    Line(1, "花子", "おはようございます。"),
    Line(2, "José Ñúñez", "Buenos días."),
    Line(3, "花子", "今日はいい天気ですね。"),
    Line(4, "B", "Sí, muy bonito."),
]
CHARACTERS = ("花子", "José Ñúñez")


def test_lines_named_by_the_characters_go_to_the_characters_that_play_a_and_b():
    a, b = lines_by_speaker(SCRIPT, ("A", "B"), "台本.txt", CHARACTERS)
    assert [line.number for line in a] == [1, 3]
    assert [line.number for line in b] == [2, 4]


def test_a_name_typed_in_another_case_or_width_is_the_same_character():
    script = [Line(1, "ＪＯＳÉ ñúñez", "Hola."), Line(2, "花子", "はい。")]
    a, b = texts_by_speaker(script, ("A", "B"), "台本.txt", CHARACTERS)
    assert (a, b) == ("はい。", "Hola.")


def test_without_the_characters_names_such_a_line_is_still_an_unknown_speaker():
    with pytest.raises(DualTalkError) as err:
        lines_by_speaker(SCRIPT, ("A", "B"), "台本.txt")
    assert str(err.value) == "台本.txt line 1: unknown speaker '花子' (expected A, B)"


def test_another_name_is_refused_listing_the_characters_names_too():
    script = [*SCRIPT, Line(5, "太郎", "こんにちは。")]
    with pytest.raises(DualTalkError) as err:
        lines_by_speaker(script, ("A", "B"), "台本.txt", CHARACTERS)
    assert str(err.value) == "台本.txt line 5: unknown speaker '太郎' (expected A, B, 花子, José Ñúñez)"


def test_a_character_named_b_playing_a_leaves_b_as_b():
    script = [Line(1, "A", "one"), Line(2, "B", "two")]
    a, b = lines_by_speaker(script, ("A", "B"), "t.txt", ("B", "Ann"))
    assert ([line.text for line in a], [line.text for line in b]) == (["one"], ["two"])


def test_a_turns_file_s_names_still_win_and_an_unset_character_is_no_tag():
    script = [Line(1, "Ann", "hi"), Line(2, "Bob", "hello")]
    a, b = lines_by_speaker(script, ("Ann", "Bob"), "t.txt", ("Bob", None))
    assert ([line.text for line in a], [line.text for line in b]) == (["hi"], ["hello"])
