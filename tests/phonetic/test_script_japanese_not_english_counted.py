"""A Tokyo animator hands in a Japanese script and forgets --transcript-language. The refusal said
"1 of its 2 words are not written in English letters" of a two-line script holding dozens of words:
Japanese is written without spaces, so each line was one "word", and the line holding ＡＰＰＬＥ counted
as English-lettered (review rv41c F4). Now the refusal names the script's letters and counts them, as
the Spanish and Korean refusals say what they saw; the advice (--transcript-language ja) is as before."""

from __future__ import annotations

import re

import numpy as np
import pytest
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import wrong_language
from script_takes import two_mic_take

ASK = "a script in another language needs its language: --transcript-language ja (panel: Script Language)"


@pytest.fixture
def no_aligner(monkeypatch):
    def ran(*_args, **_kwargs):
        raise AssertionError("an aligner ran on a Japanese script given as English")

    monkeypatch.setattr(tr, "place_lines", ran)
    monkeypatch.setattr(script_warp, "place_lines", ran)


def test_a_japanese_script_given_as_english_is_named_by_its_letters(no_aligner):
    lines = [
        ("A", "「明日、3時に渋谷で会おう。」"),
        ("B", "えっ、本当？iPhoneの新しいモデルを見に行くの？"),
        ("A", "うん。ＡＰＰＬＥストアで、5,000円の割引があるって。"),
        ("B", "じゃあ、１０分前に駅の改札で待ってるね。"),
    ]
    script, mic_a, mic_b, (motion_a, motion_b) = two_mic_take(lines)
    drawn_a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    assert np.array_equal(drawn_a.values, motion_a.values)  # the engine's lips kept
    error = report["a"]["error"]
    assert "words" not in error, error
    found = re.search(
        r"its lines are written in Japanese kana and kanji \((\d+) of its (\d+) letters\)", error
    )
    assert found, error
    other, letters = int(found[1]), int(found[2])
    assert other == 25 and letters == 30  # ＡＰＰＬＥ's five letters are the English ones
    assert error.endswith(ASK), error


@pytest.mark.parametrize(
    ("line", "named"),
    [("ありがとう、また明日ね。", "Japanese kana and kanji"), ("ありがとう、またね。", "Japanese kana")],
)
def test_one_line_is_counted_by_its_letters_not_as_one_word(line, named):
    why, looks = wrong_language([line], None)
    assert why.startswith(f"its lines are written in {named} ("), why
    assert looks == "ja"
