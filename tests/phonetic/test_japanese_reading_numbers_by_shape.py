"""A Japanese script writes dates, times, page ranges and scores with the same signs as phone numbers
and postcodes. Before, every hyphen between numbers was read as a phone number's, digit by digit
(2024-12-06: にーぜろにーよんのいちにーのぜろろく; ページ12-15: いちにーのいちごー; 3-1: さんのいち), and a
time's colon was left to the voice (10:30: じゅう: さんじゅう). Now the shape decides: a code is said
digit by digit, a date and a time in words, a range with から and a score with たい. And 行った after an
object (を) is 行う's (おこなった) with adverbs, counts or words of time between, as right after it."""

from __future__ import annotations

import kanji_reader

pytestmark = kanji_reader.needs_it


def kana(text: str) -> str:
    from dualtalk.inference.phonetic.japanese_reading import reading

    return reading(text).replace(" ", "")


def test_a_date_is_said_as_a_date():
    assert kana("2024-12-06に会いました") == "にせんにじゅうよねんじゅうにがつむいかにあいました"
    assert kana("2023/4/1から") == "にせんにじゅうさんねんしがつついたちから"
    assert kana("2024年") == "にせんにじゅうよねん"  # before: にじゅうよんねん


def test_a_time_is_said_in_hours_and_minutes():
    assert kana("会議は10:30からです") == "かいぎわじゅうじさんじゅっぷんからです"
    assert kana("9:00に始まる") == "くじにはじまる"


def test_a_range_and_a_score_are_said_as_numbers():
    assert kana("ページ12-15を読んで") == "ページじゅうにからじゅうごおよんで"
    assert kana("3-5人") == "さんからごにん"
    assert kana("試合は3-1で勝った") == "しあいわさんたいいちでかった"


def test_codes_are_still_said_digit_by_digit():
    assert kana("〒100-0001") == "いちぜろぜろのぜろぜろぜろいち"
    assert kana("03-1234-5678") == "ぜろさんのいちにーさんよんのごーろくななはち"
    assert kana("090-1234-5678") == "ぜろきゅうぜろのいちにーさんよんのごーろくななはち"


def test_held_is_read_held_with_a_count_or_a_time_between_the_object_and_the_verb():
    assert kana("調査を三回行った") == "ちょうさおさんかいおこなった"  # before: いった
    assert kana("手術を昨日行った") == "しゅじゅつおきのうおこなった"  # before: いった
    assert kana("実験を毎日行った") == "じっけんおまいにちおこなった"  # before: いった
    assert kana("会議を行った") == "かいぎおおこなった"
    # no object in the clause: 行く, went
    assert kana("2人で行った") == "ふたりでいった"
    assert kana("学校に行った") == "がっこうにいった"
    assert kana("彼を連れて行った") == "かれおつれていった"
    assert kana("本を読んで、学校に行った") == "ほんおよんで、がっこうにいった"
