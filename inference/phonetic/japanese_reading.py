"""A Japanese line written the usual way (kanji and kana) as the kana espeak-ng reads.

espeak-ng's Japanese voice reads kana only: it names every kanji "Chinese letter", and it reads the
letters は and へ as "ha" and "he" even where they are particles, said "wa" and "e". SudachiPy
(Apache-2.0) with its core dictionary (``sudachidict_core``, Apache-2.0) splits a line into words and
gives each its reading; a word with kanji is replaced by its reading, a number and its counter by the
word they are said as (:func:`counted`), the particles by the kana they are said as (を too, as お),
and the line is spaced between its phrases (espeak-ng marks a word per space, and a long line is
timed piece by piece from those marks). SudachiPy and its dictionary are optional installs: without
them a line in kanji is refused as before, naming this fix (``script_languages.writing_advice``).

SudachiPy gives a word one reading: where the words around it say otherwise, they choose
(:func:`_in_context`: お腹が空いた すいた, 2人で行った いった, 調査を三回行った おこなった, 何か なにか,
開いてる店 あいてる, このカレーは辛い からい and カレーだ。でも辛い。 からい, 家に帰る うち, 田中家 たなかけ,
この方が田中さん and 会社の方が来た かた, 空いている電車 すいて); a few everyday words its
lattice splits are read as one (:data:`_WORDS`: 毎日本 まいにち ほん); stage directions in brackets are
not said (:func:`.directions.dropped`: （笑）); numbers joined by signs are said by their shape
(:func:`_code`: 〒100-0001, 03-1234-5678 and 1234-5678 digit by digit, 2024-12-06 and 12/6 dates,
10:30 a time, ページ12-15 a range, 3-1 after 試合 and 2-0 scores, 5-3の計算 a sum, 2/3に減った, 1/3に短く,
作業を3/4終えた and 1/2日 fractions by the words next to them (料金は4/10から下がる a date),
第2-1節 a section, 24/7 two numbers) and a number's sign is said (:func:`_sign`: −5度, 5+3=8, 2対1);
a compound the dictionary splits voices its second part (:data:`_VOICED`: 管理会社 かんりがいしゃ,
ビニール袋 ぶくろ). Where only the meaning could tell (何か: なにか or なんか; 家で: うち or いえ), the
reading more often right in everyday speech is chosen.

The dictionary is loaded once per process (0.04-0.09 s: SudachiPy maps its file; the process's memory
grows by about 100 MB, most of it the mapped file; a line then takes 0.1 ms).
"""

from __future__ import annotations

import functools
import os
import re
import stat
import threading
import unicodedata
from pathlib import Path
from typing import Any

from . import directions
from .full_width import folded

INSTALL = "pip install sudachipy sudachidict_core"

# the particles espeak-ng reads by their letter (は: "ha") that are said otherwise; a word that ends
# in one is a particle, a conjunction (では, それでは) or a greeting (こんにちは, こんばんは)
_PARTICLES = {"は": "わ", "へ": "え", "を": "お"}
_ENDS_IN_PARTICLE = ("助詞", "接続詞", "感動詞")
# words the core dictionary reads as they are written formally, not as they are said in dialogue
# (私: ワタクシ, 明日: アス, 日本: ニッポン; 何時: イツ, which is written いつ), and one it reads as it is
# said only after another word (鉢: バチ; 箱 is read by the word before it: :data:`_VOICED`)
_SAID = {"私": "わたし", "明日": "あした", "日本": "にほん", "何時": "なんじ", "鉢": "はち"}
# Common words the core dictionary's lattice splits otherwise, misreading what follows too (毎日本を:
# 毎 + 日本, まいにほん; 一昨日: 一昨 + 日, いっさくひ; 何曜日: 何曜 + 日, なんようひ; 一日中雨: 一 + 日中
# + 雨 read う): where a word of the line starts with one, it is read as this word and the rest of
# the line is read again after it (毎日 + 本を: まいにち ほんお; 毎日曜 says the same as まいにちよう).
_WORDS = {
    "毎日": "まいにち", "一昨日": "おととい", "一昨年": "おととし", "何曜日": "なんようび",
    "一日中": "いちにちじゅう", "一年中": "いちねんじゅう", "一晩中": "ひとばんじゅう",
}  # fmt: skip
_NOUN = ("名詞", "普通名詞", "一般", "*", "*", "*")
# A stage direction in brackets is not said: （笑）, (拍手), [ため息], 【速報】; kana in brackets right after
# kanji is how the kanji are said (東京（とうきょう）) and replaces them: :mod:`.directions`, the rule
# every script reader shares.
_SILENT = "〒"  # the postcode mark: the code after it is said, not the mark
# a hyphen or minus: between groups of digits a code, a date, a range or a score (:func:`_code`); before
# a number that follows no number or letter the number's sign (−5度: まいなすごど)
_HYPHENS = "-−‐－–"
_RANGES = "〜～~"  # between two numbers: から (5〜10人: ごからじゅうにん)
# a sum's signs between two numbers (5+3=8: ごたすさんいこーるはち; espeak-ng says + and = in English,
# and the dictionary reads × as the sign's name, ばつ)
_SUMS = {"+": "たす", "×": "かける", "÷": "わる", "=": "いこーる"}
# a code's digits one by one, as a phone number or postcode is said (2 and 5 long: にー, ごー)
_CODE_DIGITS = ("ぜろ", "いち", "にー", "さん", "よん", "ごー", "ろく", "なな", "はち", "きゅう")
# parts of speech that belong to the word before them: no space before them in the line read
_ATTACHED = ("助詞", "助動詞", "接尾辞", "補助記号")
# words said as a phrase of their own after digits joined by signs (3/12 以上, 9/15 以降: espeak-ng would
# run the day's last ち into them, じゅうごにちいこう said じゅうごにーこう)
_OWN_PHRASE = ("以上", "以下", "未満", "以降", "以前", "以後")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# one of SudachiPy's words: surface, reading (katakana), part of speech, normalized and dictionary form
_Word = tuple[str, str, tuple[str, ...], str, str]
_LOCK = threading.Lock()  # a SudachiPy tokenizer is not to be used by two threads at once


# why the reader did not load though its packages are there ("" when it loaded, or is not installed)
_BROKEN: list[str] = []


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any | None:
    """SudachiPy's tokenizer on the core dictionary, made once per process; None when either is not
    installed, or is installed but does not load (:func:`load_problem` says why)."""
    import importlib

    _BROKEN.clear()
    try:  # (imported by name: an optional package without type information)
        sudachipy = importlib.import_module("sudachipy")
        _check_dictionary_file(importlib.import_module("sudachidict_core"))
        return sudachipy.Dictionary(dict="core").tokenizer()
    except Exception as exc:  # noqa: BLE001 (not installed; installed but broken: an import, the dictionary file)
        if all(map(_found, INSTALL.split()[2:])):  # both there: say why they do not load
            _BROKEN.append(_first_line(exc))
        return None


def _check_dictionary_file(package: Any) -> None:
    """Refuse a ``system.dic`` that is no plain file, found where SudachiPy looks for it (the
    package's ``resources/``): SudachiPy opens a named pipe and waits for a writer for ever, deaf
    to SIGTERM (review rv35a F4). A missing file is left to SudachiPy, which names it."""
    path = Path(package.__file__).resolve().parent / "resources" / "system.dic"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode):
        kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))
        kind = next((name for test, name in kinds if test(mode)), "a device")
        raise OSError(f"{path} is {kind}, not the dictionary file")


def _found(package: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):  # set to None in sys.modules: hidden, as if not installed
        return False


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def available() -> bool:
    """Whether kanji can be read here (SudachiPy and its core dictionary import)."""
    return _tokenizer() is not None


def load_problem() -> str:
    """Why the reader is installed but does not load (a dictionary package without its dictionary
    file, a SudachiPy built for another Python): "" when it loads or is simply not installed. A
    refusal that only named the install would send the user to install what they have."""
    _tokenizer()
    return _BROKEN[0] if _BROKEN else ""


def has_kanji(text: str) -> bool:
    """Whether ``text`` holds a kanji (a Han character, or 々 ヶ 〆 that stand for one)."""
    return any(ch in "々ヶ〆" or "CJK UNIFIED" in unicodedata.name(ch, "") for ch in text)


def _hiragana(katakana: str) -> str:
    """A katakana reading in hiragana (ー and other signs as they are): as a reading is spelt out."""
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in katakana)


