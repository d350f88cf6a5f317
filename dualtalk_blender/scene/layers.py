"""A take as named NLA layers an animator can dial, key and fix on top of.

Why NLA tracks and not Blender 5 action layers: in Blender 5.0 an action may hold only one
layer with one strip (``action.layers.new`` refuses a second: "An Action may not have more
than one layer"), and an action layer has no influence. NLA strips do: each has a keyable
``influence`` and a blend mode, tracks can be muted, soloed and reordered in the NLA editor,
and the exporter bakes the evaluated stack. So each character gets, on each datablock we
animate (its shape-key block, its armature or object), a stack of tracks, bottom to top::

    (the user's own tracks, e.g. "<action> (kept by DualTalk)")
    DualTalk rest          one key per channel at its rest value, influence 1
    DualTalk lips+jaw      \
    DualTalk head           | one action per layer (slots for the shape keys and the armature),
    DualTalk eyes           | REPLACE blend, keyed influence (1 unless asked otherwise)
    DualTalk brows+cheeks  /
    (tracks the user adds later, e.g. "Fixes"; the active action, the user's tweak layer)

The first time a datablock gets our layers its active-action blend is set to Combine, so a key
an animator sets in the viewport on top of the take is stored as an offset from it (Blender
remaps the inserted value) instead of freezing that channel for the whole shot.

The rest track makes influence mean what it says: NLA blends a REPLACE strip with the value
below it, and with nothing below that is whatever value the property last held, so influence
0 on "head" would freeze the head wherever it was. Over the rest track it puts the head at rest.

Re-generation rewrites the curves of our layer actions in place (or swaps in the new take's
actions) and never touches other tracks, the active action, or our strips' influence keys
unless an influence is given. A range re-generation rewrites only the frames of the range
plus cross-fade frames (:func:`replace_range`), and refuses before writing anything. An action is
deleted only once nothing plays it (a renamed character keeps its take), and a track of ours the
animator deleted (the locked rest track too) comes back in its place on the next take.

What a datablock was before its first take is recorded on it (:data:`BEFORE_PROP`): the value of
every property a take keys, the active action's blend type, influence and extrapolation, and the
animator's action pushed to its ``(kept by DualTalk)`` track, so *Remove Take*
(:mod:`.remove_take`) can put the character back as it was.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.numeric import shown
from ...inference.core.timebase import FPS, SAMPLE_RATE
from ..rig import keyreduce
from ..rig.layer_names import LAYERS, layer_name
from . import compat
from .characters import find_mesh_and_armature
from .keying import (
    KEY_ENUMS,
    KEY_FLOATS,
    KEY_VECTORS,
    LINEAR,
    OWNER_PROP,
    CurveSpec,
    Keys,
    TargetCurves,
    action_meta,
    fill,
    is_ours,
    read_all,
    write_all,
)

REST = "rest"
TRACK_PREFIX = "DualTalk "
KEYS_MODES = ("every-frame", "reduced")
RANGE_CONTEXT_S = 2.0  # audio the engine hears on each side of a re-generated range
FLOAT32_MARGIN = 0.999  # keys are stored as float32: aim a hair inside the bound
NAME_BYTES = 255  # Blender 5's longest datablock name, in UTF-8 bytes
SAME_LAYER = ("take", "character", "layer")  # what makes an existing action the one a run replaces
BEFORE_PROP = "dualtalk_before"  # datablock custom property: what it was before its first take (JSON)
SCENE_RANGE_PROP = "dualtalk_range"  # scene custom property: the frame range a take replaced (JSON)
ACTIVE_SETTINGS = ("blend_type", "influence", "extrapolation")  # AnimData.action_<setting>


def track_name(layer: str) -> str:
    return f"{TRACK_PREFIX}{layer}"


@dataclass
class LayersResult:
    actions: dict[str, Any]
    pushed: list[str]
    curves: int
    keys: int
    keys_every_frame: int
    max_weight_error: float
    max_rotation_error_deg: float


def our_strips(idblock: Any) -> dict[str, Any]:
    """Layer (or ``rest``) -> our NLA strip on ``idblock``."""
    ad = getattr(idblock, "animation_data", None)
    out: dict[str, Any] = {}
    if ad is None:
        return out
    for track in ad.nla_tracks:
        if not track.name.startswith(TRACK_PREFIX):
            continue
        layer = track.name[len(TRACK_PREFIX) :]
        if layer in (REST, *LAYERS) and len(track.strips) == 1:
            out[layer] = track.strips[0]
    return out


def _reduce(curves: list[CurveSpec], frames: np.ndarray, keys: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """(frames, values) to write for each curve: every frame, or reduced within each curve's tol."""
    if keys == "every-frame" or len(frames) < 3:
        return [(frames, c.values) for c in curves]
    values = np.stack([c.values for c in curves], axis=1)
    tol = np.array([c.tol * FLOAT32_MARGIN for c in curves])
    keep, keyed = keyreduce.reduce_keys(values, tol)
    return [(frames[keep[:, j]], keyed[keep[:, j], j]) for j in range(len(curves))]


