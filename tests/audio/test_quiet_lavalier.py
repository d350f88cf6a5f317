"""One lavalier's gain left low beside a loud one: the quiet speaker's own words are still speech.

Review 30b F1: with two files, speaker 2 of the real clip turned down 45 dB kept 31 of its 496 speech
frames, because the take's speech floor (-55 dBFS) was set by the loud partner; the behaviour layer
then nodded and looked at the partner over B's own words.
"""

from __future__ import annotations

import re

import numpy as np
import soundfile as sf
from dualtalk.bench.testsignals import frames_of, place
from dualtalk.inference.audio import voice_activity
from dualtalk.inference.audio.dialogue import load_dialogue

A_SPANS = [(0.5, 2.0), (4.0, 5.5), (8.0, 9.0)]
B_SPANS = [(2.3, 3.7), (5.8, 7.6)]
TOTAL = 10.0


def test_a_lavalier_left_45_db_low_keeps_its_speech(rng):
    """Maya's mic is at full level, Tom's preamp 45 dB low (both quiet rooms): Tom still talks."""
    hiss = lambda: (3e-5 * rng.standard_normal(int(TOTAL * 16000))).astype(np.float32)  # noqa: E731
    maya = place(TOTAL, A_SPANS, rng) + hiss()
    tom = 10 ** (-45 / 20) * place(TOTAL, B_SPANS, rng) + hiss()
    truth_a, truth_b = frames_of(A_SPANS, TOTAL), frames_of(B_SPANS, TOTAL)
    act = voice_activity(tom, maya)
    assert act[truth_b].mean() > 0.75  # before: 0.0
    assert act[truth_a & ~truth_b].mean() < 0.05  # and he does not speak Maya's lines
    assert np.array_equal(voice_activity(maya, tom), voice_activity(maya, 10 ** (45 / 20) * tom))


def test_the_real_clip_with_speaker_2_turned_down_45_db(demo_clip):
    """The shared clip, speaker 2's file 45 dB down (``sox ... vol -45dB``): most of B's speech stays."""
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    full = voice_activity(b, a)
    quiet = voice_activity(np.float32(10 ** (-45 / 20)) * b, a)
    assert (quiet & full).sum() > 0.4 * full.sum()  # before: 31 of 496 frames
    assert (quiet & ~full).sum() <= 5


def _two_files(tmp_path, a, b):
    sf.write(tmp_path / "maya.wav", a, 16000)
    sf.write(tmp_path / "tom.wav", b, 16000)
    return load_dialogue(tmp_path / "maya.wav", audio_b=tmp_path / "tom.wav")


QUIET_LINE = re.compile(
    r"^B's speech is \d+ dB quieter than A's; \d+% of it was read as A's bleed or silence: raise B's level$"
)


def test_a_lavalier_left_45_db_low_is_said_in_one_line(tmp_path, demo_clip):
    """Speaker 2's file 45 dB down: a third of B's speech is still lost (under the speech floor), and the
    user is told which mic to raise; 30 dB down B keeps its speech (its floors are set as if its gain
    matched A's) and nothing is said; nor is anything said for the full-level clip."""
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    quiet = _two_files(tmp_path, a, np.float32(10 ** (-45 / 20)) * b)
    assert [w for w in quiet.source["warnings"] if QUIET_LINE.match(w)] != []  # before round 30: no warning
    lower = _two_files(tmp_path, a, np.float32(10 ** (-30 / 20)) * b)
    full = _two_files(tmp_path, a, b)
    kept = (lower.active_b & full.active_b).sum()
    assert kept > 0.95 * full.active_b.sum()  # before: 322 of 496 frames (428 with the bleed test alone)
    for d in (lower, full):
        assert not any("quieter than" in w for w in d.source["warnings"])


def test_a_listener_whose_mic_only_hears_the_partner_is_not_a_quiet_speaker(tmp_path, rng):
    """Tom never speaks; his lavalier carries Maya 25 dB down: that is bleed, not a quiet voice."""
    maya = place(TOTAL, A_SPANS, rng)
    room = rng.standard_normal(800) * np.exp(-np.arange(800) / 160.0)  # 50 ms of reflections
    bleed = np.convolve(maya, room / np.sqrt(np.sum(room**2)))[: len(maya)].astype(np.float32)
    tom = 10 ** (-25 / 20) * bleed + (3e-5 * rng.standard_normal(len(maya))).astype(np.float32)
    d = _two_files(tmp_path, maya, tom)
    assert not any("quieter than" in w for w in d.source["warnings"])
    assert not d.active_b.any()
