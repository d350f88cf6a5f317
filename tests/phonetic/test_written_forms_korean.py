"""A Korean script with numbers, units, times, dates and Latin letters, read the way a Korean speaker says it.

A Korean animator pastes the scene's script as the writer typed it: "내일 오후 3시 30분에 만나요.", "사과 3개랑
우유 2병 주세요.", "오늘 KBS 뉴스에서 50% 할인이라고 했어요." espeak-ng, which reads a Korean script for the
lips, said every digit with the Sino-Korean numbers (3시 삼 시, 3개 삼 개, 20살 이십 살: a speaker says 세 시,
세 개, 스무 살), 6월 육 월 (유월), dropped a decimal's point and the 시 of "3:30", and read kg, %, KBS, TV,
~ and / in English. Each of the 12 hand-made lines below was drawn from other sounds than the ones said
(0 of 12 with the phones of the line as said; 8 chunks read in English). The readings follow the
standard usage of the National Institute of Korean Language's dictionary (세 시 삼십 분, 스무 살, 유월,
시월, 첫 번째, 두세 명, 대여섯 명, phone numbers digit by digit with 공)."""

from __future__ import annotations

import shutil
import subprocess
from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_ko import native
from espeak_phones import espeak_phones

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # hours and counted things take the native numbers; minutes, days and money the Sino-Korean ones
        ("내일 오후 3시 30분에 만나요.", "내일 오후 세 시 30분에 만나요."),
        ("사과 3개랑 우유 2병 주세요.", "사과 세 개랑 우유 두 병 주세요."),
        ("우리 딸은 이제 20살이에요.", "우리 딸은 이제 스무 살이에요."),
        ("책 2권을 3번이나 읽었어요.", "책 두 권을 세 번이나 읽었어요."),
        ("1번째는 12시간, 2번째는 24시간 걸렸어요.", "첫 번째는 열두 시간, 두 번째는 스물네 시간 걸렸어요."),
        ("2~3명만 오면 돼요~", "두세 명만 오면 돼요"),
        ("5-6명이 3~5시에 와요.", "대여섯 명이 세 시에서 다섯 시에 와요."),
        # months, clock times and dates
        ("6월 10일까지 5kg을 빼야 해요.", "유월 10일까지 5킬로그램을 빼야 해요."),
        ("10월에는 기온이 -5℃까지 내려가요.", "시월에는 기온이 영하 5도까지 내려가요."),
        ("회의는 2024. 3. 1. 오전 10:00에 시작해요.", "회의는 2024년 3월 1일 오전 열 시에 시작해요."),
        ("기차는 15:30, 버스는 9:05에 떠나요.", "기차는 15시 30분, 버스는 아홉 시 5분에 떠나요."),
        ("TV는 3/1에 배달돼요.", "티브이는 3월 1일에 배달돼요."),
        ("2024-06-01부터 1/2 이상 할인해요.", "2024년 유월 1일부터 2분의 1 이상 할인해요."),
        # units, amounts, decimals and phone numbers
        ("오늘 KBS 뉴스에서 50% 할인이라고 했어요.", "오늘 케이비에스 뉴스에서 50퍼센트 할인이라고 했어요."),
        ("가격은 $10이고 무게는 1.5kg이에요.", "가격은 10달러이고 무게는 1 점 오킬로그램이에요."),
        ("100km/h로 10km, 그다음 300m 더 가요.", "시속 100킬로미터로 10킬로미터, 그다음 300미터 더 가요."),
        ("전화번호는 010-1234-5678이에요.", "전화번호는 공일공 일이삼사 오육칠팔이에요."),
        ("OECD 보고서에서 A형이 2배 많았어요.", "오이씨디 보고서에서 에이형이 두 배 많았어요."),
    ],
)
def test_a_korean_line_is_given_to_espeak_as_a_korean_speaker_says_it(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("ko")) == spoken


