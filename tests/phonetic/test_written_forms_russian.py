"""A Russian script with its prices, abbreviations and percentages, read the way a Russian speaker says it.

An animator pastes "Это стоит 150 руб., д-р Петров." or "в 9:30, т. е. через час". espeak-ng read руб. as
"rup", д-р as "de er", т. е. as "te je", г. as "ge" with a sentence's end after it, dropped ₽, read "1 500"
as "один пятьсот" and 25% as "двадцать пять процент" (review rv39h F1: closure 75 % from the lines as
written, 100 % from the lines as said). Nouns after a number take the case the number asks (1 рубль,
2 рубля, 5 рублей, 2,5 рубля)."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("Это стоит 150 руб., д-р Петров.", "Это стоит 150 рублей, доктор Петров."),
        ("1 руб., 2 руб., 11 руб. и 1 500 руб.", "1 рубль, 2 рубля, 11 рублей и 1500 рублей."),
        ("100 ₽ и ₽ 21", "100 рублей и 21 рубль"),
        ("3 тыс. руб. и 1 млн ₽", "3 тысячи рублей и 1 миллион рублей"),
        ("Скидка 25% и ещё 2,5%.", "Скидка 25 процентов и ещё 2,5 процента."),
        ("Т. е. через час, т.е. в 10.", "То есть через час, то есть в 10."),
        ("Яблоки, груши и т. д. Потом домой.", "Яблоки, груши и так далее. Потом домой."),
        ("Книги, журналы и т. п.", "Книги, журналы и тому подобное."),
        # a year before г. is an ordinal in the case its preposition asks (test_written_forms_russian_years.py)
        ("В 2024 г. мы жили в г. Казань.", "В две тысячи двадцать четвёртом году мы жили в город Казань."),
        ("Это был 2024 г.", "Это был две тысячи двадцать четвёртый год."),
        ("Дом на ул. Ленина, 5 км от центра.", "Дом на улица Ленина, 5 километров от центра."),
    ],
)
def test_a_russian_line_is_given_to_espeak_as_a_russian_speaker_says_it(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("ru")) == spoken


@pytest.mark.parametrize(
    "line",
    [
        "Встречаемся в 9:30, квартира № 5.",  # espeak-ng says девять тридцать, номер
        "Он купил 3 яблока и 2 груши.",
        "Группа г. и группа д.",  # г. with no year or name after it: not known to be год or город
    ],
)
def test_what_espeak_already_reads_right_is_left_as_written(line):
    assert as_said(line, "ru") == line


_phones = espeak_phones


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Это стоит 150 руб., д-р Петров.", "Это стоит 150 рублей, доктор Петров."),
        ("Приходи в 9:30, т. е. через час.", "Приходи в 9:30, то есть через час."),
    ],
)
def test_rv39hs_lines_as_written_are_read_with_the_phones_of_the_lines_as_said(written, said):
    voice = espeak_voice("ru")
    read = [symbol for symbol, _start, _end in script_warp._reading(written, voice).phones]
    assert read == _phones(said, voice)
