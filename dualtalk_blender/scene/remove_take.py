"""Remove Take: a character back as it was before DualTalk keyed it.

For each chosen character, on each datablock our layers live on (its shape keys, its armature or
object; :func:`.layers.character_idblocks`):

- our tracks go: ``DualTalk rest`` and the four layer tracks, also one the animator renamed (it holds
  our strip of its layer, :func:`.layers.our_tracks`); a track of that name holding a strip of the
  animator's own is theirs, and stays; ``DualTalk rest beneath`` under their tracks goes too
  (:mod:`.rest_beneath`), and their bottom track is at the bottom again; where the animator deleted
  that track, the action it played, which nothing plays now, goes and is counted (:func:`_orphaned_beneath`);
- our layer actions those tracks played are deleted once nothing plays them any more: an action
  another character's take, or a strip of the animator's, still plays stays, and so does one with a
  fake user (kept in the file on purpose);
- the animator's action DualTalk pushed to ``<action> (kept by DualTalk)`` on the first take is the
  active action again, with the slot, blend type, influence and extrapolation it had (recorded then,
  :func:`.before_take.before_record`); when the animator has made another active action since (keys set
  on top of the take), theirs stays active and the pushed one stays on its track;
- every property the take keyed is given back the value it held before the first take that keyed it
  (recorded then), else the value of the rest track (the take's "influence 0"): with its animation
  gone, a shape key shows its static value, so this is what the character shows where nothing else
  of the animator's animates that property;
- the drivers DualTalk gave the meshes that follow the face (lashes, teeth: :mod:`.companions`) go,
  their keys left at the face's restored value;
- the take's turn markers and DualTalk's sound strips (never the animator's: ``sound.OWNER_PROP``;
  nor the animator's copy of ours pointed at their own sound, which keeps playing, its tags dropped
  with a line in the summary: :func:`.sound.release_users_copies`) go when no character left in the scene plays that take (same take name, start frame and rate).
  Each pair's take keeps its own (several conversations may share a scene): markers recorded for a
  pair (:func:`.apply.marker_records`) and strips naming a pair (``sound.PAIR_PROP``) are this take's
  when the pair holds one of its characters. A strip that names no pair (an older DualTalk's) is the
  latest recorded pair's (without a record: this take's when it starts on its first frame); and when
  no DualTalk take is left in the scene at all, every one of ours goes.
  A damaged marker record: the markers it no longer lists are found by their names ("DT <character>
  speaks", :func:`.apply.read_marker_records`), said in a note.

A take keyed by an older DualTalk is removed too, with a note in the report (:attr:`RemoveReport.notes`):

- one keyed before the "before" record existed (layers, no record): what it replaced was never
  written anywhere, so the properties it keyed return to the rest track's values (shape keys at 0,
  bones at the pose they held before the take), not to the animator's un-keyed values;
- one keyed before takes were NLA layers (its one action ``DualTalk_<take>_<character>`` is the
  active action, :func:`.layers.legacy_take`): the action is unassigned (deleted once nothing plays
  it), the animator's action that version pushed to its ``(kept by DualTalk)`` track is active
  again, and the properties it keyed return to rest as above (the bones' pose recorded with it);
- a take keyed over such a one (``replaced_take`` in the record): the values it replaced were that
  older take's, so those properties return to rest too.

A character object linked into several scenes carries one animation (Blender's rule): the take it
plays is the one its last Generate made, in whichever scene. Removing it in one scene removes it in
all, and the report's first note says so, naming the scene the take was made in when its record
there tells (:func:`shared_scene_warnings` says the same before a Generate). Each of those scenes
loses the turn markers and sound strips of the characters' pair by the rule above (a Linked Copy's
Generate had left the first scene's for a take nobody plays any more), said in the report.

The scene's frame range a take extended goes back to what it was before the first take that extended
it (recorded then, :func:`.before_take.note_scene_range`) together with the markers: once no character left
in the scene plays the take, and only while the range is still the one the take set; a range the
animator changed since stays, without a word, as does the range under a take keyed before this record
existed.

The animator's active action keyed over the take (Combine: a fix, offsets from the take) is moved to
count from the values before the take (:func:`_plan_rebase`); its keys stay changes, never the take's
values baked in, so where the take had turned a bone the animator keyed, the note says how far it now
plays from the pose they saw at their keyed frames (:func:`_drift_words`). A fix action a library holds is never
edited, nor is one that a datablock keeping its take (or any other) still plays: the character plays a
copy of it instead, ``<action> (<character>)``, moved so, and a note says so (:func:`_share_fixes`).

A track of the animator's above ours that blends with what is below it (a fix pushed down to a
``Fixes`` track in Combine, a hand layer at 50 %) over a property the take keyed would blend with
Blender's default once our tracks go (1.0 for a shape key), so a track of theirs, :data:`BASE_TRACK`,
is left where our rest track was, holding those properties at their values before the take, said in a
note (:func:`_plan_base`). A property the take keyed that a later take dropped from our tracks (an
earlier build's, after a custom map named fewer channels) gets back its recorded value too. Where nothing
of the animator's would stay under their tracks above ours (our rest track at the bottom), ``Before take``
is left under those too, holding what they key (nothing shows), as the place of the next take
(:func:`_plan_anchor`: Blender adds a track only above another). The names of
the animator's tracks above ours are recorded on the datablock (:data:`.layers.ABOVE_PROP`, :func:`_note_above`),
so the next Generate puts its take where this one was, under them, not over their fixes.

Everything else stays: the animator's tracks, strips, actions, keys and drivers, shape-key slider
ranges DualTalk opened, a mesh made single-user. Keys the animator edited inside the take's layers go
with its actions: the confirmation and the report name them (:attr:`RemovePlan.edits`). Everything is checked
before anything is written (:func:`plan_removal`), so a refusal (no take, linked or non-editable
data, NLA in tweak mode) changes nothing.

Python API::

    from dualtalk.dualtalk_blender.scene.remove_take import remove_take
    report = remove_take([alice, bob])  # one undo step
    print(report.summary)  # "removed take 'take' from Alice and Bob: 12 tracks, 10 actions, 3 markers, ..."
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import bpy
import numpy as np
from mathutils import Euler, Quaternion

from ...inference.core.errors import DualTalkError
from ..rig import retarget
from ..rig.layer_names import LAYERS
from . import (
    apply,
    before_take,
    companions,
    compat,
    layers,
    reading_text,
    rest_beneath,
    sound,
    take_history,
    take_owners,
)
from .character_face import face
from .characters import character_meshes, find_mesh_and_armature
from .keying import action_meta, fill, is_ours

KEPT_SUFFIX = " (kept by DualTalk)"  # the track name compat.push_to_nla gets from layers._release_active
BLENDER_BLEND = "REPLACE"  # a new datablock's active-action blend (the first take set Combine)
# our rest-beneath action's name (:mod:`.rest_beneath`): the character's, with Blender's ``.001`` where taken
_BENEATH_NAME = re.compile(rf"DualTalk (.+) {re.escape(rest_beneath.LAYER)}(?:\.\d{{3,}})?")
SHAPE_KEY_DEFAULT = 1.0  # ShapeKey.value's default: what a Combine key adds to with nothing below it


def _ptr(idblock: Any) -> int:
    return int(idblock.as_pointer())


def _names(names: Sequence[str]) -> str:
    """'Alice', 'Alice and Bob', 'Alice, Bob and Carol'."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _range_words(frames: tuple[int, int]) -> str:
    return f"scene range back to {frames[0]}-{frames[1]}"


def take_key(meta: dict[str, Any]) -> tuple[str, int, float]:
    """What makes two characters' layers one take: its name, first frame and rate (both characters of
    one Generate share them; each character's own actions and take id differ)."""
    return (str(meta.get("take", "")), int(meta.get("start_frame", 0)), round(float(meta.get("fps", 0.0)), 6))


@dataclass
class _Kept:
    """The animator's action DualTalk pushed below the take, to be made active again."""

    track: Any
    action: Any
    slot: Any
    settings: dict[str, Any]


@dataclass
class _Rebase:
    """Curves of a fix keyed in Combine, mapped key by key as ``matrix @ values + offset`` (their
    values at one key, in order) so they read as the same fix over the values before the take: a
    shape key or Euler angle is shifted, and a bone's four quaternion curves are multiplied by its
    rotation before the take (Blender combines a quaternion as ``lower @ key``)."""

    curves: list[Any]
    matrix: np.ndarray
    offset: np.ndarray

    def apply(self) -> None:
        points = [list(fc.keyframe_points) for fc in self.curves]
        for k in range(len(points[0])):
            for attr in ("co", "handle_left", "handle_right"):
                old = np.array([getattr(kps[k], attr)[1] for kps in points])
                new = self.matrix @ old + self.offset
                for kps, value in zip(points, new, strict=True):
                    getattr(kps[k], attr)[1] = float(value)
        for fc in self.curves:
            fc.update()


