"""Which takes played in a scene, latest last: the take Remove Take plays again.

A take starts playing when Generate keys it (:func:`.apply.apply_dialogue_steps`, the ``animate``
command and scripts too) and when Play Take swaps it in (``addon/file_takes.play_take``, Remove
Take's fallback included). Remove Take of the take playing, where the file keeps several others the
characters can play, used to play the one whose name sorts last in number order: the file did not
record which played before (Generate v1, v2, Play Take v1, Generate v3, Remove Take: v2 played, not
v1). The scene now keeps a short history (:data:`HISTORY_PROP`) and Remove Take plays the latest
take in it that is still kept; a file made before keeps none, and the number order still decides.

The history is a scene custom property, like the kept turn markers (``apply.KEPT_MARKERS_PROP``):
JSON, a list of ``{"take": name, "pair": [character names], "ids": [their faces' ids]}``, latest
last, each take of a character once, at most :data:`MAX_PLAYED` entries. A damaged one reads as
none (the number order decides).

A face is found in an entry by the id of its shape keys (``layers.datablock_id``, given by its first
take) before its name: two characters that swap names each keep their own history (by names alone,
both names were both faces' after the swap, and Remove Take of one face went back to the take the
other had just played; review fix39 swap39, hand-off 3). An entry or a face without an id (a file
made before session 40, a face never keyed) goes by name. A face and a copy of it made after a take
(Shift+D copies the id) are told apart by name as well."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from . import layers
from .characters import find_mesh_and_armature
from .records import DamagedRecord, parse

HISTORY_PROP = "dualtalk_played_takes"  # scene custom property: the takes that played, latest last (JSON)
MAX_PLAYED = 32  # entries kept: more than an animator compares, small enough to rewrite each time


def _face_blocks(obj: Any) -> list[Any]:
    """The face of the character ``obj`` (mesh or rig): its shape keys, then its mesh object."""
    try:
        mesh = find_mesh_and_armature(obj)[0]
    except DualTalkError:
        mesh = obj
    key = getattr(getattr(mesh, "data", None), "shape_keys", None)
    return [b for b in (key, mesh) if b is not None]


def face_id(obj: Any) -> str:
    """The id an entry records for the face of the character ``obj`` (mesh or rig): its shape keys',
    else its mesh object's; "" where none (never keyed, or an id Remove Take took off again)."""
    return next(iter(face_ids(obj)), "")


def face_ids(obj: Any) -> list[str]:
    """Every id the face of ``obj`` holds, its shape keys' first: an entry recorded under any of them
    is this face's (one recorded before its shape keys had an id names its mesh object)."""
    found = (layers.datablock_id(b, create=False) for b in _face_blocks(obj))
    return [i for i in found if i]


def _named_ids(names: Sequence[str]) -> list[str]:
    """The face ids of the objects called ``names`` now ("" for a name no object holds)."""
    objects = getattr(bpy.data, "objects", None)
    found = [objects.get(n) if objects is not None else None for n in names]
    return [face_id(o) if o is not None else "" for o in found]


def played(scene: Any) -> list[dict[str, Any]]:
    """The scene's history of the takes that played, latest last (``take``, ``pair``, and ``ids`` where
    recorded: one per name of ``pair``); entries that do not read as one are left out, a damaged
    record reads as none."""
    try:
        data = parse(scene.get(HISTORY_PROP, "[]"))  # nesting bounded: a file from elsewhere
    except (DamagedRecord, AttributeError):
        return []
    if not isinstance(data, list):
        return []
    out: list[dict[str, Any]] = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("take"), str) or not entry["take"]:
            continue
        pair = entry.get("pair")
        names = [n for n in pair if isinstance(n, str)] if isinstance(pair, list) else []
        read: dict[str, Any] = {"take": entry["take"], "pair": names}
        ids = entry.get("ids")
        if isinstance(ids, list) and len(ids) == len(names) and all(isinstance(i, str) for i in ids):
            read["ids"] = list(ids)
        out.append(read)
    return out