def _katakana_only(text: str) -> bool:
    return bool(text) and all("ァ" <= ch <= "ヺ" or ch == "ー" for ch in text)


def _digits(word: str) -> str | None:
    """A word written in digits (ASCII or full-width) as ASCII digits, else None."""
    plain = unicodedata.normalize("NFKC", word)
    return plain if plain.isdigit() and plain.isascii() else None


# How digit groups joined by signs are said, decided by their shape (:func:`_code`):
# - after 〒, or with a group led by 0 (03-1234-5678, 090-..., 100-0001), or three or more groups
#   that are not a date: a code, digit by digit, each hyphen の;
# - YYYY-MM-DD or YYYY/MM/DD with a month 1-12 and a day 1-31: a date (にせんにじゅうよねん じゅうにがつ
#   むいか);
# - H:MM (hour 0-29, minutes 00-59): a time (じゅうじ さんじゅっぷん);
# - YYYY-MM or YYYY/MM (a year 1900-2099, a month 1-12): a year and month; M/D (month 1-12, day 1-31)
#   a date (12/6に: じゅうにがつ むいか), unless the first is the smaller and the words next to it say
#   an amount (:func:`_an_amount`): a fraction (1/2カップ: にぶんのいち; 2/3に減った, 約1/3: さんぶんのに;
#   2/3に会う and 料金は4/10から下がる stay dates), as all other slashed pairs are (5/100:
#   ひゃくぶんのご) but 24/7, said as its two numbers (にじゅうよんなな: "all the time", no fraction);
# - two hyphened groups of 3-4 and 4 digits before no counter, not two round amounts nor two years: a
#   phone number without its area code, digit by digit (1234-5678);
# - two groups by a hyphen otherwise: numbers said as numbers, the hyphen an address's の right after a
#   place's name or 丁目 (渋谷3-1: しぶや さんのいち) and a section number's の before 節 or 項, or after 第
#   where it runs down (第2-1節: だい にの いっせつ; 第3-1: さんのいち), a sum's ひく where the sentence speaks of sums
#   (5-3の計算: ごひくさん), a score's たい where it speaks of a match (試合は3-1: さんたいいち) or where
#   the second number is no larger than the first (結果は2-0: にたいぜろ; a range runs upwards, 2-0 is
#   no range), else a range's から (ページ12-15: じゅうにから じゅうご; 3-5人: さんからごにん; 第2-3章:
#   だいにから さんしょう).
_SCORE_WORDS = ("試合", "勝", "負", "スコア", "対戦", "引き分け", "得点", "優勝", "決勝", "戦")
_ADDRESS_UNITS = ("丁目", "番地", "番")
_SUM_WORDS = ("計算", "算", "答え", "イコール", "=", "＝", "+", "＋", "×", "÷")
_DATE_SIGNS = "-/"
_SECTIONS = ("節", "項")  # counters of numbered parts within parts (2-1節: section 1 of chapter 2)
# What makes a slashed month/day pair (N/M, N < M) a fraction is what stands next to it (a sentence
# that speaks of a price or a fall holds dates too: 料金は4/10から下がる, 費用は5/31までに):
# - a word of about before it (約1/3, わずか1/10) or of measure after it (2/3ほど, 3/4程度, 1/2ずつ);
# - に or まで then a verb of more and less by its dictionary form (2/3に減った, 3/4まで落ちた);
# - に then an adjective of less in its く form (時間が1/3に短くなった, 1/2に小さくする; 1/3に短い会議 is a day);
# - a counter after it (1/2日 にぶんのいちにち, 1/2個, 1/2本: a date takes no counter; 半日 is written 半日);
# - を before it and a verb after it, perhaps past だけ or しか (作業を3/4終えた, ケーキを1/3だけ食べた: a day
#   would take に, 作業を3/4に終えた);
# - unless what follows dates it (:func:`_dated`: から, までに, 以降, 締切, 頃, に + another verb, の午後):
#   a bound under eleven (3/4以上), a noun of amounts with の or が before it (全体の2/3が, 値段が1/2),
#   or any noun but one of time or a name with の before it and a particle after (作業の3/4を, 旅の1/3は;
#   来月の3/4, 東京の3/4, ツアーの3/4大阪公演 stay days), a measure or people after の (1/3の確率, 3/4の人が), a predicate (だ, です, になる) whose
#   subject is a noun of amounts (利益は前年の2/3だった), or a noun after a number under eleven (1/2カップ,
#   as before).
_AMOUNT_VERBS = (
    "減る", "増える", "減らす", "増やす", "落ちる", "占める", "縮む", "縮める", "抑える", "下げる", "下がる", "削る",
    "落とす", "縮小", "減少", "増加", "削減", "低下",
)  # fmt: skip
# verbs that make an amount of the pair only where a noun of amounts is its subject (値段が1/2になった;
# やっと1/2になった is a day come)
_AMOUNT_PREDICATES = ("なる", "当たる", "達する", "及ぶ", "留まる", "とどまる", "満たない", "相当")
# adjectives of less that make an amount of the pair in their く form after に (1/3に短くなった)
_LESS = ("短い", "小さい", "少ない", "低い", "狭い", "細い", "薄い", "軽い", "浅い", "弱い")
# particles that may stand between a portion and its verb (ケーキを1/3だけ食べた)
_ONLY = ("だけ", "しか", "のみ")
# what follows a part of a whole named before it (作業の3/4を, 旅の1/3は, 予算の1/4で)
_PART_AFTER = ("を", "が", "は", "も", "で", "だけ", "しか", "ほど", "。", "、")
# people after の make a share of the pair (3/4の人が賛成した; 3/4の会議 stays a day)
_PEOPLE_SHARED = (
    "人", "人々", "人たち", "方", "社員", "生徒", "学生", "住民", "国民", "市民", "回答者", "参加者", "子供",
    "子ども", "若者", "女性", "男性", "客", "お客さん", "ファン", "ユーザー", "会員", "有権者", "患者", "選手",
)  # fmt: skip
_ABOUT_BEFORE = (
    "約", "およそ", "ほぼ", "わずか", "僅か", "たった", "実に", "最大", "最低", "小さじ", "大さじ", "カップ",
)  # fmt: skip
_ABOUT_AFTER = ("ほど", "程", "程度", "強", "弱", "近く", "余り", "あまり", "ずつ", "割", "割引")
_ABOUT_LOOSE = ("くらい", "ぐらい", "位")  # (1/3くらい; 3/4くらいに着く is a day)
_BOUNDS = ("以上", "以下", "未満")
_AMOUNT_NOUNS = (
    "全体", "半分", "残り", "売上", "売り上げ", "売上高", "人口", "量", "分量", "割合", "予算", "費用", "全部",
    "全員", "価格", "値段", "コスト", "料金", "給料", "収入", "経費", "重さ", "長さ", "大きさ", "面積", "容量",
    "速度", "利益", "収益", "支出", "損失", "金額", "人数", "株価", "家賃", "所得", "賃金", "距離", "体重", "シェア",
    "生産量", "消費量", "使用量", "電気代", "人件費", "燃料費", "税金", "時間", "参加者",
)  # fmt: skip
_MEASURES = (
    "確率", "割合", "大きさ", "長さ", "重さ", "高さ", "広さ", "面積", "速度", "スピード", "量", "分量", "濃度",
    "縮尺", "サイズ", "厚さ", "距離", "人数", "値段", "価格", "力",
)  # fmt: skip
# what dates a pair right after it (4/10から, 5/31までに, 4/20以降, 6/30締切, 2/3頃, 1/2の午後)
_DATE_AFTER = (
    "から", "以降", "以前", "以後", "以来", "頃", "ごろ", "締切", "締め切り", "〆切", "期限", "必着", "当日", "付",
    "付け", "生まれ", "中", "限り", "迄", "午前", "午後", "朝", "夜", "昼", "夕方", "晩", "発売", "開催",
    "公開", "時点", "現在", "限定", "予定", "日程", "号", "便", "着", "発", "版", "分",
)  # fmt: skip
# (号, 便, 着, 発, 版, 分 are counters that date a pair too: 3/4号 the issue of 4 March, 3/4着 arriving then,
# 4/1分の注文 the orders of that day)
_COPULAS = ("だ", "です", "である")  # (by their dictionary form: で, だった, でした)
_CLAUSE_ENDS = ("、", "，", ",")
# slashed pairs said as their two numbers, not as a fraction nor a date (24/7: にじゅうよんなな)
_SAID_AS_NUMBERS = (("24", "7"),)
_MATCH_REACH = 30  # words either side looked at for a match
_TIME_SIGN = ":"