@dataclass
class _SharedFix:
    """A fix action to be rebased that another datablock plays too, or that a library holds: which
    copy (if any) the block plays instead is decided over all blocks (:func:`_share_fixes`)."""

    action: Any
    label: str  # the block, as a message names it
    character: str
    what: str  # "1 shape key", "1 bone (head)"
    was: str  # the blend it goes back to


@dataclass
class _Block:
    """What happens to one datablock (shape keys, armature or object)."""

    idblock: Any
    tracks: list[Any]
    values: list[tuple[str, int, float]]  # data path, index, value it is given back
    kept: _Kept | None = None
    settings: dict[str, Any] = field(default_factory=dict)  # active-action settings to put back
    clear: bool = False  # it had no animation data before the take: drop what is left empty
    followers: list[tuple[Any, Any, float | None]] = field(default_factory=list)  # key, driver, value
    legacy: Any = None  # an older DualTalk's single-action take active here, to unassign
    # the animator's active action keyed on top of the take (Combine): its curves mapped to count
    # from the values before the take (:class:`_Rebase`), and the blend type it goes back to
    rebase: list[_Rebase] = field(default_factory=list)
    blend_back: str | None = None
    shared_fix: _SharedFix | None = None  # that action plays elsewhere too, or is a library's
    copy_name: str | None = None  # the fix is moved on a copy of it, so named, played here instead
    # properties the animator's tracks above ours blend over (Combine, Add, part influence): held at
    # their values before the take on a track of theirs in place of our rest track (:func:`_plan_base`)
    base: list[tuple[str, int, float]] = field(default_factory=list)
    base_name: str = ""  # the action that holds them
    beneath: Any = None  # our track holding the rest under the animator's tracks (:mod:`.rest_beneath`)


@dataclass
class _Elsewhere:
    """Another scene holding the characters: the turn markers and our sound strips that go there too."""

    scene: Any
    markers: list[Any]
    strips: list[Any]

    def what(self) -> str:
        """'in scene 'Scene': 2 markers, sound strip'."""
        parts = [_count(len(self.markers), "marker")] if self.markers else []
        if self.strips:
            parts.append("sound strip" if len(self.strips) == 1 else _count(len(self.strips), "sound strip"))
        return f"in scene {self.scene.name!r}: {', '.join(parts)}"


@dataclass
class RemovePlan:
    """What :func:`remove_take` will do, worked out without changing anything."""

    characters: list[str]
    takes: list[str]
    blocks: list[_Block]
    actions: list[Any]  # our actions nothing will play any more
    markers: list[Any]
    strips: list[Any]  # our sound strips
    notes: list[str] = field(default_factory=list)
    frame_range: tuple[int, int] | None = None  # the scene's range before the take extended it: put back
    forget_range: bool = False  # the take's record of the range it replaced goes (with the take)
    elsewhere: list[_Elsewhere] = field(default_factory=list)  # other scenes' markers and strips that go
    edits: str = ""  # the keys edited by hand inside the take's layers, which go with it (said first)

    @property
    def tracks(self) -> int:
        return sum(len(b.tracks) + (b.beneath is not None) for b in self.blocks)

    @property
    def restored(self) -> list[str]:
        return [b.kept.action.name for b in self.blocks if b.kept is not None]

    def what(self) -> str:
        """'12 tracks, 10 actions, 3 markers, sound strip'."""
        parts = [_count(self.tracks, "track"), _count(len(self.actions), "action")]
        parts.append(_count(len(self.markers), "marker"))
        if self.strips:
            parts.append("sound strip" if len(self.strips) == 1 else _count(len(self.strips), "sound strip"))
        if self.frame_range is not None:
            parts.append(_range_words(self.frame_range))
        return "; ".join([", ".join(parts), *(e.what() for e in self.elsewhere)])

    def question(self) -> str:
        """The confirmation: what goes, what comes back, what stays."""
        back = f"; {_names([repr(n) for n in self.restored])} plays again as before" if self.restored else ""
        note = f" Note: {self.notes[0]}." if self.notes else ""
        stay = "Your own tracks, actions and keys stay"
        if self.edits:  # never "your keys stay" over the fixes made inside the take (rv41a F2)
            stay += f", but not the keys edited inside the take: {self.edits} (Ctrl+Z brings them back)"
        return (
            f"Remove take {_names([repr(t) for t in self.takes])} from {_names(self.characters)}: "
            f"{self.what()}{back}. {stay}.{note}"
        )


@dataclass
class RemoveReport:
    characters: list[str]
    takes: list[str]
    tracks: int
    actions: list[str]  # deleted
    markers: int
    sound_strips: int
    restored: list[str]  # the animator's actions made active again
    notes: list[str] = field(default_factory=list)
    frame_range: tuple[int, int] | None = None  # the scene's frame range put back
    elsewhere: list[str] = field(default_factory=list)  # "in scene 'Scene': 2 markers, sound strip"
    # the animator's copies of our strips playing their own sound: kept, our tags dropped (sound.py)
    kept_strips: list[str] = field(default_factory=list)
    edits: str = ""  # the keys edited by hand inside the take's layers, gone with it
    # the texts of what each script line was read as (reading_text) whose take no character holds now
    texts: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [
            _count(self.tracks, "track"),
            _count(len(self.actions), "action"),
            _count(self.markers, "marker"),
        ]
        if self.sound_strips:
            parts.append(
                "sound strip" if self.sound_strips == 1 else _count(self.sound_strips, "sound strip")
            )
        if self.frame_range is not None:
            parts.append(_range_words(self.frame_range))
        line = (
            f"removed take {_names([repr(t) for t in self.takes])} from {_names(self.characters)}: "
            f"{'; '.join([', '.join(parts), *self.elsewhere])}"
        )
        if self.edits:
            line += f"; {self.edits} (Ctrl+Z brings them back)"
        if self.restored:
            line += f"; {_names([repr(n) for n in self.restored])} active again"
        if self.notes:
            line += f" (note: {self.notes[0]})"
        if self.kept_strips:
            line += f"; {'; '.join(self.kept_strips)}"
        return line


# --- reading the scene ------------------------------------------------------------------------


def our_tracks(idblock: Any) -> list[Any]:
    """Our tracks on ``idblock``: the rest and layer tracks, by name or renamed by the animator
    (:func:`.layers.our_tracks`), unless one holds a strip playing an action that is not ours (the
    animator's, on a track of that name: theirs)."""
    return layers.our_tracks(idblock)


def carries_take(obj: Any) -> bool:
    """Whether the character ``obj`` (mesh or armature) has DualTalk tracks to remove."""
    try:
        idblocks = layers.character_idblocks(obj)
    except DualTalkError:
        return False
    return any(our_tracks(b) or layers.legacy_take(b) is not None for b in idblocks)


def _metas(idblocks: Iterable[Any]) -> list[dict[str, Any]]:
    """The take records of the actions our tracks play (layers first, then the rest)."""
    found: list[dict[str, Any]] = []
    for idblock in idblocks:
        strips = layers.our_strips(idblock)
        for layer in (*LAYERS, layers.REST):
            strip = strips.get(layer)
            if strip is not None and is_ours(strip.action):
                found.append(action_meta(strip.action))
        old = layers.legacy_take(idblock)
        if old is not None:
            found.append(action_meta(old))
    return found


def _scene_takes(scene: Any, skip: set[int]) -> list[dict[str, Any]]:
    """The take records of every DualTalk take still in ``scene`` on datablocks not in ``skip``."""
    blocks: list[Any] = []
    for obj in scene.objects:
        blocks.append(obj)
        if obj.type == "MESH" and obj.data is not None and obj.data.shape_keys is not None:
            blocks.append(obj.data.shape_keys)
    return _metas(b for b in blocks if _ptr(b) not in skip)


def _played_by_keys(skip: set[int]) -> set[int]:
    """Actions our tracks play on shape-key blocks not in ``skip`` (other characters' faces)."""
    out: set[int] = set()
    for key in bpy.data.shape_keys:
        if _ptr(key) in skip:
            continue
        out |= {_ptr(s.action) for t in our_tracks(key) for s in t.strips if s.action is not None}
    return out


