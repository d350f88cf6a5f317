"""A Russian script line as it is said, for espeak-ng's Russian voice to read.

espeak-ng reads a Russian line's plain numbers and № right, but spells out the abbreviations every
script has: "150 руб." is read "rup", "д-р Петров" "de er", "т. е." "te je", "и т. д." "te de", "г." "ge"
(and its full stop ends the sentence there, as "ул." does), "₽" is dropped, "1 500" is read "один
пятьсот", and "25%" says процент where the speaker says процентов. :func:`as_said` writes those as
said, the noun after a number in the case the number asks (1 рубль, 2 рубля, 5 рублей; after a
fraction рубля). "г." is read only where the words around it tell: after a year (2024 г. год, в 2024 г.
году) or before a capitalised name (г. Москва город); anywhere else it is left as written.

A year before год, года, году, годом or г. is said as an ordinal in the case the noun takes (в 2024 году:
в две тысячи двадцать четвёртом году; с 1998 года: с тысяча девятьсот девяносто восьмого года; 2000 год:
двухтысячный год), where espeak-ng said the cardinal ("две тысячи двадцать четыре году"); the case of г.
comes from the preposition before it (в, о, при: году; с, до, от, после, из, у, для, без, около: года; к:
году, the dative; по: год, the accusative of "up to and including", с 2010 по 2015 г. по две тысячи
пятнадцатый год), and a г. after и, а or или takes the case of the year before them (в 2023 г. и 2024 г.:
году, both). A год written out keeps its own case (по 2024 году, "according to", the dative).

A number after a preposition is said in the case the preposition asks (:func:`_declined`), where espeak-ng
said every number in the nominative ("с пять до семь"): с 5 до 7 с пяти до семи, к 6 часам к шести часам, о
2 книгах о двух книгах, между 2 и 3 часами между двумя и тремя часами, до 50% до пятидесяти процентов.
до, от, из, у, без, для, около, после, более, больше ask the genitive; к the dative; о, об, при the
prepositional; над, перед, между the instrumental. Where a preposition asks two cases by its meaning, the
noun after the number tells: в and на the accusative (в 3 часа, the nominative's form, kept) or the
prepositional for where (в 3 километрах в трёх километрах); с the genitive, "from", or the instrumental,
"with" (с 2 детьми с двумя детьми); за and под the accusative or the instrumental (за 2 домами). через and
по ask the accusative and keep the nominative's form (через 5 минут, по 2 штуки). A 1 takes the noun's
gender where its ending shows it (до 1 минуты до одной минуты), else it is left (в 1 комнате). A day of a
month after a preposition is a neuter ordinal (с 1 по 5 мая с первого по пятое мая, к 8 марта к восьмому
марта); a year with no noun after it an ordinal where the words say it is a year (с 2015 по 2019 с две
тысячи пятнадцатого по две тысячи девятнадцатый, в 1990 в тысяча девятьсот девяностом, к 2025: :func:`_a_year`),
else a cardinal (до 1250 до тысячи двухсот пятидесяти, от 1200 до 1800); a number before a thing named by it (на 5 этаже, в 21
веке, в 3 квартире) an ordinal in its gender. Left in the nominative: a number with a noun whose ending
does not fit the case, a decimal.

A date with no preposition is an ordinal in the case its sentence asks (:func:`_bare_date_case`): the
genitive when it says when (Встреча 5 мая пятого мая, "какого числа?"), the nominative when it names the
day (Сегодня 5 мая пятое мая, 1 сентября — День знаний, "какое число?"). A span with по, "up to and
including", has ordinals at both ends whatever follows it (:func:`_po_span`): С 1941 по 1945 шла война по
тысяча девятьсот сорок пятый, С 5 по 7 будет выставка с пятого по седьмое, с 9 по 11 класс с девятого по
одиннадцатый; с before второй is со (со второго мая). A day written with its ending (5-го мая, к 8-му марта)
takes the case the ending shows, and a holiday's name (8 Марта, 9 Мая) after с the instrumental (Поздравляю
с 8 Марта: с восьмым).

Every day of a list takes the case of its first (:func:`_day_list_case`: Выставка пройдёт 5, 6 и 7 мая
пятого, шестого и седьмого; на 5, 12 или 19 июня на пятое, двенадцатое или девятнадцатое), where espeak-ng
read the first "пять". Any number written with an ordinal's ending is that ordinal (:func:`_with_ending`: в
5-м классе в пятом, на 2-й странице на второй, 1-е место первое, 5-ю главу пятую, в 90-х годах в девяностых,
в 1990-е годы; espeak-ng read "пять эм", "два и краткое"), a date in digits is read as one written out (25.12
двадцать пятого декабря, 12.04.1995 двенадцатого апреля тысяча девятьсот девяносто пятого года; was "точка")
where the words around it say it is one (:func:`_a_date`: a decimal, a section or a version typed with a dot,
на 2.03 процента, пункт 3.12, версия 1.12, stays as written), and a century in Roman numerals an ordinal (в XXI веке в двадцать первом; was spelled in English).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Said = str | Callable[[re.Match[str]], str]

# the whole part (1500, 1 500 with a (no-break) space between thousands) and a fraction after a comma
_AMOUNT = r"(?<![\w.,])(?P<n>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?P<f>,\d+)?"
_CAPITAL = "[А-ЯЁ]"


def _form(m: re.Match[str], one: str, few: str, many: str) -> str:
    """The noun after the amount in groups "n", "f", in the case the number asks."""
    if m.group("f"):
        return few  # 2,5 рубля, 0,5 процента: a fraction takes the genitive singular
    n = int(_whole(m))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _whole(m: re.Match[str]) -> str:
    return re.sub(r"[ \u00a0\u202f]", "", m.group("n"))


def _kept_stop(m: re.Match[str]) -> str:
    """ "." where the abbreviation's full stop ends the sentence ("150 руб. Дорого.", "50 тыс." at the
    line's end): the rest of the line is empty or starts with a capital. Without it espeak-ng's sentence
    pause (0.41 s) is lost."""
    rest = m.string[m.end() :]
    return "." if m.group(0).endswith(".") and re.match(rf"\s+{_CAPITAL}|\s*$", rest) else ""


def _counted(one: str, few: str, many: str) -> Said:
    def said(m: re.Match[str]) -> str:
        return f"{_whole(m)}{m.group('f') or ''} {_unit_form(m, one, few, many)}" + _kept_stop(m)

    return said


def _unit_form(m: re.Match[str], one: str, few: str, many: str) -> str:
    """The noun after an amount (groups "n", "f") in the case the number asks, and after a preposition
    in the case that asks (до 3 км до 3 километров, к 5 % к 5 процентам, о 2 тыс. о 2 тысячах): the
    number is then declined by :func:`_declined`."""
    word = _preposition(m.string[: m.start()])
    case = _ASKS.get(word) or (_TOLD_BY_NOUN[word][0] if word in _TOLD_BY_NOUN else None)
    if case is None:
        return _form(m, one, few, many)
    if case == "gen" or m.group("f"):
        return few if m.group("f") or _form(m, "1", "", "") == "1" else many
    single = _form(m, "1", "", "") == "1"
    fem, soft = one.endswith("а"), one.endswith("ь")
    stem = one[:-1] if fem or soft else one
    if single:
        dative = "е" if fem else ("ю" if soft else "у")
        instrumental = ("ей" if stem[-1] in "чшщжц" else "ой") if fem else ("ём" if soft else "ом")
        return stem + {"dat": dative, "ins": instrumental, "prep": "е"}[case]
    return stem + ("я" if soft else "а") + {"dat": "м", "ins": "ми", "prep": "х"}[case]


def _abbreviation(written: str, said: str, ends: bool = False) -> tuple[re.Pattern[str], Said]:
    """``written`` (its spaces may be left out: "т.е." is "т. е.", its first letter a capital at a
    sentence's start) read as ``said``; ``ends``: it may end a sentence, whose full stop is kept."""
    parts = [r"\s*" if ch == " " else re.escape(ch) for ch in written]
    parts[0] = f"[{written[0]}{written[0].upper()}]"
    pattern = re.compile(r"(?<![\w.\-])" + "".join(parts) + r"(?!\w)")

    def spoken(m: re.Match[str]) -> str:
        words = said[0].upper() + said[1:] if m.group(0)[0].isupper() else said
        rest = m.string[m.end() :]
        if ends and (not rest.strip() or re.match(rf"\s+{_CAPITAL}", rest)):
            words += "."
        return words

    return pattern, spoken


# a year's last part as an ordinal (its stem and its ending in the nominative); the parts before it
# stay cardinal: 2024 две тысячи двадцать четвёртый, 1941 тысяча девятьсот сорок первый
_ORDINAL_ONES = ("", "перв", "втор", "треть", "четвёрт", "пят", "шест", "седьм", "восьм", "девят")
_ORDINAL_TEENS = ("десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат", "шестнадцат",
                  "семнадцат", "восемнадцат", "девятнадцат")  # fmt: skip
_ORDINAL_TENS = ("", "", "двадцат", "тридцат", "сороков", "пятидесят", "шестидесят", "семидесят", "восьмидесят",
                 "девяност")  # fmt: skip
_ORDINAL_HUNDREDS = ("", "сот", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот",
                     "девятисот")  # fmt: skip
_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)
_THOUSANDS = ("", "тысяча", "две тысячи")
# the endings of a hard stem (первый, двадцатый) and a stressed one (второй, сороковой) in the cases a
# year takes; третий declines soft
_ENDINGS = {"nom": "ый", "gen": "ого", "dat": "ому", "prep": "ом", "ins": "ым"}
_STRESSED = ("втор", "шест", "седьм", "восьм", "сороков")
_SOFT = {"gen": "его", "dat": "ему", "prep": "ем", "ins": "им"}
# the case of год, and of г. by the preposition before it
_YEAR_CASE = {"год": "nom", "года": "gen", "году": "prep", "годом": "ins"}
_GENITIVE_AFTER = (
    "с",
    "со",
    "до",
    "от",
    "после",
    "из",
    "у",
    "для",
    "без",
    "около",
    "начала",
    "конца",
    "середины",
)
_DATIVE_AFTER = ("к", "ко")
# по before a year with г. is "up to and including" (с 2010 по 2015 г.), which takes the accusative: год
_ACCUSATIVE_AFTER = ("по",)
# a г. after these takes the case of the year before them (в 2023 г. и 2024 г.: году, both)
_AND = ("и", "а", "или")
_PREPOSITIONAL_AFTER = ("в", "во", "о", "об", "при")