def _code(words: list[_Word], k: int) -> tuple[str, int] | None:
    """The digit groups joined by signs that start at ``words[k]`` said by their shape (a code digit
    by digit, a date, a time, a range, a score or a sum: the rule above; a 0-led number alone, 007, is a code),
    and how many words that takes; None where none starts there."""
    first = _digits(words[k][0])
    if first is None:
        return None
    groups, j, joint = [first], k + 1, ""
    while j + 1 < len(words) and (more := _digits(words[j + 1][0])) is not None:
        sign = unicodedata.normalize("NFKC", words[j][0])
        kind = "-" if sign in _HYPHENS else sign if sign in "/:" else ""
        if not kind or joint and kind != joint:
            break
        groups.append(more)
        joint, j = kind, j + 2
    postcode = k > 0 and words[k - 1][0] in _SILENT
    if len(groups) == 3 and joint in _DATE_SIGNS and not postcode and _is_date(groups):
        year, month, day = (counted(g, c) or "" for g, c in zip(groups, "年月日", strict=True))
        day = "ついたち" if int(groups[2]) == 1 else day  # (the first of a month; 1日 alone is a day long)
        return f"{year} {month} {day}", j - k
    if len(groups) == 2 and joint == _TIME_SIGN and _is_time(groups):
        minutes = counted(groups[1], "分") if int(groups[1]) else ""
        return f"{counted(groups[0], '時')} {minutes}", j - k
    counter_after = j < len(words) and _is_counter(words[j])
    if len(groups) == 2 and joint in _DATE_SIGNS and not postcode and _is_year_month(groups):
        return f"{counted(groups[0], '年')} {counted(groups[1], '月')}", j - k
    if len(groups) == 2 and joint == "/":
        if tuple(groups) in _SAID_AS_NUMBERS:
            return number(groups[0]) + number(groups[1]), j - k
        amount = int(groups[0]) < int(groups[1]) and _an_amount(words, k, j, int(groups[1]))
        if _is_month_day(groups) and not amount:
            day = "ついたち" if int(groups[1]) == 1 else counted(groups[1], "日") or ""
            if [w[0] for w in words[j : j + 2]] == ["時", "点"]:  # (1/20時点: split as 時 + 点, read じ てん)
                return f"{counted(groups[0], '月')} {day} じてん", j - k + 2
            return f"{counted(groups[0], '月')} {day}", j - k
        whole = f"{number(groups[1])}ぶんの"  # (1/2カップ: にぶんのいち)
        counter = unicodedata.normalize("NFKC", words[j][0]) if j < len(words) else ""
        # 1/2日 にぶんのいちにち, 2/3日 さんぶんのににち: a length, not a date (the dictionary may say か)
        if counter == "日":
            return f"{whole}{number(groups[0])}にち", j - k + 1
        part = counted(groups[0], counter) if counter else None
        if part is not None:  # (1/2個 にぶんのいっこ, 1/2杯 にぶんのいっぱい: the counter meets the part)
            return whole + part, j - k + 1
        return whole + number(groups[0]), j - k
    led_by_zero = any(len(g) > 1 and g.startswith("0") for g in groups)
    if len(groups) == 1 and not led_by_zero or joint not in ("", "-"):
        return None
    if len(groups) == 2 and not postcode and not led_by_zero and not _is_phone(groups, counter_after):
        # numbers said as numbers: the first here with its joint, the second by the line as any number
        # (a range's second number is read with its counter: 3-5人 さんから ごにん)
        if k > 0 and (words[k - 1][2][1:3] == ("固有名詞", "地名") or words[k - 1][0] in _ADDRESS_UNITS):
            return number(groups[0]) + "の", 2  # an address (渋谷3-1, 2丁目3-5: さんのいち, さんのご)
        downwards = int(groups[1]) <= int(groups[0])
        section = j < len(words) and words[j][0] in _SECTIONS
        if section or (downwards and k > 0 and words[k - 1][0] == "第"):
            return number(groups[0]) + "の", 2  # a section's number (第2-1節: にの いっせつ)
        if _about(words, k, _SUM_WORDS):
            return number(groups[0]) + "ひく", 2
        if _about(words, k, _SCORE_WORDS) or (downwards and not counter_after):
            # (a score's second number said here too: its 0 is ぜろ, not the dictionary's れい)
            if counter_after:
                return number(groups[0]) + "たい", 2
            return f"{number(groups[0])}たい{number(groups[1])}", 3
        return number(groups[0]) + "から", 2
    return "の".join("".join(_CODE_DIGITS[int(d)] for d in g) for g in groups), j - k


def _of_a_month(words: list[_Word], k: int) -> bool:
    """Whether the number at ``words[k]`` follows a month (10月1日) or 毎月 (毎月1日)."""
    if k > 0 and words[k - 1][0] in ("毎月", "翌月", "先月", "今月", "来月"):
        return True
    return k > 1 and words[k - 1][0] == "月" and words[k - 2][2][1:2] == ("数詞",)


def _is_counter(word: _Word) -> bool:
    """Whether a word counts what the number before it is (人, 円, 年, ページ: a counter)."""
    return "助数詞" in word[2][2] or counted("2", word[0]) is not None  # (助数詞, 助数詞可能)


def _is_phone(groups: list[str], counter_after: bool) -> bool:
    """Whether two hyphened groups are a phone number without its area code (1234-5678, 123-4567):
    three or four digits then four, before no counter, not two round amounts (1000-2000) nor two
    years (1990-2000)."""
    first, second = groups
    if counter_after or not (len(first) in (3, 4) and len(second) == 4):
        return False
    if int(first) % 100 == 0 and int(second) % 100 == 0:
        return False
    return not (1900 <= int(first) < int(second) <= 2099)


def _is_year_month(groups: list[str]) -> bool:
    return (
        len(groups[0]) == 4
        and 1900 <= int(groups[0]) <= 2099
        and len(groups[1]) <= 2
        and 1 <= int(groups[1]) <= 12
    )


def _is_month_day(groups: list[str]) -> bool:
    return (
        len(groups[0]) <= 2
        and len(groups[1]) <= 2
        and 1 <= int(groups[0]) <= 12
        and 1 <= int(groups[1]) <= 31
    )


def _is_date(groups: list[str]) -> bool:
    year, month, day = groups
    return (
        len(year) == 4 and len(month) <= 2 and len(day) <= 2 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31
    )


def _is_time(groups: list[str]) -> bool:
    return len(groups[0]) <= 2 and len(groups[1]) == 2 and int(groups[0]) < 30 and int(groups[1]) < 60


def _about(words: list[_Word], k: int, marks: tuple[str, ...]) -> bool:
    """Whether the sentence holding ``words[k]`` holds one of ``marks`` (試合, 勝った: 3-1 is a score;
    計算, 答え: 5-3 a sum), within :data:`_MATCH_REACH` words of it (a long line of ranges is read in
    linear time)."""
    text = "\0".join(w[0] for w in _sentence(words, k))  # (one look-up per mark, not per word and mark)
    return any(mark in text for mark in marks)


def _an_amount(words: list[_Word], k: int, j: int, whole: int) -> bool:
    """Whether the slashed pair ``words[k:j]`` (a month and day, the first the smaller; ``whole`` the
    second) is a fraction by the words next to it (the rule above :data:`_AMOUNT_VERBS`): a date
    otherwise, however much its sentence speaks of prices (料金は4/10から下がる)."""
    before = words[k - 1][0] if k > 0 else ""
    after, then = (words[j][0] if j < len(words) else ""), (words[j + 1] if j + 1 < len(words) else None)
    if before in _ABOUT_BEFORE or after in _ABOUT_AFTER:
        return True
    if after in _ABOUT_LOOSE:
        return then is None or then[0] not in ("に", "から", "まで")
    if after in ("に", "まで") and then is not None and _of_less(then):
        return True
    if j < len(words) and whole <= 10 and after not in _DATE_AFTER and _is_counter(words[j]):
        return True  # (1/2日, 1/2個: a date takes no counter)
    if before == "を" and _verb_next(words, j):
        return True  # (作業を3/4終えた; a day is 作業を3/4に終えた)
    if _dated(words, j):
        return False
    if after in _BOUNDS:
        return whole <= 10 and not _dated(words, j + 1)  # (3/5以上の日程 is a day)
    if before in ("の", "が") and k > 1 and words[k - 2][0] in _AMOUNT_NOUNS:
        return True
    if before == "の" and k > 1 and _a_whole(words[k - 2]) and after in _PART_AFTER:
        return True  # (作業の3/4を終えた; ツアーの3/4大阪公演 is a day)
    if after == "の" and then is not None and then[0] in (*_MEASURES, *_PEOPLE_SHARED):
        return True
    ends = j == len(words) or after in (*_SENTENCE_ENDS, *_CLAUSE_ENDS)  # (料金は1/2。)
    predicate = ends or words[j][2][0] == "助動詞" and words[j][4] in _COPULAS
    becomes = after == "に" and then is not None and then[4] in _AMOUNT_PREDICATES
    if (predicate or becomes) and _amount_subject(words, k):
        return True
    return j < len(words) and words[j][2][0] == "名詞" and whole <= 10


