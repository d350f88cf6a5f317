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