def year_ordinal(year: int, case: str = "nom") -> str:
    """``year`` (1000-2999) as the ordinal said before год: 2024 две тысячи двадцать четвёртый,
    ``case`` "gen" четвёртого, "prep" четвёртом, "dat" четвёртому, "ins" четвёртым."""
    thousands, hundreds, tens, ones = year // 1000, year // 100 % 10, year // 10 % 10, year % 10
    words = []
    if hundreds == tens == ones == 0:
        stem = "тысячн" if thousands == 1 else "двухтысячн"
    else:
        words.append(_THOUSANDS[thousands])
        if tens == ones == 0:
            stem = _ORDINAL_HUNDREDS[hundreds]
        else:
            words += [_HUNDREDS[hundreds]] if hundreds else []
            before, stem = _ordinal_below_100(tens, ones)
            words += before
    if stem == "треть":  # третий, третьего
        stem, ending = ("трет", "ий") if case == "nom" else (stem, _SOFT[case])
    else:
        ending = "ой" if case == "nom" and stem in _STRESSED else _ENDINGS[case]
    return " ".join([*words, stem + ending])


def _case_after(before: str, noun: str) -> str:
    """The case a year takes before ``noun`` (год, года, году, годом, or г. by the preposition)."""
    word = re.findall(r"[а-яё]+", before.lower()[-20:])
    last = word[-1] if word else ""
    if noun in _YEAR_CASE:
        case = _YEAR_CASE[noun]
        return "dat" if case == "prep" and last in _DATIVE_AFTER + _ACCUSATIVE_AFTER else case
    if last in _MONTHS:  # 12 апреля 1995 г.: a date's year is in the genitive
        return "gen"
    if last in _AND:
        first = re.search(
            rf"(?P<y>[12]\d{{3}})\s*(?P<w>г\.|годом|года|году|год)\s*(?:{'|'.join(_AND)})\s*$", before
        )
        if first:
            return _case_after(before[: first.start()], first.group("w"))
    if last in _PREPOSITIONAL_AFTER:
        return "prep"
    if last in _DATIVE_AFTER:
        return "dat"
    if last in _ACCUSATIVE_AFTER:
        return "nom"  # the accusative of год is its nominative
    return "gen" if last in _GENITIVE_AFTER else "nom"


# A cardinal after a preposition, in the case the preposition asks: с 5 до 7 с пяти до семи, к 3 часам
# к трём часам, о 2 книгах о двух книгах, между 2 и 3 между двумя и тремя (espeak-ng says every number in
# the nominative). The prepositions that ask one case whatever follows; в/во and на (the accusative, or the
# prepositional for where: в 3 комнатах), с/со (the genitive "from", or the instrumental "with": с 2
# детьми), за and под (the accusative, or the instrumental: за 2 домами) are told by the noun after the
# number (:func:`_number_case`); через and по ask the accusative, which is the nominative's form here (через
# 5 минут, по 2 штуки), and keep it.
_CASES = ("gen", "dat", "ins", "prep")
_ASKS = {
    **dict.fromkeys(
        ("до", "от", "из", "у", "без", "для", "около", "после", "более", "менее", "больше", "меньше", "свыше",
         "кроме", "среди", "вместо", "против", "вокруг", "порядка", "течение", "пределах", "размере", "районе",
         "возрасте"),
        "gen",
    ),
    **dict.fromkeys(("к", "ко"), "dat"),
    **dict.fromkeys(("о", "об", "обо", "при"), "prep"),
    **dict.fromkeys(("над", "надо", "перед", "передо", "между"), "ins"),
}  # fmt: skip
# prepositions whose case the noun after the number tells: (the case without such a noun, the other one
# and the endings of the noun that ask it); None keeps the nominative's form (the accusative)
_TOLD_BY_NOUN: dict[str, tuple[str | None, str, tuple[str, ...]]] = {
    **dict.fromkeys(("с", "со"), ("gen", "ins", ("ами", "ями", "ьми"))),
    **dict.fromkeys(("в", "во", "на"), (None, "prep", ("ах", "ях"))),
    **dict.fromkeys(("за", "под", "подо"), (None, "ins", ("ами", "ями", "ьми"))),
}
# the endings a plural noun takes in each case (after 2 and more), and a singular one after 1, by gender
_PLURAL_ENDS = {"dat": ("ам", "ям"), "ins": ("ами", "ями", "ьми"), "prep": ("ах", "ях")}
_SINGULAR_ENDS: dict[str, dict[str, tuple[str, ...]]] = {
    "gen": {"f": ("ы", "и"), "m": ("а", "я")},
    "dat": {"f": ("е", "и"), "m": ("у", "ю")},
    "ins": {"f": ("ой", "ей", "ью"), "m": ("ом", "ем", "ём")},
    "prep": {"f": ("и",), "m": ()},  # в 1 комнате / в 1 доме: -е does not tell
}
# a word after the number that is no noun of it (с 5 до 7, между 2 и 3)
_NOT_NOUN = ("и", "или", "а", "до", "по", "на", "в", "с", "со", "к", "от", "из", "за", "не", "ни", "уже",
             "я", "ты", "он", "она", "оно", "мы", "вы", "они", "это", "все", "всё", "там", "тут", "здесь", "тоже",
             "же", "ещё", "уж", "бы", "ли")  # fmt: skip
