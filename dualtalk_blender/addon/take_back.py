"""The panel's Remove Take when the file keeps an earlier take of the characters: that take plays
again, instead of nothing.

An animator compares takes by giving *Take* a new name and pressing Generate: the earlier take's
actions stay in the file (``scene/layers.py``). Removing the new take used to strip the characters
to how they were before DualTalk keyed them, and Play Take then refused the kept take (it swaps a
take's actions into the layers of the one playing, and none played) until a throw-away Generate
(review rv35b, F4). Now the panel's Remove Take plays a kept take the characters can play instead
(:func:`..addon.file_takes.play_take`: one of the same recording, part, first frame and rate keeps
the scene's turn markers, sound strips and frame range; one of another part or recording brings its
own, :mod:`.take_scene`) and deletes the removed take's actions; what the characters were before
their first take stays recorded, so a later Remove Take of the last take puts them back as before. A
kept take whose recording is gone or changed cannot play in its place: then Remove Take works as
before and its line names the kept takes.

Of several the characters can play, the one that played last before the removed one plays: the
scene keeps which takes played, latest last (:mod:`..scene.take_history`, noted by Generate and Play
Take). Before, the file did not record it and the one whose name sorts last in number order played
(Generate v1, v2, Play Take v1, Generate v3, Remove Take: v2, not v1); that rule still decides in a
file made before the history was kept. The line names the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import same_source
from ..scene import layers, take_history
from ..scene.character_face import face as face  # the operators name the characters by it
from ..scene.keying import action_meta
from . import file_takes, take_scene


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class TakeBack:
    """Remove Take of ``removed`` from ``characters`` (face meshes), playing ``back`` instead;
    ``others``: further kept takes they could play, which stay in the file. Where the characters
    played different takes (Play Take for one character: a take redone for B only), ``each`` holds
    every character's (character, removed, back): each goes back to the take it played before."""

    characters: list[Any]
    removed: str
    back: str
    others: list[str]
    each: tuple[tuple[Any, str, str], ...] = ()
    edits: str = ""  # the keys edited by hand inside the removed take's layers, which go with it

    def who(self) -> str:
        return _names([o.name for o in self.characters])

    def _removed_words(self) -> str:
        if not self.each:
            return f"take {self.removed!r} from {self.who()}"
        return _names([f"take {removed!r} from {c.name}" for c, removed, _b in self.each])

    def _back_words(self) -> str:
        if not self.each:
            return f"take {self.back!r}, which the file keeps, plays again"
        return (
            _names([f"{c.name} plays take {back!r} again" for c, _r, back in self.each])
            + " (each the take it played before, which the file keeps),"
        )

    def question(self) -> str:
        """The confirmation: what goes, what plays instead, what stays."""
        return (
            f"Remove {self._removed_words()}: {'their' if self.each else 'its'} actions go, and "
            f"{self._back_words()} with the turn "
            f"markers, sound strips and frame range."
            f"{' ' + self.also()[0].upper() + self.also()[1:] + '.' if self.others else ''} "
            "Your own tracks, actions and keys stay"
            + (
                f", but not the keys edited inside the removed take: {self.edits} (Ctrl+Z brings them back)."
                if self.edits
                else "."
            )
        )

    def also(self) -> str:
        """'take 'v1' stays in the file too (Play Take brings it back)', or "" when none is left."""
        if not self.others:
            return ""
        one = len(self.others) == 1
        names = ", ".join(repr(n) for n in self.others)
        return (
            f"take{'' if one else 's'} {names} stay{'s' if one else ''} in the file too (Play Take brings "
            f"{'it' if one else 'one'} back)"
        )


def _character_names(obj: Any, meta: dict[str, Any]) -> set[str]:
    """The names a character's take records may hold: its objects', its playing take's and every
    name a take's record ties to those (renamed between takes, ``file_takes.character_names``)."""
    return file_takes.character_names(obj) | {str(meta.get("character", ""))} - {""}


