"""Dynamic time warping of one recording onto another, by the sequence of their sounds.

Both the transcript aligner for languages other than English (``script_warp.py``) and the
evaluation sets' labeller (``training/lite/align_tts.py``) time a text on a real voice by
warping espeak-ng's reading of it onto the voice. Frames are MFCCs without c0 plus deltas,
each coefficient normalised over its utterance, so timbre and channel weigh less than the
sequence of sounds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core.errors import DualTalkError
from ..core.timebase import SAMPLE_RATE

HOP = 160  # 10 ms at 16 kHz
N_FFT = 400  # 25 ms windows
N_MELS = 40
N_CEPS = 13  # c1..c12 are kept (c0 is loudness)
SPEECH_DB = 35.0  # a frame is speech when within this many dB of the take's loud frames
MARGIN_S = 0.05  # kept around the speech span before warping


# ----------------------------------------------------------------------------- features


CHUNK = 6000  # frames analysed at once (a minute): an hour-long stream never holds its frames whole


def _padded(audio: np.ndarray) -> np.ndarray:
    return np.pad(
        np.asarray(audio, np.float32), N_FFT // 2, mode="reflect" if len(audio) > N_FFT else "constant"
    )


def _count(pad: np.ndarray) -> int:
    return 1 + max(0, (len(pad) - N_FFT) // HOP)


def _frames_of(pad: np.ndarray, first: int, end: int) -> np.ndarray:
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(first, end)[:, None]
    return pad[idx] * np.hanning(N_FFT + 1)[:-1].astype(np.float32)


def _db_of(frames: np.ndarray) -> np.ndarray:
    return 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-10)


def frame_db(audio: np.ndarray) -> np.ndarray:
    """Loudness of each 10 ms frame, dB (as :func:`analyse` gives it, without the cepstra)."""
    pad = _padded(audio)
    count = _count(pad)
    db = np.zeros(count)
    for first in range(0, count, CHUNK):
        end = min(count, first + CHUNK)
        db[first:end] = _db_of(_frames_of(pad, first, end))
    return db


def analyse(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(F, 12) cepstra c1..c12 (not normalised) and (F,) loudness in dB of each 10 ms frame, a
    minute at a time."""
    from ..models.lite.features import mel_filterbank

    pad = _padded(audio)
    count = _count(pad)
    bank = mel_filterbank(N_FFT, N_MELS, SAMPLE_RATE).T
    n = np.arange(N_MELS)
    dct = np.cos(np.pi / N_MELS * (n[None, :] + 0.5) * np.arange(N_CEPS)[:, None]).T
    ceps, db = np.zeros((count, N_CEPS - 1)), np.zeros(count)
    for first in range(0, count, CHUNK):
        end = min(count, first + CHUNK)
        frames = _frames_of(pad, first, end)
        power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
        ceps[first:end] = (np.log(power @ bank + 1e-8) @ dct)[:, 1:]
        db[first:end] = _db_of(frames)
    return ceps, db


def with_deltas(ceps: np.ndarray) -> np.ndarray:
    """(F, 24): the cepstra and their deltas (a 5-frame regression)."""
    padded = np.pad(ceps, ((2, 2), (0, 0)), mode="edge")
    delta = (2 * (padded[4:] - padded[:-4]) + (padded[3:-1] - padded[1:-3])) / 10.0
    return np.concatenate([ceps, delta], axis=1)


def normalised(feats: np.ndarray, over: np.ndarray | None = None) -> np.ndarray:
    """Each coefficient to zero mean and unit variance over the rows ``over`` (default: all)."""
    ref = feats if over is None else feats[over]
    if not len(ref):
        ref = feats
    return (feats - ref.mean(0)) / (ref.std(0) + 1e-6)


def mfcc_features(audio: np.ndarray) -> np.ndarray:
    """(F, 24): MFCC c1..c12 and their deltas, each normalised to zero mean, unit variance."""
    return normalised(with_deltas(analyse(audio)[0]))


def speech_span(audio: np.ndarray) -> tuple[int, int]:
    """Sample range from the first to the last speech frame (plus a margin)."""
    db = frame_db(audio)
    if not len(db):
        return 0, len(audio)
    loud = np.percentile(db, 95)
    on = np.flatnonzero(db > loud - SPEECH_DB)
    if not len(on):
        return 0, len(audio)
    margin = int(MARGIN_S * SAMPLE_RATE)
    return max(0, on[0] * HOP - margin), min(len(audio), on[-1] * HOP + margin)


# ----------------------------------------------------------------------------- warping


