"""A Japanese animator's script says everyday things whose kanji read otherwise in context, and marks
laughs and applause the usual way, in brackets. SudachiPy gives each word one reading, so before:
お腹が空きました was read あきました (a seat that is free), 毎日本を読みます まい+にほん (its lattice
split 毎|日本), 2人で行った おこなった (行う, "carried out"), 何曜日 なんよう+ひ, 一昨日 いっさく+ひ;
（笑） was read わらい, as words the character never says; 〒100-0001 lost its zeros (ひゃく, いち),
and the minus of −5度 was not said. Now the words around a word choose its reading, directions in
brackets are silent, codes are said digit by digit and a number's sign is said."""

from __future__ import annotations

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

pytestmark = kanji_reader.needs_it
SR = 16000


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_everyday_words_are_read_as_the_words_around_them_say():
    assert kana("お腹が空きました。") == "おなかがすきました。"  # before: あきました
    assert kana("お腹空いたね。") == "おなかすいたね。"
    assert kana("席が空いている") == "せきがあいている"  # a free seat: still あく
    assert kana("2人で行った。") == "ふたりでいった。"  # before: おこなった
    assert kana("会議を行った。") == "かいぎおおこなった。"  # a meeting held: 行う
    assert kana("何時に来ますか？") == "なんじにきますか?"  # before: いつ
    # words SudachiPy's lattice splits, misreading what follows too
    assert kana("毎日本を読みます。") == "まいにちほんおよみます。"  # before: まいにほんお
    assert kana("今日は何曜日ですか？") == "きょうわなんようびですか?"  # before: なんようひ
    assert kana("一昨日の夜") == "おとといのよる"  # before: いっさくひの
    assert kana("一日中雨だった。") == "いちにちじゅうあめだった。"  # before: いちにっちゅううだった
    assert kana("毎日曜日") == "まいにちようび"  # every Sunday: the same sounds


def test_stage_directions_in_brackets_are_not_said():
    assert kana("面白いですね（笑）") == "おもしろいですね"  # before: おもしろいですね(わらい)
    assert kana("本当に？(笑)") == "ほんとうに?"
    assert kana("(拍手) ありがとうございます。") == "ありがとうございます。"
    assert kana("ほんとうに？（わらい）") == "ほんとうに?"  # in a kana line too
    # kana in brackets after kanji is their reading written out: said once, as written
    assert kana("東京（とうきょう）へ行きます") == "とうきょうえいきます"


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_a_laugh_in_the_script_draws_no_mouth_of_its_own():
    """The voice says the lines and laughs; the script marks the laugh （笑）. The mouth is the one the
    same script without the laugh draws (before, わらい was placed as two more words in the line)."""
    kanji_reader.forget()
    said = ("ほんとうに おもしろいですね。", "あした、 えきの まえで あいましょう。")
    pieces = []
    for text in said:
        pieces += [np.zeros(SR, np.float32), speak(text, Voice("espeak", "ja+m3", 1.0, 40, 50)).audio]
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    audio += np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)

    def lips(texts):
        motion = Motion("arkit55", np.full((int(len(audio) / SR * 25), 55), 0.2, np.float32), engine="lite")
        return tr.draw_lips(
            motion, audio, [tr.Line(k + 1, "A", t) for k, t in enumerate(texts)], language="ja"
        )

    plain, plain_report = lips(["本当に面白いですね。", "明日、駅の前で会いましょう。"])
    laugh, laugh_report = lips(["本当に面白いですね。（笑）", "明日、駅の前で会いましょう。"])
    assert laugh_report["lines_drawn"] == plain_report["lines_drawn"] == [1, 2]
    assert laugh_report["words"] == plain_report["words"]
    np.testing.assert_array_equal(laugh.values, plain.values)
    # a line that is only a direction: nothing to say, nothing refused
    alone, alone_report = lips(["本当に面白いですね。", "（笑）", "明日、駅の前で会いましょう。"])
    assert alone_report["lines_drawn"] == [1, 3] and alone_report["lines_refused"] == []
    np.testing.assert_array_equal(alone.values, plain.values)


def test_codes_signs_and_ranges_are_said_as_people_say_them():
    # a postcode and a phone number: digit by digit, each hyphen の (before: ひゃく, いち; the zeros lost)
    assert kana("〒100-0001 東京都") == "いちぜろぜろのぜろぜろぜろいちとうきょうと"
    assert kana("03-1234-5678です") == "ぜろさんのいちにーさんよんのごーろくななはちです"
    assert kana("0120") == "ぜろいちにーぜろ"  # led by a zero: a code
    # a number's sign (before: not said at all)
    assert kana("今朝は−5度でした。") == "けさわまいなすごどでした。"
    assert kana("気温は-3度") == "きおんわまいなすさんど"
    # signs the dictionary reads: espeak-ng says ℃ not at all, % in English
    assert kana("5℃くらい") == "ごどくらい"
    assert kana("50%") == "ごじゅうぱーせんと"
    assert kana("5〜10人") == "ごからじゅうにん"
    assert kana("2025年") == "にせんにじゅうごねん"  # a plain number as before
    assert kana("09時05分") == "くじごふん"  # a 0 before a counter: a time, no code


@pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")
def test_the_minus_closes_the_lips():
    """まいなす starts with m: the lips close (before, espeak-ng named the sign "Japanese letter" in
    English at a line's start, and said nothing for it within a line)."""
    from dualtalk.inference.phonetic.japanese_reading import reading

    phones = "".join(p.symbol for p in speak(reading("−5度"), Voice("espeak", "ja")).phones)
    assert phones.startswith("m"), phones
