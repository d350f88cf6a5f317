"""Fronted rounded vowels for synthetic English: the lips stay round, the second formant rises.

Many real North American speakers front /u/ and /oʊ/ ("who", "so"): the lips are as round as
ever, but the vowel's second formant (F2) sits where a spread vowel's would. Our synthetic voices
never do this, so a network trained on them learns "low F2 means rounded" and misses those vowels
on real voices (measured in MODEL_CARD.md, "the rounded vowels the network misses"). This module
moves the spectral envelope of chosen stretches of audio up in frequency, so a rounded vowel can
keep its rounded target and sound fronted.

How: per STFT frame, the log-magnitude envelope (low-quefrency cepstrum) is warped along the
frequency axis by a piecewise-linear map that lifts the 500-2600 Hz region (source 900 Hz lands on
900 + ``shift_hz``), and the frame's magnitude is multiplied by the new/old envelope ratio. The
harmonics (pitch) and the phase stay; F1 below 500 Hz and the upper formants stay. The warp fades
in and out over ``ramp_s`` at each stretch's edges, like coarticulation. Frames outside every
stretch are left as they were (up to the STFT round trip, ~1e-6).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import istft, stft

from ...inference.audio.tts import Phone
from .visemes import viseme_classes

N_FFT = 512
HOP = 128
LIFTER = 30  # cepstral coefficients kept: an envelope smoother than any voice's harmonics (f0 < 500 Hz)
WARP_LOW, WARP_SOURCE, WARP_HIGH = 500.0, 900.0, 2600.0
SHIFT_RANGE = (300.0, 700.0)  # Hz that a back rounded vowel's F2 (~900 Hz) moves up by


def rounded_spans(phones: list[Phone]) -> list[tuple[float, float]]:
    """(start, end) of every phone that rounds the lips (/u ʊ oʊ əʊ/, ARPAbet UW UH OW)."""
    return [(p.start, p.end) for p in phones if "UW" in viseme_classes(p)]


def _warp_source(freqs: np.ndarray, shift_hz: float) -> np.ndarray:
    """For each output frequency, the input frequency whose envelope value lands there."""
    x = [0.0, WARP_LOW, WARP_SOURCE + shift_hz, WARP_HIGH, max(float(freqs[-1]), WARP_HIGH + 1.0)]
    y = [0.0, WARP_LOW, WARP_SOURCE, WARP_HIGH, max(float(freqs[-1]), WARP_HIGH + 1.0)]
    return np.interp(freqs, x, y)


def front_spans(
    audio: np.ndarray,
    spans: list[tuple[float, float]],
    shift_hz: float,
    sr: int = 16000,
    ramp_s: float = 0.025,
) -> np.ndarray:
    """``audio`` with the spectral envelope raised by ``shift_hz`` (at 900 Hz) inside ``spans``."""
    if not 0.0 < shift_hz < WARP_HIGH - WARP_SOURCE - 100.0:
        raise ValueError(f"shift_hz must be between 0 and {WARP_HIGH - WARP_SOURCE - 100.0:g}")
    x = np.asarray(audio, np.float64)
    if not spans or x.size < N_FFT:
        return np.asarray(audio, np.float32).copy()
    freqs, times, z = stft(x, sr, nperseg=N_FFT, noverlap=N_FFT - HOP, boundary="even")
    weight = np.zeros(times.size)
    for start, end in spans:  # 1 inside, a raised-cosine fade over ramp_s on both sides
        edge = np.clip(np.minimum(times - (start - ramp_s), (end + ramp_s) - times) / ramp_s, 0.0, 1.0)
        weight = np.maximum(weight, 0.5 - 0.5 * np.cos(np.pi * edge))
    cols = np.flatnonzero(weight > 0)
    if not cols.size:
        return np.asarray(audio, np.float32).copy()
    mag = np.abs(z[:, cols])
    logmag = np.log(mag + 1e-9)
    cep = np.fft.irfft(logmag, n=N_FFT, axis=0)
    cep[LIFTER : N_FFT - LIFTER + 1] = 0.0
    env = np.fft.rfft(cep, n=N_FFT, axis=0).real  # (bins, frames) log envelope
    src = _warp_source(freqs, shift_hz)
    out = z.copy()
    for j, col in enumerate(cols):
        w = weight[col]
        where = freqs - w * (freqs - src)  # w = 1: the full warp; w -> 0: no change
        warped = np.interp(where, freqs, env[:, j])
        out[:, col] = z[:, col] * np.exp(warped - env[:, j])
    _t, y = istft(out, sr, nperseg=N_FFT, noverlap=N_FFT - HOP, boundary=True)
    y = y[: x.size]
    if y.size < x.size:
        y = np.pad(y, (0, x.size - y.size))
    peak = np.abs(y).max()
    if peak > 0.99:
        y *= 0.99 / peak
    return y.astype(np.float32)


def front_rounded(
    audio: np.ndarray, phones: list[Phone], rng: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Front every rounded vowel of one utterance by a shift drawn from ``SHIFT_RANGE``."""
    shift = float(rng.uniform(*SHIFT_RANGE))
    return front_spans(audio, rounded_spans(phones), shift), shift
