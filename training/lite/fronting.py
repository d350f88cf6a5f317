"""Fronted rounded vowels for synthetic English: the lips stay round, the second formant rises.

Many real North American speakers front /u/ and /oʊ/ ("who", "so"): the lips are as round as
ever, but the vowel's second formant (F2) sits where a spread vowel's would. Our synthetic voices
rarely do this, so a network trained on them learns "low F2 means rounded" and misses those vowels
on real voices (measured in MODEL_CARD.md, "the rounded vowels the network misses"). This module
raises F2 in chosen stretches of audio, so a rounded vowel can keep its rounded target and sound
fronted.

How: every 5 ms, an all-pole (LPC) fit of the surrounding 25 ms finds the vowel's resonances; the
pole pair of F2 (the second resonance above 150 Hz) is replaced by one ``shift_hz`` higher with
the same bandwidth, never closer than 250 Hz to F3. The frame's audio goes through the biquad
that removes the old resonance and adds the new one (zeros at the old poles, poles at the new),
and the frames are overlap-added. Only F2 moves: F1 (vowel height), F3, the pitch and the voice
quality stay, and frames outside every stretch pass through untouched. The shift fades in and out
over ``ramp_s`` at each stretch's edges, like coarticulation.

An earlier version warped a cepstral envelope along the frequency axis instead. Its envelope was
too smooth to hold a formant, so the old F2 peak stayed and the warp only added a hump above it;
at shifts over ~700 Hz it also raised F1 by 100-400 Hz (the designed /u/ of the tests turned
towards /ɛ/). Round 18 of MODEL_CARD.md was trained on that version.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_toeplitz
from scipy.signal import lfilter

from ...inference.audio.tts import Phone
from ...inference.phonetic.visemes import viseme_classes

HOP = 80  # samples between fits (5 ms at 16 kHz)
FIT = 400  # samples of audio each fit sees (25 ms)
LPC_ORDER = 18  # poles: two per kHz of a 16 kHz signal's band, plus two
TAIL = 480  # samples a moved resonance may ring past its frame (narrow F2s decay within ~20 ms)
F3_GAP = 250.0  # Hz the new F2 keeps below F3, so the two do not merge
SHIFT_RANGE = (300.0, 700.0)  # Hz that F2 moves up by, by default
MAX_SHIFT = 1500.0  # a back vowel's F2 (~900 Hz) would then sit where /i/'s does


def rounded_spans(phones: list[Phone]) -> list[tuple[float, float]]:
    """(start, end) of every phone that rounds the lips (/u ʊ oʊ əʊ/, ARPAbet UW UH OW)."""
    return [(p.start, p.end) for p in phones if "UW" in viseme_classes(p)]


def formant_poles(frame: np.ndarray, sr: int, order: int = LPC_ORDER) -> list[complex]:
    """The resonances of a stretch of audio: LPC poles above the real axis, lowest first, that
    lie between 150 Hz and 5 kHz with a bandwidth under 600 Hz (wider ones shape the tilt)."""
    x = np.asarray(frame, np.float64) * np.hamming(len(frame))
    x = np.append(x[0], x[1:] - 0.97 * x[:-1])  # pre-emphasis: the fit sees F2 and F3 as clearly as F1
    r = np.correlate(x, x, "full")[len(x) - 1 : len(x) + order]
    if r[0] <= 1e-12:
        return []
    r[0] *= 1.0 + 1e-6
    a = solve_toeplitz(r[:order], r[1 : order + 1])
    roots = np.roots(np.r_[1.0, -a])
    out = []
    for z in roots[np.imag(roots) > 0]:
        freq = float(np.angle(z)) * sr / (2 * np.pi)
        bw = -float(np.log(max(abs(z), 1e-9))) * sr / np.pi
        if 150.0 < freq < 5000.0 and bw < 600.0:
            out.append(complex(z))
    return sorted(out, key=lambda z: float(np.angle(z)))


def _moved_f2(poles: list[complex], shift_hz: float, sr: int) -> tuple[complex, complex] | None:
    """(old, new) F2 pole, the new one ``shift_hz`` higher (kept ``F3_GAP`` below F3); None if the
    fit found no F2 or there is no room to move it."""
    if len(poles) < 2:
        return None
    old = poles[1]
    f2 = float(np.angle(old)) * sr / (2 * np.pi)
    target = f2 + shift_hz
    if len(poles) > 2:
        target = min(target, float(np.angle(poles[2])) * sr / (2 * np.pi) - F3_GAP)
    if target <= f2 + 1.0:
        return None
    return old, abs(old) * np.exp(2j * np.pi * target / sr)


def front_spans(
    audio: np.ndarray,
    spans: list[tuple[float, float]],
    shift_hz: float,
    sr: int = 16000,
    ramp_s: float = 0.025,
) -> np.ndarray:
    """``audio`` with F2 raised by ``shift_hz`` inside ``spans`` (see the module's docstring)."""
    if not 0.0 < shift_hz <= MAX_SHIFT:
        raise ValueError(f"shift_hz must be above 0 and at most {MAX_SHIFT:g}")
    x = np.asarray(audio, np.float64)
    if not spans or x.size < FIT:
        return np.asarray(audio, np.float32).copy()
    window = np.hanning(2 * HOP + 1)[:-1]  # periodic: windows HOP apart sum to exactly 1
    n_frames = x.size // HOP + 1
    padded = np.pad(x, (HOP, HOP + 2 * HOP + FIT))
    y = np.zeros(padded.size + TAIL)
    for k in range(n_frames):
        t = k * HOP / sr
        edge = max(min(t - (s - ramp_s), (e + ramp_s) - t) for s, e in spans) / ramp_s
        weight = 0.5 - 0.5 * np.cos(np.pi * min(max(edge, 0.0), 1.0))
        piece = padded[k * HOP : k * HOP + 2 * HOP] * window  # centred on sample k * HOP
        moved = None
        if weight > 0.0:
            centre = k * HOP + HOP  # in padded samples
            fit = padded[max(centre - FIT // 2, 0) : centre + FIT // 2]
            moved = _moved_f2(formant_poles(fit, sr), weight * shift_hz, sr)
        if moved is None:
            y[k * HOP : k * HOP + 2 * HOP] += piece
            continue
        old, new = moved
        b = np.real(np.poly([old, np.conj(old)]))
        a = np.real(np.poly([new, np.conj(new)]))
        b *= np.sum(a) / np.sum(b)  # the same gain at 0 Hz: F1's level stays
        y[k * HOP : k * HOP + 2 * HOP + TAIL] += lfilter(b, a, np.pad(piece, (0, TAIL)))
    out = y[HOP : HOP + x.size]
    peak = np.abs(out).max()
    if peak > 0.99:
        out *= 0.99 / peak
    return out.astype(np.float32)


def front_rounded(
    audio: np.ndarray,
    phones: list[Phone],
    rng: np.random.Generator,
    shift_range: tuple[float, float] = SHIFT_RANGE,
) -> tuple[np.ndarray, float]:
    """Front every rounded vowel of one utterance by a shift drawn from ``shift_range`` (Hz)."""
    shift = float(rng.uniform(*shift_range))
    return front_spans(audio, rounded_spans(phones), shift), shift
