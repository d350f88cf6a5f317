"""A Russian script that writes a decimal, a section or a version with a dot (на 2.03 процента, пункт 3.12,
версия 1.12) beside lines that write a date so (Встреча 25.12 в 15:00, Сдать до 01.03).

Typed and pasted Russian often puts a dot where the rules put a comma, so a day.month read as a date
wherever it looked like one turned "Цена упала на 2.03 процента" into "на второе марта процента" and
"Пункт 3.12 договора" into "третьего декабря": the aligner and the mouth then said words the actor never
says. A reader tells them apart by the words around the number, and so does as_said."""

from __future__ import annotations

from dualtalk.inference.phonetic.written_forms import as_said

# before a unit, spelled or short, after a thing named by its number or an amount's word: no date
KEPT = [
    "Цена упала на 2.03 процента.",
    "Рост на 1.12 процента.",
    "Вес 2.10 килограмма.",
    "Он прыгнул на 2.05 метра.",
    "Курс 1.09 доллара.",
    "Он выиграл 3.05 секунды.",
    "Литр бензина стоит 1.05 евро.",
    "Температура поднялась на 1.02 градуса.",
    "Он набрал 9.10 балла.",
    "Ставка выросла на 2.06 пункта.",
    "Бутылка на 1.05 литра.",
    "Он проплыл 2.05 километра.",
    "Пункт 3.12 договора.",
    "Статья 1.11 кодекса.",
    "Смотри раздел 2.04 устава.",
    "Глава 3.04 про налоги.",
    "См. п. 2.11 инструкции.",
    "Смотри § 1.03.",
    "Рис. 1.12 показывает схему.",
    "Версия 1.12 лучше.",
    "Обновление 2.01 вышло.",
    "Установи Python 3.10 сегодня.",
    "Версия 1.12 и 1.13 несовместимы.",
    "Пункт 3.12.20 договора.",
    "Матч 1.05 был сложным.",
    "Зал 1.10 свободен.",
    "Урок 3.02 начнётся.",
    "Рейс 1.12 задерживается.",
    "Кабинет 2.10 на втором этаже.",
    "Курс вырос на 1.04.",
    "Вес был 2.10.",
    "Средний балл 4.05.",
    "Разница составила 1.06.",
    # a clock time, an amount with its unit short, a version of three parts (lang43's)
    "Приходи в 10.05.",
    "1.05 кг муки",
    "Версия 1.10.2 вышла.",
]


def test_a_decimal_a_section_or_a_version_written_with_a_dot_is_no_date():
    assert {line: as_said(line, "ru") for line in KEPT} == {line: line for line in KEPT}


def test_a_date_with_a_dot_is_still_a_date_where_the_words_around_it_say_so():
    said = {
        # a time or a weekday after it, a preposition, a verb or a time limit before it, a leading 0
        "Встреча 25.12 в 15:00.": "Встреча двадцать пятого декабря в 15:00.",
        "Встреча 2.03 (пн) отменена.": "Встреча второго марта (пн) отменена.",
        "Сдать до 01.03.": "Сдать до первого марта.",
        "С 01.09 по 31.05 учёба.": "С первого сентября по тридцать первое мая учёба.",
        "Отпуск с 1.07 по 14.07.": "Отпуск с первого июля по четырнадцатое июля.",
        "Я записал тебя на 2.03.": "Я записал тебя на второе марта.",
        "Увидимся 25.12!": "Увидимся двадцать пятого декабря!",
        "Версия 3.1 вышла 12.03.": "Версия 3.1 вышла двенадцатого марта.",
        "Дедлайн 15.04, не забудь.": "Дедлайн пятнадцатого апреля, не забудь.",
        # it opens its clause, or another date is joined to it
        "25.12 мы едем к бабушке.": "двадцать пятого декабря мы едем к бабушке.",
        "В пятницу, 13.10, был концерт.": "В пятницу, тринадцатого октября, был концерт.",
        "Выходные 25.12 и 31.12.": "Выходные двадцать пятого декабря и тридцать первого декабря.",
        # with its year, always
        "Я родился 12.04.1995.": "Я родился двенадцатого апреля тысяча девятьсот девяносто пятого года.",
    }
    assert {line: as_said(line, "ru") for line in said} == said
