"""Bulk keyframe writing and what a keyed curve is.

Curves are created with ``keyframe_points.add(n)`` and filled with ``foreach_set`` (never
``keyframe_insert`` per key), linear interpolation, so ten minutes of two characters key in
well under a second per character. Where the curves go (named NLA layers per character, and
what happens to the user's own animation) is :mod:`.layers`.

Our actions carry a ``"dualtalk"`` custom property (JSON: take, character, layer, engine...).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...inference.core.errors import DualTalkError
from ..rig.keyreduce import WEIGHT_TOL
from . import records

OWNER_PROP = "dualtalk"
LINEAR = 1  # KeyframePoint.interpolation enum value of 'LINEAR'


@dataclass
class CurveSpec:
    data_path: str
    index: int
    values: np.ndarray  # (n,) one value per keyed frame
    group: str = ""
    layer: str = "lips+jaw"  # which of our layers it belongs to (rig.layer_names.LAYERS)
    rest: float = 0.0  # the value under the layer (what influence 0 shows)
    tol: float = WEIGHT_TOL  # allowed error when keys are reduced


@dataclass
class TargetCurves:
    """All curves for one datablock (shape-key block, armature object or mesh object)."""

    idblock: Any
    slot_name: str
    curves: list[CurveSpec] = field(default_factory=list)


def is_ours(action: Any) -> bool:
    return action is not None and OWNER_PROP in action.keys()


def action_meta(action: Any) -> dict[str, Any]:
    """The take's record on our ``action`` (:func:`.records.action_record`); {} when it has none or
    the record is damaged (read as absent: a whole take rewrites it; a range, which needs it, refuses
    first with :func:`check_action_meta`)."""
    try:
        return records.action_record(action[OWNER_PROP])
    except (KeyError, records.DamagedRecord):
        return {}


def check_action_meta(action: Any, then: str, needs: Sequence[str] = ()) -> None:
    """Refuse in one line when ``action``'s take record is there but damaged, or lacks a field of
    ``needs`` (``then``: what to do)."""
    try:
        record = records.action_record(action[OWNER_PROP])
        missing = [key for key in needs if key not in record]
        if missing:
            raise records.DamagedRecord(f"it has no {missing[0]!r}")
    except KeyError:
        return
    except records.DamagedRecord as exc:
        owner = f"action {action.name!r}"
        raise DualTalkError(
            records.damaged_line(records.blend_name(), owner, OWNER_PROP, str(exc), then)
        ) from None


def fill(fc: Any, frames: np.ndarray, values: np.ndarray | Sequence[float]) -> None:
    """Replace ``fc``'s keys by linear keys at ``frames`` with ``values``, in bulk."""
    n = len(frames)
    kp = fc.keyframe_points
    if len(kp):
        kp.clear()
    kp.add(n)
    co = np.empty((n, 2), dtype=np.float32)
    co[:, 0] = frames
    co[:, 1] = values
    kp.foreach_set("co", co.ravel())
    kp.foreach_set("interpolation", np.full(n, LINEAR, dtype=np.int32))
    fc.update()


def read_keys(fc: Any) -> np.ndarray:
    """(n, 2) frame/value of every key of ``fc``."""
    n = len(fc.keyframe_points)
    co = np.empty(2 * n, dtype=np.float32)
    fc.keyframe_points.foreach_get("co", co)
    return co.reshape(n, 2).astype(np.float64)


KEY_VECTORS = ("co", "handle_left", "handle_right")
KEY_ENUMS = ("interpolation", "handle_left_type", "handle_right_type", "easing", "type")
KEY_FLOATS = ("back", "amplitude", "period")


@dataclass
class Keys:
    """Every key of a curve as it is: position, handles, interpolation, easing, type.

    A take's curves are ours, but the animator edits them in tweak mode (Bezier keys, dragged
    handles); what we rewrite around must come back exactly, not as frame/value pairs.
    """

    props: dict[str, np.ndarray]  # attribute -> (n,) or (n, 2)

    @property
    def frames(self) -> np.ndarray:
        return self.props["co"][:, 0]

    def __len__(self) -> int:
        return len(self.props["co"])

    def take(self, mask: np.ndarray) -> Keys:
        return Keys({k: v[mask] for k, v in self.props.items()})


def read_all(fc: Any) -> Keys:
    """Every key of ``fc`` with all its attributes (:class:`Keys`)."""
    return read_points(fc.keyframe_points)


