"""Bulk keyframe writing: one named action per character per take.

Curves are created with ``keyframe_points.add(n)`` and filled with ``foreach_set`` (never
``keyframe_insert`` per key), linear interpolation, so ten minutes of two characters key in
well under a second per character.

Ownership and non-destruction (the documented choice):

* Our actions carry a ``"dualtalk"`` custom property (JSON: take, character, engine...).
* Re-applying the same take removes only the previous action of that name that is ours.
* If a datablock (the shape-key block, the armature or object) already plays one of the
  user's actions, that action is pushed onto an NLA track named ``"<action> (kept by
  DualTalk)"`` so it keeps playing underneath: channels we do not key (body bones, other
  shape keys) still animate, channels we key are overridden by our action on top. Nothing
  of the user's is deleted; removing our track from the stack restores the old result.
* An earlier take of ours that is displaced gets a fake user so it is not lost on save.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from . import compat

OWNER_PROP = "dualtalk"
LINEAR = 1  # KeyframePoint.interpolation enum value of 'LINEAR'


@dataclass
class CurveSpec:
    data_path: str
    index: int
    values: np.ndarray  # (n,) one value per keyed frame
    group: str = ""


@dataclass
class TargetCurves:
    """All curves for one datablock (shape-key block, armature object or mesh object)."""

    idblock: Any
    slot_name: str
    curves: list[CurveSpec] = field(default_factory=list)


@dataclass
class KeyingResult:
    action: Any
    pushed: list[str]
    curves: int
    keys: int


def is_ours(action: Any) -> bool:
    return action is not None and OWNER_PROP in action.keys()


def action_meta(action: Any) -> dict[str, Any]:
    try:
        return json.loads(action[OWNER_PROP])
    except (KeyError, TypeError, ValueError):
        return {}


def _fill(fc: Any, frames: np.ndarray, values: np.ndarray) -> None:
    n = len(frames)
    kp = fc.keyframe_points
    kp.add(n)
    co = np.empty((n, 2), dtype=np.float32)
    co[:, 0] = frames
    co[:, 1] = values
    kp.foreach_set("co", co.ravel())
    kp.foreach_set("interpolation", np.full(n, LINEAR, dtype=np.int32))
    fc.update()


def _release(idblock: Any, action_name: str) -> list[str]:
    """Free ``idblock`` for a new take; return the names of user actions pushed to NLA."""
    ad = idblock.animation_data
    if ad is None or ad.action is None:
        return []
    current = ad.action
    if is_ours(current):
        ad.action = None
        if current.name != action_name and current.users == 0:
            current.use_fake_user = True  # an earlier take: keep it in the file
        return []
    pushed = compat.push_to_nla(idblock, f"{current.name} (kept by DualTalk)")
    return [pushed] if pushed else []


def key_take(
    action_name: str,
    targets: list[TargetCurves],
    frames: np.ndarray,
    *,
    meta: dict[str, Any] | None = None,
) -> KeyingResult:
    """Write ``targets`` into a fresh action ``action_name`` and assign it to each datablock."""
    if not compat.SLOTTED:  # the manifest requires Blender 5.0; say so rather than misbehave
        raise DualTalkError(
            f"Blender {bpy.app.version_string} has no slotted actions; DualTalk needs Blender 4.4+"
        )
    frames = np.asarray(frames, dtype=np.float32)
    pushed: list[str] = []
    for target in targets:
        pushed += _release(target.idblock, action_name)
    old = bpy.data.actions.get(action_name)
    if old is not None and is_ours(old):
        bpy.data.actions.remove(old)
    action = bpy.data.actions.new(action_name)
    action[OWNER_PROP] = json.dumps(meta or {}, sort_keys=True, default=str)
    n_curves = 0
    for target in targets:
        slot = compat.new_slot(action, target.idblock, target.slot_name)
        fcurves = compat.channelbag(action, slot).fcurves
        for spec in target.curves:
            fc = fcurves.new(spec.data_path, index=spec.index, group_name=spec.group)
            _fill(fc, frames, spec.values)
            n_curves += 1
        compat.assign(target.idblock, action, slot)
    return KeyingResult(action=action, pushed=pushed, curves=n_curves, keys=n_curves * len(frames))
