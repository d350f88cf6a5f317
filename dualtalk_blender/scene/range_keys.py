"""A re-generated range written into the take's layers, touching only the range's own keys.

:func:`replace_range` blends the new frames into our existing layer curves over a cross-fade and
refuses before writing anything; :func:`kept` and :func:`kept_on_failure` record exactly the keys
a range rewrites and put them back. Blender reads and writes a curve's keys in bulk only whole, so
on a long take a range works key by key in a window around its frames (see :data:`MARGIN`): apart
from :mod:`.layers`, which writes and reads whole takes, because here the cost must follow the
range, not the take.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from . import compat
from .keying import (
    CHUNK,
    DIGEST_PROP,
    KEY_ENUMS,
    KEY_FLOATS,
    KEY_VECTORS,
    LANE,
    LANE_MASK,
    LANES,
    LINEAR,
    MASK,
    SUB,
    CurveDigest,
    CurveSpec,
    DigestReads,
    Keys,
    TargetCurves,
    block_sums,
    curve_id,
    moved_digest,
    read_all,
    read_digests,
    read_points,
    write_all,
    write_digests,
)
from .layers import (
    KEYS_MODES,
    channel_name,
    character_idblocks,
    fit_rest,
    keys_to_write,
    label,
    layer_fcurves,
    our_strips,
    rename_warning,
    renamed_channels,
    take_actions,
)
from .steps import Steps, run_steps


def crossfade_weights(frames: np.ndarray, first: int, last: int, fade: int) -> np.ndarray:
    """1 inside [first, last], ramping linearly to 0 over ``fade`` frames on each side."""
    f = np.asarray(frames, dtype=np.float64)
    w = np.ones_like(f)
    if fade > 0:
        w = np.minimum(w, np.clip((f - (first - fade)) / fade, 0.0, 1.0))
        w = np.minimum(w, np.clip(((last + fade) - f) / fade, 0.0, 1.0))
    else:
        w = ((f >= first) & (f <= last)).astype(np.float64)
    return w


def _like_the_take(curves: list[CurveSpec], new: list[np.ndarray], old: list[np.ndarray]) -> list[np.ndarray]:
    """A range's rotation values written the way the take's curves already hold the same turn.

    Quaternions are kept continuous from a motion's first frame and Euler angles unwrapped from it,
    so a range starting mid-take can hold the take's rotation as -q, or 2*pi away (an object turned
    180 degrees nods across +-pi). Blending those on the cross-fade spins the head round; the range
    is put on the take's hemisphere and turn instead (the same rotations).
    """
    out = [np.asarray(v, dtype=np.float64) for v in new]
    quats: dict[str, list[int]] = {}
    for i, c in enumerate(curves):
        if c.data_path.endswith("rotation_quaternion"):
            quats.setdefault(c.data_path, []).append(i)
        elif c.data_path.endswith("rotation_euler") and len(out[i]):
            out[i] = out[i] + 2 * np.pi * np.round(np.mean(old[i] - out[i]) / (2 * np.pi))
    for idx in quats.values():
        if sum(float(np.dot(out[i], old[i])) for i in idx) < 0:
            for i in idx:
                out[i] = -out[i]
    return out


def key_values(fc: Any, frames: np.ndarray) -> np.ndarray:
    """What ``fc``'s keys alone give on ``frames``: the animator's modifiers (Noise, Cycles...) are
    muted meanwhile, since they go on playing over whatever keys are written under them."""
    playing = [m for m in fc.modifiers if not m.mute]
    for m in playing:
        m.mute = True
    try:
        return np.array([fc.evaluate(float(f)) for f in frames], dtype=np.float64)
    finally:
        for m in playing:
            m.mute = False


def _pin_frames(old: Keys, lo: float, hi: float) -> np.ndarray:
    """Frames next to the span ``lo..hi`` where the old curve is pinned, so the segments that ran
    into it play outside it as before: the next frame when that segment is a straight line, every
    frame up to the nearest kept key when it is curved (an animator's Bezier keys, sparse keys)."""
    f = old.frames
    straight = old.props["interpolation"] == LINEAR
    pins: list[np.ndarray] = []
    before, after = np.flatnonzero(f < lo), np.flatnonzero(f > hi)
    if before.size:
        k = before[-1]
        pins.append(np.arange(lo - 1 if straight[k] else np.floor(f[k]) + 1, lo))
    if after.size:
        k = after[0]
        into = k == 0 or straight[k - 1]  # the key whose segment runs into the first kept one
        pins.append(np.arange(hi + 1, hi + 2 if into else np.ceil(f[k])))
    frames = np.concatenate([np.empty(0), *pins])
    return frames[~np.isin(frames, f)]


def _range_parts(
    target: TargetCurves, reads: DigestReads | None = None
) -> list[tuple[Any, list[CurveSpec], list[Any]]]:
    """(strip, curves, the take's fcurves they rewrite) for each layer of ``target``; a take that
    lacks a layer or a curve is refused here, so a refused range leaves every layer as it was."""
    strips = our_strips(target.idblock)
    by_layer: dict[str, list[CurveSpec]] = {}
    for c in target.curves:
        by_layer.setdefault(c.layer, []).append(c)
    where = label(target.idblock, target.slot_name)
    out = []
    for layer, curves in by_layer.items():
        strip = strips.get(layer)
        if strip is None or strip.action is None:
            raise DualTalkError(
                f"there is no DualTalk {layer} layer on {where} to re-generate a range in; "
                "animate the whole take first"
            )
        held = {
            (fc.data_path, fc.array_index): fc for fc in compat.iter_fcurves(strip.action, strip.action_slot)
        }
        fcs = [held.get((c.data_path, c.index)) for c in curves]
        missing = next((c for c, fc in zip(curves, fcs, strict=True) if fc is None), None)
        renamed = (
            next((r for r in renamed_channels(target.idblock, reads) if r.layer == layer), None)
            if missing
            else None
        )
        if missing is not None and renamed is not None:
            old, now = renamed.names
            raise DualTalkError(
                f"the take on {where} keys {now} (renamed from {old} since the take), and the map now finds "
                f"{channel_name(missing.data_path)} instead; rename {now} back to {old}, or animate the whole "
                "take again before re-generating a range"
            )
        if missing is not None:
            raise DualTalkError(
                f"the existing take on {where} has no curve {missing.data_path}[{missing.index}] in the "
                f"{layer} layer; animate the whole take again (same rig and map) before re-generating a range"
            )
        out.append((strip, curves, fcs))
    return out


ROWS_PER_STEP = 24_000  # keys a range rewrites between two of :func:`replace_range_steps`' yields


def replace_range(
    targets: list[TargetCurves],
    frames: np.ndarray,
    first: int,
    last: int,
    *,
    fade: int = 4,
    keys: str = "every-frame",
    reads: DigestReads | None = None,
) -> tuple[int, int]:
    """Write frames ``first..last`` of a re-generated stretch into our existing layers.

    ``frames``/curve values cover at least ``first - fade .. last + fade``. Outside that span
    nothing changes; over the ``fade`` frames at each end the old curve blends into the new one.
    Returns (first, last) of the frames whose keys were rewritten. ``reads``: the records the range
    has decoded already (:class:`.keying.DigestReads`). :func:`replace_range_steps` writes the same
    in steps.
    """
    return run_steps(replace_range_steps(targets, frames, first, last, fade=fade, keys=keys, reads=reads))


def replace_range_steps(
    targets: list[TargetCurves],
    frames: np.ndarray,
    first: int,
    last: int,
    *,
    fade: int = 4,
    keys: str = "every-frame",
    reads: DigestReads | None = None,
    progress: Any = None,
) -> Steps[tuple[int, int]]:
    """:func:`replace_range` in steps: it yields once the curves written since the last yield hold
    :data:`ROWS_PER_STEP` of the range's frames (a 2-minute range of a character: ~8 steps), so the
    work between two yields follows the range's length, whatever the take's. A layer's record of the
    keys DualTalk wrote is written with its last curve; closed between two steps, the curves and
    records stand half-written: :func:`kept_on_failure` around the steps puts them back.
    ``progress`` (``update(stage, fraction, message)``) hears how far the curves are."""
    reads = reads if reads is not None else DigestReads()
    if keys not in KEYS_MODES:
        raise DualTalkError(f"keys must be every-frame or reduced, got {keys!r}")
    frames = np.asarray(frames, dtype=np.float64)
    lo, hi = max(first - fade, frames[0]), min(last + fade, frames[-1])
    if not (frames[0] <= first <= last <= frames[-1]):
        raise DualTalkError(f"internal: re-generated frames {frames[0]:g}-{frames[-1]:g} miss {first}-{last}")
    span = (frames >= lo) & (frames <= hi)
    region = frames[span]
    weight = crossfade_weights(region, first, last, fade)
    plans = [part for target in targets for part in _range_parts(target, reads)]  # refused before any write
    total = sum(len(fcs) for _strip, _curves, fcs in plans)
    done = rows = 0
    with _Scratch() as scratch:
        for strip, curves, fcs in plans:
            olds = [key_values(fc, region) for fc in fcs]
            news = _like_the_take(curves, [c.values[span] for c in curves], olds)
            blended = [
                CurveSpec(
                    c.data_path, c.index, old + weight * (new - old), layer=c.layer, rest=c.rest, tol=c.tol
                )
                for c, old, new in zip(curves, olds, news, strict=True)
            ]
            recorded = read_digests(strip.action, reads)  # what DualTalk keyed: the range's keys are its own
            if recorded is not None:
                _follow_renames(recorded, strip, curves, reads)
            for fc, (kf, kv) in zip(fcs, keys_to_write(blended, region, keys), strict=True):
                if _windowed(fc):
                    change = _rewrite_window(fc, lo, hi, kf, kv, scratch)
                else:
                    change = _rewrite_whole(fc, lo, hi, kf, kv)
                key = curve_id(strip.action_slot, fc)
                if recorded is not None and key in recorded:
                    old, new, after, before, seen = change
                    near = _kept_near(fc, after, before, *seen) if recorded[key].tags is not None else seen[0]
                    recorded[key] = moved_digest(recorded[key], old, new, after, before, near)
                done, rows = done + 1, rows + len(region)
                if rows >= ROWS_PER_STEP and done < total:
                    rows = 0
                    if progress is not None:
                        progress.update("keying", done / total, f"curve {done}/{total}")
                    yield
            if recorded is not None:
                write_digests(strip.action, recorded)
            a_start, a_end = strip.action.frame_start, strip.action.frame_end
            strip.action.frame_start = min(a_start, lo)
            strip.action.frame_end = max(a_end, hi)
    for target in targets:  # a range over the take's ends moves the pose the rest holds outside it
        fit_rest(target.idblock, set())
    return int(lo), int(hi)


def _follow_renames(
    recorded: dict[str, Any], strip: Any, curves: list[CurveSpec], reads: DigestReads | None = None
) -> None:
    """The record's entry of a channel renamed since the take moves to the name the range keys it by
    (a spelling the preset knows, ``jaw_open``), so the next Generate does not read it as a hand edit."""
    keyed = {(c.data_path, c.index) for c in curves}
    slot = strip.action_slot
    for r in renamed_channels(strip.id_data, reads):  # the datablock the strip animates
        old, new = f"{curve_id(slot)}{r.old}[{r.index}]", f"{curve_id(slot)}{r.new}[{r.index}]"
        if (r.new, r.index) in keyed and old in recorded and new not in recorded:
            recorded[new] = recorded.pop(old)


def range_rename_warnings(
    targets: list[TargetCurves], character: str, reads: DigestReads | None = None
) -> list[str]:
    """One line per channel the take keyed whose shape key or bone was renamed since, and which a range
    over ``targets`` therefore leaves as it was (the map no longer finds it): said, not skipped silently."""
    out: list[str] = []
    for target in targets:
        keyed = {(c.data_path, c.index) for c in target.curves}
        for r in renamed_channels(target.idblock, reads):
            line = rename_warning(character, r, ranged=True)
            if (r.new, r.index) not in keyed and line not in out:
                out.append(line)
    return out


def range_hand_edits(
    targets: list[TargetCurves],
    frames: np.ndarray,
    first: int,
    last: int,
    *,
    fade: int = 4,
    reads: DigestReads | None = None,
) -> dict[str, tuple[list[str], tuple[int, int]]]:
    """Layer -> (channels, their first and last frame) of keys edited by hand inside our layers that a
    range over ``first..last`` (``fade`` frames of cross-fade each side, within ``frames``) replaces: the
    take's record of what DualTalk keyed (:data:`.keying.DIGEST_PROP`, per SUB frames) no longer matches
    the keys there. Nothing inside :func:`kept` (a write put back after), nor where nothing is recorded."""
    if any(journal.always for journal in _JOURNALS):
        return {}
    frames = np.asarray(frames, dtype=np.float64)
    lo, hi = max(first - fade, frames[0]), min(last + fade, frames[-1])
    out: dict[str, tuple[list[str], tuple[int, int]]] = {}
    for target in targets:
        for strip, curves, fcs in _range_parts(target, reads):
            recorded = read_digests(strip.action, reads)
            for fc in fcs if recorded else []:
                digest = recorded.get(curve_id(strip.action_slot, fc)) if recorded else None
                span = _edited_span(fc, digest, lo, hi) if digest is not None else None
                if span is None:
                    continue
                channels, (a, b) = out.get(curves[0].layer, ([], span))
                name = channel_name(fc.data_path)
                out[curves[0].layer] = (
                    channels + [name] * (name not in channels),
                    (min(a, span[0]), max(b, span[1])),
                )
    return out


def range_unrecorded(targets: list[TargetCurves], reads: DigestReads | None = None) -> list[str]:
    """The layers a range rewrites on ``targets`` whose actions hold no record of the keys DualTalk
    wrote (a take keyed before e959dfa): keys edited by hand there cannot be told from DualTalk's."""
    if any(journal.always for journal in _JOURNALS):
        return []
    out: list[str] = []
    for target in targets:
        for strip, curves, _fcs in _range_parts(target, reads):
            if curves[0].layer not in out and read_digests(strip.action, reads) is None:
                out.append(curves[0].layer)
    return out


def _edited_span(fc: Any, digest: CurveDigest, lo: float, hi: float) -> tuple[int, int] | None:
    """The frames within ``lo..hi`` of the recorded blocks (SUB frames, or CHUNK for a record made
    before tags) whose keys on ``fc`` are not those ``digest`` recorded, or None."""
    size = SUB if digest.tags is not None else CHUNK
    b_lo, b_hi = int(lo // size), int(hi // size)
    kp = fc.keyframe_points
    n = len(kp)
    i0, i1 = _find(kp, n, b_lo * size, after=False), _find(kp, n, (b_hi + 1) * size, after=False)
    co = np.array([tuple(kp[i].co) for i in range(i0, i1)], dtype=np.float32).reshape(-1, 2)
    subs = block_sums(co)[0]
    bad = []
    for block in range(b_lo, b_hi + 1):
        if digest.tags is not None:
            chunk, lane = divmod(block, LANES)
            want = (digest.tags.get(chunk, 0) >> (LANE * lane)) & LANE_MASK
            have = subs.get(block, 0) & LANE_MASK
        else:
            want = digest.sums.get(block, 0)
            have = sum(subs.get(s, 0) for s in range(block * LANES, (block + 1) * LANES)) & MASK
        if want != have:
            bad.append(block)
    if not bad:
        return None
    return int(max(lo, bad[0] * size)), int(min(hi, (bad[-1] + 1) * size - 1))


# A range rewrites only its own keys. Blender reads and writes a curve's keys in bulk only whole
# (``foreach_get``/``foreach_set``), which on a long take costs every key of every curve, many times
# over; so a range reads the keys it replaces and MARGIN keys on each side one by one, works out the
# new keys among those on a small scratch curve, and writes them in place: the work follows the
# range, not the take. The handles Blender gives a new key depend on its neighbours (auto handles),
# or under continuous-acceleration smoothing (Blender's default) on a run of keys whose pull falls
# off by a factor of about 3.7 a key: MARGIN keys on each side give them to well under float32's
# precision.
MARGIN = 24
BULK_AFTER = 24  # more keys than that added to a curve: one bulk rewrite beats inserting them one by one
NEAR = 0.01  # Blender's own threshold: a key inserted this close to another replaces it


@functools.cache
def _enum_values() -> dict[str, tuple[dict[str, int], dict[int, str]]]:
    """Per enum attribute of a key: (identifier -> value, value -> identifier), as ``foreach_get`` has them."""
    props: Any = bpy.types.Keyframe.bl_rna.properties
    out: dict[str, tuple[dict[str, int], dict[int, str]]] = {}
    for name in KEY_ENUMS:
        items = props[name].enum_items
        out[name] = ({i.identifier: i.value for i in items}, {i.value: i.identifier for i in items})
    return out


def _find(kp: Any, n: int, frame: float, *, after: bool) -> int:
    """Index of the first key at or after ``frame`` (``after``: strictly after), in O(log n) reads."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        f = kp[mid].co[0]
        if f < frame or (after and f == frame):
            lo = mid + 1
        else:
            hi = mid
    return lo


BULK_READ = 10  # a key read alone costs about what 12-14 cost read with the whole curve in bulk


def _read_rows(kp: Any, start: int, stop: int) -> Keys:
    """Keys ``start..stop-1`` of a curve, every attribute as :func:`keying.read_all` has it: key by
    key, or, for a window of more than 1/:data:`BULK_READ` of the curve (a long range of a short
    take), the whole curve in bulk, cut (a 2-minute range of a 10-minute take: 3x faster)."""
    if (stop - start) * BULK_READ >= len(kp):
        whole = read_points(kp)
        return Keys({name: v[start:stop] for name, v in whole.props.items()})
    enums = _enum_values()
    keys = [kp[i] for i in range(start, stop)]
    props: dict[str, np.ndarray] = {}
    for name in KEY_VECTORS:
        props[name] = np.array([tuple(getattr(k, name)) for k in keys], dtype=np.float32).reshape(-1, 2)
    for name in KEY_ENUMS:
        ids = enums[name][0]
        props[name] = np.array([ids[getattr(k, name)] for k in keys], dtype=np.int32)
    for name in KEY_FLOATS:
        props[name] = np.array([getattr(k, name) for k in keys], dtype=np.float32)
    return Keys(props)


def _write_rows(kp: Any, start: int, rows: Keys, old: Keys | None) -> None:
    """Set keys ``start..`` to ``rows`` exactly; where ``old`` holds those keys as they are, only what
    differs is set. Enums first: a handle type set after its handle would not move it back."""
    enums = _enum_values()
    n = len(rows)
    for name in (*KEY_ENUMS, *KEY_VECTORS, *KEY_FLOATS):
        new = rows.props[name]
        if old is None:
            which = np.arange(n)
        else:
            differs = new != old.props[name]
            which = np.flatnonzero(differs.any(axis=1) if differs.ndim > 1 else differs)
        for j in which:
            value: Any
            if name in KEY_ENUMS:
                value = enums[name][1][int(new[j])]
            elif name in KEY_VECTORS:
                value = (float(new[j, 0]), float(new[j, 1]))
            else:
                value = float(new[j])
            setattr(kp[start + int(j)], name, value)


def _merged_keys(parts: list[Keys]) -> Keys:
    """One :class:`Keys` of ``parts`` in frame order."""
    props = {name: np.concatenate([p.props[name] for p in parts]) for name in parts[0].props}
    order = np.argsort(props["co"][:, 0], kind="stable")
    return Keys({name: v[order] for name, v in props.items()})


def _splice(fc: Any, i0: int, i1: int, rows: Keys, old: Keys | None = None) -> None:
    """Replace keys ``i0..i1-1`` of ``fc`` by ``rows`` exactly (handles included), whose frames lie
    strictly between key ``i0 - 1`` and key ``i1``; nothing else of the curve changes. ``old``: keys
    ``i0..i1-1`` as read already."""
    kp = fc.keyframe_points
    n = len(kp)
    if old is None:
        old = _read_rows(kp, i0, i1)
    _note(fc, i0, i1, old)
    need = len(rows) - len(old)
    spare: list[float] = []
    if 0 < need <= BULK_AFTER:  # room made by inserting keys where none is near (an insert there replaces)
        taken = old.frames
        spare = [float(f) for f in rows.frames if not (np.abs(taken - f) < NEAR).any()][:need]
    if need > BULK_AFTER or len(spare) < need:
        had = read_all(fc)
        keep = np.ones(n, dtype=bool)
        keep[i0:i1] = False
        write_all(fc, _merged_keys([had.take(keep), rows]))  # every key kept as given, handles included
        return
    for _ in range(-need):
        kp.remove(kp[i0], fast=True)
    if need < 0:
        old = old.take(np.arange(len(old)) >= -need)  # the keys left at i0.. are the last ones read
    for f in spare:
        kp.insert(f, 0.0, options={"FAST"})
    _write_rows(kp, i0, rows, None if spare else old)


def _windowed(fc: Any) -> bool:
    """Whether a key's handles on ``fc`` depend on the keys near it alone: not so on a cyclic curve
    (its last keys are its first keys' neighbours)."""
    return not any(m.type == "CYCLES" for m in fc.modifiers)


class _Scratch:
    """A small curve outside the scene on which a range's new keys are keyed next to their neighbours."""

    def __init__(self) -> None:
        self.action: Any = None
        self.curve: Any = None
        self.held: list[tuple[int, int]] = []
        self.name = ""

    def _here(self) -> bool:
        """Whether the scratch action is still in the file, looked up by name and told by its ids."""
        found = bpy.data.actions.get(self.name)
        return found is not None and _ids([found]) == self.held

    def __enter__(self) -> _Scratch:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.action is not None and _alive(self.held):  # another file opened: it went with the old one
            bpy.data.actions.remove(self.action)

    def keyed(self, fc: Any, sides: Keys, frames: np.ndarray, values: np.ndarray) -> Keys:
        """The keys :func:`keying.write_all` gives ``frames``/``values`` between ``sides`` on ``fc``
        (the keys next to them on each side, fewer at an end of the curve), sides left out."""
        if self.curve is not None and not self._here():  # removed between two steps (orphans purged)
            self.action = self.curve = None
        if self.curve is None:
            self.action = bpy.data.actions.new(".DualTalk scratch")
            self.held = _ids([self.action])
            self.name = self.action.name
            slot = self.action.slots.new("OBJECT", "scratch")
            self.curve = compat.channelbag(self.action, slot).fcurves.new("location", index=0)
        self.curve.extrapolation = fc.extrapolation  # how a curve's end keys get their handles
        self.curve.auto_smoothing = fc.auto_smoothing  # and how a run of keys gets them
        write_all(self.curve, sides, frames, values)
        got = read_all(self.curve)
        new = np.ones(len(got), dtype=bool)
        taken = np.isin(got.frames, sides.frames)
        new[taken] = False
        return got.take(new)


# what a range did to a curve: the keys replaced, the keys written, the untouched keys' frames around
# them, and the untouched keys it read next to them: ``co`` in frame order, the index of the first,
# and the index after the last once written
Change = tuple[Keys, Keys, float, float, tuple[np.ndarray, int, int]]


def _rewrite_whole(fc: Any, lo: float, hi: float, kf: np.ndarray, kv: np.ndarray) -> Change:
    """The range's keys written by rewriting the whole curve (a cyclic curve: its handles hang together)."""
    _note_whole(fc)
    had = read_all(fc)
    pins = _pin_frames(had, lo, hi)
    pinned = key_values(fc, pins)
    outside = (had.frames < lo) | (had.frames > hi)
    kept_keys = had.take(outside)
    write_all(fc, kept_keys, np.concatenate([pins, kf]), np.concatenate([pinned, kv]))
    now = read_all(fc)
    before, after = kept_keys.frames[kept_keys.frames < lo], kept_keys.frames[kept_keys.frames > hi]
    return (
        had.take(~outside),
        now.take(~np.isin(now.frames, kept_keys.frames)),
        float(before.max()) if before.size else -INF,
        float(after.min()) if after.size else INF,
        (kept_keys.props["co"], 0, len(fc.keyframe_points)),
    )


def _rewrite_window(
    fc: Any, lo: float, hi: float, kf: np.ndarray, kv: np.ndarray, scratch: _Scratch
) -> Change:
    """What ``write_all(fc, keys outside lo..hi, pins + kf, pinned + kv)`` writes, reading and writing
    only the keys in ``lo..hi`` and its pins, and reading MARGIN keys on each side."""
    kp = fc.keyframe_points
    n = len(kp)
    i0, i1 = _find(kp, n, lo, after=False), _find(kp, n, hi, after=True)
    j0, j1 = max(i0 - MARGIN, 0), min(i1 + MARGIN, n)
    near = _read_rows(kp, j0, j1)  # the window and the keys around it
    pins = _pin_frames(near, lo, hi)
    pinned = key_values(fc, pins)
    window = np.zeros(len(near), dtype=bool)
    window[i0 - j0 : i1 - j0] = True
    sides = near.take(~window)
    rows = scratch.keyed(fc, sides, np.concatenate([pins, kf]), np.concatenate([pinned, kv]))
    old = near.take(window)
    _splice(fc, i0, i1, rows, old)
    after = float(near.frames[i0 - j0 - 1]) if i0 > j0 else -INF
    before = float(near.frames[i1 - j0]) if i1 < j1 else INF
    return old, rows, after, before, (sides.props["co"], j0, j1 + len(rows) - len(old))


def _kept_near(fc: Any, after: float, before: float, seen: np.ndarray, i0: int, i1: int) -> np.ndarray:
    """``co`` of the untouched keys in the CHUNK frames around ``after`` and ``before`` (a range
    rewrote the keys between): what :func:`keying.moved_digest` checks against the record.
    ``seen``: the untouched keys ``i0..i1-1``, read already; the rest are read key by key, outwards
    (at most a chunk's worth a side)."""
    kp = fc.keyframe_points
    start, end = (after // CHUNK) * CHUNK, (before // CHUNK + 1) * CHUNK
    more = []
    i = i0 - 1
    while after > -INF and i >= 0 and (co := tuple(kp[i].co))[0] >= start:
        more.append(co)
        i -= 1
    i = i1
    while before < INF and i < len(kp) and (co := tuple(kp[i].co))[0] < end:
        more.append(co)
        i += 1
    return (
        np.concatenate([seen.reshape(-1, 2), np.array(more, dtype=np.float32).reshape(-1, 2)])
        if more
        else seen
    )


# -- putting keys back: what a range rewrote, recorded as it goes (:func:`kept`) --

INF = float("inf")


@dataclass
class _Record:
    a: float  # frame of an untouched key before what was rewritten (-inf: from the curve's start)
    b: float  # ... after it (inf: to its end)
    keys: Keys  # the keys between, as they were


class _Journal:
    """The keys a block rewrites on some curves, recorded before their first change."""

    def __init__(self, curves: Iterable[Any], always: bool = False) -> None:
        self.tracked = {fc.as_pointer() for fc in curves}
        self.records: dict[int, tuple[Any, _Record]] = {}
        self.always = always  # put back on leaving: what is written meanwhile is temporary


_JOURNALS: list[_Journal] = []


def _note(fc: Any, i0: int, i1: int, old: Keys) -> None:
    """Keys ``i0..i1-1`` of ``fc`` (``old``) are about to change: each open journal keeps them."""
    kp = fc.keyframe_points
    n = len(kp)
    a = kp[i0 - 1].co[0] if i0 > 0 else -INF
    b = kp[i1].co[0] if i1 < n else INF
    for journal in _JOURNALS:
        key = fc.as_pointer()
        if key not in journal.tracked:
            continue
        held = journal.records.get(key)
        if held is None:
            journal.records[key] = (fc, _Record(a, b, old))
            continue
        rec = held[1]
        if rec.a <= a and b <= rec.b:
            continue  # within what it holds already
        parts = [rec.keys]
        if a < rec.a:  # untouched keys a < f <= rec.a join it (the key at rec.a included)
            parts.append(_read_rows(kp, i0, _find(kp, n, rec.a, after=True)))
        if b > rec.b:
            parts.append(_read_rows(kp, _find(kp, n, rec.b, after=False), i1))
        journal.records[key] = (fc, _Record(min(a, rec.a), max(b, rec.b), _merged_keys(parts)))


def _note_whole(fc: Any) -> None:
    """``fc`` is about to be rewritten whole: each open journal keeps all its keys."""
    key = fc.as_pointer()
    for journal in _JOURNALS:
        if key not in journal.tracked:
            continue
        held = journal.records.get(key)
        had = read_all(fc)
        if held is not None:  # what it rewrote already comes back as it was
            rec = held[1]
            had = _merged_keys([had.take((had.frames <= rec.a) | (had.frames >= rec.b)), rec.keys])
        journal.records[key] = (fc, _Record(-INF, INF, had))


def _put_back(journal: _Journal) -> None:
    live = _live_curves()
    for key, (fc, rec) in journal.records.items():
        if key in live:  # a curve deleted between two steps is not written to (Blender would crash)
            _put_back_one(fc, rec)


def _live_curves() -> set[int]:
    """The addresses of every curve of the file's actions now, found through the actions (a curve
    held since a step may have been deleted with its slot or action; its address is never read)."""
    return {fc.as_pointer() for action in bpy.data.actions for fc in compat.iter_fcurves(action, None)}


def _put_back_one(fc: Any, rec: _Record) -> None:
    if rec.a == -INF and rec.b == INF:
        write_all(fc, rec.keys)
        return
    kp = fc.keyframe_points
    n = len(kp)
    i0 = 0 if rec.a == -INF else _find(kp, n, rec.a, after=True)
    i1 = n if rec.b == INF else _find(kp, n, rec.b, after=False)
    _splice(fc, i0, i1, rec.keys)


def _ids(actions: Iterable[Any]) -> list[tuple[int, int]]:
    """What tells ``actions`` again: pointer and session id (never reused, unlike a freed pointer)."""
    return [(a.as_pointer(), a.session_uid) for a in actions]


def _alive(ids: list[tuple[int, int]]) -> bool:
    """Whether every action of ``ids`` is still in the file: steps closed after another file was
    opened (the add-on's range, one step per timer tick) must not write to what went with the old
    one (Blender would crash), so they are looked up, never dereferenced."""
    live = {(a.as_pointer(), a.session_uid) for a in bpy.data.actions}
    return all(i in live for i in ids)


def _ranges(objs: Iterable[Any]) -> list[tuple[Any, float, float]]:
    """Each layer action of the characters ``objs`` with its frame range."""
    return [
        (a, a.frame_start, a.frame_end)
        for obj in objs
        for idblock in character_idblocks(obj)
        for a in take_actions(idblock)
    ]


class _Keeping:
    """Record the keys a range rewrites on our layers of the characters ``objs`` (as it rewrites
    them, so only those are read) and put them back on leaving (``always``) or on failure; or in
    steps before leaving (:meth:`put_back_steps`)."""

    def __init__(self, objs: Iterable[Any], always: bool) -> None:
        objs = list(objs)
        self.journal = _Journal(
            (fc for obj in objs for idblock in character_idblocks(obj) for fc in layer_fcurves(idblock)),
            always,
        )
        self.ranges = _ranges(objs)
        self.digests = [(action, action.get(DIGEST_PROP)) for action, _start, _end in self.ranges]
        self.held = _ids(action for action, _start, _end in self.ranges)

    def __enter__(self) -> _Keeping:
        _JOURNALS.append(self.journal)
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        if self.journal in _JOURNALS:
            _JOURNALS.remove(self.journal)
        if self.journal.always or exc_type is not None:
            self._restore()

    def _restore(self) -> None:
        if not _alive(self.held):  # steps closed after another file was opened: its curves are gone
            self.journal.records.clear()
            return
        _put_back(self.journal)
        self.journal.records.clear()
        for action, start, end in self.ranges:
            action.frame_start, action.frame_end = start, end
        for action, digest in self.digests:  # the keys DualTalk keyed, as they are again
            if digest is not None:
                action[DIGEST_PROP] = digest
            elif DIGEST_PROP in action.keys():
                del action[DIGEST_PROP]

    def put_back_steps(self, progress: Any = None) -> Steps[None]:
        """Put the keys back now, yielding once the curves put back hold :data:`ROWS_PER_STEP` keys;
        what is left when the steps are closed comes back on leaving (``always``). ``progress``
        (``update(stage, fraction, message)``) hears how far."""
        if self.journal in _JOURNALS:
            _JOURNALS.remove(self.journal)
        rows, total = 0, len(self.journal.records)
        live = self._live()
        for done, key in enumerate(list(self.journal.records), 1):
            fc, rec = self.journal.records.pop(key)
            if key in live:  # a curve deleted between two steps is not written to (Blender would crash)
                _put_back_one(fc, rec)
            rows += len(rec.keys)
            if rows >= ROWS_PER_STEP and self.journal.records:
                rows = 0
                if progress is not None:
                    progress.update("keying", done / total, f"curve {done}/{total}")
                yield
                live = self._live()  # Blender ran meanwhile: a curve may have gone
        self._restore()

    def _live(self) -> set[int]:
        """The curves that may be written to now: none once an action of the take went."""
        return _live_curves() if _alive(self.held) else set()


@contextlib.contextmanager
def _journal(objs: Iterable[Any], always: bool) -> Iterator[None]:
    """:class:`_Keeping` as a block: a failure inside (a refusal, a closed step) puts the keys back."""
    with _Keeping(objs, always):
        yield


def keeping(objs: Iterable[Any]) -> _Keeping:
    """:func:`kept` whose keys can be put back in steps (:meth:`_Keeping.put_back_steps`) before
    the block ends: ``with keeping(objs) as held: ...; yield from held.put_back_steps()``."""
    return _Keeping(objs, always=True)


@contextlib.contextmanager
def kept(objs: Iterable[Any]) -> Iterator[None]:
    """Our layers' keys on the characters ``objs`` as they are now, put back on leaving.

    For a temporary write: a range re-generated with eye contact plays its motion un-turned over
    its context while the heads are read (see ``apply._range_with_gaze``), then the take returns.
    Every key a range (:func:`replace_range`) rewrites meanwhile comes back as it was, an animator's
    Bezier keys and handles included, and only those are read and written: the cost follows the
    range, not the take. (Keys written otherwise, e.g. a whole take, are not put back.)
    :func:`keeping` puts them back in steps.
    """
    with _journal(objs, always=True):
        yield


@contextlib.contextmanager
def kept_on_failure(objs: Iterable[Any]) -> Iterator[None]:
    """Like :func:`kept`, but the keys come back only when the block fails: a range refused on
    character B leaves A's take as it was too, not re-generated alone."""
    with _journal(objs, always=False):
        yield
