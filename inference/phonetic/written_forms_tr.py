"""A Turkish script line as it is said, for espeak-ng's Turkish voice to read.

espeak-ng reads "%25" (Turkish puts the sign first) as yüzde yirmi beş, but "25%" as yirmi beş yüzde,
"Dr." as "de re" (and its full stop ends the sentence: "Prof.", "Av.", "Sn." too), "100 TL" as "te le",
"₺50" without its lira, and an ordinal "3. katta" as "üç" where the speaker says üçüncü. :func:`as_said`
writes those as said. "3." is read as an ordinal only before a lower-case word (a sentence ending in
"3." is followed by a capital or nothing), as Turkish writes ordinals ("1. sınıf", "3. kat").
"""

from __future__ import annotations

import re
from collections.abc import Callable

Said = str | Callable[[re.Match[str]], str]

_ONES = ("", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz")
_TENS = ("", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan")
# the ordinal suffix after a word's last vowel (vowel harmony): üç -> üçüncü, altı -> altıncı
_SUFFIX_VOWEL = {"a": "ı", "ı": "ı", "e": "i", "i": "i", "o": "u", "u": "u", "ö": "ü", "ü": "ü"}
_VOWELS = "aıeioöuü"
_CAPITAL = "[A-ZÇĞİÖŞÜ]"


def cardinal(n: int) -> str:
    """``n`` (1-999) in Turkish words: 25 yirmi beş, 100 yüz, 300 üç yüz."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words += ([] if hundreds == 1 else [_ONES[hundreds]]) + ["yüz"]
    if rest // 10:
        words.append(_TENS[rest // 10])
    if rest % 10:
        words.append(_ONES[rest % 10])
    return " ".join(words)


def ordinal(n: int) -> str:
    """``n`` (1-999) as a Turkish ordinal: 1 birinci, 3 üçüncü, 4 dördüncü, 25 yirmi beşinci."""
    words = cardinal(n)
    if words.endswith("dört"):
        words = words[:-1] + "d"  # dört -> dördüncü: its t is voiced before the suffix
    vowel = _SUFFIX_VOWEL[next(ch for ch in reversed(words) if ch in _VOWELS)]
    return words + ("nc" if words[-1] in _VOWELS else f"{vowel}nc") + vowel


def _ordinal(m: re.Match[str]) -> str:
    n = int(m.group("n"))
    return ordinal(n) if 1 <= n <= 999 else m.group(0)


def _abbreviation(
    written: str, said: str, after: str = "", ends: bool = False
) -> tuple[re.Pattern[str], Said]:
    """``written`` read as ``said``; ``ends``: it may end a sentence ("elma, armut vs. Sonra"), whose
    full stop is kept where the rest of the line is empty or starts with a capital (espeak-ng's pause)."""
    pattern = re.compile(r"(?<![\w.])" + re.escape(written) + r"(?!\w)" + (f"(?={after})" if after else ""))
    if not ends:
        return pattern, said
    return pattern, lambda m: said + ("." if re.match(rf"\s+{_CAPITAL}|\s*$", m.string[m.end() :]) else "")


_AMOUNT = r"(?<![\w.,])(?P<n>\d+(?:[.,]\d+)*)"
_RULES: list[tuple[re.Pattern[str], Said]] = [
    (re.compile(_AMOUNT + r"\s*%"), lambda m: f"yüzde {m.group('n')}"),
    (re.compile(_AMOUNT + r"\s*(?:TL\b|₺)"), lambda m: f"{m.group('n')} lira"),
    (re.compile(r"(?:₺|TL)\s*(?P<n>\d+(?:[.,]\d+)*)"), lambda m: f"{m.group('n')} lira"),
    (re.compile(_AMOUNT + r"\s*km(?!\w)"), lambda m: f"{m.group('n')} kilometre"),
    (re.compile(_AMOUNT + r"\s*kg(?!\w)"), lambda m: f"{m.group('n')} kilogram"),
    (re.compile(r"(?<![\w.,:])(?P<n>\d{1,3})\.(?=\s+[a-zçğıöşü])"), _ordinal),
    _abbreviation("Dr.", "Doktor"),
    _abbreviation("Prof.", "Profesör"),
    _abbreviation("Doç.", "Doçent"),
    _abbreviation("Av.", "Avukat", after=rf"\s*{_CAPITAL}"),
    _abbreviation("Sn.", "Sayın", after=rf"\s*{_CAPITAL}"),
    _abbreviation("No.", "numara", after=r"\s*\d"),
    _abbreviation("no.", "numara", after=r"\s*\d"),
    _abbreviation("vb.", "ve benzeri", ends=True),
    _abbreviation("vs.", "vesaire", ends=True),
    _abbreviation("Cad.", "Caddesi"),
    _abbreviation("Sok.", "Sokağı"),
    _abbreviation("Mah.", "Mahallesi"),
]


def as_said(text: str) -> str:
    """``text`` (a Turkish line) with its abbreviations, ordinals, % and lira written as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text