def _refuse_unwritable(mesh: Any, arm: Any) -> None:
    key = mesh.data.shape_keys
    for idblock, kind in ((mesh, "object"), (mesh.data, "mesh data"), (key, "shape keys"), (arm, "armature")):
        if idblock is None:
            continue
        if idblock.library is not None:
            raise DualTalkError(
                f"{mesh.name!r} cannot lose its take: its {kind} {idblock.name!r} is linked from "
                f"{idblock.library.filepath} (read-only); make it local first"
            )
        if not getattr(idblock, "is_editable", True):
            raise DualTalkError(
                f"{mesh.name!r} cannot lose its take: its {kind} {idblock.name!r} is not editable "
                "(a system library override); make it editable or local first"
            )


def _is_override(idblock: Any) -> bool:
    """Whether ``idblock`` is a library override (shape keys: their mesh is one). Only there does
    ``NlaTrack.is_override_data`` mean a track comes from the library: it reads True on every track
    without Blender's "local" flag, which tracks appended or made local lose (review 31a, finding 1:
    appended characters could never lose their take)."""
    if getattr(idblock, "override_library", None) is not None:
        return True
    owner = getattr(idblock, "user", None) if compat.id_type_of(idblock) == "KEY" else None
    return owner is not None and getattr(owner, "override_library", None) is not None


def _refuse_locked(idblocks: Sequence[Any], character: str) -> None:
    for idblock in idblocks:
        ad = idblock.animation_data
        if ad is None:
            continue
        if ad.use_tweak_mode:
            raise DualTalkError(
                f"the NLA of {layers.label(idblock, character)} is in tweak mode; leave it (Tab in the NLA "
                "editor) and remove the take again"
            )
        if _is_override(idblock) and any(getattr(t, "is_override_data", False) for t in our_tracks(idblock)):
            raise DualTalkError(
                f"the DualTalk tracks of {layers.label(idblock, character)} come from its library "
                "(a library override); remove the take in the library file"
            )


def _find_kept(idblock: Any, record: dict[str, Any], ours: list[Any]) -> _Kept | None:
    """The animator's action we pushed to a ``(kept by DualTalk)`` track, still there as we left it:
    the track recorded when it was pushed; for a take keyed before that record, a track named after
    the one action it plays (pushed with the blend Blender gives a new datablock)."""
    ad = idblock.animation_data
    if ad is None:
        return None
    tracks = {t.name: t for t in ad.nla_tracks if all(t != o for o in ours)}

    def usable(track: Any) -> Any | None:
        if track is None or len(track.strips) != 1:
            return None
        strip = track.strips[0]
        return strip if strip.action is not None and not is_ours(strip.action) else None

    if record:
        for entry in record.get("kept", []):
            track = tracks.get(str(entry.get("track")))
            strip = usable(track)
            if strip is not None:
                settings = {k: entry[k] for k in before_take.ACTIVE_SETTINGS if k in entry}
                return _Kept(track, strip.action, strip.action_slot, settings)
        return None
    for track in tracks.values():
        strip = usable(track)
        if strip is not None and track.name == f"{strip.action.name}{KEPT_SUFFIX}":
            return _Kept(track, strip.action, strip.action_slot, {"blend_type": BLENDER_BLEND})
    return None


def _values(idblock: Any, tracks: list[Any], record: dict[str, Any]) -> list[tuple[str, int, float]]:
    """Each property our tracks animate on ``idblock`` and the value it gets back: the one recorded
    before the first take that keyed it, else the rest track's; and each other property the record
    holds that still resolves, given its recorded value too: a take keyed it, and a later one (of an
    earlier build, after a custom map named fewer channels) dropped it from our tracks, so it held
    the last pose the take played (review rv37a, finding 3)."""
    recorded = {(str(p), int(i)): float(v) for p, i, v in record.get("values", [])}
    rest: dict[tuple[str, int], float] = {}
    paths: list[tuple[str, int]] = []
    for track in tracks:
        for strip in track.strips:
            if strip.action is None:
                continue
            for fc in compat.iter_fcurves(strip.action, strip.action_slot):
                where = (fc.data_path, fc.array_index)
                if where not in paths:
                    paths.append(where)
                if layers.track_layer(track) == layers.REST and len(fc.keyframe_points):
                    rest[where] = float(fc.keyframe_points[0].co[1])
    if tracks:
        paths += [w for w in recorded if w not in paths and before_take.static_value(idblock, *w) is not None]
    out = []
    for where in paths:
        value = recorded.get(where, rest.get(where))
        if value is not None:
            out.append((where[0], where[1], value))
    return out


def _followers(
    face_key: Any, face: Any, arm: Any, values: list[tuple[str, int, float]]
) -> list[tuple[Any, Any, float | None]]:
    """Our drivers that make the character's other meshes (on its rig, or the face's children
    without one) follow ``face_key``, with the value each key is left at: the face key's own
    restored value."""
    if face_key is None:
        return []
    restored = {path: v for path, _i, v in values}
    out = []
    for mesh in character_meshes(face, arm):
        key = mesh.data.shape_keys
        if key is None or key == face_key or key.animation_data is None or key.library is not None:
            continue
        for fc in key.animation_data.drivers:
            variables = fc.driver.variables
            if (
                len(variables) == 1
                and variables[0].name == companions.TAG
                and variables[0].targets[0].id == face_key
            ):
                out.append((key, fc, restored.get(fc.data_path)))
    return out


REST_WORDS = "shape keys at 0, bones at the pose they held before the take"


def _older_note(take: str, character: str, how: str) -> str:
    return (
        f"take {take!r} on {character!r} was {how} by an older DualTalk that did not record the values it "
        f"replaced; the properties it keyed return to their rest values ({REST_WORDS}), not to un-keyed "
        "values of yours"
    )


def _legacy_values(idblock: Any, action: Any) -> list[tuple[str, int, float]]:
    """Each property a single-action take of an older DualTalk keys on ``idblock`` and its rest: 0 for
    a shape key, the rotation recorded with the take (``rest``: the pose before it) for a bone or the
    object; a property of another kind, or a rotation without a recorded rest, is left as it is."""
    ad = idblock.animation_data
    rests = action_meta(action).get("rest")
    rests = rests if isinstance(rests, dict) else {}
    out = []
    for fc in compat.iter_fcurves(action, getattr(ad, "action_slot", None)):
        path, index = fc.data_path, fc.array_index
        owner_path, _, prop = path.rpartition(".")
        if path.startswith("key_blocks[") and prop == "value":
            out.append((path, index, 0.0))
            continue
        if not prop.startswith("rotation_"):
            continue
        try:
            owner = idblock.path_resolve(owner_path) if owner_path else idblock
            rest = rests.get(owner.name if owner_path else "")
            quat = [float(v) for v in rest] if isinstance(rest, list) and len(rest) == 4 else None
            mode = owner.rotation_mode
        except (ValueError, TypeError, AttributeError):
            continue
        if quat is None:
            continue
        have, vals = retarget.rotation_channels(np.array([quat], dtype=np.float64), mode)
        if have == prop and index < vals.shape[1]:
            out.append((path, index, float(vals[0, index])))
    return out


def _legacy_blocks(idblocks: list[Any], mesh: Any, arm: Any, notes: list[str]) -> list[_Block]:
    """The blocks of a character whose take an older DualTalk keyed as one active action."""
    blocks = []
    for idblock in idblocks:
        old = layers.legacy_take(idblock)
        if old is None:
            continue
        values = _legacy_values(idblock, old)
        block = _Block(idblock, [], values, _find_kept(idblock, {}, []), legacy=old)
        if idblock == mesh.data.shape_keys:
            block.followers = _followers(idblock, mesh, arm, values)
        blocks.append(block)
    if blocks:
        take = str(action_meta(blocks[0].legacy).get("take", "take"))
        notes.append(
            _older_note(take, mesh.name, f"keyed as one action ({blocks[0].legacy.name!r}, without layers)")
        )
    return blocks


