"""Where a whole take is keyed when the animator slid the take the characters play.

An editor slides a whole take in Blender (both characters' DualTalk strips in the NLA editor, with
its sound strip and turn markers). The next whole take, the panel's Generate or a re-run of
``animate``, is keyed where they slid it, not back at the scene's start, and its line says so
(review rv37a F5); strips slid unevenly or scaled are not followed, and a warning says why. One
rule for both: :func:`where_moved` decides, :meth:`MovedTo.said` words the result line's clause,
each caller naming its own way to start at the scene's start instead.

A kept take (Generate under another Take name, then Play Take to compare) keeps where its strips
played: a layer nudged on its own, a scale or repeat. They were lost when another take's actions went
into the same strips (review rv43a F3): :func:`keep_placement` records them on the take's actions, and
Play Take puts them back around where the take plays now (:func:`restore_placements`). A scaled or
repeated take is said, at Play and Export FBX, as Time Stretching is (:func:`out_of_time`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..rig.options import ApplyOptions
from ..rig.plan import speed_words


@dataclass
class MovedTo:
    """Where a whole take is keyed: ``options`` with the frame the animator moved the earlier take
    to (``start``), or as they were; ``warnings``: why a moved take could not be followed."""

    options: ApplyOptions
    start: int | None = None
    offset: int = 0
    warnings: tuple[str, ...] = ()

    def said(self, first: int, last: int, scene_start: int, instead: str = "Remove Take first") -> list[str]:
        """The line's clause: ``kept where the earlier take was moved: frames 13-62 (not the scene's
        start, 1: Remove Take first to start there)``, ``instead`` naming the caller's way to start
        there (``animate``: ``give --start-frame 1``); none where the take was not moved."""
        if self.start is None:
            return []
        return [
            f"kept where the earlier take was moved: frames {first}-{last} (not the scene's start, "
            f"{scene_start}: {instead} to start there)"
        ]


def where_moved(scene: Any, options: ApplyOptions, characters: tuple[Any, Any]) -> MovedTo:
    """A whole take keyed where the animator moved the take the characters play (its strips in the NLA
    editor, as an editor slides a take with its sound and markers), not back at the scene's start
    (review rv37a F5: the 12-frame edit was lost for both characters without a word). A start a
    script, ``--start-frame`` or Apply Saved Take gives (``options.start_frame``) is kept; strips
    moved unevenly are not followed, and said (:func:`.range_plan.moved_start`)."""
    from .range_plan import moved_start  # read when keying, not when the add-on loads

    if options.start_frame is not None:
        return MovedTo(options)
    moved = moved_start(characters)
    if moved is None:
        return MovedTo(options)
    if moved.start is None:
        return MovedTo(
            options,
            warnings=(
                f"{moved.why}: the new take starts at the scene's start, frame {int(scene.frame_start)} "
                "(move the DualTalk strips of both characters together to keep a take where they play)",
            ),
        )
    return MovedTo(options.replace(start_frame=moved.start), moved.start, moved.offset)


# -- a kept take's own strip placement, back on Play ------------------------------------------------

PLACE_PROP = "dualtalk_placed"  # on a layer action: where its strip played when another take replaced it
SAME_FRAME = 1e-3  # frames: placements this close are the same


@dataclass(frozen=True)
class Placed:
    """Where a layer's strip played a take: its first frame on the timeline, scale and repeat."""

    frame_start: float
    scale: float = 1.0
    repeat: float = 1.0


def keep_placement(strip: Any) -> None:
    """Record on the strip's action where the strip plays it now, before another take's action takes
    its place (Generate under another Take name, Play Take): the animator's nudge of one layer, scale
    and repeat were lost when the take was played again (review rv43a F3)."""
    from .keying import is_ours

    action = strip.action
    if not is_ours(action):
        return
    placed = {
        "frame_start": float(strip.frame_start),
        "scale": float(strip.scale),
        "repeat": float(strip.repeat),
    }
    action[PLACE_PROP] = json.dumps(placed)


def placement(action: Any) -> Placed | None:
    """The placement :func:`keep_placement` recorded on ``action``; None where none was (a take kept
    by an older DualTalk) or the record is damaged."""
    try:
        raw = json.loads(str(action.get(PLACE_PROP)))
        placed = Placed(float(raw["frame_start"]), float(raw["scale"]), float(raw["repeat"]))
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
    if placed.scale <= 0 or placed.repeat <= 0:
        return None
    return placed


def _anchor(starts: list[float]) -> float | None:
    """Where a take plays as a whole: the first frame most of its layer strips share (one nudged layer
    is that layer's own offset), the earliest of those as common; None without strips."""
    if not starts:
        return None
    counts = Counter(round(s, 3) for s in starts)
    return min(counts, key=lambda s: (-counts[s], s))


@dataclass
class Restore:
    """What :func:`restore_placements` puts back after Play Take swapped a kept take's actions in:
    ``moves``: (character, layer, strip, placement or None) per strip, ``anchor``: where the take
    switched away from played as a whole, ``kept_anchor``: where the kept take did (its layer strips
    only: the rest track's one held key plays the same anywhere)."""

    take: str
    moves: list[tuple[str, str, Any, Placed | None]]
    anchor: float | None
    kept_anchor: float | None