def _take_records(take: str, chars: list[Any]) -> list[dict[str, Any] | None]:
    """For each of ``chars`` (asked about together), the record of a layer action (not the rest) of
    ``take`` it keyed, or None: by the datablocks the take keyed, never another one's
    (``file_takes.keyed_actions``; review rv39g F1: two characters that swapped names)."""
    out: list[dict[str, Any] | None] = []
    for actions in file_takes.keyed_actions(chars, take):
        metas = (action_meta(a) for a in actions)
        out.append(next((m for m in metas if m.get("layer") != layers.REST), None))
    return out


def _in_place(kept: dict[str, Any], now: dict[str, Any]) -> bool:
    """Whether a kept take plays over what the scene holds for the one playing: the same first
    frame, rate and recording."""
    ra, rb = kept.get("audio"), now.get("audio")
    if kept.get("start_frame") == now.get("start_frame") and kept.get("fps") == now.get("fps"):
        return (ra is None and rb is None) or (ra is not None and rb is not None and same_source(ra, rb))
    return False


def _plays_here(kept: dict[str, Any], now: dict[str, Any], scene: Any, who: str, pair: list[str]) -> bool:
    """Whether a kept take can play instead of the one playing now: over what the scene holds for it
    (the same first frame, rate and recording), or with its own sound strips, markers and range where
    its recording is found (Play Take's own rule, ``file_takes``, :mod:`.take_scene`)."""
    if _in_place(kept, now):
        return True
    try:
        take_scene.plan_scene(scene, str(kept.get("take", "")), who, kept, pair)
    except DualTalkError:
        return False
    return True


def plan_take_back(objs: Iterable[Any], scene: Any = None) -> TakeBack | None:
    """What the panel's Remove Take does instead of stripping the characters ``objs`` (those that carry
    a take), or None: they play one take in layers and the file keeps another of theirs they can
    play in its place, or they play different takes and each has one it played before. Changes
    nothing."""
    chars = [face(o) for o in objs if o is not None]
    chars = [c for i, c in enumerate(chars) if all(c != d for d in chars[:i])]
    if not chars:
        return None
    metas = [layers.take_meta(c) for c in chars]
    playing = {str(m.get("take", "")) for m in metas if m is not None}
    if any(m is None for m in metas) or "" in playing:
        return None  # an older DualTalk's single-action take: Remove Take as it was
    scene = scene or bpy.context.scene
    if len(playing) > 1:
        return _plan_each(chars, [m or {} for m in metas], scene)
    removed = playing.pop()
    pair = [c.name for c in chars]
    usable: list[str] = []
    for take in reversed(file_takes.kept_not_playing(chars)):
        records = _take_records(take, chars)
        if all(
            r is not None and _plays_here(r, m or {}, scene, c.name, pair)
            for r, m, c in zip(records, metas, chars, strict=True)
        ):
            usable.append(take)
    if not usable:
        return None
    names = set().union(*(_character_names(c, m or {}) for c, m in zip(chars, metas, strict=True)))
    ids = [i for c in chars for i in take_history.face_ids(c)]  # a face's ids before its names (swaps)
    back = take_history.latest(scene, names, usable, ids) or usable[0]  # else: the name sorting last
    edits = layers.going_edits_words(layers.edits_in(_doomed(chars, removed)[2]))
    return TakeBack(chars, removed, back, [t for t in usable if t != back], edits=edits)


def _plan_each(chars: list[Any], metas: list[dict[str, Any]], scene: Any) -> TakeBack | None:
    """Characters playing different takes (review rv39c F4: Alice on v1, Bob on v3 after Play Take for
    Alice alone): each goes back to the take it played before, one of the same recording, part, first
    frame and rate (a take of another one brings its own sound, which the other character's take does
    not play over); None where one of them has none (Remove Take as it was; its line names the takes
    kept)."""
    each: list[tuple[Any, str, str]] = []
    for i, (c, meta) in enumerate(zip(chars, metas, strict=True)):
        names = _character_names(c, meta)
        usable = [
            take
            for take in reversed(file_takes.kept_not_playing([c]))
            if (record := _take_records(take, chars)[i]) is not None and _in_place(record, meta)
        ]
        if not usable:
            return None
        back = take_history.latest(scene, names, usable, take_history.face_ids(c)) or usable[0]
        each.append((c, str(meta.get("take", "")), back))
    removed = " and ".join(dict.fromkeys(r for _c, r, _b in each))
    back = " and ".join(dict.fromkeys(b for _c, _r, b in each))
    going = [a for c, r, _b in each for a in _doomed(chars, r, c)[2]]
    return TakeBack(chars, removed, back, [], tuple(each), layers.going_edits_words(layers.edits_in(going)))


