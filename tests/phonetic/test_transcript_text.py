"""A script pasted from Word, Google Docs or Final Draft reads as the words it says.

Those editors write curly apostrophes (don’t), accented names (café, señor) and numbers as digits
(5 pm, the 3rd). The aligner spelled only ``[a-z']``: "don’t" became "don" + the letter "t", "5"
vanished and "café" became "caf", all counted as aligned and none named. Now the text is folded to
plain letters first, digits are spelled out, and what still cannot be spelled is named."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import align
from dualtalk.inference.phonetic import transcript as tr


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        # curly apostrophes (and the modifier letter some keyboards give) are apostrophes
        ("I don\u2019t know, it\u2019s fine; we\u2018re late.", "i don't know it's fine we're late"),
        ("Rock \u2019n\u2019 roll, y\u02bcall", "rock 'n roll y'all"),
        # quotes in single marks are not part of the words; elisions keep theirs
        ("She said \u2018go\u2019 and \u2018em goin\u2019 'cause", "she said go and 'em goin' 'cause"),
        # accents fold to the letters pocketsphinx spells
        (
            "The caf\u00e9 was na\u00efve, se\u00f1or. Stra\u00dfe \u00c9lodie",
            "the cafe was naive senor strasse elodie",
        ),
        # digits are said as words: cardinals, ordinals, times, decimals, percent, years
        ("We met at 5 pm on the 3rd, room 101.", "we met at five pm on the third room one hundred one"),
        ("21st 12th 2nd 40th 1,250", "twenty first twelfth second fortieth one thousand two hundred fifty"),
        (
            "at 5:30 or 10:05, 3.5% in 1999 and 2008",
            "at five thirty or ten oh five three point five percent "
            "in nineteen ninety nine and two thousand eight",
        ),
        ("Tom & Jerry", "tom and jerry"),
    ],
)
def test_a_script_from_a_word_processor_reads_as_its_words(written, spelled):
    assert align.normalise_transcript(written) == spelled


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        (
            "Back in the 1990s, the '90s, the 1990's",
            "back in the nineteen nineties the nineties the nineteen nineties",
        ),
        ("the 1800s, in her 20s, the 2000s", "the eighteen hundreds in her twenties the two thousands"),
        ("Roll 1s and 6s, 1,000s of them", "roll ones and sixes thousands of them"),
    ],
)
def test_a_decade_is_said_as_a_plural_not_a_spoken_letter_s(written, spelled):
    """Sam's line "Back in the 1990s" was aligned as "nineteen ninety ess": the plural s became the
    letter's name, a syllable nobody says, and the mouth drew it. The number is now said as the
    plural it is."""
    assert align.normalise_transcript(written) == spelled


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        # thirteen to fifteen digits are trillions; longer ones are serial numbers, read digit by digit
        ("1000000000000 and 1,000,000,000,000", "one trillion and one trillion"),
        ("99000000000005", "ninety nine trillion five"),
        ("1234567890123456", "one two three four five six seven eight nine zero one two three four five six"),
        # a leading zero means a code, said digit by digit; a lone zero and decimals stay as they were
        ("Agent 007, 0, 0.5", "agent zero zero seven zero zero point five"),
        ("at 05:30", "at five thirty"),
        # hours and minutes that are no time of day: read like one, "hundred" for :00
        ("25:00, 25:05 and 90:30", "twenty five hundred twenty five oh five and ninety thirty"),
        # a grouping that is not thousands: each group as written
        ("1,00 and 12,5 and 1,0000", "one zero zero and twelve five and one zero zero zero zero"),
    ],
)
def test_big_numbers_codes_and_odd_separators_read_as_people_say_them(written, spelled):
    """Jo's script says "Agent 007", a budget of 1000000000000 and a stopwatch's 25:00. The speller
    said "seven", "one thousand billion" and "twenty five zero", so the mouth drew other words.
    Trillions, codes with leading zeros, and minutes past the 24th hour now read as spoken."""
    assert align.normalise_transcript(written) == spelled


def test_what_cannot_be_spelled_is_named_not_silently_dropped():
    text, dropped = align.normalise_words(
        "Hello \u041c\u043e\u0441\u043a\u0432\u0430 and \u6771\u4eac! \U0001f3b8 -- ok"
    )
    assert text == "hello and ok"
    assert dropped == [
        "\u041c\u043e\u0441\u043a\u0432\u0430",
        "\u6771\u4eac",
    ]  # an emoji or a dash is no word
    assert align.normalise_words("The caf\u00e9 at 5.")[1] == []  # folded and spelled, nothing lost


def test_the_report_names_the_words_left_out_of_the_script():
    """The person reading the run's line learns which written words were never drawn."""
    motion = Motion("arkit55", np.full((50, 55), 0.3, np.float32))
    report = {"words": 3, "aligned": 3, "unknown": [], "seconds": 1.0, "dropped": ["\u6771\u4eac"]}
    empty = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}
    assert "not in English letters: \u6771\u4eac" in tr.describe({"a": report, "b": empty})
    # a line with only such words is not aligned, and says so
    _same, rep = tr.draw_lips(motion, np.zeros(32000, np.float32), "\u6771\u4eac \u5927\u962a", "A")
    assert rep["aligned"] == 0 and "English" in rep["error"]


