"""A Spanish, French, German, Italian or Portuguese script line as it is said, for espeak-ng to read.

People write scripts the way they write anything: "à 9 h 30", "le 2e étage", "el 1.º de mayo",
"am 3. Mai um 7:45 Uhr", "z. B. Dr. Müller usw.", "5,50 €". espeak-ng reads many such forms right
(1er, Mme, Dr, Ud., 5 %, 18:30 in French) but spells others out: "neuf ache trente",
"deux e étage", "uno punto o", "drei Mai", "sieben Uhr fünfundvierzig Uhr", "zet be", "cinco coma
cincuenta euros". A line read otherwise than the actor says it is warped onto their voice all the
same (its words still fit well enough), so bilabials land on the wrong sounds (review rv38a F3:
closure 100 % -> 83 %).

:func:`as_said` rewrites only the forms espeak-ng gets wrong (each checked with ``espeak-ng -q -x``)
into words or into a form it reads right: clock times, ordinals, dates, the everyday abbreviations of
each language and amounts of money. A date written with slashes is said as each language says it
(el 12 de octubre de 2026, le 12 octobre 2026, il 12 ottobre 2026, 12 de outubro de 2024), and a
currency sign before the amount after it ("$5" cinco dólares: espeak-ng said "dólar cinco"; review
rv41c F2, F3). Everything else in the line is left as written. Where the
written form alone cannot tell (German "Fr." is Frau or Freitag; French "M." a name's Monsieur or a
letter), the words next to it decide, and when they do not, the form is left as written.

A Korean line is rewritten by :mod:`written_forms_ko` (native numbers before counters, units, dates,
Latin letters); a Russian, Mandarin, Turkish or Hindi one by ``written_forms_ru``, ``_zh``, ``_tr`` and
``_hi`` (abbreviations, %, currency, ordinals, years). Brazilian Portuguese (the pt-br voice) takes
Brazil's words where they differ from Portugal's ("1 km" um quilômetro, "0,50 €" 50 centavos, "dia 1" primeiro); units, slashed dates and
a count before a feminine noun ("2 horas" duas horas) are read the same way in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import written_forms_hi, written_forms_ko, written_forms_ru, written_forms_tr, written_forms_zh
from .full_width import folded

Said = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Said]

_CAPITAL = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"  # a capital letter: the next word is a name or (German) a noun
_CLOCK_END = r"(?![\d:]|[.,]\d)"  # 9:30, not a time code's 00:01.500 or 1:30:00
# an amount of money: its whole part (1.250 / 1 250 / 5) and its cents (,50 / ,5 / ,-)
_AMOUNT = r"(?P<n>\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+)(?:,(?P<c>\d{1,2}|--?)(?!\d))?"
_SPACE = "[ \u00a0\u202f]*"  # French typography puts a (narrow) no-break space before € and %


def as_said(text: str, voice: str) -> str:
    """``text`` with the written forms espeak-ng's ``voice`` (an espeak-ng voice name: es, es-419,
    fr, de, it, pt, pt-br, ko...) would misread rewritten as they are said; any other voice's text as is.
    A variety with forms of its own (pt-br) takes its own rules, any other its language's. Full-width
    digits, Latin letters and % (３点, ５０％) are folded to plain ones first, for every voice."""
    text = folded(text)
    name = voice.split("+")[0].lower()
    own = _OWN_MODULE.get(name) or _OWN_MODULE.get(name.split("-")[0])
    if own:
        return own(text)
    rules = _RULES.get(name) or _RULES.get(name.split("-")[0])
    if not rules:
        return text
    for pattern, said in rules:
        text = pattern.sub(said, text)
    return text


def _abbreviation(written: str, said: str, after: str = "", ends: bool = False) -> Rule:
    """A rule reading ``written`` (spaces in it may be left out: "z. B." is "z.B." too; a lower-case
    first letter may be a capital at a sentence's start) as ``said``, where ``after`` (a lookahead)
    holds. ``ends``: the abbreviation may end a sentence, so its full stop is kept before one."""
    parts = []
    for k, ch in enumerate(written):
        if ch == " ":
            parts.append(r"\s*")
        elif k == 0 and ch.islower():
            parts.append(f"[{ch}{ch.upper()}]")
        else:
            parts.append(re.escape(ch))
    pattern = re.compile(r"(?<![\w.])" + "".join(parts) + r"(?!\w)" + (f"(?={after})" if after else ""))

    def spoken(m: re.Match[str]) -> str:
        words = said[0].upper() + said[1:] if m.group(0)[0].isupper() and written[0].islower() else said
        rest = m.string[m.end() :]
        if ends and written.endswith(".") and re.match(rf"\s+[¿¡«\"]?{_CAPITAL}", rest):
            words += "."
        return words

    return pattern, spoken


def _rule(pattern: str, said: Said | str) -> Rule:
    if isinstance(said, str):
        template = said
        return re.compile(pattern), lambda m: m.expand(template)
    return re.compile(pattern), said


def _minutes(mm: str | None) -> int:
    return int(mm) if mm else 0


def _clock(m: re.Match[str], hour_words: Callable[[int], str], minute_words: Callable[[int], str]) -> str:
    """A clock time (groups "h", "mm") said by the language's words, or as written when it is none."""
    hour, minutes = int(m.group("h")), _minutes(m.group("mm"))
    if hour > 24 or minutes > 59:
        return m.group(0)
    return hour_words(hour) + (minute_words(minutes) if minutes else "")


def _word_before(m: re.Match[str]) -> str:
    words = re.findall(r"\w+", m.string[: m.start()])
    return words[-1].lower() if words else ""


def _whole(amount: str) -> str:
    """An amount's whole part as espeak-ng reads it: thousands kept, a (narrow) no-break space dropped."""
    return re.sub(r"[\u00a0\u202f ]", "", amount)


def _money(
    m: re.Match[str], one: str, many: str, cents: Callable[[int], str], minor: Callable[[int], str]
) -> str:
    """An amount (groups "n", "c") said as ``one``/``many`` ("un euro" / "{n} euros") and its cents
    as ``cents(c)`` after it, or ``minor(c)`` alone for an amount under one."""
    whole = _whole(m.group("n"))
    c = m.group("c")
    small = int(c.ljust(2, "0")) if c and c.isdigit() else 0
    if whole == "0" and small:
        return minor(small)
    said = one if whole == "1" else many.format(n=whole)
    return said + (cents(small) if small else "")


def _money_rules(before: str, after: str, said: Callable[[re.Match[str]], str]) -> list[Rule]:
    """The amount written with its currency after it (5,50 €) or before it (€ 5,50)."""
    return [
        _rule(rf"(?<![\w.,]){_AMOUNT}{_SPACE}(?:{after})", said),
        _rule(rf"(?:{before}){_SPACE}{_AMOUNT}(?![\w])", said),
    ]


def _measure(unit: str, one: str, many: str, count: Callable[[str], str] = str) -> Rule:
    """A number with ``unit`` (a pattern: km, km/h) after it said in words: ``one`` after exactly 1
    ("un kilómetro", as one reads "1 €"), ``many`` after any other number, that number said by ``count``
    (21 veintiún); after decimals or a thousands point (1,5 km, 1.000 km) the number is left as written
    and ``many`` follows it. A unit read as its letters ("ka eme barra hache") is words the actor never said."""

    def said(m: re.Match[str]) -> str:
        n = m.group("n")
        if n is None:
            return f" {many}"
        return one if n == "1" else f"{count(n)} {many}"

    return _rule(rf"(?:(?<![\w.,])(?P<n>\d+)|(?<=\d))\s*{unit}(?!\w)", said)


# a unit's abbreviating full stop ("15 min."), not the sentence's own: kept where a sentence ends
_UNIT_STOP = rf"(?:\.(?!\s*(?:$|[¿¡«\"]?{_CAPITAL})))?"
_CELSIUS = r"°\s?C\b"  # 35 °C: espeak-ng says "degrees" then the letter C
_PER_HOUR = r"km\s*/\s*h"  # before km: the "/h" is part of the unit, not "Kilometer/h"

# --- German -----------------------------------------------------------------------------------

_DE_ONES = ("", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_DE_TEENS = (
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
)
_DE_TENS = ("", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")
_DE_MONTHS = "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
# after these an ordinal ends in -en (am dritten Mai, zum zweiten Mal, den 3. Mai); after der/die/das in -e
_DE_EN = {
    "am",
    "im",
    "vom",
    "zum",
    "beim",
    "dem",
    "den",
    "des",
    "zur",
    "einem",
    "einen",
    "eines",
    "jedem",
    "jeden",
}
_DE_E = {"der", "die", "das", "jede", "jeder", "jedes"}


def _de_ordinal(n: int, ending: str) -> str | None:
    """German ordinal 1-99 with its ending (dritte, dritten, einundzwanzigsten); None above."""
    if not 1 <= n <= 99:
        return None
    irregular = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}
    if n in irregular:
        stem = irregular[n]
    elif n < 10:
        stem = _DE_ONES[n] + "t"
    elif n < 20:
        stem = _DE_TEENS[n - 10] + "t"
    else:
        ones, tens = n % 10, n // 10
        stem = (f"{_DE_ONES[ones]}und" if ones else "") + _DE_TENS[tens] + "st"
    return stem + ending


def _de_ending(m: re.Match[str], default: str | None) -> str | None:
    before = _word_before(m)
    if before in _DE_EN:
        return "en"
    if before in _DE_E:
        return "e"
    return default


def _de_ordinal_before(default: str | None) -> Said:
    """A German "3." said as an ordinal, its ending from the article before it; ``default`` with none."""

    def said(m: re.Match[str]) -> str:
        ending = _de_ending(m, default)
        word = _de_ordinal(int(m.group("n")), ending) if ending else None
        return f"{word} " if word else m.group(0)

    return said


def _de_date(m: re.Match[str]) -> str:
    """24.12.2024 / 3.5.: the day and month said as ordinals (am vierundzwanzigsten zwölften 2024)."""
    day, month = int(m.group("d")), int(m.group("m"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return m.group(0)
    ending = _de_ending(m, "en") or "en"
    said = f"{_de_ordinal(day, ending)} {_de_ordinal(month, ending)}"
    return said + (f" {m.group('y')}" if m.group("y") else "")


def _de_clock(m: re.Match[str]) -> str:
    return _clock(m, lambda h: f"{'ein' if h == 1 else h} Uhr", lambda mm: f" {mm}")


_DE: list[Rule] = [
    # dates and clock times first: their full stops are no ordinal's
    _rule(r"(?<![\w.,])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?:(?P<y>\d{4})(?!\d)|(?!\d))", _de_date),
    _rule(r"(?<![\w.,:])(?P<h>\d{1,2})[:.](?P<mm>\d{2})\s*Uhr\b", _de_clock),
    _rule(r"(?<=\b[Uu]m )(?P<h>\d{1,2})\.(?P<mm>\d{2})(?![\d.])", _de_clock),
    _rule(r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<mm>\d{2})" + _CLOCK_END, _de_clock),
    _rule(r"(?<![\w.,:])1(?=\s+Uhr\b)", "ein"),
    _rule(rf"(?<![\w.,])(?P<n>\d{{1,2}})\.\s+(?=(?:{_DE_MONTHS})\b)", _de_ordinal_before("en")),
    _rule(rf"(?<![\w.,])(?P<n>\d{{1,2}})\.\s+(?={_CAPITAL})", _de_ordinal_before(None)),
    *_money_rules(
        "€|EUR",
        r"€|EUR\b|Euro\b",
        lambda m: _money(m, "ein Euro", "{n} Euro", lambda c: f" {c}", lambda c: f"{c} Cent"),
    ),
    _measure(_PER_HOUR, "ein Kilometer pro Stunde", "Kilometer pro Stunde"),
    _measure("km", "ein Kilometer", "Kilometer"),  # 1 km: espeak-ng says "eins Kilometer"
    _measure("kg", "ein Kilogramm", "Kilogramm"),
    _abbreviation("z. B.", "zum Beispiel"),
    _abbreviation("usw.", "und so weiter", ends=True),
    _abbreviation("bzw.", "beziehungsweise"),
    _abbreviation("d. h.", "das heißt"),
    _abbreviation("u. a.", "unter anderem", ends=True),
    _abbreviation("z. T.", "zum Teil"),
    _abbreviation("v. a.", "vor allem"),
    _abbreviation("u. U.", "unter Umständen"),
    _abbreviation("evtl.", "eventuell"),
    _abbreviation("ggf.", "gegebenenfalls"),
    _abbreviation("inkl.", "inklusive"),
    _abbreviation("vgl.", "vergleiche"),
    _abbreviation("bspw.", "beispielsweise"),
    _abbreviation("ca.", "circa"),
    _abbreviation("etc.", "et cetera", ends=True),
    _abbreviation("Dr.", "Doktor"),
    _abbreviation("Hr.", "Herr"),
    _abbreviation("Hrn.", "Herrn"),
    _abbreviation("Fr.", "Frau", after=rf"\s*{_CAPITAL}[a-zäöüß]"),
    _abbreviation("Nr.", "Nummer"),
    _abbreviation("Str.", "Straße"),
    _abbreviation("Jh.", "Jahrhundert"),
    _abbreviation("Mio.", "Millionen"),
    _abbreviation("Mrd.", "Milliarden"),
    _abbreviation("S.", "Seite", after=r"\s*\d"),
]


def _slashed_date(months: list[str], said: Callable[[int, str, str], str]) -> Said:
    """12/10/2026 (day/month/year, as Spain, France, Italy and Portugal write it) said by ``said(day,
    month's name, year or "")``; a day or month out of range is left as written (a fraction, a score)."""

    def spoken(m: re.Match[str]) -> str:
        day, month = int(m.group("d")), int(m.group("m"))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        before = m.groupdict().get("pre") or ""
        return before + said(day, months[month - 1], m.group("y") or "")

    return spoken


def _date_rules(
    months: list[str], said: Callable[[int, str, str], str], days_before: str, part_of: str
) -> list[Rule]:
    """A slashed date with a year always; without one (12/10) only after ``days_before`` (a pattern of
    the words that say a day follows: el, le, il...), as "1/2" alone is half a cup, and not before
    ``part_of`` (the words that make it a fraction: "el 3/4 de la población"; "": none)."""
    fraction = rf"(?!\s+(?:{part_of})\b)" if part_of else ""
    return [
        _rule(
            r"(?<![\w./])(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\w/])",
            _slashed_date(months, said),
        ),
        _rule(
            rf"(?P<pre>\b(?:{days_before}) )(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?P<y>)(?![\w/]){fraction}",
            _slashed_date(months, said),
        ),
    ]


# --- French -----------------------------------------------------------------------------------

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(letters: str) -> int | None:
    """I-LXXXIX as a number; None for letters that are not one written the usual way."""
    total, last = 0, 0
    for ch in reversed(letters):
        value = _ROMAN[ch]
        total += -value if value < last else value
        last = max(last, value)
    return total if total and _as_roman(total) == letters else None


def _as_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _fr_hour(h: int) -> str:
    return {0: "zéro heure", 1: "une heure", 21: "vingt et une heures"}.get(h, f"{h} heures")


_FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()


def _fr_century(m: re.Match[str]) -> str:
    n = _roman(m.group("r"))
    if n is None or m.group("r") == "L":
        return m.group(0)
    if n == 1:
        return "première" if m.group("s") in ("re", "ère") else "premier"
    return f"{n}ème"


_FR: list[Rule] = [
    # le 12/10/2026: le douze octobre deux mille vingt-six (espeak-ng read three numbers), the first "1er"
    *_date_rules(
        _FR_MONTHS,
        lambda d, month, y: f"{'1er' if d == 1 else d} {month}" + (f" {y}" if y else ""),
        "[Ll]e|[Dd]u|[Aa]u|[Dd]epuis le|[Jj]usqu'au|[Jj]usqu’au",
        r"d'|d’|de|des|du",
    ),
    _rule(
        r"(?<![\w.,:])(?P<h>\d{1,2})\s?h\s?(?P<mm>\d{2})?(?!\w)",
        lambda m: _clock(m, _fr_hour, lambda mm: f" {mm}"),
    ),
    _rule(
        r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<mm>\d{2})" + _CLOCK_END,
        lambda m: _clock(m, _fr_hour, lambda mm: f" {mm}"),
    ),
    _rule(r"(?<![\w.,])1(?:re|ère|ere)(?!\w)", "première"),
    _rule(r"(?<![\w.,])2(?:nd)(?!\w)", "second"),
    _rule(r"(?<![\w.,])2(?:nde)(?!\w)", "seconde"),
    _rule(
        r"(?<![\w.,])(\d+)(?:e|è|eme|ième|ieme)(?!\w)",
        lambda m: m.group(0) if m.group(1) == "1" else f"{m.group(1)}ème",
    ),
    _rule(r"(?<![\w.,])(?P<r>[IVXL]+)(?P<s>er|re|ère|e|ème)(?!\w)", _fr_century),
    *_money_rules(
        "€|EUR",
        r"€|EUR\b|euros?\b",
        lambda m: _money(
            m,
            "un euro",
            "{n} euros",
            lambda c: f" {c}",
            lambda c: "un centime" if c == 1 else f"{c} centimes",
        ),
    ),
    # espeak-ng reads "km" as kilomètre itself, "/h" as "hache"; written singular, as it is said: the
    # plural "kilomètres-heure" it reads with a liaison z nobody makes
    _measure(_PER_HOUR, "un kilomètre-heure", "kilomètre-heure"),
    _abbreviation("M.", "Monsieur", after=rf"\s*{_CAPITAL}"),
    _abbreviation("MM.", "Messieurs", after=rf"\s*{_CAPITAL}"),
    _abbreviation("Me", "Maître", after=rf"\s+{_CAPITAL}"),
    _abbreviation("p. ex.", "par exemple"),
    _abbreviation("c.-à-d.", "c'est-à-dire"),
    _abbreviation("cf.", "voir"),
    _abbreviation("env.", "environ"),
    _abbreviation("av. J.-C.", "avant Jésus-Christ", ends=True),
    _abbreviation("apr. J.-C.", "après Jésus-Christ", ends=True),
    _abbreviation("Cie", "compagnie"),
    _abbreviation("tél.", "téléphone"),
    _abbreviation("av.", "avenue", after=rf"\s*{_CAPITAL}"),
    # 45 min, 35 °C: espeak-ng said "min" (as in "main") and "degrés cé"
    _measure(f"min{_UNIT_STOP}", "une minute", "minutes"),
    _measure(_CELSIUS, "un degré", "degrés"),
    *_money_rules(
        r"US\$|\$",
        r"(?!)",  # "250 $" espeak-ng says right, without a liaison z before a vowel
        lambda m: _money(m, "un dollar", "{n} dollars", lambda c: f" {c}", lambda c: f"{c} cents"),
    ),
    _rule(r"(?<![\w.])[nN][°º]\s*(?=\d)", lambda m: ("Numéro" if m.group(0)[0] == "N" else "numéro") + " "),
]

# --- Spanish ----------------------------------------------------------------------------------


def _es_hour(h: int) -> str:
    return {1: "una", 21: "veintiuna"}.get(h, str(h))


def _es_minutes(mm: int) -> str:
    return f" y {mm}" if mm < 10 else f" {mm}"


def _es_one(n: str) -> str:
    """A count before a masculine noun: 1 un, 21 veintiún, 31 treinta y un (espeak-ng says uno)."""
    if n.isdigit() and int(n) < 100 and n.endswith("1") and n != "11":
        return {"1": "un", "21": "veintiún"}.get(n) or f"{int(n) - 1} y un"
    return n


def _es_money(one: str, many: str, cent: str) -> Said:
    """An amount said with its currency after it, as Spanish says any: "5 euros con 50", "veintiún
    dólares", "un céntimo" / "un centavo"."""

    def said(m: re.Match[str]) -> str:
        whole = _whole(m.group("n"))
        c = m.group("c")
        small = int(c.ljust(2, "0")) if c and c.isdigit() else 0
        if whole == "0" and small:
            return f"un {cent}" if small == 1 else f"{small} {cent}s"
        return (one if whole == "1" else f"{_es_one(whole)} {many}") + (f" con {small}" if small else "")

    return said


_ES_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
)


def _spanish(latin_america: bool) -> list[Rule]:
    """Spain's and Latin America's rules: the same forms; "$" alone is Latin America's peso sign (a
    price in Mexico, Argentina, Colombia or Chile), in Spain the dollar's. US$ and USD are dollars in both."""
    dollar = _es_money("un dólar", "dólares", "centavo")
    rules: list[Rule] = [
        *_ES_BEFORE_MONEY,
        *_money_rules("€|EUR", r"€|EUR\b|euros?\b", _es_money("un euro", "euros", "céntimo")),
        _rule(rf"(?<![\w.,]){_AMOUNT}{_SPACE}(?:USD\b|US\$|d[óo]lar(?:es)?\b)", dollar),
        _rule(rf"(?:US\$|USD){_SPACE}{_AMOUNT}(?!\w|[.,]\d)", dollar),
    ]
    sign = _es_money("un peso", "pesos", "centavo") if latin_america else dollar
    rules += [
        _rule(rf"(?<![\w.,]){_AMOUNT}{_SPACE}\$", sign),
        _rule(rf"(?<![\w$])\${_SPACE}{_AMOUNT}(?!\w|[.,]\d)", sign),
    ]
    return rules + _ES_AFTER_MONEY


_ES_BEFORE_MONEY: list[Rule] = [
    # el 12/10/2026: el doce de octubre de dos mil veintiséis (espeak-ng read "doce barra diez barra...")
    *_date_rules(
        _ES_MONTHS,
        lambda d, month, y: f"{d} de {month}" + (f" de {y}" if y else ""),
        "[Ee]l|[Dd]el|[Aa]l|[Hh]asta el|[Dd]esde el|[Pp]ara el",
        r"de\s+(?:la|las|los|el|un|una|lo)",
    ),
    _rule(  # 9 h, 9h30 (las nueve horas treinta); a time with a colon is said without "horas"
        r"(?<![\w.,:])(?P<h>\d{1,2})\s?h(?:\s?(?P<mm>\d{2}))?(?!\w)",
        lambda m: _clock(m, lambda h: "una hora" if h == 1 else f"{_es_hour(h)} horas", _es_minutes),
    ),
    _rule(
        r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<mm>\d{2})" + _CLOCK_END + r"(?:\s*h\b\.?)?",
        lambda m: _clock(m, _es_hour, _es_minutes),
    ),
    _rule(
        r"(?<=\b[Ll]as )(?P<h>\d{1,2})\.(?P<mm>\d{2})(?![\d.])(?:\s*h\b\.?)?",
        lambda m: _clock(m, _es_hour, _es_minutes),
    ),
    _rule(
        r"(?<=\b[Ll]a )(?P<h>1)\.(?P<mm>\d{2})(?![\d.])(?:\s*h\b\.?)?",
        lambda m: _clock(m, _es_hour, _es_minutes),
    ),
    _rule(r"(?<![\w.,])(\d+)\.([ºª])", r"\1\2"),
    _rule(r"(?<![\w.,])(\d+)(?:ro|do|to|mo|vo|no)(?!\w)", r"\1º"),
    _rule(r"(?<![\w.,])(\d+)(?:ra|da|ta|ma|va|na)(?!\w)", r"\1ª"),
    _rule(r"(?<![\w.,])1\.?er(?!\w)", "primer"),
    _rule(r"(?<![\w.,])3\.?er(?!\w)", "tercer"),
]
_ES_TITLES = (
    ("Sr.", "señor"),
    ("Sra.", "señora"),
    ("Srta.", "señorita"),
    ("Sres.", "señores"),
    ("Sras.", "señoras"),
    ("Dr.", "doctor"),
    ("Dra.", "doctora"),
    ("Dres.", "doctores"),
    ("Prof.", "profesor"),
    ("Profa.", "profesora"),
)
# words that start a Spanish sentence and are never a surname (El, La, Del, Las... are left out: Del Río,
# La Rosa): after a title they mean the title ended one
_ES_SENTENCE_STARTS = "|".join(
    "Después Luego Entonces Pero Y E O Ni Que Es Son Era Fue Está Están No Sí Hoy Ayer Mañana Ahora Aquí Allí "
    "Cuando Como Dónde Donde Qué Quién Cómo Cuándo Por Para Con Sin En Un Una Lo Le Les Me Te Se Nos "
    "Yo Tú Él Ella Nosotros Ellos Ellas Usted Ustedes Mi Su Sus Este Esta Eso Esto Ese Esa Ya También "
    "Tampoco Bueno Vale Claro Gracias Hola Adiós Mientras Aunque Si Pues Así Nunca Siempre Todo Todos".split()
)


_ES_AFTER_MONEY: list[Rule] = [
    # 15 min., 3 hab. (a flat's rooms), 30 seg.: espeak-ng read "min", "ab", "se ge"; the full stop
    # kept where it ends the sentence
    _measure(f"min{_UNIT_STOP}", "un minuto", "minutos", _es_one),
    _measure(f"seg{_UNIT_STOP}", "un segundo", "segundos", _es_one),
    _measure(f"hab{_UNIT_STOP}", "una habitación", "habitaciones"),
    # 30 cm, 500 g, 35 °C: espeak-ng spelled the letters ("ce eme", "grados ce")
    _measure("cm", "un centímetro", "centímetros", _es_one),
    _measure("mm", "un milímetro", "milímetros", _es_one),
    _measure("g", "un gramo", "gramos", _es_one),
    _measure("ml", "un mililitro", "mililitros", _es_one),
    _measure(_CELSIUS, "un grado", "grados", _es_one),
    _abbreviation("pl.", "plaza", after=rf"\s*{_CAPITAL}"),
    _abbreviation("pza.", "plaza", after=rf"\s*{_CAPITAL}"),
    _abbreviation("hab.", "habitación", ends=True),
    # s. XXI: siglo veintiuno (espeak-ng said "ese"); espeak-ng reads the Roman numeral after siglo
    _abbreviation("s.", "siglo", after=r"\s*[IVXL]+\b"),
    _measure(_PER_HOUR, "un kilómetro por hora", "kilómetros por hora", _es_one),
    _measure("km", "un kilómetro", "kilómetros", _es_one),
    _measure("kg", "un kilo", "kilos", _es_one),
    _rule(
        r"(?<![\w.])[nN](?:\.\s*[ºo°]|[º°])\s*(?=\d)",
        lambda m: ("Número" if m.group(0)[0] == "N" else "número") + " ",
    ),
    _abbreviation("núm.", "número"),
    _abbreviation("etc.", "etcétera", ends=True),
    _abbreviation("p. ej.", "por ejemplo"),
    _abbreviation("EE. UU.", "Estados Unidos", ends=True),
    _abbreviation("Avda.", "avenida"),
    _abbreviation("Av.", "avenida", after=rf"\s*{_CAPITAL}"),
    _abbreviation("pág.", "página"),
    _abbreviation("págs.", "páginas"),
    _abbreviation("aprox.", "aproximadamente"),
    # el Sr. García, la Dra. Ruiz: espeak-ng ended a clause at the title's full stop (a pause and a
    # plosive g after "señor"), and said Prof., Lic., Ing. as "prof", "lik", "ing"; Ud./Uds. it reads
    # right. Lic. and Ing. are a woman's title after "la".
    # a title that ends a sentence ("Esperamos al Dr. Después..."): its full stop is the sentence's
    # too, so it stays (review rv41e F3); a name after a title is never one of these words
    *(
        _rule(rf"(?<![\w.]){re.escape(written)}(?=\s+[¿¡«\"]?(?:{_ES_SENTENCE_STARTS})\b)", f"{said}.")
        for written, said in _ES_TITLES
    ),
    *(_abbreviation(written, said, after=r"\s*[¿¡«\"]?\w") for written, said in _ES_TITLES),
    _rule(r"(?<=\b[Ll]a )Lic\.(?=\s*\w)", "licenciada"),
    _rule(r"(?<=\b[Ll]a )Ing\.(?=\s*\w)", "ingeniera"),
    _abbreviation("Lic.", "licenciado", after=r"\s*\w"),
    _abbreviation("Ing.", "ingeniero", after=r"\s*\w"),
    _abbreviation("D.ª", "doña"),
    _abbreviation("Dª", "doña"),
    _abbreviation("Dña.", "doña"),
    _abbreviation("Vd.", "usted"),
    _abbreviation("Vds.", "ustedes"),
    _abbreviation("tel.", "teléfono"),
    _abbreviation("tfno.", "teléfono"),
    _rule(
        r"(?<!\S)[cC]/\s*(?=" + _CAPITAL + ")",
        lambda m: ("Calle" if m.group(0)[0] == "C" else "calle") + " ",
    ),
]

# --- Italian ----------------------------------------------------------------------------------

_IT_MONTHS = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split()
)