def _dated(words: list[_Word], j: int) -> bool:
    """Whether the words from ``words[j]``, right after a slashed pair, make it a day: a word of
    :data:`_DATE_AFTER` or a day of the week (4/10から, 1/3金曜日), までに (5/31までに), に before
    anything but a verb of amounts (3/15に改定, 2/3に会う), の before a word of :data:`_DATE_AFTER`
    (1/2の午後)."""
    after = words[j][0] if j < len(words) else ""
    then = words[j + 1] if j + 1 < len(words) else None
    if after in _DATE_AFTER or "曜" in after:
        return True
    if j < len(words) and words[j][2][2:3] == ("サ変可能",) and words[j][4] not in _AMOUNT_VERBS:
        # an event on the day (3/4出発, 3/4入荷予定, 3/4到着の便); with its する, the pair's verb as before
        # (作業は3/4完成した: a part)
        return then is None or then[4] != "する"
    if after == "まで":
        return then is not None and then[0] == "に"
    if after == "に":
        return then is None or not (_of_less(then) or then[4] in _AMOUNT_PREDICATES)
    return after == "の" and then is not None and (then[0] in _DATE_AFTER or "曜" in then[0])


def _of_less(word: _Word) -> bool:
    """Whether ``word``, after a pair's に or まで, says it made less or more: a verb of
    :data:`_AMOUNT_VERBS` (減った) or an adjective of :data:`_LESS` in its く form (短くなった)."""
    return word[4] in _AMOUNT_VERBS or (word[4] in _LESS and word[0].endswith("く"))


def _verb_next(words: list[_Word], j: int) -> bool:
    """Whether a verb comes right after the pair ending before ``words[j]``, or after だけ or しか."""
    if j < len(words) and words[j][0] in _ONLY:
        j += 1
    return j < len(words) and words[j][2][0] == "動詞"


def _a_whole(word: _Word) -> bool:
    """Whether ``word``, before の and a slashed pair, is a whole the pair is part of (作業の3/4): a
    common noun that is no word of time (来月, 今年), date (締切, 誕生日) or counter."""
    surface, _read, pos, _normalized, _lemma = word
    return (
        pos[:2] == ("名詞", "普通名詞")
        and pos[2] not in ("副詞可能", "助数詞可能")
        and surface not in _DATE_AFTER
        and surface not in _WORDS
        and not any(ch in surface for ch in "日月年週曜")
    )


def _amount_subject(words: list[_Word], k: int) -> bool:
    """Whether the subject or topic of the clause holding the pair at ``words[k]`` (the word before
    its nearest は or が, within the sentence and after any comma) is a noun of amounts (利益は前年の
    2/3だった, 値段が1/2になった; 締切は2/3で is no amount)."""
    start, _end = _sentence_span(words, k)
    for i in range(k - 1, start, -1):
        if words[i][0] in _CLAUSE_ENDS:
            return False
        if words[i][0] in ("は", "が") and words[i][2][0] == "助詞":
            return words[i - 1][0] in _AMOUNT_NOUNS
    return False


def _sign(words: list[_Word], k: int) -> str | None:
    """How a sign between numbers or before one is said: a minus before a number no number or
    letter comes before (まいなす), a range's 〜 between two numbers (から), a sum's + × ÷ = between
    two numbers (たす, かける, わる, いこーる), a score's 対 (たい), 〒 (nothing); None for any other word."""
    surface = unicodedata.normalize("NFKC", words[k][0])
    last = unicodedata.normalize("NFKC", words[k - 1][0])[-1:] if k > 0 else ""
    number_before = k > 0 and (words[k - 1][2][1:2] == ("数詞",) or (last.isascii() and last.isalnum()))
    number_after = k + 1 < len(words) and words[k + 1][2][1:2] == ("数詞",)
    if surface in _SILENT:
        return ""
    if surface in _HYPHENS and number_after and not number_before:
        return "まいなす"
    counted_before = k > 1 and _is_counter(words[k - 1]) and words[k - 2][2][1:2] == ("数詞",)
    time_after = k + 1 < len(words) and words[k + 1][0] in ("午前", "午後", "朝", "夜", "翌日", "翌朝")
    if surface in _RANGES and (number_before or counted_before) and (number_after or time_after):
        return "から"  # (5〜10人, 9時〜17時, 午前9時〜午後5時)
    if surface in _SUMS and number_before and number_after:
        return _SUMS[surface]
    if surface == "対" and number_before and number_after:
        return "たい"  # (2対1: the dictionary reads 対 つい, a pair)
    return None


def _in_context(words: list[_Word], k: int) -> str:
    """``words[k]``'s reading where the words around it tell it apart (SudachiPy gives a word one
    reading): 行った with an object (を) in its clause is 行う's (会議を行った, 調査を三回行った: おこなった),
    else 行く's (いった: 2人で行った; 行う's other forms 行わ, 行い are 行う's alone: :func:`_object_before`);
    空く after お腹 is すく (お腹が空いた; a seat is あく), and of a train, a road or a shop not crowded
    (空いている電車, 道が空いていた: :func:`_not_crowded`); 家 after a surname is け (田中家)."""
    surface, read, pos, _normalized, lemma = words[k]
    if lemma in ("行う", "行く") and surface.startswith("行っ"):
        rest = read[len("オコナッ" if read.startswith("オコナ") else "イッ") :]
        return ("オコナッ" if _object_before(words, k) else "イッ") + rest
    if lemma == "空く" and read.startswith("ア"):
        j = k - 1
        while j >= 0 and words[j][2][0] in ("助詞", "空白"):  # (お腹が, お腹も)
            j -= 1
        if j >= 0 and words[j][0].endswith(("腹", "おなか")) or _not_crowded(words, k):
            return "ス" + read[1:]
    if lemma == "何" and pos[0] == "代名詞" and read == "ナン":
        return _what(words, k)
    if lemma == "開く" and read.startswith("ヒラ"):
        return read if _opens_something(words, k) else "ア" + read[2:]
    if lemma == "辛い" and read.startswith("ツラ") and _about_food(words, k):
        return "カラ" + read[2:]
    if surface == "家" and read == "イエ" and _at_home(words, k):
        return "ウチ"
    if surface == "家" and pos[0] == "接尾辞" and k > 0 and words[k - 1][2][1:4] == _SURNAME:
        return "ケ"
    if surface == "方" and pos[0] == "名詞" and read in ("ホウ", "カタ"):
        return _side_or_person(words, k, read)
    if surface == "付" and read == "フ" and k > 0 and words[k - 1][2][1:2] == ("数詞",):
        return "ヅケ"  # (1/5付で: a date's 付, づけ, as 4月1日付)
    if surface in _VOICED:
        voiced = _VOICED[surface]
        plain = voiced[0].translate(_VOICELESS) + voiced[1:]
        return voiced if _compounded(words, k) else plain if read in (voiced, plain) else read
    if surface.endswith("会社") and read.endswith("カイシャ") and surface[0] not in _UNVOICING_PREFIXES:
        # (the dictionary's 旅行会社, 鉄道会社: りょこうがいしゃ)
        return read[: -len("カイシャ")] + "ガイシャ"
    return read


