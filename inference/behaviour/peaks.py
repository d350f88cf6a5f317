"""Peaks of a loudness envelope, far enough apart and prominent enough: what ``scipy.signal.find_peaks(x,
distance=..., prominence=...)`` finds, without importing ``scipy.signal``.

The cues (stress beats, laughter bursts) were the one other reason every Generate imported
``scipy.signal`` (0.6-0.9 CPU-s at each start, see :mod:`..audio.speech_band`). Same peaks, same
order, same ties: scipy's rules (tests/behaviour/test_peaks.py holds it to scipy on plateaus, ties,
NaN and real envelopes):

- a peak is a run of equal values with a lower value on each side, at the run's middle (left of
  centre for an even run); a run at either end of ``x`` is none;
- by ``distance``: the highest peaks first (in ``numpy.argsort``'s order of the heights, as scipy
  takes them), each clearing the lower ones nearer than ``distance`` frames;
- by ``prominence``: how far a peak stands above the higher of the two lowest points between it and
  the nearest higher value (or NaN, or the end) on each side.
"""

from __future__ import annotations

import math

import numpy as np


def local_maxima(x: np.ndarray) -> np.ndarray:
    """Indices of the local maxima of ``x`` (plateaus at their middle), in order."""
    n = len(x)
    if n < 3:
        return np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.concatenate(([True], x[1:] != x[:-1])))  # runs of equal values
    ends = np.concatenate((starts[1:], [n])) - 1
    inner = (starts >= 1) & (ends <= n - 2)
    starts, ends = starts[inner], ends[inner]
    peak = (x[starts - 1] < x[starts]) & (x[ends + 1] < x[starts])
    return ((starts[peak] + ends[peak]) // 2).astype(np.intp)


def select_by_distance(peaks: np.ndarray, heights: np.ndarray, distance: float) -> np.ndarray:
    """Which ``peaks`` stay (bool): the highest first, each clearing lower ones nearer than ``distance``."""
    within = math.ceil(distance)
    keep = np.ones(len(peaks), dtype=bool)
    at = peaks.tolist()
    for j in np.argsort(heights)[::-1].tolist():
        if not keep[j]:
            continue
        k = j - 1
        while k >= 0 and at[j] - at[k] < within:
            keep[k] = False
            k -= 1
        k = j + 1
        while k < len(at) and at[k] - at[j] < within:
            keep[k] = False
            k += 1
    return keep


def _reach(vals: np.ndarray, peaks: np.ndarray, heights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each peak, the run ``[left, right)`` around it where ``vals`` stays at or below its height
    (binary lifting over a table of window maxima: a few numpy passes, not a walk per peak)."""
    n = len(vals)
    table = [vals]
    while (1 << len(table)) <= n:
        prev, half = table[-1], 1 << (len(table) - 1)
        table.append(np.maximum(prev[:-half], prev[half:]))
    left, right = peaks.copy(), peaks + 1
    for k in range(len(table) - 1, -1, -1):
        span, window = 1 << k, table[k]
        cand = left - span
        ok = cand >= 0
        ok[ok] = window[cand[ok]] <= heights[ok]
        left = np.where(ok, cand, left)
        ok = right + span <= n
        ok[ok] = window[right[ok]] <= heights[ok]
        right = np.where(ok, right + span, right)
    return left, right


def prominences(x: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """Each peak's prominence: its height above the higher of its two bases."""
    if not len(peaks):
        return np.zeros(0)
    heights = x[peaks]
    if not np.all(heights < np.inf):  # a peak at +inf: only NaN stops its walk (scipy's loop, as it is)
        return np.array([_prominence_walk(x, int(p)) for p in peaks])
    vals = np.where(np.isnan(x), np.inf, x)  # a NaN stops the walk as a higher value would
    left, right = _reach(vals, peaks, heights)
    bounds = np.empty(4 * len(peaks), dtype=np.intp)
    bounds[0::4], bounds[1::4] = left, peaks + 1  # [left, peak]
    bounds[2::4], bounds[3::4] = peaks, right  # [peak, right)
    mins = np.minimum.reduceat(np.append(x, 0.0), bounds)
    return heights - np.maximum(mins[0::4], mins[2::4])


def _prominence_walk(x: np.ndarray, peak: int) -> float:
    """One peak's prominence by walking out from it (scipy's loop)."""
    h = x[peak]
    left_min = right_min = h
    i = peak
    while i >= 0 and x[i] <= h:
        left_min = min(left_min, x[i])
        i -= 1
    i = peak
    while i < len(x) and x[i] <= h:
        right_min = min(right_min, x[i])
        i += 1
    return float(h - max(left_min, right_min))


def find_peaks(x: np.ndarray, distance: float, prominence: float) -> np.ndarray:
    """``scipy.signal.find_peaks(x, distance=distance, prominence=prominence)[0]``."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if distance < 1:
        raise ValueError("distance must be 1 or more")
    peaks = local_maxima(x)
    peaks = peaks[select_by_distance(peaks, x[peaks], distance)]
    return peaks[prominence <= prominences(x, peaks)]