def _doomed(chars: list[Any], removed: str, only: Any = None) -> tuple[set[str], set[str], list[Any]]:
    """The names and face ids of ``chars`` (or of ``only``, one of them) and the actions of their take
    ``removed`` they keyed (never those of the other one of them, nor of a character not asked about)."""
    mine = [c for c in chars if only is None or c == only]
    names = set().union(*(_character_names(c, layers.take_meta(c) or {}) for c in mine))
    ids = {i for c in mine for i in take_history.face_ids(c)}
    keyed = file_takes.keyed_actions(chars, removed)
    doomed = [
        a for c, actions in zip(chars, keyed, strict=True) if only is None or c == only for a in actions
    ]
    return names, ids, doomed


def take_back(plan: TakeBack, scene: Any) -> str:
    """Play ``plan.back`` on its characters and delete the removed take's actions that nothing plays
    any more (another character's take keeps its own); returns the status line. Refuses, changing
    nothing, where Play Take does (:class:`DualTalkError`)."""
    if plan.each:
        return _take_each_back(plan, scene)
    names, ids, doomed = _doomed(plan.characters, plan.removed)
    played = file_takes.play_take(plan.characters, plan.back, scene)
    take_history.forget(scene, names, plan.removed, ids)
    plays = "plays" if len(plan.characters) == 1 else "play"
    said = f"DualTalk: {plan.who()} {plays} take {plan.back!r}; the other takes stay in the file"
    extra = played[len(said) :] if played.startswith(said) else ""
    gone = _remove_unplayed(doomed)
    own = extra.startswith("; its ")  # another part or recording: what of it the scene got back, said
    lost = f"; {plan.edits} (Ctrl+Z brings them back)" if plan.edits else ""  # the loss first (rv41a F2)
    line = (
        f"DualTalk: removed take {plan.removed!r} from {plan.who()} ({gone} action{'' if gone == 1 else 's'})"
        f"{lost}; take {plan.back!r} plays again"
        f"{'' if own else ', with the turn markers, sound strips and frame range'}"
    )
    return (
        line + (extra if own else "") + (f"; {plan.also()}" if plan.others else "") + ("" if own else extra)
    )


def _remove_unplayed(doomed: list[Any]) -> int:
    gone = 0
    for action in doomed:
        if action.users - int(action.use_fake_user) <= 0:
            bpy.data.actions.remove(action)
            gone += 1
    return gone


def _take_each_back(plan: TakeBack, scene: Any) -> str:
    """:func:`take_back` where each character goes back to its own take (:func:`_plan_each`)."""
    chars = [c for c, _r, _b in plan.each]
    doomed = [(c, removed, *_doomed(chars, removed, c)) for c, removed, _back in plan.each]
    notes: list[str] = []
    for c, _removed, back in plan.each:  # each checked by Play Take before it changes anything
        played = file_takes.play_take([c], back, scene)
        said = f"DualTalk: {c.name} plays take {back!r}; the other takes stay in the file"
        extra = played[len(said) :] if played.startswith(said) else ""
        notes += [extra] if extra and extra not in notes else []
    gone = 0
    for _c, removed, names, ids, actions in doomed:
        take_history.forget(scene, names, removed, ids)
        gone += _remove_unplayed(actions)
    lost = f"; {plan.edits} (Ctrl+Z brings them back)" if plan.edits else ""
    return (
        f"DualTalk: removed {plan._removed_words()} ({gone} action{'' if gone == 1 else 's'}){lost}; "
        f"{_names([f'{c.name} plays take {back!r} again' for c, _r, back in plan.each])}, with the turn "
        f"markers, sound strips and frame range{''.join(notes)}"
    )