def _character_blocks(
    obj: Any, chosen: set[int], notes: list[str], together: list[Any]
) -> tuple[str, list[_Block]]:
    """Check one character (refusing in one line) and plan its datablocks; ``together``: the
    characters removed with it (``obj`` one of them), whose takes are told apart from its own."""
    mesh, arm = find_mesh_and_armature(obj)
    _refuse_unwritable(mesh, arm)
    idblocks = layers.character_idblocks(obj)
    _refuse_locked(idblocks, mesh.name)
    if not any(our_tracks(b) for b in idblocks):
        legacy = _legacy_blocks(idblocks, mesh, arm, notes)
        if legacy:
            return mesh.name, legacy
        raise DualTalkError(f"{mesh.name!r} carries no DualTalk take; there is nothing to remove")
    unrecorded = ""
    key = mesh.data.shape_keys
    own = (
        {_ptr(s.action) for t in our_tracks(key) for s in t.strips if s.action} if key is not None else set()
    )
    others = _played_by_keys(chosen)
    blocks = []
    for idblock in idblocks:
        tracks = our_tracks(idblock)
        played = {_ptr(s.action) for t in tracks for s in t.strips if s.action is not None}
        if idblock != key and played and own and not played & own and played & others:
            # one armature deforming two characters: its layers play the other character's take
            notes.append(f"{idblock.name!r} plays another character's take; its DualTalk tracks stay")
            continue
        record = before_take.checked_before_record(idblock, layers.label(idblock, mesh.name))
        ad = idblock.animation_data
        kept = _find_kept(idblock, record, tracks) if tracks else None
        if kept is not None and ad.action is not None:
            notes.append(
                f"{kept.action.name!r} stays on its track {kept.track.name!r}: {ad.action.name!r} is the "
                f"active action of {layers.label(idblock, mesh.name)}"
            )
            kept = None
        settings: dict[str, Any] = {}
        if kept is not None:
            settings = dict(kept.settings)
        elif ad is not None and ad.action is None:  # no tweak layer of the animator's on top: as it was
            if record:
                settings = {k: record[k] for k in before_take.ACTIVE_SETTINGS if k in record}
            elif tracks and ad.action_blend_type == "COMBINE":
                settings = {"blend_type": BLENDER_BLEND}
        if tracks and not unrecorded and (not record or record.get("replaced_take")):
            metas = _metas([idblock])
            take = str(metas[0].get("take", "take")) if metas else "take"
            how = "keyed" if not record else f"keyed over {record['replaced_take']!r}, a take keyed"
            # the takes the file keeps of this face, by the rule the take list follows: by the datablocks
            # they keyed, else their names, renames followed (take_owners; not the recorded name alone)
            earlier = take_owners.kept_takes(together, together.index(obj), take)
            if not record and earlier:  # this build's take over an older one the file keeps
                how = f"keyed over {earlier[0]!r}, a take keyed"
            unrecorded = _older_note(take, mesh.name, how)
            notes.append(unrecorded)
        values = _values(idblock, tracks, record)
        block = _Block(
            idblock,
            tracks,
            values,
            kept,
            settings,
            clear=record.get("animation_data") is False and bool(tracks),
            beneath=rest_beneath.beneath_track(idblock) if tracks else None,
        )
        if tracks and kept is None:
            _plan_rebase(block, record, layers.label(idblock, mesh.name), mesh.name, notes)
        if tracks:
            _plan_base(block, layers.label(idblock, mesh.name), mesh.name, notes)
        if idblock == key:
            block.followers = _followers(key, mesh, arm, values)
        if tracks or block.followers:
            blocks.append(block)
    return mesh.name, blocks


def _plan_rebase(block: _Block, record: dict[str, Any], label: str, character: str, notes: list[str]) -> None:
    """The animator's own active action, keyed over the take in *Combine* (which the first take set,
    so that a key in the viewport is an offset from the take): Blender adds a Combine key to the
    property's default, 1.0 for a shape key, once the take is gone, so a +0.3 jaw fix would open the
    jaw wide on every frame. Its curves on the shape keys the take keyed are moved to count from
    each one's value before the take (a +0.3 fix reads 0.3 over a jaw that was at 0), and the blend
    goes back to what it was before the take (*Replace* when there was none), said in a note.
    Bone curves are mapped the same way over a bone posed before the take (:func:`_rebase_bones`);
    an action over tracks of the animator's own adds to those and stays unchanged."""
    ad = block.idblock.animation_data
    action = None if ad is None else ad.action
    if action is None or is_ours(action) or ad.action_blend_type != "COMBINE":
        return
    was = str(record.get("blend_type") or BLENDER_BLEND)
    if was == "COMBINE":  # the animator's own choice before the take
        return
    if len(ad.nla_tracks) > len(block.tracks) + (block.beneath is not None):  # their own tracks stay below
        return
    restored = {(path, index): value for path, index, value in block.values}
    curves = {
        (fc.data_path, fc.array_index): fc
        for fc in compat.iter_fcurves(action, getattr(ad, "action_slot", None))
    }
    moved = _rebase_shape_keys(curves, restored) + _rebase_bones(curves, restored, label, notes)
    drift = _drift_words(block.idblock, curves, restored)
    if not moved:
        if drift is not None:  # a head at rest before the take: its keys stay the turns they are
            notes.append(
                f"{action.name!r} on {label} was keyed over the take (Combine: turns from it) and its keys stay "
                f"turns: {drift}"
            )
        return
    block.blend_back = was
    block.rebase = moved
    keys = sum(1 for m in moved if m.curves[0].data_path.startswith("key_blocks["))
    bones = sorted({b for m in moved if (b := _bone_name(m.curves[0].data_path)) is not None})
    parts = [_count(keys, "shape key")] if keys else []
    if bones:
        parts.append(f"{_count(len(bones), 'bone')} ({_names(bones)})")
    what = " and ".join(parts)
    if action.users - int(action.use_fake_user) > 1 or _read_only(action):
        # moving its keys would move another face's fix too, or edit a library: decided with the
        # other blocks that play it (:func:`_share_fixes`)
        block.shared_fix = _SharedFix(action, label, character, what, was)
        return
    notes.append(_rebased_note(action.name, label, what, was) + ("" if drift is None else f": {drift}"))


BASE_TRACK = layers.BASE_TRACK  # the animator's track Remove Take leaves under theirs (:func:`_plan_base`)


def _rna_default(idblock: Any, data_path: str, index: int) -> float | None:
    """Blender's default for ``data_path[index]`` (a shape key's value: 1.0), which NLA blends the
    lowest strip animating a property with; None where the path does not resolve."""
    owner_path, _, prop = data_path.rpartition(".")
    try:
        owner = idblock.path_resolve(owner_path) if owner_path else idblock
        rna = owner.bl_rna.properties[prop]
        return float(rna.default_array[index] if rna.is_array else rna.default)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError):
        return None


def _blends_with_below(blend: str, influence: float) -> bool:
    """Whether a strip (or the active action) of this blend and influence mixes in what is below it."""
    return blend != "REPLACE" or influence < 1.0 - 1e-6


def _strip_influence(strip: Any) -> float:
    """A strip's influence as NLA plays it: 1 unless its own influence is used; a keyed one at its
    lowest key (0 where keys animate it below 1, as good as part influence)."""
    if not strip.use_animated_influence:
        return 1.0
    fc = strip.fcurves.find("influence")
    if fc is not None and len(fc.keyframe_points):
        return float(min(kp.co[1] for kp in fc.keyframe_points))
    return float(strip.influence)


def _plan_base(block: _Block, label: str, character: str, notes: list[str]) -> None:
    """Tracks of the animator's above ours (a fix pushed down to a ``Fixes`` track in *Combine*, a hand
    layer at 50 %), and their active action when it is not rebased, blend with what is below them: with
    the take, our rest track and layers. Once our tracks go, NLA blends the lowest strip animating a
    property with Blender's default instead (1.0 for a shape key), not with the value before the take:
    a pushed-down +0.3 smile fix read 1.0 on every frame, a 0.8 smile at 50 % read 0.9, not 0.4
    (review rv37a, finding 2). So the properties the take keyed that they blend over, and that no track
    of the animator's below ours animates (those played before the take as they will again), are held
    at their values before the take on a track of theirs, :data:`BASE_TRACK`, where our rest track was;
    said in a note. A property whose value before the take is Blender's default needs none."""
    ad = block.idblock.animation_data
    if ad is None:
        return
    stack = list(ad.nla_tracks)
    mine = [i for i, t in enumerate(stack) if any(t == o for o in block.tracks)]
    if not mine:
        return
    lowest = min(mine)
    below: set[tuple[str, int]] = set()
    over: list[tuple[str, Any, Any, bool]] = []  # (what, action, slot, blends with what is below)
    for i, track in enumerate(stack):
        if i in mine:
            continue
        for strip in track.strips:
            if strip.action is None or is_ours(strip.action):
                continue
            if i < lowest:
                below |= {
                    (fc.data_path, fc.array_index)
                    for fc in compat.iter_fcurves(strip.action, strip.action_slot)
                }
            else:
                blends = _blends_with_below(strip.blend_type, _strip_influence(strip))
                over.append((repr(track.name), strip.action, strip.action_slot, blends))
    if block.kept is not None:
        below |= {
            (fc.data_path, fc.array_index) for fc in compat.iter_fcurves(block.kept.action, block.kept.slot)
        }
    elif ad.action is not None and not is_ours(ad.action) and not block.rebase and block.shared_fix is None:
        blends = _blends_with_below(ad.action_blend_type, ad.action_influence)
        over.append(
            (f"your active action {ad.action.name!r}", ad.action, getattr(ad, "action_slot", None), blends)
        )
    restored = {(path, index): value for path, index, value in block.values}
    held: dict[tuple[str, int], float] = {}
    whose: list[str] = []
    for what, action, slot, blends in over:
        if not blends:
            continue
        hit = False
        for fc in compat.iter_fcurves(action, slot):
            where = (fc.data_path, fc.array_index)
            if where in restored and where not in below:
                default = _rna_default(block.idblock, *where)
                if default is not None and abs(restored[where] - default) > 1e-6:
                    held[where] = restored[where]
                    hit = True
        if hit and what not in whose:
            whose.append(what)
    anchored = _plan_anchor(block, stack, mine, over, restored, below, held, whose)
    if not held:
        return
    for path in {p for p, _i in held}:  # a rotation is blended whole: all of its curves the take keyed
        for (p, i), value in restored.items():
            if p == path and (p, i) not in held and (p, i) not in below:
                held[(p, i)] = value
    block.base = [(p, i, v) for (p, i), v in held.items()]
    block.base_name = f"{character} before take"
    parts = sorted({layers.channel_name(p) for p, _i in held})
    shown = ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")
    if anchored:
        notes.append(
            f"the track {BASE_TRACK!r} now holds the values before the take ({shown}) under "
            f"{_names(anchored)} on {label}, which play{'s' if len(anchored) == 1 else ''} as before; "
            "the next take goes under them again, where this one was"
        )
    if not whose:
        return
    notes.append(
        f"{_names(whose)} on {label} blend{'s' if len(whose) == 1 else ''} over what the take keyed ({shown}); "
        f"without the take Blender would blend {'it' if len(whose) == 1 else 'them'} with its default (1.0 for "
        f"a shape key), so the track {BASE_TRACK!r} now holds the values before the take under "
        f"{'it' if len(whose) == 1 else 'them'}"
    )


