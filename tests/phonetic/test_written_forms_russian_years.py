"""A Russian script that names a year: "в 2024 году", "с 1998 года", "2000 год", "в 2024 г.".

A Russian speaker says a year before год as an ordinal, in the case год takes: в две тысячи двадцать
четвёртом году, с тысяча девятьсот девяносто восьмого года, двухтысячный год. espeak-ng read the digits as
a cardinal ("в две тысячи двадцать четыре году", "с одна тысяча девятьсот девяносто восемь года"): other
vowels and consonants under the lips (четвёртом: /t v ɵ r t/ against четыре). A count of years (2 года, 3
года) is no year and keeps its reading; a decade (1990-х) is a plural ordinal, девяностых."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_ru import year_ordinal
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Мы переехали в 2024 году.", "Мы переехали в две тысячи двадцать четвёртом году."),
        ("Я работаю здесь с 1998 года.", "Я работаю здесь с тысяча девятьсот девяносто восьмого года."),
        ("2000 год был трудным.", "двухтысячный год был трудным."),
        ("Это случилось 5 мая 2021 года.", "Это случилось пятого мая две тысячи двадцать первого года."),
        ("К 2030 году всё изменится.", "К две тысячи тридцатому году всё изменится."),
        ("Перед 2020 годом было тихо.", "Перед две тысячи двадцатым годом было тихо."),
        ("В 2024-м году мы поженились.", "В две тысячи двадцать четвёртом году мы поженились."),
        ("До 1917 г. здесь был рынок.", "До тысяча девятьсот семнадцатого года здесь был рынок."),
        ("Он родился в 1983 г.", "Он родился в тысяча девятьсот восемьдесят третьем году."),
        # a decade is no year before год, but its ending makes it an ordinal (espeak-ng: "девяносто ха")
        ("В 1990-х годах всё было иначе.", "В тысяча девятьсот девяностых годах всё было иначе."),
    ],
)
def test_a_year_is_said_as_an_ordinal_in_the_case_god_takes(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "Это было 2 года назад.",  # a count of years
        "Мы не виделись 3 года.",
        "Группа г. и группа д.",
        "В 3 часа я дома.",  # в + the accusative: the nominative's form (с 5 до 7: test_written_forms_russian_prepositions)
    ],
)
def test_counts_decades_and_other_numbers_keep_their_reading(line):
    assert as_said(line, "ru") == line


@pytest.mark.parametrize(
    ("year", "said"),
    [(2024, "две тысячи двадцать четвёртый"), (1941, "тысяча девятьсот сорок первый"), (2000, "двухтысячный")]
    + [(1900, "тысяча девятисотый"), (2003, "две тысячи третий"), (2013, "две тысячи тринадцатый")]
    + [
        (1986, "тысяча девятьсот восемьдесят шестой"),
        (1040, "тысяча сороковой"),
        (2010, "две тысячи десятый"),
    ],
)
def test_years_as_ordinals(year, said):
    assert year_ordinal(year) == said


_phones = partial(espeak_phones, voice="ru")


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_espeak_ng_reads_the_year_as_written_with_the_phones_of_the_year_as_said():
    read = [s for s, _a, _b in script_warp._reading("Мы переехали в 2024 году.", "ru").phones]
    assert read == _phones("Мы переехали в две тысячи двадцать четвёртом году.")
