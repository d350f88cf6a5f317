"""A Russian script line as it is said, for espeak-ng's Russian voice to read.

espeak-ng reads a Russian line's plain numbers and № right, but spells out the abbreviations every
script has: "150 руб." is read "rup", "д-р Петров" "de er", "т. е." "te je", "и т. д." "te de", "г." "ge"
(and its full stop ends the sentence there, as "ул." does), "₽" is dropped, "1 500" is read "один
пятьсот", and "25%" says процент where the speaker says процентов. :func:`as_said` writes those as
said, the noun after a number in the case the number asks (1 рубль, 2 рубля, 5 рублей; after a
fraction рубля). "г." is read only where the words around it tell: after a year (2024 г. год, в 2024 г.
году) or before a capitalised name (г. Москва город); anywhere else it is left as written.
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


def _year(m: re.Match[str]) -> str:
    before = m.string[: m.start()].rstrip().lower()
    word = "году" if re.search(r"(?:^|\s)(?:в|во)$", before) else "год"
    return f"{m.group('y')} {word}" + ("." if re.match(rf"\s+{_CAPITAL}|\s*$", m.string[m.end() :]) else "")


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
    (re.compile(r"(?<![\w.,])(?P<y>\d{4})\s*г\.(?!\w)"), _year),
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
