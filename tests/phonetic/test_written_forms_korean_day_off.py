"""A Korean notice of a day off, written with a slash date before a particle: "1/2은 휴무" is the 2nd of
January, as "2/4은 휴무" is the 4th of February. Before, the digits decided: 2/4 was read as a date but
1/2 and 3/4 (a half, three quarters) as fractions, "2분의 1은 휴무" (review rv40a F6). Now the words after
the particle decide; a fraction of something stays a fraction."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1/2은 휴무", "1월 2일은 휴무"),
        ("3/4은 휴무입니다", "3월 4일은 휴무입니다"),
        ("1/3은 공휴일이에요.", "1월 3일은 공휴일이에요."),
        ("1/4은 쉬는 날이에요.", "1월 4일은 쉬는 날이에요."),
        ("2/3은 월요일이에요.", "2월 3일은 월요일이에요."),
        ("2/4은 휴무", "2월 4일은 휴무"),
    ],
)
def test_a_day_off_written_with_a_slash_is_read_as_its_date(written, said):
    assert as_said(written, "ko") == said


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("인구의 1/3이 노인", "인구의 3분의 1이 노인"),
        ("1/3이 지나면 쉬어요.", "3분의 1이 지나면 쉬어요."),
        ("1/2은 물이에요.", "2분의 1은 물이에요."),
        ("3/4이 찬성했어요.", "4분의 3이 찬성했어요."),
    ],
)
def test_a_part_of_something_stays_a_fraction(written, said):
    assert as_said(written, "ko") == said
