"""A script typed with a Chinese or Japanese input method, its digits and Latin letters full-width.

A Mandarin animator's IME types ３点, １００元, ２０２４年, ＫＴＶ, ５０％. espeak-ng drops full-width digits without
a sound ("我３点走" read "wo dian zou"), so the lips were drawn from a line missing its numbers (review
rv39h: 3 lines, closure 100 % with ASCII digits, 80 % with full-width ones). They are read as the plain
characters they stand for, in every language's line; the line's Chinese punctuation is kept."""

from __future__ import annotations

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.full_width import folded
from dualtalk.inference.phonetic.script_languages import espeak_voice
from espeak_phones import espeak_phones


@pytest.mark.parametrize(
    ("language", "typed", "plain"),
    [
        ("cmn", "我３点要去公司，买５个苹果。", "我3点要去公司，买5个苹果。"),
        ("cmn", "我们８点在３号门见面吧。", "我们8点在3号门见面吧。"),
        ("cmn", "这本书２８块钱，２０２４年出版的。", "这本书28块钱，二零二四年出版的。"),
        ("cmn", "３．５公斤", "3点五公斤"),
        ("en", "I have ３ cats and a ＴＶ.", "I have 3 cats and a TV."),
        ("ru", "Скидка ５０％.", "Скидка 50 процентов."),
        ("es", "Son las ９:３０.", "Son las 9 30."),
    ],
)
def test_full_width_digits_letters_and_percent_are_read_as_plain_ones(language, typed, plain):
    assert script_warp.spoken_line(typed, espeak_voice(language)) == plain


def test_chinese_punctuation_and_other_compatibility_forms_are_kept():
    """，。： between words are the line's punctuation; km² and ① are read right as written (NFKC would
    make them km2 and 1)."""
    assert folded("好，走吧。时间：３：３０，面积５０km²，①号") == "好，走吧。时间：3:30，面积50km²，①号"


_phones = espeak_phones


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_mandarin_line_in_full_width_digits_is_read_with_its_numbers():
    voice = espeak_voice("cmn")
    read = [
        symbol for symbol, _start, _end in script_warp._reading("我３点要去公司，买５个苹果。", voice).phones
    ]
    assert read == _phones("我三点要去公司，买五个苹果。", voice)
