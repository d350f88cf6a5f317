"""What each script line of a take was read as, kept in the .blend as a text of the Text Editor.

A take drawn from a typed script leaves ``script_read.tsv`` beside its motion files: the words said
for the digits, dates and titles typed (:mod:`...inference.phonetic.script_reading`). Generate keys
its take at once and removes its run folder, so the animator never saw what their script was read
as. Here the reading goes into a text of the file, one per take of a pair (``DualTalk script read –
v1 (Alice & Bob)``): the next take of that name replaces it, Remove Take removes it with the take.

A text is DualTalk's by the record :data:`PROP` on it (the take, its characters and a digest of the
words written), and only while it reads as written: one the animator edited, saved to a file or
linked from a library is theirs, as is any text without the record; none of those is ever
replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import bpy

from ...inference.core import safe_json
from . import take_owners
from .keying import is_ours

PROP = "dualtalk_script_read"  # on a text DualTalk wrote: {"take", "characters", "digest"}
TITLE = "DualTalk script read"
MAX_RECORD = 4096  # far more than a record of a take name and two character names takes


def text_name(take: str, characters: Sequence[str]) -> str:
    """``DualTalk script read – v1 (Alice & Bob)``; Blender adds ``.001`` where the name is taken."""
    return f"{TITLE} – {take} ({' & '.join(characters)})"


def _digest(words: str) -> str:
    return hashlib.sha256(words.encode("utf-8", "surrogatepass")).hexdigest()


def record(text: Any) -> dict[str, Any] | None:
    """The record on ``text`` when it is one DualTalk writes, else None (no record, or another shape:
    a text some other tool tagged is left alone like any of the animator's)."""
    raw = text.get(PROP)
    if not isinstance(raw, str) or len(raw) > MAX_RECORD:
        return None
    try:
        got = safe_json.loads(raw, "it")
    except Exception:
        return None
    if not isinstance(got, dict):
        return None
    take, names, digest = got.get("take"), got.get("characters"), got.get("digest")
    if not (isinstance(take, str) and isinstance(digest, str) and isinstance(names, list)):
        return None
    if not all(isinstance(n, str) for n in names):
        return None
    return {"take": take, "characters": names, "digest": digest}


def as_written(text: Any) -> bool:
    """Whether ``text`` is DualTalk's reading as written: in this file, not saved to a file, its words
    unchanged. Only such a text is replaced or removed."""
    said = record(text)
    return (
        said is not None
        and text.library is None
        and not text.filepath
        and _digest(text.as_string()) == said["digest"]
    )


def _of_take(text: Any, take: str, characters: Sequence[str]) -> bool:
    said = record(text)
    return said is not None and said["take"] == take and sorted(said["characters"]) == sorted(characters)


def _known(characters: Iterable[Any]) -> list[set[str]]:
    """For each character (its object, or its name as the file has it now), the names its takes may be
    recorded under, renames followed as the take list, Play Take and Remove Take follow them
    (:func:`.take_owners.character_names`): a text records the names at keying, and Alice renamed
    Alicia still owns the reading of the take keyed as Alice."""
    out = []
    for who in characters:
        obj = bpy.data.objects.get(who) if isinstance(who, str) else who
        names = {who} if isinstance(who, str) else set()
        if obj is not None:
            names |= {obj.name, *take_owners.character_names(obj)}
        out.append(names)
    return out


def _of_characters(text: Any, take: str, known: list[set[str]]) -> bool:
    """Whether ``text`` is the reading of the take ``take`` of the characters whose names are ``known``
    (:func:`_known`; either order)."""
    said = record(text)
    if said is None or said["take"] != take or len(said["characters"]) != len(known):
        return False
    recorded = set(said["characters"])
    return all(names & recorded for names in known) and all(any(n in k for k in known) for n in recorded)


def _ours(take: str, characters: Sequence[str]) -> list[Any]:
    """The texts as written of the take ``take`` of ``characters`` (either order)."""
    return [t for t in bpy.data.texts if as_written(t) and _of_take(t, take, characters)]


def find(take: str, characters: Sequence[Any]) -> Any | None:
    """The reading of the take ``take`` of ``characters`` (objects, or their names now; renamed since
    the take: :func:`_known`): DualTalk's as written, else one of it the animator edited (theirs now,
    still its reading); None when the file keeps none."""
    known = _known(characters)
    mine = [t for t in bpy.data.texts if t.library is None and _of_characters(t, take, known)]
    return next((t for t in mine if as_written(t)), mine[0] if mine else None)


def write(words: str, take: str, characters: Sequence[str]) -> Any:
    """The reading ``words`` (a ``script_read.tsv``'s text) of the take ``take`` of ``characters`` (A,
    B: their face meshes' names) in its text: the one DualTalk wrote for that take, replaced, else a
    new one. Returns the text."""
    ours = _ours(take, characters)
    text = ours[0] if ours else bpy.data.texts.new(text_name(take, characters))
    for extra in ours[1:]:  # two texts of one take (a file joined from two): one is kept
        bpy.data.texts.remove(extra)
    text.from_string(words)
    text[PROP] = json.dumps(
        {"take": take, "characters": list(characters), "digest": _digest(text.as_string())},
        ensure_ascii=False,
    )
    return text


def drop(take: str, characters: Sequence[str]) -> list[str]:
    """The reading of the take ``take`` of ``characters`` removed, where DualTalk's text is as written
    (a take made without a typed script replaces a take that had one); the names removed."""
    return _removed(_ours(take, characters))


def drop_unheld(characters: Iterable[Any]) -> list[str]:
    """After a take is removed from ``characters`` (face meshes, or their names): each of DualTalk's readings as
    written of a take of theirs that no character it names still holds (no layer action of ours
    records that take for any of them: neither playing nor kept in the file) removed; the names
    removed. A reading of a take one character still plays (Remove Take of A only) stays."""
    return _removed(unheld(characters))


def unheld(characters: Iterable[Any], going: Iterable[Any] = ()) -> list[Any]:
    """DualTalk's readings as written of a take of ``characters`` (face meshes, or their names; renamed
    since the take: :func:`_known`) that none of the characters it names holds once the actions
    ``going`` are gone too (Remove Take's confirmation asks before they go)."""
    names = set().union(*_known(characters))
    held = _held_takes({int(a.session_uid) for a in going})
    out = []
    for text in bpy.data.texts:
        said = record(text)
        if said is None or not names & set(said["characters"]) or not as_written(text):
            continue
        if not any((said["take"], who) in held for who in said["characters"]):
            out.append(text)
    return out


def _held_takes(besides: set[int]) -> set[tuple[str, str]]:
    """(take, character) of every layer action of ours in the file but those whose session uids are
    ``besides``, under each name its record knows the character by (renamed between takes)."""
    held = set()
    for action in bpy.data.actions:
        if is_ours(action) and int(action.session_uid) not in besides:
            take, who, _layer, known, _ids, _keys = take_owners.parsed(action)
            held |= {(take, name) for name in (who, *known) if take and name}
    return held


def _removed(texts: list[Any]) -> list[str]:
    names = [str(t.name) for t in texts]
    for text in texts:
        bpy.data.texts.remove(text)
    return names
