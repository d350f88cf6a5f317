"""An amount or abbreviation that ends a sentence keeps its full stop when written as said, so
espeak-ng's reading pauses there as the speaker does. "Это стоит 150 руб. Дорого." was given as
"150 рублей Дорого." and "armut vs. Sonra" as "armut vesaire Sonra": one run-on sentence, the 0.41 s
pause the warp lines up with the speaker's gone (review rv40a F5). Mid-sentence they stay unstopped."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Это стоит 150 руб. Дорого.", "Это стоит 150 рублей. Дорого."),
        ("Всё стоит 3 млн. Много.", "Всё стоит 3 миллиона. Много."),
        ("Зарплата 50 тыс. Мало.", "Зарплата 50 тысяч. Мало."),
        ("Стоит 3 тыс. руб. Дорого.", "Стоит 3 тысячи рублей. Дорого."),
        ("Хлеб стоит 40 р.", "Хлеб стоит 40 рублей."),
    ],
)
def test_a_russian_sentence_ending_in_an_amount_keeps_its_stop(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Elma, armut vs. Sonra eve gittik.", "Elma, armut vesaire. Sonra eve gittik."),
        ("Kalem, defter vb.", "Kalem, defter ve benzeri."),
    ],
)
def test_a_turkish_sentence_ending_in_an_abbreviation_keeps_its_stop(written, spoken):
    assert as_said(written, "tr") == spoken


@pytest.mark.parametrize(
    ("written", "spoken", "language"),
    [
        ("Стоит 3 тыс. руб. в месяц.", "Стоит 3 тысячи рублей в месяц.", "ru"),
        ("150 руб. за кило", "150 рублей за кило", "ru"),
        ("elma vs. armut aldım", "elma vesaire armut aldım", "tr"),
    ],
)
def test_mid_sentence_the_abbreviations_stop_is_not_a_sentences_end(written, spoken, language):
    assert as_said(written, language) == spoken


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_espeak_pauses_between_the_price_and_the_next_sentence():
    phones = script_warp._reading("Это стоит 150 руб. Дорого.", "ru").phones
    # the last "д" is Дорого's first sound: the gap before it is the sentence's pause
    d = max(i for i, (symbol, _start, _end) in enumerate(phones) if symbol == "d")
    assert phones[d][1] - phones[d - 1][2] >= 0.2
