"""A Japanese script's reader still mouthed words nobody says where only the words around them tell:
2/3に減った was read as a date (にがつみっか), 24/7 as a fraction, 第2-1節 as a range (にからいち), 田中家 as
たなかか, 会社の方が来た as ほう (a side, not a person), 空いている電車 as あいて (free, not uncrowded), and
でも辛い。 after a sentence about a curry as つらい (hard to bear, not spicy). Now the sentence, and the one
before it, choose; where the other reading is right (2/3に会う, 家を建てる, 席が空いている) it stays."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_a_slashed_pair_is_a_fraction_where_the_sentence_speaks_of_amounts():
    assert kana("2/3に減った。") == "さんぶんのににへった。"  # before: にがつみっか
    assert kana("予算は約1/4だ。") == "よさんわやくよんぶんのいちだ。"
    assert kana("値段が1/2になった。") == "ねだんがにぶんのいちになった。"
    # a date where nothing speaks of amounts (約束 holds 約 but is no amount)
    assert kana("2/3に会う。") == "にがつみっかにあう。"
    assert kana("1/5に会う約束だ。") == "いちがついつかにあうやくそくだ。"


def test_twenty_four_seven_is_said_as_its_two_numbers():
    assert kana("24/7で働く。") == "にじゅうよんななではたらく。"  # before: ななぶんのにじゅうよん
    assert kana("7/24に会う。") == "しちがつにじゅうよっかにあう。"  # (the other way round, a date)


def test_a_section_number_is_said_with_no():
    assert kana("第2-1節を読んで。") == "だいにのいっせつおよんで。"  # before: にからいちせつ
    assert kana("3-2項") == "さんのにこう"
    assert kana("第1節") == "だいいっせつ"  # before: だいいちせつ
    # a range of chapters stays a range
    assert kana("第2-4章まで読んだ。") == "だいにからよんしょうまでよんだ。"


def test_an_episode_is_wa_after_its_number():
    assert kana("5話を見た。") == "ごわおみた。"  # before: ごはなし
    assert kana("第3-5話") == "だいさんからごわ"
    assert kana("変な話だ。") == "へんなはなしだ。"


def test_a_family_by_its_name_is_ke():
    assert kana("田中家に行った。") == "たなかけにいった。"  # before: たなかかに
    assert kana("佐藤家の墓") == "さとうけのはか"
    # words of their own keep their か
    assert kana("専門家に聞く。") == "せんもんかにきく。"
    assert kana("音楽家になる。") == "おんがくかになる。"


def test_a_person_from_somewhere_is_kata_when_they_do_what_people_do():
    assert kana("会社の方が来た。") == "かいしゃのかたがきた。"  # before: ほう
    assert kana("市役所の方は説明した。") == "しやくしょのかたわせつめいした。"
    # a side: compared, gone to, or no person's doing
    assert kana("会社の方が近い。") == "かいしゃのほうがちかい。"
    assert kana("駅の方に来て。") == "えきのほうにきて。"
    assert kana("こっちの方が来やすい。") == "こっちのほうがきやすい。"


def test_a_train_or_a_road_not_crowded_is_suku():
    assert kana("空いている電車に乗った。") == "すいているでんしゃにのった。"  # before: あいて
    assert kana("道路が空いてる。") == "どうろがすいてる。"
    # a seat, an hour, a hand that is free: あく
    assert kana("この席は空いてる？") == "このせきわあいてる?"
    assert kana("午後なら時間が空いている。") == "ごごならじかんがあいている。"


def test_spicy_where_the_sentence_before_names_the_food():
    assert kana("このカレーおいしいね。でも辛い。") == "このカレーおいしいね。でもからい。"  # before: つらい
    assert kana("スープを一口飲んだ。辛かった！") == "スープおひとくちのんだ。からかった!"
    # a sentence with its own subject, or 辛い before another noun, is つらい
    assert kana("カレーを食べた。仕事が辛い。") == "カレーおたべた。しごとがつらい。"
    assert kana("カレーを食べた。辛い毎日だ。") == "カレーおたべた。つらいまいにちだ。"
