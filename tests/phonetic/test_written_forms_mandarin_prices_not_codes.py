"""A Mandarin line that prices a phone, or counts a large sum, is said as an amount.

A phone's number is read out digit by digit (幺三八...), and the rule that does it took 手机 alone as
"a code follows": 这部手机3999元 ("this phone is 3999 yuan") was said 三九九九元, digit by digit, and any
11-digit number starting with 1 was a mobile number even before 元 (投资15000000000元 幺五零...). A number
followed by a currency or measure word is an amount; a phone number after 手机号, 电话 or in a phone's
shape is still said digit by digit."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic.written_forms import as_said

VOICE = "cmn-latn-pinyin"


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("这部手机3999元", "这部手机3999元"),  # espeak-ng reads 3999 三千九百九十九 itself
        ("手机2999块", "手机两千九百九十九块"),
        ("投资15000000000元", "投资一百五十亿元"),
        ("我的手机1299元买的", "我的手机1299元买的"),
        ("手机卖了120000多元", "手机卖了十二万多元"),
    ],
)
def test_a_number_before_a_currency_or_measure_word_is_an_amount(written, spoken):
    assert as_said(written, VOICE) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("我的手机号13812345678", "我的手机号幺三八幺二三四五六七八"),
        ("手机13812345678，打我", "手机幺三八幺二三四五六七八，打我"),
        ("电话010-12345678", "电话零幺零幺二三四五六七八"),
        ("房间302", "房间三零二"),
        ("QQ号12345678个人号", "QQ号幺二三四五六七八个人号"),
    ],
)
def test_a_phone_number_or_code_is_still_said_digit_by_digit(written, spoken):
    assert as_said(written, VOICE) == spoken
