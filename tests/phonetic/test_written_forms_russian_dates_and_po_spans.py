"""A Russian date with no preposition ("Встреча 5 мая") and a span "с 5 по 7" before a verb.

espeak-ng says "5 мая" as "пять мая", which no Russian says: a date is an ordinal, in the genitive when it
tells when (Встреча пятого мая, "какого числа?") and in the nominative when it names the day (Сегодня пятое
мая, "какое число?"); written with its ending (5-го мая) the ending tells, and a holiday's name (8 Марта)
after с is what one congratulates on (с восьмым). A span with по is "up to and including": both ends are
ordinals, the last in the accusative (с 1941 по 1945 шла война: по тысяча девятьсот сорок пятый), whatever
word follows it; a verb after the last end left it in digits, read "тысяча девятьсот сорок пять"."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.written_forms import as_said
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # when: the genitive
        ("Встреча 5 мая.", "Встреча пятого мая."),
        ("5 мая 2024 года мы переехали.", "пятого мая две тысячи двадцать четвёртого года мы переехали."),
        ("Он приехал 3 марта, а уехал 10 марта.", "Он приехал третьего марта, а уехал десятого марта."),
        ("Сегодня, 5 мая, открылась выставка.", "Сегодня, пятого мая, открылась выставка."),
        ("Фестиваль 5–7 мая.", "Фестиваль пятого–седьмого мая."),
        ("Нас не будет 5 и 6 мая.", "Нас не будет пятого и шестого мая."),
        # which day it is: the nominative
        ("Сегодня 5 мая.", "Сегодня пятое мая."),
        ("Завтра уже 1 сентября!", "Завтра уже первое сентября!"),
        ("Наступило 1 января.", "Наступило первое января."),
        ("1 сентября — День знаний.", "первое сентября — День знаний."),
        # a day written with its ending (espeak-ng: "пять го"), a holiday's name with a capital
        ("Фестиваль 5-го мая.", "Фестиваль пятого мая."),
        ("К 8-му марта купим цветы.", "К восьмому марта купим цветы."),
        ("Поздравляю с 8 Марта!", "Поздравляю с восьмым Марта!"),
        ("9 Мая — великий праздник.", "девятое Мая — великий праздник."),
    ],
)
def test_a_date_with_no_preposition_is_an_ordinal_in_the_case_its_sentence_asks(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "С 1941 по 1945 шла война.",
            "С тысяча девятьсот сорок первого по тысяча девятьсот сорок пятый шла война.",
        ),
        (
            "С 2015 по 2019 работал в Москве.",
            "С две тысячи пятнадцатого по две тысячи девятнадцатый работал в Москве.",
        ),
        (
            "с 1941 по 1945 гг. шла война",
            "с тысяча девятьсот сорок первого по тысяча девятьсот сорок пятый годы шла война",
        ),
        ("С 5 по 7 будет выставка.", "С пятого по седьмое будет выставка."),
        ("С 5 по 7 мая будет выставка.", "С пятого по седьмое мая будет выставка."),
        ("Я учился там с 9 по 11 класс.", "Я учился там с девятого по одиннадцатый класс."),
        ("Прочитай с 10 по 20 страницу.", "Прочитай с десятой по двадцатую страницу."),
        ("Выучи с 1 по 3 главы.", "Выучи с первой по третью главы."),
        ("Отпуск со 2 по 5 число.", "Отпуск со второго по пятое число."),
        ("С 2 мая начнём.", "Со второго мая начнём."),
    ],
)
def test_both_ends_of_a_po_span_are_ordinals_whatever_follows_it(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_espeak_ng_reads_a_date_and_a_span_with_the_phones_of_the_line_said():
    phones = partial(espeak_phones, voice="ru")
    for written in ("Встреча 5 мая.", "С 1941 по 1945 шла война."):
        read = [symbol for symbol, _start, _end in script_warp._reading(written, "ru").phones]
        assert read == phones(as_said(written, "ru")), written
        assert read != phones(written), written
