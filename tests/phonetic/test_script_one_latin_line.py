"""A Russian, Korean or Hindi character who says one line in another language, written in Latin letters.

espeak-ng's Russian, Arabic, Hindi and Korean voices read Latin letters as English. A character whose
lines are mostly Latin is judged as a whole before drawing (test_script_latin_lines_in_other_scripts.py),
but one Turkish line among a Russian character's lines ("Evet, ama akşam işe gitmem lazım.") was read as
English with no word said, and so was a Hindi character's one line typed in romanised Hindi. An animator
expects the line said in the language it is written in: it is now read in that language's voice where its
letters and words name one, else as English (what the voice always did), and the command line says once
which line was read in which language. Romanised Hindi, which no voice reads as said, keeps the engine's
lips for that line alone, asked for in Devanagari."""

from __future__ import annotations

import logging

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import line_language, script_warp
from dualtalk.inference.phonetic import transcript as tr
from script_takes import espeak_mic

RUSSIAN = ["Привет, Маша! Ты идёшь со мной на рынок?", "Мама купила большую белую булку и молоко.",
           "Пожалуйста, позвони мне вечером, ладно?"]  # fmt: skip
HINDI = ["नमस्ते माया, क्या तुम मेरे साथ बाज़ार चलोगी?", "कृपया मुझे शाम को फ़ोन करना, ठीक है?",
         "मैं कल सुबह बाज़ार जाऊँगा।"]  # fmt: skip
TURKISH = "Evet, ama akşam işe gitmem lazım."
ENGLISH = "Okay, see you tomorrow then."


@pytest.mark.parametrize(
    ("line", "language", "read_in"),
    [
        (TURKISH, "ru", "tr"),
        ("¡Hola, amigos! ¿Qué tal?", "ko", "es"),
        ("Ça va très bien, merci beaucoup.", "ar", "fr"),
        ("Obrigado, até amanhã de manhã.", "hi", "pt-br"),
        ("Danke schön, bis morgen früh!", "ru", "de"),
        (ENGLISH, "ru", "en"),
        ("Thank you so much for coming today, my friend.", "hi", "en"),
        ("CPU target (RTF ≤ 1 for the full model) is met.", "ko", "en"),  # 'is', 'met' lean Dutch: too thin
        ("Grazie mille, a domani!", "ru", "en"),  # two words alone name no language: read as before
    ],
)
def test_a_latin_line_is_read_in_the_language_its_letters_and_words_name(line, language, read_in):
    assert line_language.reading(line, language).code == read_in


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("Привет, John! Как дела у Smith?", "ru"),  # English names among Cyrillic words: the line is Russian
        ("मेरा दोस्त John Smith है, वह कल आएगा।", "hi"),
        (TURKISH, "tr"),  # a Turkish character: its own language
        (TURKISH, "es"),  # a Latin-script language: judged whole (script_guess), not here
        ("Evet, ama akşam işe gitmem lazım.", "ja"),  # the Japanese voice spells Latin letters out: refused
    ],
)
def test_the_characters_own_lines_are_read_in_its_language(line, language):
    assert line_language.reading(line, language) is None
    assert line_language.voice(line, language) is None


def test_romanised_hindi_among_devanagari_lines_is_asked_for_in_devanagari():
    why = script_warp.foreign_writing("Mummy ne bahut accha khana banaya hai.", "hi")
    assert why == (
        "it is in Latin letters that are not English (5 of its 7 words), which the Hindi voice reads as "
        "English: write Hindi in Devanagari (romanised Hindi cannot be read as said)"
    )
    assert script_warp.foreign_writing("Thank you so much for coming today, my friend.", "hi") == ""
    assert script_warp.foreign_writing("Mummy ne bahut accha khana banaya hai.", "ru") == ""


def _read_with(monkeypatch) -> list[tuple[str, str]]:
    """The (line, voice) pairs espeak-ng is asked to read while a take is drawn."""
    calls: list[tuple[str, str]] = []
    reading = script_warp._reading

    def recorded(text: str, voice: str):
        calls.append((text, voice))
        return reading(text, voice)

    monkeypatch.setattr(script_warp, "_reading", recorded)
    return calls


needs_espeak = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@needs_espeak
def test_a_turkish_line_among_russian_ones_is_drawn_from_its_turkish_reading(monkeypatch, caplog):
    audio, motion = espeak_mic([("ru", RUSSIAN[0]), ("tr", TURKISH), ("ru", RUSSIAN[1]), ("ru", RUSSIAN[2])])
    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate([RUSSIAN[0], TURKISH, *RUSSIAN[1:]])]
    calls = _read_with(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _drawn, report = tr.draw_lips(motion, audio, lines, language="ru")
    assert not report.get("error"), report.get("error")
    assert 2 in report["lines_drawn"]
    assert (TURKISH, "tr") in calls and (TURKISH, "ru") not in calls
    assert report["read_in"] == [{"line": 2, "language": "tr", "signs": "ı, ş, 'evet', 'ama'"}]
    said = [r.getMessage() for r in caplog.records if "Latin letters" in r.getMessage()]
    assert said == ["A's line 2 is in Latin letters: read in Turkish (ı, ş, 'evet', 'ama'), not Russian"]


@needs_espeak
def test_an_english_line_is_read_as_english_by_the_russian_voice_and_said_once(monkeypatch, caplog):
    # (said as the Russian voice says English: a Russian actor's line in English)
    audio, motion = espeak_mic([("ru", RUSSIAN[0]), ("ru", RUSSIAN[1]), ("ru", ENGLISH), ("ru", RUSSIAN[2])])
    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate([*RUSSIAN[:2], ENGLISH, RUSSIAN[2]])]
    calls = _read_with(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _drawn, report = tr.draw_lips(motion, audio, lines, language="ru")
    assert (ENGLISH, "ru") in calls  # the voice reads it as English itself, as before
    assert report["read_in"] == [{"line": 3, "language": "en", "signs": ""}]
    said = [r.getMessage() for r in caplog.records if "Latin letters" in r.getMessage()]
    assert said == ["A's line 3 is in Latin letters: read in English, not Russian"]


@needs_espeak
def test_a_romanised_hindi_line_keeps_the_engines_lips_and_the_others_are_drawn(caplog):
    hinglish = "Mummy ne bahut accha khana banaya hai."
    audio, motion = espeak_mic([("hi", HINDI[0]), ("hi", "मम्मी ने बहुत अच्छा खाना बनाया है।"), ("hi", HINDI[1]),
                           ("hi", HINDI[2])])  # fmt: skip
    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate([HINDI[0], hinglish, *HINDI[1:]])]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _drawn, report = tr.draw_lips(motion, audio, lines, language="hi")
    assert not report.get("error"), report.get("error")
    assert [r["line"] for r in report["lines_refused"]] == [2]
    assert "write Hindi in Devanagari" in report["lines_refused"][0]["why"]
    assert 2 not in report["lines_drawn"] and "read_in" not in report


def test_several_latin_lines_are_named_in_one_warning():
    read_in = [
        {"line": 2, "language": "tr", "signs": "ı, ş"},
        {"line": 5, "language": "en", "signs": ""},
        {"line": 7, "language": "pt-br", "signs": "ã"},
    ]
    assert tr._read_in_said(read_in, "ru") == (
        "lines in Latin letters are not read as Russian: line 2 in Turkish (ı, ş), line 5 in English, "
        "line 7 in Portuguese (ã)"
    )
