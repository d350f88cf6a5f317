"""Who holds the conversation's floor, frame by frame: the turn markers' arithmetic (no bpy).

A speaker takes the floor after talking alone for a while; overlaps ("mhm" while the other
talks), short backchannels and pauses keep the current holder, so the markers an animator sees
on the timeline are the turns, not every flicker of voice activity.
"""

from __future__ import annotations

import numpy as np

MIN_TURN_S = 0.5  # talking alone this long takes the floor


def turn_changes(
    speaking_a: np.ndarray, speaking_b: np.ndarray, fps: float, min_turn_s: float = MIN_TURN_S
) -> list[tuple[int, int]]:
    """(frame, speaker) where the floor passes to speaker 0 (A) or 1 (B)."""
    n = min(len(speaking_a), len(speaking_b))
    if n == 0:
        return []
    a = np.asarray(speaking_a[:n], dtype=bool)
    b = np.asarray(speaking_b[:n], dtype=bool)
    solo = np.where(a & ~b, 0, np.where(b & ~a, 1, -1))
    edges = np.flatnonzero(np.diff(solo)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [n]])
    min_len = max(1, int(round(min_turn_s * fps)))
    holder = -1
    changes: list[tuple[int, int]] = []
    for s, e in zip(starts, ends, strict=True):
        who = int(solo[s])
        if who >= 0 and who != holder and e - s >= min_len:
            holder = who
            changes.append((int(s), who))
    return changes


def marker_frames(changes: list[tuple[int, int]], start_frame: int, ratio: float) -> list[tuple[int, int]]:
    """(scene frame, speaker) of each change: motion frames scaled by ``ratio`` (scene fps / motion
    fps) from ``start_frame``."""
    return [(start_frame + int(round(frame * ratio)), who) for frame, who in changes]