# the part of the day after an hour (к 10 утра, после 9 вечера)
_DAYTIME = ("утра", "дня", "вечера", "ночи")
# gen, dat, ins, prep of each part of a cardinal
_ONE = {"m": ("одного", "одному", "одним", "одном"), "f": ("одной", "одной", "одной", "одной")}
_SMALL = {
    2: ("двух", "двум", "двумя", "двух"),
    3: ("трёх", "трём", "тремя", "трёх"),
    4: ("четырёх", "четырём", "четырьмя", "четырёх"),
    40: ("сорока",) * 4,
    90: ("девяноста",) * 4,
    100: ("ста",) * 4,
    8: ("восьми", "восьми", "восемью", "восьми"),
}
_SOFT_NUMBERS = {  # 5-20, 30: пять, пяти, пятью
    5: "пять", 6: "шесть", 7: "семь", 9: "девять", 10: "десять", 11: "одиннадцать", 12: "двенадцать",
    13: "тринадцать", 14: "четырнадцать", 15: "пятнадцать", 16: "шестнадцать", 17: "семнадцать",
    18: "восемнадцать", 19: "девятнадцать", 20: "двадцать", 30: "тридцать",
}  # fmt: skip
_FIFTY_TO_EIGHTY = {50: "пят", 60: "шест", 70: "сем", 80: "восем"}
_OBLIQUE_STEMS = {5: "пяти", 6: "шести", 7: "семи", 8: "восьми", 9: "девяти"}  # пятидесяти, восьмисот
_HUNDREDS_CASES = {
    200: ("двухсот", "двумстам", "двумястами", "двухстах"),
    300: ("трёхсот", "трёмстам", "тремястами", "трёхстах"),
    400: ("четырёхсот", "четырёмстам", "четырьмястами", "четырёхстах"),
}
_THOUSAND_ONE = ("тысячи", "тысяче", "тысячей", "тысяче")
_THOUSANDS_MANY = ("тысяч", "тысячам", "тысячами", "тысячах")