def distances(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(N, M) Euclidean distance of every row of ``rows`` (N, D) to every row of ``cols`` (M, D):
    the cost a warp pays to pair those two frames."""
    return np.sqrt(np.maximum((rows**2).sum(1)[:, None] + (cols**2).sum(1)[None, :] - 2 * rows @ cols.T, 0.0))


def _cost_matrix(cost: np.ndarray) -> np.ndarray:
    cost = np.asarray(cost, np.float64)
    if cost.ndim != 2 or 0 in cost.shape:
        raise DualTalkError(f"warping needs a non-empty (N, M) cost matrix, got shape {cost.shape}")
    return cost


def dtw_path(cost: np.ndarray, step_penalty: float = 0.0) -> np.ndarray:
    """Cheapest monotonic path through ``cost`` (N, M) from (0, 0) to (N-1, M-1).

    Steps (1, 1), (1, 0) and (0, 1); a (1, 0) or (0, 1) step pays ``step_penalty`` on
    top of the cell. Each row is solved at once: a run of (0, 1) steps from column k to
    j costs a difference of prefix sums, so the row's best is a running minimum.
    Returns the path as (L, 2) int pairs (row, column).
    """
    cost = _cost_matrix(cost)
    n, m = cost.shape
    cols = np.arange(m)
    run_start = np.zeros((n, m), np.int32)  # where this row's run of (0, 1) steps began
    from_diag = np.zeros((n, m), bool)  # how that run was entered from the row above
    prev = np.full(m, np.inf)
    for i in range(n):
        enter = np.full(m, np.inf)
        if i == 0:
            enter[0] = cost[0, 0]
        else:
            diag = np.concatenate([[np.inf], prev[:-1]])
            vert = prev + step_penalty
            from_diag[i] = diag <= vert
            enter = cost[i] + np.minimum(diag, vert)
        prefix = np.cumsum(cost[i] + step_penalty)
        best = enter - prefix
        running = np.minimum.accumulate(best)
        run_start[i] = np.maximum.accumulate(np.where(best <= running, cols, 0))
        prev = running + prefix
    if not np.isfinite(prev[-1]):
        raise DualTalkError("warping found no path")
    path: list[tuple[int, int]] = []
    i, j = n - 1, m - 1
    while True:
        k = int(run_start[i, j])
        path.extend((i, c) for c in range(j, k - 1, -1))
        if i == 0:
            break
        i, j = (i - 1, k - 1) if from_diag[i, k] else (i - 1, k)
    return np.array(path[::-1], np.int64)


def warp_times(path: np.ndarray, times: Sequence[float], hop_s: float = HOP / SAMPLE_RATE) -> np.ndarray:
    """Map times on the path's row axis to its column axis: a row's first matched column."""
    _rows, first_step = np.unique(path[:, 0], return_index=True)  # the path visits every row, in order
    first = path[first_step, 1]
    frames = np.clip(np.round(np.asarray(times, np.float64) / hop_s).astype(np.int64), 0, len(first) - 1)
    return first[frames] * hop_s


def subsequence_path(cost: np.ndarray) -> tuple[np.ndarray, float]:
    """Where a short utterance (the rows of ``cost``, (N, M)) sits in a longer recording (its
    columns): the cheapest path from row 0 to row N-1, starting and ending at any column, and its
    mean cost per cell. Steps (1, 1), (1, 2) and (2, 1), so the utterance is said at between half
    and twice its own pace and cannot fold onto a few frames that are close to every sound; the
    end is chosen by the mean cost, so a path is not preferred for its length. Each row is solved
    at once: a step only reads the rows above."""
    cost = _cost_matrix(cost)
    n, m = cost.shape
    inf = np.inf
    cols = np.arange(m)
    total = np.full((n, m), inf)
    cells = np.zeros((n, m))
    step = np.zeros((n, m), np.int8)  # 0 start, 1 (1, 1), 2 (1, 2), 3 (2, 1)
    total[0], cells[0] = cost[0], 1.0
    for i in range(1, n):
        options = []
        d = np.full(m, inf)
        d[1:] = total[i - 1, :-1] + cost[i, 1:]
        options.append((d, np.concatenate([[0.0], cells[i - 1, :-1] + 1])))
        w = np.full(m, inf)
        w[2:] = total[i - 1, :-2] + cost[i, 1:-1] + cost[i, 2:]
        options.append((w, np.concatenate([[0.0, 0.0], cells[i - 1, :-2] + 2])))
        t = np.full(m, inf)
        if i >= 2:
            t[1:] = total[i - 2, :-1] + cost[i - 1, 1:] + cost[i, 1:]
            options.append((t, np.concatenate([[0.0], cells[i - 2, :-1] + 2])))
        sums = np.stack([o[0] for o in options])
        counts = np.stack([o[1] for o in options])
        with np.errstate(invalid="ignore"):
            means = np.where(np.isfinite(sums), sums / np.maximum(counts, 1), inf)
        pick = np.argmin(means, axis=0)  # the predecessor with the cheapest mean so far
        total[i], cells[i] = sums[pick, cols], counts[pick, cols]
        step[i] = pick + 1
    with np.errstate(invalid="ignore"):
        mean = np.where(np.isfinite(total[-1]), total[-1] / np.maximum(cells[-1], 1), inf)
    end = int(np.argmin(mean))
    if not np.isfinite(mean[end]):
        raise DualTalkError("warping found no path: the stretch is too short for the utterance")
    path: list[tuple[int, int]] = []
    i, j = n - 1, end
    while True:
        path.append((i, j))
        kind = step[i, j]
        if i == 0 or kind == 0:
            break
        if kind == 1:
            i, j = i - 1, j - 1
        elif kind == 2:
            path.append((i, j - 1))
            i, j = i - 1, j - 2
        else:
            path.append((i - 1, j))
            i, j = i - 2, j - 1
    return np.array(path[::-1], np.int64), float(mean[end])
