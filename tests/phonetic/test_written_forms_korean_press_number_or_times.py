"""A Korean "2번 누르세요": press 2 (a phone menu's key), or press twice?

Session 41 read every 번 before a verb as times, so a phone menu's "2번 누르세요" (press 2) was said 두 번
(twice), "정답은 3번 찍었어" (I picked answer 3) 세 번; and 눌러/눌렀 were no verb to it, so "버튼을 2번 눌러
주세요" (press the button twice) was said 이 번. Before a verb of pressing or choosing, 번 now names the key or
the choice unless a thing pressed is named before the number (or a word of how often), as a Korean reads it;
"2번 했어요" is still twice."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # the key or the choice: espeak-ng's Sino-Korean 이 번, 삼 번
        ("예약은 2번 누르세요.", "예약은 2번 누르세요."),
        ("상담원 연결은 0번, 결제는 5번 눌러 주세요.", "상담원 연결은 0번, 결제는 5번 눌러 주세요."),
        ("2번 선택하세요.", "2번 선택하세요."),
        ("정답은 3번 찍었어.", "정답은 3번 찍었어."),
        ("모르면 4번 고르면 돼.", "모르면 4번 고르면 돼."),
        # presses or times: the native 두 번, 세 번
        ("버튼을 2번 눌러 주세요.", "버튼을 두 번 눌러 주세요."),
        ("벨을 3번 눌렀어.", "벨을 세 번 눌렀어."),
        ("전원 버튼 2번 누르세요.", "전원 버튼 두 번 누르세요."),
        ("하루에 2번 누르세요.", "하루에 두 번 누르세요."),
        ("사진을 3번 찍었어.", "사진을 세 번 찍었어."),
        ("2번 했어요.", "두 번 했어요."),
    ],
)
def test_a_number_before_a_verb_of_pressing_is_the_key_unless_a_thing_pressed_is_named(written, spoken):
    assert as_said(written, "ko") == spoken
