"""A Mandarin price written with thousands commas or 万 after ¥, and a count of years, said as a
speaker says them. "¥1,000元" was given to espeak-ng as "1元,000元" (yi yuan, ling ling ling yuan),
"¥1.5万" as "1点五元万", and "5000年的历史" as a calendar year, digit by digit (wu ling ling ling nian),
since session 39's ¥ and year rules (review rv40a F1). Calendar years stay digit by digit."""

from __future__ import annotations

import pytest
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic.script_languages import espeak_voice


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("这件衣服¥1,000元。", "这件衣服1000元。"),
        ("价格是¥1,299", "价格是1299元"),
        ("价格¥1.5万，很贵。", "价格1点五万元，很贵。"),
        ("¥100万", "100万元"),
        ("一共¥1,234,567元", "一共一百二十三万四千五百六十七元"),
        ("价格是¥100,很便宜", "价格是100元,很便宜"),
    ],
)
def test_a_yuan_price_is_read_whole_with_one_yuan_after_it(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("cmn")) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("我们有5000年的历史。", "我们有五千年的历史。"),
        ("3000年前，这里是海。", "三千年前，这里是海。"),
        ("1000年来没有变。", "一千年来没有变。"),
        ("地球上过了2500年", "地球上过了两千五百年"),
    ],
)
def test_a_count_of_years_is_said_as_a_number(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("cmn")) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("这本书2024年出版的。", "这本书二零二四年出版的。"),
        ("自2000年以来", "自二零零零年以来"),
        ("1990年前后", "一九九零年前后"),
        ("2000年前后", "二零零零年前后"),
        ("公元前3000年", "公元前三零零零年"),
    ],
)
def test_a_calendar_year_is_still_said_digit_by_digit(written, spoken):
    assert script_warp.spoken_line(written, espeak_voice("cmn")) == spoken