def _plan_anchor(
    block: _Block,
    stack: list[Any],
    mine: list[int],
    over: list[tuple[str, Any, Any, bool]],
    restored: dict[tuple[str, int], float],
    below: set[tuple[str, int]],
    held: dict[tuple[str, int], float],
    whose: list[str],
) -> list[str]:
    """Tracks of the animator's above ours over properties the take keyed, with nothing of theirs left
    under them once ours go (our rest track at the bottom): Blender adds a track only above another, so
    the next take could not go under them again and played over their fixes (review rv37d, finding 3).
    Those properties are held at their values before the take on :data:`BASE_TRACK` too (under a track
    that blends, as :func:`_plan_base` says; under one at full influence nothing shows: the values are
    those the character shows without it). Adds to ``held``; returns the tracks it holds a place for
    that ``whose`` does not name already."""
    kept = None if block.kept is None else block.kept.track
    lowest = min(mine)
    going = [t for t in (kept, block.beneath) if t is not None]
    if any(i < lowest and i not in mine and all(t != g for g in going) for i, t in enumerate(stack)):
        return []  # a track of theirs stays under theirs: the next take goes above it
    anchored: list[str] = []
    for what, action, slot, _blends in over:
        if what.startswith("your active action"):
            continue  # played above every track: not a place in the stack
        hit = False
        for fc in compat.iter_fcurves(action, slot):
            where = (fc.data_path, fc.array_index)
            if where in restored and where not in below and _rna_default(block.idblock, *where) is not None:
                held.setdefault(where, restored[where])
                hit = True
        if hit and what not in whose and what not in anchored:
            anchored.append(what)
    return anchored


DRIFT_DEGREES = 1.0  # a bone turned less than this from what the animator saw goes unsaid
DRIFT_FRAMES = 200  # keyed frames played to measure it, at most (each plays the whole scene)


def _drift_words(
    idblock: Any, curves: dict[tuple[str, int], Any], restored: dict[tuple[str, int], float]
) -> str | None:
    """How far, at the frames the animator keyed, a bone the take turned will play from what they
    saw there with the take, once it is gone; None under :data:`DRIFT_DEGREES`.

    A rotation keyed over the take in Combine is stored as a turn from the take's head at that frame
    (``take⁻¹ @ pose``) and stays that turn (counted from the pose before the take): Remove Take
    leaves nothing of DualTalk's, so it does not bake the take's head into the animator's keys. But
    over a head the take turned toward the partner, a pose set there plays turned away by as much
    once the take is gone (review 31a, finding 4: 19 degrees, silently), so the note says how much.
    Read before anything is removed: the scene is played at each keyed frame, then put back."""
    scene: Any = bpy.context.scene
    now = scene.frame_current, scene.frame_subframe
    worst = (0.0, "", 0)
    bones = sorted(
        {p for p, _i in curves if _bone_name(p) and p.endswith((".rotation_quaternion", ".rotation_euler"))}
    )
    try:
        for path in bones:
            quat = path.endswith(".rotation_quaternion")
            n = 4 if quat else 3
            group: list[Any] = [curves.get((path, i)) for i in range(n)]
            if any(fc is None or not len(fc.keyframe_points) for fc in group):
                continue
            try:
                bone = idblock.path_resolve(path.rpartition(".")[0])
            except ValueError:
                continue
            if (bone.rotation_mode == "QUATERNION") != quat or bone.rotation_mode == "AXIS_ANGLE":
                continue  # curves of a rotation mode the bone does not play
            before = [restored.get((path, i), 1.0 if quat and i == 0 else 0.0) for i in range(n)]
            frames = sorted({int(round(kp.co[0])) for fc in group for kp in fc.keyframe_points})
            if len(frames) > DRIFT_FRAMES:  # a baked head: an even spread of its keys is enough to say
                frames = [frames[int(i)] for i in np.linspace(0, len(frames) - 1, DRIFT_FRAMES)]
            for frame in frames:
                scene.frame_set(frame)
                keyed = [fc.evaluate(frame) for fc in group]
                if quat:
                    seen = Quaternion(bone.rotation_quaternion).normalized()
                    after = Quaternion(before) @ Quaternion(keyed).normalized()
                else:
                    seen = Euler(bone.rotation_euler, bone.rotation_mode).to_quaternion()
                    turned = [b + k for b, k in zip(before, keyed, strict=True)]
                    after = Euler(turned, bone.rotation_mode).to_quaternion()
                angle = math.degrees(seen.rotation_difference(after).angle)
                if angle > worst[0]:
                    worst = (angle, _bone_name(path) or "", frame)
    finally:
        scene.frame_set(now[0], subframe=now[1])
    angle, bone_name, frame = worst
    if angle < DRIFT_DEGREES:
        return None
    return (
        f"without the take, bone {bone_name!r} plays up to {angle:.0f} degrees from the pose you saw at the "
        f"frames you keyed (frame {frame}); pose and key it there again to keep what you saw"
    )


def _rebased_note(action: str, label: str, what: str, was: str) -> str:
    return (
        f"{action!r} on {label} was keyed over the take (Combine: offsets from it); its keys on "
        f"{what} now count from their values before the take, blend {was.title()}"
    )


def _read_only(action: Any) -> bool:
    """An action of a library (linked, or not editable here): DualTalk never changes its keys."""
    return action.library is not None or not getattr(action, "is_editable", True)


def _rebase_key(block: _Block) -> tuple[Any, ...]:
    """What a block's rebase does to its action's keys: two blocks alike move them alike."""
    return tuple(
        sorted(
            (
                tuple((fc.data_path, fc.array_index) for fc in m.curves),
                tuple(np.round(m.matrix, 9).ravel()),
                tuple(np.round(m.offset, 9).ravel()),
            )
            for m in block.rebase
        )
    )


def _user_words(idblock: Any) -> str:
    """A datablock playing an action, as a message names it (shape keys by the mesh they belong to)."""
    owner = getattr(idblock, "user", None) if compat.id_type_of(idblock) == "KEY" else None
    return f"the shape keys of {owner.name!r}" if owner is not None else repr(idblock.name)


def _free_name(base: str, taken: set[str]) -> str:
    """``base`` (at most 63 characters, Blender's limit), or ``base.001``... where it is taken."""
    name, n = base[:63], 0
    while name in taken:
        n += 1
        name = f"{base[:59]}.{n:03d}"
    taken.add(name)
    return name


