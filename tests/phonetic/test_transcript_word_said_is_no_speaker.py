"""An animator pastes subtitle text into the transcript: between A's and B's lines one reads
"Look: I was at work." The run refused it as "unknown speaker 'Look' (expected A, B)", as if Look
were a third person to add. The word is said, in the six languages of the subtitle rule
(``turns.said_before_colon``): the refusal now says so and how to tag the line. A character really
named so (Mira) still gets her lines, and another unknown tag is refused as before."""

from __future__ import annotations

import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.phonetic.transcript import read_transcript, texts_by_speaker


def _read(tmp_path, text: str, names: tuple[str, str] = ("Ann", "Bob")) -> tuple[str, str]:
    path = tmp_path / "script.txt"
    path.write_text(text, encoding="utf-8")
    return texts_by_speaker(read_transcript(path), names, "script.txt")


@pytest.mark.parametrize("word", ["Look", "Listen", "Mira", "Hör mal", "Écoute", "Senti", "Olha"])
def test_a_line_opened_by_a_word_said_is_refused_as_one(tmp_path, word):
    with pytest.raises(DualTalkError) as refused:
        _read(tmp_path, f"A: Where were you?\nB: Out.\n{word}: I was at work.\n")
    line = str(refused.value)
    assert line.startswith(
        f"script.txt line 3: '{word}:' is a word said, not who says it"
    )  # was: unknown speaker
    assert f"'A: {word}: ...'" in line


def test_a_character_named_mira_keeps_her_lines(tmp_path):
    assert _read(tmp_path, "Mira: Where were you?\nTom: Out.\n", ("Mira", "Tom")) == (
        "Where were you?",
        "Out.",
    )


def test_another_unknown_tag_is_refused_as_before(tmp_path):
    with pytest.raises(DualTalkError, match=r"line 3: unknown speaker 'C' \(expected A, B, Ann, Bob\)"):
        _read(tmp_path, "A: Where were you?\nB: Out.\nC: I was at work.\n")