_IT: list[Rule] = [
    # il 12/10/2026: il dodici ottobre duemilaventisei (espeak-ng read "dodici barra dieci barra..."),
    # the first of a month "primo" (1º)
    *_date_rules(
        _IT_MONTHS,
        lambda d, month, y: f"{'1º' if d == 1 else d} {month}" + (f" {y}" if y else ""),
        "[Ii]l|[Dd]al|[Aa]l|[Ff]ino al|[Ee]ntro il|[Pp]er il",
        r"d[ei]\w*|della|delle|degli",
    ),
    # l'8, dell'11 (maggio): espeak-ng spells the l' out ("elle otto") before a digit; the number said
    _rule(
        r"\b((?:[Ll]|[Dd]ell|[Aa]ll|[Nn]ell|[Dd]all|[Ss]ull)['’])0?(8|11)(?![\w/.,])",
        lambda m: m.group(1) + {"8": "otto", "11": "undici"}[m.group(2)],
    ),
    _rule(r"\b((?:[Aa]|[Dd]a)lle|[Ll]e)\s+(\d{1,2})\.(\d{2})(?![\d.])", r"\1 \2:\3"),
    # 3° piano: terzo piano (an ordinal typed with the degree sign; espeak-ng said "tre gradi piano")
    _rule(
        r"(?<![\w.,])(\d{1,2})°(?=\s+(?:piano|posto|anno|giorno|secolo|volta|classificato|premio|livello"
        r"|capitolo|binario|turno|tempo|figlio|figlia|classe|grado|ora)\b)",
        r"\1º",
    ),
    _rule(
        r"(?<![\w.,])(\d{1,2})°(?=\s+(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre"
        r"|ottobre|novembre|dicembre)\b)",
        r"\1º",
    ),
    *_money_rules(
        "€|EUR",
        r"€|EUR\b|euro\b",
        lambda m: _money(
            m,
            "un euro",
            "{n} euro",
            lambda c: f" e {c}",
            lambda c: "un centesimo" if c == 1 else f"{c} centesimi",
        ),
    ),
    _measure(_PER_HOUR, "un chilometro orario", "chilometri orari"),
    _measure("km", "un chilometro", "chilometri"),
    _abbreviation("Sig.", "signor"),
    _abbreviation("Sig.ra", "signora"),
    _abbreviation("Sig.na", "signorina"),
    _abbreviation("Dott.", "dottor"),
    _abbreviation("Dott.ssa", "dottoressa"),
    _abbreviation("ecc.", "eccetera", ends=True),
    _abbreviation("p. es.", "per esempio"),
    _abbreviation("n.", "numero", after=r"\s*\d"),
    _abbreviation("p.zza", "piazza"),
    # 45 min., 2,5 kg, 30 cm, 35 °C: espeak-ng said "min", "kappa gi", "ci emme", "gradi ci"
    _measure(f"min{_UNIT_STOP}", "un minuto", "minuti"),
    _measure("kg", "un chilo", "chili"),
    _measure("g", "un grammo", "grammi"),
    _measure("cm", "un centimetro", "centimetri"),
    _measure("mm", "un millimetro", "millimetri"),
    _measure(_CELSIUS, "un grado", "gradi"),
    *_money_rules(
        r"US\$|\$",
        r"\$|USD\b",
        lambda m: _money(m, "un dollaro", "{n} dollari", lambda c: f" e {c}", lambda c: f"{c} centesimi"),
    ),
]

