"""A Mandarin script that counts two of something, gives a phone number, or says two o'clock.

A speaker says 两个苹果, 两本书, 两点见, 两千块 and 两万人; espeak-ng reads the digit 2 as 二 everywhere (二个,
二本, 二点), a vowel and no /l/ under lips that said "liang". An 11-digit mobile number was read as a
count in the hundreds of millions (一百三十八亿...), a postcode as 十万零八十一: a speaker reads them out
digit by digit, 1 as 幺. 二 stays where speakers say it: inside a number (12, 20), a year, a date, a
label (2号, 2楼, 第2个), a decimal (2.5), and 二百 (两百 is as common; espeak-ng's reading is kept)."""

from __future__ import annotations

from functools import partial

import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.written_forms import as_said
from dualtalk.inference.phonetic.written_forms_zh import amount
from espeak_phones import espeak_phones

VOICE = "cmn-latn-pinyin"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("我买了2个苹果。", "我买了两个苹果。"),
        ("我有2本书，2只猫。", "我有两本书，两只猫。"),
        ("来了2位客人，我去了2次。", "来了两位客人，我去了两次。"),
        ("我们2点见，2:30出发。", "我们两点见，两点半出发。"),
        ("这要2000元，那个2500米。", "这要两千元，那个两千五百米。"),
        ("有20000人，住了2年。", "有两万人，住了两年。"),
        ("2千块和2万人", "两千块和两万人"),
        ("来了2000多人。", "来了两千多人。"),
        ("这个¥2000，那个¥2。", "这个两千元，那个两元。"),
    ],
)
def test_two_of_something_is_said_liang(written, spoken):
    assert as_said(written, VOICE) == spoken


@pytest.mark.parametrize(
    "line",
    [
        "我有12个苹果，20个梨。",  # inside a number: 十二, 二十
        "第2个人是我。",  # an order
        "2月2号是星期2。",  # a date
        "我住在2楼，2年级。",  # a floor, a school year
        "2点5公里",  # a decimal written with 点
        "打了2",  # no measure word after it
    ],
)
def test_two_that_is_no_count_keeps_er(line):
    assert as_said(line, VOICE) == line


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("2.5公斤", "2点五公斤"),
        ("2024年", "二零二四年"),
        ("我的电话是13812345678。", "我的电话是幺三八幺二三四五六七八。"),
        ("打电话010-12345678", "打电话零幺零幺二三四五六七八"),
        ("邮编100081，房间2012。", "邮编幺零零零八幺，房间二零幺二。"),
        ("QQ号是123456789", "QQ号是幺二三四五六七八九"),
    ],
)
def test_decimals_years_and_numbers_read_out_digit_by_digit(written, spoken):
    assert as_said(written, VOICE) == spoken


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (2000, "两千"),
        (2500, "两千五百"),
        (20000, "两万"),
        (200000000, "两亿"),
        (12000, "一万二千"),
        (200, "二百"),
    ],
)
def test_an_amount_says_liang_only_at_its_head_before_qian_wan_yi(n, said):
    assert amount(n) == said


_phones = partial(espeak_phones, voice=VOICE)


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("我买了2个苹果。", "我买了两个苹果。"),
        ("我们2点见。", "我们两点见。"),
        ("我的电话是13812345678。", "我的电话是幺三八幺二三四五六七八。"),
    ],
)
def test_espeak_ng_reads_the_line_as_written_with_the_phones_of_the_line_as_said(written, said):
    read = [symbol for symbol, _start, _end in script_warp._reading(written, VOICE).phones]
    assert read == _phones(said)