def _rotation_error_deg(path_curves: dict[str, list[tuple[int, np.ndarray, np.ndarray]]]) -> float:
    """Largest angle (degrees) between the sampled and the written rotations, per rotation property."""
    worst = 0.0
    for path, comps in path_curves.items():
        comps = sorted(comps, key=lambda c: c[0])
        true = np.stack([c[1] for c in comps], axis=1)
        played = np.stack([c[2] for c in comps], axis=1)
        if path.endswith("rotation_quaternion") and true.shape[1] == 4:
            a = true / np.linalg.norm(true, axis=1, keepdims=True)
            b = played / np.linalg.norm(played, axis=1, keepdims=True)
            cos = np.clip(np.abs((a * b).sum(axis=1)), 0.0, 1.0)
            err = np.degrees(2.0 * np.arccos(cos))
        else:  # Euler / axis-angle / bone drives: the components' errors add up to a bound
            err = np.degrees(np.abs(true - played).sum(axis=1))
        worst = max(worst, float(err.max()) if len(err) else 0.0)
    return worst


def label(idblock: Any, character: str) -> str:
    """How a message names a datablock: a shape-key block by its character (Blender calls those
    'Key', 'Key.001': names an animator never sees or chooses), anything else by its own name."""
    if compat.id_type_of(idblock) == "KEY":
        return f"the shape keys of {character!r}"
    return repr(idblock.name)


def check_editable(idblocks: Iterable[Any], character: str = "") -> None:
    """Refuse datablocks whose NLA is in tweak mode (their strips' actions cannot be swapped)."""
    for idblock in idblocks:
        ad = getattr(idblock, "animation_data", None) if idblock is not None else None
        if ad is not None and ad.use_tweak_mode:
            raise DualTalkError(
                f"the NLA of {label(idblock, character)} is in tweak mode; leave it (Tab in the NLA editor) "
                "and animate again"
            )


def action_name(prefix: str, layer: str) -> str:
    """``"<prefix> <layer>"`` within Blender's name length: a long prefix (take and character
    names) is shortened on a character boundary, never the layer, so a take's layer actions
    never end up with one name."""
    suffix = f" {layer}"
    room = NAME_BYTES - len(suffix.encode())
    return prefix.encode()[:room].decode(errors="ignore") + suffix


def _new_action(name: str, meta: dict[str, Any], start: float, end: float) -> Any:
    """A new layer action; Blender adds a suffix while the name is taken (until :func:`_retire`)."""
    action = bpy.data.actions.new(name)
    action[OWNER_PROP] = json.dumps(meta, sort_keys=True, default=str)
    action.use_frame_range = True
    action.frame_start, action.frame_end = start, max(end, start + 1)
    return action


def _replaced(targets: list[TargetCurves], names: Mapping[str, str]) -> list[tuple[str, Any, bool]]:
    """(layer, action, played here) a run may replace, each action once: the one of the layer's action
    name, and those our strips for that layer play now on these datablocks (a name taken by another
    character's take gave them a suffix; a character renamed since plays actions of its old name)."""
    out: list[tuple[str, Any, bool]] = []
    for layer, name in names.items():
        strips = [our_strips(t.idblock).get(layer) for t in targets]
        played = [s.action for s in strips if s is not None and s.action is not None]
        for action in [bpy.data.actions.get(name), *played]:
            if action is not None and all(action != a for _, a, _here in out):
                out.append((layer, action, any(action == p for p in played)))
    return out


def _retire(old: Any, meta: Mapping[str, Any], played_here: bool = False) -> None:
    """An action our strips no longer play: this character's own layer of this take is deleted,
    but only once nothing plays it any more (a character renamed since keeps playing its take,
    whatever name the take's record holds); any other stays in the file.

    This character's own: the same take and layer, keyed on a character of this name or played until
    now by our strip on this character's datablock (``played_here``: the character renamed since the
    take, whose record holds the old name)."""
    if old.users - int(old.use_fake_user) > 0 or not is_ours(old):
        return
    record = action_meta(old)
    same = SAME_LAYER if not played_here else tuple(k for k in SAME_LAYER if k != "character")
    if all(record.get(k) == meta.get(k) for k in same):
        bpy.data.actions.remove(old)
    elif old.users == 0:
        old.use_fake_user = True  # an earlier take stays in the file


