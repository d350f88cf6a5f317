"""Which character keyed a kept take's action: one rule for the take list, Play Take, Remove Take's
take back (``addon/file_takes.py``, ``addon/take_back.py``) and Remove Take's own note of a take kept
under the one it removes (:mod:`.remove_take`).

A name is not the character: two characters that swap names merged their names into one group, and
both faces got Alice's take (review rv39g F1). A take records the datablocks it keyed
(``layers.KEYED_BY``: the ids ``layers.datablock_id`` gives them), and those decide; a take keyed
before it recorded them goes by its recorded name, renames followed (``layers.KNOWN_AS``). The rule
lived in ``addon/file_takes.py``; it is here so that the scene room, which never imports the add-on,
uses the same one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bpy

from . import layers
from .keying import OWNER_PROP, action_meta, is_ours

# (take, character, layer, names known as, datablock ids keyed, shape keys' names keyed)
Parsed = tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]
# (session uid, record length) -> Parsed: a redraw does not parse every record again
_RECORDS: dict[tuple[int, int], Parsed] = {}
_MAX_CACHED = 4096


def parsed(action: Any) -> Parsed:
    """What the take list and the owner rule read of an action's record (cached)."""
    raw = action.get(OWNER_PROP)
    key = (int(action.session_uid), len(raw) if isinstance(raw, str) else -1)
    cached = _RECORDS.get(key)
    if cached is not None:
        return cached
    meta = action_meta(action)
    known = layers.record_names(meta)[1]
    found = (
        str(meta.get("take", "")),
        str(meta.get("character", "")),
        str(meta.get("layer", "")),
        known,
        layers.record_ids(meta),
        layers.record_key_names(meta),
    )
    if len(_RECORDS) > _MAX_CACHED:
        _RECORDS.clear()
    _RECORDS[key] = found
    return found


def record(action: Any) -> tuple[str, str, str]:
    """(take, character, layer) an action of ours records; ("", "", "") for a damaged record."""
    return parsed(action)[:3]


def playing_records(idblocks: Iterable[Any]) -> list[tuple[str, str, str]]:
    """(take, character, layer) of each layer action our strips play on ``idblocks``, and of a take an
    older DualTalk keyed as one active action without layers (``layers.legacy_take``; layer "")."""
    idblocks = list(idblocks)
    return [
        record(strip.action)
        for idblock in idblocks
        for layer, strip in layers.our_strips(idblock).items()
        if layer != layers.REST and is_ours(strip.action)
    ] + [record(action) for action in map(layers.legacy_take, idblocks) if action is not None]


def _names(obj: Any, idblocks: Iterable[Any]) -> set[str]:
    """The names a character's take records may hold: its own, its face mesh's (``idblocks`` holds
    the mesh object), the one its playing take records (a character renamed since that take) and every
    name a take's record ties to those (``layers.KNOWN_AS``: renamed between takes; review rv39c F1,
    a take keyed under the new name stranded the earlier ones)."""
    idblocks = list(idblocks)
    names = {obj.name, *(b.name for b in idblocks if isinstance(b, bpy.types.Object))}
    names |= {character for _t, character, _l in playing_records(idblocks) if character}
    records = [(p[1], p[3]) for p in (parsed(a) for a in bpy.data.actions if is_ours(a)) if p[3]]
    return layers.linked_names(names, records) if records else names


def character_names(obj: Any, idblocks: Iterable[Any] | None = None) -> set[str]:
    """The names the takes of the character ``obj`` (mesh or rig) may be recorded under, renames
    followed (see :func:`_names`)."""
    return _names(obj, layers.character_idblocks(obj) if idblocks is None else idblocks)


@dataclass(frozen=True)
class Who:
    """A character asked about, as its takes' records can name it: the ids on its datablocks
    (:func:`.layers.datablock_id`), its names (renames followed, :func:`_names`), and the
    names its playing take says its earlier takes were keyed under (``known_as``)."""

    ids: frozenset[str]
    names: frozenset[str]
    history: frozenset[str]
    keys: frozenset[str] = frozenset()  # its shape-key datablocks' names


def who(obj: Any, idblocks: Iterable[Any]) -> Who:
    """The character ``obj`` (its datablocks ``idblocks``) as :func:`owner` asks about it."""
    idblocks = list(idblocks)
    ids = frozenset(i for i in (layers.datablock_id(b, create=False) for b in idblocks) if i)
    history: set[str] = set()
    for idblock in idblocks:
        for layer, strip in layers.our_strips(idblock).items():
            if layer != layers.REST and is_ours(strip.action):
                history |= set(parsed(strip.action)[3])
    keys = frozenset(b.name for b in idblocks if getattr(b, "id_type", "") == "KEY")
    return Who(ids, frozenset(_names(obj, idblocks)), frozenset(history), keys)


def owner(record_: Parsed, whos: list[Who]) -> int | None:
    """Which of the characters ``whos`` keyed the action of record ``record_``, or None (another
    character, or no telling which). The datablocks it records decide (a name is not the character:
    Alice and Bob swapping names merged their names into one group, and both faces got Alice's take,
    review rv39g F1; a new character given a retired name took the old one's takes). A take that
    records none (keyed before), or whose datablocks two of them hold (a face duplicated after the
    take, its shape keys' datablock name not the recorded one either), goes by its recorded name: to
    the one character that name is known for, else the one whose playing take says its earlier takes
    were keyed under it, else to none."""
    character, ids = record_[1], record_[4]
    pool = list(range(len(whos)))
    if ids:
        pool = [i for i in pool if layers.same_datablocks(ids, whos[i].ids)]
        if len(pool) > 1:  # a face and its copy: the shape keys' datablock names tell them apart
            pool = [i for i in pool if whos[i].keys & set(record_[5])] or pool
        if len(pool) == 1:
            return pool[0]
    named = [i for i in pool if character in whos[i].names]
    if len(named) > 1:
        named = [i for i in named if character in whos[i].history]
    return named[0] if len(named) == 1 else None


def keyed_actions(objs: Iterable[Any], take: str) -> list[list[Any]]:
    """For each of the characters ``objs`` (asked about together), the actions of ``take`` it keyed,
    every layer and the rest's: never one another of them keyed (:func:`owner`)."""
    chars = [(o, layers.character_idblocks(o)) for o in objs]
    whos = [who(o, idblocks) for o, idblocks in chars]
    out: list[list[Any]] = [[] for _ in chars]
    for action in bpy.data.actions:
        if is_ours(action):
            found = parsed(action)
            if found[0] == take and (i := owner(found, whos)) is not None:
                out[i].append(action)
    return out


def kept_takes(objs: Iterable[Any], i: int, besides: str = "") -> list[str]:
    """The takes other than ``besides`` that the file keeps (a fake user, not playing) of the
    character ``objs[i]``, the characters ``objs`` asked about together (:func:`owner`), in the
    file's order."""
    chars = [(o, layers.character_idblocks(o)) for o in objs]
    whos = [who(o, idblocks) for o, idblocks in chars]
    out: list[str] = []
    for action in bpy.data.actions:
        if is_ours(action) and action.use_fake_user:
            found = parsed(action)
            if found[0] and found[0] != besides and found[0] not in out and owner(found, whos) == i:
                out.append(found[0])
    return out
