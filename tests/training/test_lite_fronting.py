"""Fronted rounded vowels: the second formant rises where asked, and nothing else changes."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Phone, available_engines
from dualtalk.training.lite.fronting import MAX_SHIFT, front_rounded, front_spans, rounded_spans
from scipy.signal import lfilter

SR = 16000


def _vowel(
    f1: float, f2: float, f3: float | None = None, seconds: float = 0.6, f0: float = 120.0
) -> np.ndarray:
    """A pulse train through two (or three) resonances: a vowel with known formants."""
    x = np.zeros(int(seconds * SR))
    x[:: int(SR / f0)] = 1.0
    for f, bw in ((f1, 80.0), (f2, 100.0), (f3, 120.0)):
        if f is None:
            continue
        r = np.exp(-np.pi * bw / SR)
        x = lfilter([1.0 - r], [1.0, -2 * r * np.cos(2 * np.pi * f / SR), r * r], x)
    return (0.5 * x / np.abs(x).max()).astype(np.float32)


def _formants(x: np.ndarray, order: int = 8) -> list[float]:
    """Formant frequencies of a stretch by LPC (autocorrelation method), lowest first."""
    x = np.asarray(x, float) * np.hamming(len(x))
    x = np.append(x[0], x[1:] - 0.63 * x[:-1])
    r = np.correlate(x, x, "full")[len(x) - 1 : len(x) + order]
    a = np.linalg.solve(np.array([[r[abs(i - j)] for j in range(order)] for i in range(order)]), r[1:])
    roots = np.roots(np.r_[1.0, -a])
    roots = roots[np.imag(roots) > 0]
    freqs = np.sort(np.angle(roots) * SR / (2 * np.pi))
    return [float(f) for f in freqs if 150 < f < 4000]


def test_a_back_rounded_vowel_gets_a_front_second_formant_and_keeps_its_first():
    x = _vowel(350, 900)
    y = front_spans(x, [(0.15, 0.45)], shift_hz=500)
    mid = slice(int(0.25 * SR), int(0.35 * SR))
    f_before, f_after = _formants(x[mid]), _formants(y[mid])
    assert abs(f_before[0] - 350) < 100 and abs(f_before[1] - 900) < 100  # the LPC reads the design
    assert abs(f_after[0] - f_before[0]) < 60  # F1 (height) stays
    assert 1250 < f_after[1] < 1600  # F2 moves up by ~500 Hz
    # before the stretch and its fade, the audio is untouched
    head = slice(0, int(0.10 * SR))
    assert np.abs(y[head] - x[head]).max() < 1e-5
    assert len(y) == len(x) and y.dtype == np.float32


def test_only_lip_rounding_phones_are_fronted():
    phones = [
        Phone("h", 0.0, 0.1, "ipa"),
        Phone("uː", 0.1, 0.3, "ipa"),
        Phone("s", 0.3, 0.4, "ipa"),
        Phone("oʊ", 0.4, 0.6, "ipa"),
        Phone("IY", 0.6, 0.7, "arpabet"),
        Phone("UH", 0.7, 0.8, "arpabet"),
        Phone("AA", 0.8, 0.9, "arpabet"),
    ]
    assert rounded_spans(phones) == [(0.1, 0.3), (0.4, 0.6), (0.7, 0.8)]
    x = _vowel(350, 900)
    y, shift = front_rounded(x, [Phone("IY", 0.1, 0.4, "arpabet")], np.random.default_rng(0))
    assert np.array_equal(y, x) and 300 <= shift <= 700  # no rounded vowel: nothing to do
    with pytest.raises(ValueError):
        front_spans(x, [(0.1, 0.2)], shift_hz=5000)


def test_a_chosen_shift_range_sets_how_far_the_second_formant_rises():
    x = _vowel(350, 900)
    phones = [Phone("UW", 0.15, 0.45, "arpabet")]
    mid = slice(int(0.25 * SR), int(0.35 * SR))
    rng = np.random.default_rng(1)
    shifts = [front_rounded(x, phones, rng, (900.0, 1000.0))[1] for _ in range(5)]
    assert all(900 <= s <= 1000 for s in shifts)
    y, shift = front_rounded(x, phones, np.random.default_rng(2), (1000.0, 1000.0))
    assert shift == 1000.0
    assert 1650 < _formants(y[mid])[1] < 2100  # F2 ~900 + 1000 Hz: where a spread vowel's would be
    assert abs(_formants(y[mid])[0] - 350) < 100
    front_spans(x, [(0.1, 0.2)], shift_hz=MAX_SHIFT)  # the documented top is allowed
    with pytest.raises(ValueError):
        front_spans(x, [(0.1, 0.2)], shift_hz=MAX_SHIFT + 1.0)


def test_a_raised_second_formant_stops_short_of_the_third_and_the_first_stays():
    x = _vowel(350, 900, 2200)
    y = front_spans(x, [(0.15, 0.45)], shift_hz=MAX_SHIFT)
    mid = slice(int(0.25 * SR), int(0.35 * SR))
    f1, f2, f3 = _formants(y[mid])[:3]
    assert abs(f1 - 350) < 60 and abs(f3 - 2200) < 120  # F1 and F3 where they were
    assert 1700 < f2 < 2200 - 150  # F2 up as far as it can go, still a separate resonance


@pytest.mark.skipif("flite" not in available_engines(), reason="flite is not installed")
def test_a_fronted_corpus_says_the_same_words_with_the_same_lip_targets():
    from dualtalk.inference.core.channels import ARKIT55
    from dualtalk.training.lite.synth import make_dialogue

    # flite: espeak-ng's audio varies a little from call to call
    plain = make_dialogue(4, 2, 10.0, ["flite"])
    fronted = make_dialogue(4, 2, 10.0, ["flite"], fronting=1.0)
    mouth = [ARKIT55.index(n) for n in ("jawOpen", "mouthClose", "mouthFunnel", "mouthPucker")]
    changed = 0
    for a, b in zip(plain["speakers"], fronted["speakers"], strict=True):
        assert np.array_equal(a["phone_class"], b["phone_class"])
        assert np.allclose(a["values"][:, mouth], b["values"][:, mouth])
        assert a["audio"].shape == b["audio"].shape
        changed += not np.array_equal(a["audio"], b["audio"])
    assert changed >= 1
