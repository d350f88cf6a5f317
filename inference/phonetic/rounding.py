"""Lip rounding from the voice: lips pushed forward where the second formant sits low.

Rounding the lips lengthens the vocal tract's front cavity, and that lowers the second
formant (F2): /u ʊ o/ have F2 near 1 kHz, /i ɪ e ɛ æ/ near 2 kHz. The lite network hears
this through its mel input, but it learned rounding from our rule-made targets and rounds
weakly on real voices (MODEL_CARD.md: a rounded-vs-spread AUC of 0.74-0.80 on real English).
So, per character, F2 is tracked from that character's own audio (LPC at 8 kHz, one analysis
per 40 ms frame), put on the take's own scale (how many standard deviations below the
median of its voiced frames, so a low voice and a high voice round alike), and each voiced
frame of the character's own speech (its voice activity) whose F2 sits low adds that much
rounding to mouthFunnel and mouthPucker, scaled by ``amount``. Spread frames are never
un-rounded: the network's rounding stays under it.

Chosen by measurement (MODEL_CARD.md, round 23). Runs after the engine and the lip
release, before the transcript and the behaviour layer; ARKit motion only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..core.request import BY_NAME
from ..core.timebase import FPS, SAMPLE_RATE, frame_bounds

DEFAULT_AMOUNT = float(BY_NAME["lip_rounding"].default or 0.0)  # the option's default
ANALYSIS_RATE = 8000  # formants F1-F3 of speech lie below 4 kHz
LPC_ORDER = 10  # two poles per formant up to 4 kHz, two for the glottal tilt
MIN_FORMANT_HZ = 200.0  # lower roots are the voice source, not a formant
MAX_BANDWIDTH_HZ = 500.0  # wider roots shape the spectrum's tilt, not a resonance
VOICED_DB = 20.0  # voiced: 100-1000 Hz energy within this of the take's level (95th percentile)
MAX_DEPTH = 3.0  # a frame rounds at most this many standard deviations' worth
OPEN_F1 = 1.0  # F1 this many standard deviations above the median: an open vowel, not rounded
GAIN = 0.6  # funnel + pucker added per standard deviation of F2 below the median, at amount 1
CHANNELS = ("mouthFunnel", "mouthPucker")  # the rounding the evaluator and the rigs read, half each


def _levinson(r: np.ndarray, order: int) -> np.ndarray:
    """LPC polynomials (frames x order+1) from autocorrelations (frames x order+1), all frames at once."""
    n = r.shape[0]
    a = np.zeros((n, order + 1))
    a[:, 0] = 1.0
    err = r[:, 0].copy()
    for i in range(1, order + 1):
        acc = r[:, i] + (a[:, 1:i] * r[:, i - 1 : 0 : -1]).sum(axis=1)
        k = -acc / np.maximum(err, 1e-300)
        a[:, 1 : i + 1] = a[:, 1 : i + 1] + k[:, None] * np.concatenate(
            [a[:, i - 1 : 0 : -1], a[:, :1]], axis=1
        )
        err = err * np.maximum(1.0 - k * k, 1e-12)
    return a


FORMANT_CHUNK_FRAMES = 1500  # frames analysed at once (60 s): a 40 min take's spectra at once took 1.3 GB


def formant_tracks(
    audio: np.ndarray, num_frames: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: F1 and F2 in Hz (NaN where no resonance was found) and whether the frame is voiced.

    Each frame's spectrum is cut at 4 kHz, so its autocorrelation is that of the frame
    resampled to 8 kHz; an order-10 LPC fit's roots with a narrow bandwidth above 200 Hz
    are the formants, lowest first. Frames are analysed :data:`FORMANT_CHUNK_FRAMES` at a time
    (memory stays flat on long takes); "voiced" is judged against the whole take's level."""
    if num_frames <= 0:
        return np.zeros(0), np.zeros(0), np.zeros(0, bool)
    x = np.asarray(audio, np.float64).reshape(-1)
    bounds = frame_bounds(x.size, num_frames, sample_rate, fps)
    size = int(np.ceil(sample_rate / fps))
    parts = []
    for f0 in range(0, num_frames, FORMANT_CHUNK_FRAMES):
        f1 = min(f0 + FORMANT_CHUNK_FRAMES, num_frames)
        frames = np.zeros((f1 - f0, size))
        for i in range(f0, f1):  # frame i's samples, as audio_frames cuts them
            seg = x[bounds[i] : bounds[i + 1]]
            frames[i - f0, : seg.size] = seg
        parts.append(_formants(frames, sample_rate))
    f1s, f2s, level = (np.concatenate(p) for p in zip(*parts, strict=True))
    voiced = level > float(np.percentile(level, 95.0)) - VOICED_DB
    return f1s, f2s, voiced


