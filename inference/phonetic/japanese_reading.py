"""A Japanese line written the usual way (kanji and kana) as the kana espeak-ng reads.

espeak-ng's Japanese voice reads kana only: it names every kanji "Chinese letter", and it reads the
letters は and へ as "ha" and "he" even where they are particles, said "wa" and "e". SudachiPy
(Apache-2.0) with its core dictionary (``sudachidict_core``, Apache-2.0) splits a line into words and
gives each its reading; a word with kanji is replaced by its reading, a number and its counter by the
word they are said as (:func:`counted`), the particles by the kana they are said as (を too, as お),
and the line is spaced between its phrases (espeak-ng marks a word per space, and a long line is
timed piece by piece from those marks). Both are optional installs: without them a line in kanji is
refused as before, naming this fix (``script_languages.writing_advice``).

The dictionary is loaded once per process (0.04-0.09 s: SudachiPy maps its file; the process's memory
grows by about 100 MB, most of it the mapped file; a line then takes 0.1 ms).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

INSTALL = "pip install sudachipy sudachidict_core"

# the particles espeak-ng reads by their letter (は: "ha") that are said otherwise; a word that ends
# in one is a particle, a conjunction (では, それでは) or a greeting (こんにちは, こんばんは)
_PARTICLES = {"は": "わ", "へ": "え", "を": "お"}
_ENDS_IN_PARTICLE = ("助詞", "接続詞", "感動詞")
# words the core dictionary reads as they are written formally, not as they are said in dialogue
# (私: ワタクシ, 明日: アス, 日本: ニッポン)
_SAID = {"私": "わたし", "明日": "あした", "日本": "にほん"}
# parts of speech that belong to the word before them: no space before them in the line read
_ATTACHED = ("助詞", "助動詞", "接尾辞", "補助記号")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
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
        return sudachipy.Dictionary(dict="core").tokenizer()
    except Exception as exc:  # noqa: BLE001 (not installed; installed but broken: an import, the dictionary file)
        if all(map(_found, INSTALL.split()[2:])):  # both there: say why they do not load
            _BROKEN.append(_first_line(exc))
        return None


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


def _said(surface: str, reading: str, pos: tuple[str, ...], normalized: str) -> str:
    """How one of SudachiPy's words is said, in kana espeak-ng reads (digits for a number it reads)."""
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
    if fraction:
        said += "てん" + "".join(_DIGITS[int(d)] for d in fraction)
    return said


# A counter after a number changes the sounds where they meet (SudachiPy reads each alone: 二杯 に+ばい,
# 十分 じゅう+ふん). Counters in h (本 杯 匹 分): after 1, 6, 8, 10, 100 the number ends in っ and the
# counter takes p (いっぽん, じゅっぷん); after 3 it takes b (さんぼん; 分 takes p after ん: さんぷん,
# よんぷん). Counters in k, s, t: after 1, 8, 10, 100 (and 6 before k) the number ends in っ (いっかい,
# はっさい, ろっこ); 階, 軒, 足 take g, g, z after 3 (さんがい).
_H_COUNTERS = {"本": "ほん", "杯": "はい", "匹": "ひき", "分": "ふん"}
_KST_COUNTERS = {
    "回": "かい", "個": "こ", "階": "かい", "歳": "さい", "才": "さい", "冊": "さつ", "件": "けん",
    "軒": "けん", "足": "そく", "点": "てん", "頭": "とう", "通": "つう", "着": "ちゃく",
}  # fmt: skip
_AFTER_THREE = {"階": "がい", "軒": "げん", "足": "ぞく"}
_DAYS = {
    2: "ふつか", 3: "みっか", 4: "よっか", 5: "いつか", 6: "むいか", 7: "なのか", 8: "ようか",
    9: "ここのか", 10: "とおか", 14: "じゅうよっか", 20: "はつか", 24: "にじゅうよっか",
}  # fmt: skip
_OWN = {  # (counter, number): said otherwise than number + counter
    ("月", 4): "しがつ", ("月", 7): "しちがつ", ("月", 9): "くがつ", ("時", 4): "よじ", ("時", 7): "しちじ",
    ("時", 9): "くじ", ("人", 1): "ひとり", ("人", 2): "ふたり", ("人", 4): "よにん", ("年", 4): "よねん",
    ("円", 4): "よえん", ("日", 1): "いちにち",
}  # fmt: skip
_PLAIN = {"月": "がつ", "時": "じ", "人": "にん", "年": "ねん", "円": "えん", "日": "にち"}
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
    if counter in _PLAIN:
        return said + _PLAIN[counter]
    joined = next((said[: -len(end)] + tsu for end, tsu in _SMALL_TSU if said.endswith(end)), "")
    if counter in _H_COUNTERS:
        word = _H_COUNTERS[counter]
        if joined:
            return joined + word.translate(_H_TO_P)
        if said.endswith("ん") and counter == "分":
            return said + word.translate(_H_TO_P)
        return said + (word.translate(_H_TO_B) if said.endswith("さん") else word)
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


def reading(text: str) -> str:
    """``text`` (a line of a Japanese script) as kana espeak-ng reads, a line with kanji spaced
    between its phrases: ``私は東京へ行きます。`` -> ``わたしわ とうきょうえ いきます。``; a line in kana
    keeps its own spacing, only its particles said (``わたしは とうきょうへ`` -> ``わたしわ とうきょうえ``);
    ``text`` itself when SudachiPy is not installed (:func:`available`). A word the dictionary has no
    reading for keeps its letters."""
    tokenizer = _tokenizer()
    if tokenizer is None or not text.strip():
        return text
    with _LOCK:
        words = [
            (m.surface(), m.reading_form(), tuple(m.part_of_speech()), m.normalized_form())
            for piece in pieces(text)
            for m in tokenizer.tokenize(piece)
        ]
    spaced = has_kanji(text)  # a kana line is spaced as its writer spaced it (the words they mark)
    out: list[str] = []
    before: tuple[str, ...] = ("空白",)
    skip = False
    for k, (surface, read, pos, normalized) in enumerate(words):
        after = words[k + 1][0] if k + 1 < len(words) else ""
        if skip:  # the counter said with its number
            skip = False
            continue
        together = (
            counted(normalized, unicodedata.normalize("NFKC", after))
            if pos[1:2] == ("数詞",) and normalized.isdigit() and normalized.isascii()
            else None
        )
        if together is not None:
            out.extend(([" "] if spaced and out else []) + [together])
            skip = True
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
            # word: espeak-ng says a word's last ん otherwise)
            joined = pos[0] in _ATTACHED or before[0] == "接頭辞" or before[1:2] == ("数詞",)
            out.extend(([] if joined or not spaced else [" "]) + [_said(surface, read, pos, normalized)])
        before = pos
    return " ".join("".join(out).split())
