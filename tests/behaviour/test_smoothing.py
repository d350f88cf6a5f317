"""The behaviour stage's smoothing and the cues' "partner near" test, as scipy.ndimage gave them, without
importing scipy.ndimage at every Generate's start: the same floats for every sigma the layers use."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.behaviour import smoothing

pytest.importorskip("scipy")
FPS = 25.0
SIGMAS = [1.0, 0.3 * FPS, 0.25 * FPS, 0.2 * FPS, 0.5 * FPS, 0.05, 2.5, 17.3, 40.0, 0.6 * FPS]


def test_the_smoothing_is_scipys_to_the_bit():
    from scipy.ndimage import gaussian_filter1d

    rng = np.random.default_rng(0)
    for trial in range(400):
        sigma = SIGMAS[trial % len(SIGMAS)] if trial % 3 else float(rng.uniform(0.01, 60))
        frames = int(rng.integers(0, 300))  # also shorter than the taps reach: reflected again
        shape = (frames,) if trial % 2 else (frames, 3)
        dtype = np.float32 if trial % 4 == 0 else np.float64
        x = (10 * rng.standard_normal(shape)).astype(dtype)
        if trial % 5 == 0:
            x = (rng.random(shape) > 0.5).astype(dtype)  # a speaking flag eased in
        want = gaussian_filter1d(x, sigma, axis=0)
        got = smoothing.gaussian_filter1d(x, sigma, axis=0)
        assert got.dtype == want.dtype and np.array_equal(got, want), (sigma, shape, dtype)


def test_partner_near_is_scipys_window_test():
    from scipy.ndimage import uniform_filter1d

    rng = np.random.default_rng(1)
    for trial in range(600):
        flags = rng.random(int(rng.integers(0, 500))) < rng.choice([0.01, 0.1, 0.5])
        size = int(rng.choice([51, 3, 5, 101, 7]))
        want = uniform_filter1d(flags.astype(np.float32), size=size) > 0
        assert np.array_equal(smoothing.any_within(flags, size), want), (trial, size)
