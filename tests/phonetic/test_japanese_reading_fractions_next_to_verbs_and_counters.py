"""A Japanese script's slashed fractions were still mouthed as dates where the words next to them told
otherwise: 時間が1/3に短くなった said いちがつ みっか (a day, not a third), 作業を3/4終えた さんがつ よっか,
1/2日かかる いちがつ ふつかにち (a day and a stray にち), 3/4の人が賛成した and 作業の3/4を a day too. Now an
adjective of less after に, a verb right after the pair with を before it, a counter after it, people
after の and a whole before の make it a part; where the same words date it (1/3に短い会議, 作業を3/4に終えた,
3/4の会議, 来月の3/4) it stays a day, and 2/30 stays the day it is written as."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_made_shorter_to_a_third_is_a_third():
    # before: じかんが いちがつ みっかに みじかく なった
    assert kana("時間が1/3に短くなった。") == "じかんがさんぶんのいちにみじかくなった。"
    assert kana("得点が1/3に短くなった。") == "とくてんがさんぶんのいちにみじかくなった。"
    assert kana("画像を1/2に小さくした。") == "がぞうおにぶんのいちにちいさくした。"
    # an adjective before its noun after a day's に: the day something is
    assert kana("1/3に短い会議がある。") == "いちがつみっかにみじかいかいぎがある。"


def test_a_part_done_of_an_object_is_a_part():
    assert kana("作業を3/4終えた。") == "さぎょうおよんぶんのさんおえた。"  # before: さんがつ よっか
    assert kana("ケーキを1/3だけ食べた。") == "ケーキおさんぶんのいちだけたべた。"
    # a day takes に
    assert kana("作業を3/4に終えた。") == "さぎょうおさんがつよっかにおえた。"


def test_half_a_day_is_said_as_written():
    # 1/2日 is read as its figures, にぶんのいちにち (a writer who means はんにち writes 半日), as 1/2カップ is
    # にぶんのいちカップ; a date takes no 日 after it. before: いちがつ ふつかにち, いちがつ ふつかかで
    assert kana("1/2日かかる。") == "にぶんのいちにちかかる。"
    assert kana("会議は1/2日で終わる。") == "かいぎわにぶんのいちにちでおわる。"
    assert kana("半日かかる。") == "はんにちかかる。"
    # a counter after the part meets it as after any number (いっこ, いっぱい)
    assert kana("レモン1/2個") == "レモンにぶんのいっこ"  # before: いちがつ ふつかこ
    assert kana("1/2杯の砂糖") == "にぶんのいっぱいのさとう"


def test_people_after_no_and_a_whole_before_it_make_a_share():
    assert kana("3/4の人が賛成した。") == "よんぶんのさんのひとがさんせいした。"  # before: さんがつ よっかの
    assert kana("作業の3/4を終えた。") == "さぎょうのよんぶんのさんおおえた。"
    # a meeting after の, a word of time before it: a day
    assert kana("3/4の会議に出る。") == "さんがつよっかのかいぎにでる。"
    assert kana("来月の3/4に会う。") == "らいげつのさんがつよっかにあう。"


def test_february_the_thirtieth_stays_as_written():
    # no such day, but a script that writes it means a day (a typo's date, a story's calendar); an
    # amount only where the words next to it say so
    assert kana("2/30に会おう。") == "にがつさんじゅうにちにあおう。"
    assert kana("締切は2/30です。") == "しめきりわにがつさんじゅうにちです。"
    assert kana("全体の2/30が残った。") == "ぜんたいのさんじゅうぶんのにがのこった。"


def test_a_day_before_a_counter_of_its_own_stays_a_day():
    # an issue, a delivery, an arrival, an event or the orders of the day: before, 3/4号 and 3/4着 were
    # said as fractions (よんぶんのさんごう), 1/5付 いつかふ, 1/20時点 はつかじ てん
    assert kana("3/4号に載った。") == "さんがつよっかごうにのった。"
    assert kana("荷物は3/4着です。") == "にもつわさんがつよっかちゃくです。"
    assert kana("3/4入荷予定") == "さんがつよっかにゅうかよてい"
    assert kana("12/25版") == "じゅうにがつにじゅうごにちばん"
    assert kana("1/5付で異動") == "いちがついつかづけでいどう"
    assert kana("1/20時点で") == "いちがつはつかじてんで"
    # a verb of amounts is no event (1/2に削減: the part it was cut to)
    assert kana("1/2に削減した。") == "にぶんのいちにさくげんした。"
    # a noun of doing with its する is the pair's verb, as before: a part done
    assert kana("作業は3/4完成した。") == "さぎょうわよんぶんのさんかんせいした。"