def _share_fixes(blocks: list[_Block], notes: list[str]) -> None:
    """Fix actions shared or linked (:class:`_SharedFix`), each worked out over every block that
    rebases it. A library's action is never edited; one also played by a datablock that keeps its
    take (or plays it otherwise) stays as it is for that datablock. The blocks removed then play
    their own copy of it, rebased (as Make Single User would give them). An action played only by
    blocks of this removal is rebased in place, once (blocks whose values before the take differ
    from the first's get a copy); moving it once per block would move it twice (review 26b)."""
    groups: dict[int, tuple[Any, list[_Block]]] = {}
    for block in blocks:
        if block.shared_fix is not None:
            action = block.shared_fix.action
            groups.setdefault(_ptr(action), (action, []))[1].append(block)
    taken = {a.name for a in bpy.data.actions if a.library is None}
    for action, group in groups.values():
        mine = {_ptr(b.idblock) for b in group}
        users = bpy.data.user_map(subset=[action]).get(action, set())
        others = sorted(_user_words(u) for u in users if _ptr(u) not in mine)
        in_place = None if others or _read_only(action) else _rebase_key(group[0])
        moved = False
        for block in group:
            fix = block.shared_fix
            assert fix is not None
            if in_place is not None and _rebase_key(block) == in_place:
                if moved:  # the same keys moved the same way: once
                    block.rebase = []
                moved = True
                notes.append(_rebased_note(action.name, fix.label, fix.what, fix.was))
                continue
            block.copy_name = _free_name(f"{action.name} ({fix.character})", taken)
            if _read_only(action):
                lib = action.library.filepath if action.library is not None else "its library"
                why = f"is linked from {lib}, which DualTalk never edits"
            elif others:
                why = f"also plays on {_names(others)}, so it stays as it is there"
            else:  # the rest of the group keeps it, moved for their values
                kept_by = [b.shared_fix.label for b in group if b.shared_fix and _rebase_key(b) == in_place]
                why = (
                    f"also plays on {_names(kept_by)}, whose values before the take differ (moved for those)"
                )
            notes.append(
                f"{action.name!r} on {fix.label} was keyed over the take (Combine: offsets from it) and "
                f"{why}; a copy of it, {block.copy_name!r}, now plays on {fix.label}, its keys on "
                f"{fix.what} counting from their values before the take, blend {fix.was.title()}"
            )


def _bone_name(data_path: str) -> str | None:
    """'Head' for 'pose.bones["Head"].location', None for any other property."""
    if not data_path.startswith('pose.bones["'):
        return None
    return data_path[len('pose.bones["') : data_path.rindex('"]')]


def _rebase_shape_keys(
    curves: dict[tuple[str, int], Any], restored: dict[tuple[str, int], float]
) -> list[_Rebase]:
    """Shape-key curves: a Combine key adds to the key's default (1.0), so each moves by its value
    before the take minus that default."""
    out = []
    for (path, index), fc in curves.items():
        if (path, index) not in restored or not (path.startswith("key_blocks[") and path.endswith(".value")):
            continue
        shift = restored[(path, index)] - SHAPE_KEY_DEFAULT
        if shift and len(fc.keyframe_points):
            out.append(_Rebase([fc], np.ones((1, 1)), np.array([shift])))
    return out


def _rebase_bones(
    curves: dict[tuple[str, int], Any], restored: dict[tuple[str, int], float], label: str, notes: list[str]
) -> list[_Rebase]:
    """Rotation curves of a bone that was not at rest before the take: an Euler angle adds to its
    angle, a quaternion is multiplied by its rotation (all four curves keyed on the same frames;
    otherwise left and said)."""
    out = []
    for (path, index), fc in curves.items():
        if (path, index) not in restored or _bone_name(path) is None or not len(fc.keyframe_points):
            continue
        before = restored[(path, index)]
        if path.endswith(".rotation_euler") and before:  # the take keys rotations only
            out.append(_Rebase([fc], np.ones((1, 1)), np.array([before])))
    for path in sorted({p for p, _i in curves if p.endswith(".rotation_quaternion") and _bone_name(p)}):
        if any((path, i) not in restored for i in range(4)):
            continue
        q = [restored[(path, i)] for i in range(4)]
        if np.allclose(q, (1.0, 0.0, 0.0, 0.0)):
            continue
        group = [curves.get((path, i)) for i in range(4)]
        frames = [None if fc is None else [kp.co[0] for kp in fc.keyframe_points] for fc in group]
        if any(f is None for f in frames) or any(f != frames[0] for f in frames):
            notes.append(
                f"the rotation keys of bone {_bone_name(path)!r} on {label} are left as they are: its four "
                "quaternion curves are not keyed on the same frames (without the take they turn it from rest)"
            )
            continue
        w, x, y, z = q
        left = np.array([[w, -x, -y, -z], [x, w, -z, y], [y, z, w, -x], [z, -y, x, w]])
        out.append(_Rebase(group, left, np.zeros(4)))
    return out


def _doomed_actions(blocks: list[_Block]) -> list[Any]:
    """Our actions that nothing will play once ``blocks``' tracks are gone (and no fake user keeps)."""
    playing: dict[int, tuple[Any, int]] = {}
    for block in blocks:
        for track in block.tracks:
            for strip in track.strips:
                if strip.action is not None and is_ours(strip.action):
                    action, n = playing.get(_ptr(strip.action), (strip.action, 0))
                    playing[_ptr(action)] = (action, n + 1)
        beneath = None if block.beneath is None else block.beneath.strips[0].action
        for action in (block.legacy, beneath):
            if action is not None:  # unassigned as the active action, or our rest beneath theirs
                action, n = playing.get(_ptr(action), (action, 0))
                playing[_ptr(action)] = (action, n + 1)
    return [a for a, n in playing.values() if not a.use_fake_user and a.users - n <= 0]


def _orphaned_beneath(characters: set[str]) -> list[Any]:
    """Our rest-beneath actions of ``characters`` (their names, as the actions are named after them:
    ``DualTalk Ann rest beneath``, ``.001`` for the rig's) that nothing plays: the animator deleted our
    track and no Generate ran since to drop them (:func:`.rest_beneath.drop_orphans`). They are ours and
    go with the take, counted (rest42b left them to Blender's next save). Another character's stays."""
    found = []
    for action in bpy.data.actions:
        if action.users or action.library is not None or not is_ours(action):
            continue
        if action_meta(action).get("layer") != rest_beneath.LAYER:
            continue
        named = _BENEATH_NAME.fullmatch(action.name)
        if named is not None and named.group(1) in characters:
            found.append(action)
    return found


def _scene_items(
    scene: Any, metas: list[dict[str, Any]], characters: list[str], chosen: set[int]
) -> tuple[list[Any], list[Any]]:
    """The markers and our sound strips that go with the removed take (see the module docstring)."""
    left = _scene_takes(scene, chosen)
    removed = {take_key(m) for m in metas}
    names = set(characters) | {str(m.get("character", "")) for m in metas}
    # another character still plays the take: a partner of theirs, not one whose take of the same name
    # and frame was keyed with someone else (a rig swapped out, review rv37a F6)
    partners = apply.played_with(scene, names)
    if removed & {take_key(m) for m in left if partners is None or str(m.get("character")) in partners}:
        return [], []

    def ours(pair: Iterable[str] | None) -> bool:
        return not left or (pair is not None and bool(names & set(pair)))

    records = apply.marker_records(scene)
    made = {(n, f) for e in records if ours(e["pair"]) for n, f in e["markers"]}
    markers = [m for m in scene.timeline_markers if (m.name, int(m.frame)) in made]
    strips: list[Any] = []
    se = scene.sequence_editor
    if se is not None:
        # a strip naming no pair: the last recorded take's (not a pair found by its markers' names)
        latest = next((e["pair"] for e in reversed(records) if not e.get("by_name")), None)
        starts = {int(m.get("start_frame", 0)) for m in metas}
        top = list(se.strips)
        for strip in sound.our_strips(scene):
            if strip not in top:
                continue
            pair = sound.strip_pair(strip) or latest
            if ours(pair) or (pair is None and int(strip.frame_final_start) in starts):
                strips.append(strip)
    return markers, strips


def _elsewhere(
    chars: list[Any], scene: Any, metas: list[dict[str, Any]], characters: list[str], chosen: set[int]
) -> list[_Elsewhere]:
    """The other scenes holding the characters ``chars`` (a Linked Copy of the shot: the same objects)
    and what goes there with the take: the same rule as in ``scene`` (:func:`_scene_items`). The
    characters play no take anywhere once it is removed, so the markers and strip a scene holds for
    their pair belong to a take nobody there plays any more (the one the copy's Generate replaced,
    review 31a finding 6); another character there still playing the take keeps them."""
    parts = [part for obj in chars for part in find_mesh_and_armature(obj)]
    out = []
    for sc in scenes_besides(parts, scene):
        markers, strips = _scene_items(sc, metas, characters, chosen)
        if markers or strips:
            out.append(_Elsewhere(sc, markers, strips))
    return out


def _scenes_of(obj: Any, scene: Any) -> tuple[str, list[Any]]:
    """The character ``obj``'s mesh name and the other scenes its mesh or rig object is in."""
    mesh, arm = find_mesh_and_armature(obj)
    return mesh.name, scenes_besides((mesh, arm), scene)