def read_points(kp: Any) -> Keys:
    """:func:`read_all` of a curve's ``keyframe_points``."""
    n = len(kp)
    props: dict[str, np.ndarray] = {}
    for name in KEY_VECTORS:
        buf = np.empty(2 * n, dtype=np.float32)
        kp.foreach_get(name, buf)
        props[name] = buf.reshape(n, 2)
    for name in KEY_ENUMS:
        props[name] = np.empty(n, dtype=np.int32)
        kp.foreach_get(name, props[name])
    for name in KEY_FLOATS:
        props[name] = np.empty(n, dtype=np.float32)
        kp.foreach_get(name, props[name])
    return Keys(props)


def write_all(
    fc: Any, kept: Keys, frames: np.ndarray | None = None, values: np.ndarray | None = None
) -> None:
    """Replace ``fc``'s keys by ``kept`` (exactly as read, handles included) plus linear keys at
    ``frames`` with ``values``, none of them on a frame of ``kept``."""
    new = np.empty((0, 2)) if frames is None or values is None else np.stack([frames, values], axis=1)
    n_old, n = len(kept), len(kept) + len(new)
    order = np.argsort(np.concatenate([kept.frames, new[:, 0]]), kind="stable")
    kp = fc.keyframe_points
    if len(kp):
        kp.clear()
    kp.add(n)
    props = read_all(fc).props  # what Blender gives a new key (handle types, easing, type)
    props["co"][n_old:] = new
    props["interpolation"][n_old:] = LINEAR
    for name, arr in props.items():
        props[name] = np.concatenate([kept.props[name], arr[n_old:]])[order]
        kp.foreach_set(name, props[name].ravel())
    fc.update()  # sorts nothing (sorted above) and works out the new keys' handles
    was_kept = order < n_old
    now = read_all(fc).props
    for name in ("handle_left", "handle_right"):  # the kept keys' handles as they were
        now[name][was_kept] = props[name][was_kept]
        kp.foreach_set(name, now[name].ravel())


# -- what DualTalk keyed, so keys edited by hand since are noticed (review 26, finding 7) --

DIGEST_PROP = "dualtalk_keys"  # on a layer action: JSON {curve id: "count first-chunk cell,cell,..."}
CHUNK = 64  # frames per digest chunk: a range re-keys whole chunks (see :func:`moved_digest`)
MASK = 0xFFFFFFFF  # each chunk keeps a 32-bit sum: a missed edit is a 1-in-4-billion chance
SUB = 8  # frames per tag: a range that re-keys part of a chunk tells an edit it replaced from one it kept
LANE = 16  # bits per tag; a chunk's CHUNK // SUB tags packed in one word, the first in the low bits
LANES = CHUNK // SUB
LANE_MASK = (1 << LANE) - 1


@dataclass(eq=False)
class CurveDigest:
    """Which keys a curve held: how many, and per CHUNK frames an order-free sum of a hash of each
    key's frame and value, so a range can update the chunks it re-keys alone; per SUB frames the low
    LANE bits of that sum (``tags``, packed per chunk: None in a record made before them), so a range
    that re-keys part of a chunk can tell whether the keys it kept there are DualTalk's. Keys are
    stored as float32 and read back bit for bit, so the hash takes their bits as they are (no rounding
    to tune). Interpolation is left out: reading it costs more than the keys' positions, and an edit
    that changes it alone, moving no key, goes unsaid."""

    count: int
    sums: dict[int, int]
    tags: dict[int, int] | None = None

    def __eq__(self, other: object) -> bool:
        """The same keys; a record without tags is compared on its sums alone."""
        if not isinstance(other, CurveDigest):
            return NotImplemented
        tags_agree = self.tags is None or other.tags is None or self.tags == other.tags
        return self.count == other.count and self.sums == other.sums and tags_agree

    def encode(self) -> str:
        tags = self.tags or {}
        chunks = set(self.sums) | set(tags)
        if not chunks:
            return f"{self.count} 0 "
        lo, hi = min(chunks), max(chunks)
        cells = (_cell(self.sums.get(c, 0), tags.get(c, 0)) for c in range(lo, hi + 1))
        return f"{self.count} {lo} {','.join(cells)}"

    @staticmethod
    def decode(text: str) -> CurveDigest:
        count, lo, cells = text.split(" ", 2)
        sums: dict[int, int] = {}
        tags: dict[int, int] = {}
        for i, cell in enumerate(cells.split(",")):
            s, _, t = cell.partition(".")
            if s:
                sums[int(lo) + i] = int(s, 16)
            if t:
                tags[int(lo) + i] = int(t, 16)
        tagged = "." in cells or not cells  # a record made before tags has sums alone
        return CurveDigest(int(count), sums, tags if tagged else None)


