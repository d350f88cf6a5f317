"""Procedural eye blinks for motion that has no eyelids (FLAME output).

Blinks arrive as a renewal process whose rate depends on whether the character is
speaking at that moment (listeners blink more often here, as the spec asks); intervals are
gamma-distributed so they look irregular but never machine-gun. Each blink closes fast and
opens slower (~0.1 s down, ~0.17 s up). Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np

RATE_SPEAKING = 14.0 / 60.0  # blinks per second
RATE_LISTENING = 22.0 / 60.0
MIN_GAP_S = 0.6
CLOSE_S = 0.10
HOLD_S = 0.03
OPEN_S = 0.17


def blink_curve(
    num_frames: int,
    fps: float,
    speaking: np.ndarray | None = None,
    *,
    seed: int = 0,
    rate_speaking: float = RATE_SPEAKING,
    rate_listening: float = RATE_LISTENING,
) -> np.ndarray:
    """(T,) float32 eyelid closure in [0, 1] at ``fps``."""
    out = np.zeros(num_frames, dtype=np.float32)
    if num_frames <= 0:
        return out
    rng = np.random.default_rng(seed)
    speak = np.zeros(num_frames, dtype=bool) if speaking is None else np.asarray(speaking, dtype=bool)
    duration = num_frames / fps
    shape_len = CLOSE_S + HOLD_S + OPEN_S
    times = np.arange(num_frames) / fps
    t = float(rng.uniform(0.3, 2.0))
    while t < duration:
        start = int(t * fps)
        stop = min(num_frames, int(np.ceil((t + shape_len) * fps)) + 1)
        u = times[start:stop] - t
        closing = np.clip(u / CLOSE_S, 0.0, 1.0)
        opening = np.clip(1.0 - (u - CLOSE_S - HOLD_S) / OPEN_S, 0.0, 1.0)
        lid = np.where(u < CLOSE_S, closing, opening)
        lid = 0.5 - 0.5 * np.cos(np.pi * lid)  # ease in/out
        np.maximum(out[start:stop], lid.astype(np.float32), out=out[start:stop])
        rate = rate_speaking if speak[min(start, num_frames - 1)] else rate_listening
        mean_gap = max(1.0 / max(rate, 1e-3), MIN_GAP_S)
        gap = float(rng.gamma(4.0, mean_gap / 4.0))
        t += max(gap, MIN_GAP_S)
    return out
