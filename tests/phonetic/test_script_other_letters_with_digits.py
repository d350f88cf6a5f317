"""A Russian, Arabic, Hindi, Korean or Mandarin script handed in without its language, holding a
digit (9:30, 150, 3点). A digit is a word the English aligner can spell, so such a script went on to
pocketsphinx and was refused for a wrong reason ("pocketsphinx found no phones for 'one hundred
fifty'", "acoustic fit -50.6"), never told its language (review rv39h F5). Now the letters decide:
a script mostly in another writing system is refused before any aligner runs, naming the flag."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.phonetic import script_warp
from dualtalk.inference.phonetic import transcript as tr
from dualtalk.inference.phonetic.script_languages import wrong_language
from script_takes import two_mic_take

SR = 16000


@pytest.fixture
def no_aligner(monkeypatch):
    """Neither aligner may run: the script is refused on its letters alone."""

    def ran(*_args, **_kwargs):
        raise AssertionError("an aligner ran on a script in another writing system")

    monkeypatch.setattr(tr, "place_lines", ran)
    monkeypatch.setattr(script_warp, "place_lines", ran)


_take = two_mic_take  # the two-mic take every script story here uses (tests/script_takes.py)


@pytest.mark.parametrize(
    ("a", "b", "flag", "said"),
    [
        ("Встретимся в 9:30, хорошо?", "Это стоит 150 рублей.", "ru", "is written in English letters"),
        ("أغادر في الساعة 9 صباحًا", "الخبز بـ 15 درهمًا", "ar", "is written in English letters"),
        ("मुझे 9 बजे जाना है।", "मैं 150 रुपये दूँगा।", "hi", "is written in English letters"),
        ("3시에 만나요.", "사과 5개 주세요.", "ko", "is written in English letters"),
        # written without spaces: a line is no word, its letters are counted (6 Han, the 3 no letter)
        (
            "我3点要去公司。",
            "买5个苹果。",
            "cmn|ja",
            "its lines are written in Chinese characters (6 of its 6 letters)",
        ),
    ],
    ids=["Russian", "Arabic", "Hindi", "Korean", "Han characters"],
)
def test_a_script_in_other_letters_with_digits_is_told_its_language(no_aligner, a, b, flag, said):
    script, mic_a, mic_b, (motion_a, motion_b) = _take([("A", a), ("B", b)])
    drawn_a, drawn_b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    assert np.array_equal(drawn_a.values, motion_a.values) and np.array_equal(drawn_b.values, motion_b.values)
    assert report["a"]["error"].endswith(
        f"{said}; a script in another language needs its language: "
        f"--transcript-language {flag} (panel: Script Language)"
    ), report["a"]
    # both are in it: one change mends both, so B is told the script's flag too
    assert f"--transcript-language {flag} (panel: Script Language)" in report["b"]["error"], report["b"]


def test_b_alone_in_other_letters_is_told_b_s_flag(no_aligner, monkeypatch):
    monkeypatch.setattr(
        tr, "place_lines", lambda *_a, **_k: (_ for _ in ()).throw(tr.DualTalkError("no fit"))
    )
    script, mic_a, mic_b, (motion_a, motion_b) = _take(
        [("A", "Well, I think we should go at nine."), ("B", "Встретимся в 9:30, хорошо?")]
    )
    _a, _b, report = tr.apply_transcript(script, ("A", "B"), mic_a, mic_b, motion_a, motion_b)
    assert report["b"]["error"] == (
        "none of its 4 words is written in English letters; a script in another language needs its "
        "language: --transcript-language-b ru (panel: Script Language B)"
    )


def test_a_name_in_latin_letters_among_cyrillic_words_is_counted():
    why, looks = wrong_language(["Джон Smith придёт в 9:30, ладно?"], None)
    assert why.startswith("5 of its 6 words are not written in English letters; ")
    assert looks == "ru"


@pytest.mark.parametrize(
    "line",
    ["Meet me at 9:30, Ivan.", "We paid 150 рублей for it, right?", "Okay, 3点 then (смеётся)."],
    ids=["English with a digit", "one Russian word", "a direction in Cyrillic"],
)
def test_english_lines_with_a_few_other_letters_pass(line):
    assert wrong_language([line], "en") == ("", "")
