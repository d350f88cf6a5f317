"""A transcript that is not what the character says does not draw their lips.

Forced alignment fits any words to any speech: another sentence, the other character's lines or a
script holding a few of the words spoken all "aligned", and the mouth was drawn from the wrong
phones while the report said "14 of 14 words aligned". Each character's words must now fit the
voice (acoustic score of the timed phones) and cover the time the character speaks before they are
drawn; otherwise the character keeps the engine's lips, with the same one-line warning as words
that cannot be aligned at all."""

from __future__ import annotations

import re

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import voice_activity
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

SR = 16000
SAID = "Maybe my brother will buy a bigger boat next summer."
EMPTY = {"words": 0, "aligned": 0, "unknown": [], "seconds": 0.0}


@pytest.fixture(scope="module")
def take() -> tuple[np.ndarray, Motion]:
    """A character saying ``SAID`` (flite slt) between half-second pauses, and an engine motion
    whose speaking flags come from the voice, as a take's do."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    pause = np.zeros(SR // 2, np.float32)
    audio = np.concatenate([pause, speak(SAID, Voice("flite", "slt")).audio, pause])
    speaking = voice_activity(audio)
    values = np.full((len(speaking), 55), 0.2, np.float32)
    return audio, Motion("arkit55", values, speaking=speaking, engine="lite")


def _draw(take, text):
    audio, motion = take
    drawn, report = tr.draw_lips(motion, audio, text, "B")
    return drawn, report, tr.describe({"a": EMPTY, "b": report})


def test_the_words_the_character_says_are_drawn(take):
    drawn, report, line = _draw(take, SAID)
    assert report["aligned"] == report["words"] == 10 and "error" not in report
    assert "B 10 of 10 words aligned" in line
    assert not np.array_equal(drawn.values, take[1].values)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        # another sentence of about the same length
        (
            "We should leave before the rain starts this evening.",
            "do not fit|could not be found in the voice",
        ),
        # the actor ad-libbed: the script holds only the first few words of what is said
        ("Maybe my brother", "cover"),
    ],
)
def test_words_the_character_does_not_say_keep_the_engine_lips_and_say_why(take, text, why):
    drawn, report, line = _draw(take, text)
    assert report["aligned"] == 0 and re.search(why, report["error"])
    assert np.array_equal(drawn.values, take[1].values) and drawn.meta["transcript"] == report
    assert "B could not be aligned (engine lips kept:" in line and "words aligned" not in line
    assert tr.brief({"a": EMPTY, "b": report}) == "lips from the transcript (B not aligned)"


def test_the_acceptance_reads_the_alignment_and_the_speaking_flags():
    """Each rule on its own, without audio: the fit of the timed phones, the share of the speech the
    words cover, the share of the words' time the character speaks, the words left untimed."""
    from dualtalk.inference.phonetic.align import Alignment

    words = [(w, 0.2 * i, 0.2 * i + 0.2) for i, w in enumerate("one two three four five six".split())]
    speaking = np.zeros(50, bool)
    speaking[:30] = True  # 0-1.2 s at 25 fps: the six words exactly
    good = Alignment([], words, scores=[(0.0, 1.2, -12.0)])
    assert tr.fit_problem(good, speaking, 25.0) is None
    assert "do not fit" in tr.fit_problem(Alignment([], words, scores=[(0.0, 1.2, -60.0)]), speaking, 25.0)
    assert "cover 33%" in tr.fit_problem(Alignment([], words[:2], scores=[(0.0, 0.4, -12.0)]), speaking, 25.0)
    late = [(w, 1.2 + 0.45 * i, 1.65 + 0.45 * i) for i, (w, _b, _e) in enumerate(words)]  # to 3.9 s
    longer = np.concatenate([speaking, np.zeros(50, bool)])  # 4 s, silent after 1.2 s
    found = Alignment([], words + late, scores=[(0.0, 3.9, -12.0)])
    assert "silent" in tr.fit_problem(found, longer, 25.0)
    untimed = Alignment([], words, guessed=["one", "two", "three"], scores=[(0.8, 1.2, -12.0)])
    assert "3 of its 6 words" in tr.fit_problem(untimed, speaking, 25.0)
    # a part of the take (--start): its first frame is second 0.4 of the recording
    assert tr.fit_problem(good, speaking[10:], 25.0, offset=0.4) is None
    # no speaking flags at all: nothing to cover, the acoustic fit alone decides
    assert tr.fit_problem(good, np.zeros(50, bool), 25.0) is None
    # the caller tells the tests apart by kind, not by the sentence's words (a coverage refusal
    # alone sends English lines beside unscripted speech to be aligned again)
    kinds = [
        tr.misfit(Alignment([], words, scores=[(0.0, 1.2, -60.0)]), speaking, 25.0),
        tr.misfit(Alignment([], words[:2], scores=[(0.0, 0.4, -12.0)]), speaking, 25.0),
        tr.misfit(found, longer, 25.0),
        tr.misfit(untimed, speaking, 25.0),
    ]
    assert [kind for kind, _sentence in kinds] == ["fit", "cover", "silent", "phones"]
    assert tr.misfit(good, speaking, 25.0) is None


def _ten_words_and(extra):
    """An alignment of ten well fitting words over 0.5-4.45 s, and speaking flags (25 fps, 12 s)
    that are those words plus the ``extra`` (start, end) runs of speech the script does not hold."""
    from dualtalk.inference.phonetic.align import Alignment

    words = [(f"w{i}", 0.5 + 0.4 * i, 0.85 + 0.4 * i) for i in range(10)]
    t = (np.arange(300) + 0.5) / 25.0
    speaking = (t >= 0.5) & (t < 4.45)
    for start, end in extra:
        speaking |= (t >= start) & (t < end)
    return Alignment([], words, scores=[(b, e, -12.0) for _w, b, e in words]), speaking


