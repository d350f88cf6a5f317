"""A click, a cough or a cup set down on a silent listener's mic is not an "mm-hm"; a hummed one is.

Review 30b F4: 0.3 s of white noise on a listener's track was flagged as speech, so the listener's
jaw opened 0.4 and the behaviour layer nodded with it as with its own backchannel.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.bench.testsignals import espeak, espeak_available, frames_of, place
from dualtalk.inference.audio import voice_activity

SR = 16000
TOTAL = 21.0
A_SPANS = [(0.5, 6.0), (7.0, 13.5), (14.0, 20.5)]  # the partner holds the floor
AT = [4.0, 8.3, 12.6, 16.9]  # where the listener makes a sound


def listener_track(sound: np.ndarray) -> np.ndarray:
    x = np.zeros(int(TOTAL * SR), np.float32)
    for t in AT:
        x[int(t * SR) : int(t * SR) + len(sound)] += sound
    return x


def flagged_at(act: np.ndarray, length_s: float) -> list[bool]:
    return [bool(act[frames_of([(t, t + length_s)], TOTAL)].any()) for t in AT]


@pytest.fixture
def partner(rng):
    return place(TOTAL, A_SPANS, rng)


def test_noise_bursts_on_a_silent_listeners_mic_are_not_speech(rng, partner):
    """``sox -n burst.wav synth 0.3 whitenoise vol 0.3`` four times on B's track, 4 s apart."""
    burst = rng.uniform(-0.3, 0.3, int(0.3 * SR)).astype(np.float32)
    act = voice_activity(listener_track(burst), partner)
    assert flagged_at(act, 0.3) == [False] * 4  # before: [True] * 4
    assert not act.any()


def test_a_hummed_mm_hm_is_still_speech(partner):
    """A closed-mouth "mm-hm" (two hums at 140 and 170 Hz) at the same places is kept."""
    t = np.arange(int(0.18 * SR)) / SR

    def hum(f0):
        env = np.sin(np.pi * t / t[-1]) ** 0.5
        return (0.2 * env * sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 6))).astype(np.float32)

    mm_hm = np.concatenate([hum(140.0), np.zeros(int(0.06 * SR), np.float32), hum(170.0)])
    act = voice_activity(listener_track(mm_hm), partner)
    assert flagged_at(act, 0.42) == [True] * 4


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")
def test_a_spoken_yeah_is_still_speech(partner):
    yeah = 0.5 * espeak("yeah")
    act = voice_activity(listener_track(yeah), partner)
    assert flagged_at(act, len(yeah) / SR) == [True] * 4


def test_noise_bursts_beside_the_partners_real_voice_are_not_speech(rng, demo_clip):
    """The listener's lav also hears the partner (the real clip's speaker 1) 25 dB down: the bleed's
    pitch at a burst's edges is not the burst's own, so the bursts are still not speech."""
    import soundfile as sf

    maya = sf.read(demo_clip["wav1"], dtype="float32")[0][: int(TOTAL * SR)]
    burst = rng.uniform(-0.3, 0.3, int(0.3 * SR)).astype(np.float32)
    bleed = np.float32(10 ** (-25 / 20)) * np.concatenate([np.zeros(48, np.float32), maya[:-48]])
    act = voice_activity(listener_track(burst) + bleed, maya)
    assert flagged_at(act, 0.3) == [False] * 4  # before: [True, False, True, True]
    hum_t = np.arange(int(0.18 * SR)) / SR
    hum = (0.2 * np.sin(np.pi * hum_t / hum_t[-1]) ** 0.5 * np.sin(2 * np.pi * 150.0 * hum_t)).astype(
        np.float32
    )
    assert flagged_at(voice_activity(listener_track(hum) + bleed, maya), 0.18) == [True] * 4
