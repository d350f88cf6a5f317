"""A Russian script that lists days (5, 6 и 7 мая), writes an ordinal with its ending (в 5-м классе), a date
in digits (25.12) or a century in Roman numerals (в XXI веке).

espeak-ng read the first day of a list "пять" (Выставка пройдёт 5, шестого и седьмого мая), an ending
letter by letter (в 5-м классе "в пять эм классе", на 2-й странице "два и краткое"), 25.12 "двадцать пять
точка двенадцать" and XXI in English ("экс экс ай"). A native speaker says every day of a list in the case
of the first, the ordinal the ending ends, and the date and the century as ordinals in their case."""

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
        ("Выставка пройдёт 5, 6 и 7 мая.", "Выставка пройдёт пятого, шестого и седьмого мая."),
        ("Мы отдыхаем 1, 2 и 3 января.", "Мы отдыхаем первого, второго и третьего января."),
        (
            "Я запишу тебя на 5, 12 или 19 июня.",
            "Я запишу тебя на пятое, двенадцатое или девятнадцатое июня.",
        ),
        ("Экзамены с 3, 5 и 7 июня перенесли.", "Экзамены с третьего, пятого и седьмого июня перенесли."),
        ("Мы вернёмся 30 или 31 декабря.", "Мы вернёмся тридцатого или тридцать первого декабря."),
        ("5 и 6 мая — праздники.", "пятое и шестое мая — праздники."),
        ("Это было 1-2 мая.", "Это было первого–второго мая."),
    ],
)
def test_every_day_of_a_list_takes_the_case_of_the_first(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Мой сын учится в 5-м классе.", "Мой сын учится в пятом классе."),
        ("Мы живём на 3-м этаже.", "Мы живём на третьем этаже."),
        ("Между 1-м и 3-м мая я в отъезде.", "Между первым и третьим мая я в отъезде."),
        ("Поздравляю со 2-м местом!", "Поздравляю со вторым местом!"),
        ("Он был 3-м в очереди.", "Он был третьим в очереди."),
        ("Он занял 1-е место.", "Он занял первое место."),
        ("Прочитай 5-ю главу к пятнице.", "Прочитай пятую главу к пятнице."),
        ("На 2-й странице опечатка.", "На второй странице опечатка."),
        ("У 3-й двери стоит охрана.", "У третьей двери стоит охрана."),
        ("В 1-й день отпуска я спал.", "В первый день отпуска я спал."),
        ("2-й и 3-й этажи сдаются.", "второй и третий этажи сдаются."),
        ("Это уже моя 10-я попытка.", "Это уже моя десятая попытка."),
        ("Встретимся 25-го, после обеда.", "Встретимся двадцать пятого, после обеда."),
        ("К 15-му числу сдайте отчёт.", "К пятнадцатому числу сдайте отчёт."),
        ("Это было в 90-х годах.", "Это было в девяностых годах."),
        ("В 1990-е годы всё было иначе.", "В тысяча девятьсот девяностые годы всё было иначе."),
        # -х, -м, -мя after 2-4 before a plural noun are a cardinal's
        ("Договор в 2-х экземплярах.", "Договор в двух экземплярах."),
        ("Приходи к 3-м часам.", "Приходи к трём часам."),
        ("Я гулял с 2-мя собаками.", "Я гулял с двумя собаками."),
    ],
)
def test_a_number_written_with_an_ordinals_ending_is_that_ordinal(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Встреча 25.12 в 15:00.", "Встреча двадцать пятого декабря в 15:00."),
        ("Я родился 12.04.1995.", "Я родился двенадцатого апреля тысяча девятьсот девяносто пятого года."),
        ("Сдать до 01.03.", "Сдать до первого марта."),
        ("С 01.09 по 31.05 учёба.", "С первого сентября по тридцать первое мая учёба."),
        ("Сегодня 01.09.2025.", "Сегодня первое сентября две тысячи двадцать пятого года."),
        ("В XXI веке всё иначе.", "В двадцать первом веке всё иначе."),
        ("Это было в конце XIX века.", "Это было в конце девятнадцатого века."),
        ("Искусство XIX–XX веков.", "Искусство девятнадцатого–двадцатого веков."),
        # a clock time, a version, an amount with a dot and a numeral that is none keep their reading
        ("Приходи в 10.05.", "Приходи в 10.05."),
        ("Версия 1.10.2 вышла.", "Версия 1.10.2 вышла."),
        ("1.05 кг муки", "1.05 кг муки"),
        ("В IIII веке", "В IIII веке"),
    ],
)
def test_a_date_in_digits_and_a_roman_century_are_read_as_written_out(written, spoken):
    assert as_said(written, "ru") == spoken


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_espeak_ng_reads_an_ordinal_ending_and_a_day_list_with_the_phones_of_the_line_said():
    phones = partial(espeak_phones, voice="ru")
    for written in ("Мой сын учится в 5-м классе.", "Выставка пройдёт 5, 6 и 7 мая."):
        read = [symbol for symbol, _start, _end in script_warp._reading(written, "ru").phones]
        assert read == phones(as_said(written, "ru")), written
        assert read != phones(written), written