# Words whose first sound is voiced as the second part of a compound (管理会社 かんりがいしゃ, 子会社
# こがいしゃ, ビニール袋 びにーるぶくろ, 世間話 せけんばなし, 運動靴 うんどうぐつ): the core dictionary holds many
# such compounds as words (株式会社, 不動産会社, 紙袋), but reads one it splits as its parts (管理 + 会社:
# かんりかいしゃ), and a few of its own words ending in 会社 unvoiced (旅行会社, 鉄道会社, 販売会社). The
# word before must be a common noun of a thing (not a word of time, 今日会社に行く; nor a person, with a
# particle dropped, お父さん会社に行った?; nor a name), or 大, 小, 新 (大会社 だいがいしゃ). 会社員 is a word
# of its own (かいしゃいん), and 各会社 (かくかいしゃ) keeps its reading.
_VOICED = {
    "会社": "ガイシャ", "袋": "ブクロ", "話": "バナシ", "靴": "グツ", "傘": "ガサ", "棚": "ダナ", "皿": "ザラ",
    "玉": "ダマ", "時計": "ドケイ", "箱": "バコ",
}  # fmt: skip
_VOICELESS = str.maketrans("ガギグゲゴザジズゼゾダヂヅデドバビブ", "カキクケコサシスセソタチツテトハヒフ")
_UNVOICING_PREFIXES = "各全当本同現前元旧貴御"
_VOICING_PREFIXES = ("大", "小", "新")
_PEOPLE_WORDS = (
    "父", "母", "兄", "姉", "弟", "妹", "夫", "妻", "主人", "旦那", "息子", "娘", "友達", "友人", "先輩", "後輩",
    "上司", "部下", "同僚", "先生", "社長", "部長", "課長", "家族", "みんな", "皆", "お父さん",
    "お母さん", "お兄さん", "お姉さん", "父さん", "母さん", "兄さん", "姉さん", "彼氏", "嫁", "奥さん",
)  # fmt: skip


def _compounded(words: list[_Word], k: int) -> bool:
    """Whether ``words[k]`` (a word of :data:`_VOICED`) is the second part of a compound with the word
    right before it (no space, particle or sign between)."""
    if k == 0:
        return False
    surface, _read, pos, _normalized, _lemma = words[k - 1]
    if pos[0] == "接頭辞":
        return surface in _VOICING_PREFIXES
    return (
        pos[:2] == ("名詞", "普通名詞")
        and pos[2] not in ("副詞可能", "助数詞可能")
        and surface not in _WORDS
        and surface not in _PEOPLE_WORDS
        and not surface.endswith(("さん", "ちゃん", "くん", "様"))
    )


# 家 after a surname is け, the family (田中家, 山田家の人々: たなかけ, やまだけ); the core dictionary reads the
# suffix か, as in 専門家 and 音楽家 (words of their own: 作家 さっか)
_SURNAME = ("固有名詞", "人名", "姓")

# 何 is なん before a word said with t, d or n (何だ, 何で, 何と, 何の, 何なの) and なに before any other
# (何か, 何が, 何を, 何も, 何から, 何に; a line's 何？): the core dictionary reads it なん everywhere.
# 何か is read なにか, "something", though speech also says なんか, "somehow, kind of": a writer who means
# that filler mostly writes it なんか, in kana, which is read as written.
_NAN_BEFORE = "タテトダデドナノ"


# 空く is すく, not crowded, of a place people crowd into (空いている電車, 空いた道, 電車が空いていた); a seat, a
# room, a hand or an hour that is free is あく (席が空いている, 時間が空いてる), as the core dictionary reads it.
_CROWDED = (
    "電車", "バス", "道", "道路", "車内", "店", "店内", "館内", "列車", "地下鉄", "新幹線", "飛行機", "高速",
    "会場", "レストラン", "映画館", "病院", "駅", "ホーム", "プール", "ジム", "時間帯", "平日", "通り", "車両", "便",
    "空港", "スーパー", "銀行",
)  # fmt: skip
_ENDINGS_BEFORE_NOUN = ("て", "てる", "い", "いる", "た", "てい")  # (空いている電車, 空いてた店, 空いた道)


def _not_crowded(words: list[_Word], k: int) -> bool:
    """Whether 空く at ``words[k]`` says of a crowded place that it is not: the place it describes
    (空いている電車) or its subject (道は空いていた) is one of :data:`_CROWDED`."""
    j = k + 1
    while j < min(len(words), k + 6) and words[j][0] in _ENDINGS_BEFORE_NOUN:
        j += 1
    if j > k + 1 and j < len(words) and words[j - 1][0] not in ("て",) and words[j][0].endswith(_CROWDED):
        return True
    j = k - 1
    while j >= 0 and words[j][0] in ("が", "は", "も", "って"):
        j -= 1
    return j < k - 1 and words[j][0].endswith(_CROWDED)


def _what(words: list[_Word], k: int) -> str:
    after = words[k + 1][1] if k + 1 < len(words) else ""
    return "ナン" if after[:1] in _NAN_BEFORE and after[:1] else "ナニ"


# 開く is ひらく when it opens something (本を開いて, 会議を開く, 心を開く: an object in its clause), in the
# passive (会議が開かれる), or where a flower, a gap or an umbrella opens (花が開いた, 差が開く, 傘が開いた);
# else it is あく, a door, a window or a shop being open (窓が開いた, 開いてる店, ドアが開かない). The
# core dictionary reads it ひらく everywhere.
_OPENED_BY_ITSELF = ("花", "差", "蕾", "つぼみ", "傘", "距離")
_PASSIVE = ("れる", "られる", "せる", "させる")


def _opens_something(words: list[_Word], k: int) -> bool:
    if _object_before(words, k) or (k + 1 < len(words) and words[k + 1][4] in _PASSIVE):
        return True
    j = k - 1
    while j >= 0 and words[j][0] in ("が", "は", "も", "の"):  # (花が開いた; 花も)
        j -= 1
    return j >= 0 and words[j][0].endswith(_OPENED_BY_ITSELF)


# 辛い is からい, spicy, where the sentence speaks of food or taste (このカレーは辛い, 辛いラーメン, 辛い物), else
# つらい, hard to bear (仕事が辛い, 別れるのは辛い): spicy food is mostly named where it is called so, and
# the core dictionary reads つらい everywhere.
_FOOD_WORDS = (
    "料理", "カレー", "ラーメン", "麺", "スープ", "ソース", "キムチ", "唐辛子", "とうがらし", "胡椒",
    "こしょう", "コショウ", "わさび", "ワサビ", "山椒", "スパイス", "香辛料", "激辛", "辛口", "辛味",
    "鍋", "味", "舌", "食べ", "食事", "飲", "甘", "酸っぱ", "しょっぱ", "塩", "醤油", "味噌", "タレ",
    "ご飯", "弁当", "メニュー", "注文", "一口", "麻婆", "マーボー", "ピザ", "タコス", "チリ",
)  # fmt: skip
_NOT_FOOD = ("意味", "興味", "趣味", "気味", "味方")  # (words holding 味 that are no taste)


def _about_food(words: list[_Word], k: int) -> bool:
    """Whether 辛い at ``words[k]`` is said of food: a food or taste word in its sentence, 辛い物, or a
    sentence with no subject of its own (no が or は before it: でも辛い！, すごく辛かった) and not before a
    noun (辛い毎日) right after a sentence that names food (このカレーおいしいね。でも辛い。)."""
    after = words[k + 1] if k + 1 < len(words) else None
    if after is not None and after[0] in ("物", "もの"):  # (辛い物が好き: spicy food)
        return True
    start, end = _sentence_span(words, k)
    if _names_food(words[start:end]):
        return True
    if any(w[0] in ("が", "は") for w in words[start:k]) or (after is not None and after[2][0] == "名詞"):
        return False
    j = start - 1
    while j >= 0 and words[j][0] in _SENTENCE_ENDS:
        j -= 1
    return j >= 0 and _names_food(_sentence(words, j))


def _names_food(sentence: list[_Word]) -> bool:
    near = "\0".join(w[0] for w in sentence if w[0] not in _NOT_FOOD)
    return any(mark in near for mark in _FOOD_WORDS)


def _sentence(words: list[_Word], k: int) -> list[_Word]:
    """The words of the sentence holding ``words[k]``, at most :data:`_MATCH_REACH` either side."""
    start, end = _sentence_span(words, k)
    return words[start:end]


def _sentence_span(words: list[_Word], k: int) -> tuple[int, int]:
    """Where the sentence holding ``words[k]`` starts and ends (:func:`_sentence`)."""
    near = range(k - 1, max(-1, k - _MATCH_REACH - 1), -1)
    start = next((j + 1 for j in near if words[j][0] in _SENTENCE_ENDS), max(0, k - _MATCH_REACH))
    ahead = range(k, min(len(words), k + _MATCH_REACH))
    end = next((j for j in ahead if words[j][0] in _SENTENCE_ENDS), min(len(words), k + _MATCH_REACH))
    return start, end


