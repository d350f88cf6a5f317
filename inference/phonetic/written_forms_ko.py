"""A Korean script line as it is said, for espeak-ng's Korean voice to read.

espeak-ng reads every digit in a Korean line with the Sino-Korean numbers (일, 이, 삼...), which is
right for money, years, days, minutes and floors but not for what Koreans count with their native
numbers: "3시" is 세 시, not 삼 시; "사과 3개" 세 개; "20살" 스무 살; "책 2권" 두 권. It reads "6월" as 육 월
(said 유월), drops a decimal's point ("1.5배" 일 오 배), reads "3:30" as 삼 삼십, and reads what is not
Hangul in English or not at all: "5kg" kay-gee, "50%" percent, "2~3개" tilde, "$10" 십, "KBS" kay-bee-ess,
"3/1" slash. Each of those puts sounds under the lips that the actor never made.

:func:`as_said` rewrites those forms into Hangul words, or into digits and Hangul espeak-ng reads
right ("3:30" -> "세 시 30분": it says the minutes 삼십 itself). Native numbers are used only where the
counter after the number takes them without doubt (시 for 1-12, 개, 명, 살, 마리, 권, 잔, 시간, 번째...);
a counter that is said both ways ("3번" is 삼 번, "bus number three", or 세 번, "three times"; "3대" is
세 대 or 삼 대) takes its native number only with the words that tell (번이나, 번씩, 번 만에), and a number
after 제 (제3장) is an ordinal, said in Sino-Korean. Readings follow the National Institute of Korean
Language's standard usage (표준국어대사전: 세 시, 유월, 시월, 스무 살, 첫 번째, 두세 개, 서너 명).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Said = Callable[[re.Match[str]], str]
Rule = tuple[re.Pattern[str], Said]

# the native numbers before a counter (한 개, 스무 살, 스물한 명) and said alone (하나, 스물)
_ONES_BEFORE = ("", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉")
_ONES_ALONE = ("", "하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉")
_TENS = ("", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔")
_SINO_DIGITS = "영일이삼사오육칠팔구"  # a digit said on its own (a decimal's, a phone number's)

# counters that take the native numbers (1-99) whatever comes after them, longest first; each with
# what may not follow it (개월 and 개국 are Sino-Korean: 삼 개월, 삼 개국)
_NATIVE_COUNTERS: tuple[tuple[str, str], ...] = (
    ("번째", ""),
    ("시간", ""),
    ("사람", ""),
    ("켤레", ""),
    ("그릇", ""),
    ("송이", ""),
    ("자루", ""),
    ("봉지", ""),
    ("상자", ""),
    ("가지", ""),
    ("군데", ""),
    ("마리", ""),
    ("바퀴", ""),
    ("조각", ""),
    ("개", "월|국|년|소|교"),
    ("명", ""),
    ("살", ""),
    ("권", ""),
    ("잔", ""),
    ("병", ""),
    ("벌", ""),
    ("곳", ""),
    ("달", "러"),  # 달러 is a currency, said with Sino-Korean numbers
    ("장", ""),
    ("통", ""),
    ("알", ""),
    ("끼", ""),
    ("채", ""),
)
# 번 takes the native number where the words after it say "times": 세 번이나, 두 번씩, 세 번 만에
_TIMES_AFTER = r"(?:이나|씩|만에|만|밖에|정도|쯤|이상|이하|연속|째|\s+(?:만에|더|다시|정도|이상|연속))"
# an hour of the clock (1-12) is native; 13-24 are said with Sino-Korean numbers (십사 시)
_HOUR = "시"
_HOUR_NOT_AFTER = "간|즌|리즈"  # 시간 is its own counter; 시즌, 시리즈 are words
# consecutive small numbers before a native counter said as one word: 두세 개, 서너 명
_PAIRS = {(1, 2): "한두", (2, 3): "두세", (3, 4): "서너", (4, 5): "네다섯", (5, 6): "대여섯"}

_RANGE = r"\s*[~〜～\-]\s*"
_NOT_AFTER_NUMBER = r"(?<![\d.,:/\-~〜～])"  # the number is not the tail of 1.5, 1,000, 3:30, 3/1
# 제3장, 제 2권: an ordinal, said in Sino-Korean (제 as a prefix only: 문제 3개 is 세 개)
_ORDINAL = r"(?<!(?<![가-힣])제)(?<!(?<![가-힣])제 )"

# Latin letters as Koreans name them (KBS 케이비에스, TV 티브이, A형 에이형)
_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        (
            "에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스 티 유 브이 더블유 엑스 "
            "와이 제트"
        ).split(),
        strict=True,
    )
)
# units after a number (longest first: km/h before km before m), said as Koreans say them
_UNITS: tuple[tuple[str, str], ...] = (
    ("km/h", "킬로미터"),
    ("kcal", "킬로칼로리"),
    ("km", "킬로미터"),
    ("㎞", "킬로미터"),
    ("cm", "센티미터"),
    ("㎝", "센티미터"),
    ("mm", "밀리미터"),
    ("㎜", "밀리미터"),
    ("m²", "제곱미터"),
    ("㎡", "제곱미터"),
    ("m", "미터"),
    ("kg", "킬로그램"),
    ("㎏", "킬로그램"),
    ("mg", "밀리그램"),
    ("g", "그램"),
    ("ml", "밀리리터"),
    ("mL", "밀리리터"),
    ("㎖", "밀리리터"),
    ("ℓ", "리터"),
    ("L", "리터"),
    ("l", "리터"),
    ("GB", "기가바이트"),
    ("MB", "메가바이트"),
    ("TB", "테라바이트"),
    ("°C", "도"),
    ("℃", "도"),
    ("°", "도"),
    ("%", "퍼센트"),
    ("％", "퍼센트"),
)
_CURRENCY_BEFORE = {"US$": "달러", "$": "달러", "€": "유로", "£": "파운드", "₩": "원", "￦": "원"}


def native(n: int, alone: bool = False) -> str | None:
    """``n`` (1-99) in native Korean numbers: before a counter (한, 스무, 스물한) or ``alone`` (하나,
    스물); None outside 1-99, where Koreans count with Sino-Korean numbers (백 명)."""
    if not 1 <= n <= 99:
        return None
    tens, ones = divmod(n, 10)
    if not ones:
        return "스무" if n == 20 and not alone else _TENS[tens]
    return _TENS[tens] + (_ONES_ALONE if alone else _ONES_BEFORE)[ones]


def as_said(text: str) -> str:
    """``text`` with the written forms espeak-ng's Korean voice misreads rewritten as said."""
    for pattern, said in _RULES:
        text = pattern.sub(said, text)
    return text


