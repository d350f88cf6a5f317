"""Which takes played in a scene, latest last: the take Remove Take plays again.

A take starts playing when Generate keys it (:func:`.apply.apply_dialogue_steps`, the ``animate``
command and scripts too) and when Play Take swaps it in (``addon/file_takes.play_take``, Remove
Take's fallback included). Remove Take of the take playing, where the file keeps several others the
characters can play, used to play the one whose name sorts last in number order: the file did not
record which played before (Generate v1, v2, Play Take v1, Generate v3, Remove Take: v2 played, not
v1). The scene now keeps a short history (:data:`HISTORY_PROP`) and Remove Take plays the latest
take in it that is still kept; a file made before keeps none, and the number order still decides.

The history is a scene custom property, like the kept turn markers (``apply.KEPT_MARKERS_PROP``):
JSON, a list of ``{"take": name, "pair": [character names]}``, latest last, each take of a pair
once, at most :data:`MAX_PLAYED` entries. A damaged one reads as none (the number order decides)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .records import DamagedRecord, parse

HISTORY_PROP = "dualtalk_played_takes"  # scene custom property: the takes that played, latest last (JSON)
MAX_PLAYED = 32  # entries kept: more than an animator compares, small enough to rewrite each time


def played(scene: Any) -> list[dict[str, Any]]:
    """The scene's history of the takes that played, latest last (``take``, ``pair``); entries that
    do not read as one are left out, a damaged record reads as none."""
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
        out.append({"take": entry["take"], "pair": names})
    return out


def note_played(scene: Any, pair: Iterable[str], take: str) -> None:
    """Take ``take`` of the characters named ``pair`` starts playing in ``scene``: it becomes the
    latest (an earlier entry of it for any of them goes)."""
    if scene is None or not take:
        return
    names = [str(n) for n in pair]
    kept = [e for e in played(scene) if not (e["take"] == take and _shares(e, set(names)))]
    kept.append({"take": str(take), "pair": names})
    scene[HISTORY_PROP] = json.dumps(kept[-MAX_PLAYED:])


def forget(scene: Any, names: Iterable[str], take: str) -> None:
    """Take ``take`` of the characters named ``names`` was removed: its entries go (a later take of
    that name is noted anew when it plays)."""
    if scene is None or HISTORY_PROP not in scene:
        return
    who = set(names)
    left = [e for e in played(scene) if not (e["take"] == take and _shares(e, who))]
    if left:
        scene[HISTORY_PROP] = json.dumps(left)
    else:  # the last take removed: the scene as before any take
        del scene[HISTORY_PROP]


def latest(scene: Any, names: Iterable[str], takes: Iterable[str]) -> str | None:
    """Of ``takes``, the one that played last for a character named in ``names`` (its mesh's, rig's
    or recorded names); None where the history names none of them (a file made before it)."""
    wanted, who = set(takes), set(names)
    for entry in reversed(played(scene)):
        if entry["take"] in wanted and _shares(entry, who):
            return str(entry["take"])
    return None


def _shares(entry: dict[str, Any], names: set[str]) -> bool:
    """Whether a history entry is of one of the characters ``names`` (an entry naming none: any)."""
    return not entry["pair"] or bool(set(entry["pair"]) & names)
