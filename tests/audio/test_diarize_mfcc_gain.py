"""The one-voice check's third measure: how much better the two halves' sound (MFCCs) is fitted by a
Gaussian each than by one (a BIC, less what a chance split of one sound gains).

Two men whom the voice encoder hears as one voice (espeak-ng's US and British man) were called one;
their halves' MFCCs tell them apart (0.97 against one voice's 0.17-0.70). Known answers here: one
sound cut into turns gains about nothing, two sounds gain much, and a noise floor that changes half-way
through one voice (a fan turned on) is levelled first, so it is not taken for a second voice.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.bench.testsignals import espeak_available
from dualtalk.inference.audio import c_rand
from dualtalk.inference.audio.diarize import (
    MIN_HALF_FRAMES,
    SAME_VOICE_MFCC_GAIN,
    _mfcc_gain,
    _noise_floor,
)
from dualtalk.inference.audio.tts import Voice, speak
from dualtalk.inference.audio.vad import voice_activity
from scipy.signal import butter, lfilter

SR, FPS = 16000, 25
GAP = np.zeros(SR * 12 // 25, dtype=np.float32)  # 12 video frames of silence


def _sound(rng: np.random.Generator, kind: str, cut_hz: float) -> np.ndarray:
    """One second of noise filtered low or high: a stand-in for one voice's spectrum."""
    b, a = butter(4, cut_hz / (SR / 2), btype=kind)
    return (0.4 * lfilter(b, a, rng.standard_normal(SR))).astype(np.float32)


def _turns(sounds: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sounds in turns (A, B, A, B, ...) with silence between: (mix, speech per frame, turn per
    speech frame)."""
    mix, who = [GAP], [np.full(12, -1)]
    for i, s in enumerate(sounds):
        mix += [s, GAP]
        who += [np.full(len(s) * FPS // SR, i % 2), np.full(12, -1)]
    turn = np.concatenate(who)
    return np.concatenate(mix), turn >= 0, turn[turn >= 0].astype(np.int8)


def test_one_sound_in_turns_gains_nothing_two_sounds_gain_much_and_a_sliver_is_not_judged():
    rng = np.random.default_rng(7)
    mix, speech, turn = _turns([_sound(rng, "low", 2000) for _ in range(20)])
    assert _noise_floor(mix, speech, SR, FPS) == 0.0  # digital silence between the turns
    assert abs(_mfcc_gain(mix, turn, speech, SR, FPS)) < 0.15  # measured 0.04
    two = [_sound(rng, "low", 2000) if i % 2 == 0 else _sound(rng, "high", 1000) for i in range(20)]
    mix2, speech2, turn2 = _turns(two)
    assert _mfcc_gain(mix2, turn2, speech2, SR, FPS) > 2 * SAME_VOICE_MFCC_GAIN  # measured 4.8
    sliver = np.zeros_like(turn)
    sliver[-(MIN_HALF_FRAMES - 1) :] = 1  # one half too short to fit a Gaussian to
    assert _mfcc_gain(mix, sliver, speech, SR, FPS) is None


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")
def test_a_voice_whose_noise_floor_rises_half_way_is_still_one_voice():
    phrases = [
        "I walked along the river this morning and the water was higher than last week.",
        "We painted the kitchen on Saturday, and it took much longer than we planned.",
        "A heron stood by the old stone bridge, waiting for a fish to come near.",
        "Now the walls are a pale green, and the light in the morning is lovely.",
    ]
    man = Voice("espeak", "en-us+m3", 1.0, 35, 50)
    with c_rand.seeded():
        said = [np.asarray(speak(p, man).audio, np.float32) for p in phrases]
    clean = np.concatenate([GAP, *(x for s in said for x in (s, GAP))])
    middle = len(GAP) * 3 + len(said[0]) + len(said[1])
    noisy = clean.copy()  # a fan turned on from the third phrase on
    fan = 0.01 * np.random.default_rng(0).standard_normal(len(clean) - middle)
    noisy[middle:] += fan.astype(np.float32)
    gains = []
    for mix in (clean, noisy):
        speech = voice_activity(mix, None, SR, FPS)
        halves = (np.flatnonzero(speech) >= middle * FPS // SR).astype(np.int8)  # before / after it
        gains.append(_mfcc_gain(mix, halves, speech, SR, FPS))
    speech = voice_activity(noisy, None, SR, FPS)
    assert _noise_floor(noisy, speech, SR, FPS) == pytest.approx(0.01, rel=0.1)
    # without the floor levelled the noisy halves measured 2.80 (clean 0.23): a second voice
    assert gains[1] < SAME_VOICE_MFCC_GAIN / 2 and abs(gains[1] - gains[0]) < 0.15, gains