def _release_active(idblock: Any, through: float) -> list[str]:
    """First take on this datablock: the user's active action keeps playing on a track below ours
    (an idle loop at least ``through`` the take's last frame)."""
    ad = idblock.animation_data
    if ad is None or ad.action is None:
        return []
    current = ad.action
    if is_ours(current):  # a take keyed by an older DualTalk as one active action
        ad.action = None
        if current.users == 0:
            current.use_fake_user = True
        return []
    if our_strips(idblock):
        return []  # the user's tweak layer on top of our tracks: never touched
    settings = active_settings(ad)  # as the animator had them (the first take sets Combine after)
    slot = getattr(ad, "action_slot", None)
    tracks_before = list(ad.nla_tracks)
    pushed = compat.push_to_nla(idblock, f"{current.name} (kept by DualTalk)", through)
    if pushed:
        new = [t for t in ad.nla_tracks if all(t != old for old in tracks_before)]
        if new:
            _note_kept(idblock, new[0].name, current.name, slot, settings)
    return [pushed] if pushed else []


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
        record = json.loads(str(idblock[BEFORE_PROP]))
    except (KeyError, TypeError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


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
        record = json.loads(str(scene[SCENE_RANGE_PROP]))
        for name in ("before", "set"):
            first, last = (int(f) for f in record[name])
            record[name] = [first, last]
    except (KeyError, TypeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


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


def _note_kept(idblock: Any, track: str, action: str, slot: Any, settings: Mapping[str, Any]) -> None:
    record = before_record(idblock)
    slot_name = getattr(slot, "identifier", None) if slot is not None else None
    record.setdefault("kept", []).append({"track": track, "action": action, "slot": slot_name, **settings})
    _write_before(idblock, record)


def _record_before(target: TargetCurves, first_time: bool) -> None:
    """Record what ``target``'s datablock is before this take changes it: on its first take, and for
    properties a later take keys for the first time. A take keyed before this record existed gets
    none (the values now are that take's, not the animator's)."""
    idblock = target.idblock
    record = before_record(idblock)
    if not record and not first_time:
        return
    old = legacy_take(idblock) if first_time else None
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


def _place_strip(
    idblock: Any, layer: str, action: Any, slot: Any, start: float, end: float
) -> tuple[Any, bool]:
    """Our strip for ``layer`` on ``idblock`` playing ``action``; (strip, created)."""
    ad = idblock.animation_data or idblock.animation_data_create()
    strips = our_strips(idblock)
    strip = strips.get(layer)
    if strip is not None:
        strip.action = action
        strip.action_slot = slot
        if start > strip.action_frame_end:  # keep start <= end while moving the range
            strip.action_frame_end = max(end, start + 1)
            strip.action_frame_start = start
        else:
            strip.action_frame_start = start
            strip.action_frame_end = max(end, start + 1)
        strip.frame_start_ui = start
        strip.scale, strip.repeat = 1.0, 1.0
        return strip, False
    track = _new_track(ad, strips, layer)
    track.name = track_name(layer)
    strip = track.strips.new(track_name(layer), int(start), action)
    strip.action_slot = slot
    strip.blend_type = "REPLACE"
    strip.extrapolation = "HOLD"
    if layer == REST:
        track.lock = True
    return strip, True


def _new_track(ad: Any, strips: dict[str, Any], layer: str) -> Any:
    """An empty track where ``layer`` belongs: above our next lower layer, else just below our
    lowest one (a track the animator deleted comes back), else on top (a first take)."""
    order = [REST, *LAYERS]
    for name in reversed(order[: order.index(layer)]):
        if name in strips:
            return ad.nla_tracks.new(prev=_track_of(ad, strips[name]))
    if not strips:
        return ad.nla_tracks.new()
    lowest = strips[min(strips, key=order.index)]
    tracks = list(ad.nla_tracks)
    idx = tracks.index(_track_of(ad, lowest))
    return ad.nla_tracks.new(prev=tracks[idx - 1]) if idx > 0 else _lift(ad, lowest)


def _lift(ad: Any, strip: Any) -> Any:
    """Empty the bottom track for a layer that belongs below ``strip`` (ours, alone on it).

    Blender adds a track only above another one, so a deleted rest track could not come back
    under a bottom layer: that layer moves up one track instead, as the animator left it (mute,
    lock, blend, influence keys...), and the bottom track is returned empty.
    """
    bottom = _track_of(ad, strip)
    if strip.action is None:  # plays nothing: nothing to keep
        bottom.strips.remove(strip)
        return bottom
    above = ad.nla_tracks.new(prev=bottom)
    above.name = bottom.name
    above.mute, above.lock = bottom.mute, bottom.lock
    moved = above.strips.new(strip.name, int(strip.frame_start), strip.action)
    _copy_strip(strip, moved)
    name = strip.name
    bottom.strips.remove(strip)
    moved.name = name
    bottom.mute = bottom.lock = False
    return bottom


STRIP_SETTINGS = "blend_type extrapolation blend_in blend_out use_auto_blend use_reverse mute".split()


def _copy_strip(src: Any, dst: Any) -> None:
    """``dst`` plays as ``src``: same slot, frames, settings and influence (keys included)."""
    dst.action_slot = src.action_slot
    dst.action_frame_end, dst.action_frame_start = src.action_frame_end, src.action_frame_start
    dst.scale, dst.repeat = src.scale, src.repeat
    dst.frame_start_ui = src.frame_start
    for attr in STRIP_SETTINGS:
        setattr(dst, attr, getattr(src, attr))
    dst.use_animated_influence = src.use_animated_influence
    dst.influence = src.influence
    keys = src.fcurves.find("influence")
    fc = dst.fcurves.find("influence")
    if keys is not None and fc is not None:
        write_all(fc, read_all(keys))


def _track_of(ad: Any, strip: Any) -> Any:
    for track in ad.nla_tracks:
        if any(s == strip for s in track.strips):
            return track
    raise DualTalkError("internal: strip without a track")


def key_influence(strip: Any, value: float, frame: float) -> None:
    """A constant, keyed influence (the animator can key more over it in the NLA editor)."""
    if not (np.isfinite(value) and 0.0 <= value <= 1.0):
        raise DualTalkError(f"layer influence must be between 0 and 1, got {value}")
    strip.use_animated_influence = True
    fc = strip.fcurves.find("influence")
    if fc is not None and len(fc.keyframe_points):
        fc.keyframe_points.clear()
    strip.influence = float(value)
    strip.keyframe_insert("influence", frame=frame)


def write_take(
    prefix: str,
    targets: list[TargetCurves],
    frames: np.ndarray,
    *,
    meta: Mapping[str, Any],
    keys: str = "every-frame",
    influences: dict[str, float] | None = None,
) -> LayersResult:
    """Key a whole take into our layers on each target datablock (see the module docstring)."""
    if keys not in KEYS_MODES:
        raise DualTalkError(f"keys must be every-frame or reduced, got {keys!r}")
    influences = {layer_name(k): float(v) for k, v in (influences or {}).items()}
    frames = np.asarray(frames, dtype=np.float64)
    start, end = float(frames[0]), float(frames[-1])
    pushed: list[str] = []
    for target in targets:
        first_time = not our_strips(target.idblock)
        _record_before(target, first_time)
        pushed += _release_active(target.idblock, end)
        ad = target.idblock.animation_data or target.idblock.animation_data_create()
        if first_time and ad.action is None:
            # Keys the animator sets on top of the take (the active action) become offsets that
            # follow the take, not values that freeze a channel for the whole shot (REPLACE).
            ad.action_blend_type = "COMBINE"
    used = [layer for layer in LAYERS if any(c.layer == layer for t in targets for c in t.curves)]
    names = {layer: action_name(prefix, layer) for layer in (REST, *used)}
    replaced = _replaced(targets, names)
    actions: dict[str, Any] = {}
    # which take this is, beyond its name and frames: a range kept for one take never lands on a
    # new take made over the same audio and frames (see plan_range)
    take_id = uuid.uuid4().hex[:16]
    for layer, name in names.items():
        actions[layer] = _new_action(name, {**meta, "layer": layer, "take_id": take_id}, start, end)
    n_curves = n_keys = 0
    weight_err = 0.0
    rot_paths: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {}
    for target in targets:
        slots: dict[str, Any] = {}
        for layer in (REST, *used):
            curves = target.curves if layer == REST else [c for c in target.curves if c.layer == layer]
            if not curves:
                continue
            action = actions[layer]
            slot = compat.new_slot(action, target.idblock, target.slot_name)
            slots[layer] = slot
            bag = compat.channelbag(action, slot)
            if layer == REST:
                for c in curves:
                    fill(
                        bag.fcurves.new(c.data_path, index=c.index, group_name=c.group), frames[:1], [c.rest]
                    )
                continue
            for c, (kf, kv) in zip(curves, _reduce(curves, frames, keys), strict=True):
                fill(bag.fcurves.new(c.data_path, index=c.index, group_name=c.group), kf, kv)
                n_curves += 1
                n_keys += len(kf)
                played = np.interp(frames, kf, np.asarray(kv, dtype=np.float32).astype(np.float64))
                if c.data_path.startswith("key_blocks"):
                    weight_err = max(weight_err, float(np.abs(played - c.values).max()))
                else:
                    rot_paths.setdefault(f"{target.slot_name}:{c.data_path}", []).append(
                        (c.index, c.values.astype(np.float64), played)
                    )
        for layer in (REST, *used):
            if layer not in slots:
                continue
            strip, created = _place_strip(target.idblock, layer, actions[layer], slots[layer], start, end)
            if layer == REST:
                continue
            if created or layer in influences:
                key_influence(strip, influences.get(layer, 1.0), start)
    for layer, old, played_here in replaced:  # the earlier take goes only now that the new one plays
        _retire(old, {**meta, "layer": layer}, played_here)
    for layer, name in names.items():
        if actions[layer].name != name:
            actions[layer].name = name  # its own name where it is free now, else the first free suffix
    return LayersResult(
        actions=actions,
        pushed=pushed,
        curves=n_curves,
        keys=n_keys,
        keys_every_frame=n_curves * len(frames),
        max_weight_error=weight_err,
        max_rotation_error_deg=_rotation_error_deg(rot_paths),
    )


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


def _range_parts(target: TargetCurves) -> list[tuple[Any, list[CurveSpec], list[Any]]]:
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
        if missing is not None:
            raise DualTalkError(
                f"the existing take on {where} has no curve {missing.data_path}[{missing.index}] in the "
                f"{layer} layer; animate the whole take again (same rig and map) before re-generating a range"
            )
        out.append((strip, curves, fcs))
    return out


def replace_range(
    targets: list[TargetCurves],
    frames: np.ndarray,
    first: int,
    last: int,
    *,
    fade: int = 4,
    keys: str = "every-frame",
) -> tuple[int, int]:
    """Write frames ``first..last`` of a re-generated stretch into our existing layers.

    ``frames``/curve values cover at least ``first - fade .. last + fade``. Outside that span
    nothing changes; over the ``fade`` frames at each end the old curve blends into the new one.
    Returns (first, last) of the frames whose keys were rewritten.
    """
    if keys not in KEYS_MODES:
        raise DualTalkError(f"keys must be every-frame or reduced, got {keys!r}")
    frames = np.asarray(frames, dtype=np.float64)
    lo, hi = max(first - fade, frames[0]), min(last + fade, frames[-1])
    if not (frames[0] <= first <= last <= frames[-1]):
        raise DualTalkError(f"internal: re-generated frames {frames[0]:g}-{frames[-1]:g} miss {first}-{last}")
    span = (frames >= lo) & (frames <= hi)
    region = frames[span]
    weight = crossfade_weights(region, first, last, fade)
    plans = [part for target in targets for part in _range_parts(target)]  # refused before any write
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
            for fc, (kf, kv) in zip(fcs, _reduce(blended, region, keys), strict=True):
                if _windowed(fc):
                    _rewrite_window(fc, lo, hi, kf, kv, scratch)
                    continue
                _note_whole(fc)  # a cyclic or auto-smoothed curve: its handles hang together, rewritten whole
                had = read_all(fc)
                pins = _pin_frames(had, lo, hi)
                pinned = key_values(fc, pins)
                outside = (had.frames < lo) | (had.frames > hi)
                write_all(fc, had.take(outside), np.concatenate([pins, kf]), np.concatenate([pinned, kv]))
            a_start, a_end = strip.action.frame_start, strip.action.frame_end
            strip.action.frame_start = min(a_start, lo)
            strip.action.frame_end = max(a_end, hi)
    return int(lo), int(hi)


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


def _read_rows(kp: Any, start: int, stop: int) -> Keys:
    """Keys ``start..stop-1`` of a curve, every attribute as :func:`keying.read_all` has it."""
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

    def __enter__(self) -> _Scratch:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.action is not None:
            bpy.data.actions.remove(self.action)

    def keyed(self, fc: Any, sides: Keys, frames: np.ndarray, values: np.ndarray) -> Keys:
        """The keys :func:`keying.write_all` gives ``frames``/``values`` between ``sides`` on ``fc``
        (the keys next to them on each side, fewer at an end of the curve), sides left out."""
        if self.curve is None:
            self.action = bpy.data.actions.new(".DualTalk scratch")
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


def _rewrite_window(fc: Any, lo: float, hi: float, kf: np.ndarray, kv: np.ndarray, scratch: _Scratch) -> None:
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
    _splice(fc, i0, i1, rows, near.take(window))


# -- putting keys back: what a range rewrote, recorded as it goes (:func:`kept`) --

INF = float("inf")


@dataclass
class _Record:
    a: float  # frame of an untouched key before what was rewritten (-inf: from the curve's start)
    b: float  # ... after it (inf: to its end)
    keys: Keys  # the keys between, as they were


class _Journal:
    """The keys a block rewrites on some curves, recorded before their first change."""

    def __init__(self, curves: Iterable[Any]) -> None:
        self.tracked = {fc.as_pointer() for fc in curves}
        self.records: dict[int, tuple[Any, _Record]] = {}


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
    for fc, rec in journal.records.values():
        if rec.a == -INF and rec.b == INF:
            write_all(fc, rec.keys)
            continue
        kp = fc.keyframe_points
        n = len(kp)
        i0 = 0 if rec.a == -INF else _find(kp, n, rec.a, after=True)
        i1 = n if rec.b == INF else _find(kp, n, rec.b, after=False)
        _splice(fc, i0, i1, rec.keys)


@dataclass
class LayerInfo:
    layer: str
    idblock: Any
    strip: Any

    @property
    def influence(self) -> float:
        return float(self.strip.influence)


def character_layers(idblocks: Iterable[Any]) -> list[LayerInfo]:
    """Our layers on a character's datablocks, in stack order (for the panel and reports)."""
    out: list[LayerInfo] = []
    for idblock in idblocks:
        if idblock is None:
            continue
        strips = our_strips(idblock)
        out += [LayerInfo(layer, idblock, strips[layer]) for layer in LAYERS if layer in strips]
    return out


def set_influence(
    idblocks: Iterable[Any], layer: str, value: float, frame: float | None = None, *, missing_ok: bool = False
) -> int:
    """Key ``layer``'s influence on a character's take; returns how many strips were keyed.

    ``idblocks``: the characters themselves (their mesh or armature objects, as a script holds them)
    or the datablocks the layers live on (:func:`character_idblocks`); a character object stands for
    all of its datablocks. Nothing keyed is refused in one line (no take there, or a take without
    that layer) unless ``missing_ok`` (a re-generated range re-keys the influences it was given)."""
    layer = layer_name(layer)
    given = [b for b in idblocks if b is not None]
    blocks = _with_characters(given)
    found = character_layers(blocks)
    count = 0
    for info in found:
        if info.layer == layer:
            key_influence(info.strip, value, info.strip.frame_start if frame is None else frame)
            count += 1
    if count or missing_ok:
        return count
    names = ", ".join(repr(getattr(b, "name", type(b).__name__)) for b in given) or "nothing"
    if not found:
        raise DualTalkError(
            f"no DualTalk take on {names}: pass the animated characters (their mesh or armature "
            "objects) or layers.character_idblocks(obj)"
        )
    have = ", ".join(dict.fromkeys(info.layer for info in found))
    raise DualTalkError(f"the take on {names} has no {layer!r} layer (it has {have})")


def _with_characters(items: list[Any]) -> list[Any]:
    """Each character object in ``items`` with all of its datablocks (:func:`character_idblocks`),
    the rest as given; each datablock once, in order."""
    out: list[Any] = []
    for item in items:
        blocks = [item]
        if isinstance(item, bpy.types.Object) and item.type in ("MESH", "ARMATURE"):
            with contextlib.suppress(DualTalkError):  # an armature without a face: its own layers only
                blocks = [item, *character_idblocks(item)]
        for block in blocks:
            if not any(block == o for o in out):
                out.append(block)
    return out


def character_idblocks(obj: Any, resolved: tuple[Any, Any | None] | None = None) -> list[Any]:
    """The datablocks our layers may live on for a character: shape keys, armature, mesh object.
    ``resolved``: ``obj``'s (mesh, armature) when already found (the panel keeps them between redraws)."""
    mesh, arm = resolved if resolved is not None else find_mesh_and_armature(obj)
    return [b for b in (mesh.data.shape_keys, arm, mesh) if b is not None]


def take_meta(obj: Any) -> dict[str, Any] | None:
    """Metadata (take, start_frame, fps...) of the take in our layers on a character, or None."""
    for idblock in character_idblocks(obj):
        for layer, strip in our_strips(idblock).items():
            if layer != REST and is_ours(strip.action):
                return action_meta(strip.action)
    return None


def legacy_take(idblock: Any) -> Any | None:
    """The take an older DualTalk keyed on ``idblock`` as one active action, with no layers (before
    takes were NLA layers), or None: our action active and none of our tracks under it."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None or not is_ours(ad.action) or our_strips(idblock):
        return None
    return ad.action


def take_actions(idblock: Any) -> list[Any]:
    """Our layer actions playing on ``idblock`` (rest excluded), bottom to top."""
    strips = our_strips(idblock)
    return [strips[layer].action for layer in LAYERS if layer in strips and strips[layer].action]


def layer_fcurves(idblock: Any) -> list[Any]:
    """The fcurves of our layers that animate ``idblock`` (its own slot in each layer action)."""
    out: list[Any] = []
    for layer, strip in our_strips(idblock).items():
        if layer == REST or strip.action is None:
            continue
        out += list(compat.iter_fcurves(strip.action, strip.action_slot))
    return out


def _ranges(objs: Iterable[Any]) -> list[tuple[Any, float, float]]:
    """Each layer action of the characters ``objs`` with its frame range."""
    return [
        (a, a.frame_start, a.frame_end)
        for obj in objs
        for idblock in character_idblocks(obj)
        for a in take_actions(idblock)
    ]


@contextlib.contextmanager
def _journal(objs: Iterable[Any], always: bool) -> Iterator[None]:
    """Record the keys a range rewrites on our layers of the characters ``objs`` (as it rewrites
    them, so only those are read) and put them back on leaving (``always``) or on failure."""
    objs = list(objs)
    journal = _Journal(
        fc for obj in objs for idblock in character_idblocks(obj) for fc in layer_fcurves(idblock)
    )
    ranges = _ranges(objs)
    _JOURNALS.append(journal)
    ok = False
    try:
        yield
        ok = True
    finally:
        _JOURNALS.remove(journal)
        if always or not ok:
            _put_back(journal)
            for action, start, end in ranges:
                action.frame_start, action.frame_end = start, end


@contextlib.contextmanager
def kept(objs: Iterable[Any]) -> Iterator[None]:
    """Our layers' keys on the characters ``objs`` as they are now, put back on leaving.

    For a temporary write: a range re-generated with eye contact plays its motion un-turned over
    its context while the heads are read (see ``apply._range_with_gaze``), then the take returns.
    Every key a range (:func:`replace_range`) rewrites meanwhile comes back as it was, an animator's
    Bezier keys and handles included, and only those are read and written: the cost follows the
    range, not the take. (Keys written otherwise, e.g. a whole take, are not put back.)
    """
    with _journal(objs, always=True):
        yield


@contextlib.contextmanager
def kept_on_failure(objs: Iterable[Any]) -> Iterator[None]:
    """Like :func:`kept`, but the keys come back only when the block fails: a range refused on
    character B leaves A's take as it was too, not re-generated alone."""
    with _journal(objs, always=False):
        yield


@dataclass
class RangePlan:
    """How to re-generate frames ``first..last`` of the take on two characters.

    ``first``/``last``, ``take_start`` and ``start_frame`` are frames of the take's actions; a take
    whose strips the animator moved in the NLA editor plays them ``offset`` frames later on the
    timeline (the range asked for is ``first + offset .. last + offset``)."""

    first: int
    last: int
    take: str
    take_start: int  # the take's first frame
    start_frame: int  # where the re-generated motion's first frame lands
    audio_start: float  # seconds into the take's audio the engine starts hearing
    audio_end: float  # ... and stops
    offset: int = 0  # timeline frame = action frame + offset (strips moved in the NLA editor)
    take_id: str = ""  # each character's take id, comma-joined ("" for takes keyed before ids)
    # the recording the take was made from and where in it (rig/plan.AudioRecord): None for takes
    # keyed before takes recorded it, from motion that does not name it, or characters whose takes differ
    audio: dict[str, Any] | None = None


def strip_offset(obj: Any) -> float:
    """Where the character's take plays: timeline frame = action frame + this (0 unless the animator
    moved its strips in the NLA editor; a whole-take Generate puts them back)."""
    for idblock in character_idblocks(obj):
        for layer, strip in our_strips(idblock).items():
            if layer != REST:
                return float(strip.frame_start - strip.action_frame_start)
    return 0.0


def take_offset(objs: Iterable[Any]) -> int:
    """How many frames the animator moved the take's strips in the NLA editor (timeline frame =
    action frame + offset). Every layer strip of every character must be moved by the same whole
    number of frames and keep its speed; otherwise a timeline range does not map back to one stretch
    of the take, and this refuses in one line."""
    shifts: dict[str, float] = {}
    for obj in objs:
        for idblock in character_idblocks(obj):
            for layer, strip in our_strips(idblock).items():
                if layer == REST:  # one key held: where it sits does not matter
                    continue
                where = f"{obj.name}'s {layer} strip"
                if abs(strip.scale - 1.0) > 1e-6 or abs(strip.repeat - 1.0) > 1e-6:
                    raise DualTalkError(
                        f"{where} is scaled or repeated in the NLA editor; set its scale and repeat back "
                        "to 1 (or Generate the whole take again) before re-generating a range"
                    )
                shifts[where] = float(strip.frame_start - strip.action_frame_start)
    if not shifts:
        return 0
    (first_where, shift), *others = shifts.items()
    for where, other in others:
        if abs(other - shift) > 1e-4:
            raise DualTalkError(
                f"{first_where} is moved {shift:g} frames in the NLA editor but {where} {other:g}; move the "
                "DualTalk strips of both characters together (or Generate the whole take again) before "
                "re-generating a range"
            )
    if abs(shift - round(shift)) > 1e-4:
        raise DualTalkError(
            f"the DualTalk strips are moved {shift:g} frames in the NLA editor, not a whole number of "
            "frames; snap them to a frame before re-generating a range"
        )
    return int(round(shift))


def plan_range(objs: Iterable[Any], fps: float, first: int, last: int, crossfade: int) -> RangePlan:
    """Check that both characters carry a take covering ``first..last``; plan the audio window.

    ``first..last`` are timeline frames (the preview range): strips the animator moved in the NLA
    editor are followed (:func:`take_offset`), so the frames redone are the ones that play there.
    The engine hears RANGE_CONTEXT_S seconds (plus the cross-fade) on each side of the range,
    clipped to the take, so the motion at the range's ends is as it would be in the whole take.
    Both characters' takes must start on the same frame at the scene's rate; the range must lie
    within both.
    """
    objs = list(objs)
    metas = [take_meta(obj) for obj in objs]
    missing = [o.name for o, m in zip(objs, metas, strict=True) if m is None]
    for obj in objs:
        old = next((a for a in map(legacy_take, character_idblocks(obj)) if a is not None), None)
        if obj.name in missing and old is not None:
            raise DualTalkError(
                f"{obj.name!r} plays {old.name!r}, a take keyed by an older DualTalk as one action without "
                "layers, which a range cannot be re-generated in; animate the whole take again first "
                "(or remove it with Remove Take)"
            )
    if missing:
        raise DualTalkError(
            f"re-generating a range needs an existing take, but {', '.join(missing)} has none "
            "(animate the whole take first)"
        )
    takes = [(o.name, m) for o, m in zip(objs, metas, strict=True) if m is not None]
    for _name, m in takes:
        if abs(float(m.get("fps", fps)) - fps) > 1e-6:
            raise DualTalkError(f"the take was keyed at {m.get('fps')} fps but the scene now runs at {fps:g}")
    starts = {name: int(m["start_frame"]) for name, m in takes}
    if len(set(starts.values())) > 1:
        said = " but ".join(f"{name}'s take starts at frame {f}" for name, f in starts.items())
        raise DualTalkError(f"{said}; Generate the whole take again before re-generating a range")
    meta = takes[0][1]
    offset = take_offset(objs)
    take_start = int(meta["start_frame"])
    lengths = [float(m["seconds"]) for _name, m in takes if m.get("seconds") is not None]
    seconds = min(lengths) if lengths else None  # the range must lie within both takes
    take_last = None  # the take's last frame: as many frames as its audio at this fps (apply's count)
    if seconds is not None:
        take_last = take_start + max(1, int(round(seconds * fps))) - 1
    first, last = first - offset, last - offset  # the frames of the take that play there
    if last < first or first < take_start or (take_last is not None and last > take_last):
        where = (
            f"frames {take_start + offset}-{take_last + offset}"
            if take_last is not None
            else f"it starts at frame {take_start + offset}"
        )
        asked = f"{shown(first + offset)}-{shown(last + offset)}"  # a job's 400-digit frame, cut
        raise DualTalkError(f"range {asked} must lie within the take ({where})")
    context = int(round(RANGE_CONTEXT_S * fps)) + crossfade
    f0, f1 = max(take_start, first - context), last + context
    end = (f1 + 1 - take_start) / fps
    if seconds is not None:  # not past the audio the take was made from
        end = min(end, seconds)
    return RangePlan(
        first=first,
        last=last,
        take=str(meta.get("take", "take"))[:40],
        take_start=take_start,
        start_frame=f0,
        audio_start=(f0 - take_start) / fps,
        audio_end=end,
        offset=offset,
        take_id=",".join(str(m.get("take_id", "")) for _name, m in takes),
        audio=_take_audio([m.get("audio") for _name, m in takes]),
    )


def _take_audio(records: list[Any]) -> dict[str, Any] | None:
    """The recording both characters' takes were made from (their records agree), else None."""
    first = records[0] if records else None
    if not isinstance(first, dict) or any(r != first for r in records[1:]):
        return None
    return dict(first)


@dataclass(frozen=True)
class AudioWords:
    """How a caller names the audio a re-generated range is given with: ``animate``'s flags (the
    default) or the panel's fields (:data:`PANEL_WORDS`), so both refuse in the same sentence."""

    audio: str = "--audio"  # the recording, or A's file of two
    audio_a: str = "--audio"
    audio_b: str = "--audio-b"
    part: str = "--start/--end"
    swap: str = "--swap"
    swap_on: str = "--swap is given"
    swap_off: str = "--swap is not given"
    swapped: str = "with --swap"  # how the take's record reads when it was made swapped
    unswap: str = "without --swap"
    give: str = "give"
    leave_out: str = "leave --start/--end out"


PANEL_WORDS = AudioWords(
    audio="Audio",
    audio_a="Audio A",
    audio_b="Audio B",
    part="Start/End",
    swap="Swap A/B",
    swap_on="Swap A/B is on",
    swap_off="Swap A/B is off",
    swapped="with Swap A/B",
    unswap="with Swap A/B off",
    give="choose",
    leave_out="turn Part of the recording off",
)
START_SLACK_S = 0.5 / SAMPLE_RATE  # a start read back from the take's record: the same number typed again


def made_from(record: Mapping[str, Any], words: AudioWords = AudioWords()) -> str:
    """``the take was made from talk.wav from 4.00 s to 12.00 s`` (``with --swap``)."""
    files = " and ".join(record["files"])
    swap = f" {words.swapped}" if record.get("swap") else ""
    start, end = float(record["start"]), float(record["end"])
    return f"the take was made from {files} from {start:.2f} s to {end:.2f} s{swap}"


def _take_audio_refused(
    record: Mapping[str, Any], need: str, why: str, words: AudioWords, *, swap: bool = False, then: str = ""
) -> DualTalkError:
    """``<need>: the take was made from ..., but <why>; give the same --audio and --start/--end``."""
    two = len(record["files"]) > 1
    flags = [words.audio_a if two else words.audio, *([words.audio_b] if two else []), words.part]
    flags += [words.swap] if swap else []
    listed = ", ".join(flags[:-1]) + f" and {flags[-1]}"
    return DualTalkError(
        f"{need}: {made_from(record, words)}, but {why}; {words.give} the same {listed}{then}"
    )


def take_part(
    record: Mapping[str, Any],
    start: float | None,
    end: float | None,
    need: str,
    words: AudioWords = AudioWords(),
) -> tuple[float, float]:
    """(start, end) seconds of the recording a take was made from (``record``: ``RangePlan.audio``):
    its own part when no start or end is given, else the part given, refused in one line when it is
    not the take's (a re-generated range would hear other seconds than the take did)."""
    take_start, take_end = float(record["start"]), float(record["end"])
    if start is None and end is None:
        return take_start, take_end
    s = 0.0 if start is None else float(start)
    # the end of a whole recording is read back within a frame of the end given (a cut at the file's end)
    wrong_end = end is not None and abs(float(end) - take_end) > 1.0 / FPS + 1e-6
    if abs(s - take_start) > START_SLACK_S or wrong_end:
        said = f"{float(end):.2f} s" if end is not None else "the end"
        why = f"{words.part} ask for {s:.2f} s to {said}"
        raise _take_audio_refused(record, need, why, words, then=f", or {words.leave_out}")
    return take_start, take_end


def check_take_recording(
    record: Mapping[str, Any],
    files: Iterable[str | os.PathLike[str] | None],
    swap: bool,
    need: str,
    words: AudioWords = AudioWords(),
) -> list[str]:
    """Refuse a re-generated range against another recording than the take's (or its speakers the
    other way round): its frames would silently follow other audio. The recording is known by its
    contents (``inference/audio/dialogue.recording_fingerprint``, recorded by every take's
    pipeline run), so the same file moved or renamed is the take's. Returns the warnings: a take
    whose motion files record no fingerprint is checked by file name only, and says so."""
    from ...inference.audio.dialogue import recording_fingerprint

    given = [Path(p) for p in files if p is not None and str(p) != ""]
    names = [p.name for p in given]
    if bool(record.get("swap")) != bool(swap):
        said = words.swap_on if swap else words.swap_off
        was = bool(record.get("swap"))
        raise _take_audio_refused(
            record, need, said, words, swap=was, then="" if was else f", {words.unswap}"
        )
    if not record.get("fingerprint"):  # made from motion files whose maker took none: names only
        if names == list(record["files"]):
            return []
        return [
            f"{made_from(record, words)}, and its motion files do not record that recording's contents: "
            f"{need} cannot check that {' and '.join(names)} is the same recording"
        ]
    if recording_fingerprint(given) != record["fingerprint"]:
        now = " now" if names == list(record["files"]) else ""  # the same name: the file changed since
        verb = "are" if len(names) > 1 else "is"
        why = f"{' and '.join(names)} {verb} not that recording{now} (the contents differ)"
        raise _take_audio_refused(record, need, why, words)
    return []