def _digits(run: str, zero: str = "영") -> str:
    """Digits said one by one (a decimal's fraction: 점 일사; a phone number's: 공일공)."""
    return "".join(zero if d == "0" else _SINO_DIGITS[int(d)] for d in run)


def _counted(m: re.Match[str]) -> str:
    """A number (or a range of two) before a native counter, said with native numbers."""
    counter = m.group("c")
    b = int(m.group("n"))
    said_b = "첫" if (counter == "번째" and b == 1) else native(b)
    if said_b is None:
        return m.group(0)
    if m.group("a") is None:
        return f"{said_b} {counter}"
    a = int(m.group("a"))
    if (a, b) in _PAIRS and counter != _HOUR:
        return f"{_PAIRS[(a, b)]} {counter}"
    said_a = "첫" if (counter == "번째" and a == 1) else native(a)
    if said_a is None or a >= b:
        return m.group(0)
    return f"{said_a} {counter}에서 {said_b} {counter}"


def _hour(m: re.Match[str]) -> str:
    """An hour of the clock: 1-12 native (세 시, 열두 시); 0 and 13-24 as espeak-ng reads them."""
    h = int(m.group("n"))
    if m.group("a") is not None:
        a = int(m.group("a"))
        if 1 <= a < h <= 12:
            return f"{native(a)} 시에서 {native(h)} 시"
        return m.group(0)
    return f"{native(h)} 시" if 1 <= h <= 12 else m.group(0)


def _clock(m: re.Match[str]) -> str:
    """3:30 -> 세 시 30분 (the minutes stay digits: espeak-ng says 삼십 분 itself)."""
    h, minutes = int(m.group("h")), int(m.group("mm"))
    if h > 24 or minutes > 59:
        return m.group(0)
    hour = f"{native(h)} 시" if 1 <= h <= 12 else f"{h}시"
    return hour + (f" {minutes}분" if minutes else "")