@pytest.mark.parametrize(
    "sounds",
    [
        [(5.0, 6.2)],  # she laughs for 1.2 s after her joke
        [(5.0 + k, 5.25 + k) for k in range(6)],  # six "mm-hmm"s while her partner talks
        [(5.0, 5.4), (7.0, 7.5), (9.0, 10.3)],  # a cough, a sigh and a laugh
    ],
)
def test_a_script_without_the_laughs_and_mm_hmms_still_draws_the_lips(sounds):
    """Dana's script holds her lines, not the laugh after her joke or the "mm-hmm"s she makes while
    Sam talks; the voice activity hears those as speech. Her words covered 77 % (the laugh) or 73 %
    (the mm-hmms) of it, under the 80 % asked, and she lost every drawn lip. A short sound apart
    from her words is now left out of the coverage, as the script leaves it out."""
    found, speaking = _ten_words_and(sounds)
    assert tr.fit_problem(found, speaking, 25.0) is None


@pytest.mark.parametrize(
    "lacking",
    [
        [(4.45, 5.6)],  # she ad-libs on past her last scripted word (no pause between)
        [(4.55, 6.55)],  # a 2 s line 0.1 s after her last word: too close to tell from running on
        [(4.65, 6.65)],  # 0.2 s after it: the rest of a line the script holds in part, or has wrong
        [(5.0, 9.5)],  # more speech the script lacks than the script holds
        [(5.0, 7.0), (7.5, 9.5)],  # two lines the script lacks, as long as all her scripted ones
        [(5.0 + 1.45 * k, 6.2 + 1.45 * k) for k in range(8)],  # eight short unscripted phrases, 9.6 s
    ],
)
def test_speech_the_script_lacks_counts_against_it_when_it_runs_on_or_is_most_of_it(lacking):
    """Speech that runs on from a scripted word is the rest of a line the script holds a part of; more
    speech outside the script than in it is another script, not a line left out, also when it comes
    in phrases each as short as a laugh."""
    found, speaking = _ten_words_and(lacking)
    assert "cover" in tr.fit_problem(found, speaking, 25.0)


@pytest.mark.parametrize(
    "lacking",
    [
        [(5.0, 7.0)],  # a two-second line the script lacks
        [(5.0, 5.4), (5.6, 7.0)],  # a short sound, then a line, with no pause to tell them apart
        [(4.65, 5.85)],  # a 1.2 s laugh that starts a moment (0.2 s) after her last word
    ],
)
def test_a_line_said_apart_from_the_scripted_ones_does_not_cost_the_rest(lacking):
    """A line the actor ad-libbed between scripted ones, set apart from them by a pause, took the
    words' share of the voice under 80 % and every drawn line was lost: it keeps the engine's lips."""
    found, speaking = _ten_words_and(lacking)
    assert tr.fit_problem(found, speaking, 25.0) is None


def test_a_line_said_a_moment_before_her_scripted_words_does_not_cost_the_rest():
    """Dana ad-libs a two-second line and goes on into her scripted words after a 0.2 s breath. The
    voice activity bridges such a pause (it fills gaps up to 0.2 s); the pause the voice itself
    holds sets the ad-lib apart (a line the script lacks said before a scripted one, not a scripted
    line running on), so it keeps the engine's lips instead of costing her every drawn line."""
    from dualtalk.inference.phonetic.align import Alignment

    words = [(f"w{i}", 3.0 + 0.4 * i, 3.35 + 0.4 * i) for i in range(10)]
    found = Alignment([], words, scores=[(b, e, -12.0) for _w, b, e in words])
    t = (np.arange(300) + 0.5) / 25.0
    heard = ((t >= 0.8) & (t < 2.8)) | ((t >= 3.0) & (t < 6.95))
    assert tr.fit_problem(found, heard, 25.0) is None
    assert "cover" in tr.fit_problem(found, heard | ((t >= 2.8) & (t < 3.0)), 25.0)  # no pause: one line


def test_speech_running_on_past_a_breath_still_counts_against_the_script():
    """A run-on broken by one breath is still a run-on: the part after the breath follows speech that
    itself ran on from her words, so neither is a line the script lacks."""
    found, heard = _ten_words_and([(4.65, 5.0), (5.2, 8.0)])
    assert "cover" in tr.fit_problem(found, heard, 25.0)


def test_a_short_tail_after_a_breath_counts_when_the_voice_activity_joins_it_to_the_line():
    """A script that lacks the last clause of every line, said after a 0.25 s breath: the short
    sounds apart from the words are found on the voice activity's flags, which bridge such a breath
    (as when that rule was chosen), so the clauses count and the script is refused."""
    from dualtalk.inference.phonetic.align import Alignment

    t = (np.arange(400) + 0.5) / 25.0
    words, heard, flags = [], np.zeros(400, bool), np.zeros(400, bool)
    for k, start in enumerate((0.5, 5.0, 9.5)):
        words += [(f"w{k}{i}", start + 0.4 * i, start + 0.35 + 0.4 * i) for i in range(4)]
        end = start + 1.55
        heard |= ((t >= start) & (t < end)) | ((t >= end + 0.25) & (t < end + 1.25))
        flags |= (t >= start) & (t < end + 1.25)
    found = Alignment([], words, scores=[(b, e, -12.0) for _w, b, e in words])
    assert "cover" in tr.fit_problem(found, heard, 25.0, flags=flags)
