"""What a character was before its first take, recorded on it so Remove Take can put it back.

A take changes what it keys (shape-key values, bone rotations), its datablock's active-action blend
type, influence and extrapolation, and pushes the animator's action to a ``(kept by DualTalk)``
track; its scene's frame range may change too. :func:`.layers.write_take` (and ``apply``, for the
frame range) records what was there as JSON custom properties (:data:`BEFORE_PROP` on each
datablock, :data:`SCENE_RANGE_PROP` on the scene) and :mod:`.remove_take` reads them back: one
record, kept apart from the layers it describes so its format and its readers sit in one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...inference.core.errors import DualTalkError
from . import compat, records
from .keying import TargetCurves

BEFORE_PROP = "dualtalk_before"  # datablock custom property: what it was before its first take (JSON)
SCENE_RANGE_PROP = "dualtalk_range"  # scene custom property: the frame range a take replaced (JSON)
ACTIVE_SETTINGS = ("blend_type", "influence", "extrapolation")  # AnimData.action_<setting>


def before_record(idblock: Any) -> dict[str, Any]:
    """What ``idblock`` was before its first take (:data:`BEFORE_PROP`), or {} (none recorded: no take,
    or a take keyed before DualTalk kept this record).

    Keys: ``animation_data`` (whether it had any), ``blend_type``/``influence``/``extrapolation`` (its
    active action's settings), ``values`` ([data path, index, value] of each property a take keys, as
    it was before the first take that keyed it), ``kept`` (each action pushed below the take: its
    ``track``, ``action`` and ``slot`` names and the active-action settings it played with),
    ``replaced_take`` and ``replaced`` (the first take replaced an older DualTalk's single-action take
    of that name: the [data path, index] it keyed held that take's values, never recorded in ``values``).
    """
    try:
        return records.before_record(idblock[BEFORE_PROP])
    except (KeyError, records.DamagedRecord):
        return {}  # a take leaves a damaged one alone; Remove Take refuses it (checked_before_record)


def checked_before_record(idblock: Any, label: str) -> dict[str, Any]:
    """:func:`before_record` for Remove Take, which restores from it: a damaged record is refused in
    one line (``label``: how to name ``idblock``). Read as absent, the animator's values would be
    replaced by rest values and their pushed action left on its track."""
    try:
        return records.before_record(idblock[BEFORE_PROP])
    except KeyError:
        return {}
    except records.DamagedRecord as exc:
        then = (
            "Remove Take restores the values and the action you had before the take from it, so nothing "
            "was changed; to remove the take anyway (the properties it keyed then go back to their rest "
            f"values), delete that property (Python console: {_python_path(idblock)}.pop({BEFORE_PROP!r}))"
        )
        raise DualTalkError(
            records.damaged_line(records.blend_name(), label, BEFORE_PROP, str(exc), then)
        ) from None


def _python_path(idblock: Any) -> str:
    """How the Python console reaches ``idblock`` (bpy.data.<collection>[name])."""
    collection = {"KEY": "shape_keys", "ARMATURE": "armatures", "MESH": "meshes"}.get(
        compat.id_type_of(idblock), "objects"
    )
    return f"bpy.data.{collection}[{idblock.name!r}]"


def forget_before(idblock: Any) -> None:
    """Drop the record of what ``idblock`` was before its first take (its take is gone)."""
    if BEFORE_PROP in idblock.keys():
        del idblock[BEFORE_PROP]


def scene_range_record(scene: Any) -> dict[str, Any] | None:
    """The scene's frame range as the last take found it and as it left it (:data:`SCENE_RANGE_PROP`):
    ``before`` and ``set`` ([first, last]) with the take's ``take``, ``start_frame`` and ``fps``
    (what makes two characters' layers one take); None when no take changed the range (or one keyed
    before takes recorded it)."""
    try:
        return records.scene_range_record(scene[SCENE_RANGE_PROP])
    except (KeyError, records.DamagedRecord):
        return None


def scene_range_damage(scene: Any) -> str | None:
    """Why the scene's frame-range record is damaged (read as absent: the range stays as it is), or
    None when it is sound or absent."""
    try:
        records.scene_range_record(scene[SCENE_RANGE_PROP])
    except KeyError:
        return None
    except records.DamagedRecord as exc:
        return str(exc)
    return None


def note_scene_range(
    scene: Any, before: tuple[int, int], after: tuple[int, int], meta: Mapping[str, Any]
) -> None:
    """Record that the take of ``meta`` (its action record) left the scene's frame range at ``after``
    where it was ``before``, so Remove Take can put the range back while it is still the one the take
    set. A later take over a range an earlier one set keeps the earliest ``before``: the shot's own
    range; a range the animator changed since is theirs (a take that then leaves it alone drops the
    record)."""
    record = scene_range_record(scene)
    held = record is not None and tuple(record["set"]) == tuple(before)
    if tuple(after) == tuple(before) and not held:
        if record is not None:
            del scene[SCENE_RANGE_PROP]
        return
    first = record["before"] if held and record is not None else list(before)
    scene[SCENE_RANGE_PROP] = json.dumps(
        {
            "before": [int(f) for f in first],
            "set": [int(f) for f in after],
            "take": str(meta.get("take", "")),
            "start_frame": int(meta.get("start_frame", 0)),
            "fps": float(meta.get("fps", 0.0)),
        },
        sort_keys=True,
    )


def shot_range(scene: Any) -> tuple[int, int] | None:
    """The shot's own frame range (the one the first take found) while the scene's range is still the
    one a DualTalk take set, else None (no take set it, or the animator changed it since): a new take
    extends from it, so a shorter take (a lower frame rate) shrinks the range the earlier take grew."""
    record = scene_range_record(scene)
    if record is None or [int(scene.frame_start), int(scene.frame_end)] != list(record["set"]):
        return None
    first, last = (int(f) for f in record["before"])
    return first, last


def range_set_by_hand(scene: Any) -> bool:
    """Whether a take set the scene's frame range and the animator changed it since."""
    record = scene_range_record(scene)
    return record is not None and [int(scene.frame_start), int(scene.frame_end)] != list(record["set"])


def set_scene_range(scene: Any, first: int, last: int) -> None:
    """Set the scene's frame range (a start past the old end moves the end: both set again)."""
    scene.frame_start, scene.frame_end = first, last
    scene.frame_start = first


def forget_scene_range(scene: Any) -> None:
    if SCENE_RANGE_PROP in scene.keys():
        del scene[SCENE_RANGE_PROP]


def active_settings(ad: Any) -> dict[str, Any]:
    """The active action's blend type, influence and extrapolation ({} without animation data)."""
    if ad is None:
        return {}
    return {name: getattr(ad, f"action_{name}") for name in ACTIVE_SETTINGS}


def static_value(idblock: Any, data_path: str, index: int) -> float | None:
    """The value ``idblock`` holds now at ``data_path[index]``; None where the path does not resolve."""
    try:
        value = idblock.path_resolve(data_path)
        if not isinstance(value, int | float):
            value = value[index]
        return float(value)
    except (ValueError, TypeError, IndexError, AttributeError):
        return None


def _write_before(idblock: Any, record: Mapping[str, Any]) -> None:
    idblock[BEFORE_PROP] = json.dumps(record, sort_keys=True, default=str)


def note_kept(idblock: Any, track: str, action: str, slot: Any, settings: Mapping[str, Any]) -> None:
    """Record that the animator's ``action`` (its ``slot`` and active-action ``settings``) now plays
    on ``track``, below the take (``layers._release_active`` pushed it there)."""
    record = before_record(idblock)
    slot_name = getattr(slot, "identifier", None) if slot is not None else None
    record.setdefault("kept", []).append({"track": track, "action": action, "slot": slot_name, **settings})
    _write_before(idblock, record)


def record_before(target: TargetCurves, first_time: bool, legacy: Any | None) -> None:
    """Record what ``target``'s datablock is before this take changes it: on its first take, and for
    properties a later take keys for the first time. A take keyed before this record existed gets
    none (the values now are that take's, not the animator's). ``legacy``: on a first take, the
    take an older DualTalk keyed there as one action (:func:`.layers.legacy_take`), else None."""
    idblock = target.idblock
    record = before_record(idblock)
    if not record and not first_time:
        return
    old = legacy if first_time else None
    if old is not None:  # the values now are that older take's, not the animator's: never recorded
        record["replaced_take"] = old.name
        ad = idblock.animation_data
        record["replaced"] = [
            [fc.data_path, fc.array_index] for fc in compat.iter_fcurves(old, ad.action_slot)
        ]
    keyed = {(str(p), int(i)) for p, i in record.get("replaced", [])}
    if "animation_data" not in record:
        ad = idblock.animation_data
        record["animation_data"] = ad is not None
        record.update(active_settings(ad))
    values = record.setdefault("values", [])
    held = {(str(p), int(i)) for p, i, _v in values}
    for c in target.curves:
        if (c.data_path, c.index) in held or (c.data_path, c.index) in keyed:
            continue
        value = static_value(idblock, c.data_path, c.index)
        if value is not None:
            values.append([c.data_path, c.index, value])
            held.add((c.data_path, c.index))
    _write_before(idblock, record)
