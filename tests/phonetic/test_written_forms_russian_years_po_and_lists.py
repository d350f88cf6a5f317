"""A Russian line that gives a span of years ending "по 2024 г.", or two years each with г.

"С 2020 по 2024 г." ("from 2020 through 2024") says the last year in the accusative, по две тысячи двадцать
четвёртый год; г. after по was said in the dative (четвёртому году), a case no speaker uses for a span. In
"в 2023 г. и 2024 г." the second г. lost the в before it and was said in the nominative (четвёртый год);
a г. after и, а or или now takes the case of the year before. A год the writer spelt out keeps its case."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # the first year, with no г. of its own, is a year too (session 41: it was left a cardinal)
        (
            "Я работал там с 2020 по 2024 г.",
            "Я работал там с две тысячи двадцатого по две тысячи двадцать четвёртый год.",
        ),
        (
            "С 2010 по 2015 г. я жил в Казани.",
            "С две тысячи десятого по две тысячи пятнадцатый год я жил в Казани.",
        ),
        ("с 2010 по 2015 год", "с две тысячи десятого по две тысячи пятнадцатый год"),
    ],
)
def test_a_year_after_po_is_said_in_the_accusative(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        (
            "Это было в 2023 г. и 2024 г. тоже.",
            "Это было в две тысячи двадцать третьем году и две тысячи двадцать четвёртом году тоже.",
        ),
        (
            "Жду с 2019 г. или 2020 г., не помню.",
            "Жду с две тысячи девятнадцатого года или две тысячи двадцатого года, не помню.",
        ),
        (
            "в 2024 году и 2025 г. тоже",
            "в две тысячи двадцать четвёртом году и две тысячи двадцать пятом году тоже",
        ),
    ],
)
def test_a_second_year_after_i_takes_the_case_of_the_first(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("к 2030 г. закончим", "к две тысячи тридцатому году закончим"),
        ("по 2024 году", "по две тысячи двадцать четвёртому году"),
    ],
)
def test_k_and_a_written_dative_keep_the_dative(written, spoken):
    assert as_said(written, "ru") == spoken
