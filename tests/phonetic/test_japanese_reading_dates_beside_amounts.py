"""A business or news script full of prices, fees and sales still says its dates as dates: since the
reader made a slashed pair a fraction wherever its sentence named an amount, 料金は4/10から下がる was
mouthed じゅうぶんのよん (a tenth of four) instead of しがつとおか. Now only the words next to the pair
make it a fraction (約1/3, 3/4ほど, 2/3に減った, 全体の2/3が, 値段が1/2になった); a day followed by
から, までに, 以降, 締切 or another verb is a day, whatever the sentence is about."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_a_date_in_a_sentence_about_prices_is_a_date():
    # before: じゅうぶんのよん, じゅうごぶんのさん, ごぶんのに, さんじゅういちぶんのご, じゅうよんぶんのに, ...
    assert kana("料金は4/10から下がる。") == "りょうきんわしがつとおかからさがる。"
    assert kana("価格は3/15に改定されます。") == "かかくわさんがつじゅうごにちにかいていされます。"
    assert kana("売上は2/5から増えた。") == "うりあげわにがついつかからふえた。"
    assert (
        kana("費用は5/31までに払ってください。") == "ひようわごがつさんじゅういちにちまでにはらってください。"
    )
    assert kana("2/14はチョコの値段が上がる。") == "にがつじゅうよっかわチョコのねだんがあがる。"
    assert kana("6/30締切で予算を削る。") == "ろくがつさんじゅうにちしめきりでよさんおけずる。"
    assert kana("5/20に値段を下げる。") == "ごがつはつかにねだんおさげる。"
    assert kana("1/2の午後に予算を決める。") == "いちがつふつかのごごによさんおきめる。"
    assert kana("予算の期限は9/30です。") == "よさんのきげんわくがつさんじゅうにちです。"


def test_a_fraction_is_told_by_the_words_next_to_it():
    assert kana("2/3に減った。") == "さんぶんのににへった。"
    assert kana("値段が1/2になった。") == "ねだんがにぶんのいちになった。"
    assert kana("約1/3の人が来た。") == "やくさんぶんのいちのひとがきた。"
    assert kana("3/4ほど食べた。") == "よんぶんのさんほどたべた。"
    assert kana("コストは3/10まで下がった。") == "コストわじゅうぶんのさんまでさがった。"
    assert kana("予算の1/4を使った。") == "よさんのよんぶんのいちおつかった。"
    assert kana("利益は前年の2/3だった。") == "りえきわぜんねんのさんぶんのにだった。"
    assert kana("1/3の確率で当たる。") == "さんぶんのいちのかくりつであたる。"
    # the same words around a day: a date
    assert kana("やっと1/2になった。") == "やっといちがつふつかになった。"
    assert kana("締切は2/3で、費用は約半分です。") == "しめきりわにがつみっかで、ひようわやくはんぶんです。"


def test_a_bound_after_a_day_is_its_own_phrase():
    from dualtalk.inference.phonetic.japanese_reading import reading

    # espeak-ng ran a day's last ち into 以降 when they were one word (じゅうごにちいこう: にーこう)
    assert "じゅうごにち いこうわ" in reading("9/15以降は料金が2倍になる。")
    assert (
        kana("3/12以上の日程で調整します。") == "さんがつじゅうににちいじょうのにっていでちょうせいします。"
    )
    assert kana("3/4以上が賛成した。") == "よんぶんのさんいじょうがさんせいした。"