def _cell(s: int, t: int) -> str:
    return (f"{s:x}" if s else "") + (f".{t:x}" if t else "")


def _sub_sums(co: np.ndarray, apart: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(SUB-frame block, the sum mod 2**64 of a 64-bit hash of each of its keys) for each block that
    holds keys, in order; ``co`` as Blender stores keys (float32 frame/value pairs). ``apart``: added
    to each key's block, so keys of several lists sum apart in one pass."""
    co = np.ascontiguousarray(co, dtype=np.float32).reshape(-1, 2)
    if not len(co):
        return np.empty(0, np.int64), np.empty(0, np.uint64)
    x = co.view(np.uint64).ravel() * np.uint64(0x9E3779B97F4A7C15)
    for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):  # splitmix64's mixer
        x ^= x >> np.uint64(shift)
        x *= np.uint64(mult)
    x ^= x >> np.uint64(31)
    sub = np.floor_divide(co[:, 0], SUB).astype(np.int64)
    if apart is not None:
        sub += apart
    if len(sub) > 1 and (sub[1:] < sub[:-1]).any():  # Blender keeps keys in frame order
        order = np.argsort(sub, kind="stable")
        sub, x = sub[order], x[order]
    starts = _runs(sub)
    return sub[starts], np.add.reduceat(x, starts)


def block_sums(*cos: np.ndarray) -> list[dict[int, int]]:
    """Per list of keys (``co``): SUB-frame block -> the sum mod 2**64 of its keys' hashes (a few
    keys: a range's, in one pass)."""
    parts = [np.asarray(co, dtype=np.float32).reshape(-1, 2) for co in cos]
    apart = np.repeat(np.arange(len(parts), dtype=np.int64) << 40, [len(p) for p in parts])
    sub, x = _sub_sums(np.concatenate(parts), apart)
    out: list[dict[int, int]] = [{} for _ in parts]
    for s, v in zip(sub.tolist(), x.tolist(), strict=True):
        which = (s + (1 << 39)) >> 40
        out[which][s - (which << 40)] = v
    return out


def _runs(a: np.ndarray) -> np.ndarray:
    """Where each run of equal values in ``a`` (non-empty) starts (np.r_ cost more than the rest)."""
    starts = np.flatnonzero(a[1:] != a[:-1])
    starts += 1
    return np.concatenate((np.zeros(1, starts.dtype), starts))


APART = 40  # bits of the SUB-frame block that keep several curves' keys apart in one pass


def chunk_sums(co: np.ndarray) -> tuple[dict[int, int], dict[int, int]]:
    """CHUNK -> the sum (mod 2**32) of the hashes of its keys, and CHUNK -> its tags; zeros left out."""
    return chunk_sums_each([co])[0]


