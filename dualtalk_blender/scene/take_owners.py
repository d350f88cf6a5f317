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
from dataclasses import dataclass, field
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
    claims: Claims | None = field(default=None, compare=False)  # who else holds its ids (copies)


@dataclass(frozen=True)
class Claims:
    """The datablocks of the file that hold a character's ids, or held them until keying gave a copy
    its own (``layers.ID_WAS_PROP``): Blender copies an id with the datablock (Shift+D, a scene's Full
    Copy, one asset appended twice), so an id a take records says only "one of these keyed it"
    (review rv40b F1). ``mine``: the session uids of the character's own datablocks; the file is
    read for a kind of datablock (shape keys, objects) only when a record asks about one."""

    ids: frozenset[str]  # the character's ids (held, or copied with)
    mine: frozenset[int]
    my_keys: frozenset[int]  # the uids of its shape-key datablocks that hold an id
    # id -> (session uid, name, holds it as its original), by kind read so far
    by_kind: dict[str, dict[str, list[tuple[int, str, bool]]]] = field(default_factory=dict)

    def _holders(self, recorded: str) -> list[tuple[int, str, bool]]:
        kind = recorded.partition(":")[0]
        if kind not in self.by_kind:
            found: dict[str, list[tuple[int, str, bool]]] = {}
            for held, blocks in layers.id_holders(kind, self.ids).items():
                first = int(layers.original_holder(blocks).session_uid)
                found[held] = [(int(b.session_uid), b.name, int(b.session_uid) == first) for b in blocks]
            for was, blocks in layers.id_holders(kind, self.ids, layers.ID_WAS_PROP).items():
                found.setdefault(was, []).extend((int(b.session_uid), b.name, False) for b in blocks)
            self.by_kind[kind] = found
        return self.by_kind[kind].get(recorded, [])

    def keyer(self, recorded: str, keyed_keys: set[str]) -> int | None:
        """The uid of the datablock that keyed a take recording id ``recorded`` and the shape-key
        datablocks named ``keyed_keys``: the one holder; else the one whose name the take recorded
        (a copy keyed by a DualTalk that gave it no id of its own); else the id's original."""
        if recorded not in self.ids:
            return None  # none of the character's: whoever keyed it, not this one
        found = self._holders(recorded)
        if len(found) == 1:
            return found[0][0]
        named = [uid for uid, name, _o in found if recorded.startswith("KEY:") and name in keyed_keys]
        if len(named) == 1:
            return named[0]
        return next((uid for uid, _n, original in found if original), None)

    def keyed(self, record_: Parsed) -> bool:
        """Whether the character's own datablocks keyed the action of record ``record_`` (by its
        shape keys where both it and the record have them, as ``layers.same_datablocks``)."""
        keyed_keys = set(record_[5])
        keys = [i for i in record_[4] if i.startswith("KEY:")]
        if keys and self.my_keys:
            return any(self.keyer(i, keyed_keys) in self.my_keys for i in keys)
        return any(self.keyer(i, keyed_keys) in self.mine for i in record_[4])


def _claims(idblocks: list[Any], ids: frozenset[str]) -> Claims:
    """What tells the character with ``idblocks`` (holding ``ids``) from copies of it (:class:`Claims`)."""
    stamped = [b for b in idblocks if b.get(layers.ID_PROP) or b.get(layers.ID_WAS_PROP)]
    return Claims(
        ids,
        frozenset(int(b.session_uid) for b in idblocks),
        frozenset(int(b.session_uid) for b in stamped if getattr(b, "id_type", "") == "KEY"),
    )


def who(obj: Any, idblocks: Iterable[Any]) -> Who:
    """The character ``obj`` (its datablocks ``idblocks``) as :func:`owner` asks about it."""
    idblocks = list(idblocks)
    held = [layers.datablock_id(b, create=False) for b in idblocks]
    was = [b.get(layers.ID_WAS_PROP) for b in idblocks if hasattr(b, "get")]
    ids = frozenset(i for i in [*held, *was] if isinstance(i, str) and i)
    history: set[str] = set()
    for idblock in idblocks:
        for layer, strip in layers.our_strips(idblock).items():
            if layer != layers.REST and is_ours(strip.action):
                history |= set(parsed(strip.action)[3])
    keys = frozenset(b.name for b in idblocks if getattr(b, "id_type", "") == "KEY")
    claims = _claims(idblocks, ids) if ids else None
    return Who(ids, frozenset(_names(obj, idblocks)), frozenset(history), keys, claims)


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
        # an id Blender copied with the datablock: this one's only where its own datablock keyed it
        pool = [i for i in pool if (c := whos[i].claims) is None or c.keyed(record_)]
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
