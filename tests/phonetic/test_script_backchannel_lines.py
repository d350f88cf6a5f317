"""A Japanese script full of aizuchi, on a clean voice (review 32n, F7/F8): the one-word replies
(ええ, へえ) were refused one by one (fit 0.08-0.41 against a bar of 0.07, set by how well the clean
voice fits its sentences), and a script written in kanji repeated the same advice for every line."""

from __future__ import annotations

import logging

import kanji_reader
import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

pytestmark = pytest.mark.skipif("espeak" not in available_engines(), reason="espeak-ng not installed")

SR = 16000
# one character's lines in a conversation: sentences, and the replies said while the partner talks
A_LINES = (
    "わたしは まいにち ほんを よみます。",
    "ええ",
    "あしたは うみへ いきましょう。",
    "へえ",
    "ぼくの ともだちは ピアノを ひきます。",
    "ええ",
)
KANJI = {0: "私は毎日本を読みます。", 2: "明日は海へ行きましょう。", 4: "僕の友達はピアノを弾きます。"}


def _stream(lines, gaps=(0.9, 1.6, 1.1, 2.0, 0.8, 1.4)):
    pieces = []
    for k, text in enumerate(lines):
        pieces += [np.zeros(int(SR * gaps[k % len(gaps)]), np.float32),
                   speak(text, Voice("espeak", "ja+m3", 1.0, 40, 50)).audio]  # fmt: skip
    audio = np.concatenate([*pieces, np.zeros(SR, np.float32)])
    return audio + np.random.default_rng(0).normal(scale=1e-3, size=len(audio)).astype(np.float32)


def _motion(audio):
    return Motion("arkit55", np.full((int(len(audio) / SR * 25), 55), 0.2, np.float32), engine="lite")


def test_one_word_replies_on_a_clean_voice_are_drawn_with_the_sentences(caplog):
    audio = _stream(A_LINES)
    lines = [tr.Line(k + 1, "A", text) for k, text in enumerate(A_LINES)]
    with caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _drawn, report = tr.draw_lips(_motion(audio), audio, lines, language="ja")
    assert not report.get("error"), report.get("error")
    assert report["lines_refused"] == [], report["lines_refused"]
    assert report["lines_drawn"] == [1, 2, 3, 4, 5, 6]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_script_in_kanji_gives_its_advice_once_with_the_lines_it_concerns(caplog, monkeypatch):
    audio = _stream(A_LINES)
    lines = [tr.Line(k + 1, "A", KANJI.get(k, text)) for k, text in enumerate(A_LINES)]
    # without SudachiPy to read the kanji (with it, the script is drawn: test_script_japanese_kanji.py)
    with kanji_reader.missing(monkeypatch), caplog.at_level(logging.WARNING, logger="dualtalk.transcript"):
        _drawn, report = tr.draw_lips(_motion(audio), audio, lines, language="ja")
    said = (
        " ".join(r.getMessage() for r in caplog.records)
        + " "
        + tr.describe({"a": report, "b": {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}})
    )
    assert said.count("written in kanji") == 2  # once in the warning, once in the take's summary
    assert said.count("write them in kana") == 2
    assert (
        "3 lines (1 '私は毎日本を読みます。', 3 '明日は海へ行きましょう。', 5 '僕の友達はピアノを弾きます。')"
        in said
    )


def test_the_take_summary_says_b_s_writing_advice_only_when_a_s_did_not():
    why = (
        "it is written in kanji, which espeak-ng spells out letter by letter in Japanese; write it in "
        "kana (espeak-ng cannot read kanji)"
    )

    def rep(numbers):
        refused = [{"line": n, "text": KANJI[k], "why": why} for n, k in zip(numbers, KANJI, strict=True)]
        error = f"{tr._refusals(refused)}; without them, 1 of 5 words placed"
        return {"words": 9, "aligned": 0, "unknown": [], "seconds": 0.0, "error": error}

    line = tr.describe({"a": rep([1, 3, 5]), "b": rep([2, 4, 6])})
    assert line.count("spells out letter by letter") == 1 and line.count("write them in kana") == 1
    assert (
        "B could not be aligned (engine lips kept: 3 lines (2 " in line
        and "each is written in kanji (as A's)" in line
    )
