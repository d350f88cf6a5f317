"""Recordings for the re-encoded-recording tests: speech-like stereo made with numpy, and copies of a
file made with ffmpeg (another codec, a gain, new tags, a trim, a pad, a speed-up)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def speechy(seconds: float, seed: int, sr: int = 16000) -> np.ndarray:
    """(N, 2) two speakers' syllable-like bursts (voiced harmonics and breath), taking turns."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    out = np.zeros((n, 2), np.float32)
    t = 0.0
    while t < seconds:
        ch, dur, gap = int(rng.integers(0, 2)), rng.uniform(0.08, 0.35), rng.uniform(0.02, 0.4)
        a, b = int(t * sr), min(n, int((t + dur) * sr))
        if b > a:
            k = np.arange(b - a) / sr
            f0 = rng.uniform(90, 220)
            burst = sum(np.sin(2 * np.pi * f0 * h * k) / h for h in range(1, 8)) + 0.3 * rng.standard_normal(
                b - a
            )
            out[a:b, ch] += (0.2 * rng.uniform(0.3, 1) * np.hanning(b - a) * burst).astype(np.float32)
        t += dur + gap
    return out + 0.001 * rng.standard_normal(out.shape).astype(np.float32)


def ffmpeg(src: Path, dst: Path, *args: str) -> Path:
    """``dst``: ``src`` through ffmpeg with ``args`` (codec from the suffix)."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), *args, str(dst)], check=True)
    return dst
