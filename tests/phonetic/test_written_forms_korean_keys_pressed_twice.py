"""A Korean instruction that presses a key named by what it does: 전원 2번 누르세요, 홈 2번 누르세요,
비밀번호 2번 입력하세요.

Before a verb of pressing, "N번" is the key (예약은 2번 누르세요, "press 2") unless what is pressed is named
before it; only 버튼, 벨, 키... and a word with 을/를 were, so "전원 2번 누르세요" (press the power key
twice) was read 이 번, "press power, 2". A key named by what it does, a thing typed before 입력하다, a Latin
key name and what is photographed before 찍다 now count times (두 번); a key or a choice with nothing pressed
named, or a menu's item (예약 취소 3번 누르세요), keeps its Sino-Korean number, and an answer chosen (정답을 3번
찍었어) is the choice."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("리셋 2번 누르세요.", "리셋 두 번 누르세요."),
        ("전원 2번 누르면 꺼져요.", "전원 두 번 누르면 꺼져요."),
        ("홈 2번 누르세요.", "홈 두 번 누르세요."),
        ("Enter 2번 누르세요.", "Enter 두 번 누르세요."),
        ("스페이스바 2번 누르세요.", "스페이스바 두 번 누르세요."),
        ("비밀번호 2번 입력하세요.", "비밀번호 두 번 입력하세요."),
        ("F5를 2번 누르세요.", "F5를 두 번 누르세요."),
        ("사진 3번 찍었어.", "사진 세 번 찍었어."),
        # the key or the choice: nothing pressed named, a choosing verb, or the answer chosen
        ("예약은 2번 누르세요.", "예약은 2번 누르세요."),
        ("예약 취소 3번 누르세요.", "예약 취소 3번 누르세요."),  # a menu's item, as often as a key
        ("2번 입력하세요.", "2번 입력하세요."),
        ("탭 2번 선택하세요.", "탭 2번 선택하세요."),
        ("정답을 3번 찍었어.", "정답을 3번 찍었어."),
        ("2번 홈에서 타세요.", "2번 홈에서 타세요."),
    ],
)
def test_a_key_named_before_its_press_counts_the_presses(written, spoken):
    assert as_said(written, "ko") == spoken
