"""Per-speaker streams from one mixed track and a list of turns.

Each speaker's stream is the mix gated by that speaker's segments, with short
raised-cosine fades at segment edges so the audio encoder never sees hard clicks.
Where both speakers' segments overlap, both streams carry the mix.
"""

from __future__ import annotations

import numpy as np

from ..core.timebase import FPS, SAMPLE_RATE, frames_for
from .turns import Segment

FADE_S = 0.02


def segment_gain(
    segments: list[tuple[float, float]], num_samples: int, sr: int = SAMPLE_RATE, fade_s: float = FADE_S
) -> np.ndarray:
    """(N,) gain in [0, 1]: 1 inside segments, raised-cosine ramps of ``fade_s`` outside their edges."""
    gain = np.zeros(num_samples, dtype=np.float32)
    fade = max(1, int(round(fade_s * sr)))
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade + 2)[1:-1])).astype(np.float32)
    for start, end in segments:
        s = max(0, int(round(start * sr)))
        e = min(num_samples, int(round(end * sr)))
        if e <= 0 or s >= num_samples:
            continue
        gain[s:e] = 1.0
        # fade in before s, fade out after e (the segment itself stays at full level)
        a0 = max(0, s - fade)
        gain[a0:s] = np.maximum(gain[a0:s], ramp[fade - (s - a0) :])
        b1 = min(num_samples, e + fade)
        gain[e:b1] = np.maximum(gain[e:b1], ramp[::-1][: b1 - e])
    return gain


def segment_frames(
    segments: list[tuple[float, float]], num_samples: int, sr: int = SAMPLE_RATE, fps: int = FPS
) -> np.ndarray:
    """(T,) bool: frames whose span overlaps a segment by at least half a frame."""
    t = frames_for(num_samples, sr, fps)
    cover = np.zeros(t, dtype=np.float32)
    for start, end in segments:
        f0, f1 = start * fps, end * fps
        i0, i1 = max(0, int(np.floor(f0))), min(t, int(np.ceil(f1)))
        for i in range(i0, i1):
            cover[i] += max(0.0, min(i + 1, f1) - max(i, f0))
    return cover >= 0.5


def split_mix(
    mix: np.ndarray, segments: list[Segment], speaker_a: str, speaker_b: str | None, sr: int = SAMPLE_RATE
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, frames_a, frames_b) from a mono mix and turns (times relative to ``mix``)."""
    n = len(mix)
    spans_a = [(s.start, s.end) for s in segments if s.speaker == speaker_a]
    spans_b = [(s.start, s.end) for s in segments if speaker_b is not None and s.speaker == speaker_b]
    a = (mix * segment_gain(spans_a, n, sr)).astype(np.float32)
    b = (mix * segment_gain(spans_b, n, sr)).astype(np.float32)
    return a, b, segment_frames(spans_a, n, sr), segment_frames(spans_b, n, sr)
