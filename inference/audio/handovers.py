"""Hand-overs where a turns file's labels cross: one speaker's label runs on into the next speaker's.

Hand-made labels (an Audacity label track) and subtitles often end a few tenths of a second late: A's
label 13.60-17.49 s, B's 17.20-22.13 s, A's voice stopping at 17.08. Both labels cover 17.20-17.49,
so the mix there (B's "Okay") went to both characters, and the snap of turn edges (:mod:`.separate`)
cannot move A's end back: the voice flags bridge the 0.1 s silence between the two voices, and the
edge lies 0.4 s from it, past the snap's reach (review rv40d F2: A mouthed B's "Okay", jaw 0.27).

Where the two labels cross by at most :data:`MAX_CROSSING_S`, the mix's level shows where one voice stops and the other starts: a short
silence near the crossing. Both labels are cut there (the first ends where the silence starts, the
second starts where it ends). A crossing with no silence near it is two people talking at once and
stays as given (said in the overlap warning); a label inside another (a "yeah" under the speaker's
words) does not cross and is never touched.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

import numpy as np

from ..core.timebase import SAMPLE_RATE
from .separate import SNAP_S
from .turns import Segment
from .vad import ON_ABOVE_FLOOR_DB, frame_levels

RATE = 100  # levels per second: a 0.1 s silence between two voices is one or two 25 fps frames at most
GAP_S = 0.1  # a silence this long between two voices is a hand-over (a stop consonant's closure is shorter)
# labels crossing by more than this were meant to (a turns file saying both speak for a second is
# taken at its word, and said in the overlap warning); a hand-made label's slop is a few tenths
MAX_CROSSING_S = 0.5


def sounding(mix: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Per 10 ms: the mix has sound (the level rule of :func:`.separate.split_mix`, finer, and without
    the voice flags' bridging of short gaps, which joins two voices across the silence between them)."""
    level = frame_levels(mix, sr, RATE)
    if not len(level):
        return np.zeros(0, dtype=bool)
    return np.asarray(level > np.percentile(level, 10) + ON_ABOVE_FLOOR_DB)


def _silences(quiet: np.ndarray, lo: int, hi: int) -> list[tuple[int, int]]:
    """Runs of at least :data:`GAP_S` of quiet within steps ``lo``-``hi`` (end exclusive)."""
    least = int(round(GAP_S * RATE))
    runs, i = [], lo
    while i < hi:
        if quiet[i]:
            j = i
            while j < hi and quiet[j]:
                j += 1
            if j - i >= least:
                runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def _handover(first: Segment, second: Segment, quiet: np.ndarray, reach: int) -> tuple[int, int] | None:
    """The silence (10 ms steps) where ``first``'s label runs into ``second``'s: the one nearest their
    crossing (``second.start``-``first.end``), within ``reach`` steps of it and inside both labels'
    outer edges; None when there is none (they talk at once)."""
    c0, c1 = int(round(second.start * RATE)), int(round(first.end * RATE))
    lo = max(c0 - reach, int(round(first.start * RATE)) + 1, 0)
    hi = min(c1 + reach, int(round(second.end * RATE)) - 1, len(quiet))
    runs = _silences(quiet, lo, hi)
    if not runs:
        return None
    return min(runs, key=lambda r: (max(0, c0 - r[1], r[0] - c1), -(r[1] - r[0])))


def settle_handovers(
    mix: np.ndarray, segments: list[Segment], speaker_a: str, speaker_b: str | None, reach_s: float = SNAP_S
) -> tuple[list[Segment], int]:
    """``segments`` (times relative to ``mix``) with each crossing of one speaker's label into the
    other's cut at the silence between their voices; and how many hand-overs were moved."""
    if speaker_b is None or len(segments) < 2:
        return segments, 0
    quiet = ~sounding(mix)
    reach = int(round(reach_s * RATE))
    out = list(segments)
    moved = 0
    for who, other in ((speaker_a, speaker_b), (speaker_b, speaker_a)):
        theirs = sorted((k for k, g in enumerate(out) if g.speaker == other), key=lambda k: out[k].start)
        starts = [out[k].start for k in theirs]
        for i, first in enumerate(out):
            if first.speaker != who:
                continue
            # the other's labels starting inside this one and ending after it: a crossing
            for k in theirs[bisect.bisect_right(starts, first.start) : bisect.bisect_left(starts, first.end)]:
                second = out[k]
                if second.end <= first.end or first.end - second.start > MAX_CROSSING_S:
                    continue  # inside this label (an interjection), or both speak as labelled
                found = _handover(first, second, quiet, reach)
                if found is None:
                    continue
                end, start = found[0] / RATE, found[1] / RATE
                if first.start < end < first.end or second.start < start < second.end:
                    first = replace(first, end=min(first.end, end)) if end > first.start else first
                    out[i] = first
                    out[k] = replace(second, start=start) if start < second.end else second
                    moved += 1
    return out, moved
