"""Mouth at rest over a character's sounds that are not speech (a cough, a click, a cup set down).

The intake does not count a short unpitched sound standing alone on a character's mic as speech
(:func:`..audio.vad.without_unvoiced_blips`): no nod, no turn. But the lite network hears the sound
in that character's audio and opens the jaw ~0.4 on it. Here the drawn mouth channels over each such
stretch (:func:`..audio.vad.unspoken_sounds`, widened by :data:`PAD_FRAMES` for the network's blur) are
pulled to the character's resting mouth (the median of what the network draws while the character is
silent), fully inside and with raised-cosine ramps of :data:`RAMP_FRAMES` outside, so nothing pops. Frames in
the character's voice activity (speech, a laugh, an "mm-hm") and every other channel are untouched.
ARKit motion only; without voice activity nothing is known and nothing moves.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..audio.vad import unspoken_sounds
from ..core.channels import ARKIT52
from ..core.timebase import SAMPLE_RATE
from .visemes import drawn_channels

PAD_FRAMES = 2  # the network opens a frame or two around what it hears (40 ms frames)
RAMP_FRAMES = 2  # then eases back to its own mouth over this many frames


def rest_weights(stretches: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Per frame, how far the mouth is pulled to rest (0 to 1): 1 over each stretch widened by
    :data:`PAD_FRAMES`, raised-cosine ramps beyond it, 0 wherever ``active``."""
    n = len(stretches)
    w = np.zeros(n)
    ramp = 0.5 * (1.0 + np.cos(np.pi * np.arange(1, RAMP_FRAMES + 1) / (RAMP_FRAMES + 1)))
    for i in np.flatnonzero(stretches):
        lo, hi = max(0, i - PAD_FRAMES), min(n, i + PAD_FRAMES + 1)
        w[lo:hi] = 1.0
        for k, r in enumerate(ramp, start=1):
            if lo - k >= 0:
                w[lo - k] = max(w[lo - k], r)
            if hi - 1 + k < n:
                w[hi - 1 + k] = max(w[hi - 1 + k], r)
    w[np.asarray(active, bool)[:n]] = 0.0
    return w


def rest_values(
    values: np.ndarray, channels: tuple[str, ...] | list[str], weights: np.ndarray, rest: np.ndarray
) -> np.ndarray:
    """``values`` (frames x channels, ARKit names) with the drawn mouth channels pulled, by ``weights``,
    to ``rest`` (one value per drawn channel)."""
    out = np.array(values, dtype=np.float32, copy=True)
    mouth = [list(channels).index(ARKIT52[i]) for i in drawn_channels()]
    w = np.asarray(weights, np.float32)[:, None]
    out[:, mouth] = (1.0 - w) * out[:, mouth] + w * np.asarray(rest, np.float32)[None, :]
    return out


def rest_motion(
    motion: Any, audio: np.ndarray, active: np.ndarray | None, partner: np.ndarray | None = None
) -> Any:
    """An ARKit :class:`~..core.motion.Motion` with its mouth at rest over its character's ``audio``'s
    sounds that ``active`` (its voice activity) does not count as speech (``partner``: the other
    character's audio, whose bleed is then told apart from them). Other spaces, and a take without
    voice activity, come back unchanged."""
    if motion.space != "arkit55" or active is None or motion.num_frames == 0:
        return motion
    act = np.asarray(active, bool).reshape(-1)[: motion.num_frames]
    act = np.pad(act, (0, motion.num_frames - len(act)))
    stretches = unspoken_sounds(
        np.asarray(audio, np.float32).reshape(-1), act, partner, SAMPLE_RATE, int(round(motion.fps))
    )
    if not stretches.any():
        return motion
    weights = rest_weights(stretches, act)
    mouth = [list(motion.channels).index(ARKIT52[i]) for i in drawn_channels()]
    # the mouth as the network draws it while this character is silent: the median over those frames
    silent = ~act & (weights == 0.0)
    rest = np.median(np.asarray(motion.values)[silent if silent.any() else ~act][:, mouth], axis=0)
    values = rest_values(motion.values, list(motion.channels), weights, rest)
    return dataclasses.replace(motion, values=values)