def scenes_besides(parts: Iterable[Any], scene: Any) -> list[Any]:
    """The scenes other than ``scene`` that hold one of the objects ``parts`` (a character's mesh and
    rig; None entries skipped), by name."""
    others: dict[int, Any] = {}
    for o in parts:
        for sc in getattr(o, "users_scene", ()) if o is not None else ():
            if sc != scene:
                others[_ptr(sc)] = sc
    return sorted(others.values(), key=lambda sc: sc.name)


def scene_words(scenes: Sequence[Any]) -> str:
    return f"scene{'s' if len(scenes) > 1 else ''} {_names([repr(sc.name) for sc in scenes])}"


SINGLE_USER = "Object > Relations > Make Single User > Object & Data, with its rig"


def shared_scene_warnings(objs: Iterable[Any], scene: Any) -> list[str]:
    """One line per character of ``objs`` whose object (or rig) is also in another scene: one object
    carries one animation, so a take keyed on it in ``scene`` replaces the one it plays there (said
    before a Generate or ``animate``; Blender's rule, but silent otherwise)."""
    out = []
    for obj in objs:
        name, others = _scenes_of(obj, scene)
        if not others:
            continue
        plays = "replaces the take it plays there" if carries_take(obj) else "plays there too"
        out.append(
            f"{name!r} is also in {scene_words(others)}, and one object carries one animation: this take "
            f"{plays}; to give each scene its own, make it single-user in one of them ({SINGLE_USER})"
        )
    return out


def other_takes(scene: Any, objs: Iterable[Any]) -> list[str]:
    """The characters in ``scene`` other than ``objs`` that carry a DualTalk take (another
    conversation's), by name."""
    skip = {_ptr(b) for obj in objs for b in layers.character_idblocks(obj)}
    return sorted({str(m.get("character", "")) for m in _scene_takes(scene, skip)} - {""})


def _made_in(scenes: Sequence[Any], name: str, ids: set[str]) -> list[Any]:
    """The scenes among ``scenes`` whose marker record says it holds the take ``ids`` of ``name``."""
    out = []
    for sc in scenes:
        for entry in apply.marker_records(sc):
            take = entry.get("take") or {}
            said = take.get("ids") if isinstance(take, dict) else None
            if isinstance(said, dict) and str(said.get(name)) in ids:
                out.append(sc)
                break
    return out


def _shared_note(
    obj: Any, scene: Any, metas: list[dict[str, Any]], elsewhere: Sequence[_Elsewhere] = ()
) -> str | None:
    """What removing the take of a character that is also in other scenes does there (``elsewhere``:
    the scenes whose markers and strips go too)."""
    name, others = _scenes_of(obj, scene)
    if not others:
        return None
    ids = {str(m["take_id"]) for m in metas if m.get("take_id")}
    made = _made_in([scene, *others], name, ids)
    tidied = [e.scene for e in elsewhere if e.scene in others]
    if made and made[0] != scene:
        there = (
            "loses its sound strip and markers too"
            if made[0] in tidied
            else "keeps its sound strip and markers"
        )
        return (
            f"{name!r} plays the take made in scene {made[0].name!r} (one object carries one animation, "
            f"and it is in {scene_words([scene, *others])}): that is the take removed, there too; "
            f"{made[0].name!r} {there}"
        )
    return (
        f"{name!r} is also in {scene_words(others)}, and one object carries one animation: its take goes "
        "there too"
    )


def plan_removal(objs: Iterable[Any], scene: Any = None) -> RemovePlan:
    """Check the characters ``objs`` and work out what Remove Take does to them; changes nothing.

    Refuses in one line (:class:`DualTalkError`) a character without a DualTalk take, one whose data
    is linked or not editable, and one whose NLA is in tweak mode.
    """
    scene = scene or bpy.context.scene
    chars: list[Any] = []
    for obj in objs:
        mesh, _arm = find_mesh_and_armature(obj)
        if all(mesh != find_mesh_and_armature(o)[0] for o in chars):
            chars.append(obj)
    if not chars:
        raise DualTalkError("choose a character to remove the take from")
    chosen = {_ptr(b) for obj in chars for b in layers.character_idblocks(obj)}
    notes: list[str] = []
    characters: list[str] = []
    blocks: list[_Block] = []
    seen: set[int] = set()
    metas: list[dict[str, Any]] = []
    for obj in chars:
        metas += _metas(layers.character_idblocks(obj))
    for obj in chars:
        name, planned = _character_blocks(obj, chosen, notes, chars)
        characters.append(name)
        for block in planned:
            if _ptr(block.idblock) not in seen:
                seen.add(_ptr(block.idblock))
                blocks.append(block)
    _share_fixes(blocks, notes)
    takes = sorted({str(m.get("take", "take")) for m in metas}) or ["take"]
    markers, strips = _scene_items(scene, metas, characters, chosen)
    elsewhere = _elsewhere(chars, scene, metas, characters, chosen)
    shared = [_shared_note(obj, scene, _metas(layers.character_idblocks(obj)), elsewhere) for obj in chars]
    notes[:0] = [n for n in shared if n is not None]  # first: the report's line shows the first note
    names = (set(characters) | {str(m.get("character", "")) for m in metas}) - {""}
    doomed = _doomed_actions(blocks) + _orphaned_beneath(names)
    removal = RemovePlan(characters, takes, blocks, doomed, markers, strips, notes)
    removal.edits = layers.going_edits_words(layers.edits_in(removal.actions))
    removal.elsewhere = elsewhere
    removal.frame_range, removal.forget_range = _range_back(scene, metas, chosen)
    for sc, found in [(scene, markers), *((e.scene, e.markers) for e in elsewhere)]:
        damage = apply.marker_damage_warning(sc, "removed with the take") if found else None
        removal.notes += [damage] if damage is not None else []
    damage = before_take.scene_range_damage(scene)
    if damage is not None:
        removal.notes.append(
            f"the scene's frame range stays as it is: DualTalk's record {before_take.SCENE_RANGE_PROP!r} of "
            f"the range the take replaced, on scene {scene.name!r}, is damaged ({damage})"
        )
    return removal


def _range_back(
    scene: Any, metas: list[dict[str, Any]], chosen: set[int]
) -> tuple[tuple[int, int] | None, bool]:
    """The scene's frame range to put back: the one the removed take found, when that take extended
    it (:func:`.before_take.note_scene_range`), no character left in the scene plays the take, and the range
    is still the one it set (one the animator changed since stays theirs); and whether the take's record
    of it goes. A take that recorded none (an older DualTalk's, or one that left the range alone):
    nothing."""
    record = before_take.scene_range_record(scene)
    if record is None:
        return None, False
    key = take_key(record)
    if key not in {take_key(m) for m in metas} or key in {take_key(m) for m in _scene_takes(scene, chosen)}:
        return None, False
    if [int(scene.frame_start), int(scene.frame_end)] != record["set"]:
        return None, True
    first, last = record["before"]
    return (first, last), True


def range_follows_play(scene: Any, left: Iterable[dict[str, Any]], played: dict[str, Any]) -> None:
    """After Play Take: the scene's record of the range a take replaced (:func:`.before_take.note_scene_range`)
    names the take that set it. Where that take was switched away from (``left``: the records of the
    takes that played) and no character in ``scene`` plays it any more, the record names the take now
    playing (``played``: its record), so Remove Take of it puts the range back as after a Generate; the
    range the first take found stays the one to put back. Play Take refuses a take of another first
    frame or rate, so the range was set for the played take's frames too."""
    record = before_take.scene_range_record(scene)
    if record is None:
        return
    key = take_key(record)
    if key not in {take_key(m) for m in left} or key in {take_key(m) for m in _scene_takes(scene, set())}:
        return
    kept = (int(record["set"][0]), int(record["set"][1]))
    before_take.note_scene_range(scene, kept, kept, played)


# --- writing ----------------------------------------------------------------------------------


def _set_value(idblock: Any, data_path: str, index: int, value: float) -> None:
    owner_path, _, prop = data_path.rpartition(".")
    try:
        owner = idblock.path_resolve(owner_path) if owner_path else idblock
        current = getattr(owner, prop)
        if isinstance(current, int | float):
            setattr(owner, prop, type(current)(value))
        else:
            current[index] = value
    except (ValueError, TypeError, IndexError, AttributeError):
        pass  # the property is gone (a bone renamed since): nothing to give back