def chunk_sums_each(cos: Sequence[np.ndarray]) -> list[tuple[dict[int, int], dict[int, int]]]:
    """:func:`chunk_sums` of each list of keys, in one numpy pass: a layer's curves are digested
    together, since for a curve of a few hundred keys the ~25 numpy calls cost far more than the
    hashing (56 curves of 500 keys: ~3.6 ms one by one)."""
    parts = [np.asarray(co, dtype=np.float32).reshape(-1, 2) for co in cos]
    out: list[tuple[dict[int, int], dict[int, int]]] = [({}, {}) for _ in parts]
    apart = np.repeat(np.arange(len(parts), dtype=np.int64) << APART, [len(p) for p in parts])
    sub, x = _sub_sums(np.concatenate(parts) if parts else np.empty((0, 2), np.float32), apart)
    if not len(sub):
        return out
    chunk = sub // LANES  # each curve's chunks APART - 3 bits apart
    starts = _runs(chunk)
    sums = np.add.reduceat(x, starts) & np.uint64(MASK)
    lane = sub % LANES
    half = chunk * 2 + (lane >= LANES // 2)  # a chunk's tags in two 64-bit words
    shifted = (x & np.uint64(LANE_MASK)) << (np.uint64(LANE) * (lane % (LANES // 2)).astype(np.uint64))
    h_starts = _runs(half)
    words = np.add.reduceat(shifted, h_starts).tolist()
    shift = APART - 3  # log2(LANES): where the curve's index sits in a chunk number
    for h, word in zip(half[h_starts].tolist(), words, strict=True):
        c, upper = divmod(h, 2)
        which = (c + (1 << (shift - 1))) >> shift
        if word:
            tags = out[which][1]
            local = c - (which << shift)
            tags[local] = tags.get(local, 0) | (word << (64 * upper))
    for c, total in zip(chunk[starts].tolist(), sums.tolist(), strict=True):
        if total:
            which = (c + (1 << (shift - 1))) >> shift
            out[which][0][c - (which << shift)] = total
    return out


def keys_digest(frames: np.ndarray, values: np.ndarray) -> CurveDigest:
    """The digest of the keys :func:`fill` writes for ``frames``/``values``."""
    return keys_digests([(frames, values)])[0]


def keys_digests(keys: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[CurveDigest]:
    """:func:`keys_digest` of each curve's ``(frames, values)``, in one pass (:func:`chunk_sums_each`)."""
    cos = []
    for frames, values in keys:
        co = np.empty((len(frames), 2), dtype=np.float32)
        co[:, 0], co[:, 1] = frames, values
        cos.append(co)
    return [CurveDigest(len(co), *got) for co, got in zip(cos, chunk_sums_each(cos), strict=True)]


def curve_digest(fc: Any) -> CurveDigest:
    """The digest of every key ``fc`` holds now (one bulk read)."""
    return curve_digests([fc])[0]


def curve_digests(fcs: Sequence[Any]) -> list[CurveDigest]:
    """:func:`curve_digest` of each curve: each read in bulk into one buffer, digested in one pass."""
    counts = [len(fc.keyframe_points) for fc in fcs]
    co = np.empty(2 * sum(counts), dtype=np.float32)
    at = 0
    for fc, n in zip(fcs, counts, strict=True):
        fc.keyframe_points.foreach_get("co", co[at : at + 2 * n])
        at += 2 * n
    parts = np.split(co.reshape(-1, 2), np.cumsum(counts)[:-1]) if fcs else []
    return [CurveDigest(n, *got) for n, got in zip(counts, chunk_sums_each(parts), strict=True)]


def moved_digest(
    was: CurveDigest, old: Keys, new: Keys, after: float, before: float, kept: np.ndarray
) -> CurveDigest:
    """``was`` once DualTalk replaced the keys ``old`` by ``new``, all of them strictly between the
    untouched keys at frames ``after`` and ``before``; ``kept``: the untouched keys (``co``) of the
    chunks it re-keyed in part.

    What the range re-keyed is DualTalk's own, so an edit it replaced is forgotten: a chunk that lies
    wholly between them now holds only ``new``, and so does each SUB frames of a chunk it re-keyed in
    part; such a chunk takes its keys' sum as they are when its kept SUB-frame blocks (and the one
    the range shares with them) held what the record says before the range, so only the range's
    frames differed. Otherwise its sum moves by what changed, so a hand edit among the kept keys (or
    in a block shared with them) still shows.
    """
    gone, came, near = block_sums(old.props["co"], new.props["co"], kept)
    sums, tags = dict(was.sums), None if was.tags is None else dict(was.tags)
    for c in {s // LANES for s in (*gone, *came)}:
        subs = range(c * LANES, (c + 1) * LANES)
        g, n, k = ([d.get(s, 0) for s in subs] for d in (gone, came, near))
        if after < c * CHUNK and (c + 1) * CHUNK <= before:
            sums[c] = sum(n) & MASK
            if tags is not None:
                tags[c] = _pack(n)
            continue
        delta = (sums.get(c, 0) + sum(n) - sum(g)) & MASK
        if tags is None:
            sums[c] = delta
            continue
        mine = [after < s * SUB and (s + 1) * SUB <= before for s in subs]
        rec = _lanes(tags.get(c, 0))
        clean = all(r == (kk + gg) & LANE_MASK for r, gg, kk, m in zip(rec, g, k, mine, strict=True) if not m)
        sums[c] = (sum(k) + sum(n)) & MASK if clean else delta
        tags[c] = _pack([nn if m else r + nn - gg for r, gg, nn, m in zip(rec, g, n, mine, strict=True)])
    return CurveDigest(
        was.count + len(new) - len(old),
        {c: s for c, s in sums.items() if s},
        None if tags is None else {c: t for c, t in tags.items() if t},
    )


def _lanes(word: int) -> list[int]:
    return [(word >> (LANE * i)) & LANE_MASK for i in range(LANES)]


def _pack(lanes: list[int]) -> int:
    return sum((v & LANE_MASK) << (LANE * i) for i, v in enumerate(lanes))


def curve_id(slot: Any, fc: Any = None) -> str:
    """A curve's name in a digest record: its slot and channel (without ``fc``: the slot's prefix)."""
    prefix = f"{slot.handle if slot is not None else ''}:"
    return prefix if fc is None else f"{prefix}{fc.data_path}[{fc.array_index}]"


def read_digests(action: Any, reads: DigestReads | None = None) -> dict[str, CurveDigest] | None:
    """The digests DualTalk recorded on a layer action, or None (a take made before they were, or a
    damaged record: :func:`check_digests` refuses those before a take writes anything). ``reads``:
    the records one take or range has decoded already (:class:`DigestReads`)."""
    try:
        return _digests(action, reads)
    except (KeyError, records.DamagedRecord):
        return None


class DigestReads:
    """The records of the keys DualTalk wrote, as one take or range reads them: each decoded at its
    first look and handed down to the later ones.

    A range looks at each layer's record 4-7 times (the check before writing, renamed channels, hand
    edits, the un-turned pass, the range itself), and decoding one of a 20-minute take costs ~10 ms
    per curve (review 31l F2: 1,536 decodes, 1.2 s of a 359-frame range). Made by the take or range
    and dropped with it, so nothing decoded outlives it (a 20-minute take's 8 records decode to
    ~12 MB). Known by the record's text, so a record the range rewrote or put back is decoded as it
    is now. It knows too which actions the take keyed itself (:meth:`fresh`), so the eye-contact
    pass does not read back every key of them for hand edits (0.8 CPU-s of a 10-minute take)."""

    def __init__(self) -> None:
        self._decoded: dict[str, dict[str, CurveDigest]] = {}
        self._written: set[int] = set()

    def wrote(self, action: Any) -> None:
        """``action`` was keyed whole by this take (:func:`.layers.write_take`)."""
        self._written.add(int(action.session_uid))

    def fresh(self, action: Any) -> bool:
        """Whether this take keyed ``action`` itself: nobody can have edited it since (the eye-contact
        pass keys the take a second time, a moment after the first)."""
        return int(action.session_uid) in self._written

    def digests(self, action: Any) -> dict[str, CurveDigest]:
        """As :func:`_digests` reads ``action``'s record (a new dict: callers change it)."""
        text = action[DIGEST_PROP]
        known = self._decoded.get(text) if isinstance(text, str) else None
        if known is None:
            known = _decoded(text)
            if isinstance(text, str):
                self._decoded[text] = known
        return dict(known)


def _digests(action: Any, reads: DigestReads | None = None) -> dict[str, CurveDigest]:
    """The record on ``action``, decoded (a new dict each call: callers change it before writing;
    the :class:`CurveDigest` entries are never changed in place, only replaced)."""
    return reads.digests(action) if reads is not None else _decoded(action[DIGEST_PROP])


def _decoded(text: Any) -> dict[str, CurveDigest]:
    raw = records.digest_record(text)
    try:
        return {k: CurveDigest.decode(v) for k, v in raw.items()}
    except (TypeError, ValueError) as exc:
        raise records.DamagedRecord(f"an entry is not a digest of keys ({exc})") from None


def check_digests(action: Any, reads: DigestReads | None = None) -> None:
    """Refuse in one line when ``action``'s record of the keys DualTalk wrote is damaged: keys edited
    by hand in that layer could not be told from DualTalk's, and a take would replace them unsaid."""
    try:
        _digests(action, reads)
    except KeyError:
        return
    except records.DamagedRecord as exc:
        then = (
            "keys edited by hand in that layer cannot be told from DualTalk's, so nothing was changed: move "
            f"your fixes to a track of your own, then delete that property (Python console: "
            f"bpy.data.actions[{action.name!r}].pop({DIGEST_PROP!r})) and try again"
        )
        owner = f"action {action.name!r}"
        raise DualTalkError(
            records.damaged_line(records.blend_name(), owner, DIGEST_PROP, str(exc), then)
        ) from None


def write_digests(action: Any, digests: dict[str, CurveDigest]) -> None:
    action[DIGEST_PROP] = json.dumps({k: d.encode() for k, d in digests.items()}, separators=(",", ":"))
