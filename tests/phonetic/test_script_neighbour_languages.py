"""A script given a language beside the panel's, in the same letters, that espeak-ng reads in its
own voice: a Russian script set to Ukrainian or Bulgarian, a Hindi one (in Devanagari) set to Urdu.
Such scripts were drawn with no check (review rv39h F7: as Ukrainian rounding 0.917 -> 0.821, as
Bulgarian closure 100 % -> 89 %, Hindi as Urdu F/V 1.000 -> 0.845). Now the letters decide: Russian's
ы э ё (and its everyday words the neighbour says otherwise) name Russian, Devanagari names Hindi."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.script_languages import LOOKS_SAID, wrong_language

RUSSIAN = ["Привет, Маша! Ты идёшь со мной на рынок?", "Пожалуйста, позвони мне вечером, ладно?"]
UKRAINIAN = ["Привіт, Марічко! Ти підеш зі мною на ринок?", "Будь ласка, зателефонуй мені ввечері, добре?"]
BULGARIAN = ["Здравей, Мария! Ще дойдеш ли с мен на пазара?", "Благодаря, много ми е приятно, довиждане."]
HINDI = ["नमस्ते माया, क्या तुम मेरे साथ बाज़ार चलोगी?", "मम्मी ने बहुत अच्छा खाना बनाया है।"]
URDU = ["السلام علیکم، کیا آپ میرے ساتھ بازار چلیں گی؟", "امی نے بہت اچھا کھانا بنایا ہے۔"]


@pytest.mark.parametrize(
    ("language", "name"), [("uk", "Ukrainian"), ("Ukrainian", "Ukrainian"), ("bg", "Bulgarian")]
)
def test_russian_given_as_a_neighbour_is_named_russian(language, name):
    why, looks = wrong_language(RUSSIAN, language)
    assert why.startswith(f"{LOOKS_SAID} Russian (ы, ё, ")
    assert why.endswith(
        f"which {name} does not use), not {name}; give --transcript-language ru (panel: Script Language)"
    )
    assert looks == "ru"


def test_hindi_in_devanagari_given_as_urdu_is_named_hindi():
    why, looks = wrong_language(HINDI, "ur")
    assert why == (
        "its lines are in Devanagari, as Hindi is written, not in Urdu's Arabic letters; "
        "give --transcript-language hi (panel: Script Language)"
    )
    assert looks == "hi"


@pytest.mark.parametrize(
    ("lines", "language"),
    [(UKRAINIAN, "uk"), (BULGARIAN, "bg"), (URDU, "ur"), (RUSSIAN, "ru"), (HINDI, "hi"), (UKRAINIAN, "bg")],
    ids=["Ukrainian", "Bulgarian", "Urdu", "Russian", "Hindi", "Ukrainian as Bulgarian (no Russian sign)"],
)
def test_each_language_in_its_own_letters_passes(lines, language):
    assert wrong_language(lines, language) == ("", "")


def test_one_russian_sign_is_too_thin_to_refuse():
    assert wrong_language(["Мама купила большую белую булку и молоко."], "uk") == ("", "")
