"""A Russian or Hindi character's English line with a Spanish loanword or names, and short lines of
romanised Hindi.

One Latin line among a character's Cyrillic or Devanagari lines is read in the language its letters
and words name. A single ñ or ã was enough: "Thanks, señora, see you mañana." was read in a Spanish
voice and "I met Señor López at the café in São Paulo." in a Portuguese one, and the command line said
so, though every other word is English. A line whose words are mostly English, one of them among
English's commonest, now stays English; Spanish, French and German lines are still named.

Romanised Hindi under a Hindi character keeps the engine's lips, as no voice reads it as said. A line
passed as English when fewer than three of its words were unknown to the English dictionary, which
knows main, kal, ja and hoon: the module's own example "Main kal office ja raha hoon." was drawn with
English sounds. The commonest romanised Hindi words now count for Hindi; English lines still pass."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic import line_language


@pytest.mark.parametrize(
    "line",
    [
        "Thanks, señora, see you mañana.",
        "I met Señor López at the café in São Paulo.",
        "We flew from São Paulo to Bogotá.",
        "Bon appétit, everyone!",
    ],
)
@pytest.mark.parametrize("language", ["ru", "hi"])
def test_an_english_line_with_a_loanword_or_names_stays_english(line, language):
    assert line_language.reading(line, language).code == "en"


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Evet, ama akşam işe gitmem lazım.", "tr"),
        ("¿Dónde está la estación?", "es"),
        ("Gracias, señora.", "es"),
        ("El perro blanco bebe agua de la fuente.", "es"),
        ("Très bien, merci beaucoup!", "fr"),
        ("Ja, natürlich, das ist schön.", "de"),
    ],
)
def test_a_line_in_another_language_is_still_named(line, code):
    assert line_language.reading(line, "ru").code == code


@pytest.mark.parametrize(
    "line",
    [
        "Main kal office ja raha hoon.",
        "Main theek hoon.",
        "Tum kahan ja rahe ho?",
        "Kya haal hai?",
        "Chalo, ghar chalte hain.",
    ],
)
def test_short_romanised_hindi_is_not_drawn_as_english(line):
    assert "Devanagari" in line_language.unread(line, "hi")


@pytest.mark.parametrize(
    "line",
    ["Okay, see you tomorrow then.", "Main Street is closed today.", "I am going home now.", "Is it okay?"],
)
def test_english_lines_of_a_hindi_character_still_pass(line):
    assert line_language.unread(line, "hi") == ""
