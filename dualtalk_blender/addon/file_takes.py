"""The takes a .blend holds for the panel's characters: the one that plays, the earlier ones a
Generate under another *Take* name kept in the file (their actions keep a fake user,
``scene/layers.py``), and one of those played again.

A kept take is played again by swapping its actions into DualTalk's strips, layer by layer, on the
slots the playing take uses: the strips (influence, mute, position) and everything of the animator's
stay. Only a take of the same recording, part, first frame and frame rate is swapped in, since the
sound strips, turn markers and scene range belong to the take that plays; another one is refused in
one line (Generate it again, or Apply Saved Take).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import same_source
from ..scene import layers
from ..scene.keying import OWNER_PROP, action_meta, is_ours

# (session uid, record length) -> (take, character, layer): a redraw does not parse every record again
_RECORDS: dict[tuple[int, int], tuple[str, str, str]] = {}
_MAX_CACHED = 4096


@dataclass(frozen=True)
class FileTake:
    """One take of the characters in the file: its name and whether it plays now."""

    name: str
    playing: bool


def _record(action: Any) -> tuple[str, str, str]:
    """(take, character, layer) an action of ours records; ("", "", "") for a damaged record."""
    raw = action.get(OWNER_PROP)
    key = (int(action.session_uid), len(raw) if isinstance(raw, str) else -1)
    cached = _RECORDS.get(key)
    if cached is not None:
        return cached
    meta = action_meta(action)
    found = (str(meta.get("take", "")), str(meta.get("character", "")), str(meta.get("layer", "")))
    if len(_RECORDS) > _MAX_CACHED:
        _RECORDS.clear()
    _RECORDS[key] = found
    return found


def _playing_records(idblocks: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(take, character, layer) of each layer action our strips play on ``idblocks``."""
    return [
        _record(strip.action)
        for idblock in idblocks
        for layer, strip in layers.our_strips(idblock).items()
        if layer != layers.REST and is_ours(strip.action)
    ]


def _names(obj: Any, idblocks: Iterable[Any]) -> set[str]:
    """The names a character's take records may hold: its own, its face mesh's (``idblocks`` holds
    the mesh object) and the one its playing take records (a character renamed since that take)."""
    idblocks = list(idblocks)
    names = {obj.name, *(b.name for b in idblocks if isinstance(b, bpy.types.Object))}
    return names | {character for _t, character, _l in _playing_records(idblocks) if character}


def takes_in_file(characters: Iterable[tuple[Any, list[Any]]]) -> list[FileTake]:
    """The takes the file holds of the panel's characters, each given with its datablocks
    (``layers.character_idblocks``, cached by the panel), by name; ``playing``: the one their strips
    play now. A take counts once either character has it."""
    names: set[str] = set()
    playing: set[str] = set()
    for obj, idblocks in characters:
        names |= _names(obj, idblocks)
        playing |= {take for take, _c, _l in _playing_records(idblocks) if take}
    if not names:
        return []
    found = set(playing)
    for action in bpy.data.actions:
        if is_ours(action):
            take, character, layer = _record(action)
            if take and character in names and layer != layers.REST:
                found.add(take)
    return [FileTake(name, name in playing) for name in sorted(found)]


def _kept_action(take: str, names: set[str], layer: str) -> Any | None:
    """The action of ``take``'s ``layer`` of a character recorded under one of ``names``."""
    for action in bpy.data.actions:
        if not is_ours(action):
            continue
        t, character, held = _record(action)
        if t == take and held == layer and character in names:
            return action
    return None


def _slot_like(action: Any, slot: Any) -> Any | None:
    """The slot of ``action`` for the datablock ``slot`` (of the playing take's action) animates."""
    if slot is None:
        return None
    for candidate in action.slots:
        if candidate.identifier == slot.identifier:
            return candidate
    return None


def _same_recording(name: str, kept: dict[str, Any], now: dict[str, Any], who: str) -> None:
    """Refuse a kept take whose recording, part, first frame or rate is not the playing take's: the
    sound strips, markers and scene range would be the other take's."""
    same = kept.get("start_frame") == now.get("start_frame") and kept.get("fps") == now.get("fps")
    ra, rb = kept.get("audio"), now.get("audio")
    if same and (ra is None) != (rb is None):
        same = False
    elif same and ra is not None and rb is not None:
        same = same_source(ra, rb)
    if not same:
        raise DualTalkError(
            f"take {name!r} of {who} was made from another recording, part, first frame or frame rate "
            f"than the take playing ({now.get('take', '')!r}), whose sound strips and markers stay; "
            "make it again with Generate (Take name: a new one keeps this take), or use Apply Saved Take"
        )


def play_take(objs: Iterable[Any], name: str) -> str:
    """Play the kept take ``name`` on the characters ``objs`` instead of the one playing (whose actions
    stay in the file under their own take name); checked for every character before anything
    changes. Returns the status line."""
    objs = [o for o in objs if o is not None]
    if not objs:
        raise DualTalkError("choose the characters whose take to play")
    swaps: list[tuple[Any, Any, Any]] = []
    for obj in objs:
        idblocks = layers.character_idblocks(obj)
        now = layers.take_meta(obj)
        if now is None:
            raise DualTalkError(f"{obj.name} carries no DualTalk take; Generate first")
        if now.get("take") == name:
            continue
        layers.check_editable(idblocks, obj.name)
        names = _names(obj, idblocks)
        held = [t.name for t in takes_in_file([(obj, idblocks)])]
        if name not in held:
            raise DualTalkError(
                f"the file holds no take {name!r} of {obj.name} (its takes: {', '.join(held)})"
            )
        kept_meta: dict[str, Any] | None = None
        for idblock in idblocks:
            for layer, strip in layers.our_strips(idblock).items():
                kept = _kept_action(name, names, layer)
                slot = _slot_like(kept, strip.action_slot) if kept is not None else None
                if kept is None or slot is None:
                    raise DualTalkError(
                        f"the file holds no {layer} layer of take {name!r} for {obj.name}; "
                        "Generate it again under that Take name"
                    )
                if layer != layers.REST and kept_meta is None:
                    kept_meta = action_meta(kept)
                swaps.append((strip, kept, slot))
        if kept_meta is not None:
            _same_recording(name, kept_meta, now, obj.name)
    for strip, kept, slot in swaps:
        old = strip.action
        strip.action = kept
        strip.action_slot = slot
        start, end = (float(f) for f in kept.frame_range)
        if start > strip.action_frame_end:  # keep start <= end while moving the range
            strip.action_frame_end = end
            strip.action_frame_start = start
        else:
            strip.action_frame_start = start
            strip.action_frame_end = end
        kept.use_fake_user = False  # it plays: kept by its strip
        if old is not None and old.users == 0:
            old.use_fake_user = True  # the take that played stays in the file, to come back to
    who = " and ".join(o.name for o in objs)
    return f"DualTalk: {who} play take {name!r}; the other takes stay in the file"
