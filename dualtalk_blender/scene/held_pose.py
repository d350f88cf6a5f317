"""The pose a take holds outside its frames, kept in step with the layer the animator edits.

Where the animator's track keys some channels of one of our layers, that layer covers only the take's
frames and its other channels hold the take's first and last pose on the rest track
(:func:`.layers.fit_rest`). That hold is worked out from the layer, so it went stale whenever the
animator changed the layer without running any code of ours: muting it (the held pose stayed where a
layer holding its own pose shows the rest) or lowering its influence, and editing its keys on the take's
first or last frame (the old pose stayed held until the next Generate or Play Take).

Blender 5.0.1 has no per-channel extrapolation, so the held channels cannot stay in the layer's strip
while the animator's keep playing outside it; and a driver tying a hold to the layer's mute and
influence reads a property of the same datablock: a dependency cycle, and one evaluation late (probed).
So :func:`follow_layers`, a ``depsgraph_update_post`` handler, fits the hold again after an edit of a
datablock that holds such a layer. Blender tags the datablock for each of those edits (the NLA
editor's mute checkbox, a strip's influence, a key moved in the Graph Editor). It writes only where a
held value changed, so the update it causes finds nothing to do; and it costs one attribute lookup
per updated datablock in a file without a take. It writes only the held channels: a key the animator
set on another channel of the locked rest track stays until the next take (review rv43d F6).

A file saved while nothing followed the layer (the add-on disabled, a script's mute, an earlier build)
holds a stale pose until some edit tags the character, while Export FBX refits first, so a render and
the FBX of one file disagreed (review rv43d F4). :func:`on_load` (``load_post``) and the add-on's
register refit every character once (:func:`refresh_all`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

import bpy

from . import layers
from .keying import is_ours


def holds_outside(idblock: Any) -> bool:
    """Whether a layer of ours on ``idblock`` covers only the take's frames, so the rest track holds the
    pose of its other channels outside them: the datablocks whose hold follows their layers."""
    strips = layers.our_strips(idblock)
    rest = strips.get(layers.REST)
    if rest is None or rest.action is None or not is_ours(rest.action) or rest.action.library is not None:
        return False
    return any(layer != layers.REST and s.extrapolation == "NOTHING" for layer, s in strips.items())


def refresh(idblocks: Iterable[Any]) -> int:
    """Fit the hold of each of ``idblocks`` that has one to its layers as they are now (muted, their
    influence, their first and last keys); returns how many were looked at."""
    count = 0
    for idblock in idblocks:
        if holds_outside(idblock):
            layers.fit_rest(idblock, set(), held_only=True)
            count += 1
    return count


def refresh_all() -> int:
    """:func:`refresh` over every datablock of the open file that has NLA tracks (shape keys, objects,
    armatures): what a file opened or the add-on enabled holds, fitted to its layers once."""
    found = [
        idblock
        for collection in (bpy.data.shape_keys, bpy.data.objects, bpy.data.armatures)
        for idblock in collection
        if _animated(idblock) is not None and idblock.library is None
    ]
    return refresh(found)


@bpy.app.handlers.persistent
def on_load(*_args: Any) -> None:
    """``load_post``: :func:`refresh_all` for the file just opened (nothing tags its characters)."""
    with contextlib.suppress(ReferenceError, RuntimeError, AttributeError):  # not writable now
        refresh_all()


def _animated(update_id: Any) -> Any | None:
    """The original datablock behind an updated one, when it has NLA tracks (else None: nothing of ours
    can be on it). The depsgraph hands over its evaluated copies; only the original may be written."""
    ad = getattr(update_id, "animation_data", None)
    if ad is None or not len(ad.nla_tracks):
        return None
    return getattr(update_id, "original", update_id)


@bpy.app.handlers.persistent
def follow_layers(_scene: Any = None, depsgraph: Any = None) -> None:
    """``depsgraph_update_post``: the hold of each updated datablock fitted to its layers (:func:`refresh`).
    Playback runs no such update, and an edit elsewhere (a mesh, a camera) stops at its animation data."""
    updates = getattr(depsgraph, "updates", None)
    if not updates:
        return
    seen: list[Any] = []
    for update in updates:
        idblock = _animated(update.id)
        if idblock is not None and not any(idblock == s for s in seen):
            seen.append(idblock)
    if seen:
        with contextlib.suppress(ReferenceError, RuntimeError):  # freed meanwhile, or not writable now
            refresh(seen)
