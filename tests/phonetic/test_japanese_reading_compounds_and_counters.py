"""A Japanese script's compounds and counted things were still mouthed as nobody says them: 管理会社 かんり
かいしゃ (a compound voices its second part: かんりがいしゃ, as 子会社 こがいしゃ), ビニール袋 ふくろ, 運動靴 くつ,
世間話 はなし; 10月1日 いちにち (the first of a month is ついたち), 20歳 にじゅっさい (はたち), 3泊 さんはく,
1ヶ月 いちかげつ, 1週間 いちしゅうかん, 1人1つずつ いちつ, 2対1 について, 午前0時 ぜろじ, 1.5倍 いちてんご, 1等
いちとう, 170cm as a commercial (シーエム), 5kg as letters (ケージー), 3m as a company's name, and the 〜 of
午前9時〜午後5時 not at all. Now each is said as in talk; a word of time, a person or a particle between
keeps 会社 かいしゃ (毎日会社に行く, お父さん会社に行った？), and 会社員 is its own word."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_a_company_named_by_what_it_does_is_gaisha():
    assert kana("管理会社に電話した。") == "かんりがいしゃにでんわした。"  # before: かんりかいしゃ
    assert kana("ゲーム会社で働いています。") == "ゲームがいしゃではたらいています。"
    assert kana("映画会社の人") == "えいががいしゃのひと"
    # the dictionary's own word, read かいしゃ
    assert kana("旅行会社に行く。") == "りょこうがいしゃにいく。"
    assert kana("新会社を作る。") == "しんがいしゃおつくる。"
    # the dictionary's words stay as they were
    assert kana("子会社") == "こがいしゃ"
    assert kana("株式会社") == "かぶしきがいしゃ"
    assert kana("会社員の田中です。") == "かいしゃいんのたなかです。"
    assert kana("各会社の代表") == "かくかいしゃのだいひょう"


def test_a_company_after_a_word_of_time_or_a_person_is_no_compound():
    assert kana("今日会社に行く。") == "きょうかいしゃにいく。"
    assert kana("毎日会社に行く。") == "まいにちかいしゃにいく。"
    assert kana("お父さん会社に行った？") == "おとうさんかいしゃにいった?"
    assert kana("会社の話") == "かいしゃのはなし"


def test_other_second_parts_voiced_in_a_compound():
    assert kana("ビニール袋をください。") == "ビニールぶくろおください。"  # before: ふくろ
    assert kana("運動靴を買った。") == "うんどうぐつおかった。"
    assert kana("世間話をした。") == "せけんばなしおした。"
    assert kana("段ボール箱に入れて。") == "だんぼーるばこにいれて。"
    # alone, or a word of the dictionary's, as before
    assert kana("袋に入れて。") == "ふくろにいれて。"
    assert kana("箱を開けた。") == "はこおあけた。"
    assert kana("お袋が来た。") == "おふくろがきた。"
    assert kana("その話は本当？") == "そのはなしわほんとう?"


def test_counted_days_ages_nights_and_months():
    assert kana("10月1日に引っ越します。") == "じゅうがつついたちにひっこします。"  # before: いちにち
    assert kana("毎月1日に払う。") == "まいつきついたちにはらう。"
    assert kana("1日かかる。") == "いちにちかかる。"
    assert kana("20歳の誕生日おめでとう！") == "はたちのたんじょうびおめでとう!"
    assert kana("3泊4日の旅行") == "さんぱくよっかのりょこう"  # before: さんはく
    assert kana("1泊2日") == "いっぱくふつか"
    assert kana("1ヶ月ぶりだね。") == "いっかげつぶりだね。"  # before: いちかげつ
    assert kana("6か月") == "ろっかげつ"
    assert kana("1週間で3kg痩せた。") == "いっしゅうかんでさんきろやせた。"
    assert kana("1人1つずつ取ってね。") == "ひとりひとつずつとってね。"  # before: いちつ
    assert kana("1等が当たった。") == "いっとうがあたった。"


def test_scores_hours_decimals_and_units():
    assert kana("試合は2対1で勝った。") == "しあいわにたいいちでかった。"  # before: についいち
    assert kana("午前0時に集合ね。") == "ごぜんれいじにしゅうごうね。"
    assert kana("売上が1.5倍に増えた。") == "うりあげがいってんごばいにふえた。"
    assert kana("3.5倍") == "さんてんごばい"
    assert kana("営業時間は午前9時〜午後5時です。") == "えいぎょうじかんわごぜんくじからごごごじです。"
    assert kana("身長は170cmです。") == "しんちょうわひゃくななじゅっせんちです。"
    assert kana("170cm") == "ひゃくななじゅっせんち"  # before: ひゃくななじゅうシーエム
    assert kana("5kgも痩せたの？") == "ごきろもやせたの?"
    assert kana("この道を100m進んで。") == "このみちおひゃくめーとるすすんで。"
    assert kana("3mです") == "さんめーとるです"  # before: 3mです (a name to the dictionary)


def test_a_meeting_held_on_a_day_is_held():
    # a date and its に between the object and the verb: before, 行った was いった and 開く あく
    assert kana("会議を3月4日に行った。") == "かいぎおさんがつよっかにおこなった。"
    assert kana("会議を3/4に開く。") == "かいぎおさんがつよっかにひらく。"
    assert kana("会議を来週に行う。") == "かいぎおらいしゅうにおこなう。"
    # no object before the day: a going
    assert kana("学校に3時に行った。") == "がっこうにさんじにいった。"
    assert kana("彼を3時に連れて行った。") == "かれおさんじにつれていった。"
