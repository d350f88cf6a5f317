"""A Russian line with a bare 4-digit amount after a preposition: "Бюджет до 1250", "Цены от 1200 до 1800".

Since session 41 a 4-digit number with no noun after a preposition was said as a year (до 1250: до тысяча
двести пятидесятого), and a span was read half and half (от 1200 до 1800: от тысячи двухсот до тысяча
восьмисотого), because its round first end was taken for an amount and its second for a year (review
rv41d F2). A Russian reads such a number as a year only where the words say so: after в (в 1905), a span
with по (с 1941 по 1945), years said around it (с 1812 до 1815 года, в годы с 1812 до 1815) or a plausible
year (1900-2099) after с, к or после. Anything else is an amount, a cardinal in the preposition's case,
and a span's two ends are one kind of number."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Цены от 1200 до 1800.", "Цены от тысячи двухсот до тысячи восьмисот."),
        ("Цены от 1250 до 1750.", "Цены от тысячи двухсот пятидесяти до тысячи семисот пятидесяти."),
        ("Бюджет до 1250.", "Бюджет до тысячи двухсот пятидесяти."),
        ("Скидка до 1750 на всё.", "Скидка до тысячи семисот пятидесяти на всё."),
        ("Кредит от 1100 до 2099.", "Кредит от тысячи ста до двух тысяч девяноста девяти."),
        ("Осталось около 1999.", "Осталось около тысячи девятисот девяноста девяти."),
        ("Приходите к 1130.", "Приходите к тысяче ста тридцати."),
        # a year said earlier in the line does not make the amounts after it years
        (
            "В 2023 году цены от 1200 до 1800.",
            "В две тысячи двадцать третьем году цены от тысячи двухсот до тысячи восьмисот.",
        ),
    ],
)
def test_a_bare_amount_after_a_preposition_is_a_cardinal_in_its_case(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Это было в 1905.", "Это было в тысяча девятьсот пятом."),
        ("Я жил там с 2015 до 2019.", "Я жил там с две тысячи пятнадцатого до две тысячи девятнадцатого."),
        ("После 2020 всё изменилось.", "После две тысячи двадцатого всё изменилось."),
        (
            "В годы с 1812 до 1815 всё изменилось.",
            "В годы с тысяча восемьсот двенадцатого до тысяча восемьсот пятнадцатого всё изменилось.",
        ),
        (
            "С 1812 до 1815 года всё изменилось.",
            "С тысяча восемьсот двенадцатого до тысяча восемьсот пятнадцатого года всё изменилось.",
        ),
    ],
)
def test_a_number_the_words_call_a_year_is_an_ordinal(written, spoken):
    assert as_said(written, "ru") == spoken