# ----------------------------------------------------------------------------- words the phone pass drops


def test_a_word_the_phone_pass_leaves_silent_still_moves_the_mouth_and_is_counted(monkeypatch):
    """The word pass placed "we're late", the phone pass put silence there: the character said them
    with a shut mouth, and the report still said every word aligned. Such a word now shares its span
    evenly among its dictionary phones, and the report names it."""
    pytest.importorskip("pocketsphinx")
    from dualtalk.inference.audio.tts import Phone

    def silent_late(piece, words, wide=False):  # what pocketsphinx's phone pass returned
        return [(Phone("w", 0.0, 0.1, "arpabet"), -5.0), (Phone("ih", 0.1, 0.2, "arpabet"), -5.0),
                (Phone("sil", 0.2, 0.6, "arpabet"), -3.0)]  # fmt: skip

    monkeypatch.setattr(align, "_phone_pass", silent_late)
    guessed: list[str] = []
    phones = align._chunk_phones(np.zeros(16000, np.float32), [("we're", 1.0, 1.2), ("late", 1.2, 1.6)],
                                 guessed=guessed)  # fmt: skip
    late = [(p.symbol, round(p.start, 3), round(p.end, 3)) for p in phones if p.start >= 1.2]
    assert late == [("l", 1.2, 1.333), ("ey", 1.333, 1.467), ("t", 1.467, 1.6)]
    assert guessed == ["late"] and not any(p.symbol == "sil" and p.end > 1.2 for p in phones)

    sorry = [
        Phone(s, 0.3 + 0.1 * i, 0.4 + 0.1 * i, "arpabet")
        for i, s in enumerate(("s", "ow", "s", "aa", "r", "iy"))
    ]
    words = [("so", 0.3, 0.5), ("sorry", 0.5, 0.9), ("we're", 1.0, 1.2), ("late", 1.2, 1.6)]
    found = align.Alignment(sorry + phones, words, guessed=guessed, scores=[(0.3, 1.2, -12.0)])
    monkeypatch.setattr(align, "align_words", lambda *a, **k: found)
    motion = Motion("arkit55", np.zeros((50, 55), np.float32))
    drawn, report = tr.draw_lips(motion, np.zeros(32000, np.float32), "So sorry we're late.", "A")
    assert report["guessed"] == ["late"] and report["aligned"] == 4
    jaw = drawn.values[int(1.25 * 25) : int(1.55 * 25), motion.channels.index("jawOpen")]
    assert jaw.max() > 0.1  # "late" opens the jaw
    line = tr.describe({"a": report, "b": {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}})
    assert "1 with evenly timed phones: late" in line
