"""Synthetic dialogue audio for tests, fuzzing and benchmarks (no reference data needed).

``speechlike`` makes syllable-rate modulated, band-limited noise: loud, voice-band,
with word-internal dips, so activity detectors see something shaped like speech.
``espeak`` renders real synthetic speech when espeak-ng is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..inference.audio.loader import resample
from ..inference.core.timebase import SAMPLE_RATE


def speechlike(
    duration: float, rng: np.random.Generator, sr: int = SAMPLE_RATE, level: float = 0.3
) -> np.ndarray:
    """Band-passed noise with a 4 Hz syllabic envelope, peak around ``level``."""
    from scipy.signal import butter, sosfilt

    n = int(round(duration * sr))
    noise = rng.standard_normal(n)
    sos = butter(4, [200.0, 3400.0], btype="bandpass", fs=sr, output="sos")
    voiced = sosfilt(sos, noise)
    t = np.arange(n) / sr
    env = 0.55 + 0.45 * np.sin(2 * np.pi * 4.0 * t + rng.uniform(0, 2 * np.pi))
    y = voiced * env
    y = y / (np.abs(y).max() + 1e-9) * level
    ramp = min(n // 2, int(0.01 * sr))
    if ramp:
        w = np.linspace(0, 1, ramp)
        y[:ramp] *= w
        y[-ramp:] *= w[::-1]
    return y.astype(np.float32)


def place(total: float, spans: list[tuple[float, float]], rng: np.random.Generator, sr: int = SAMPLE_RATE,
          level: float = 0.3) -> np.ndarray:  # fmt: skip
    """A stream of ``total`` seconds with speech-like bursts at ``spans``."""
    x = np.zeros(int(round(total * sr)), dtype=np.float32)
    for s, e in spans:
        i = int(round(s * sr))
        burst = speechlike(e - s, rng, sr, level)
        x[i : i + len(burst)] += burst[: len(x) - i]
    return x


def frames_of(spans: list[tuple[float, float]], total: float, fps: int = 25) -> np.ndarray:
    """(T,) bool truth: frames whose centre lies inside a span."""
    t = int(np.ceil(total * fps - 1e-9))
    centres = (np.arange(t) + 0.5) / fps
    out = np.zeros(t, dtype=bool)
    for s, e in spans:
        out |= (centres >= s) & (centres < e)
    return out


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def espeak(text: str, voice: str = "en-us", pitch: int = 50, speed: int = 160) -> np.ndarray:
    """Speech from espeak-ng as a 16 kHz float32 array (raises if espeak-ng is missing)."""
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(out), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        x, sr = sf.read(str(out), dtype="float32")
    return resample(x, sr)
