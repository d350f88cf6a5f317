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
году, both). A год written out keeps its own case (по 2024 году, "according to", the dative). Other numbers after a preposition keep espeak-ng's nominative (с 5 до 7 is read "с
пять до семь", said "с пяти до семи"): Russian declines every part of a cardinal, and which case a
preposition asks depends on its meaning (в 3 часа, в 3 комнатах), so no small rule says it right.
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
        return f"{_whole(m)}{m.group('f') or ''} {_form(m, one, few, many)}" + _kept_stop(m)

    return said


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
            if tens == 1:
                stem = _ORDINAL_TEENS[ones]
            elif ones == 0:
                stem = _ORDINAL_TENS[tens]
            else:
                words += [_TENS[tens]] if tens else []
                stem = _ORDINAL_ONES[ones]
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
_RULES: list[tuple[re.Pattern[str], Said]] = [
    (re.compile(_AMOUNT + r"\s*тыс\.?(?!\w)"), _counted("тысяча", "тысячи", "тысяч")),
    (re.compile(_AMOUNT + r"\s*млн\.?(?!\w)"), _counted("миллион", "миллиона", "миллионов")),
    (re.compile(_AMOUNT + r"\s*млрд\.?(?!\w)"), _counted("миллиард", "миллиарда", "миллиардов")),
    # 3 тыс. руб.: after thousands and millions the currency is always рублей
    (
        re.compile(r"(?P<k>тысяч[аи]?|миллион(?:а|ов)?|миллиард(?:а|ов)?)" + _MONEY_AFTER),
        lambda m: f"{m.group('k')} рублей" + _kept_stop(m),
    ),
    (re.compile(_AMOUNT + _MONEY_AFTER), _counted("рубль", "рубля", "рублей")),
    (re.compile(r"₽\s*" + _AMOUNT[len(r"(?<![\w.,])") :]), _counted("рубль", "рубля", "рублей")),
    (re.compile(_AMOUNT + r"\s*\$"), _counted("доллар", "доллара", "долларов")),
    (re.compile(r"\$\s*" + _AMOUNT[len(r"(?<![\w.,])") :]), _counted("доллар", "доллара", "долларов")),
    (re.compile(_AMOUNT + r"\s*%"), _counted("процент", "процента", "процентов")),
    (re.compile(_AMOUNT + r"\s*км(?!\w)"), _counted("километр", "километра", "километров")),
    (re.compile(_AMOUNT + r"\s*кг(?!\w)"), _counted("килограмм", "килограмма", "килограммов")),
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
]


def as_said(text: str) -> str:
    """``text`` (a Russian line) with the abbreviations, amounts and signs espeak-ng misreads
    written as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text
