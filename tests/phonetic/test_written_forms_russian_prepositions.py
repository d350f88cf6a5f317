"""A Russian line with a number after a preposition: "с 9 до 18", "к 6 часам", "о 2 книгах".

Russian declines a number after a preposition: с девяти до восемнадцати, к шести часам, о двух книгах.
espeak-ng reads every number in the nominative ("с девять до восемнадцать", "к шесть часам"), and that was
a documented limit: other vowels and consonants under the lips than the actor's (пяти against пять,
двумя against два). Each preposition now asks its case; where one asks two by its meaning (в 3 часа, в 3
комнатах; с 5 лет, с 2 детьми) the noun after the number tells which. A day of a month after a
preposition is an ordinal (с 1 по 5 мая: с первого по пятое мая), a year without год too (с 2015 по 2019),
and a number before a thing it names (на 5 этаже: на пятом этаже)."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_ru import cardinal
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # the genitive
        ("Я работаю с 9 до 18.", "Я работаю с девяти до восемнадцати."),
        ("Это стоит от 500 до 1000 рублей.", "Это стоит от пятисот до тысячи рублей."),
        ("Из 100 участников выиграл один.", "Из ста участников выиграл один."),
        ("У 3 студентов нет тетрадей.", "У трёх студентов нет тетрадей."),
        ("Без 15 минут восемь.", "Без пятнадцати минут восемь."),
        ("Для 2 человек это много.", "Для двух человек это много."),
        ("Дорога займёт около 2 часов.", "Дорога займёт около двух часов."),
        ("Позвони мне после 8.", "Позвони мне после восьми."),
        ("Пришло более 100 человек.", "Пришло более ста человек."),
        ("В течение 5 дней.", "В течение пяти дней."),
        ("Для 1 человека это много.", "Для одного человека это много."),
        ("Это займёт до 1 мин.", "Это займёт до одной минуты."),
        # the dative, the prepositional, the instrumental
        ("Я приду к 6 часам.", "Я приду к шести часам."),
        ("Книга о 3 сёстрах.", "Книга о трёх сёстрах."),
        ("Я думал о 1 вещи.", "Я думал об одной вещи."),
        ("При 30 градусах жарко.", "При тридцати градусах жарко."),
        ("Над 3 задачами я думал весь день.", "Над тремя задачами я думал весь день."),
        ("Перед 2 экзаменами я не спал.", "Перед двумя экзаменами я не спал."),
        ("Между 2 и 3 часами я занят.", "Между двумя и тремя часами я занят."),
        # told by the noun: в/на where, с with, за behind
        ("Мы живём в 3 километрах от города.", "Мы живём в трёх километрах от города."),
        ("Она пришла с 2 детьми.", "Она пришла с двумя детьми."),
        ("За 2 домами есть парк.", "За двумя домами есть парк."),
        # amounts in signs and abbreviations take the case too
        ("Скидки до 50%.", "Скидки до пятидесяти процентов."),
        ("До 3 км отсюда.", "До трёх километров отсюда."),
        ("К 5 % добавьте ещё.", "К пяти процентам добавьте ещё."),
        ("Прибыль выросла с 3 тыс. до 5 тыс. руб.", "Прибыль выросла с трёх тысяч до пяти тысяч рублей."),
        ("До 2000 рублей хватит.", "До двух тысяч рублей хватит."),
        ("Я ждал больше 30 сек.", "Я ждал больше тридцати секунд."),
        # the part of the day after an hour is no noun of it
        ("Приходите к 10 утра.", "Приходите к десяти утра."),
        ("Работаем с 9 утра до 6 вечера.", "Работаем с девяти утра до шести вечера."),
        # a clock time (espeak-ng: "с девять ноль ноль до восемнадцать ноль ноль")
        ("Работаем с 9:00 до 18:00.", "Работаем с девяти до восемнадцати."),
        ("Приходи к 10:30.", "Приходи к десяти тридцати."),
    ],
)
def test_a_cardinal_after_a_preposition_takes_its_case(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("С 1 по 10 января мы отдыхаем.", "С первого по десятое января мы отдыхаем."),
        ("До 15 июня надо сдать.", "До пятнадцатого июня надо сдать."),
        ("К 8 марта купим цветы.", "К восьмому марта купим цветы."),
        ("Перенесли на 3 июня.", "Перенесли на третье июня."),
        ("С 23 по 31 декабря закрыто.", "С двадцать третьего по тридцать первое декабря закрыто."),
        ("Я жил там с 2015 по 2019.", "Я жил там с две тысячи пятнадцатого по две тысячи девятнадцатый."),
        ("Он родился в 1990.", "Он родился в тысяча девятьсот девяностом."),
        ("Я вернусь к 2025.", "Я вернусь к две тысячи двадцать пятому."),
        ("В 2024 мы переехали.", "В две тысячи двадцать четвёртом мы переехали."),
        ("Живём на 5 этаже.", "Живём на пятом этаже."),
        ("Это было в 21 веке.", "Это было в двадцать первом веке."),
        ("Мы живём в 3 квартире.", "Мы живём в третьей квартире."),
        ("Он учится в 1 классе.", "Он учится в первом классе."),
        # a year with г. after a date is in the genitive (was "девяносто пятый год")
        (
            "Я родился 12 апреля 1995 г.",
            "Я родился двенадцатого апреля тысяча девятьсот девяносто пятого года.",
        ),
    ],
)
def test_a_day_a_year_or_a_numbered_thing_after_a_preposition_is_an_ordinal(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "В 3 часа у меня встреча.",  # в + the accusative: the nominative's form
        "На 10 процентов больше.",
        "Он опоздал на 20 минут.",
        "Через 5 минут начнём.",
        "По 2 штуки в руки.",
        "Встретимся в 7 у метро.",
        "Я позвоню тебе в 8 вечера.",
        "До 1 ночи не спал.",  # один час is said час: left
        "Поезд в 14:30.",
        "До 9:05 успеем.",
        "Мне 25 лет.",  # no preposition
        "Мы говорили о 21 проблеме.",  # a 1 before -е: its gender is not shown
        "До 2,5 часов.",  # a decimal
    ],
)
def test_the_nominative_is_kept_where_the_case_asks_it_or_nothing_tells(line):
    assert as_said(line, "ru") == line


@pytest.mark.parametrize(
    ("n", "case", "said"),
    [
        (25, "gen", "двадцати пяти"),
        (2500, "ins", "двумя тысячами пятьюстами"),
        (1000, "gen", "тысячи"),
        (21000, "dat", "двадцати одной тысяче"),
        (80, "gen", "восьмидесяти"),
        (800, "prep", "восьмистах"),
        (41, "ins", "сорока одним"),
        (300, "dat", "трёмстам"),
        (11, "ins", "одиннадцатью"),
    ],
)
def test_cardinals_decline_in_every_part(n, case, said):
    assert cardinal(n, case) == said


_phones = partial(espeak_phones, voice="ru")


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Я работаю с 9 до 18.", "Я работаю с девяти до восемнадцати."),
        ("Она пришла с 2 детьми.", "Она пришла с двумя детьми."),
    ],
)
def test_espeak_ng_reads_the_line_as_written_with_the_phones_of_the_line_as_said(written, said):
    read = [symbol for symbol, _start, _end in script_warp._reading(written, "ru").phones]
    assert read == _phones(said)
