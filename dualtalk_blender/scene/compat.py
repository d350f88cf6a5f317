"""Blender-version shims for animation data.

Blender 4.4 introduced slotted (layered) actions and 5.0 removed ``Action.fcurves``: curves
live in ``action.layers[i].strips[j].channelbag(slot)``. One action can then animate several
datablocks (here: a character's shape-key datablock and its armature/object) through one
slot each. Readers (:func:`iter_fcurves`) still accept legacy actions from older files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import bpy

SLOTTED = hasattr(bpy.types, "ActionSlot")


def id_type_of(idblock: Any) -> str:
    """RNA id_type string (``'OBJECT'``, ``'KEY'`` ...) of a datablock."""
    return idblock.id_type


def new_slot(action: Any, idblock: Any, name: str) -> Any:
    return action.slots.new(id_type_of(idblock), name)


def channelbag(action: Any, slot: Any) -> Any:
    """The channelbag of ``slot`` in the action's first keyframe strip (created if needed)."""
    if not action.layers:
        layer = action.layers.new("DualTalk")
    else:
        layer = action.layers[0]
    strip = layer.strips[0] if layer.strips else layer.strips.new(type="KEYFRAME")
    return strip.channelbag(slot, ensure=True)


def assign(idblock: Any, action: Any, slot: Any | None) -> None:
    ad = idblock.animation_data or idblock.animation_data_create()
    ad.action = action
    if SLOTTED and slot is not None:
        ad.action_slot = slot


def iter_fcurves(action: Any, slot: Any | None = None) -> Iterator[Any]:
    """All fcurves of an action (optionally only one slot's), any Blender version."""
    if not SLOTTED or not getattr(action, "layers", None):
        yield from getattr(action, "fcurves", ())
        return
    for layer in action.layers:
        for strip in layer.strips:
            for bag in strip.channelbags:
                if slot is None or bag.slot_handle == slot.handle:
                    yield from bag.fcurves


def assigned_fcurves(idblock: Any) -> list[Any]:
    """Fcurves that animate ``idblock`` through its active action (its own slot only)."""
    ad = idblock.animation_data
    if ad is None or ad.action is None:
        return []
    slot = getattr(ad, "action_slot", None) if SLOTTED else None
    return list(iter_fcurves(ad.action, slot))


def plays_past_keys(action: Any, slot: Any | None = None) -> bool:
    """Whether an action moves beyond its first and last keys (a Cycles or Noise modifier, linear
    extrapolation): as the active action it plays on every frame, as a strip only over the strip."""
    return any(fc.extrapolation == "LINEAR" or len(fc.modifiers) for fc in iter_fcurves(action, slot))


def push_to_nla(idblock: Any, track_name: str, through: float | None = None) -> str | None:
    """Move the datablock's active action onto a new NLA track so it keeps playing as it did:
    at the same frames, and, when it moves past its keys (an idle loop), over the scene's frame
    range and up to ``through`` (the take's last frame). Not to Blender's last frame: a strip that
    long makes an FBX export with NLA strips (Blender's default) bake a million frames.

    An action assigned with no slot, which plays nothing, is kept on the track playing nothing.

    Returns the name of the action pushed, or None when there was nothing to push.
    """
    ad = idblock.animation_data
    if ad is None or ad.action is None:
        return None
    action = ad.action
    slot = getattr(ad, "action_slot", None) if SLOTTED else None
    start, end = (float(f) for f in action.frame_range)
    track = ad.nla_tracks.new()
    track.name = track_name
    strip = track.strips.new(action.name, int(start), action)
    if plays_past_keys(action, slot):  # a strip holds its ends: let it play the action on every frame
        scene = bpy.context.scene
        if scene is not None:
            start, end = min(start, float(scene.frame_start)), max(end, float(scene.frame_end))
        if through is not None:
            end = max(end, float(through))
        strip.action_frame_end = end
        strip.action_frame_start = start
    if strip.frame_start != start:  # a first key on a sub-frame: the strip must not shift it
        strip.frame_start_ui = start
    if SLOTTED and hasattr(strip, "action_slot"):
        # the strip plays what the datablock played: its slot, or none. A new strip picks a slot by
        # itself (the action's only one, or one named for this datablock), so an action assigned
        # without a slot (Blender 5 slots no action made for another datablock), which played
        # nothing, would start to play; kept with no slot it stays in the NLA, playing nothing
        # until the animator picks one (the strip's Slot in the NLA editor's sidebar).
        strip.action_slot = slot
    ad.action = None
    return action.name


def undo_push(message: str) -> None:
    """One undo step named ``message`` (nothing where there is no undo stack: background mode)."""
    try:
        # operators are instances in Blender; the stubs make them classes, so poll() looks unbound
        if bpy.ops.ed.undo_push.poll():  # type: ignore[call-arg]
            bpy.ops.ed.undo_push(message=message)
    except RuntimeError:
        pass
