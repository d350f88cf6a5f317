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

from ..rig.keyreduce import WEIGHT_TOL

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
    try:
        return json.loads(action[OWNER_PROP])
    except (KeyError, TypeError, ValueError):
        return {}


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
    kp = fc.keyframe_points
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
