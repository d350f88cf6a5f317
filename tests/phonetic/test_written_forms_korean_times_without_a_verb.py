"""A Korean line that counts times where no verb follows 번: how often, never, the third of three.

번 counts times with native numbers (세 번) and names a numbered thing in Sino-Korean (삼 번 출구). Since
session 40 only a verb or an adverb of times right after 번 made it native, so the lines a Korean says
every day with something else there kept espeak-ng's 일 번, 삼 번: "단 1번도 본 적이 없어요" (never once),
"하루에 3번 약을 먹어요" (three times a day), "3번의 기회" (three chances), "3번 전화를 했는데" (called three
times), "3번 중 2번은 이겼어요" (won two of three). A Korean hears the count in the words around it: how
often before the number (하루에, 일주일에, 매일, 벌써, 총, 단), 번도 before a negation, 번의 before a noun,
중/모두 after it, a thing done (전화를 했는데, 우승을 했어요), a verb after 은/는/도. A numbered thing
before or after (버스 3번, 3번 출구) and a bare answer (정답은 3번이야) still keep the Sino-Korean number."""

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
        ("단 1번도 본 적이 없어요.", "단 한 번도 본 적이 없어요."),
        ("1번도 안 봤어.", "한 번도 안 봤어."),
        ("그 사람은 3번의 기회를 놓쳤어요.", "그 사람은 세 번의 기회를 놓쳤어요."),
        ("하루에 3번 약을 먹어요.", "하루에 세 번 약을 먹어요."),
        ("일주일에 2번 수영장에 가요.", "일주일에 두 번 수영장에 가요."),
        ("1년에 1번 건강검진을 받아요.", "1년에 한 번 건강검진을 받아요."),
        ("매일 2번 산책을 해요.", "매일 두 번 산책을 해요."),
        ("벌써 3번이야.", "벌써 세 번이야."),
        ("3번 전화를 했는데 안 받아요.", "세 번 전화를 했는데 안 받아요."),
        ("그 팀은 2번 우승을 했어요.", "그 팀은 두 번 우승을 했어요."),
        ("3번 실패 끝에 성공했어요.", "세 번 실패 끝에 성공했어요."),
        ("3번 중 2번은 이겼어요.", "세 번 중 두 번은 이겼어요."),
        ("3번 모두 졌어.", "세 번 모두 졌어."),
        # a noun of doing before a form of 하다 (review rv41d F1 kept these, with the nouns it names)
        ("3번 청소를 했어.", "세 번 청소를 했어."),
        ("2번 공부를 했는데 또 잊었어.", "두 번 공부를 했는데 또 잊었어."),
        ("3번 말을 했잖아.", "세 번 말을 했잖아."),
    ],
)
def test_a_count_of_times_with_no_verb_after_beon_is_native(written, spoken):
    assert as_said(written, "ko") == spoken


@pytest.mark.parametrize(
    "line",
    [
        "정답은 3번이야.",
        "3번이 정답이에요.",
        "버스 3번 타세요.",
        "3번 출구로 나오세요.",
        "1번 후보를 찍었어요.",
        "3번 문제 풀었어?",
        "3번 방에서 기다려.",
        "10번 선수가 골을 넣었어요.",
        "하루에 3번 버스가 와요.",
        "모두 3번 문제를 틀렸어.",
        "3번의 답이 맞아요.",
    ],
)
def test_a_numbered_thing_keeps_sino_korean(line):
    assert as_said(line, "ko") == line


@pytest.mark.parametrize(
    "line",
    [
        # review rv41d F1: any word starting with 하/한/해/할 after the object made these "times"
        "7번 메뉴를 하나 주세요.",  # menu item 7, one of it: 하나 is a number, not 하다
        "3번 상품을 한 개 주세요.",  # 한 before a counter is one
        "2번 문항을 해결했어.",  # question 2, solved
        "1번 과제를 해야 돼.",  # task 1: a thing done with 하다 is still a numbered thing
        "5번 방식을 할까?",
        "3번 역할을 해 줘.",
        # a numbered thing before the past copula (was 다섯 번 타자였어요, since session 40)
        "그는 5번 타자였어요.",
        "제 자리는 7번 좌석이었어요.",
    ],
)
def test_a_numbered_thing_before_a_word_starting_like_hada_keeps_sino_korean(line):
    assert as_said(line, "ko") == line


def test_stops_on_a_line_are_counted_natively():
    # read among everyday lines: 3정거장 was 삼 정거장; a Korean says 세 정거장
    assert as_said("지하철 2호선 타고 3정거장 가면 돼요.", "ko") == "지하철 2호선 타고 세 정거장 가면 돼요."


_phones = partial(espeak_phones, voice="ko")


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("단 1번도 본 적이 없어요.", "단 한 번도 본 적이 없어요."),
        ("하루에 3번 약을 먹어요.", "하루에 세 번 약을 먹어요."),
    ],
)
def test_espeak_ng_reads_the_line_as_written_with_the_phones_of_the_line_as_said(written, said):
    read = [symbol for symbol, _start, _end in script_warp._reading(written, espeak_voice("ko")).phones]
    assert read == _phones(said)