def _is_one_of(name: str, entry_id: str, names: set[str], ids: set[str], twins: set[str]) -> bool:
    """Whether the character an entry names ``name`` (face id ``entry_id``) is one of those asked about
    (``names``, ``ids``): by id where both hold one, by name as well where the id is on two faces
    (``twins``: a face and its copy), else by name."""
    if entry_id and ids:
        return entry_id in ids and (entry_id not in twins or name in names)
    return name in names


def _twins() -> set[str]:
    """The ids that more than one datablock holds (a face duplicated after a take: Shift+D copies
    them)."""
    seen: set[str] = set()
    twice: set[str] = set()
    for block in (*getattr(bpy.data, "shape_keys", ()), *getattr(bpy.data, "objects", ())):
        held = layers.datablock_id(block, create=False)
        if held:
            (twice if held in seen else seen).add(held)
    return twice


def _without(
    entries: list[dict[str, Any]], take: str, names: set[str], ids: set[str]
) -> list[dict[str, Any]]:
    """``entries`` with the characters asked about taken out of each entry of ``take`` (an entry left
    naming nobody goes; its other characters' part of it stays where it was)."""
    twins = _twins()
    out: list[dict[str, Any]] = []
    for entry in entries:
        if entry["take"] != take:
            out.append(entry)
            continue
        if not entry["pair"]:  # an entry naming none: any character's
            continue
        entry_ids = entry.get("ids") or [""] * len(entry["pair"])
        left = [
            (n, i)
            for n, i in zip(entry["pair"], entry_ids, strict=True)
            if not _is_one_of(n, i, names, ids, twins)
        ]
        if left:
            out.append(_entry(take, [n for n, _i in left], [i for _n, i in left]))
    return out


def _entry(take: str, pair: Sequence[str], ids: Sequence[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"take": str(take), "pair": [str(n) for n in pair]}
    if any(ids):
        entry["ids"] = [str(i) for i in ids]
    return entry


def note_played(scene: Any, pair: Iterable[str], take: str, ids: Sequence[str] | None = None) -> None:
    """Take ``take`` of the characters named ``pair`` starts playing in ``scene``: it becomes the
    latest (an earlier entry of it for any of them goes). ``ids``: their face ids (:func:`face_id`), one
    per name; by default those of the objects the names call now."""
    if scene is None or not take:
        return
    names = [str(n) for n in pair]
    faces = list(ids) if ids is not None and len(ids) == len(names) else _named_ids(names)
    kept = _without(played(scene), take, set(names), set(faces) - {""})
    kept.append(_entry(take, names, faces))
    scene[HISTORY_PROP] = json.dumps(kept[-MAX_PLAYED:])


def forget(scene: Any, names: Iterable[str], take: str, ids: Iterable[str] = ()) -> None:
    """Take ``take`` of the characters named ``names`` (face ids ``ids``) was removed: their entries
    of it go, another character's stay (a later take of that name is noted anew when it plays)."""
    if scene is None or HISTORY_PROP not in scene:
        return
    left = _without(played(scene), take, set(names), set(ids) - {""})
    if left:
        scene[HISTORY_PROP] = json.dumps(left)
    else:  # the last take removed: the scene as before any take
        del scene[HISTORY_PROP]


def latest(scene: Any, names: Iterable[str], takes: Iterable[str], ids: Iterable[str] = ()) -> str | None:
    """Of ``takes``, the one that played last for a character named in ``names`` (its mesh's, rig's
    or recorded names) whose face id is in ``ids``; None where the history names none of them (a file
    made before it)."""
    wanted, who, faces = set(takes), set(names), set(ids) - {""}
    twins = _twins()
    for entry in reversed(played(scene)):
        if entry["take"] not in wanted:
            continue
        entry_ids = entry.get("ids") or [""] * len(entry["pair"])
        if not entry["pair"] or any(
            _is_one_of(n, i, who, faces, twins) for n, i in zip(entry["pair"], entry_ids, strict=True)
        ):
            return str(entry["take"])
    return None
