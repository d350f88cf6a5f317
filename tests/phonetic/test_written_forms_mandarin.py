"""A Mandarin script with percentages, decimals, years and clock times, read the way a speaker says it.

"这个100元，打25%的折。" was read "... er shi wu" and the English word "percent" (said 百分之二十五, with its /p/
and /f/); "3.5" lost its point (san wu), "2024年" was read as a count (er qian ling er shi si), "3:30" lost
its 点, "10000" was read "shi qian", ¥ was dropped (review rv39h F1: Mandarin closure 75 % and F/V 0.427
from the lines as written, 100 % and 1.000 as said). Numbers espeak-ng reads right stay digits."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_zh import number
from espeak_phones import espeak_phones

VOICE = "cmn-latn-pinyin"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("这个100元，打25%的折。", "这个100元，打百分之25的折。"),
        ("涨了2.5%", "涨了百分之2点五"),
        ("我买了3.5公斤", "我买了3点五公斤"),
        ("这本书2024年出版的。", "这本书二零二四年出版的。"),
        ("我们3:30见，4:00走，5:05到。", "我们3点半见，4点走，5点零五分到。"),
        ("有10000人，花了1500000元", "有一万人，花了一百五十万元"),
        ("¥100和￥28块", "100元和28块"),
    ],
)
def test_a_mandarin_line_is_given_to_espeak_as_a_speaker_says_it(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("cmn")) == spoken


@pytest.mark.parametrize(
    "line", ["我3点要去公司，买5个苹果。", "这本书28块钱。", "iPhone 15很贵", "205号房间"]
)
def test_what_espeak_already_reads_right_is_left_as_written(line):
    assert as_said(line, VOICE) == line


@pytest.mark.parametrize(
    ("n", "said"),
    [(10, "十"), (15, "十五"), (105, "一百零五"), (110, "一百一十"), (1005, "一千零五"), (10000, "一万")]
    + [(10500, "一万零五百"), (100000, "十万"), (1500000, "一百五十万"), (100010000, "一亿零一万")],
)
def test_numbers_in_chinese_numerals(n, said):
    assert number(n) == said


_phones = partial(espeak_phones, voice=VOICE)


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_rv39hs_line_as_written_is_read_with_the_phones_of_the_line_as_said():
    read = [symbol for symbol, _start, _end in script_warp._reading("这个100元，打25%的折。", VOICE).phones]
    assert read == _phones("这个一百元，打百分之二十五的折。")
