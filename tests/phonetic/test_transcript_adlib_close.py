"""A line the script lacks, said a moment before a scripted one, no longer costs the character.

Actors ad-lib ("Honestly, the weather looked fine to me...") and go straight on into the scripted
line after a short breath. The voice activity hears the ad-lib and the line as one stretch of speech,
the aligner spreads the line's first words back over the ad-lib, and the speech the script lacks then
counted against the whole script: the character lost every drawn line. Now a line said apart from the
scripted words by a pause of ASIDE_APART_S (0.15 s, as a laugh) is left to the engine's lips, and a
line whose words reached into it is aligned again alone without it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from dualtalk.inference.audio.tts import available_engines
from dualtalk.inference.phonetic import transcript as tr
from test_transcript_lines import ADLIB, SAID, _engine, _script

SR = 16000


def _voiced(folder: Path, said: list[tuple[float, str]]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One espeak-ng voice saying each text after its pause (seconds), a second of silence after the
    last, and where each is said. Voiced in a process of its own, as espeak-ng's reading of a
    sentence depends on what it read before."""
    if "espeak" not in available_engines():
        pytest.skip("espeak-ng not installed")
    pytest.importorskip("pocketsphinx")
    code = (
        "import json, sys, numpy as np\n"
        "from dualtalk.inference.audio.tts import Voice, speak\n"
        "v, out, where, now = Voice('espeak', 'en-us', rate=1.0), [], [], 0.0\n"
        "for pause, text in json.loads(sys.argv[2]):\n"
        "    audio = speak(text, v).audio; out.append(np.zeros(int(pause * 16000), np.float32)); now += pause\n"
        "    where.append((now, now + len(audio) / 16000)); out.append(audio); now += len(audio) / 16000\n"
        "out.append(np.zeros(16000, np.float32)); np.savez(sys.argv[1], audio=np.concatenate(out), where=where)"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(folder / "take.npz"), json.dumps(said)], check=True, timeout=120
    )
    z = np.load(folder / "take.npz")
    return z["audio"], [tuple(map(float, w)) for w in z["where"]]


@pytest.fixture(scope="module")
def take(tmp_path_factory) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The first line, a second's pause, the ad-lib, 0.4 s, the second and third lines (a second apart)."""
    said = [(0.5, SAID[0]), (1.0, ADLIB), (0.4, SAID[1]), (1.0, SAID[2])]
    return _voiced(tmp_path_factory.mktemp("adlib"), said)


@pytest.fixture(scope="module")
def okay_take(tmp_path_factory) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The ad-lib take, its first line opening "Okay, so," with a breath after each word."""
    said = [(0.5, "Okay,"), (0.2, "so,"), (0.2, SAID[2]), (1.0, SAID[0]), (1.0, ADLIB), (0.3, SAID[1])]
    return _voiced(tmp_path_factory.mktemp("okay"), said)


def test_an_adlib_does_not_move_a_line_that_opens_with_okay_so(okay_take):
    """Finding the line after the ad-lib again must not move the others: Dana's first line opens
    "Okay, so," with a breath after each word, and its words stay where she says them."""
    audio, where = okay_take
    engine = _engine(audio)
    drawn, report = tr.draw_lips(engine, audio, _script(f"Okay, so, {SAID[2]}", SAID[0], SAID[1]), "A")
    assert "error" not in report, report.get("error")
    assert report["lines_drawn"] == [2, 3, 4]
    t = (np.arange(engine.num_frames) + 0.5) / engine.fps
    okay = (t > where[0][0] + 0.1) & (t < where[0][1] - 0.1)
    assert not np.array_equal(drawn.values[okay], engine.values[okay])  # "Okay" drawn where it is said


def test_an_adlib_just_before_a_line_keeps_the_engine_lips_and_every_line_is_drawn(take):
    """Dana ad-libs a sentence and, 0.4 s later, says her second line. Her three scripted lines are
    drawn, the second where she says it (not stretched back over the ad-lib), and the report names
    the ad-lib as speech the script lacks."""
    audio, where = take
    engine = _engine(audio)
    drawn, report = tr.draw_lips(engine, audio, _script(*SAID), "A")
    assert "error" not in report, report.get("error")
    assert report["lines_drawn"] == [2, 3, 4] and report["lines_refused"] == []
    assert report["aligner"] == "pocketsphinx"
    ((start, end),) = report["unscripted"]
    assert abs(start - where[1][0]) < 0.2 and abs(end - where[1][1]) < 0.2
    t = (np.arange(engine.num_frames) + 0.5) / engine.fps
    inside = (t > where[1][0] + 0.3) & (t < where[1][1] - 0.3)
    assert np.array_equal(drawn.values[inside], engine.values[inside])  # the ad-lib: the engine's lips
    line = (t > where[2][0] + 0.2) & (t < where[2][1] - 0.2)
    assert not np.array_equal(drawn.values[line], engine.values[line])  # the second line: drawn


def test_the_same_take_with_the_adlib_in_the_script_draws_it_as_a_line(take):
    """The check's other side: with the ad-lib written into the script, it is a line like the others."""
    audio, _where = take
    _drawn, report = tr.draw_lips(_engine(audio), audio, _script(SAID[0], ADLIB, SAID[1], SAID[2]), "A")
    assert "error" not in report, report.get("error")
    assert report["lines_drawn"] == [2, 3, 4, 5]
    assert "unscripted" not in report