def _part(n: int, case: int) -> str:
    """One part of a cardinal (2-9, 10-19, a ten or a hundred) in case ``case`` (an index of _CASES)."""
    if n in _SMALL:
        return _SMALL[n][case]
    if n in _SOFT_NUMBERS:
        word = _SOFT_NUMBERS[n]
        return word + "ю" if case == 2 else word[:-1] + "и"
    if n in _FIFTY_TO_EIGHTY:
        return f"{_FIFTY_TO_EIGHTY[n]}ьюдесятью" if case == 2 else f"{_OBLIQUE_STEMS[n // 10]}десяти"
    if n in _HUNDREDS_CASES:
        return _HUNDREDS_CASES[n][case]
    stem = {500: "пят", 600: "шест", 700: "сем", 800: "восем", 900: "девят"}[n]
    if case == 2:
        return f"{stem}ьюстами"
    return _OBLIQUE_STEMS[n // 100] + ("сот", "стам", "", "стах")[case]


def _below_thousand(n: int, case: int, gender: str) -> list[str]:
    hundreds, rest = n // 100 * 100, n % 100
    words = [_part(hundreds, case)] if hundreds else []
    if 10 <= rest <= 19 or rest % 10 == 0:
        return words + ([_part(rest, case)] if rest else [])
    if rest > 9:
        words.append(_part(rest // 10 * 10, case))
    return words + [_ONE[gender][case] if rest % 10 == 1 else _part(rest % 10, case)]


def cardinal(n: int, case: str, gender: str = "m") -> str | None:
    """``n`` (1-999 999) in ``case`` ("gen", "dat", "ins", "prep"), a 1 at its end in ``gender`` ("m" or
    "f"): 25 "gen" двадцати пяти, 2500 "ins" двумя тысячами пятьюстами, 1000 "gen" тысячи; None outside."""
    if not 1 <= n <= 999_999 or case not in _CASES:
        return None
    index = _CASES.index(case)
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        if thousands > 1:
            words += _below_thousand(thousands, index, "f")
        one = thousands % 10 == 1 and thousands % 100 != 11
        words.append((_THOUSAND_ONE if one else _THOUSANDS_MANY)[index])
    if rest:
        words += _below_thousand(rest, index, gender)
    return " ".join(words)


def _preposition(before: str) -> str:
    """The word just before a number, in lower case ("" when none)."""
    words = re.findall(r"[а-яё]+", before.lower()[-24:])
    return words[-1] if words and re.search(r"[а-яё]+\s*$", before.lower()) else ""


def _number_case(before: str, n: int, noun: str) -> tuple[str, str] | None:
    """(the case a number after the preposition at the end of ``before`` takes, the gender of a 1 at
    its end), told by the preposition and the ``noun`` after the number ("" for none); None to keep
    the nominative (no preposition, the accusative, or a noun whose ending does not fit the case)."""
    word = _preposition(before)
    case = _ASKS.get(word)
    if word in _TOLD_BY_NOUN:
        bare, other, ends = _TOLD_BY_NOUN[word]
        one = n % 10 == 1 and n % 100 != 11
        told = noun.endswith(ends) or (
            one and noun.endswith(_SINGULAR_ENDS[other]["m"] + _SINGULAR_ENDS[other]["f"])
        )
        case = other if noun and told else bare
        if other == "prep" and one:
            case = None  # в 1 комнате, в 1 доме: the gender of one cannot be told from -е
    if case is None:
        return None
    if n % 10 == 1 and n % 100 != 11:
        if not noun:
            return case, "m"  # counting: с 1 до 5 с одного до пяти
        gender = next((g for g, ends in _SINGULAR_ENDS[case].items() if ends and noun.endswith(ends)), None)
        return (case, gender) if gender else None
    if noun and case in _PLURAL_ENDS and not noun.endswith(_PLURAL_ENDS[case]):
        return None
    return case, "m"


# a number not part of another (1,5; 2-й; 3:30; 1990-х), with the word after it, if any
_AFTER_PREPOSITION = re.compile(
    r"(?<![\w.,:\-])(?P<n>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d{1,6})(?![\w.,:\-]\d|[\w\-%$₽])"
    r"(?P<rest>\s*(?P<noun>[а-яё]+)?)"
)


def _declined(m: re.Match[str]) -> str:
    """A cardinal after a preposition said in the case it asks (с 5 до 7 с пяти до семи), a day of a
    month as an ordinal (с 1 мая с первого мая), a year with no noun after it as one (с 2020 по 2024 г.
    с две тысячи двадцатого); the second of "между 2 и 3" as the first."""
    n = int(re.sub(r"\D", "", m.group("n")))
    noun = m.group("noun") or ""
    if noun in _DAYTIME:  # к 10 утра: the part of the day is no noun of the number; 1 is час, left
        if n == 1:
            return m.group(0)
        noun = ""
    noun = "" if noun in _NOT_NOUN else noun
    before = m.string[: m.start()]
    pair = re.search(r"(?<![\d.,])\d{1,6}\s+(?:и|или|а)\s*$", before)
    if _preposition(before) in _AND and pair:  # в 2020 и 2021, между 2 и 3: the first number's case
        before = before[: pair.start()]
    word = _preposition(before)
    if _a_year(m, n, noun, word):
        if word in _GENITIVE_AFTER + _DATIVE_AFTER + _ACCUSATIVE_AFTER + _PREPOSITIONAL_AFTER:
            return year_ordinal(n, _case_after(before, "г.")) + m.group("rest")
        return m.group(0)
    if noun in _NUMBERED_THINGS and word in ("в", "во", "на") and n <= 999:  # на 5 этаже: на пятом
        return _ordinal(n, "prep", _NUMBERED_THINGS[noun]) + m.group("rest")
    if 1 <= n <= 31 and (noun in _MONTHS or re.match(_DAYS_TO, m.string[m.end() - len(m.group("rest")) :])):
        return day_ordinal(n, _day_list_case(m)) + m.group("rest")
    told = _number_case(before, n, noun)
    said = cardinal(n, *told) if told else None
    return said + m.group("rest") if said else m.group(0)


def _clock(m: re.Match[str]) -> str:
    """A time after a preposition asking an oblique case, the hour and its minutes in that case, ":00"
    unsaid (к 10:30 к десяти тридцати); anything else (в 14:30, the accusative; 1:00, said часу; 9:05)
    as written, as espeak-ng reads it."""
    word = _preposition(m.string[: m.start()])
    case = _ASKS.get(word) or ("gen" if word in ("с", "со") else None)
    h, minutes = int(m.group("h")), m.group("mm")
    if case is None or not 2 <= h <= 23 or not (minutes == "00" or 10 <= int(minutes) <= 59):
        return m.group(0)
    said = cardinal(h, case)
    return f"{said} {cardinal(int(minutes), case, 'f')}" if minutes != "00" else f"{said}"


# a day of a month after a preposition is an ordinal, neuter (число): с 1 мая с первого мая, к 8 марта
# к восьмому марта, на 3 июня на третье июня; with no preposition before it, :func:`_bare_date_case`
_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря")  # fmt: skip
# the days after a day up to their month, a list (5, 6 и 7 мая; 30 или 31 декабря) or a span (с 5 по 7 мая)
_DAYS_TO = rf"(?:\s*,\s*\d{{1,2}})*\s*(?:по|до|и|или|,|-|–|—)\s*\d{{1,2}}\s+(?:{'|'.join(_MONTHS)})(?![а-яё])"
# the days of a list before a day (5, 6 и 7: "5, 6 и " before the 7); a span's по or до is no list
_DAYS_BEFORE = re.compile(r"(?<![\d.,:\-])\d{1,2}(?:\s*,\s*\d{1,2})*\s*(?:,|и|или)\s*$")
# from a day to the end of its month: the rest of the list, then the month
_TO_THE_MONTH = re.compile(
    rf"(?:\s*(?:,|и|или|по|до|-|–|—)\s*\d{{1,2}})*\s+(?:{'|'.join(_MONTHS)})(?![а-яё])"
)
_DAY_CASE = {
    **{word: case for word, case in _ASKS.items() if word in _GENITIVE_AFTER or case != "gen"},
    **dict.fromkeys(("с", "со"), "gen"),
    **dict.fromkeys(("в", "во", "на", "за", "под", "по", "через", "про"), "acc"),
}


def _day_list_case(m: re.Match[str]) -> str:
    """The case of a day before a month (group "n" of ``m``), the same for every day of a list as for its
    first: the preposition before the first asks it (на 5, 12 или 19 июня: на пятое, двенадцатое или
    девятнадцатое; с 3, 5 и 7 июня: с третьего, пятого и седьмого), or with none the sentence
    (:func:`_bare_date_case`: Выставка пройдёт 5, 6 и 7 мая пятого, шестого и седьмого; was "5, шестого")."""
    text = m.string
    before, after = text[: m.start()], text[m.end("n") :]
    head = _DAYS_BEFORE.search(before)
    if head:
        before = before[: head.start()]
    month = _TO_THE_MONTH.match(after)
    word = _preposition(before)
    return _DAY_CASE.get(word) or _bare_date_case(before, after[month.end() :] if month else after)


# the words that make a date with no preposition name the day (the nominative, "какое число?"): сегодня
# 5 мая, завтра уже 1 сентября, наступило 1 января; anything else asks when (the genitive, "какого числа?")
_NAMED_DAY_BEFORE = re.compile(
    r"(?:(?:сегодня|завтра|вчера|послезавтра|позавчера)(?:\s+(?:уже|ещё|же|был|было|будет|только))*"
    r"|наступило|наступил|наступит|наступает|настало|настанет|настал)\s*$"
)
# a date that opens its clause and is followed by a dash names the day (1 сентября — День знаний); its
# year may stand between (5 мая 2024 года —), already in words by the time the day is read
_DASH_AFTER = re.compile(r"(?:\s+(?:[а-яё]+\s+){0,6}?(?:года|г\.))?\s*[—–](?!\s*\d)")


def _bare_date_case(before: str, after: str) -> str:
    """The case of a day with no preposition before it (a date: 5 мая): Russian asks "какого числа?"
    (when) with the genitive and "какое число?" (which day it is) with the nominative. A day said as a
    time is the common use in a script's lines (Встреча 5 мая: пятого мая; 5 мая мы переехали; Я
    родился 12 апреля: двенадцатого), so the genitive is read unless the words name the day: сегодня,
    завтра, вчера or наступило before it (Сегодня 5 мая: пятое мая) or a dash after a date that opens
    its clause (1 сентября — День знаний: первое сентября). A comma between сегодня and the date makes
    it an apposition of time (Сегодня, 5 мая, открылась выставка: пятого), read in the genitive."""
    clause = re.split(r"[.!?;:,…\n(]", before)[-1]
    if _NAMED_DAY_BEFORE.search(clause.lower()):
        return "nom"
    if not clause.strip() and _DASH_AFTER.match(after):
        return "nom"
    return "gen"


# a day written with its ending (5-го мая, к 8-му марта, 1-е сентября: espeak-ng said "пять го"), the ending
# telling the case (-м, instrumental or prepositional by the preposition before a list, is left)
_ENDING_CASE = {"го": "gen", "ого": "gen", "е": "acc", "ое": "acc", "му": "dat", "ому": "dat"}
_MONTH_NAMES = "|".join(_MONTHS) + "|" + "|".join(month.capitalize() for month in _MONTHS)


def _day_with_ending(m: re.Match[str]) -> str:
    return day_ordinal(int(m.group("n")), _ENDING_CASE[m.group("e")]) + " "


def _holiday(m: re.Match[str]) -> str:
    """A day before a month written with a capital is a holiday's name (8 Марта, 9 Мая, 23 Февраля): with
    с it is what one congratulates on, the instrumental (Поздравляю с 8 Марта: с Восьмым марта, where a
    date's с is "from", с восьмого); else a date's case (к 8 Марта к восьмому, 9 Мая — праздник девятое)."""
    n, before = int(m.group("n")), m.string[: m.start()]
    if not 1 <= n <= 31:
        return m.group(0)
    word = _preposition(before)
    case = (
        "ins" if word in ("с", "со") else _DAY_CASE.get(word) or _bare_date_case(before, m.string[m.end() :])
    )
    return f"{day_ordinal(n, case)} {m.group('month')}"


# things named by their number, in the prepositional singular after в or на (на 5 этаже, в 21 веке, в 3
# квартире), with their gender: the number is then an ordinal (на пятом этаже, в двадцать первом веке, в
# третьей квартире); a cardinal before them would ask another form of the noun (на 5 этажах)
_NUMBERED_THINGS = {
    **dict.fromkeys(
        ("этаже", "классе", "веке", "вагоне", "кабинете", "доме", "ряду", "автобусе", "номере", "месте", "томе",
         "сезоне", "корпусе", "подъезде", "раунде", "туре", "зале", "районе", "пункте", "абзаце", "параграфе",
         "окне", "уроке", "курсе", "троллейбусе", "трамвае", "маршруте", "блоке", "отделе", "секторе"),
        "m",
    ),
    **dict.fromkeys(
        ("квартире", "палате", "главе", "комнате", "школе", "группе", "серии", "части", "аудитории", "строке",
         "странице", "линии", "больнице", "поликлинике", "гимназии", "задаче", "лекции", "колонке", "палатке"),
        "f",
    ),
}  # fmt: skip


def _ordinal_below_100(tens: int, ones: int) -> tuple[list[str], str]:
    """An ordinal's last 1-99: the cardinal words before its last word, and that word's stem (25:
    ["двадцать"], "пят"; 13: [], "тринадцат"). Years and plain ordinals end alike."""
    if tens == 1:
        return [], _ORDINAL_TEENS[ones]
    if ones == 0:
        return [], _ORDINAL_TENS[tens]
    return ([_TENS[tens]] if tens else []), _ORDINAL_ONES[ones]


def _ordinal(n: int, case: str, gender: str = "n") -> str:
    """``n`` (1-999) as an ordinal in ``case`` ("nom", "acc", "gen", "dat", "ins", "prep") and ``gender``
    ("m", "f", "n": the acc of "n" is -ое, a date's): 3 "acc" третье, 25 "gen" двадцать пятого, 5 "prep"
    "m" пятом, 3 "prep" "f" третьей, 11 "acc" "m" одиннадцатый, 5 "acc" "f" пятую."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words = [_HUNDREDS[hundreds]] if hundreds and rest else []
    if not rest:
        stem = _ORDINAL_HUNDREDS[hundreds]
    else:
        before, stem = _ordinal_below_100(tens, ones)
        words += before
    soft = stem == "треть"
    if gender == "f" and case == "acc":  # по третью главу, по пятую страницу
        stem, ending = ("трет", "ью") if soft else (stem, "ую")
    elif gender == "f":
        ending = "ей" if soft else "ой"  # the feminine's oblique cases (gen, dat, ins, prep) are one form
    elif case in ("acc", "nom") and gender == "m":  # an inanimate masculine's accusative is its nominative
        stem, ending = ("трет", "ий") if soft else (stem, "ой" if stem in _STRESSED else "ый")
    elif case in ("acc", "nom"):
        ending = "е" if soft else "ое"
    else:
        ending = (_SOFT if soft else _ENDINGS)[case]
    return " ".join([*words, stem + ending])


def day_ordinal(day: int, case: str) -> str:
    """``day`` (1-31) as the neuter ordinal a date says (число): 1 "gen" первого, 8 "dat" восьмому, 3
    "acc" третье, 25 "gen" двадцать пятого."""
    return _ordinal(day, case)


# An ordinal written with its ending ("наращение": 5-й, 5-я, 5-е, 5-ю, 5-го, 5-му, 5-м, 5-х), which
# espeak-ng reads letter by letter ("в 5-м классе" "пять эм", "на 2-й странице" "два и краткое"): the
# ending names the ordinal's last letters, so the form (the endings of a hard stem; третий is soft, второй,
# шестой... take -ой in the masculine nominative) is the one that ends so. Where one ending serves two
# forms, the words around tell: -й is the masculine nominative (5-й класс, в 1-й день) or a feminine's
# oblique case before a feminine noun in one (на 2-й странице, у 3-й двери); -м the prepositional after
# в, на, о, при (в 5-м классе), else the instrumental (между 1-м и 3-м мая, был 3-м); -е the neuter (1-е
# место) or a plural (90-е, 1990-е годы, 5-е классы).
_FORM_ENDS = {
    "m": ("ый", "ий"), "f": ("ая", "ья"), "n": ("ое", "ье"), "pl": ("ые", "ьи"), "gen": ("ого", "ьего"),
    "dat": ("ому", "ьему"), "ins": ("ым", "ьим"), "prep": ("ом", "ьем"), "f_obl": ("ой", "ьей"),
    "f_acc": ("ую", "ью"), "pl_gen": ("ых", "ьих"), "pl_ins": ("ыми", "ьими"),
}  # fmt: skip
_WRITTEN_ENDING = {
    **dict.fromkeys(("й", "ый", "ий", "ой"), "m"),
    **dict.fromkeys(("я", "ая", "ья"), "f"),
    **dict.fromkeys(("е", "ое", "ье"), "n"),
    "ые": "pl",
    **dict.fromkeys(("ю", "ую", "ью"), "f_acc"),
    **dict.fromkeys(("го", "ого", "его"), "gen"),
    **dict.fromkeys(("му", "ому", "ему"), "dat"),
    "м": "ins",
    **dict.fromkeys(("ым", "им"), "ins"),
    **dict.fromkeys(("ом", "ем"), "prep"),
    "ей": "f_obl",
    **dict.fromkeys(("х", "ых", "их"), "pl_gen"),
    **dict.fromkeys(("ми", "ыми", "ими"), "pl_ins"),
}
# 2-х, 3-м, 2-мя before a plural noun are cardinals (в 2-х экземплярах в двух, к 3-м часам к трём, с 2-мя
# детьми с двумя), indices of :data:`_SMALL`'s cases; an ordinal 2 or 3 writes -го, -му (второго, третьему)
_SMALL_CASE = {"х": 0, "м": 1, "мя": 2}
_WITH_ENDING = re.compile(
    r"(?<![\w.,:\-/])(?P<n>\d{1,4})-(?P<e>"
    + "|".join(sorted({*_WRITTEN_ENDING, "мя"}, key=len, reverse=True))
    + r")(?![\w\-])"
)
# the other days or numbers of a list written with their endings (между 1-м и 3-м, 2-й и 3-й этажи)
_LIST_WITH_ENDINGS = r"(?:\s*(?:,|и|или|-|–|—)\s*\d{1,4}-[а-яё]{1,3})"
_LIST_BEFORE = re.compile(
    r"(?<![\w.,:\-])\d{1,4}-[а-яё]{1,3}(?:\s*(?:,|и|или)\s*\d{1,4}-[а-яё]{1,3})*\s*(?:,|и|или)\s*$"
)
# a feminine noun in an oblique case (на 2-й странице, у 3-й двери, с 5-й попытки, 5-й неделей)
_FEMININE_OBLIQUE = re.compile(r"[а-яё]{2,}(?:[еиы]|[^аеёиоуыэюя]ей)")
_PREPOSITIONAL_ASKED = ("в", "во", "на", "о", "об", "обо", "при")


def _ordinal_stem(n: int) -> tuple[list[str], str, bool] | None:
    """``n`` (1-2999) as an ordinal's words before its last, the last one's stem and whether it is soft
    (третий): 25 (["двадцать"], "пят", False), 1990 (["тысяча", "девятьсот"], "девяност", False)."""
    if 1 <= n <= 999:
        words = _ordinal(n, "gen", "m").split()
    elif 1000 <= n <= 2999:
        words = year_ordinal(n, "gen").split()
    else:
        return None
    stem = words[-1][:-3]  # пятого, третьего: the genitive's -ого, -его
    return words[:-1], stem.removesuffix("ь"), stem.endswith("ь")


def _ordinal_form(n: int, form: str) -> str | None:
    """``n`` as an ordinal in ``form`` (a key of :data:`_FORM_ENDS`): 5 "prep" пятом, 3 "f_obl" третьей,
    2 "m" второй, 1990 "pl" тысяча девятьсот девяностые; None outside 1-2999."""
    parts = _ordinal_stem(n)
    if parts is None:
        return None
    words, stem, soft = parts
    hard, soft_end = _FORM_ENDS[form]
    ending = soft_end if soft else ("ой" if form == "m" and stem in _STRESSED else hard)
    return " ".join([*words, stem + ending])


def _decade(n: int) -> bool:
    """Whether ``n`` names a decade when written 90-е or 1990-е (20-90, 1010-2990 ending in 0)."""
    return n % 10 == 0 and (20 <= n <= 90 or 1000 < n < 3000)


def _with_ending(m: re.Match[str]) -> str:
    """A number written with an ordinal's ending, said as that ordinal in the form its ending and the
    words around it tell (5-м классе: в пятом классе; 1-е место: первое; 90-х: девяностых)."""
    n, ending = int(m.group("n")), m.group("e")
    text = m.string
    before = text[: m.start()]
    head = _LIST_BEFORE.search(before)
    if head:
        before = before[: head.start()]  # между 1-м и 3-м: the preposition before the list asks
    word = _preposition(before)
    rest = re.match(rf"(?P<list>{_LIST_WITH_ENDINGS}*)\s+(?P<noun>[а-яё]+)", text[m.end() :])
    noun = rest.group("noun") if rest and rest.group("noun") not in _NOT_NOUN else ""
    in_list = bool(head or (rest and rest.group("list")))
    if ending in _SMALL_CASE and 2 <= n <= 4:
        if ending != "м" or noun.endswith(("ам", "ям")):
            return _SMALL[n][_SMALL_CASE[ending]]
    if ending == "мя":
        return m.group(0)
    form = _WRITTEN_ENDING[ending]
    if form == "m" and not in_list and _FEMININE_OBLIQUE.fullmatch(noun):
        form = "f_obl"
    elif form == "ins" and ending == "м" and word in _PREPOSITIONAL_ASKED:
        form = "prep"
    elif form == "n" and (
        noun.endswith(("ы", "и")) or (_decade(n) and noun not in (*_MONTHS, "число", "числа"))
    ):
        form = "pl"  # 90-е, 1990-е годы, 5-е классы
    said = _ordinal_form(n, form)
    return said if said else m.group(0)


# a century written in Roman numerals (в XXI веке: espeak-ng spelled "икс икс ай" in English), an ordinal in
# the case век takes; a span of two (XIX–XX веков) takes it at both ends
_CENTURY_CASE = {"век": "m", "века": "gen", "веку": "dat", "веке": "prep", "веком": "ins", "веков": "gen",
                 "веках": "prep", "веками": "ins"}  # fmt: skip
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_CENTURY = re.compile(
    r"(?<![\w.\-])(?P<a>[IVXL]{1,7})(?:\s*(?P<j>[-–—])\s*(?P<b>[IVXL]{1,7}))?\s+(?P<w>"
    + "|".join(_CENTURY_CASE)
    + r")(?![а-яё])"
)


def _roman(numeral: str) -> int | None:
    """A Roman numeral's value, or None where it is not written as one (IIII, VX)."""
    values = [_ROMAN[ch] for ch in numeral]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if _to_roman(total) == numeral else None


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _century(m: re.Match[str]) -> str:
    """в XXI веке в двадцать первом веке, XIX–XX веков девятнадцатого–двадцатого веков."""
    form = _CENTURY_CASE[m.group("w")]
    said = []
    for numeral in (m.group("a"), m.group("b")):
        n = _roman(numeral) if numeral else None
        words = _ordinal_form(n, form) if n and n <= 30 else None
        if numeral and words is None:
            return m.group(0)  # not a numeral (IIII), or no century
        said += [words] if words else []
    return (m.group("j") or "").join(said) + f" {m.group('w')}"


# the word that joins a span's two ends (с 2015 по 2019, от 1200 до 1800)
_SPAN_JOIN = r"(?:по|до|-|–|—)"
# a year said right after the span's last end, with год (с 2010 по 2015 г.: by the time the span is read
# that year is words, "по две тысячи пятнадцатый год")
_SAID_YEAR_AFTER = re.compile(rf"\s*{_SPAN_JOIN}\s*(?:[а-яё]+\s+){{1,6}}(?:год|года|году|годом)(?![а-яё])")
# words of years just before the span's preposition: в годы с 1941 по 1945, в период от 1990 до 2000
_YEARS_BEFORE = re.compile(r"(?:годы|годах|годов|период|периоде|периода)\s*$")
# the prepositions of time a bare plausible year (1900-2099) follows (с 2015, к 2025, после 2020); before
# до, от, около... a number with no noun is as often an amount (Бюджет до 1250, Цены от 1200 до 1800)
_TIME_PREPOSITIONS = ("с", "со", "к", "ко", "после")


def _a_year(m: re.Match[str], n: int, noun: str, word: str) -> bool:
    """Whether a 4-digit number after the preposition ``word`` with no noun after it is a year, decided
    once for a span's two ends (от 1200 до 1800 is one kind of number): 1000-2099 after в (в 1905), after
    по (с 1941 по 1945) or with years said around it (с 2010 по 2015 г., в годы с 1941 до 1945); a plausible
    year (1900-2099) after с, к or после (с 2015 до 2019, к 2025); else an amount (до 1250, около 1999,
    к 1130, от 1200 до 1800), and a round hundred alone always (до 2000 is two thousand)."""
    if not (1000 <= n <= 2099 and m.group("n").isdigit() and len(m.group("n")) == 4) or noun:
        return False
    text, end = m.string, m.end("n")
    later = re.match(rf"\s*(?P<j>{_SPAN_JOIN})\s*(?P<y>\d{{4}})(?![\d\w])", text[end:])
    earlier = re.search(rf"(?<![\d\w.,])(?P<y>\d{{4}})\s*(?P<j>{_SPAN_JOIN})\s*$", text[: m.start()])
    if later:
        ends, joiner, first, last_end = [n, int(later["y"])], later["j"], m.start(), end + later.end()
    elif earlier:
        ends, joiner, first, last_end = [int(earlier["y"]), n], earlier["j"], earlier.start(), end
        word = _preposition(text[:first])
    else:
        ends, joiner, first, last_end = [n], "", m.start(), end
    if not all(1000 <= e <= 2099 for e in ends):
        return False
    opening = text[:first].rstrip()
    opening = opening[: len(opening) - len(word)] if word and opening.lower().endswith(word) else opening
    if _SAID_YEAR_AFTER.match(text[last_end:]) or _YEARS_BEFORE.search(opening.lower().rstrip()):
        return True
    if len(ends) == 1 and n % 100 == 0:
        return False
    if joiner == "по" or word in ("в", "во"):
        return True
    return word in _TIME_PREPOSITIONS and all(1900 <= e <= 2099 for e in ends)


# things counted in order that a по-span names (с 9 по 11 класс, с 10 по 20 страницу), in the accusative
# singular or the plural after its last end, with their gender: both ends are ordinals in it
_SPAN_THINGS = {
    **dict.fromkeys(
        ("класс", "классы", "курс", "курсы", "этаж", "этажи", "урок", "уроки", "пункт", "пункты", "том", "тома",
         "век", "века", "раунд", "раунды", "тур", "туры", "сезон", "сезоны", "номер", "номера", "параграф",
         "параграфы", "вагон", "вагоны", "ряд", "ряды", "дом", "дома", "вопрос", "вопросы", "билет", "билеты"),
        "m",
    ),
    **dict.fromkeys(
        ("главу", "главы", "страницу", "страницы", "серию", "серии", "часть", "части", "строку", "строки",
         "задачу", "задачи", "неделю", "недели", "лекцию", "лекции", "квартиру", "квартиры", "группу", "группы"),
        "f",
    ),
    **dict.fromkeys(
        ("место", "места", "задание", "задания", "упражнение", "упражнения", "число", "числа"), "n"
    ),
}  # fmt: skip
_PO_SPAN = re.compile(
    r"(?<![\w.,:\-])(?P<s>[Сс]о?)\s+(?P<a>\d{1,4})\s+по\s+(?P<b>\d{1,4})(?![\w.,:\-]\d|[\w\-%$₽])"
    r"(?P<rest>\s*(?P<gg>гг\.)?(?(gg)|(?P<noun>[а-яё]+)?))"
)


def _po_span(m: re.Match[str]) -> str:
    """A span "с A по B", whatever follows it: по here is "up to and including", a span of things in
    order, so both ends are ordinals, the first in the genitive (с), the last in the accusative (по),
    which for an inanimate masculine or a neuter is the nominative's form (Розенталь's rule for по with
    a time's end: по седьмое мая, not по седьмого). Their gender is the thing's after the span (с 9 по 11
    класс с девятого по одиннадцатый класс, с 10 по 20 страницу с десятой по двадцатую); two years are
    years (С 1941 по 1945 шла война: по тысяча девятьсот сорок пятый; с 1941 по 1945 гг. ... годы), two
    days of a month with no month named are dates, число being neuter (С 5 по 7 будет выставка: с пятого
    по седьмое). A month after it is the day rule's (:func:`_declined`); anything else is left."""
    a, b, noun, rest = int(m.group("a")), int(m.group("b")), m.group("noun") or "", m.group("rest")
    if a >= b or noun in _MONTHS:
        return m.group(0)
    if noun in _SPAN_THINGS and b <= 999:
        gender = _SPAN_THINGS[noun]
        first, last = _ordinal(a, "gen", gender), _ordinal(b, "acc", gender)
    elif 1000 <= a and b <= 2099 and len(m.group("a")) == 4:
        first, last = year_ordinal(a, "gen"), year_ordinal(b, "nom")
        if m.group("gg"):
            rest = rest.replace("гг.", "годы")
    elif b <= 31 and (not noun or noun not in _SPAN_THINGS):
        first, last = day_ordinal(a, "gen"), day_ordinal(b, "acc")
    else:
        return m.group(0)
    return f"{m.group('s')} {first} по {last}{rest}"


_NOUN_FOR = {"nom": "год", "gen": "года", "dat": "году", "prep": "году", "ins": "годом"}


def _year(m: re.Match[str]) -> str:
    """A year before год or г. said as an ordinal in its case (в 2024 г. в две тысячи двадцать четвёртом
    году); a г. that ends the sentence keeps its full stop."""
    noun = m.group("w")
    case = _case_after(m.string[: m.start()], noun)
    said = f"{year_ordinal(int(m.group('y')), case)} {noun if noun != 'г.' else _NOUN_FOR[case]}"
    if noun == "г." and re.match(rf"\s+{_CAPITAL}|\s*$", m.string[m.end() :]):
        said += "."
    return said


_MONEY_AFTER = r"\s*(?:руб\.|руб(?!\w)|р\.|₽)"
# a date written in digits, day.month(.year) (25.12, 12.04.1995, 01.03.24: espeak-ng said "двадцать пять
# точка двенадцать"), written out as the words do (25 декабря, 12 апреля 1995 года) for the rules below to
# read as any date; typed Russian often writes a decimal with a dot too (на 2.03 процента), and a section or
# a version so (пункт 3.12, версия 1.12), so a day.month with no year is read as a date only where the words
# around it say so (:func:`_a_date`)
_NUMERIC_DATE = re.compile(
    r"(?<![\w.,:\-])(?P<d>0?[1-9]|[12]\d|3[01])\.(?P<m>0[1-9]|1[0-2])(?:\.(?P<y>(?:19|20)\d\d|\d\d))?"
    r"(?![\w:\-]|[.,]\d)"
)
# an hour or an amount with a dot for its comma before its unit, written short or spelled (9.30 ч., 12.10
# руб., 1.05 кг; 2.03 процента, 2.05 метра, 3.05 секунды, 1.09 доллара, 9.10 балла): no date
_NOT_A_DATE_AFTER = re.compile(
    r"\s*(?:ч\.|час(?:а|ов)?(?![а-яё])|мин|руб|р\.|₽|\$|€|%|коп|тыс|млн|млрд|кг|км|см|мм|м(?![а-яё])|л(?![а-яё])"
    r"|г(?![а-яё])|процент|(?:санти|милли|кило)?метр(?:а|ов|ы)?(?![а-яё])|секунд|минут|доллар|евро|рубл"
    r"|(?:кило)?грамм|тонн|литр|градус|балл|очк[аов]|раз(?:а)?(?![а-яё])|штук|пункт(?:а|ов)(?![а-яё])"
    r"|тысяч|миллион|миллиард|единиц)",
    re.IGNORECASE,
)
# a thing named by its number (пункт 3.12, статья 1.11, версия 1.12, матч 1.05, зал 1.10), with its
# abbreviation (п., ст., рис., §, №), just before the number; a name in Latin letters is a program's version
# (Python 3.10)
_NUMBERED = (
    "пункт", "подпункт", "стать", "раздел", "подраздел", "глав", "параграф", "верси", "номер", "матч", "зал",
    "урок", "рейс", "поезд", "автобус", "маршрут", "кабинет", "аудитори", "комнат", "палат", "корпус",
    "таблиц", "рисун", "схем", "формул", "пример", "задач", "упражнени", "задани", "вопрос", "билет", "шаг",
    "этап", "част", "том", "сери", "сезон", "эпизод", "обновлени", "релиз", "сборк", "патч", "прошивк",
    "модел", "артикул", "код", "приложени", "лекци", "занятие", "тест", "слайд", "строк", "страниц",
    "абзац", "правил", "групп", "класс",
)  # fmt: skip
# an amount's noun (курс 1.09, вес 2.10, средний балл 4.05), just before the number or a few words before
# it (Вес был 2.10), and the verbs that tell an amount (Курс вырос на 1.04, Разница составила 1.06)
_AMOUNT_NOUNS = (
    "курс", "цен", "вес", "рост", "счёт", "счет", "оценк", "рейтинг", "коэффициент", "индекс", "температур",
    "результат", "средн", "итог", "итого", "сумм", "стоимост", "скорост", "давлени", "уровен", "показател",
    "баланс", "ставк", "дол", "разниц", "время", "балл", "рекорд", "размер", "отметк",
)  # fmt: skip
_AMOUNT_VERBS = (
    "составил", "составля", "равн", "равен", "стоит", "стоил", "весит", "выросл", "вырос", "упал", "снизил",
    "повысил", "поднял", "опустил", "сократил", "подорожал", "подешевел", "набрал", "увеличил", "уменьшил",
    "прибавил",
)  # fmt: skip
_ABBREVIATED = r"|(?<![а-яё])(?:п|ст|гл|рис|табл|стр|ч)\.|§|№|(?<![а-яё])[a-z][a-z\d]*)\s*(?:№\s*)?$"
_NAMED_BEFORE = re.compile(
    r"(?:(?<![а-яёa-z])(?:"
    + "|".join(_NUMBERED + _AMOUNT_NOUNS + _AMOUNT_VERBS)
    + r")[а-яё]{0,2}"
    + _ABBREVIATED,
    re.IGNORECASE,
)
# with a year (пункт 3.12.20), only a numbered thing: Курс 12.04.2024 is a date
_NUMBERED_BEFORE = re.compile(
    r"(?:(?<![а-яёa-z])(?:" + "|".join(_NUMBERED) + r")[а-яё]{0,2}" + _ABBREVIATED, re.IGNORECASE
)
_AMOUNT_VERB = re.compile(rf"(?:{'|'.join(_AMOUNT_VERBS)})[а-яё]{{0,2}}")
_AMOUNT_NOUN = re.compile(rf"(?:{'|'.join(_AMOUNT_NOUNS)})[а-яё]{{0,2}}")
# the words of a date's clause: a day named, a meeting or a time limit set, a going or a coming back
_DATE_WORDS = re.compile(
    r"(?<![а-яё])(?:родил|рожд|встреч|встрет|увид|назнач|заплан|состо|пройд|сегодня|завтра|вчера|дат[аыуе]"
    r"|срок|дедлайн|сда[тчмюйе]|приезж|приед|прилет|прилёт|вылет|улет|уезж|уед|верн|отъезд|приезд|заезд|выезд"
    r"|праздн|свадьб|экзамен|концерт|собрани|вышл|выйд|выход|понедельник|вторник|сред[аеуы]|четверг|пятниц"
    r"|суббот|воскресень|(?:пн|вт|ср|чт|пт|сб|вс)(?![а-яё]))",
    re.IGNORECASE,
)
# a clock time or a weekday right after the date (25.12 в 15:00, 2.03 (пн)): a date's
_TIME_AFTER = re.compile(
    r"\s*[,(]?\s*(?:(?:в|с|к)\s+\d{1,2}[:.]\d{2}|(?:пн|вт|ср|чт|пт|сб|вс)(?![а-яё])"
    r"|(?:понедельник|вторник|сред|четверг|пятниц|суббот|воскресень))",
    re.IGNORECASE,
)
# another day.month joined to this one (25.12 и 31.12, версия 1.12 и 1.13)
_JOIN = r"(?:и|или|,|-|–|—)"
_DAY_MONTH = r"(?<![\d.])\d{1,2}\.(?:0[1-9]|1[0-2])"
_JOINED_BEFORE = re.compile(rf"{_DAY_MONTH}\s*{_JOIN}\s*$")
_JOINED_AFTER = re.compile(rf"\s*(?:{_JOIN}|по|до)\s*{_DAY_MONTH}(?![\d.])")
_PRONOUNS = ("я", "ты", "он", "она", "мы", "вы", "они")


def _a_date(m: re.Match[str]) -> bool:
    """Whether a day.month with no year (group "d", "m") is a date, told by the words around it: a
    clock time or a weekday after it, с, со, по, до or после before it, a verb of a date just before it
    (Увидимся 25.12, вышла 12.03), the leading 0 no decimal has (01.03); else, with no amount's word in
    its last few words, на, от or между before it, a date joined to it, a date's word in its clause
    (встреча, сдача, пятница) or its clause opening or ending with it. Before a unit (2.03 процента),
    after a numbered thing (пункт 3.12, версия 1.12, матч 1.05 and the one joined to it) or an amount's
    word (курс, вес, балл, вырос), and where nothing tells, it is left as written, as espeak-ng read it
    before 0a00838: a wrong date says another thing, a dot read "точка" the same number."""
    text = m.string
    before, after = text[: m.start()], text[m.end() :]
    word = _preposition(before)
    joined = _JOINED_BEFORE.search(before)
    if (
        _NAMED_BEFORE.search(before)
        or (joined and _NAMED_BEFORE.search(before[: joined.start()]))
        or word in ("в", "во", "к", "ко")
        or _NOT_A_DATE_AFTER.match(after)
    ):
        return False
    clause = re.split(r"[.!?;:,…\n(]", re.sub(r"\d\.\d", "", before))[-1]
    last = re.findall(r"[а-яё]+", clause.lower())[-3:]
    if any(_AMOUNT_VERB.fullmatch(w) for w in last):  # Цена выросла до 2.10
        return False
    spans = word in ("с", "со", "по", "после") or (word == "до" and not re.search(r"\d\s*до\s*$", before))
    if m.group("d").startswith("0") or spans or _TIME_AFTER.match(after) or _DATE_WORDS.match(word):
        return True
    if any(_AMOUNT_NOUN.fullmatch(w) for w in last):  # Вес был 2.10
        return False
    opens = not clause.strip() or last in ([], *([p] for p in _PRONOUNS))
    ends = re.match(r"\s*(?:[.!?;,…)—–]|$)", after)
    return bool(
        joined
        or _JOINED_AFTER.match(after)
        or opens
        or ends
        or word in ("на", "от", "между")
        or _DATE_WORDS.search(clause)
    )


def _numeric_date(m: re.Match[str]) -> str:
    year = m.group("y")
    before = m.string[: m.start()]
    if _NUMBERED_BEFORE.search(before) or (not year and not _a_date(m)):
        return m.group(0)
    said = f"{int(m.group('d'))} {_MONTHS[int(m.group('m')) - 1]}"
    if year:
        said += f" {year if len(year) == 4 else ('20' if int(year) < 30 else '19') + year} года"
    return said


# a span of days written with a hyphen (1-2 мая, 5-7 мая) is the one with a dash (5–7 мая пятого–седьмого)
_HYPHEN_DAYS = re.compile(rf"(?<![\w.,:\-])(\d{{1,2}})-(?=\d{{1,2}}\s+(?:{'|'.join(_MONTHS)})(?![а-яё]))")
_RULES: list[tuple[re.Pattern[str], Said]] = [
    (_NUMERIC_DATE, _numeric_date),
    (_HYPHEN_DAYS, lambda m: m.group(1) + "–"),
    (re.compile(_AMOUNT + r"\s*тыс\.?(?!\w)"), _counted("тысяча", "тысячи", "тысяч")),
    (re.compile(_AMOUNT + r"\s*млн\.?(?!\w)"), _counted("миллион", "миллиона", "миллионов")),
    (re.compile(_AMOUNT + r"\s*млрд\.?(?!\w)"), _counted("миллиард", "миллиарда", "миллиардов")),
    # 3 тыс. руб.: after thousands and millions the currency is always рублей
    (
        re.compile(r"(?P<k>тысяч(?:а|и|ам|ами|ах|е|ей)?|миллион[а-я]*|миллиард[а-я]*)" + _MONEY_AFTER),
        lambda m: f"{m.group('k')} рублей" + _kept_stop(m),
    ),
    (re.compile(_AMOUNT + _MONEY_AFTER), _counted("рубль", "рубля", "рублей")),
    (re.compile(r"₽\s*" + _AMOUNT[len(r"(?<![\w.,])") :]), _counted("рубль", "рубля", "рублей")),
    (re.compile(_AMOUNT + r"\s*\$"), _counted("доллар", "доллара", "долларов")),
    (re.compile(r"\$\s*" + _AMOUNT[len(r"(?<![\w.,])") :]), _counted("доллар", "доллара", "долларов")),
    (re.compile(_AMOUNT + r"\s*%"), _counted("процент", "процента", "процентов")),
    (re.compile(_AMOUNT + r"\s*км(?!\w)"), _counted("километр", "километра", "километров")),
    (re.compile(_AMOUNT + r"\s*кг(?!\w)"), _counted("килограмм", "килограмма", "килограммов")),
    # 5 мин. was read "min", 30 сек. "sek"
    (re.compile(_AMOUNT + r"\s*мин\.?(?!\w)"), _counted("минута", "минуты", "минут")),
    (re.compile(_AMOUNT + r"\s*сек\.?(?!\w)"), _counted("секунда", "секунды", "секунд")),
    (
        re.compile(
            r"(?<![\w.,\-])(?P<y>[12]\d{3})(?:-(?:м|й|го|му|ом|ым|ый|ой))?\s*(?P<w>г\.|годом|года|году|год)(?!\w)"
        ),
        _year,
    ),
    (re.compile(r"(?<![\w.\-])г\.\s*(?=" + _CAPITAL + r"[а-яё])"), lambda m: "город "),
    (re.compile(r"(?<![\w.\-])ул\.\s*(?=" + _CAPITAL + r")"), lambda m: "улица "),
    _abbreviation("д-р", "доктор"),
    _abbreviation("т. е.", "то есть"),
    _abbreviation("т. д.", "так далее", ends=True),
    _abbreviation("т. п.", "тому подобное", ends=True),
    _abbreviation("т. к.", "так как"),
    _abbreviation("и др.", "и другие", ends=True),
    # a clock time after a preposition: с 9:00 до 18:00 с девяти до восемнадцати (was "девять ноль ноль")
    (re.compile(r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<mm>\d{2})(?![\d:])"), _clock),
    # 5-го мая, 1-е сентября: the ending tells the case (espeak-ng said "пять го")
    (
        re.compile(
            rf"(?<![\w.,:\-])(?P<n>[1-9]|[12]\d|3[01])-(?P<e>ого|ому|го|му|ое|е)\s+(?=(?:{_MONTH_NAMES}|числа|число)(?![а-яё]))"
        ),
        _day_with_ending,
    ),
    # any other number written with an ordinal's ending: в 5-м классе в пятом, 1-е место первое
    (_WITH_ENDING, _with_ending),
    (_CENTURY, _century),
    # 8 Марта, 9 Мая: a holiday's name (Поздравляю с 8 Марта: с восьмым)
    (
        re.compile(
            r"(?<![\w.,:\-])(?P<n>\d{1,2})\s+(?P<month>"
            + "|".join(month.capitalize() for month in _MONTHS)
            + r")(?![а-яё])"
        ),
        _holiday,
    ),
    # с 5 по 7, с 1941 по 1945, с 9 по 11 класс: ordinals, whatever follows the span
    (_PO_SPAN, _po_span),
    # last: a number left in digits after a preposition, in the case it asks (до 5 километров: до пяти)
    (_AFTER_PREPOSITION, _declined),
    # с before в and a consonant is со: со второго мая, со вторника
    (re.compile(r"(?<![\w])([Сс])(?=\s+втор)"), lambda m: m.group(1) + "о"),
    # о before a vowel is об: об одной вещи, об одиннадцати
    (re.compile(r"(?<![\w])([Оо])(?=\s+(?:одн|одиннадцат))"), lambda m: m.group(1) + "б"),
]


def as_said(text: str) -> str:
    """``text`` (a Russian line) with the abbreviations, amounts and signs espeak-ng misreads
    written as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text