# 家 is うち, home, as the place one is at, goes to or comes from (家に帰る, 家でゆっくり, 家から近い)
# where nothing describes it; a house described or owned (大きな家に, 新しい家を, 私の家に) or a house as a
# thing (家を買う, 家が建つ) is いえ, as the core dictionary reads it. Both are said for home; うち is
# the more usual in talk.
_PLACE_PARTICLES = ("に", "で", "へ", "から", "まで")


def _at_home(words: list[_Word], k: int) -> bool:
    if k + 1 >= len(words) or words[k + 1][0] not in _PLACE_PARTICLES:
        return False
    if k == 0:
        return True
    pos = words[k - 1][2]
    described = (
        words[k - 1][0] == "の"
        or pos[0] in ("連体詞", "動詞", "形状詞", "接頭辞")
        or (pos[0] in ("形容詞", "助動詞") and pos[5].startswith(("連体形", "終止形")))
        or (pos[0] == "名詞" and pos[1] != "数詞" and pos[2] != "副詞可能")
    )
    return not described


# 方 is かた, a person (politely), after この/その/あの/どの or こちら/そちら/あちら/どちらの (この方が田中さん
# です, あの方はどなた) and after words for people (担当の方, 女の方, 年配の方); it is ほう, a side or a
# comparison, where those are compared (この方が安い, 女の方が強い: が, then an adjective or a word of
# degree in its clause) or where one goes to it (こちらの方へ), and everywhere else (駅の方へ, 私の方が,
# 寝た方がいい) as the core dictionary reads it (which reads あの方 かた, この方 ほう). 読み方 (the way of)
# is a word of its own.
_THIS_THAT = ("この", "その", "あの", "どの")
_THIS_THAT_POLITE = ("こちら", "そちら", "あちら", "どちら")
_PEOPLE = (
    "担当", "係", "受付", "女", "男", "年配", "目上", "家族", "近所", "一般", "初めて", "関係者", "地元",
    "お客様", "お店",
)  # fmt: skip
_DEGREE = ("もっと", "ずっと", "よほど", "はるかに", "断然", "少し", "ちょっと", "一番", "より")


def _side_or_person(words: list[_Word], k: int, read: str) -> str:
    before = words[k - 1][0] if k > 0 else ""
    owner = words[k - 2][0] if k > 1 and before == "の" else ""
    person = before in _THIS_THAT or owner in _THIS_THAT_POLITE or owner in _PEOPLE
    if not person:
        return "カタ" if owner and _does_what_people_do(words, k) else read
    if _compared(words, k) or (k + 1 < len(words) and words[k + 1][0] == "へ"):
        return "ホウ"
    return "カタ"


# verbs (dictionary forms) only a person does, said of XのX方 as its subject: 会社の方が来た, 病院の方が
# いらっしゃいました (かた: a person from there); 駅の方に来て, 会社の方が近い stay ほう (no subject of those)
_PEOPLE_DO = (
    "来る", "いらっしゃる", "おっしゃる", "見える", "参る", "話す", "言う", "答える", "訪ねる", "訪れる",
    "待つ", "座る", "笑う", "説明", "案内", "対応", "挨拶",
)  # fmt: skip
_EASE = ("やすい", "にくい", "づらい", "辛い")  # (来やすい: a comparison of places, not a person)


def _does_what_people_do(words: list[_Word], k: int) -> bool:
    """Whether 方 at ``words[k]`` is the subject (が, は, も) of a verb of :data:`_PEOPLE_DO`: the first
    verb or adjective in its clause (nouns and particles before it: 説明に来た)."""
    if k + 1 >= len(words) or words[k + 1][0] not in ("が", "は", "も"):
        return False
    for j in range(k + 2, min(len(words), k + 2 + _MATCH_REACH)):
        surface, _read, pos, _normalized, lemma = words[j]
        if pos[0] in ("動詞", "形容詞", "形状詞", "補助記号") or surface in _SENTENCE_ENDS:
            after = words[j + 1][4] if j + 1 < len(words) else ""
            noun_done = lemma == "する" and words[j - 1][0] in _PEOPLE_DO  # (説明した)
            return pos[0] == "動詞" and (lemma in _PEOPLE_DO or noun_done) and after not in _EASE
    return False


def _compared(words: list[_Word], k: int) -> bool:
    """Whether ``words[k]`` (方) is one side of a comparison: が, then in its clause an adjective, a
    word like 楽 or 便利, or a word of degree (ずっと, もっと) before any other word that says what."""
    if k + 1 >= len(words) or words[k + 1][0] != "が":
        return False
    for surface, _read, pos, _normalized, _lemma in words[k + 2 : k + 2 + _MATCH_REACH]:
        if surface in _DEGREE or pos[0] in ("形容詞", "形状詞") or pos[2:3] == ("形状詞可能",):
            return True
        if pos[0] not in ("副詞", "助詞", "空白"):
            return False
    return False


# words that may stand between an object's を and its verb within one clause (調査を三回行った, 手術を
# 昨日行った, 会議をすぐに行った): adverbs, numbers and counters, words of time
_BETWEEN = (("副詞",), ("名詞", "数詞"), ("接尾辞", "名詞的", "助数詞"))
_BETWEEN_KIND = ("副詞可能", "助数詞可能")


def _object_before(words: list[_Word], k: int) -> bool:
    """Whether ``words[k]`` (a verb) has an object: を within its clause, with only adverbs, numbers
    and words of time between (a punctuation mark, another particle or verb ends the clause:
    2人で行った, 学校に行った, 彼を連れて行った have none). An adverb's に (すぐに) is part of it."""
    j = k - 1
    while j >= 0:
        surface, _read, pos, _normalized, _lemma = words[j]
        if surface == "を":
            return True
        adverbial_ni = surface == "に" and j > 0 and words[j - 1][2][0] == "副詞"
        # a time's に or a date's signs (会議を3月4日に行った, 会議を3/4に開く, 手術を10:30に行う)
        time_ni = surface == "に" and j > 0 and _a_time(words[j - 1])
        date_sign = surface in ("/", ":") and j > 0 and words[j - 1][2][1:2] == ("数詞",)
        if not (
            adverbial_ni
            or time_ni
            or date_sign
            or pos[:2] == ("補助記号", "読点")  # (手術を、昨日行った)
            or surface in _WORDS
            or pos[0] == "空白"
            or any(pos[: len(kind)] == kind for kind in _BETWEEN)
            or (pos[0] == "名詞" and len(pos) > 2 and pos[2] in _BETWEEN_KIND)
        ):
            return False
        j -= 1
    return False


def _a_time(word: _Word) -> bool:
    """Whether ``word`` ends a time or date before its に: a number, a counter, a word of time."""
    pos = word[2]
    return (
        pos[1:2] == ("数詞",)
        or (pos[0] == "名詞" and len(pos) > 2 and pos[2] in _BETWEEN_KIND)
        or (any(pos[: len(kind)] == kind for kind in _BETWEEN[1:]))
    )


def _said(surface: str, reading: str, pos: tuple[str, ...], normalized: str) -> str:
    """How one of SudachiPy's words is said, in kana espeak-ng reads (digits for a number it reads)."""
    if (
        not any(ch.isalnum() for ch in surface)
        and _katakana_only(reading)
        and reading.strip("ー") not in ("", "キゴウ")
    ):
        # a sign the dictionary reads (℃: ど, %: ぱーせんと, &: あんど): espeak-ng says ℃ not at all,
        # % and & in English
        return _hiragana(reading)
    if pos[0] in ("補助記号", "空白"):
        return unicodedata.normalize("NFKC", surface)
    if pos[1:2] == ("数詞",) and _NUMBER.fullmatch(normalized) and len(surface) > 1:
        # SudachiPy reads a number of several digits digit by digit (2025: ニレイニゴ; 二十: ニトウ),
        # and espeak-ng's own reading drops long vowels (15: "dzugo"). One digit keeps SudachiPy's
        # reading, which follows its counter (1つ: ひとつ)
        return number(normalized)
    if surface in _SAID:
        return _SAID[surface]
    if has_kanji(surface) or pos[1:2] == ("数詞",):
        return _hiragana(reading)
    if any(ch.isascii() and ch.isalpha() or "FULLWIDTH LATIN" in unicodedata.name(ch, "") for ch in surface):
        # a word in Latin letters: its katakana reading where the dictionary has one (ＡＩ: エーアイ;
        # espeak-ng spells full-width letters out), else as written (espeak-ng reads it as English)
        return reading if _katakana_only(reading) else unicodedata.normalize("NFKC", surface)
    if surface[-1:] in _PARTICLES and pos[0] in _ENDS_IN_PARTICLE and surface[-2:-1] != surface[-1]:
        # (a laugh, はは or あはは, ends in no particle)
        return surface[:-1] + _PARTICLES[surface[-1]]
    return surface