def _restore_block(block: _Block) -> None:
    idblock = block.idblock
    ad = idblock.animation_data
    _note_above(block)
    reuse = None  # our lowest track becomes the animator's base track (Blender adds tracks only above one)
    if block.base:
        stack = list(ad.nla_tracks)
        reuse = min(block.tracks, key=lambda t: next(i for i, s in enumerate(stack) if s == t))
    for track in block.tracks:
        if track != reuse:
            ad.nla_tracks.remove(track)
    if block.beneath is not None:  # the animator's bottom track is at the bottom again
        ad.nla_tracks.remove(block.beneath)
    if reuse is not None:
        _hold_base(block, reuse)
    if block.legacy is not None and ad.action == block.legacy:
        ad.action = None
    kept = block.kept
    if kept is not None:
        ad.action = kept.action
        if getattr(ad, "action_slot", None) != kept.slot:  # Blender picks a slot itself: the one it played
            ad.action_slot = kept.slot
        ad.nla_tracks.remove(kept.track)
    for name, value in block.settings.items():
        setattr(ad, f"action_{name}", value)
    for move in block.rebase:
        move.apply()
    if block.blend_back is not None:
        ad.action_blend_type = block.blend_back
    for path, index, value in block.values:
        _set_value(idblock, path, index, value)
    for key, driver, value in block.followers:
        path = driver.data_path
        key.animation_data.drivers.remove(driver)
        if value is not None:
            _set_value(key, path, 0, value)
    if block.clear and ad.action is None and not len(ad.nla_tracks) and not len(ad.drivers):
        idblock.animation_data_clear()  # it had none before the take
    before_take.forget_before(idblock)


def _note_above(block: _Block) -> None:
    """Record on the datablock the animator's tracks above our lowest one (a ``Fixes`` track), so the
    next take goes under them, where this one was (:func:`.layers.first_take_place`); an older record
    goes when none is above."""
    idblock = block.idblock
    if idblock.animation_data is None:
        return
    stack = list(idblock.animation_data.nla_tracks)
    mine = [i for i, t in enumerate(stack) if any(t == o for o in block.tracks)]
    above = [t.name for i, t in enumerate(stack) if mine and i > min(mine) and i not in mine]
    if above:
        idblock[layers.ABOVE_PROP] = json.dumps(above)
    elif layers.ABOVE_PROP in idblock:
        del idblock[layers.ABOVE_PROP]


def _hold_base(block: _Block, track: Any) -> None:
    """Our ``track`` emptied and given to the animator: one strip, Replace at full influence, holding
    each of ``block.base`` at its value before the take (one key, held both ways) over the take's frames."""
    scene: Any = bpy.context.scene
    starts = [s.frame_start for s in track.strips] or [float(scene.frame_start)]
    ends = [s.frame_end for s in track.strips] or [float(scene.frame_end)]
    start, end = min(starts), max(ends)
    for strip in list(track.strips):
        track.strips.remove(strip)
    track.lock = track.mute = False
    track.name = BASE_TRACK
    action = bpy.data.actions.new(block.base_name)
    action.use_frame_range = True
    action.frame_start, action.frame_end = start, max(end, start + 1)
    slot = compat.new_slot(action, block.idblock, BASE_TRACK)
    bag = compat.channelbag(action, slot)
    for path, index, value in block.base:
        fill(bag.fcurves.new(path, index=index), np.array([start]), [value])
    strip = track.strips.new(BASE_TRACK, int(start), action)
    strip.action_slot = slot
    strip.blend_type = "REPLACE"
    strip.extrapolation = "HOLD"


def _onto_copy(block: _Block) -> list[_Rebase]:
    """The block's active action replaced by a local copy (named ``copy_name``; the slot it played
    kept), and its rebase mapped onto the copy's curves: the original is left as it is."""
    ad = block.idblock.animation_data
    slot = getattr(ad, "action_slot", None)
    identifier = None if slot is None else slot.identifier
    copy = ad.action.copy()
    copy.name = block.copy_name
    ad.action = copy
    same = next((s for s in copy.slots if s.identifier == identifier), None)
    if same is not None and getattr(ad, "action_slot", None) != same:  # Blender picks one itself
        ad.action_slot = same
    curves = {(fc.data_path, fc.array_index): fc for fc in compat.iter_fcurves(copy, ad.action_slot)}
    return [
        _Rebase([curves[(fc.data_path, fc.array_index)] for fc in m.curves], m.matrix, m.offset)
        for m in block.rebase
    ]


def _forget_markers(scene: Any, removed: list[tuple[str, int]]) -> None:
    """Drop removed markers from the scene's record of ours (a pair's entry goes when it is empty, the
    record when none is left)."""
    records = apply.marker_records(scene)
    gone = set(removed)
    left = [{**e, "markers": [[n, f] for n, f in e["markers"] if (n, f) not in gone]} for e in records]
    apply.write_marker_records(scene, left, records)


def remove_take(objs: Iterable[Any], scene: Any = None, *, undo_push: bool = True) -> RemoveReport:
    """Remove DualTalk's take from the characters ``objs`` (meshes or armatures); see the module
    docstring for what goes and what stays. One undo step (``undo_push=False`` inside an operator that
    has the UNDO flag). Refuses, changing nothing, as :func:`plan_removal` does."""
    scene = scene or bpy.context.scene
    objs = list(objs)
    plan = plan_removal(objs, scene)
    played = playing_takes(objs)  # read before the layers go
    faces = [face(obj).name for obj in objs]  # as the readings' texts name them
    # the animator's copies, found while the take still says what it plays (a take keyed before
    # 2026-12-04 is told from a copy of its strip only then: fix37 kept37); never planned: not ours
    kept_strips = sound.release_users_copies(scene)
    deleted = [a.name for a in plan.actions]
    for block in plan.blocks:  # copied before any block moves the keys of the action it copies
        if block.copy_name is not None:
            block.rebase = _onto_copy(block)
    for block in plan.blocks:
        _restore_block(block)
    for action in plan.actions:
        if action.users - int(action.use_fake_user) <= 0:  # nothing plays it: as planned
            bpy.data.actions.remove(action)
    layers.forget_ids(block.idblock for block in plan.blocks)  # an id no take records goes too
    removed_markers = _remove_items(scene, plan.markers, plan.strips)
    for there in plan.elsewhere:
        _remove_items(there.scene, there.markers, there.strips)
    n_strips = len(plan.strips)
    if plan.frame_range is not None:
        first, last = plan.frame_range
        scene.frame_start, scene.frame_end = first, last
        scene.frame_start = first  # a start past the old end moved the end: set both again
    if plan.forget_range:
        before_take.forget_scene_range(scene)
    for there in [scene, *(e.scene for e in plan.elsewhere)]:  # Remove Take never plays it back
        for names, take, ids in played:
            take_history.forget(there, names, take, ids)
    texts = reading_text.drop_unheld(faces)  # from Python too, not only the panel's button
    if undo_push:
        compat.undo_push(f"DualTalk: remove take from {_names(plan.characters)}")
    return RemoveReport(
        characters=plan.characters,
        takes=plan.takes,
        tracks=plan.tracks,
        actions=deleted,
        markers=len(removed_markers),
        sound_strips=n_strips,
        restored=plan.restored,
        notes=plan.notes,
        frame_range=plan.frame_range,
        elsewhere=[e.what() for e in plan.elsewhere],
        kept_strips=kept_strips,
        edits=plan.edits,
        texts=texts,
    )


def playing_takes(objs: Iterable[Any]) -> list[tuple[set[str], str, set[str]]]:
    """(the names the scene's history of played takes may hold for it, the take it plays, its face's
    ids) of each character of ``objs`` playing a take in layers: what removing them forgets from that
    history (:func:`.take_history.forget`), so a script's removal leaves it as the panel's does. Read
    before the take goes (a face back to before DualTalk loses its id)."""
    out = []
    for obj in objs:
        mesh = find_mesh_and_armature(obj)[0]
        meta = layers.take_meta(mesh)
        if meta and meta.get("take"):
            objects = {b.name for b in layers.character_idblocks(mesh) if isinstance(b, bpy.types.Object)}
            names = {mesh.name, *objects, str(meta.get("character", ""))} - {""}
            out.append((names, str(meta["take"]), set(take_history.face_ids(mesh))))
    return out


def _remove_items(scene: Any, markers: list[Any], strips: list[Any]) -> list[tuple[str, int]]:
    """Remove the planned ``markers`` (and their record) and our sound ``strips`` from ``scene``;
    returns the markers removed (name, frame)."""
    removed = [(m.name, int(m.frame)) for m in markers]
    for marker in markers:
        scene.timeline_markers.remove(marker)
    if removed:
        _forget_markers(scene, removed)
    for strip in strips:  # exactly the planned ones: another take's recording stays; its sound too
        sound.remove_strip(scene, strip)  # once nothing plays it (an orphan per removal, review 33s)
    return removed