def _date(m: re.Match[str]) -> str:
    """2024.3.1. / 2024-03-01 / 2024. 3. 1. -> 2024년 3월 1일; anything else as written."""
    month, day = int(m.group("m")), int(m.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return f"{int(m.group('y'))}년 {month}월 {day}일"


_AMOUNT_AFTER = r"(?=\s*(?:이상|이하|정도|가량|만큼|쯤|씩|의\b))"


def _slashed(m: re.Match[str]) -> str:
    """3/1 a date (3월 1일); 1/2 before words of amount (1/2 이상, 1/2의) a fraction (2분의 1)."""
    a, b = int(m.group("a")), int(m.group("b"))
    rest = m.string[m.end() :]
    if a < b and (re.match(_AMOUNT_AFTER, rest) or not (1 <= a <= 12 and 1 <= b <= 31)):
        return f"{b}분의 {a}"
    return f"{a}월 {b}일" if 1 <= a <= 12 and 1 <= b <= 31 else m.group(0)


def _decimal(m: re.Match[str]) -> str:
    return f"{m.group('i')} 점 {_digits(m.group('f'))}"


def _phone(m: re.Match[str]) -> str:
    return " ".join(_digits(group, "공") for group in m.group(0).split("-"))


def _spelled(m: re.Match[str]) -> str:
    """Capital letters that are no word Koreans read as one (KBS, TV, OECD; not NASA, FIFA) named
    letter by letter."""
    letters = m.group(0)
    if len(letters) == 4 and re.fullmatch(r"(?:[^AEIOU][AEIOU]){2}|(?:[AEIOU][^AEIOU]){2}", letters):
        return letters  # NASA, NATO, FIFA, UNIT: read as a word, as English reads it
    return "".join(_LETTERS[ch] for ch in letters)


def _unit_rule() -> Rule:
    words = dict(_UNITS)
    names = "|".join(re.escape(u) for u, _w in _UNITS)

    def said(m: re.Match[str]) -> str:
        word = words[m.group("u")]
        if m.group("u") == "km/h":
            return f"시속 {m.group('n')}{word}"
        return f"{m.group('n')}{word}"

    # from a number's first digit only (a digit after a digit or a comma starts no number: a long run
    # of digits is read once, not once per digit)
    number = r"(?<![\d,.])(?P<n>\d[\d,]*(?:\.\d+)?|\d+\s*(?:점\s*[영일이삼사오육칠팔구]+))"
    return re.compile(rf"{number}\s*(?P<u>{names})(?![A-Za-z])"), said


def _currency(m: re.Match[str]) -> str:
    return f"{m.group('n')}{_CURRENCY_BEFORE[m.group('s')]}"


def _counter_rule() -> re.Pattern[str]:
    counters = "|".join(
        f"{re.escape(c)}(?!{not_after})" if not_after else re.escape(c) for c, not_after in _NATIVE_COUNTERS
    )
    return re.compile(
        rf"{_ORDINAL}{_NOT_AFTER_NUMBER}(?:(?P<a>\d{{1,2}}){_RANGE})?(?P<n>\d{{1,2}})\s?"
        rf"(?P<c>{counters}|번(?={_TIMES_AFTER}))"
    )


_RULES: list[Rule] = [
    # dates, phone numbers and clock times first: their dots, hyphens and colons are not decimals or ranges
    (
        re.compile(
            r"(?<![\d.])(?P<y>(?:19|20)\d\d)\s*([.\-/])\s*(?P<m>\d{1,2})\s*\2\s*(?P<d>\d{1,2})(?![\d])\.?"
        ),
        _date,
    ),
    (re.compile(r"(?<![\d\-])(?:0\d{1,2}-\d{3,4}-\d{4}|1[5-9]\d\d-\d{4})(?![\d\-])"), _phone),
    (re.compile(r"(?<![\d:.])(?P<h>\d{1,2}):(?P<mm>\d{2})(?![\d:])"), _clock),
    (re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\d/])"), _slashed),
    # 6월 유월, 10월 시월
    (re.compile(r"(?<![\d.,])6\s?월"), lambda m: "유월"),
    (re.compile(r"(?<![\d.,])10\s?월"), lambda m: "시월"),
    # money written with its sign before the amount
    (re.compile(r"(?P<s>US\$|[$€£₩￦])\s*(?P<n>\d[\d,]*(?:\.\d+)?)"), _currency),
    # temperatures below zero: -5℃ 영하 5도
    (re.compile(r"(?<![\w\d])[-−](?=\d[\d.]*\s*(?:°C|℃|°|도))"), lambda m: "영하 "),
    # a decimal's point is said (점) and its digits one by one
    (re.compile(r"(?<![\d.,])(?P<i>\d[\d,]*)\.(?P<f>\d+)(?![\d.])"), _decimal),
    _unit_rule(),
    # an hour of the clock (세 시), alone or a range (3~5시)
    (
        re.compile(
            rf"{_ORDINAL}{_NOT_AFTER_NUMBER}(?:(?P<a>\d{{1,2}})\s?(?:시\s?)?{_RANGE})?(?P<n>\d{{1,2}})\s?시"
            rf"(?!{_HOUR_NOT_AFTER})"
        ),
        _hour,
    ),
    (_counter_rule(), _counted),
    # a number that doubles (2배 두 배; 10배 and over are said both ways and left)
    (re.compile(rf"{_NOT_AFTER_NUMBER}(?<!\d)([2-9])\s?배"), lambda m: f"{native(int(m.group(1)))} 배"),
    # any other range: 2~3일 2에서 3일 (espeak-ng reads a tilde as the English word)
    (re.compile(r"(?<=\d)\s*[~〜～]\s*(?=\d)"), lambda m: "에서 "),
    # a tilde drawn out after a word (안녕~, ~까지) is no sound
    (re.compile(r"[~〜～]+(?=\s|$)"), lambda m: ""),
    (re.compile(r"[~〜～]+"), lambda m: " "),
    # capital letters: KBS, TV, A형
    (re.compile(r"(?<![A-Za-z])[A-Z]{2,4}(?![A-Za-z])"), _spelled),
    (re.compile(r"(?<![A-Za-z])[A-Z](?=[가-힣])"), lambda m: _LETTERS[m.group(0)]),
]