# --- Portuguese (Portugal and Brazil) ------------------------------------------------------------

_PT_MONTHS = (
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split()
)
_PT_TENS = ("", "", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa")
# nouns a count before is said in the feminine (duas horas, uma pessoa, vinte e duas vezes): espeak-ng
# says every number in the masculine ("dois horas")
_PT_FEMININE = (
    "hora|horas|pessoa|pessoas|vez|vezes|semana|semanas|criança|crianças|coisa|coisas|mulher|mulheres"
    "|menina|meninas|garrafa|garrafas|página|páginas|noite|noites|cerveja|cervejas|xícara|xícaras"
    "|chávena|chávenas|colher|colheres|fatia|fatias|casa|casas|aula|aulas|cidade|cidades|filha|filhas"
    "|irmã|irmãs|amiga|amigas|palavra|palavras|pergunta|perguntas|opção|opções|vaga|vagas|entrada|entradas"
)


def _pt_hour(h: int) -> str:
    return {
        0: "zero hora",
        1: "uma hora",
        2: "duas horas",
        21: "vinte e uma horas",
        22: "vinte e duas horas",
    }.get(h, f"{h} horas")


def _pt_feminine(m: re.Match[str]) -> str:
    """1, 2, 21, 32... before a feminine noun: uma, duas, vinte e uma, trinta e duas."""
    n = int(m.group("n"))
    tens, ones = divmod(n, 10)
    word = {1: "uma", 2: "duas"}[ones]
    return word if tens == 0 else f"{_PT_TENS[tens]} e {word}"


def _pt_date(brazil: bool) -> Callable[[int, str, str], str]:
    """25/12/2024 -> 25 de dezembro de 2024 (:func:`_date_rules`); the first of a month in Brazil
    "primeiro" (1º)."""

    def said(day: int, month: str, year: str) -> str:
        first = "1º" if brazil and day == 1 else str(day)
        return f"{first} de {month}" + (f" de {year}" if year else "")

    return said


def _portuguese(brazil: bool) -> list[Rule]:
    """Portugal's and Brazil's rules: the same forms, said with each one's words (quilómetro /
    quilômetro, cêntimo / centavo, "1 de maio" um / primeiro de maio)."""
    km = "quilômetro" if brazil else "quilómetro"
    cent = "centavo" if brazil else "cêntimo"
    months = "|".join(_PT_MONTHS)
    rules: list[Rule] = [
        _rule(
            r"(?<![\w.,:])(?P<h>\d{1,2})\s?h\s?(?P<mm>\d{2})?(?!\w)",
            lambda m: _clock(m, _pt_hour, lambda mm: f" e {mm}"),
        ),
        _rule(r"(?<![\w.,])(\d+)\.([ºª])", r"\1\2"),
        # dates: with a year always; without one where the words before it say it is a day ("1/2" is
        # half of a recipe's cup)
        *_date_rules(_PT_MONTHS, _pt_date(brazil), days_before="[Dd]ia|[Ee]m|[Aa]té|[Dd]esde", part_of=""),
        *_money_rules(
            "€|EUR",
            r"€|EUR\b|euros?\b",
            lambda m: _money(
                m,
                "um euro",
                "{n} euros",
                lambda c: f" e {c}",
                lambda c: f"um {cent}" if c == 1 else f"{c} {cent}s",
            ),
        ),
        *_money_rules(
            r"R\$",
            r"reais\b|real\b",
            lambda m: _money(
                m,
                "um real",
                "{n} reais",
                lambda c: f" e {c}",
                lambda c: "um centavo" if c == 1 else f"{c} centavos",
            ),
        ),
        *_money_rules(
            r"US\$|\$",
            r"(?!)",
            lambda m: _money(
                m,
                "um dólar",
                "{n} dólares",
                lambda c: f" e {c}",
                lambda c: "um centavo" if c == 1 else f"{c} centavos",
            ),
        ),
        _measure(_PER_HOUR, f"um {km} por hora", f"{km}s por hora"),
        _measure("km", f"um {km}", f"{km}s"),
        _measure("cm", "um centímetro", "centímetros"),
        _measure("mm", "um milímetro", "milímetros"),
        _measure("m", "um metro", "metros"),
        _measure("kg", "um quilo", "quilos"),
        _measure("g", "um grama", "gramas"),
        _measure("ml", "um mililitro", "mililitros"),
        _measure("[lL]", "um litro", "litros"),
        # 30 °C, 30° at a clause's end (1° lugar, 1° de maio: an ordinal typed with the degree sign)
        _measure(r"(?:[°º]\s?C\b|°(?=\s*(?:[.,;:!?)]|$)))", "um grau", "graus"),
        _rule(rf"(?<![\w.,/])(?P<n>[2-9]?[12])(?=\s+(?:{_PT_FEMININE})\b)", _pt_feminine),
        _abbreviation("Sr.", "senhor"),
        _abbreviation("Sra.", "senhora"),
        _abbreviation("Srta.", "senhorita"),
        _abbreviation("Prof.", "professor"),
        _abbreviation("Profa.", "professora"),
        _abbreviation("Av.", "avenida", after=rf"\s*{_CAPITAL}"),
        _abbreviation("pág.", "página", after=r"\s*\d"),
        _abbreviation("p. ex.", "por exemplo"),
        _rule(
            r"(?<![\w.])[nN](?:\.\s*)?[º°]\s*(?=\d)",
            lambda m: ("Número" if m.group(0)[0] == "N" else "número") + " ",
        ),
    ]
    if brazil:  # the first of a month is "primeiro" in Brazil: 1 de maio, dia 1
        rules.append(_rule(rf"(?<![\w.,])1(?=\s+de\s+(?:{months})\b)", "1º"))
        rules.append(_rule(r"(?<=\b[Dd]ia )1(?![\w.,º/])", "1º"))
    return rules


_PT = _portuguese(brazil=False)
_PT_BR = _portuguese(brazil=True)

_RULES: dict[str, list[Rule]] = {
    "de": _DE,
    "fr": _FR,
    "es": _spanish(latin_america=False),
    "es-419": _spanish(latin_america=True),
    "it": _IT,
    "pt": _PT,
    "pt-br": _PT_BR,
}

# languages whose forms have a module of their own (a number's case, a Han numeral, a Turkish ordinal)
_OWN_MODULE: dict[str, Callable[[str], str]] = {
    "ko": written_forms_ko.as_said,
    "ru": written_forms_ru.as_said,
    "cmn": written_forms_zh.as_said,
    "tr": written_forms_tr.as_said,
    "hi": written_forms_hi.as_said,
}
