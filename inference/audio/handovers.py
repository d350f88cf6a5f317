"""Hand-overs where a turns file's labels cross: one speaker's label runs on into the next speaker's.

Hand-made labels (an Audacity label track) and subtitles often end a few tenths of a second late: A's
label 13.60-17.49 s, B's 17.20-22.13 s, A's voice stopping at 17.08. Both labels cover 17.20-17.49,
so the mix there (B's "Okay") went to both characters, and the snap of turn edges (:mod:`.separate`)
cannot move A's end back: the voice flags bridge the 0.1 s silence between the two voices, and the
edge lies 0.4 s from it, past the snap's reach (review rv40d F2: A mouthed B's "Okay", jaw 0.27).

Where the two labels cross by at most :data:`MAX_CROSSING_S` and one of the crossing edges lies in a
silence of the mix (the second label starts in it, or the first ends in it), that label agrees with
the mix and the other runs past a pause where nobody talks: the first label ends where the silence
starts, the second starts where it ends; an edge only ever moves inward. A silence elsewhere near the
crossing (a breath before the partner cuts in), or none at all, is no evidence of a hand-over: the
labels stay as given, two people talking at once (said in the overlap warning; review rv40e F2). A
label inside another (a "yeah" under the speaker's words) does not cross and is never touched.
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
# a label edge this close to a silence lies in it (the level's window blurs a voice's edge by ~20 ms)
EDGE_S = 0.05
ROOM_DB = 6.0  # the room's floor: within this of the quietest 0.1 s of the mix
# speech (its 90th percentile of level) this far above the floor: the floor is a room to go by
SPEECH_ABOVE_ROOM_DB = 2 * ON_ABOVE_FLOOR_DB


def sounding(mix: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Per 10 ms: the mix has sound (the level rule of :func:`.separate.split_mix`, finer, and without
    the voice flags' bridging of short gaps, which joins two voices across the silence between them).

    The floor is the room's: the 10th percentile of level, but no more than :data:`ROOM_DB` above the
    quietest :data:`GAP_S` of the mix. A part cut from a take (--start/--end) can be mostly speech, and
    its 10th percentile then lies in the dips between syllables, which read as silences and cut a
    hand-over 0.1 s early (review rv40e F9). Where even the quietest stretch is within
    :data:`SPEECH_ABOVE_ROOM_DB` of the speech, the mix holds no silence to go by: all of it sounds."""
    level = frame_levels(mix, sr, RATE)
    if not len(level):
        return np.zeros(0, dtype=bool)
    least = int(round(GAP_S * RATE))
    if len(level) >= least:
        quietest = float(np.convolve(level, np.full(least, 1.0 / least), mode="valid").min())
    else:
        quietest = float(level.mean())
    floor = min(float(np.percentile(level, 10)), quietest + ROOM_DB)
    if float(np.percentile(level, 90)) - floor < SPEECH_ABOVE_ROOM_DB:
        return np.ones(len(level), dtype=bool)
    return np.asarray(level > floor + ON_ABOVE_FLOOR_DB)


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
    """The silence (10 ms steps) where ``first``'s label runs into ``second``'s, or None. Only a
    silence that one of the two crossing edges lies in counts (``second`` starting in it, or ``first``
    ending in it): then one label agrees with the mix, and the other runs past a pause where nobody
    talks. A silence elsewhere near the crossing (a breath before the partner cuts in) says nothing
    about who talks in the crossed span: both may, as labelled (review rv40e F2)."""
    c0, c1 = int(round(second.start * RATE)), int(round(first.end * RATE))
    lo = max(c0 - reach, int(round(first.start * RATE)) + 1, 0)
    hi = min(c1 + reach, int(round(second.end * RATE)) - 1, len(quiet))
    tol = int(round(EDGE_S * RATE))
    runs = [r for r in _silences(quiet, lo, hi) if any(r[0] - tol <= c <= r[1] + tol for c in (c0, c1))]
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
                # edges only move inward: the first label ends no later, the second starts no earlier
                end = min(first.end, found[0] / RATE)
                start = max(second.start, found[1] / RATE)
                if end < first.end or start > second.start:
                    first = replace(first, end=end) if end > first.start else first
                    out[i] = first
                    out[k] = replace(second, start=start) if start < second.end else second
                    moved += 1
    return out, moved
