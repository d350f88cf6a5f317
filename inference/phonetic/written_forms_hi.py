"""A Hindi script line as it is said, for espeak-ng's Hindi voice to read.

espeak-ng reads a Hindi line's numbers (150, १५०, 1,50,000) and "25%" (प्रतिशत) right, but "150 रु." as
"ru" where the speaker says रुपये, drops "₹" (₹150 is read "ek sau pachaas", no rupees), reads "Rs." in
English ("ar es"), "डॉ. शर्मा" as "do" and "Dr. शर्मा" in English, each with a sentence's end after
it ("प्रो.", "कि.मी." too). :func:`as_said` writes those as said: an amount with its रुपये (एक रुपया for one) after it, wherever
the sign or abbreviation was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Said = str | Callable[[re.Match[str]], str]

_DEVANAGARI = "\u0900-\u097f"
# a whole number in Western or Devanagari digits, Indian (1,50,000) or Western (150,000) grouping
_AMOUNT = rf"(?<![\w.,{_DEVANAGARI}])(?P<n>\d+(?:,\d+)*(?:\.\d+)?)"
_RUPEE_AFTER = r"\s*(?:रु\.|रू\.|₹|Rs\.?(?![A-Za-z]))"
_RUPEE_BEFORE = r"(?:₹|Rs\.?|रु\.|रू\.)\s*"


def _rupees(m: re.Match[str]) -> str:
    n = m.group("n")
    return f"{n} {'रुपया' if n in ('1', '१') else 'रुपये'}"


def _abbreviation(written: str, said: str) -> tuple[re.Pattern[str], Said]:
    """``written`` (ending in its full stop) read as ``said`` where a word follows it."""
    return re.compile(rf"(?<![\w{_DEVANAGARI}.])" + re.escape(written) + r"\s*(?=\S)"), f"{said} "


_RULES: list[tuple[re.Pattern[str], Said]] = [
    (re.compile(_AMOUNT + _RUPEE_AFTER), _rupees),
    (re.compile(_RUPEE_BEFORE + _AMOUNT[_AMOUNT.index("(?P<n>") :]), _rupees),
    (re.compile(_AMOUNT + r"\s*(?:कि\.\s*मी\.|km(?![A-Za-z]))"), lambda m: f"{m.group('n')} किलोमीटर"),
    (re.compile(_AMOUNT + r"\s*kg(?![A-Za-z])"), lambda m: f"{m.group('n')} किलो"),
    _abbreviation("डॉ.", "डॉक्टर"),
    _abbreviation("डा.", "डॉक्टर"),
    _abbreviation("प्रो.", "प्रोफ़ेसर"),
    _abbreviation("Dr.", "डॉक्टर"),  # read in English ("(en)dɒktə") and ending the sentence
]


def as_said(text: str) -> str:
    """``text`` (a Hindi line) with its rupees, units and titles written as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text