def plan_placements(take: str, swaps: list[tuple[str, str, Any, Any]]) -> Restore:
    """Before Play Take swaps ``take`` in: (character, layer, strip, kept action) per strip. Records the
    take that plays now on its own actions (:func:`keep_placement`), and reads the kept take's."""
    from .layers import REST

    for _who, _layer, strip, _kept in swaps:
        keep_placement(strip)
    moves = [(who, layer, strip, placement(kept)) for who, layer, strip, kept in swaps]
    layered = [m for m in moves if m[1] != REST]  # the rest track's one held key: anywhere, as it was left
    anchor = _anchor([float(strip.frame_start) for _w, _l, strip, _p in layered])
    kept_anchor = _anchor([p.frame_start for *_x, p in layered if p is not None])
    return Restore(take, moves, anchor, kept_anchor)


def restore_placements(plan: Restore) -> list[str]:
    """After the swap: each layer strip of the kept take where it played it (its offset from the take
    as a whole, which stays where the take switched away from plays: a whole-take slide is kept),
    with its scale and repeat. A take kept before takes recorded this plays as keyed, from where the
    take plays; the notes say so, and what Blender would not put back."""
    from .layers import REST

    notes: list[str] = []
    unknown: list[str] = []
    missed: list[str] = []
    nudged: list[str] = []
    for who, layer, strip, placed in plan.moves:
        if placed is None or plan.anchor is None or plan.kept_anchor is None:
            unknown += [who] if who not in unknown and layer != REST else []
            want = Placed(float(strip.frame_start) if plan.anchor is None else plan.anchor)
        else:
            want = Placed(plan.anchor + placed.frame_start - plan.kept_anchor, placed.scale, placed.repeat)
            shift = placed.frame_start - plan.kept_anchor
            nudged += (
                [f"{who}'s {layer} {shift:+g} frames"] if abs(shift) > SAME_FRAME and layer != REST else []
            )
        strip.scale, strip.repeat = want.scale, want.repeat
        strip.frame_start_ui = want.frame_start
        got = (float(strip.frame_start), float(strip.scale), float(strip.repeat))
        if any(
            abs(a - b) > SAME_FRAME
            for a, b in zip(got, (want.frame_start, want.scale, want.repeat), strict=True)
        ):
            missed.append(f"{who}'s {layer} strip ({_placed_words(want)})")
    if nudged:
        notes.append(
            f"take {plan.take!r} plays its strips as you left them in the NLA editor: {', '.join(nudged)}"
        )
    if unknown:
        notes.append(
            f"take {plan.take!r} of {' and '.join(unknown)} was kept before DualTalk recorded where its strips "
            "played: it plays as keyed (every layer together, scale and repeat 1) where the take before it "
            "played; nudge, scale or repeat its strips in the NLA editor again if you had"
        )
    if missed:
        notes.append(
            f"Blender did not put back {', '.join(missed)} as take {plan.take!r} had them; set "
            f"{'it' if len(missed) == 1 else 'them'} in the NLA editor"
        )
    return notes


def _placed_words(placed: Placed) -> str:
    """``frame 999, scale 2``: a placement in the NLA editor's words."""
    words = [f"frame {placed.frame_start:g}"]
    words += [f"scale {placed.scale:g}"] * _off(placed.scale) + [f"repeat {placed.repeat:g}"] * _off(
        placed.repeat
    )
    return ", ".join(words)


def out_of_time(objects: Iterable[Any]) -> str | None:
    """One line where a character's DualTalk strips are scaled or repeated in the NLA editor, which
    plays the face out of time with its sound, as the scene's Time Stretching does (review rv43a F4);
    None where none is."""
    from .layers import REST, character_idblocks, our_strips

    found: dict[tuple[float, float], list[str]] = {}
    for obj in dict.fromkeys(objects):
        for idblock in character_idblocks(obj):
            for layer, strip in our_strips(idblock).items():
                scale, repeat = float(strip.scale), float(strip.repeat)
                if layer == REST or not (_off(scale) or _off(repeat)):
                    continue
                names = found.setdefault((round(scale, 4), round(repeat, 4)), [])
                names += [obj.name] if obj.name not in names else []
    if not found:
        return None
    groups = [
        (" and ".join(f"{n}'s" for n in names), _how(scale, repeat))
        for (scale, repeat), names in found.items()
    ]
    whose = f"{groups[0][0]} DualTalk strips are {groups[0][1]}" + "".join(
        f" and {w} {h}" for w, h in groups[1:]
    )
    if len(found) == 1:
        ((scale, repeat),) = found
        speed = speed_words(1.0 / scale)
        plays = [f"at {speed}"] * _off(scale) + [f"{repeat:g} times over"] * _off(repeat)
        effect = f"plays the face {' and '.join(plays)} against its sound"
    else:
        effect = "plays the faces out of time with their sound"
    return f"{whose} in the NLA editor, which {effect}; set Scale and Repeat back to 1 for lip sync"


def _off(value: float) -> bool:
    """A strip's scale or repeat that is not 1."""
    return abs(value - 1.0) > 1e-6


def _how(scale: float, repeat: float) -> str:
    """``scaled 2 and repeated 2``: a strip's scale and repeat in the NLA editor's words."""
    return " and ".join([f"scaled {scale:g}"] * _off(scale) + [f"repeated {repeat:g}"] * _off(repeat))