_DIGITS = ("ぜろ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう")
# (digit, unit) said otherwise than digit + unit: さんびゃく, ろっぴゃく, はっせん...
_JOINED = {
    (1, "じゅう"): "じゅう", (1, "ひゃく"): "ひゃく", (1, "せん"): "せん",
    (3, "ひゃく"): "さんびゃく", (6, "ひゃく"): "ろっぴゃく", (8, "ひゃく"): "はっぴゃく",
    (3, "せん"): "さんぜん", (8, "せん"): "はっせん",
}  # fmt: skip
_GROUPS = ("", "まん", "おく", "ちょう")
_BEFORE_POINT = (("いち", "いっ"), ("はち", "はっ"), ("じゅう", "じゅっ"))  # (a decimal point, てん)


def number(digits: str) -> str:
    """A number in digits (``2025``, ``3.5``) said in kana: にせんにじゅうご, さんてんご."""
    whole, _, fraction = digits.partition(".")
    whole = whole.lstrip("0")
    said = "" if whole else _DIGITS[0]
    if len(whole) > 4 * len(_GROUPS):
        said, whole = "".join(_DIGITS[int(d)] for d in whole), ""  # too long for a number: its digits
    groups = [whole[max(0, k - 4) : k] for k in range(len(whole), 0, -4)]
    for g, four in reversed(list(enumerate(groups))):
        part = ""
        for d, unit in zip(four.zfill(4), ("せん", "ひゃく", "じゅう", ""), strict=True):
            if d != "0":
                part += _JOINED.get((int(d), unit), _DIGITS[int(d)] + unit)
        said += part + _GROUPS[g] if part else ""
    if fraction:  # (1.5: いってんご, 8.5 はってんご, 10.5 じゅってんご; 6.5 ろくてんご, 100.5 ひゃくてんご)
        joined = next((said[: -len(end)] + tsu for end, tsu in _BEFORE_POINT if said.endswith(end)), "")
        said = (joined or said) + "てん" + "".join(_DIGITS[int(d)] for d in fraction)
    return said


# A counter after a number changes the sounds where they meet (SudachiPy reads each alone: 二杯 に+ばい,
# 十分 じゅう+ふん). Counters in h (本 杯 匹 分 泊): after 1, 6, 8, 10, 100 the number ends in っ and the
# counter takes p (いっぽん, じゅっぷん, いっぱく); after 3 it takes b (さんぼん; 分 takes p after ん: さんぷん,
# よんぷん; 泊 p: さんぱく). Counters in k, s, t: after 1, 8, 10, 100 (and 6 before k) the number ends in っ
# (いっかい, はっさい, ろっこ, いっかげつ); 階, 軒, 足 take g, g, z after 3 (さんがい); ページ keeps its p, after
# っ too. 20歳 is はたち.
_H_COUNTERS = {"本": "ほん", "杯": "はい", "匹": "ひき", "分": "ふん", "泊": "はく"}
_KST_COUNTERS = {
    "回": "かい", "個": "こ", "階": "かい", "歳": "さい", "才": "さい", "冊": "さつ", "件": "けん",
    "軒": "けん", "足": "そく", "点": "てん", "頭": "とう", "等": "とう", "通": "つう", "着": "ちゃく", "節": "せつ",
    "項": "こう", "ヶ月": "かげつ", "か月": "かげつ", "カ月": "かげつ", "ヵ月": "かげつ", "ケ月": "かげつ",
    "箇月": "かげつ", "cm": "せんち", "kg": "きろ", "km": "きろ", "週": "しゅう", "週間": "しゅうかん",
}  # fmt: skip
_P_COUNTERS = {"ページ": "ぺーじ"}  # counters in p: after 1, 6, 8, 10, 100 the number ends in っ
# つ after 1-10: the native numbers (1つ ひとつ; the dictionary reads 1つ after 1人 いちつ)
_NATIVE = ("", "ひとつ", "ふたつ", "みっつ", "よっつ", "いつつ", "むっつ", "ななつ", "やっつ", "ここのつ", "とお")  # fmt: skip
_AFTER_THREE = {"階": "がい", "軒": "げん", "足": "ぞく", "泊": "ぱく"}  # (泊: さんぱく, as いっぱく)
_DAYS = {
    2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか", 7: "なのか", 8: "ようか",
    9: "ここのか", 10: "とおか", 14: "じゅうよっか", 20: "はつか", 24: "にじゅうよっか",
}  # fmt: skip
_OWN = {  # (counter, number): said otherwise than number + counter
    ("月", 4): "しがつ", ("月", 7): "しちがつ", ("月", 9): "くがつ", ("時", 4): "よじ", ("時", 7): "しちじ",
    ("時", 9): "くじ", ("人", 1): "ひとり", ("人", 2): "ふたり", ("人", 4): "よにん", ("年", 4): "よねん",
    ("円", 4): "よえん", ("日", 1): "いちにち", ("歳", 20): "はたち", ("才", 20): "はたち", ("時", 0): "れいじ",
}  # fmt: skip
# (話, an episode: the core dictionary reads 5話 ごはなし; units in Latin letters as said in talk: 170cm
# ひゃくななじゅっせんち, 5kg ごきろ, 3m さんめーとる; the dictionary reads cm シーエム, kg ケージー, 3m a name)
_PLAIN = {
    "月": "がつ", "時": "じ", "人": "にん", "年": "ねん", "円": "えん", "日": "にち", "話": "わ", "m": "めーとる",
    "mm": "みり", "g": "ぐらむ", "mg": "みりぐらむ", "ml": "みりりっとる", "mL": "みりりっとる", "l": "りっとる",
    "L": "りっとる",
}  # fmt: skip
_WITH_UNIT = re.compile(r"(\d+)([A-Za-z]+)")  # (3m: one word of the dictionary's, a name)
_SMALL_TSU = (
    ("いち", "いっ"),
    ("ろく", "ろっ"),
    ("はち", "はっ"),
    ("じゅう", "じゅっ"),
    ("ひゃく", "ひゃっ"),
)
_H_TO_P = str.maketrans("はひふへほ", "ぱぴぷぺぽ")
_H_TO_B = str.maketrans("はひふへほ", "ばびぶべぼ")


def counted(digits: str, counter: str) -> str | None:
    """A number in digits and the counter after it said as one word (``10``, ``分`` -> じゅっぷん;
    ``2``, ``杯`` -> にはい; ``3``, ``月`` -> さんがつ), None for a counter not listed here."""
    value = int(digits)
    said = number(digits)
    if (counter, value) in _OWN:
        return _OWN[(counter, value)]
    if counter == "日" and value in _DAYS:
        return _DAYS[value]
    if counter == "つ" and 0 < value < len(_NATIVE):
        return _NATIVE[value]
    if counter in _PLAIN:
        # a 4 or 7 or 9 ending a longer number is said as alone before these counters (2024年:
        # にせんにじゅうよねん, 14人: じゅうよにん, 17時: じゅうしちじ)
        own = _OWN.get((counter, value % 10), "") if value > 10 and value % 10 in (4, 7, 9) else ""
        ends = next((d for d in ("よん", "なな", "きゅう") if said.endswith(d)), "")
        if own and ends:
            return said[: -len(ends)] + own
        return said + _PLAIN[counter]
    joined = next((said[: -len(end)] + tsu for end, tsu in _SMALL_TSU if said.endswith(end)), "")
    if counter in _H_COUNTERS:
        word = _H_COUNTERS[counter]
        if said.endswith("さん") and counter in _AFTER_THREE:
            return said + _AFTER_THREE[counter]
        if joined:
            return joined + word.translate(_H_TO_P)
        if said.endswith("ん") and counter == "分":
            return said + word.translate(_H_TO_P)
        return said + (word.translate(_H_TO_B) if said.endswith("さん") else word)
    if counter in _P_COUNTERS:  # (10ページ: じゅっぺーじ; 3ページ: さんぺーじ)
        return (joined or said) + _P_COUNTERS[counter]
    if counter in _KST_COUNTERS:
        word = _KST_COUNTERS[counter]
        if said.endswith("さん") and counter in _AFTER_THREE:
            return said + _AFTER_THREE[counter]
        if joined and (not said.endswith("ろく") or word.startswith(("か", "こ"))):
            return joined + word
        return said + word
    return None


