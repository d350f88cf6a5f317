"""A Hindi character whose whole script is in Latin letters: short English lines, and short romanised
Hindi.

A script mostly in Latin letters under Hindi was judged by which language its letters and commonest
words lean to, and refused as romanised Hindi unless that was clearly English. Short English lines lean
nowhere: "Sure, sounds good." with "Let me check my calendar first." was refused ("write Hindi in
Devanagari"), as were 21 of 28 everyday one-line scripts ("Hi!", "Thanks a lot.") and 15 of 101 longer
English sentences, though the Hindi voice reads English as it is. A line among Devanagari ones was
already told apart by counting its words (romanised Hindi's commonest words and those the English
dictionary lacks); the whole script is now counted the same way. Two such words in a three-word line
are enough ("Meeting kab hai?", "Mujhe chai chahiye." were drawn with English sounds)."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic import line_language
from dualtalk.inference.phonetic.script_languages import wrong_language


@pytest.mark.parametrize(
    "lines",
    [
        ["Sure, sounds good.", "Let me check my calendar first."],
        ["Hi!", "Yes.", "No way."],
        ["Thanks a lot.", "See you soon."],
        ["OK", "Bye"],
        ["My phone battery never lasts a full day anymore."],
        ["Please remind me to call my father later."],
        ["Sorry, I'm late.", "Don't worry about it."],
    ],
)
def test_an_english_script_of_a_hindi_character_is_read_as_english(lines):
    assert wrong_language(lines, "hi") == ("", "")


@pytest.mark.parametrize(
    ("lines", "count"),
    [
        (["Main theek hoon.", "Tum kahan ja rahe ho?"], "8 of their 8 words"),
        (["Meeting kab hai?"], "2 of their 3 words"),
        (["Mujhe chai chahiye.", "Chinta mat karo."], "4 of their 6 words"),
        (["Haan bhai, sab theek hai.", "Accha, phir milte hain."], "9 of their 9 words"),
    ],
)
def test_a_script_in_romanised_hindi_is_asked_for_in_devanagari(lines, count):
    why, looks = wrong_language(lines, "hi")
    assert why == (
        f"its lines are in Latin letters that are not English ({count}), which the Hindi voice reads "
        "as English: write Hindi in Devanagari (romanised Hindi cannot be read as said)"
    )
    assert looks == ""


@pytest.mark.parametrize("line", ["Meeting kab hai?", "Mujhe chai chahiye.", "Chinta mat karo."])
def test_a_short_romanised_hindi_line_among_devanagari_ones_is_not_drawn_as_english(line):
    assert "write Hindi in Devanagari" in line_language.unread(line, "hi")


@pytest.mark.parametrize(
    "line",
    ["Main course is ready.", "Oh no, not again.", "Hum a tune.", "Come on!", "Not bad.", "Cheers, mate."],
)
def test_short_english_lines_that_share_a_word_with_hindi_still_pass(line):
    assert line_language.unread(line, "hi") == ""
    assert wrong_language([line], "hi") == ("", "")