def _formants(frames: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F1, F2 (Hz, NaN: none found) and the 100-1000 Hz level (dB) of each row of ``frames``."""
    num_frames, size = frames.shape
    frames = frames - frames.mean(axis=1, keepdims=True)
    frames = np.concatenate([frames[:, :1], frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1)  # pre-emphasis
    spec = np.abs(np.fft.rfft(frames * np.hamming(size), n=2 * size, axis=1)) ** 2  # padded: no wrap-around
    freqs = np.fft.rfftfreq(2 * size, 1.0 / sample_rate)
    low = spec[:, (freqs >= 100.0) & (freqs < 1000.0)].sum(axis=1)
    level = 10.0 * np.log10(np.maximum(low, 1e-20))
    keep = int(np.searchsorted(freqs, ANALYSIS_RATE / 2.0, side="right"))
    r = np.fft.irfft(spec[:, :keep], n=2 * (keep - 1), axis=1)[:, : LPC_ORDER + 1]
    if r.shape[1] < LPC_ORDER + 1:
        return np.full(num_frames, np.nan), np.full(num_frames, np.nan), level
    r[:, 0] *= 1.0 + 1e-4  # a little white noise keeps the fit stable on pure tones
    ok = r[:, 0] > 0.0
    a = _levinson(np.where(ok[:, None], r, 1.0), LPC_ORDER)
    companion = np.zeros((num_frames, LPC_ORDER, LPC_ORDER))
    companion[:, 0, :] = -a[:, 1:]
    companion[:, np.arange(1, LPC_ORDER), np.arange(LPC_ORDER - 1)] = 1.0
    roots = np.linalg.eigvals(companion)
    hz = np.angle(roots) * ANALYSIS_RATE / (2.0 * np.pi)
    bandwidth = -ANALYSIS_RATE / np.pi * np.log(np.maximum(np.abs(roots), 1e-12))
    resonant = (roots.imag > 0) & (hz > MIN_FORMANT_HZ) & (bandwidth < MAX_BANDWIDTH_HZ)
    found = np.sort(np.where(resonant, hz, np.inf), axis=1)
    found[~np.isfinite(found)] = np.nan
    f1, f2 = found[:, 0], found[:, 1]
    f1[~ok], f2[~ok] = np.nan, np.nan
    return f1, f2, level


def _median3(track: np.ndarray) -> np.ndarray:
    """Each finite value replaced by the median of the finite values among it and its two neighbours
    (one frame's wrong resonance is outvoted); NaN stays NaN."""
    padded = np.concatenate([[np.nan], track, [np.nan]])
    windows = np.stack([padded[:-2], padded[1:-1], padded[2:]], axis=1)
    out = np.full(track.shape, np.nan)
    finite = np.isfinite(track)
    if finite.any():
        out[finite] = np.nanmedian(windows[finite], axis=1)
    return out


def _standard(values: np.ndarray, usable: np.ndarray) -> np.ndarray | None:
    """``values`` in standard deviations from their median over ``usable`` frames (None: too few)."""
    if usable.sum() < 5:
        return None
    spread = float(np.std(values[usable]))
    if spread <= 0.0:
        return None
    return (values - float(np.median(values[usable]))) / spread


def rounding_depth(
    audio: np.ndarray,
    num_frames: int,
    sample_rate: int = SAMPLE_RATE,
    fps: float = FPS,
    active: np.ndarray | None = None,
) -> np.ndarray:
    """Per frame, how far F2 sits below the take's median among voiced frames, in standard
    deviations: 0 at or above the median, on unvoiced and untracked frames, and where F1 is over
    :data:`OPEN_F1` deviations above its median (an open /a/ has a low F2 too, but a high F1);
    at most :data:`MAX_DEPTH`; F2 is first median-filtered over 3 frames and the depth then
    averaged over 3, so a rounding rises and falls over a syllable instead of flickering.

    ``active`` (per frame, the character's own voice activity): only those frames are read,
    for the median and deviation too, so a silent listener's room noise or the partner's
    crosstalk on its channel rounds nothing. None reads every frame."""
    f1, f2, voiced = formant_tracks(audio, num_frames, sample_rate, fps)
    if active is not None:
        own = np.zeros(num_frames, bool)
        act = np.asarray(active, bool).reshape(-1)[:num_frames]
        own[: act.size] = act
        voiced = voiced & own
    f2 = _median3(np.where(voiced, f2, np.nan))
    usable = voiced & np.isfinite(f2)
    depth = np.zeros(num_frames)
    z2 = _standard(f2, usable)
    if z2 is None:
        return depth
    depth[usable] = np.clip(-z2[usable], 0.0, MAX_DEPTH)
    with_f1 = usable & np.isfinite(f1)
    z1 = _standard(f1, with_f1)
    if z1 is not None:
        depth[with_f1 & (z1 > OPEN_F1)] = 0.0
    return np.convolve(depth, np.ones(3) / 3.0, mode="same")[:num_frames]  # "same" pads a short take to 3


def round_values(
    values: np.ndarray,
    channels: tuple[str, ...] | list[str],
    depth: np.ndarray,
    amount: float = DEFAULT_AMOUNT,
) -> np.ndarray:
    """``values`` (frames x channels, ARKit names) with ``amount * GAIN * depth`` more rounding, half
    to each of :data:`CHANNELS`, capped at 1."""
    out = np.array(values, dtype=np.float32, copy=True)
    if amount <= 0.0:
        return out
    add = (0.5 * amount * GAIN * np.asarray(depth, np.float64)).astype(np.float32)
    for name in CHANNELS:
        col = list(channels).index(name)
        out[:, col] = np.minimum(out[:, col] + add, 1.0)
    return out


def round_motion(
    motion: Any, audio: np.ndarray, amount: float = DEFAULT_AMOUNT, active: np.ndarray | None = None
) -> Any:
    """An ARKit :class:`~..core.motion.Motion` rounded against its character's ``audio`` where
    ``active`` (its voice activity; None: everywhere); ``meta["lip_rounding"]`` records the amount,
    0 too (a take made with the pass off is told apart from one made before the pass existed).
    Other spaces come back unchanged; ``amount`` 0 leaves the values as they are."""
    if motion.space != "arkit55":
        return motion
    meta = {**motion.meta, "lip_rounding": float(amount)}
    if amount <= 0.0 or motion.num_frames == 0:
        return dataclasses.replace(motion, meta=meta)
    depth = rounding_depth(audio, motion.num_frames, SAMPLE_RATE, motion.fps, active)
    values = round_values(motion.values, list(motion.channels), depth, amount)
    return dataclasses.replace(motion, values=values, meta=meta)