@pytest.mark.parametrize(("pause", "parted"), [(0.15, True), (0.2, True), (0.1, False)])
def test_a_pause_the_voice_activity_bridges_is_heard_in_the_voice(pause, parted):
    """The voice activity fills gaps up to 0.2 s so mouths do not flicker; the transcript checks hear
    a pause of 0.15 s or more in the voice itself, and nothing shorter (a stop's closure)."""
    t = np.arange(SR) / SR
    tone = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    audio = np.concatenate([tone, np.zeros(int(pause * SR), np.float32), tone])
    speaking = np.ones(int(round(len(audio) / SR * 25)), bool)  # the flags bridge the pause
    heard = tr.heard_speech(speaking, audio, 25.0)
    gap = (np.arange(len(speaking)) + 0.5) / 25.0
    inside = (gap > 1.0 + 0.04) & (gap < 1.0 + pause - 0.04)
    assert (not heard[inside].any()) if parted else heard.all()
    assert heard[(gap < 0.9) | (gap > 1.1 + pause)].all()


def test_a_line_said_softly_keeps_its_speech():
    """A line said 35 dB softer than the rest, seconds away from it, is speech, not a pause: the
    pauses are heard against the voice around them, and only those the voice activity bridges."""
    t = np.arange(SR) / SR
    tone = (0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    soft = tone * 10 ** (-35 / 20)
    gap = np.zeros(int(0.25 * SR), np.float32)
    audio = np.concatenate(
        [tone, np.zeros(3 * SR, np.float32), soft, gap, soft, np.zeros(SR // 2, np.float32)]
    )
    speaking = np.zeros(int(round(len(audio) / SR * 25)), bool)
    speaking[:25] = speaking[100:156] = True  # the flags: the loud second, the soft line (its breath bridged)
    heard = tr.heard_speech(speaking, audio, 25.0)
    mid = (np.arange(len(speaking)) + 0.5) / 25.0
    assert heard[(mid > 4.05) & (mid < 4.95)].all() and heard[(mid > 5.3) & (mid < 6.2)].all()
    assert not heard[(mid > 5.04) & (mid < 5.21)].any()  # its breath is heard


@pytest.mark.parametrize(
    "part", ["the ad-lib and the line after it", "the line before and the ad-lib", "lines 2 and 3"]
)
def test_a_part_of_the_take_draws_what_the_whole_take_draws_there(take, part):
    """Re-generate Preview Range over the ad-lib: judged on its own frames, the ad-lib was half of the
    part's speech and the part lost every drawn line the whole take has (or kept line 2 spread over
    the ad-lib); judged on the whole take's flags, the part's mouth is the whole take's."""
    import dataclasses

    audio, where = take
    engine = _engine(audio)
    whole, _report = tr.draw_lips(engine, audio, _script(*SAID), "A")
    a, b = {
        "the ad-lib and the line after it": (where[1][0] - 0.3, where[2][1] + 0.3),
        "the line before and the ad-lib": (where[0][0] - 0.3, where[1][1]),
        "lines 2 and 3": (where[2][0] - 0.2, where[3][1] + 0.3),
    }[part]
    s, e = int(a * 25), int(b * 25)
    cut = dataclasses.replace(engine, values=engine.values[s:e].copy(), speaking=engine.speaking[s:e].copy())
    drawn, report = tr.draw_lips(
        cut, audio, _script(*SAID), "A", offset=s / 25, whole_speaking=engine.speaking
    )
    assert "error" not in report and report["lines_drawn"] == [2, 3, 4]
    np.testing.assert_allclose(drawn.values, whole.values[s:e], atol=5e-4)  # (times kept to 0.1 ms)
