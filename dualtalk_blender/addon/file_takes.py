"""The takes a .blend holds for the panel's characters: the one that plays, the earlier ones a
Generate under another *Take* name kept in the file (their actions keep a fake user,
``scene/layers.py``), and one of those played again.

A kept take is played again by swapping its actions into DualTalk's strips, layer by layer, on the
slots the playing take uses: the strips (influence, mute, where the take plays as a whole) and
everything of the animator's stay; a layer the animator nudged on its own, a scale and a repeat go with
the kept take (:func:`..scene.moved_take.restore_placements`). A take of another recording, part, first frame or frame rate brings its own sound strips, turn
markers and frame range (:mod:`.take_scene`, from its record); one whose recording is gone or changed
is refused in one line naming it, nothing changed.

The panel is filled from the take that plays (*Use Take's Settings*, :func:`use_take_settings`), on
request rather than when a file opens: a .blend made by ``animate`` opens with an empty panel, and
opening a file never changes it behind the animator's back. The take's record (``action["dualtalk"]``)
names the characters by role and the recording by file name, contents, part and sound; the files
themselves are found where the take's sound strips play them, where an ``animate`` take's motion
files say they were read (its ``OUT.dualtalk/`` folder, beside its dialogue strip), or beside the
.blend, and only with the recorded contents. The keys are read from the layers (far fewer keys than
frames: *Reduced*). :func:`differences` says while drawing, from the record alone, which of the
panel's settings are not the take's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bpy

from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import same_source
from ..rig.options import AUTO, SIDE_BY_SIDE_ITEMS
from ..scene import compat, layers, moved_take, take_history
from ..scene.deleted_parts import deleted_parts, deleted_warning
from ..scene.keying import OWNER_PROP, action_meta, is_ours
from ..scene.older_takes import motion_record, with_motion_record
from ..scene.paths import abspath
from ..scene.take_owners import Who as _Who
from ..scene.take_owners import character_names as character_names  # Remove Take's names, renames followed
from ..scene.take_owners import keyed_actions as keyed_actions  # Remove Take's actions of a take
from ..scene.take_owners import owner as _owner
from ..scene.take_owners import parsed as _parsed
from ..scene.take_owners import playing_records as _playing_records
from ..scene.take_owners import record as _record
from ..scene.take_owners import who as _who
from . import panel_options

_MAX_CACHED = 4096  # records kept parsed between redraws
_SIDE_LABELS = {value: label for value, label, _tip in SIDE_BY_SIDE_ITEMS}


@dataclass(frozen=True)
class FileTake:
    """One take of the characters in the file: its name, whether it plays now, and ``only``: the
    characters that hold it where not all of those asked about do (a half-take: Play Take cannot play
    it for the pair; review rv39c F4), else empty."""

    name: str
    playing: bool
    only: tuple[str, ...] = ()


def _one_action_take(obj: Any) -> dict[str, Any] | None:
    """The record of the take ``obj`` plays as one active action without layers (keyed by a DualTalk
    from before takes were NLA layers, November 2026), or None."""
    for idblock in layers.character_idblocks(obj):
        action = layers.legacy_take(idblock)
        if action is not None:
            return action_meta(action)
    return None


def _take_meta(obj: Any) -> dict[str, Any] | None:
    """The record of the take ``obj`` plays: in its layers, else as one action (an older DualTalk's)."""
    meta = layers.take_meta(obj)
    return meta if meta is not None else _one_action_take(obj)


def _face_name(obj: Any, idblocks: list[Any]) -> str:
    """The character as status lines name it: its face mesh (``idblocks`` holds the mesh object)."""
    mesh = next((b for b in idblocks if isinstance(b, bpy.types.Object) and b.type == "MESH"), None)
    return str((mesh or obj).name)


def takes_in_file(characters: Iterable[tuple[Any, list[Any]]]) -> list[FileTake]:
    """The takes the file holds of the panel's characters, each given with its datablocks
    (``layers.character_idblocks``, cached by the panel), by name; ``playing``: the one their strips
    play now. A take counts once either character has it (a kept one: its rest action and a layer
    action, what Play Take plays); one that not every character holds says which do (``only``)."""
    held: dict[str, list[str]] = {}
    playing: set[str] = set()
    chars = [(obj, list(idblocks)) for obj, idblocks in characters]
    who = [_face_name(obj, idblocks) for obj, idblocks in chars]
    whos = [_who(obj, idblocks) for obj, idblocks in chars]
    mine = [{take for take, _c, _l in _playing_records(idblocks) if take} for _o, idblocks in chars]
    for own in mine:
        playing |= own
    layered: list[set[str]] = [set() for _c in chars]  # takes with a layer action of the character's
    rests: list[set[str]] = [set() for _c in chars]  # ... and with its rest action
    single: list[set[str]] = [set() for _c in chars]  # an older DualTalk's one-action takes (no layer)
    for action in bpy.data.actions:
        if is_ours(action):
            parsed = _parsed(action)
            if parsed[0]:
                i = _owner(parsed, whos)
                if i is not None:
                    kind = rests if parsed[2] == layers.REST else single if not parsed[2] else layered
                    kind[i].add(parsed[0])
    for own, found, rest, one in zip(mine, layered, rests, single, strict=True):
        # kept: what Play Take can play (its rest and a layer; a one-action take, which it names); a layer
        # action the animator's own strip plays after Remove Take is theirs, not a kept take (rv41a F6)
        own |= (found & rest) | one
    for face, own in zip(who, mine, strict=True):
        for take in own:
            held.setdefault(take, []).append(face)
    return [
        FileTake(name, name in playing, () if len(held[name]) == len(who) else tuple(held[name]))
        for name in sorted(held, key=take_order)
    ]


def take_order(name: str) -> tuple[tuple[int, int | str], ...]:
    """A take name's place in the list, numbers read as numbers: take9 before take10 (review rv35c F6:
    Remove Take of take11 played take9 again, the name sorting last as text)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold()) for part in re.split(r"(\d+)", name)
    )


def _kept(objs: Iterable[Any]) -> list[FileTake]:
    return [t for t in takes_in_file([(o, layers.character_idblocks(o)) for o in objs]) if not t.playing]


def _held_by(obj: Any) -> list[str]:
    """The takes the file holds of the character ``obj``, playing or kept."""
    return [t.name for t in takes_in_file([(obj, layers.character_idblocks(obj))])]


def kept_not_playing(objs: Iterable[Any]) -> list[str]:
    """The takes the file keeps of ``objs`` that none of them plays: a take Remove Take left behind
    when another one played over it (its actions have a fake user)."""
    return [t.name for t in _kept(objs)]


def _drop_words(kept: list[str]) -> str:
    """How to drop kept takes no button reaches."""
    pattern = ", ".join(f"DualTalk_{name}_*" for name in kept)
    return (
        f" (or drop {'it' if len(kept) == 1 else 'them'}: Outliner > Blender File > Actions, clear the fake "
        f"user of {pattern}, then File > Clean Up)"
    )


def kept_line(objs: Iterable[Any]) -> str:
    """`` (the file still keeps take 'X' of them, not playing: ...)`` or "" (Remove Take's words)."""
    takes = _kept(objs)
    kept = [t.name for t in takes]
    if not kept:
        return ""
    names = ", ".join(f"{t.name!r}" + (f" ({' and '.join(t.only)} only)" if t.only else "") for t in takes)
    return (
        f" (the file still keeps take{'s' if len(kept) > 1 else ''} {names} of them, not playing: Generate a "
        f"take, then Play Take brings {'it' if len(kept) == 1 else 'one'} back{_drop_words(kept)})"
    )


def _kept_action(take: str, layer: str, whos: list[_Who], i: int) -> Any | None:
    """The action of ``take``'s ``layer`` that the character ``whos[i]`` keyed (:func:`_owner`: never
    one of the other characters asked about)."""
    for action in bpy.data.actions:
        if not is_ours(action):
            continue
        parsed = _parsed(action)
        if parsed[0] == take and parsed[2] == layer and _owner(parsed, whos) == i:
            return action
    return None


def _slot_like(action: Any, slot: Any) -> Any | None:
    """The slot of ``action`` for the datablock ``slot`` (of the playing take's action) animates: the
    one of the same identifier, else the only one for that kind of datablock (a slot is named after
    the datablock when first keyed: a take keyed before the character was renamed has ``KEAlice``
    where the playing one has ``KEAnna``)."""
    if slot is None:
        return None
    for candidate in action.slots:
        if candidate.identifier == slot.identifier:
            return candidate
    kind = getattr(slot, "target_id_type", None)
    same = [c for c in action.slots if kind is not None and getattr(c, "target_id_type", None) == kind]
    return same[0] if len(same) == 1 else None


def _same_recording(
    name: str, kept: dict[str, Any], now: dict[str, Any], who: str
) -> tuple[bool, str | None]:
    """Whether a kept take was made from the playing take's recording, part, first frame and rate (its
    sound strips, markers and range are then the scene's already), and a note. A take keyed before takes
    recorded their recording (no ``audio`` and no ``take_id``: b445cdb's records) cannot be checked
    beyond its first frame and rate: played in place, and the note says so. Another one is played with
    its own strips, markers and range (:mod:`.take_scene`)."""
    same = kept.get("start_frame") == now.get("start_frame") and kept.get("fps") == now.get("fps")
    ra, rb = kept.get("audio"), now.get("audio")
    older = [m for m in (kept, now) if m.get("audio") is None and not m.get("take_id")]
    if same and older and (ra is None) != (rb is None):
        unsaid = str(older[0].get("take", ""))
        return True, (
            f"take {unsaid!r} was keyed by an older DualTalk that did not record its recording: check "
            "that it plays over the same sound"
        )
    if same and (ra is None) != (rb is None):
        same = False
    elif same and ra is not None and rb is not None:
        same = same_source(ra, rb)
    return same, None


def play_take(objs: Iterable[Any], name: str, scene: Any = None) -> str:
    """Play the kept take ``name`` on the characters ``objs`` instead of the one playing (whose actions
    stay in the file under their own take name); checked for every character before anything
    changes. The record of the frame range the takes replaced in ``scene`` (default: the current one)
    follows the take that plays (:func:`..scene.remove_take.range_follows_play`), so Remove Take
    puts it back; the scene's history of the takes that played (:mod:`..scene.take_history`) gets
    the one switched away from, then this one. Returns the status line."""
    from ..scene.remove_take import range_follows_play

    scene = scene or bpy.context.scene
    objs = [o for o in objs if o is not None]
    if not objs:
        raise DualTalkError("choose the characters whose take to play")
    from . import take_scene

    pair = [o.name for o in objs]  # the characters' names, as Generate tags their strips and markers
    rebuild: take_scene.TakeScene | None = None
    swaps: list[tuple[Any, Any, Any, Any, list[layers.Renamed]]] = []  # strip, kept, slot, idblock, renames
    placing: list[tuple[str, str, Any, Any]] = []  # character, layer, strip, kept: where each strip goes back
    left: list[dict[str, Any]] = []  # the records of the takes switched away from
    notes: list[str] = []
    played: dict[str, Any] | None = None
    chars = [(o, layers.character_idblocks(o)) for o in objs]
    whos = [_who(o, idblocks) for o, idblocks in chars]
    listing = takes_in_file(chars)  # each kept action is one character's, the pair asked together
    for i, (obj, idblocks) in enumerate(chars):
        now = layers.take_meta(obj)
        one_action = _one_action_take(obj) if now is None else None
        if one_action is not None:
            _refuse_one_action(obj, one_action, name, [t.name for t in takes_in_file([(obj, idblocks)])])
            continue
        if now is None:
            if name in kept_not_playing([obj]):
                raise DualTalkError(
                    f"{obj.name} plays no DualTalk take, so take {name!r}, which the file keeps, has no layers "
                    f"to play in: Generate a take, then Play Take {name!r}{_drop_words([name])}"
                )
            raise DualTalkError(f"{obj.name} carries no DualTalk take; Generate first")
        if now.get("take") == name:
            continue
        left.append(now)
        layers.check_editable(idblocks, obj.name)
        face = _face_name(obj, idblocks)
        held = [t.name for t in listing if not t.only or face in t.only]
        if name not in held:
            others = [o.name for o in objs if o != obj and name in _held_by(o)]
            alone = (
                f"; only {' and '.join(others)} {'has' if len(others) == 1 else 'have'} it: clear {obj.name} "
                f"from the panel to play it for {' and '.join(others)} alone"
                if others
                else ""
            )
            raise DualTalkError(
                f"the file holds no take {name!r} of {obj.name} (its takes: {', '.join(held)}){alone}"
            )
        kept_meta: dict[str, Any] | None = None
        for idblock in idblocks:
            renames = layers.renames_on(idblock)  # read from the take playing, before it is swapped out
            for layer, strip in layers.our_strips(idblock).items():
                kept = _kept_action(name, layer, whos, i)
                slot = _slot_like(kept, strip.action_slot) if kept is not None else None
                if kept is None or slot is None:
                    if _kept_action(name, "", whos, i) is not None:  # one action, no layers: November's
                        raise DualTalkError(
                            f"take {name!r} of {obj.name} was keyed by an older DualTalk as one action "
                            "without layers, which Play Take cannot play in the layers of the take that "
                            "plays; Generate it again under that Take name"
                        )
                    raise DualTalkError(
                        f"the file holds no {layer} layer of take {name!r} for {obj.name}; "
                        "Generate it again under that Take name"
                    )
                if layer != layers.REST and kept_meta is None:
                    kept_meta = action_meta(kept)
                swaps.append((strip, kept, slot, idblock, renames))
                placing.append((obj.name, layer, strip, kept))
        if kept_meta is not None:
            same, note = _same_recording(name, kept_meta, now, obj.name)
            notes += [note] if note and note not in notes else []
            if not same and rebuild is None:  # found before anything changes
                _refuse_partner_left(scene, objs, now, name)
                rebuild = take_scene.plan_scene(scene, name, obj.name, kept_meta, pair)
            played = played or kept_meta
    fitted = [b for _o, idblocks in chars for b in idblocks if layers.our_strips(b)]
    hid = {b.as_pointer(): layers.hidden_by_us(b) for b in fitted}  # what the take playing hides
    placed = moved_take.plan_placements(name, placing)  # the playing take's nudges, scale and repeat kept
    for strip, kept, slot, idblock, renames in swaps:
        layers.follow_renames(idblock, kept, slot, renames)  # as Blender renamed the playing take's curves
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
    notes += moved_take.restore_placements(placed)  # the kept take's own (review rv43a F3)
    whose = {idblock.as_pointer(): o.name for o, idblocks in chars for idblock in idblocks}
    for idblock in fitted:  # the take played again too: their track may key more since (review rv42a F2)
        # what of the animator's is under the take now, not then; said where it plays now and did not
        said = layers.fit_extrapolations(
            idblock, whose.get(idblock.as_pointer(), ""), hid[idblock.as_pointer()]
        )
        notes += [n for n in said if n not in notes]
    scene_words = ""
    if rebuild is not None and scene is not None:
        scene_words = take_scene.rebuild(scene, rebuild, left[0] if left else None)
    elif played is not None and scene is not None:
        range_follows_play(scene, left, played)
    if left and scene is not None:  # what played until now, then this take: Remove Take's history
        ids = [take_history.face_id(o) for o in objs]  # each face by its id: names may have swapped
        for took in dict.fromkeys(str(m.get("take", "")) for m in left):
            take_history.note_played(scene, pair, took, ids)
        take_history.note_played(scene, pair, name, ids)
    who = " and ".join(o.name for o in objs)
    plays = "plays" if len(objs) == 1 else "play"
    line = f"DualTalk: {who} {plays} take {name!r}; the other takes stay in the file{scene_words}"
    line += "".join(f" (note: {n})" for n in notes)
    gone = [deleted_warning(o.name, p) for o, idblocks in chars if (p := deleted_parts(idblocks))]
    timing = moved_take.out_of_time(objs)  # restored as the animator scaled it: said, as Time Stretching is
    warnings = [w for w in (_fps_step(objs, name, scene), timing, *gone) if w]
    return line + "".join(f" (warning: {w})" for w in warnings)


def _refuse_partner_left(scene: Any, objs: list[Any], now: dict[str, Any], name: str) -> None:
    """A take of another recording or part replaces the pair's sound strips and markers: refused where
    a character not chosen still plays the take switched away from (its sound would go)."""
    if scene is None:
        return
    for other, meta in _scene_carriers(scene):
        if other not in objs and _take_key(meta) == _take_key(now) and _member_id(meta) != _member_id(now):
            raise DualTalkError(
                f"{other.name} plays take {now.get('take', '')!r} too, whose sound strips and turn markers "
                f"take {name!r} replaces (another recording or part): choose both characters (Character A "
                "and B), then Play Take"
            )


def _refuse_one_action(obj: Any, meta: dict[str, Any], name: str, held: list[str]) -> None:
    """Play Take on a character whose take was keyed as one action without layers: nothing to do when
    it is the take asked for, else one line (Play Take swaps a take's layers, which it has none of)."""
    playing = str(meta.get("take") or "")
    if playing == name:
        return
    if name not in held:
        raise DualTalkError(f"the file holds no take {name!r} of {obj.name} (its takes: {', '.join(held)})")
    which = f"take {playing!r}" if playing else "a take"
    raise DualTalkError(
        f"{obj.name} plays {which}, keyed by an older DualTalk as one action without layers, which Play "
        f"Take cannot swap for another: Generate a take (or Remove Take, which removes {which}), then "
        f"Play Take {name!r}"
    )


def _fps_step(objs: list[Any], name: str, scene: Any) -> str | None:
    """Take ``name`` keyed at another frame rate than ``scene`` runs at now (re-timed for delivery
    since): its keys play out of step with the sound strip. The panel says so too, but Play Take's
    line said nothing (review 31a, finding 6); Play Take only swaps takes of the same rate, so the
    one it switched from was out of step as well."""
    from ..scene.apply import scene_fps

    if scene is None or not hasattr(scene, "render"):
        return None
    fps = scene_fps(scene)
    for obj in objs:
        was = (layers.take_meta(obj) or {}).get("fps")
        if isinstance(was, int | float) and abs(float(was) - fps) > 1e-6:
            return (
                f"take {name!r} was keyed at {float(was):g} fps and the scene now runs at {fps:g} fps: keys "
                f"and sound are out of step; set the scene back to {float(was):g} fps or Generate again"
            )
    return None


# -- the panel filled from the take that plays --------------------------------------------------------

EVERY_FRAME_SHARE = 0.9  # of one key per frame on every curve: below it, the take's keys were reduced
PART_SLACK_S = 1e-3  # a Start/End this close to the take's is the take's
WHOLE_SLACK_S = 0.02  # a take ending this close to its recording's end (half a frame) ran to the end
_FORMS = {"pair": "TWO_FILES", "turns": "MONO_TURNS", "stereo": "STEREO", "diarized": "MONO_AUTO"}
_FORM_WORDS = {
    "STEREO": "Stereo file",
    "TWO_FILES": "Two files",
    "MONO_TURNS": "Mono + turns",
    "MONO_AUTO": "Mono, automatic",
}


@dataclass
class TakeSettings:
    """What the panel would hold to make (or re-generate a range of) the take that plays: panel
    property -> value, and what the take does not say or could not be found, in words."""

    values: dict[str, Any]
    missing: list[str]


def _scene_carriers(scene: Any) -> list[tuple[Any, dict[str, Any]]]:
    """(face mesh, its take record) of each character in ``scene`` that plays a take, one per record."""
    out: list[tuple[Any, dict[str, Any]]] = []
    seen: set[str] = set()
    meshes = [o for o in scene.objects if o.type == "MESH"]
    recorded = _recorded_characters()
    # the record's own character first (a body mesh on the same rig reads the same record)
    for obj in sorted(meshes, key=lambda o: 0 if o.name in recorded else 1):
        try:
            meta = _take_meta(obj)
        except DualTalkError:
            continue
        if not meta or _member_id(meta) in seen:
            continue
        seen.add(_member_id(meta))
        out.append((obj, meta))
    return out


def _member_id(meta: dict[str, Any]) -> str:
    """Which character's take a record is: its id, or for a take keyed before takes carried one
    (5423247; e.g. b445cdb's records) its take and character, so its partner is still found."""
    if meta.get("take_id"):
        return str(meta["take_id"])
    return f"{meta.get('take', '')}\0{meta.get('character', '')}\0{meta.get('start_frame')}"


def _recorded_characters() -> set[str]:
    return {c for a in bpy.data.actions if is_ours(a) for _t, c, _l in [_record(a)] if c}


def _take_key(meta: dict[str, Any]) -> tuple[str, Any, Any]:
    return (str(meta.get("take", "")), meta.get("start_frame"), meta.get("fps"))


Member = tuple[Any, dict[str, Any]]  # a character and its take record


def _roles(members: list[Member], picked: list[Any]) -> tuple[dict[str, Member], bool]:
    """Role -> member of one take's characters, by the roles the take records; a take keyed from
    motion files that name no role (other tools) takes the panel's order, else the names' (True: so
    guessed)."""
    out = {m["role"]: (o, m) for o, m in members if m.get("role") in ("A", "B")}
    rest = [(o, m) for o, m in members if m.get("role") not in ("A", "B")]
    rest.sort(key=lambda om: (picked.index(om[0]) if om[0] in picked else 2, om[0].name))
    guessed = False
    for role in ("A", "B"):
        if role not in out and rest:
            out[role], guessed = rest.pop(0), True
    return out, guessed


def _pair(scene: Any, s: Any) -> tuple[dict[str, Member], bool]:
    """Role -> (character, record) of the take to read: the one the panel's characters play, else the
    scene's only one (see :func:`_roles`); refused in one line when the scene holds several pairs'
    takes and the panel chooses none of them, or none at all."""
    picked = [o for o in (s.char_a, s.char_b) if o is not None]
    groups: dict[tuple[str, Any, Any], list[Member]] = {}
    for obj, meta in _scene_carriers(scene):
        groups.setdefault(_take_key(meta), []).append((obj, meta))
    for obj in picked:  # a chosen character carrying a take: its own pair, as picked
        try:
            own = _take_meta(obj)
        except DualTalkError:
            continue
        if own:
            others = [(o, m) for o, m in groups.get(_take_key(own), []) if _member_id(m) != _member_id(own)]
            return _roles([(obj, own), *others], picked)
    if not groups:
        raise DualTalkError(f"no character in scene {scene.name!r} plays a DualTalk take; Generate one first")
    if len(groups) > 1:
        pairs = "; ".join(" and ".join(o.name for o, _m in g) for g in groups.values())
        raise DualTalkError(
            f"scene {scene.name!r} holds the takes of several pairs ({pairs}): choose Character A or B "
            "of the take to read, then press Use Take's Settings again"
        )
    return _roles(next(iter(groups.values())), picked)


def _motion_source(folder: Path) -> dict[str, Any] | None:
    """The recording an ``animate`` take's folder (``OUT.dualtalk/``, where its sound strip plays
    the dialogue it wrote) says its motion was made from: paths in full, form, turns file."""
    from ...inference.core.motion_meta import read_motion_meta

    path = folder / "A.npz"
    if not path.is_file():
        return None
    try:  # the record only: a long take's frames are never needed here
        source = read_motion_meta(path).meta.get("source")
    except (DualTalkError, OSError, ValueError, KeyError):
        return None
    return source if isinstance(source, dict) else None


def _is_recording(files: list[str], names: list[str], fingerprint: str) -> bool:
    """Whether ``files`` are the take's recording: by contents where it records them, else by names."""
    from ...inference.audio.dialogue import recording_fingerprint

    if len(files) != len(names) or not all(f and os.path.isfile(f) for f in files):
        return False
    if fingerprint:
        return recording_fingerprint([Path(f) for f in files]) == fingerprint
    return [Path(f).name for f in files] == names


def _find_recording(scene: Any, names_of_pair: set[str], audio: dict[str, Any]) -> tuple[list[str], dict]:
    """The take's recording in full (where its sound strips play it, where an ``animate`` take's
    motion files say it was read, or beside the .blend), checked by contents; and the motion files'
    record of it when found ({} if not)."""
    from ..scene.sound import our_strips, strip_pair

    names = [str(n) for n in audio.get("files", [])]
    fingerprint = str(audio.get("fingerprint") or "")
    by_role: dict[str, str] = {}
    for strip in our_strips(scene):
        pair = strip_pair(strip)
        sound = getattr(strip, "sound", None)
        if sound is not None and (pair is None or pair & names_of_pair):
            by_role.setdefault(str(strip.get("dualtalk")), abspath(sound.filepath))
    tries = [[by_role.get(r, "") for r in (("A", "B") if len(names) == 2 else ("dialogue",))]]
    source: dict[str, Any] = {}
    for played in by_role.values():
        found = _motion_source(Path(played).parent)
        if found and (not fingerprint or found.get("fingerprint") == fingerprint):
            source = found
            tries.append([str(found.get(k)) for k in ("audio", "audio_b") if found.get(k)])
            break
    if bpy.data.filepath:
        tries.append([str(Path(bpy.data.filepath).parent / n) for n in names])
    for files in tries:
        if _is_recording(files, names, fingerprint):
            return [os.path.abspath(f) for f in files], source
    return [], source


def _file_info(path: str) -> tuple[float, int] | None:
    """(seconds, channels) of a recording from its header, as the worker's reader or Blender's sees it."""
    try:
        from ...inference.audio.loader import audio_info

        info = audio_info(path)
        return info.frames / info.samplerate, int(info.channels)
    except ImportError:
        pass
    except DualTalkError:
        return None
    try:
        import aud

        sound = aud.Sound.file(path)
        return float(sound.length) / float(sound.specs[0]), int(sound.specs[1])
    except Exception:  # not a file Blender reads
        return None


def _recorded_sound(audio: dict[str, Any]) -> tuple[float, int] | None:
    """(seconds, channels) of the take's recording as its record of the sound says (each file's whole
    length in 16 kHz samples, one loudness envelope per channel); None for a take that kept none."""
    from ...inference.core.timebase import SAMPLE_RATE

    sound = audio.get("sound")
    if not isinstance(sound, dict):
        return None
    samples, env = sound.get("samples"), sound.get("env")
    if not isinstance(samples, list) or not samples or not all(isinstance(n, int | float) for n in samples):
        return None
    if not isinstance(env, list) or not env or not isinstance(env[0], list) or not env[0]:
        return None
    return max(float(n) for n in samples) / SAMPLE_RATE, len(env[0])


def _find_turns(audio: dict[str, Any], source: dict[str, Any], files: list[str]) -> str:
    """The take's turns file: as its motion files name it, else the recorded name beside the
    recording or the .blend; checked by contents where the take records them. "" if not found."""
    import hashlib

    name = str(audio.get("turns") or (Path(str(source["turns"])).name if source.get("turns") else ""))
    if not name:
        return ""
    tries = [str(source["turns"])] if source.get("turns") else []
    tries += [str(Path(f).parent / name) for f in files[:1]]
    if bpy.data.filepath:
        tries.append(str(Path(bpy.data.filepath).parent / name))
    want = str(audio.get("turns_fingerprint") or "")
    for path in tries:
        if os.path.isfile(path) and Path(path).name == name:
            if not want or hashlib.sha256(Path(path).read_bytes()).hexdigest() == want:
                return os.path.abspath(path)
    return ""


def _key_share(idblocks: Iterable[Any]) -> float | None:
    """How many keys a character's layers (on its ``idblocks``) hold, as a share of one per frame on
    every curve (1: every frame); None with no layer keys to count."""
    curves = keys = 0
    frames = 0.0
    for idblock in idblocks:
        for layer, strip in layers.our_strips(idblock).items():
            if layer == layers.REST or strip.action is None:
                continue
            start, end = strip.action.frame_range
            for fc in compat.iter_fcurves(strip.action, strip.action_slot):
                curves += 1
                keys += len(fc.keyframe_points)
                frames += max(1.0, float(end) - float(start) + 1.0)
    return keys / frames if curves else None


def _keys_mode(idblocks: Iterable[Any]) -> str | None:
    """``reduced`` when a character's layers hold far fewer keys than one per frame, else ``every-frame``."""
    share = _key_share(idblocks)
    return None if share is None else "every-frame" if share >= EVERY_FRAME_SHARE else "reduced"


def _behaviour(settings: Any) -> dict[str, Any]:
    """The Behaviour panel's values for the settings a take records (seed, moods, eye contact, amounts)."""
    from ...inference.core.request import OPTIONS

    if not isinstance(settings, dict):
        return {}
    seed_option = next(o for o in OPTIONS if o.name == "behaviour_seed")
    out: dict[str, Any] = {}
    if isinstance(settings.get("seed"), int):
        out["behaviour_seed"] = panel_options.panel_value(seed_option, int(settings["seed"]))
    if isinstance(settings.get("mood"), str):
        out["behaviour_mood"] = settings["mood"]
    if "mood_b" in settings:
        out["behaviour_mood_b"] = settings["mood_b"] or "same"
    if isinstance(settings.get("gaze_on"), bool):
        out["gaze"] = settings["gaze_on"]
    amounts = {k: settings.get(k) for k in ("blinks", "gaze", "head", "brows")}
    out["behaviour_custom"] = any(v is not None for v in amounts.values())
    for key, value in amounts.items():
        if value is not None:
            out[f"behaviour_{key}"] = float(value)
    return out


def _head_values(objs: list[Any]) -> dict[str, Any]:
    """*Side by side* and *Head turn* as the take was keyed (``range_plan.take_keyed``); an older
    DualTalk's take records neither, and turned a pair side by side fully."""
    from ..scene.range_plan import take_keyed
    from ..scene.side_by_side import take_mode

    keyed = take_keyed(objs)
    if keyed is not None:
        return {"side_by_side": str(keyed["side_by_side"]), "head_turn": float(keyed["head_turn"])}
    mode, _older = take_mode(objs)
    return {} if mode is None else {"side_by_side": mode}


def take_settings(scene: Any, s: Any) -> TakeSettings:
    """The panel's settings for the take the panel's characters (else the scene's only pair) play:
    characters by role, the recording (form, files, part, swap, B's shift, turns file and speaker A),
    keys and the behaviour settings, as far as the take records them and its files are found."""
    pair, guessed = _pair(scene, s)
    values: dict[str, Any] = {}
    missing: list[str] = []
    if guessed:
        missing.append("which character is A (the take does not record it: check Character A and B)")
    for role in ("A", "B"):
        if role in pair:
            values[f"char_{role.lower()}"] = pair[role][0]
        else:
            missing.append(f"Character {role} (no character in the scene plays the take's {role})")
    obj, meta = pair.get("A") or pair["B"]
    if meta.get("take"):  # Generate then replaces this take, not one beside it under the panel's name
        values["take_name"] = str(meta["take"])
    keys = _keys_mode(layers.character_idblocks(obj))
    if keys is not None:
        values["keys"] = keys
    values.update(_head_values([o for o, _m in pair.values()]))
    characters = {str(m.get("character")) for _o, m in pair.values()}
    audio = meta.get("audio")
    if not isinstance(audio, dict) or not isinstance(audio.get("settings"), dict):
        # an older DualTalk's take: what its record lacks, from the motion files it was keyed from
        audio = with_motion_record(audio, motion_record(scene, characters, meta))
    if not isinstance(audio, dict):
        missing.append(
            "the audio (the take records no recording: it was keyed from motion files)"
            if meta.get("take_id")
            else "the audio (the take was keyed by an older DualTalk, which did not record its recording)"
        )
        return TakeSettings(values, missing)
    values.update(_audio_values(scene, characters, audio, missing))
    values.update(_behaviour(audio.get("settings")))
    return TakeSettings(values, missing)


def _audio_values(scene: Any, characters: set[str], audio: dict[str, Any], missing: list[str]) -> dict:
    """The *Audio* box's values for the take's record of its recording (``audio``); what cannot be
    found or is not recorded is added to ``missing``."""
    values: dict[str, Any] = {}
    names = [str(n) for n in audio.get("files", [])]
    files, source = _find_recording(scene, characters, audio)
    turns = _find_turns(audio, source, files) if (audio.get("turns") or source.get("turns")) else ""
    recorded = _FORMS.get(str(audio.get("form") or source.get("form")), "")  # how the take read it
    form = "TWO_FILES" if len(names) == 2 else recorded
    if not form and (audio.get("turns") or audio.get("speaker_a")):
        form = "MONO_TURNS"
    info = _recorded_sound(audio) or (_file_info(files[0]) if files else None)
    if not form and info is not None:
        form = "STEREO" if info[1] >= 2 else "MONO_AUTO"
    if form:
        values["audio_form"] = form
    else:
        missing.append("the audio form (the take does not say; choose Stereo file or Mono, automatic)")
    if files:
        values["audio"] = files[0]
        if len(files) == 2:
            values["audio_b"] = files[1]
    else:
        missing.append(f"{' and '.join(names)} (not found where its sound strip plays nor beside the .blend)")
    if form == "MONO_TURNS":
        speaker = audio.get("speaker_a") or (source.get("speakers") or [None])[0]
        if turns:
            values["turns"] = turns
        else:
            missing.append(f"the turns file{' ' + str(audio['turns']) if audio.get('turns') else ''}")
        if isinstance(speaker, str) and speaker:
            values["speaker_a"] = speaker
        else:
            missing.append("Speaker A (the take does not say)")
    values["swap"] = bool(audio.get("swap", False))
    values["offset_b"] = float(audio.get("offset_b", 0.0) or 0.0) if len(names) == 2 else 0.0
    start, end = float(audio.get("start", 0.0)), float(audio.get("end", 0.0))
    whole = start <= PART_SLACK_S and (info is None or end >= info[0] - WHOLE_SLACK_S)
    values["use_range"] = not whole
    if not whole:
        values["start"], values["end"] = start, end
    return values


def use_take_settings(scene: Any, s: Any) -> str:
    """Fill the panel from the take that plays (:func:`take_settings`); the status line, naming what
    was set and what could not be found."""
    from .panel_settings import set_panel

    found = take_settings(scene, s)
    set_panel(scene, **found.values)  # all or nothing: a value the panel refuses leaves it as it was
    v = found.values
    said = [" and ".join(o.name for o in (v.get("char_a"), v.get("char_b")) if o is not None)]
    if "audio_form" in v:
        files = [Path(str(v[k])).name for k in ("audio", "audio_b", "turns") if v.get(k)]
        said.append(f"{_FORM_WORDS[v['audio_form']]}" + (f" ({', '.join(files)})" if files else ""))
    if v.get("speaker_a"):
        said.append(f"Speaker A {v['speaker_a']}")
    if v.get("use_range"):
        said.append(f"Part of the recording {v['start']:.2f}-{v['end']:.2f} s")
    if "keys" in v:
        said.append(f"Keys {'Reduced' if v['keys'] == 'reduced' else 'Every frame'}")
    if "side_by_side" in v:
        said.append(f"Side by side {_SIDE_LABELS.get(v['side_by_side'], v['side_by_side'])}")
    if "head_turn" in v:
        said.append(f"Head turn {v['head_turn']:g}")
    if "behaviour_seed" in v:
        said.append(f"Seed {v['behaviour_seed'] % panel_options.UINT32}, Mood {v.get('behaviour_mood', '')}")
    if v.get("take_name"):
        said.append(f"Take {v['take_name']!r} (Generate replaces it)")
    line = f"DualTalk: the panel now holds the take's settings: {', '.join(p for p in said if p)}"
    if found.missing:
        line += f" (still to choose: {'; '.join(found.missing)})"
    return line


def file_plays_take() -> bool:
    """Whether any character in the file plays a DualTalk take (cheap: no record is read)."""
    return any(a.users > int(a.use_fake_user) and is_ours(a) for a in bpy.data.actions)


_METAS: dict[tuple[int, int], dict[str, Any]] = {}


def _playing_meta(idblocks: Iterable[Any]) -> dict[str, Any] | None:
    """The record of the take our strips play on ``idblocks`` (parsed once per action), or None."""
    for idblock in idblocks:
        for layer, strip in layers.our_strips(idblock).items():
            if layer == layers.REST or not is_ours(strip.action):
                continue
            raw = strip.action.get(OWNER_PROP)
            key = (int(strip.action.session_uid), len(raw) if isinstance(raw, str) else -1)
            if key not in _METAS:
                if len(_METAS) > _MAX_CACHED:
                    _METAS.clear()
                _METAS[key] = action_meta(strip.action)
            return _METAS[key]
    return None


def _name(path: str) -> str:
    return Path(path.replace("\\", "/")).name if path else ""


def _ends_early(audio: dict[str, Any], end: float) -> bool:
    """Whether the take stops short of its recording's end, as its record of the sound says."""
    recorded = _recorded_sound(audio)
    return recorded is not None and end < recorded[0] - WHOLE_SLACK_S


def differences(s: Any, chosen: dict[str, list[Any]]) -> list[str]:
    """The panel's settings that are not the take's the chosen characters play (``chosen``: picker
    attribute -> the character's datablocks, as the panel resolved them), by their labels; checked
    from the take's record alone (no file is read), so the panel can say it while drawing."""
    metas = {attr: _playing_meta(idblocks) for attr, idblocks in chosen.items()}
    meta = next((m for m in metas.values() if m), None)
    if meta is None:
        return []
    out: list[str] = []
    roles = {attr: m.get("role") for attr, m in metas.items() if m}
    if len(chosen) < 2 or any(role != attr[-1].upper() for attr, role in roles.items()):
        out.append("Characters")
    audio = meta.get("audio")
    if isinstance(audio, dict):
        out += _audio_differences(s, audio)
    share = _key_share(next(iter(chosen.values())))
    if share is not None and (
        (s.keys == "every-frame" and share < EVERY_FRAME_SHARE) or (s.keys == "reduced" and share >= 1.0)
    ):
        out.append("Keys")  # (a reduced take of a few frames may keep most of its keys: not said)
    keyed = _playing_keyed(next(iter(chosen.values())), meta)
    if s.side_by_side != AUTO and s.side_by_side != keyed.get("side_by_side", s.side_by_side):
        out.append("Side by side")  # (As the take follows it)
    if "head_turn" in keyed and abs(float(s.head_turn) - float(keyed["head_turn"])) > 1e-6:
        out.append("Head turn")
    return out


def _playing_keyed(idblocks: Iterable[Any], meta: dict[str, Any]) -> dict[str, Any]:
    """How the take ``meta`` that plays on ``idblocks`` was keyed (``scene/records.keyed_record``);
    an older DualTalk's take without that record turned a pair side by side fully; {} when damaged."""
    from ..rig.gaze import TURN
    from ..scene import records
    from ..scene.range_plan import KEYED_PROP

    for idblock in idblocks:
        for layer, strip in layers.our_strips(idblock).items():
            if layer == layers.REST or not is_ours(strip.action):
                continue
            if KEYED_PROP not in strip.action.keys():
                return {"side_by_side": TURN}
            try:
                record = records.keyed_record(strip.action[KEYED_PROP])
            except records.DamagedRecord:
                return {}
            return record if record["take_id"] == meta.get("take_id") else {}
    return {}


def _audio_differences(s: Any, audio: dict[str, Any]) -> list[str]:
    """The *Audio* and *Behaviour* settings of the panel ``s`` that are not the take's (``audio``: its
    record of the recording), by their labels."""
    out: list[str] = []
    names = [str(n) for n in audio.get("files", [])]
    form = s.audio_form
    turns = bool(audio.get("turns") or audio.get("speaker_a"))
    recorded = _FORMS.get(str(audio.get("form")), "")  # how the take read it, where it says
    if (len(names) == 2) != (form == "TWO_FILES") or (turns and form != "MONO_TURNS"):
        out.append("Form")
    elif recorded and len(names) == 1 and form != recorded:
        out.append("Form")
    if [_name(s.audio)] + ([_name(s.audio_b)] if form == "TWO_FILES" else []) != names:
        out.append("Audio")
    if form == "MONO_TURNS" and audio.get("turns") and _name(s.turns) != audio["turns"]:
        out.append("Turns")
    if form == "MONO_TURNS" and audio.get("speaker_a") and s.speaker_a != audio["speaker_a"]:
        out.append("Speaker A")
    if bool(s.swap) != bool(audio.get("swap", False)):
        out.append("Swap A/B")
    start, end = float(audio.get("start", 0.0)), float(audio.get("end", 0.0))
    if s.use_range and (abs(s.start - start) > PART_SLACK_S or abs(s.end - end) > PART_SLACK_S):
        out.append("Start/End")
    elif not s.use_range and (start > PART_SLACK_S or _ends_early(audio, end)):
        out.append("Part of the recording")
    settings = audio.get("settings")
    if isinstance(settings, dict):
        seed = settings.get("seed")
        if isinstance(seed, int) and s.behaviour_seed % panel_options.UINT32 != seed:
            out.append("Seed")
        if isinstance(settings.get("mood"), str) and s.behaviour_mood != settings["mood"]:
            out.append("Mood")
    return out