_phones = partial(espeak_phones, voice="ko")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("내일 오후 3시 30분에 만나요.", "내일 오후 세 시 삼십 분에 만나요."),
        ("사과 3개랑 우유 2병 주세요.", "사과 세 개랑 우유 두 병 주세요."),
        ("우리 딸은 이제 20살이에요.", "우리 딸은 이제 스무 살이에요."),
        ("6월 10일까지 5kg을 빼야 해요.", "유월 십 일까지 오 킬로그램을 빼야 해요."),
        (
            "오늘 KBS 뉴스에서 50% 할인이라고 했어요.",
            "오늘 케이비에스 뉴스에서 오십 퍼센트 할인이라고 했어요.",
        ),
        ("2~3명만 오면 돼요~", "두세 명만 오면 돼요"),
        ("책 2권을 3번이나 읽었어요.", "책 두 권을 세 번이나 읽었어요."),
        ("10월에는 기온이 -5℃까지 내려가요.", "시월에는 기온이 영하 오 도까지 내려가요."),
        ("전화번호는 010-1234-5678이에요.", "전화번호는 공일공 일이삼사 오육칠팔이에요."),
    ],
)
def test_the_line_as_written_is_read_with_the_phones_of_the_line_as_said(written, said):
    voice = espeak_voice("ko")
    read = [symbol for symbol, _start, _end in script_warp._reading(written, voice).phones]
    assert read == _phones(said)


@pytest.mark.parametrize(
    "written",
    [
        "5kg을 빼야 해요.",
        "50% 할인",
        "KBS 뉴스",
        "TV는 3/1에 와요.",
        "2~3개 주세요.",
        "10km를 뛰었어요.",
        "30°C예요.",
    ],
)
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="no espeak-ng command")
def test_no_part_of_a_korean_line_is_read_in_english(written):
    """kg, %, KBS, TV, ~ and / were read by espeak-ng's English voice ("(en)" in its phonemes): English
    sounds under the lips of a Korean line."""
    said = as_said(written, "ko")
    run = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", "ko", "--", said], capture_output=True, text=True, check=True
    )
    assert "(en)" not in run.stdout


@pytest.mark.parametrize(
    "line",
    [
        "3번 출구로 나오세요.",  # 삼 번: a number, not "three times"
        "제1장과 제 2권을 읽어요.",  # ordinals after 제: Sino-Korean
        "할아버지는 30세에 결혼하셨어요.",  # 세 (歲) counts years in Sino-Korean
        "3개월 동안 100명이 1,000원씩 냈어요.",  # 개월, numbers over 99, money
        "12월 25일 13시에 3층에서 봐요.",  # days, hours past noon on a 24-hour clock, floors
        "나는 Netflix 와 YouTube 봐요",  # English names keep their English reading
        "NASA와 FIFA는 단어로 읽어요.",  # acronyms said as words
        "24/7 열어요.",  # no date, no fraction
    ],
)
def test_what_espeak_already_reads_right_is_left_as_written(line):
    assert as_said(line, "ko") == line


def test_a_counted_thing_after_a_noun_ending_in_je_is_counted():
    """제 is an ordinal's prefix only on its own: 문제 3개 is three problems (세 개)."""
    assert as_said("문제 3개랑 숙제 2개가 있어요.", "ko") == "문제 세 개랑 숙제 두 개가 있어요."


@pytest.mark.parametrize(
    ("n", "before_a_counter", "alone"),
    [(1, "한", "하나"), (3, "세", "셋"), (10, "열", "열"), (12, "열두", "열둘"), (20, "스무", "스물")]
    + [(21, "스물한", "스물하나"), (45, "마흔다섯", "마흔다섯"), (99, "아흔아홉", "아흔아홉")],
)
def test_native_numbers_before_a_counter_and_alone(n, before_a_counter, alone):
    assert (native(n), native(n, alone=True)) == (before_a_counter, alone)


def test_no_native_number_outside_one_to_ninety_nine():
    assert native(0) is None and native(100) is None
