"""A Korean script with year spans, prices, shop hours, temperatures and fractions, read as said.

A Korean writer types "1950-1953년 전쟁", "가격은 1500-2000원", "영업시간 9시~18시", "영하 -5℃" and "인구의
1/3이". Session 39's first Korean rules read the year span and the price digit by digit like a phone
number (일구오공 일구오삼년: espeak-ng alone said 천구백오십), dropped the 에서 of a range whose hours did
not rise within 1-12 and read 9 as 구 (9시~18시 -> "9시 18시"), said 영하 twice, gave "-5~3도" no 영하, and
read a third as a date (1월 3일이). A range is said "A에서 B" (the tilde marks a span in the spelling
rules' 문장 부호 appendix; a speaker says it 에서, as the rule for 3~5시 already did), each end by its own
rule: an hour 1-12 native (아홉 시), 0 and 13-24 Sino-Korean (18시 십팔 시); a fraction 삼분의 일."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from espeak_phones import espeak_phones

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # a span of years or an amount from 1500 to 1999 is no phone number
        ("1950-1953년 전쟁", "1950에서 1953년 전쟁"),
        ("1998-2024년", "1998에서 2024년"),
        ("1592-1598 임진왜란", "1592에서 1598 임진왜란"),
        ("가격은 1500-2000원이에요.", "가격은 1500에서 2000원이에요."),
        ("1600-1700명이 왔어요.", "1600에서 1700명이 왔어요."),
        ("1600-1700km를 달렸어요.", "1600에서 1700킬로미터를 달렸어요."),
    ],
)
def test_a_span_of_years_or_an_amount_is_read_as_a_range(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("전화번호는 010-1234-5678이에요.", "전화번호는 공일공 일이삼사 오육칠팔이에요."),
        ("02-123-4567로 전화하세요.", "공이 일이삼 사오육칠로 전화하세요."),
        ("고객센터 1588-1234로 연락하세요.", "고객센터 일오팔팔 일이삼사로 연락하세요."),
        ("1644-8282번으로 거세요.", "일육사사 팔이팔이번으로 거세요."),
        ("1800-0000", "일팔공공 공공공공"),
        ("고객센터 1600-1650으로 문의하세요.", "고객센터 일육공공 일육오공으로 문의하세요."),
        ("Tel. 1588-1700", "Tel. 일오팔팔 일칠공공"),
    ],
)
def test_a_phone_number_keeps_its_digit_by_digit_reading(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("영업시간 9시~18시", "영업시간 아홉 시에서 18시"),
        ("9시-18시", "아홉 시에서 18시"),
        ("11시~1시", "열한 시에서 한 시"),
        ("12~13시", "열두 시에서 13시"),
        ("오전 9시~오후 6시", "오전 아홉 시에서 오후 여섯 시"),
        ("9:00~18:00", "아홉 시에서 18시"),
        ("오전 9:30~오후 6:00", "오전 아홉 시 30분에서 오후 여섯 시"),
        ("3~5시", "세 시에서 다섯 시"),
        ("3.5~4.5kg", "3 점 오에서 4 점 오킬로그램"),
        ("0~5개", "0개에서 다섯 개"),
    ],
)
def test_every_range_reads_from_one_end_to_the_other(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("영하 -5℃까지 내려가요.", "영하 5도까지 내려가요."),
        ("내일은 -5~3도예요.", "내일은 영하 5에서 3도예요."),
        ("-5~-1℃", "영하 5에서 영하 1도"),
        ("인구의 1/3이 서울에 살아요.", "인구의 3분의 1이 서울에 살아요."),
        ("1/3이 지나면 쉬어요.", "3분의 1이 지나면 쉬어요."),
        ("2/3를 먹었어요.", "3분의 2를 먹었어요."),
    ],
)
def test_below_zero_once_and_a_third_as_a_fraction(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "5/6이 생일이에요.",  # not a half, third or quarter: a date (5월 6일이)
        "3-2로 이겼어요.",  # a score
        "2-3으로 졌어요.",  # a score, though it rises: no counter after it
    ],
)
def test_a_date_or_a_score_is_not_made_a_fraction_or_a_range(line):
    said = as_said(line, "ko")
    assert "분의" not in said and "에서" not in said


# espeak-ng says a number written in digits with other allophones than the same number in Hangul
# (구 ɡu / qu, 분 pun / bun, 일 ir / iɾ / iɫ, 삼 sɐm / s-ɐm): one mouth shape each, so they count as one
_SAME_MOUTH = {"q": "ɡ", "b": "p", "ɾ": "r", "ɫ": "r", "s-": "s"}


def _mouth(symbols: list[str]) -> list[str]:
    return [_SAME_MOUTH.get(symbol, symbol) for symbol in symbols]


_phones = partial(espeak_phones, voice="ko")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1950-1953년 전쟁", "천구백오십에서 천구백오십삼 년 전쟁"),
        ("영업시간 9시~18시", "영업시간 아홉 시에서 십팔 시"),
        ("오전 9시~오후 6시", "오전 아홉 시에서 오후 여섯 시"),
        ("영하 -5℃", "영하 오 도"),
        ("인구의 1/3이", "인구의 삼분의 일이"),
    ],
)
def test_the_line_as_written_is_read_with_the_phones_of_the_line_as_said(written, said):
    voice = espeak_voice("ko")
    read = [symbol for symbol, _start, _end in script_warp._reading(written, voice).phones]
    assert _mouth(read) == _mouth(_phones(said))


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("2/4은 휴무", "2월 4일은 휴무"),  # 2/4 is nobody's fraction: the 4th of February (review rv39i F2)
        ("3/4이", "4분의 3이"),  # three quarters before a particle alone
        ("3-1개", "3-1개"),  # a falling pair before a counter is no range (rv39i F4: the guard was untested)
    ],
)
def test_only_the_everyday_fractions_are_read_so_before_a_bare_particle(written, spoken):
    assert as_said(written, "ko") == spoken
