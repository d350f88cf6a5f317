"""A Japanese writer marks a reading with ruby (furigana) the way Aozora Bunko, web novels and many
script tools write it, ｜灯《とも》って or 電柱《でんちゅう》, and types prices with the yen sign first
(¥1,500). Before, ruby was read twice, the kanji's dictionary reading and then the kana, with the ｜
left in (｜灯《とも》って: "| あかり《 とも》って": 灯 is あかり in the dictionary, and the ruby is there to
say とも), and on three real clips closure fell 90 % -> 67 % (review rv41c F1). ¥1,500 lost its えん
(espeak-ng says nothing for ¥) and は¥3,000 put えん before the number (rv41c F3). Now the ruby's kana is
read in place of its base, 《》 around anything else stays a title's brackets, and a currency sign
before an amount is said after it, as Japanese says it (せんごひゃくえん)."""

from __future__ import annotations

import kanji_reader
import pytest
from dualtalk.inference.phonetic import script_warp

pytestmark = kanji_reader.needs_it


def _read(text: str) -> str:
    return script_warp.spoken_line(text, "ja")


@pytest.mark.parametrize(
    ("with_ruby", "as_its_writer_means_it"),
    [
        # the review's lines: every ruby form reads as the same line with the kana written in place
        (
            "真っ昼間なのに、キャンプの｜外《はず》れの｜電柱《でんちゅう》に｜電球《でんきゅう》が｜灯《とも》っていた。",
            "真っ昼間なのに、キャンプのはずれのでんちゅうにでんきゅうがともっていた。",
        ),
        ("｜赤狐《あかぎつね》さんは本を読んだ。", "あかぎつねさんは本を読んだ。"),
        ("|外《はず》れの道。", "はずれの道。"),  # the ASCII bar
        ("電柱《でんちゅう》に登る。", "でんちゅうに登る。"),  # no bar: the kanji right before 《
        ("人々《ひとびと》が集まった。", "ひとびとが集まった。"),  # 々 is part of the base
        ("本気《マジ》かよ。", "マジかよ。"),  # a katakana reading
    ],
)
def test_ruby_is_read_in_place_of_its_base(with_ruby, as_its_writer_means_it):
    said = _read(with_ruby)
    assert said == _read(as_its_writer_means_it)
    assert not any(ch in said for ch in "|｜《》")


def test_the_kanjis_dictionary_reading_is_not_said_beside_the_ruby():
    said = _read("｜灯《とも》っていた。｜外《はず》れ。").replace(" ", "")
    assert "あかり" not in said and "そと" not in said
    assert said.startswith("ともって")


def test_title_brackets_around_a_title_are_kept_and_read():
    # 《三国志》 holds kanji, not a reading; ひらがな《かな》 has no kanji or bar before it
    assert "《" in _read("《三国志》を読む。")
    assert "《かな》" in _read("ひらがな《かな》です。")


@pytest.mark.parametrize(
    ("written", "as_said"),
    [
        ("このチケットは¥1,500です。", "このチケットは1,500円です。"),
        ("全部で¥3,000だよ、まあまあ安いね。", "全部で3,000円だよ、まあまあ安いね。"),
        ("チケットは￥500だよ。", "チケットは500円だよ。"),  # the full-width sign
        ("これは$10です。", "これは10ドルです。"),
        ("これは＄３０です。", "これは30ドルです。"),
        ("ホテルは€80でした。", "ホテルは80ユーロでした。"),
    ],
)
def test_a_currency_sign_before_an_amount_is_said_after_it(written, as_said):
    said = _read(written)
    assert said == _read(as_said)
    assert not any(ch in said for ch in "¥￥$€")