# SudachiPy refuses a text over 49,149 bytes (16,383 kana or kanji: a transcript pasted as one
# paragraph); a line is read in pieces under this, cut after a sentence where it can be
PIECE_BYTES = 16_000
_SENTENCE_ENDS = "。！？!?\n"
_REREAD_ENDS = "。！？!?\n、，,"
_BREAKS = "、，,；;：: \u3000\t」』）)"


def pieces(text: str, most: int = PIECE_BYTES) -> list[str]:
    """``text`` cut into pieces of at most ``most`` UTF-8 bytes, each ending after a sentence's end
    where one is in reach, else after a comma or space, else anywhere: read one by one, they read
    as the whole does (a word is never cut where a sentence or phrase ends)."""
    out: list[str] = []
    while len(text.encode("utf-8")) > most:
        size, fit = 0, 0
        for ch in text:  # the most characters within ``most`` bytes
            size += len(ch.encode("utf-8"))
            if size > most:
                break
            fit += 1
        head = text[:fit]
        cut = max(head.rfind(ch) for ch in _SENTENCE_ENDS) + 1
        if cut <= 0:
            cut = max(head.rfind(ch) for ch in _BREAKS) + 1
        cut = cut if cut > 0 else max(1, fit)
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out


def _words(tokenizer: Any, text: str) -> list[_Word]:
    """SudachiPy's words of ``text`` (read in :func:`pieces`); where a word starts with one of
    :data:`_WORDS`, that word, and the words after it read again (:func:`_span`)."""
    return [word for piece in pieces(text) for word in _span(tokenizer, piece)]


# After a word of _WORDS the rest is read again up to the next sentence end or comma, or to the end of
# the first word that ends this many characters on (SudachiPy's lattice goes wrong next to the word,
# not beyond: a long unbroken line of such words is read in time linear in its length), after this
# word in its place (each of _WORDS is a noun of time: read alone, から and まで after one would be
# read as a line's first word, a conjunction and a filler)
_REREAD_CHARS = 16
_STAND_IN = "今日"


def _span(tokenizer: Any, text: str, after_noun: bool = False) -> list[_Word]:
    """:func:`_words` of one piece (``after_noun``: the words after a word of :data:`_WORDS`)."""
    shift = len(_STAND_IN) if after_noun else 0
    said = tokenizer.tokenize(_STAND_IN + text if after_noun else text)
    first = [(m, m.begin() - shift, m.end() - shift) for m in said]
    if after_noun and first and first[0][0].surface() == _STAND_IN:
        first = first[1:]
    elif after_noun:  # (the stand-in is a word of its own; were it not, the words alone)
        first = [(m, m.begin(), m.end()) for m in tokenizer.tokenize(text)]
    out: list[_Word] = []
    done = 0  # where the words read again end (a word's end in the first reading)
    for k, (m, begin, _end) in enumerate(first):
        if begin < done:
            continue
        word = next((w for w in _WORDS if text.startswith(w, begin)), "")
        if not word:
            surface, pos = m.surface(), tuple(m.part_of_speech())
            out.append((surface, m.reading_form(), pos, m.normalized_form(), m.dictionary_form()))
            continue
        out.append((word, _WORDS[word], _NOUN, word, word))
        start = begin + len(word)
        ends = (end for _m, _begin, end in first[k:] if end > start)
        done = next((e for e in ends if e >= start + _REREAD_CHARS or text[e - 1] in _REREAD_ENDS), len(text))
        out += _span(tokenizer, text[start:done], after_noun=True) if done > start else []
    return out


# a currency sign before an amount (¥1,500, $10, € 5): the amount said first and the currency's word
# after it, as Japanese says it (せんごひゃくえん); espeak-ng said no えん for ¥ and SudachiPy put
# えん before the number (review rv41c F3)
_CURRENCY_BEFORE = re.compile(r"(US\$|[¥$€£₩])[ \u3000]?(\d[\d,]*(?:\.\d+)?)")
_CURRENCY_WORDS = {"¥": "円", "$": "ドル", "US$": "ドル", "€": "ユーロ", "£": "ポンド", "₩": "ウォン"}


def _currency_after(text: str) -> str:
    return _CURRENCY_BEFORE.sub(lambda m: m.group(2) + _CURRENCY_WORDS[m.group(1)], text)


def reading(text: str) -> str:
    """``text`` (a line of a Japanese script) as kana espeak-ng reads, a line with kanji spaced
    between its phrases: ``私は東京へ行きます。`` -> ``わたしわ とうきょうえ いきます。``; a line in kana
    keeps its own spacing, only its particles said (``わたしは とうきょうへ`` -> ``わたしわ とうきょうえ``);
    stage directions in brackets dropped (:func:`.directions.dropped`: ``（笑）``, and ruby ``｜灯《とも》``
    read as its kana); a currency sign before an amount said after it (``¥1,500`` せんごひゃくえん); ``text`` itself when
    SudachiPy is not installed (:func:`available`), its full-width digits and letters made plain
    either way (:func:`.full_width.folded`: espeak-ng drops ３ without a sound, so a kana line typed
    with an input method's digits was read without its numbers). A word the dictionary has no
    reading for keeps its letters."""
    text = folded(text)
    tokenizer = _tokenizer()
    if tokenizer is None or not text.strip():
        return text
    text = _currency_after(directions.dropped(text))
    with _LOCK:
        words = _words(tokenizer, text)
    spaced = has_kanji(text)  # a kana line is spaced as its writer spaced it (the words they mark)
    out: list[str] = []
    before: tuple[str, ...] = ("空白",)
    skip = 0
    after_code = False
    for k, (surface, _read, pos, normalized, _lemma) in enumerate(words):
        after = words[k + 1][0] if k + 1 < len(words) else ""
        if skip:  # said with the words before it (a number's counter, a code's digits)
            skip -= 1
            continue
        together = (
            counted(normalized, unicodedata.normalize("NFKC", after))
            if pos[1:2] == ("数詞",) and normalized.isdigit() and normalized.isascii()
            else None
        )
        if together == "いちにち" and _of_a_month(words, k):
            together = "ついたち"  # (10月1日, 毎月1日: the first of a month; 1日 alone is a day long)
        code = _code(words, k)
        if code is not None and code[1] == 1 and together is not None:
            code = None  # a number led by a 0 before its counter (09時: くじ) is no code
        sign = _sign(words, k)
        own_phrase, after_code = after_code and surface in _OWN_PHRASE, code is not None
        glued = _WITH_UNIT.fullmatch(unicodedata.normalize("NFKC", surface))
        if glued and code is None and (unit := counted(glued[1], glued[2])) is not None:
            out.extend(([" "] if spaced and out else []) + [unit])
        elif code is not None:
            out.extend(([" "] if spaced and out else []) + [code[0]])
            skip = code[1] - 1
        elif sign is not None:
            out.extend(([" "] if spaced and out and sign else []) + [sign])
            pos = ("接頭辞",) if sign == "まいなす" else pos  # the number is said with its sign
        elif together is not None:
            out.extend(([" "] if spaced and out else []) + [together])
            skip = 1
            pos = words[k + 1][2]
        elif pos[0] == "空白":
            out.append(" ")
        elif surface in _PARTICLES and (
            before[0] in ("補助記号", "空白") or after[:1] == _PARTICLES[surface]
        ):
            # a particle follows a word: は at a line's or phrase's start (はは、) is none, nor one
            # followed by the particle as said (ははわ: 母 with its particle written as said)
            out.append(surface)
        else:
            # a phrase starts at a word that is not a particle, ending or counter (3月: さんがつ, one
            # word: espeak-ng says a word's last ん otherwise), nor the する of a noun said with it
            # (相談して: そうだんして, not そうだん して), nor a compound's second part (管理会社)
            joined = not own_phrase and (
                pos[0] in _ATTACHED
                or before[0] == "接頭辞"
                or before[1:2] == ("数詞",)
                or (before[2:3] == ("サ変可能",) and pos[4:5] == ("サ行変格",))
                or (surface in _VOICED and _compounded(words, k))  # (管理会社: one word, かんりがいしゃ)
            )
            said = _said(surface, _in_context(words, k), pos, normalized)
            out.extend(([] if joined or not spaced else [" "]) + [said])
        before = pos
    return " ".join("".join(out).split())
