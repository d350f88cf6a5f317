"""A Shanghai or Bangkok studio hands in its script and forgets --transcript-language. Chinese and Thai
are written without spaces between words, so each line was one "word": a two-line script of a dozen
words was refused as "none of its 2 words is written in English letters" (review rv41c F4, as the
Japanese refusal was). Now the refusal names the script's letters and counts them; the advice is as
before, and Korean, written with spaces, still counts its words."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import espeak_voice, wrong_language
from script_takes import two_mic_take


@pytest.fixture
def no_aligner(monkeypatch):
    def ran(*_args, **_kwargs):
        raise AssertionError("an aligner ran on a script given as English in other letters")

    monkeypatch.setattr(tr, "place_lines", ran)
    monkeypatch.setattr(script_warp, "place_lines", ran)


def test_a_two_line_chinese_script_is_named_by_its_characters_not_two_words(no_aligner):
    lines = [("A", "明天下午三点在公司见面。"), ("B", "好的，我会带上iPad。"), ("A", "别忘了带资料。")]
    script, mic_a, mic_b, (motion_a, motion_b) = two_mic_take(lines)
    drawn_a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    assert np.array_equal(drawn_a.values, motion_a.values)  # the engine's lips kept
    assert report["a"]["error"] == (
        "its lines are written in Chinese characters (17 of its 17 letters); a script in another "
        "language needs its language: --transcript-language cmn|ja (panel: Script Language)"
    )
    # B's "iPad" is Latin: 4 of B's 10 letters, counted as letters, not as "1 of its 1 words"
    assert report["b"]["error"].startswith(
        "its lines are written in Chinese characters (6 of its 10 letters); "
    )


@pytest.mark.parametrize(
    ("lines", "named", "counted"),
    [
        (["สวัสดีครับ", "วันนี้อากาศดีมาก"], "Thai letters", "(26 of its 26 letters)"),
        (["ສະບາຍດີ"], "Lao letters", "(7 of its 7 letters)"),
        (["ជំរាបសួរ"], "Khmer letters", "(8 of its 8 letters)"),
        (["မင်္ဂလာပါ"], "Burmese letters", "(9 of its 9 letters)"),
    ],
    ids=["Thai", "Lao", "Khmer", "Burmese"],
)
def test_a_script_without_spaces_is_counted_by_its_letters(lines, named, counted):
    why, _looks = wrong_language(lines, None)
    assert why.startswith(f"its lines are written in {named} {counted}; "), why
    assert "words" not in why


def test_korean_written_with_spaces_still_counts_its_words():
    why, looks = wrong_language(["내일 세 시에 만나요.", "좋아요, 거기서 봐요."], None)
    assert why.startswith("none of its 7 words is written in English letters; "), why
    assert looks == "ko"


def test_a_thai_script_is_told_thai_s_code_which_reads_it():
    lines = ["สวัสดีครับ", "วันนี้อากาศดีมาก"]
    why, _looks = wrong_language(lines, None)
    assert why.endswith("needs its language: --transcript-language th (panel: Script Language)"), why
    assert wrong_language(lines, "th") == ("", "")  # given, it is read by espeak-ng's Thai voice
    assert espeak_voice("th") == "th"
