"""Where DualTalk's turn markers are now, however the animator moved them.

A timeline marker holds no custom property, so the scene's record (:data:`.apply.MARKERS_PROP`) lists
ours by name and frame. Animators move them: the whole take slid 12 frames later with its strips,
sound strip and markers, or one marker nudged onto a cut. Matched by exact name and frame, a moved
marker read as the animator's: the next Generate put its own beside it (4 markers for 2 turns) and
Remove Take left it behind ("0 markers", review rv37a F4). Now a recorded marker is found under its
name on its recorded frame moved by the take's shift, or up to :data:`NUDGE` frames from there. A
marker of our name farther away is the animator's (copied from ours, typed, or kept after they deleted
ours): taking it as a stand-in for a deleted one of ours had Remove Take delete their bookmark (review
rv37d F2). A marker the animator made under another name, or renamed from ours, is never ours.

The shift is the one that puts the most recorded markers on a marker of their name. Each recorded
marker votes only against the found markers of its name nearest it in order (the take keeps its order
when it slides) and nearest it in time, so a long take costs n log n, with no size past which a slide
goes unseen (review rv37d F5: 0.5 CPU-s a read at 999 turns per speaker, and no slide seen at 1,500).
A slide farther than :data:`SHORT_SLIDE` needs at least half of the entry's markers (two, where it has
two or more) to agree: a lone bookmark of our name far away is no evidence that the take moved.

Nothing here reads Blender: :func:`locate` takes the scene's markers as (name, frame) pairs.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from typing import Any

MOVED = "moved"  # in an entry's ``take``: frames its markers were found moved since the take made them
NUDGE = 10  # frames a marker of ours may sit from its place (recorded frame + the take's shift): nudged onto a cut
RANKS = 4  # each recorded marker votes against the found ones this many places before and after it in order
SHIFTS = 8  # the most-voted shifts weighed marker by marker
SHORT_SLIDE = 50  # frames (2 s at 25 fps) a take may slide with one marker alone to say so (the others renamed, deleted)


def locate(records: list[dict[str, Any]], scene: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """``records`` (entries of :func:`.apply.marker_records`, ``markers`` as [name, frame] lists) with
    each entry's markers where the scene holds them now (``scene``: every timeline marker's name and
    frame, in the scene's order). A recorded marker that is gone (deleted, renamed, or moved on its own
    more than :data:`NUDGE` frames) is left out; a scene marker goes to one entry at most (the earlier
    one). An entry whose markers were all found moved by one amount records it in its ``take``
    (:data:`MOVED`, added to what it held), so a kept take's markers come back where its strips play
    (:mod:`..addon.take_scene`)."""
    claimed: set[int] = set()
    by_name: dict[str, list[int]] = {}
    for i, (name, _frame) in enumerate(scene):
        by_name.setdefault(name, []).append(i)
    out = []
    for entry in records:
        recorded: dict[str, list[int]] = {}
        for name, frame in entry["markers"]:
            recorded.setdefault(str(name), []).append(int(frame))
        free = {
            name: sorted((int(scene[i][1]), i) for i in by_name.get(name, []) if i not in claimed)
            for name in recorded
        }
        shift = _shift(recorded, free)
        found: list[list[Any]] = []
        for name, frames in recorded.items():
            for i in _closest(free[name], frames, shift):
                claimed.add(i)
                found.append([name, int(scene[i][1])])
        found.sort(key=lambda m: (m[1], m[0]))
        out.append({**entry, "markers": found, "take": _moved(entry.get("take"), recorded, found, shift)})
    return out


def _shift(recorded: dict[str, list[int]], free: dict[str, list[tuple[int, int]]]) -> int:
    """The amount most of an entry's markers were moved by: 0 when they were not, or when it is more
    than :data:`SHORT_SLIDE` and fewer than half of them (two, where the entry has two or more) agree."""
    got = {name: [g for g, _i in free[name]] for name in recorded}
    votes: Counter[int] = Counter()
    for name, frames in recorded.items():
        votes.update(_candidates(sorted(frames), got[name]))
    total = sum(len(frames) for frames in recorded.values())
    need = max(min(2, total), (total + 1) // 2)
    best, score = 0, _support(0, recorded, got)
    for d, _n in votes.most_common(SHIFTS):
        here = _support(d, recorded, got)
        if (here[0] >= need or abs(d) <= SHORT_SLIDE) and (here, -abs(d), -d) > (score, -abs(best), -best):
            best, score = d, here
    return best


def _candidates(frames: list[int], got: list[int]) -> list[int]:
    """Shifts that the sorted recorded ``frames`` of one name suggest against the sorted found ``got``:
    each frame against the found frames near its own place in order (counted from the start and from
    the end, as markers deleted or added before it move its place) and the found frames either side of
    it in time (one nudged, a short slide)."""
    if not got:
        return []
    extra = len(got) - len(frames)
    offsets = {j for base in (0, extra) for j in range(base - RANKS, base + RANKS + 1)}
    out: list[int] = []
    for k, r in enumerate(frames):
        out.extend(got[k + j] - r for j in offsets if 0 <= k + j < len(got))
        at = bisect.bisect_left(got, r)
        out.extend(got[j] - r for j in (at - 1, at) if 0 <= j < len(got))
    return out


def _support(d: int, recorded: dict[str, list[int]], got: dict[str, list[int]]) -> tuple[int, int]:
    """How many recorded markers, moved by ``d``, have a found marker of their name within
    :data:`NUDGE` frames, and how many have one exactly there (``got``: found frames by name, sorted)."""
    near = exact = 0
    for name, frames in recorded.items():
        there = got[name]
        for r in frames:
            lo = bisect.bisect_left(there, r + d - NUDGE)
            if lo < len(there) and there[lo] <= r + d + NUDGE:
                near += 1
                on = bisect.bisect_left(there, r + d, lo)
                exact += int(on < len(there) and there[on] == r + d)
    return near, exact


def _closest(free: list[tuple[int, int]], frames: list[int], shift: int) -> list[int]:
    """Which of ``free`` (sorted (frame, index into the scene) of one name) are the entry's ``frames``:
    for each recorded frame moved by ``shift``, the found marker on it, else the nearest within
    :data:`NUDGE`, each taken once (nearest pairs first)."""
    got = [g for g, _i in free]
    pairs: list[tuple[int, int, int]] = []
    for k, frame in enumerate(frames):
        target = frame + shift
        lo, hi = bisect.bisect_left(got, target - NUDGE), bisect.bisect_right(got, target + NUDGE)
        pairs.extend((abs(got[j] - target), j, k) for j in range(lo, hi))
    taken: set[int] = set()
    done: set[int] = set()
    for _dist, j, k in sorted(pairs):
        if j not in taken and k not in done:
            taken.add(j)
            done.add(k)
    return sorted(free[j][1] for j in taken)


def _moved(
    take: Any, recorded: dict[str, list[int]], found: list[list[Any]], shift: int
) -> dict[str, Any] | None:
    """The entry's ``take`` with :data:`MOVED` grown by ``shift`` when every marker found sits on a
    recorded frame moved by it (the whole take slid); as it was otherwise (one marker nudged)."""
    if not isinstance(take, dict):
        return None
    if not shift or not found:
        return take
    wanted = {(n, f + shift) for n, frames in recorded.items() for f in frames}
    if any((n, f) not in wanted for n, f in found):
        return take
    return {**take, MOVED: moved(take) + shift}


def moved(take: Any) -> int:
    """Frames a marker entry's ``take`` records its markers moved since made (0 when it does not say)."""
    value = take.get(MOVED, 0) if isinstance(take, dict) else 0
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0
