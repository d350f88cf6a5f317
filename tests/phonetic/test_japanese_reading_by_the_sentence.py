"""Some Japanese words are written alike and said two ways, and the dictionary gives each one reading
only: 何か was read なんか, 開いてる (a shop that is open) ひらいてる, 辛い (spicy) つらい, 家 always いえ and
方 after この always ほう, so the character mouthed words nobody says. Numbers joined by signs were
read as a range whatever they were: 5-3の計算 ごからさん, 2-0 にかられい, 1234-5678 as two big numbers, and
12/6 was left to the voice. Now the sentence around a word chooses how it is said, and a number's
shape says whether it is a sum, a score, a date or a phone number."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_what_is_nani_except_before_t_d_and_n():
    assert kana("何か飲みますか。") == "なにかのみますか。"  # before: なんか
    assert kana("何が好き？") == "なにがすき?"  # before: なんが
    assert kana("何を食べる？") == "なにおたべる?"  # before: なんお
    # before a word said with t, d or n it stays なん
    assert kana("何でもいい。") == "なんでもいい。"
    assert kana("何の話？") == "なんのはなし?"
    assert kana("何か月も") == "なんかげつも"


def test_open_is_aku_unless_something_is_opened():
    assert kana("開いてる店を探そう。") == "あいてるみせおさがそう。"  # before: ひらいてる
    assert kana("窓が開いていますね。") == "まどがあいていますね。"
    assert kana("ドアが開かない。") == "ドアがあかない。"
    # an object, the passive, a flower: ひらく
    assert kana("本の10ページを開いてください。") == "ほんのじゅっぺーじおひらいてください。"
    assert kana("会議は明日開かれる。") == "かいぎわあしたひらかれる。"
    assert kana("花が開いた。") == "はながひらいた。"


def test_spicy_where_food_is_spoken_of_and_hard_elsewhere():
    assert kana("このカレーは辛いね。") == "このカレーわからいね。"  # before: つらい
    assert kana("この料理、辛すぎる。") == "このりょうり、からすぎる。"
    assert kana("辛い物は苦手です。") == "からいものわにがてです。"
    assert kana("毎日仕事が辛い。") == "まいにちしごとがつらい。"
    assert kana("意味がなくて辛い。") == "いみがなくてつらい。"  # (味 in 意味 is no taste)


def test_home_is_uchi_where_nothing_describes_the_house():
    assert kana("早く家に帰りたい。") == "はやくうちにかえりたい。"  # before: いえに
    assert kana("今日は家でゆっくりする。") == "きょうわうちでゆっくりする。"
    assert kana("新しい家を買った。") == "あたらしいいえおかった。"
    assert kana("大きな家に住みたい。") == "おおきないえにすみたい。"
    assert kana("友達の家から帰った。") == "ともだちのいえからかえった。"


def test_kata_is_a_person_and_hou_a_side_or_a_comparison():
    assert kana("この方が田中さんです。") == "このかたがたなかさんです。"  # before: ほう
    assert kana("担当の方を呼んで。") == "たんとうのかたおよんで。"  # before: ほう
    assert kana("あの方はどなたですか。") == "あのかたわどなたですか。"
    assert kana("この方が安いです。") == "このほうがやすいです。"
    assert kana("その方がずっと楽だよ。") == "そのほうがずっとらくだよ。"
    assert kana("女の方が強い。") == "おんなのほうがつよい。"
    assert kana("こちらの方へどうぞ。") == "こちらのほうえどうぞ。"
    assert kana("早く寝た方がいいよ。") == "はやくねたほうがいいよ。"
    assert kana("漢字の読み方を教えて。") == "かんじのよみかたおおしえて。"


def test_a_sum_a_score_a_date_and_a_phone_number_by_their_shape():
    assert kana("5-3の計算をして。") == "ごひくさんのけいさんおして。"  # before: ごからさん
    assert kana("5+3=8です。") == "ごたすさんいこーるはちです。"  # before: + and = said in English
    assert kana("5×3は15。") == "ごかけるさんわじゅうご。"  # before: ばつ
    assert kana("結果は2-0だった。") == "けっかわにたいぜろだった。"  # before: にかられい
    assert kana("12/6に会おう。") == "じゅうにがつむいかにあおう。"  # before: じゅうに/ろくに
    assert kana("1/2カップ") == "にぶんのいちカップ"
    assert kana("2024-12に") == "にせんにじゅうよねんじゅうにがつに"  # before: ...よんからじゅうに
    assert kana("1234-5678に電話して。") == "いちにーさんよんのごーろくななはちにでんわして。"
    assert kana("渋谷3-1") == "しぶやさんのいち"  # an address; before: さんからいち
    # ranges stay ranges: upwards, round amounts, years, a number with its counter
    assert kana("第2-3章を読んで。") == "だいにからさんしょうおよんで。"
    assert kana("1000-2000円") == "せんからにせんえん"
    assert kana("1990-2000年") == "せんきゅうひゃくきゅうじゅうからにせんねん"


def test_held_with_a_comma_between_the_object_and_the_verb():
    assert kana("手術を、昨日行った。") == "しゅじゅつお、きのうおこなった。"  # before: いった
    assert kana("2人で、行った。") == "ふたりで、いった。"
    assert kana("彼を、連れて行った。") == "かれお、つれていった。"


def test_a_box_is_hako_on_its_own():
    assert kana("箱を開いてみた。") == "はこおひらいてみた。"  # before: ばこお
    assert kana("紙箱") == "かみばこ"


def test_a_noun_and_its_suru_are_one_word_to_the_voice():
    from dualtalk.inference.phonetic.japanese_reading import reading

    # spaced apart, espeak-ng says the ん before a pause (ɴ) where one says it into the し
    assert "そうだんしてね" in reading("辛い時は相談してね。")  # before: そうだん してね
    assert "けっこんした" in reading("2024年に結婚した。")  # before: けっこん した
