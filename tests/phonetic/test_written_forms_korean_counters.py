"""A Korean script that counts cars, times and guests: 대, 번 and 분 take either kind of number.

"차 3대" is 세 대 (three cars) but "3대 1" is 삼 대 일 (a score) and "3대 명산" 삼 대 (the top three);
"3번 봤어" is 세 번 (three times) but "3번 출구" 삼 번 (exit number three); "3분 후" is 삼 분 (minutes) but
"손님 3분" 세 분 (three guests, politely). Session 39 read them all with espeak-ng's Sino-Korean numbers
(삼 대, 삼 번, 삼 분), so "차 3대가 있어요", "벌써 3번 봤어" and "손님 3분이 오셨어요" put 삼 under lips that
said 세. The words around the number now choose; where nothing tells, the Sino-Korean reading is kept,
except 번 before a word that is no numbered thing (in dialogue the count of times is the usual one)."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # machines and vehicles are counted with native numbers
        ("주차장에 차 3대가 있어요.", "주차장에 차 세 대가 있어요."),
        ("자동차 2대를 샀어요.", "자동차 두 대를 샀어요."),
        ("노트북도 2~3대 있어요.", "노트북도 두세 대 있어요."),
        # times, before the verb that did them
        ("벌써 3번 봤어.", "벌써 세 번 봤어."),
        ("그 영화 2번 했어요.", "그 영화 두 번 했어요."),
        ("10번 넘게 말했어!", "열 번 넘게 말했어!"),
        ("서울에 3번 방문했어요.", "서울에 세 번 방문했어요."),
        # guests, politely
        ("손님 3분이 오셨어요.", "손님 세 분이 오셨어요."),
        ("선생님 2분께서 오셨어요.", "선생님 두 분께서 오셨어요."),
    ],
)
def test_a_count_of_cars_times_or_guests_takes_native_numbers(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "3대 1로 이겼어요.",  # a score: 삼 대 일
        "한국의 3대 명산이에요.",  # the top three: 삼 대
        "20대 여성이 많아요.",  # in their twenties: 이십 대
        "3대째 이어온 가게예요.",  # the third generation
        "3번 출구로 나오세요.",  # exit number three
        "143번 버스를 타요.",  # bus number 143
        "3번이 정답이에요.",  # answer number three
        "버스 3번 타고 왔어요.",  # the number 3 bus
        "3분만 기다려 주세요.",  # minutes: 삼 분
        "3분 후에 출발해요.",
        "인구의 3분의 1이에요.",  # a fraction
        "3번지에 살아요.",  # an address
    ],
)
def test_a_score_a_label_minutes_or_a_fraction_keep_sino_korean(line):
    assert as_said(line, "ko") == line


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("3시에 만나요.", "세 시에 만나요."),
        ("사과 3개", "사과 세 개"),
        ("3명이 왔어요.", "세 명이 왔어요."),
        ("3살이에요.", "세 살이에요."),
    ],
)
def test_the_counters_that_were_already_native_stay_so(written, spoken):
    assert as_said(written, "ko") == spoken


_phones = partial(espeak_phones, voice="ko")


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("주차장에 차 3대가 있어요.", "주차장에 차 세 대가 있어요."),
        ("벌써 3번 봤어.", "벌써 세 번 봤어."),
        ("손님 3분이 오셨어요.", "손님 세 분이 오셨어요."),
    ],
)
def test_espeak_ng_reads_the_line_as_written_with_the_phones_of_the_line_as_said(written, said):
    read = [symbol for symbol, _start, _end in script_warp._reading(written, espeak_voice("ko")).phones]
    assert read == _phones(said)
