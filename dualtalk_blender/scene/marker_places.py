"""Where DualTalk's turn markers are now, however the animator moved them.

A timeline marker holds no custom property, so the scene's record (:data:`.apply.MARKERS_PROP`) lists
ours by name and frame. Animators move them: the whole take slid 12 frames later with its strips,
sound strip and markers, or one marker nudged onto a cut. Matched by exact name and frame, a moved
marker read as the animator's: the next Generate put its own beside it (4 markers for 2 turns) and
Remove Take left it behind ("0 markers", review rv37a F4). Now a recorded marker is found by its name
wherever it is: a name the record lists is ours as many times as the record lists it. Where the
scene holds more markers of that name (the animator copied one of ours, or made one by hand under
our name), those on the recorded frames moved by the take's shift come first, then the nearest. A
marker the animator made under another name, or renamed from ours, is never ours.

Nothing here reads Blender: :func:`locate` takes the scene's markers as (name, frame) pairs.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from typing import Any

MOVED = "moved"  # in an entry's ``take``: frames its markers were found moved since the take made them
MAX_PAIRS = 1_000_000  # (recorded, found) pairs of one name weighed for the shift; beyond: no shift


def locate(records: list[dict[str, Any]], scene: Sequence[tuple[str, int]]) -> list[dict[str, Any]]:
    """``records`` (entries of :func:`.apply.marker_records`, ``markers`` as [name, frame] lists) with
    each entry's markers where the scene holds them now (``scene``: every timeline marker's name and
    frame, in the scene's order). A recorded marker that is gone (deleted, renamed) is left out; a
    scene marker goes to one entry at most (the earlier one). An entry whose markers were all found
    moved by one amount records it in its ``take`` (:data:`MOVED`, added to what it held), so a kept
    take's markers come back where its strips play (:mod:`..addon.take_scene`)."""
    claimed: set[int] = set()
    by_name: dict[str, list[int]] = {}
    for i, (name, _frame) in enumerate(scene):
        by_name.setdefault(name, []).append(i)
    out = []
    for entry in records:
        recorded: dict[str, list[int]] = {}
        for name, frame in entry["markers"]:
            recorded.setdefault(str(name), []).append(int(frame))
        shift = _shift(recorded, scene, by_name, claimed)
        found: list[list[Any]] = []
        for name, frames in recorded.items():
            free = [i for i in by_name.get(name, []) if i not in claimed]
            for i in _closest(free, frames, shift, scene):
                claimed.add(i)
                found.append([name, int(scene[i][1])])
        found.sort(key=lambda m: (m[1], m[0]))
        out.append({**entry, "markers": found, "take": _moved(entry.get("take"), recorded, found, shift)})
    return out


def _shift(
    recorded: dict[str, list[int]],
    scene: Sequence[tuple[str, int]],
    by_name: dict[str, list[int]],
    claimed: set[int],
) -> int:
    """The amount most of an entry's markers were moved by (0 when they were not, or when nothing
    says: the recorded frames themselves come first then)."""
    votes: Counter[int] = Counter()
    for name, frames in recorded.items():
        free = [scene[i][1] for i in by_name.get(name, []) if i not in claimed]
        if len(free) * len(frames) > MAX_PAIRS:
            continue
        votes.update(int(g) - int(r) for g in free for r in frames)
    if not votes:
        return 0
    best = max(votes.values())
    return min((d for d, n in votes.items() if n == best), key=lambda d: (abs(d), d))


def _closest(free: list[int], frames: list[int], shift: int, scene: Sequence[tuple[str, int]]) -> list[int]:
    """Which of ``free`` (indices into ``scene``, markers of one name) are the entry's ``frames``:
    all of them when they are no more; else, as many as the record lists, those on a recorded frame
    moved by ``shift`` first, then the nearest to one."""
    if len(free) <= len(frames):
        return free
    targets = sorted(f + shift for f in frames)

    def distance(i: int) -> tuple[int, int]:
        g = int(scene[i][1])
        at = bisect.bisect_left(targets, g)
        near = [abs(g - targets[j]) for j in (at - 1, at) if 0 <= j < len(targets)]
        return min(near), i

    return sorted(sorted(free, key=distance)[: len(frames)])


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
