"""A Korean line that gives a person minutes to wait, or names a candidate or a question by its number.

분 counts minutes in Sino-Korean (십 분) and people, politely, with native numbers (세 분). A person named
before the number made any 분 people: 선생님 10분 뒤에 오세요 ("come back in ten minutes, teacher") was said
열 분 뒤에, "ten persons later". A word of time after 분 (뒤, 후, 전, 동안, 기다리다...) says minutes.

번 counts times with native numbers (세 번 봤어) and names a numbered thing in Sino-Korean (일 번 후보). Any
word after 번 that a short list did not name was taken for "times": 1번 후보 ("candidate 1") was said 한 번
후보. A noun after 번 more often is what it numbers, so only a verb or an adverb of times makes 번 native;
anything else keeps espeak-ng's Sino-Korean reading."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    "line",
    [
        "선생님 10분 뒤에 오세요.",
        "손님 3분 후에 오세요.",
        "어르신 5분 기다리세요.",
        "손님, 2분 안에 끝납니다.",
        "선생님 20분 동안 쉬세요.",
        "손님 10분쯤 걸려요.",
    ],
)
def test_minutes_after_a_person_stay_minutes(line):
    assert as_said(line, "ko") == line


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("손님 3분이 오셨어요.", "손님 세 분이 오셨어요."),
        ("어르신 2분께서 기다리십니다.", "어르신 두 분께서 기다리십니다."),
    ],
)
def test_people_counted_with_bun_are_still_native(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "1번 후보를 찍었어요.",
        "3번 문항이 어려웠어요.",
        "2번 건물로 가세요.",
        "5번 선택지가 정답이에요.",
        "1번 후보예요.",
    ],
)
def test_a_numbered_thing_after_beon_keeps_sino_korean(line):
    assert as_said(line, "ko") == line


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("그 영화 3번 봤어.", "그 영화 세 번 봤어."),
        ("하루에 2번 먹어요.", "하루에 두 번 먹어요."),
        ("3번 연습하세요.", "세 번 연습하세요."),
        ("2번 가 봤어.", "두 번 가 봤어."),
        ("10번 넘게 말했어!", "열 번 넘게 말했어!"),
        ("3번 또 졌어.", "세 번 또 졌어."),
    ],
)
def test_a_count_of_times_before_a_verb_is_native(written, spoken):
    assert as_said(written, "ko") == spoken
