"""A take as named NLA layers an animator can dial, key and fix on top of.

Why NLA tracks and not Blender 5 action layers: in Blender 5.0 an action may hold only one
layer with one strip (``action.layers.new`` refuses a second: "An Action may not have more
than one layer"), and an action layer has no influence. NLA strips do: each has a keyable
``influence`` and a blend mode, tracks can be muted, soloed and reordered in the NLA editor,
and the exporter bakes the evaluated stack. So each character gets, on each datablock we
animate (its shape-key block, its armature or object), a stack of tracks, bottom to top::

    DualTalk rest beneath  only under the user's tracks that key channels the take keys (:mod:`.rest_beneath`)
    (the user's own tracks, e.g. "<action> (kept by DualTalk)")
    DualTalk rest          one key per channel at its rest value, influence 1
    DualTalk lips+jaw      \
    DualTalk head           | one action per layer (slots for the shape keys and the armature),
    DualTalk eyes           | REPLACE blend, keyed influence (1 unless asked otherwise)
    DualTalk brows+cheeks  /
    (tracks the user adds later, e.g. "Fixes"; the active action, the user's tweak layer)

After Remove Take the animator's tracks that were above the take (a ``Fixes`` track) stay above the
next one: its tracks go where the removed take's were, just above ``Before take`` or under the lowest of
them (:func:`first_take_place`), and one warning names those Blender leaves no room under.

The first time a datablock gets our layers its active-action blend is set to Combine, so a key
an animator sets in the viewport on top of the take is stored as an offset from it (Blender
remaps the inserted value) instead of freezing that channel for the whole shot.

The rest track makes influence mean what it says: NLA blends a REPLACE strip with the value
below it, and with nothing below that is whatever value the property last held, so influence
0 on "head" would freeze the head wherever it was. Over the rest track it puts the head at rest.
A channel the animator's own unmuted tracks under ours key (a walk cycle, their kept active action)
is left out of the rest track, and a layer keying it covers only the take's frames
(:func:`keyed_beneath`): their animation plays outside the take and under a muted or lowered layer.
A track of theirs between the rest track and the layers (where Blender adds one after the first take)
covers the rest there, and counts the same for the layers (:func:`keyed_under_layers`). The layer's
other channels hold the take's first and last pose outside it on the rest track (:func:`fit_rest`), so
only the channels their tracks key leave the take's pose. That cover and the rest are decided again at
each take and each Play Take (:func:`fit_extrapolations`): with nothing of theirs under it any more, a
layer holds the take's pose outside its frames as before, and a channel their track came to key since
the take was made plays theirs, and is said once where it was hidden until then. That held pose follows
the layer: muted it is the rest, lowered it is blended with the rest, and a moved first or last key moves
it (:mod:`.held_pose`, after each such edit). Those channels
are held at rest under the animator's tracks (:mod:`.rest_beneath`), so muting or deleting the track
leaves them at rest outside the take, not at Blender's default (a shape key's 1.0).

Re-generation rewrites the curves of our layer actions in place (or swaps in the new take's
actions) and never touches other tracks, the active action, or our strips' influence keys
unless an influence is given. A range re-generation rewrites only the frames of the range
plus cross-fade frames (:func:`.range_keys.replace_range`, planned by :mod:`.range_plan`), and
refuses before writing anything. An action is deleted only once nothing plays it (a renamed
character keeps its take), and a track of ours the animator deleted (the locked rest track too)
comes back in its place on the next take. Each layer action records the keys DualTalk wrote
(:data:`.keying.DIGEST_PROP`, kept up to date by a range), so a whole take that replaces keys an
animator edited inside our layers says so in one warning (:func:`hand_edits`) instead of silently.
A shape key or bone renamed since the take (Blender renames our curves with it) is a rig change, not
an edit (:func:`renamed_channels`): said, and a channel the map no longer finds is held at rest.

What a datablock was before its first take is recorded on it (:mod:`.before_take`): the value of
every property a take keys, the active action's blend type, influence and extrapolation, and the
animator's action pushed to its ``(kept by DualTalk)`` track, so *Remove Take*
(:mod:`.remove_take`) can put the character back as it was.
"""

from __future__ import annotations

import contextlib
import json
import numbers
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from ..rig import keyreduce
from ..rig.layer_names import LAYERS, layer_name
from . import before_take, compat, moved_take, rest_beneath
from .before_take import active_settings, note_kept, record_before
from .characters import find_mesh_and_armature, refuse_name
from .held_keys import holds_one_pose
from .keying import (
    OWNER_PROP,
    CurveDigest,
    CurveSpec,
    DigestReads,
    TargetCurves,
    action_meta,
    check_digests,
    curve_digest,
    curve_digests,
    curve_id,
    fill,
    is_ours,
    keys_digests,
    read_digests,
    write_digests,
)
from .steps import Steps, run_steps

REST = "rest"
TRACK_PREFIX = "DualTalk "
KEYS_MODES = ("every-frame", "reduced")
FLOAT32_MARGIN = 0.999  # keys are stored as float32: aim a hair inside the bound
NAME_BYTES = 255  # Blender 5's longest datablock name, in UTF-8 bytes
SAME_LAYER = ("take", "character", "layer")  # what makes an existing action the one a run replaces


def track_name(layer: str) -> str:
    return f"{TRACK_PREFIX}{layer}"


@dataclass
class LayersResult:
    actions: dict[str, Any]
    pushed: list[str]
    curves: int
    keys: int
    keys_every_frame: int
    max_weight_error: float
    max_rotation_error_deg: float
    warnings: list[str] = field(default_factory=list)


def _named_layer(name: str) -> str | None:
    """The layer (or ``rest``) our name ``name`` stands for, else None."""
    layer = name[len(TRACK_PREFIX) :] if name.startswith(TRACK_PREFIX) else ""
    return layer if layer in (REST, *LAYERS) else None


def renamed_layer(track: Any) -> str | None:
    """The layer (or ``rest``) of a track of ours the animator renamed, else None.

    Tidying the NLA editor renames tracks; recognised by name only, a renamed layer kept playing
    the old take above a new track the next Generate added under it, and Remove Take left it
    talking. Our strip keeps its name (``DualTalk <layer>``, which Blender keeps unique among a
    datablock's strips, so a strip the animator duplicates or adds is named otherwise) and plays
    our action of that layer: a track holding only that strip is ours, whatever it is called.
    """
    if len(track.strips) != 1:
        return None
    strip = track.strips[0]
    layer = _named_layer(strip.name)
    if layer is None or not is_ours(strip.action) or action_meta(strip.action).get("layer") != layer:
        return None
    return layer


def track_layer(track: Any) -> str | None:
    """The layer (or ``rest``) ``track`` holds for us: by its name (older files, an emptied track),
    else renamed (:func:`renamed_layer`); None: not ours."""
    return _named_layer(track.name) or renamed_layer(track)


def our_tracks(idblock: Any) -> list[Any]:
    """Our rest and layer tracks on ``idblock`` (bottom first), renamed ones included, unless one
    holds a strip playing an action that is not ours (the animator's, on a track of our name:
    theirs). What Remove Take removes."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return []
    return [t for t in ad.nla_tracks if track_layer(t) is not None and not plays_theirs(t)]


def plays_theirs(track: Any) -> bool:
    """Whether ``track`` holds a strip playing an action that is not ours: the animator's track, whatever
    it is called. A track named like ours (``DualTalk lips+jaw``: named so by hand, their action dropped
    into our strip, a colleague's file) was taken over by the next take, its strip set to play our
    action, and their action, left with no user, dropped from the saved file (review rv43c F1)."""
    return any(s.action is not None and not is_ours(s.action) for s in track.strips)


def our_strips(idblock: Any) -> dict[str, Any]:
    """Layer (or ``rest``) -> our NLA strip on ``idblock``: on the track of our name for it, else on
    one the animator renamed (:func:`renamed_layer`); never on a track of theirs (:func:`plays_theirs`),
    the rule Remove Take goes by (:func:`our_tracks`), so keying, Play Take, a range and the FBX leave it."""
    ad = getattr(idblock, "animation_data", None)
    out: dict[str, Any] = {}
    if ad is None:
        return out
    mine = [t for t in ad.nla_tracks if not plays_theirs(t)]  # bottom first
    named = {_named_layer(t.name) for t in mine if len(t.strips) == 1} - {None}
    for track in mine:
        layer = _named_layer(track.name)
        if layer is None:
            layer = renamed_layer(track)
            if layer is None or layer in named:  # a track of our name wins, as it always did
                continue
        if len(track.strips) == 1:
            out[layer] = track.strips[0]
    return out


def keys_to_write(
    curves: list[CurveSpec], frames: np.ndarray, keys: str
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(frames, values) to write for each curve: every frame, or reduced within each curve's tol."""
    if keys == "every-frame" or len(frames) < 3:
        return [(frames, c.values) for c in curves]
    values = np.stack([c.values for c in curves], axis=1)
    tol = np.array([c.tol * FLOAT32_MARGIN for c in curves])
    keep, keyed = keyreduce.reduce_keys(values, tol)
    return [(frames[keep[:, j]], keyed[keep[:, j], j]) for j in range(len(curves))]


def _rotation_error_deg(path_curves: dict[str, list[tuple[int, np.ndarray, np.ndarray]]]) -> float:
    """Largest angle (degrees) between the sampled and the written rotations, per rotation property."""
    worst = 0.0
    for path, comps in path_curves.items():
        comps = sorted(comps, key=lambda c: c[0])
        true = np.stack([c[1] for c in comps], axis=1)
        played = np.stack([c[2] for c in comps], axis=1)
        if path.endswith("rotation_quaternion") and true.shape[1] == 4:
            a = true / np.linalg.norm(true, axis=1, keepdims=True)
            b = played / np.linalg.norm(played, axis=1, keepdims=True)
            cos = np.clip(np.abs((a * b).sum(axis=1)), 0.0, 1.0)
            err = np.degrees(2.0 * np.arccos(cos))
        else:  # Euler / axis-angle / bone drives: the components' errors add up to a bound
            err = np.degrees(np.abs(true - played).sum(axis=1))
        worst = max(worst, float(err.max()) if len(err) else 0.0)
    return worst


def label(idblock: Any, character: str) -> str:
    """How a message names a datablock: a shape-key block by its character (Blender calls those
    'Key', 'Key.001': names an animator never sees or chooses), anything else by its own name."""
    if compat.id_type_of(idblock) == "KEY":
        return f"the shape keys of {character!r}"
    return repr(idblock.name)


def check_editable(idblocks: Iterable[Any], character: str = "", reads: DigestReads | None = None) -> None:
    """Refuse datablocks whose NLA is in tweak mode (their strips' actions cannot be swapped), and
    layers whose record of the keys DualTalk wrote is damaged (:func:`.keying.check_digests`: a take
    would replace keys edited by hand there without a word). ``reads``: the take's or range's
    decoded records (:class:`.keying.DigestReads`), which keep what this check decodes."""
    for idblock in idblocks:
        ad = getattr(idblock, "animation_data", None) if idblock is not None else None
        if ad is not None and ad.use_tweak_mode:
            raise DualTalkError(
                f"the NLA of {label(idblock, character)} is in tweak mode; leave it (Tab in the NLA editor) "
                "and try again"
            )
        for layer, strip in our_strips(idblock).items():
            if layer != REST and is_ours(strip.action):
                check_digests(strip.action, reads)


def action_name(prefix: str, layer: str) -> str:
    """``"<prefix> <layer>"`` within Blender's name length: a long prefix (take and character
    names) is shortened on a character boundary, never the layer, so a take's layer actions
    never end up with one name."""
    suffix = f" {layer}"
    room = NAME_BYTES - len(suffix.encode())
    return prefix.encode()[:room].decode(errors="ignore") + suffix


def _new_action(name: str, meta: dict[str, Any], start: float, end: float) -> Any:
    """A new layer action; Blender adds a suffix while the name is taken (until :func:`_retire`)."""
    action = bpy.data.actions.new(name)
    action[OWNER_PROP] = json.dumps(meta, sort_keys=True, default=str)
    action.use_frame_range = True
    action.frame_start, action.frame_end = start, max(end, start + 1)
    return action


def _replaced(targets: list[TargetCurves], names: Mapping[str, str]) -> list[tuple[str, Any, bool]]:
    """(layer, action, played here) a run may replace, each action once: the one of the layer's action
    name, and those our strips for that layer play now on these datablocks (a name taken by another
    character's take gave them a suffix; a character renamed since plays actions of its old name)."""
    out: list[tuple[str, Any, bool]] = []
    for layer, name in names.items():
        strips = [our_strips(t.idblock).get(layer) for t in targets]
        played = [s.action for s in strips if s is not None and s.action is not None]
        for action in [bpy.data.actions.get(name), *played]:
            if action is not None and all(action != a for _, a, _here in out):
                out.append((layer, action, any(action == p for p in played)))
    return out


def _retire(old: Any, meta: Mapping[str, Any], played_here: bool = False) -> None:
    """An action our strips no longer play: this character's own layer of this take is deleted,
    but only once nothing plays it any more (a character renamed since keeps playing its take,
    whatever name the take's record holds); any other stays in the file.

    This character's own: the same take and layer, keyed on a character of this name or played until
    now by our strip on this character's datablock (``played_here``: the character renamed since the
    take, whose record holds the old name)."""
    if old.users - int(old.use_fake_user) > 0 or not is_ours(old):
        return
    record = action_meta(old)
    same = SAME_LAYER if not played_here else tuple(k for k in SAME_LAYER if k != "character")
    if all(record.get(k) == meta.get(k) for k in same):
        bpy.data.actions.remove(old)
    elif old.users == 0:
        old.use_fake_user = True  # an earlier take stays in the file


def _release_active(idblock: Any, through: float) -> list[str]:
    """First take on this datablock: the user's active action keeps playing on a track below ours
    (an idle loop at least ``through`` the take's last frame)."""
    ad = idblock.animation_data
    if ad is None or ad.action is None:
        return []
    current = ad.action
    if is_ours(current):  # a take keyed by an older DualTalk as one active action
        ad.action = None
        if current.users == 0:
            current.use_fake_user = True
        return []
    if our_strips(idblock):
        return []  # the user's tweak layer on top of our tracks: never touched
    settings = active_settings(ad)  # as the animator had them (the first take sets Combine after)
    slot = getattr(ad, "action_slot", None)
    tracks_before = list(ad.nla_tracks)
    pushed = compat.push_to_nla(idblock, f"{current.name} (kept by DualTalk)", through)
    if pushed:
        new = [t for t in ad.nla_tracks if all(t != old for old in tracks_before)]
        if new:
            note_kept(idblock, new[0].name, current.name, slot, settings)
    return [pushed] if pushed else []


def _keys_under_take(
    target: TargetCurves,
    still: list[CurveSpec],
    character: str,
    span: tuple[float, float],
    place: Any | None,
    said: Iterable[str] = (),
) -> list[str]:
    """Lines for a first take on ``target`` that keys channels the animator already animates: their
    active action, about to be kept under the take (:func:`_release_active`), and their NLA tracks the
    take goes over (all of them, or those up to ``place``: :func:`first_take_place`). The take's layers
    play over those channels on its own frames (``span``); outside them the animator's animation plays
    as before (:func:`keyed_beneath`). Said, with where they went and how to see them again, instead of
    the head changing without a word; NLA tracks were not looked at (review rv41a F3). ``said``: tracks
    :func:`hidden_warning` names already.

    Kept under the take rather than on top: on top as poses (Replace) they would freeze those channels
    over the whole take; as offsets (Combine) each pose would be added to the take's own motion.
    """
    ad = getattr(target.idblock, "animation_data", None)
    if ad is None or our_strips(target.idblock):
        return []
    layer_of = {(c.data_path, c.index): c.layer for c in [*target.curves, *still]}
    frames = f"over the take's frames {int(span[0])}-{int(round(span[1]))}"
    out: list[str] = []
    if ad.action is not None and not is_ours(ad.action):
        slot = getattr(ad, "action_slot", None)
        hit = [
            fc for fc in compat.iter_fcurves(ad.action, slot) if (fc.data_path, fc.array_index) in layer_of
        ]
        if hit:
            keyed = {round(float(k.co[0]), 3) for fc in hit for k in fc.keyframe_points}
            turns = [fc for fc in hit if fc.data_path.rsplit(".", 1)[-1].startswith("rotation_")]
            # a rotation held by keys of one pose: the take turns from that pose (apply composes onto it)
            keep = (
                "the take turns from the pose they hold"
                if turns and len(turns) == len(hit) and holds_one_pose(turns)
                else "key your pose again on top of the take to keep it"
            )
            out.append(
                f"{character}: your keys on {_channels_words(hit)} in {ad.action.name!r} ({len(keyed)} keyed "
                f"frame{'' if len(keyed) == 1 else 's'}) now play under the {_layers_words(hit, layer_of)} {frames} (outside them they play "
                f"as before), on the NLA track '{ad.action.name} (kept by DualTalk)': mute or lower the layer "
                f"to see them there, {keep}, or Remove Take to get them back as they were"
            )
    tracks = list(ad.nla_tracks)
    below = tracks if place is None else tracks[: [i for i, t in enumerate(tracks) if t == place][0] + 1]
    names: list[str] = []
    hit = []
    for track in (t for t in below if t.name not in set(said)):
        curves = [fc for fc in _track_fcurves(track) if (fc.data_path, fc.array_index) in layer_of]
        if curves:
            names.append(track.name)
            hit += curves
    if names:
        one = len(names) == 1
        out.append(
            f"{character}: your NLA track{'' if one else 's'} {', '.join(repr(n) for n in names)} on "
            f"{label(target.idblock, character)} key{'s' if one else ''} {_channels_words(hit)}, which now "
            f"play{'s' if one else ''} under the {_layers_words(hit, layer_of)} {frames} (outside them "
            f"{'it plays' if one else 'they play'} as before): mute or lower the layer to see "
            f"{'it' if one else 'them'} there, or move {'it' if one else 'them'} above the DualTalk tracks in "
            "the NLA editor"
        )
    return out


def _track_fcurves(track: Any, whole: bool = False) -> list[Any]:
    """The curves an animator's unmuted NLA ``track`` plays (its unmuted strips' actions, ours left out);
    ``whole``: only those of strips that give a whole value (Replace at full influence), not an offset
    or a part blended with what is below (a Combine fix at the bottom adds to Blender's default)."""
    if track.mute:
        return []
    return [
        fc
        for strip in track.strips
        if strip.action is not None and not strip.mute and not is_ours(strip.action)
        if not whole or (strip.blend_type == "REPLACE" and not strip.use_animated_influence)
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
    ]


def keyed_beneath(idblock: Any, first_time: bool, place: Any | None) -> set[tuple[str, int]]:
    """The channels the animator's unmuted NLA tracks under our tracks on ``idblock`` key (their kept
    active action included): our rest track leaves those out, so their animation, not a frozen rest
    pose, plays under a muted or lowered layer; and a layer keying them covers only the take's frames
    (:func:`_place_strip`), so theirs plays outside the take (review rv41a F4, F5: the rest track and
    layers held over the whole timeline hid a walk cycle and blinks on every frame). ``first_time``:
    our tracks go on top, or just above ``place``."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return set()
    tracks = list(ad.nla_tracks)
    ours = [i for i, t in enumerate(tracks) if any(t == o for o in our_tracks(idblock))]
    if not first_time:
        limit = min(ours) if ours else len(tracks)
    else:
        limit = len(tracks) if place is None else [i for i, t in enumerate(tracks) if t == place][0] + 1
    return {(fc.data_path, fc.array_index) for t in tracks[:limit] for fc in _track_fcurves(t, whole=True)}


def _fit_extrapolation(strip: Any, theirs_beneath: bool) -> None:
    """Our layer ``strip`` covers only the take's frames (NOTHING) where the animator's tracks under ours
    key a channel it keys, so theirs plays outside them, and holds the take's first and last pose (HOLD)
    where nothing of theirs is under it. Decided again for each take and each Play Take: the switch went
    one way only, so a later take with nothing of theirs under it, or an older take played after they
    deleted their track, left the channel to Blender's default outside the take (review rv41e F1: a shut
    eye, shape key at 1.0)."""
    if theirs_beneath and strip.extrapolation == "HOLD":
        strip.extrapolation = "NOTHING"
    elif not theirs_beneath and strip.extrapolation == "NOTHING":
        strip.extrapolation = "HOLD"


def keyed_under_layers(
    idblock: Any, take: tuple[float, float] | None = None, blending: bool = True
) -> set[tuple[str, int]]:
    """The channels the animator's unmuted tracks anywhere under our lowest layer track on ``idblock``
    key whole: under the rest track (:func:`keyed_beneath`) and between it and the layers, where
    Blender's *Add Track Above Selected* puts a track added after the first take (nothing can go under
    the rest track). Their Replace strip there covers the rest, so their animation plays wherever a
    layer keying the channel does not: such a layer covers only the take's frames too (review rv42a
    F1: a 'Blinks' track there was hidden on every frame, in the FBX too). Between the rest track and
    the layers a strip that blends with the rest counts too, where it plays outside the take
    (:func:`_under_layers`; ``blending`` False: those left out). ``take``: its first and last frame
    (default: our layers' now)."""
    return {
        (fc.data_path, fc.array_index)
        for _i, _t, curves in _under_layers(idblock, take, blending)
        for fc in curves
    }


def _under_layers(
    idblock: Any, take: tuple[float, float] | None = None, blending: bool = True
) -> list[tuple[int, Any, list[Any]]]:
    """(index, track, curves) of the animator's tracks under our lowest layer on ``idblock`` whose curves
    count as theirs outside the take: a whole value anywhere (:func:`_track_fcurves`; over our rest track
    :func:`.rest_beneath.whole_curves`, a Replace blending in or out left out), and over our rest track a
    strip that blends with it (Add, Combine, a part or keyed influence, a blend in or out) where it
    changes something outside the take (:func:`.rest_beneath.blending_outside`): a layer holding its
    pose over it hid it there, unsaid (their42's left-undone), and one holding 0 there is no reason to
    stop holding (review rv43d F1). ``blending`` False: only the whole values (:func:`fit_rest` holds the
    take's pose under the others)."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return []
    tracks = list(ad.nla_tracks)
    mine = our_tracks(idblock)
    layered = [i for i, t in enumerate(tracks) if track_layer(t) not in (None, REST)]
    limit = min((i for i in layered if any(tracks[i] == o for o in mine)), default=len(tracks))
    rest = [i for i, t in enumerate(tracks) if track_layer(t) == REST and any(t == o for o in mine)]
    if take is None:
        spans = [
            (float(s.frame_start), float(s.frame_end)) for k, s in our_strips(idblock).items() if k != REST
        ]
        take = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None
    out: list[tuple[int, Any, list[Any]]] = []
    for i, track in enumerate(tracks[:limit]):
        if rest and i > rest[0]:  # over the rest: their strips that blend count where they change something
            curves = rest_beneath.whole_curves(track)
            if blending and take is not None:
                curves += rest_beneath.blending_outside(track, take)
        else:
            curves = _track_fcurves(track, whole=True)
        if curves:
            out.append((i, track, curves))
    return out


def fit_extrapolations(
    idblock: Any, character: str = "", hidden: Mapping[str, list[Any]] | None = None
) -> list[str]:
    """:func:`_fit_extrapolation` for each of our layer strips on ``idblock``, by the channels its action
    keys and what the animator's tracks under our layers key now (:func:`keyed_under_layers`), then the
    rest fitted to it (:func:`fit_rest`): Play Take's. An older take's rest action, made when their
    track keyed less, still held a channel their track keys now at rest over it, so outside the take
    it read 0, neither theirs nor the take's (review rv42a F2). Returns the lines to say: a track of
    theirs the take that played hid outside its frames and that plays there now, or the one line of
    :func:`_rest_beneath` where the rest could not go under their tracks. ``hidden``: what
    :func:`hidden_by_us` read before Play Take swapped the actions (default: now)."""
    hidden = hidden_by_us(idblock) if hidden is None else hidden
    under = keyed_under_layers(idblock)
    for layer, strip in our_strips(idblock).items():
        if layer == REST or strip.action is None or not is_ours(strip.action):
            continue
        keyed = {
            (fc.data_path, fc.array_index) for fc in compat.iter_fcurves(strip.action, strip.action_slot)
        }
        _fit_extrapolation(strip, bool(keyed & under))
    dropped = fit_rest(idblock, keyed_beneath(idblock, False, None))
    rest = our_strips(idblock).get(REST)
    if not character and rest is not None and rest.action is not None:
        character = str(action_meta(rest.action).get("character", ""))
    out = _uncovered_lines(idblock, hidden, character)
    if dropped and rest is not None and rest.action is not None:
        out += _hold_dropped(idblock, dropped, float(rest.action_frame_start), character, rest.action_slot)
    return out


HOLD_STEP = 0.5  # a rest curve's hold: the take's first pose on its first frame, rest from half a frame on


def _layer_poses(
    idblock: Any, theirs: set[tuple[str, int]]
) -> dict[tuple[str, int], tuple[float, float, float, float]]:
    """(first pose, last pose, influence before, after) of each channel a layer of ours covering only the take's frames
    (NOTHING) keys and no track of the animator's under our layers keys: outside the take those show
    the rest track. A muted layer (its track or strip) gives none: muted, it shows the rest there, as a
    layer holding its own pose would (their42's left-undone: the held pose stayed on a muted layer). The
    influence is the strip's, or its influence keys' at the take's first and last frame."""
    out: dict[tuple[str, int], tuple[float, float, float, float]] = {}
    ad = idblock.animation_data
    for layer, strip in our_strips(idblock).items():
        if (
            layer == REST
            or strip.action is None
            or not is_ours(strip.action)
            or strip.extrapolation != "NOTHING"
            or strip.mute
            or _track_of(ad, strip).mute
        ):
            continue
        start, end = float(strip.action_frame_start), float(strip.action_frame_end)
        before, after = (
            _influence_at(strip, float(strip.frame_start)),
            _influence_at(strip, float(strip.frame_end)),
        )
        for fc in compat.iter_fcurves(strip.action, strip.action_slot):
            channel = (fc.data_path, fc.array_index)
            if channel not in theirs and not fc.mute and len(fc.keyframe_points):
                out[channel] = (float(fc.evaluate(start)), float(fc.evaluate(end)), before, after)
    return out


def _influence_at(strip: Any, frame: float) -> float:
    """How much of ``strip`` plays at ``frame``: its keyed influence there, else its own (1 unless the
    animator lowered it; the panel's slider sets this one)."""
    keys = strip.fcurves.find("influence") if strip.use_animated_influence else None
    value = (
        float(keys.evaluate(frame))
        if keys is not None and len(keys.keyframe_points)
        else float(strip.influence)
    )
    return min(1.0, max(0.0, value)) if np.isfinite(value) else 1.0


def fit_rest(
    idblock: Any, under_rest: set[tuple[str, int]], held_only: bool = False
) -> list[tuple[str, int, float, str]]:
    """The rest action playing on ``idblock`` fitted to what is under our layers now.

    Per channel, not per layer (review rv42a F3): where the animator's track keys one channel of a layer,
    that layer covers only the take's frames, and its other channels (the right eye, the squint) fell to
    rest on the first frame after the take while the other layers held. Those channels' rest curves now
    hold the take's first pose before it and its last pose after it (the rest strip plays its action's
    first and last frame there), at rest on the frames between (a muted or lowered layer still shows the
    rest), blended with the rest as the layer's influence and mute say (:mod:`.held_pose` fits it again
    when the animator changes those or the layer's keys). A strip of theirs over the rest track that
    only blends with it (Add, Combine, part influence) adds to that hold, not to the rest, so the channel
    does not drop to rest after the take and then jump again where their strip starts (review rv43d F1).
    Their rest stays the curve's first key, on a frame the strip never plays, where Remove Take and the
    next take read it. A channel their tracks under the rest track key now (``under_rest``) leaves the
    rest action (review rv42a F2); returned as (path, index, rest, group) to be held under their tracks
    instead (:mod:`.rest_beneath`). ``held_only`` (:mod:`.held_pose`'s refit after each edit): only the
    channels held now or until now are written, so a key the animator set on another channel of the
    locked rest track stays until the next take or Play Take (review rv43d F6: any edit erased it)."""
    rest = our_strips(idblock).get(REST)
    if rest is None or rest.action is None or not is_ours(rest.action):
        return []
    poses = _layer_poses(idblock, keyed_under_layers(idblock, blending=False))
    start, end = float(rest.action_frame_start), float(rest.action_frame_end)
    bag = compat.channelbag(rest.action, rest.action_slot)
    dropped: list[tuple[str, int, float, str]] = []
    for fc in list(bag.fcurves):
        if not len(fc.keyframe_points):
            continue
        channel = (fc.data_path, fc.array_index)
        value = float(fc.keyframe_points[0].co[1])
        if channel in under_rest:
            dropped.append((fc.data_path, fc.array_index, value, fc.group.name if fc.group else ""))
            bag.fcurves.remove(fc)
            continue
        had = [(float(k.co[0]), float(k.co[1])) for k in fc.keyframe_points]
        hold = [start - 1.0, start, start + HOLD_STEP, end]
        if channel in poses and end - start >= 1.0 and rest.action.use_frame_range:  # its range: the take's
            first, last, before, after = poses[channel]  # as a layer holding its pose blends with the rest
            keys = list(
                zip(
                    hold,
                    (value, value + before * (first - value), value, value + after * (last - value)),
                    strict=True,
                )
            )
        elif held_only and not (  # not held, nor until now: left as it is
            len(had) == len(hold) and all(abs(t - h) < 1e-4 for (t, _v), h in zip(had, hold, strict=True))
        ):
            continue
        else:
            keys = [(start, value)]
        if len(had) == len(keys) and all(
            abs(a - c) < 1e-6 and abs(b - d) < 1e-6 for (a, b), (c, d) in zip(had, keys, strict=True)
        ):
            continue
        fill(fc, np.array([k[0] for k in keys]), [k[1] for k in keys])
        for point in fc.keyframe_points:
            point.interpolation = "CONSTANT"
        fc.update()
    return dropped


def _hold_dropped(
    idblock: Any, dropped: list[tuple[str, int, float, str]], frame: float, character: str, slot: Any
) -> list[str]:
    """The rests :func:`fit_rest` took out of a rest action held under the animator's tracks
    (:func:`.rest_beneath.hold_beneath`), but those a strip of theirs blends with nothing below it."""
    blended = _blended_beneath(idblock)
    channels = [c for c in dropped if (c[0], c[1]) not in blended]
    ad = idblock.animation_data
    if not channels or ad is None or not len(ad.nla_tracks):
        return []
    bottom = ad.nla_tracks[0].name
    slot_name = str(getattr(slot, "name_display", "") or character)
    why = rest_beneath.hold_beneath(idblock, channels, frame, character, slot_name)
    if not why:
        return []
    names = list(dict.fromkeys(channel_name(p) for p, _i, _v, _g in channels))
    return [rest_beneath.unliftable_warning(character, label(idblock, character), bottom, why, names)]


def hidden_by_us(idblock: Any) -> dict[str, list[Any]]:
    """Track name -> the curves of the animator's tracks under our layers on ``idblock`` that our tracks
    hide outside the take's frames: a layer keying the channel holds its pose there (HOLD), or the rest
    track keys it over their track."""
    ad = getattr(idblock, "animation_data", None)
    strips = our_strips(idblock)
    if ad is None or REST not in strips or len(strips) < 2:
        return {}
    tracks = list(ad.nla_tracks)
    index = {layer: tracks.index(_track_of(ad, strip)) for layer, strip in strips.items()}
    low = min(i for layer, i in index.items() if layer != REST)
    held = {
        (fc.data_path, fc.array_index)
        for layer, strip in strips.items()
        if layer != REST and strip.action is not None and strip.extrapolation == "HOLD"
        if not strip.mute and not _track_of(ad, strip).mute  # a muted layer hides nothing
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
    }
    rest = strips[REST]
    rested = (
        {(fc.data_path, fc.array_index) for fc in compat.iter_fcurves(rest.action, rest.action_slot)}
        if rest.action is not None
        else set()
    )
    out: dict[str, list[Any]] = {}
    for i, track, theirs in _under_layers(idblock):
        curves = [
            fc
            for fc in theirs
            if i < low
            and (
                (fc.data_path, fc.array_index) in held
                or (i < index[REST] and (fc.data_path, fc.array_index) in rested)
            )
        ]
        if curves:
            out.setdefault(track.name, []).extend(curves)
    return out


def _uncovered_lines(idblock: Any, hidden: Mapping[str, list[Any]], character: str) -> list[str]:
    """One line naming the animator's tracks on ``idblock`` whose channels ``hidden`` (our tracks hid
    them outside the take before a take was written or played) play there now, as the first take's
    line names the tracks it goes over (review rv42a F1: nothing was said)."""
    now = hidden_by_us(idblock)
    names: list[str] = []
    hit: list[Any] = []
    for name, curves in hidden.items():
        still = {(fc.data_path, fc.array_index) for fc in now.get(name, [])}
        freed = [fc for fc in curves if (fc.data_path, fc.array_index) not in still]
        if freed:
            names.append(name)
            hit += freed
    if not names:
        return []
    layer_of = {
        (fc.data_path, fc.array_index): layer
        for layer, strip in our_strips(idblock).items()
        if layer != REST and strip.action is not None
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
    }
    frames = next(
        (
            f"{int(s.frame_start)}-{int(round(s.frame_end))}"
            for layer, s in our_strips(idblock).items()
            if layer != REST
        ),
        "",
    )
    one = len(names) == 1
    it = "it" if one else "them"
    return [
        f"{character}: your NLA track{'' if one else 's'} {', '.join(repr(n) for n in names)} on "
        f"{label(idblock, character)} key{'s' if one else ''} {_channels_words(hit)}, which the take that "
        f"played until now hid outside its frames: now {'it plays' if one else 'they play'} there as keyed, "
        f"and under the {_layers_words(hit, layer_of)} over the take's frames {frames}: mute or lower the "
        f"layer to see {it} there, or move {it} above the DualTalk tracks in the NLA editor"
    ]


def _blended_beneath(idblock: Any) -> set[tuple[str, int]]:
    """The channels a strip of the animator's blends (Add, Combine, a part or keyed influence, a blend
    in or out) with nothing of theirs below it on some frame it plays, so with Blender's default there:
    a rest held under it would change what it plays. Decided per frame, anywhere in the stack (review
    rv42d F1: a strip over a gap in a track keying the channel read the rest):
    :func:`.rest_beneath.blended_channels`."""
    return rest_beneath.blended_channels(idblock)


def _rest_beneath(
    target: TargetCurves, still: list[CurveSpec], beneath: set[tuple[str, int]], start: float, character: str
) -> list[str]:
    """The channels the rest track leaves to the animator's tracks under ours held at rest under those
    tracks (:mod:`.rest_beneath`), so muting or deleting them leaves the rest outside the take, not
    Blender's default; [] or the one line saying their bottom track could not be rebuilt for it."""
    blended = _blended_beneath(target.idblock)
    channels: dict[tuple[str, int], tuple[str, int, float, str]] = {}
    for c in [*target.curves, *still]:
        if (c.data_path, c.index) in beneath - blended:
            channels.setdefault((c.data_path, c.index), (c.data_path, c.index, float(c.rest), c.group))
    ad = target.idblock.animation_data
    if ad is None or not len(ad.nla_tracks):
        return []
    if not channels and rest_beneath.beneath_track(target.idblock) is None:  # else let go what is blended now
        return []
    bottom = ad.nla_tracks[0].name
    why = rest_beneath.hold_beneath(target.idblock, channels.values(), start, character, target.slot_name)
    if not why:
        return []
    names = list(dict.fromkeys(channel_name(p) for p, _i in channels))
    return [rest_beneath.unliftable_warning(character, label(target.idblock, character), bottom, why, names)]


def _channels_words(curves: list[Any]) -> str:
    """``shape keys eyeBlinkLeft, eyeBlinkRight``, ``bone head``, ``the object's rotation_euler``: what a
    first-take line names (an object's own rotation was called a "shape key": review rv41a F7)."""
    kinds: dict[str, list[str]] = {}
    for fc in curves:
        path = fc.data_path
        kind = (
            "bone"
            if path.startswith("pose.bones[")
            else "shape key"
            if path.startswith("key_blocks[")
            else ""
        )
        seen = kinds.setdefault(kind, [])
        part = _part_name(path)
        seen += [part] if part not in seen else []
    words = []
    for kind, parts in kinds.items():
        shown = ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")
        words.append(f"{kind}{'s' if len(parts) > 1 else ''} {shown}" if kind else f"the object's {shown}")
    return " and ".join(words)


def _layers_words(curves: list[Any], layer_of: Mapping[tuple[str, int], str]) -> str:
    """``DualTalk head and eyes layers``: the layers keying ``curves`` (else the rest track)."""
    names = [n for n in LAYERS if any(layer_of.get((fc.data_path, fc.array_index)) == n for fc in curves)]
    if not names:
        return "DualTalk rest track"
    return f"DualTalk {' and '.join(names)} layer{'s' if len(names) > 1 else ''}"


BASE_TRACK = "Before take"  # the animator's track Remove Take leaves where our rest track was
ABOVE_PROP = "dualtalk_above_take"  # datablock custom property: the animator's tracks above a removed take


def _above_record(idblock: Any) -> list[str]:
    """The names of the animator's tracks that played above the take Remove Take removed here
    (:data:`ABOVE_PROP`); [] without one, or a damaged one."""
    try:
        names = json.loads(str(idblock.get(ABOVE_PROP, "[]")))
    except (ValueError, TypeError, AttributeError):
        return []
    return [str(n) for n in names] if isinstance(names, list) else []


def is_base(track: Any) -> bool:
    """Remove Take's :data:`BASE_TRACK` (one strip of the animator's holding the values before the take)."""
    return (
        track.name == BASE_TRACK
        and len(track.strips) == 1
        and track.strips[0].action is not None
        and not is_ours(track.strips[0].action)
    )


def first_take_place(idblock: Any, keyed: set[tuple[str, int]]) -> tuple[Any | None, list[str]]:
    """Where a first take's tracks go on ``idblock``: (the track they go just above, None: on top;
    the animator's tracks they play over that were above the removed take and key ``keyed``).

    On top of the animator's tracks (their idle loops stay under the take), except after Remove Take:
    the tracks that were above the removed take (a ``Fixes`` track) stay above the new one, whose
    tracks go where the earlier take's were: under the lowest of them (:data:`ABOVE_PROP`), or above
    :data:`BASE_TRACK` (a file Remove Take left before that record existed). A new take stacked on top
    played the smile without the animator's +0.3 fix, and said nothing (review rv37d, finding 3). When
    those tracks sit at the bottom of the stack (Blender adds a track only above another), the take
    goes on top and the tracks of theirs it now hides are named (:func:`hidden_warning`)."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None or not len(ad.nla_tracks):
        return None, []
    tracks = list(ad.nla_tracks)
    names = set(_above_record(idblock))
    above = [i for i, t in enumerate(tracks) if t.name in names and not is_base(t)]
    if above and min(above) > 0:
        return tracks[min(above) - 1], []
    base = [i for i, t in enumerate(tracks) if is_base(t)]
    if base and base[-1] < len(tracks) - 1:
        return tracks[base[-1]], []
    hidden = [
        tracks[i].name
        for i in above
        if any(
            (fc.data_path, fc.array_index) in keyed
            for s in tracks[i].strips
            if s.action is not None
            for fc in compat.iter_fcurves(s.action, s.action_slot)
        )
    ]
    return None, hidden


def _kept_down(ad: Any, place: Any) -> Any:
    """The track :func:`_release_active` just pushed the animator's action to (Blender adds it on top,
    over their tracks that were above the removed take) moved to just above ``place``, as it was, so it
    plays under the new take as on a first take; returns it (the new take goes just above it)."""
    top = ad.nla_tracks[-1]
    strip = top.strips[0]
    moved = ad.nla_tracks.new(prev=place)
    moved.mute, moved.lock = top.mute, top.lock
    copy = moved.strips.new(strip.name, int(strip.frame_start), strip.action)
    rest_beneath.copy_strip(strip, copy, exact=False)
    track_name_, strip_name = top.name, strip.name
    ad.nla_tracks.remove(top)
    moved.name, copy.name = track_name_, strip_name
    return moved


def _theirs_of_our_name(idblock: Any) -> dict[str, list[Any]]:
    """Layer (or ``rest``) -> the animator's tracks on ``idblock`` named like our track of it
    (:func:`plays_theirs`): left as they are, the take going on a track of its own beside them."""
    ad = getattr(idblock, "animation_data", None)
    out: dict[str, list[Any]] = {}
    for track in ad.nla_tracks if ad is not None else ():
        layer = _named_layer(track.name)
        if layer is not None and plays_theirs(track):
            out.setdefault(layer, []).append(track)
    return out


def look_alike_warning(character: str, label_: str, tracks: list[Any]) -> str:
    """One line: a track of the animator's named like ours stays theirs, and the take has its own now
    (two tracks of one name in the NLA editor, said rather than left to puzzle over)."""
    one = len(tracks) == 1
    played = dict.fromkeys(s.action.name for t in tracks for s in t.strips if s.action is not None)
    return (
        f"{character}: your NLA track{'' if one else 's'} {', '.join(repr(t.name) for t in tracks)} on "
        f"{label_} play{'s' if one else ''} your action{'' if len(played) == 1 else 's'} "
        f"{', '.join(repr(n) for n in played)}, not a DualTalk take, so {'it stays' if one else 'they stay'} "
        f"as {'it is' if one else 'they are'} and the take plays on a DualTalk track of its own of the same "
        f"name: rename yours to tell them apart"
    )


def hidden_warning(character: str, label_: str, names: list[str]) -> str:
    """One line: tracks of the animator's that were above the removed take now play under the new one."""
    shown = ", ".join(repr(n) for n in names)
    return (
        f"{character}: your NLA track{'s' if len(names) > 1 else ''} {shown} on {label_} played above the take "
        f"Remove Take removed and now play{'s' if len(names) == 1 else ''} under this take, which hides "
        f"{'it' if len(names) == 1 else 'them'} where it keys the same channels: move "
        f"{'it' if len(names) == 1 else 'them'} above the DualTalk tracks in the NLA editor to keep "
        f"{'its' if len(names) == 1 else 'their'} fixes"
    )


def _place_strip(
    idblock: Any,
    layer: str,
    action: Any,
    slot: Any,
    start: float,
    end: float,
    first: Any | None = None,
) -> tuple[Any, bool]:
    """Our strip for ``layer`` on ``idblock`` playing ``action``; (strip, created). ``first``: on a
    first take, the track ours go just above (:func:`first_take_place`); None: on top."""
    ad = idblock.animation_data or idblock.animation_data_create()
    strips = our_strips(idblock)
    strip = strips.get(layer)
    if strip is not None:
        moved_take.keep_placement(strip)  # the take switched away from keeps its nudge, scale, repeat
        strip.action = action
        strip.action_slot = slot
        if start > strip.action_frame_end:  # keep start <= end while moving the range
            strip.action_frame_end = max(end, start + 1)
            strip.action_frame_start = start
        else:
            strip.action_frame_start = start
            strip.action_frame_end = max(end, start + 1)
        strip.frame_start_ui = start
        strip.scale, strip.repeat = 1.0, 1.0
        return strip, False
    track = _new_track(ad, strips, layer) if strips or first is None else ad.nla_tracks.new(prev=first)
    track.name = track_name(layer)
    strip = track.strips.new(track_name(layer), int(start), action)
    strip.action_slot = slot
    strip.blend_type = "REPLACE"
    strip.extrapolation = "HOLD"
    if layer == REST:
        track.lock = True
    return strip, True


def _new_track(ad: Any, strips: dict[str, Any], layer: str) -> Any:
    """An empty track where ``layer`` belongs: above our next lower layer, else just below our
    lowest one (a track the animator deleted comes back), else on top (a first take)."""
    order = [REST, *LAYERS]
    for name in reversed(order[: order.index(layer)]):
        if name in strips:
            return ad.nla_tracks.new(prev=_track_of(ad, strips[name]))
    if not strips:
        return ad.nla_tracks.new()
    lowest = strips[min(strips, key=order.index)]
    tracks = list(ad.nla_tracks)
    idx = tracks.index(_track_of(ad, lowest))
    return ad.nla_tracks.new(prev=tracks[idx - 1]) if idx > 0 else _lift(ad, lowest)


def _lift(ad: Any, strip: Any) -> Any:
    """Empty the bottom track for a layer that belongs below ``strip`` (ours, alone on it).

    Blender adds a track only above another one, so a deleted rest track could not come back
    under a bottom layer: that layer moves up one track instead, as the animator left it (mute,
    lock, blend, influence keys...), and the bottom track is returned empty.
    """
    bottom = _track_of(ad, strip)
    if strip.action is None:  # plays nothing: nothing to keep
        bottom.strips.remove(strip)
        return bottom
    above = ad.nla_tracks.new(prev=bottom)
    above.name = bottom.name
    above.mute, above.lock = bottom.mute, bottom.lock
    moved = above.strips.new(strip.name, int(strip.frame_start), strip.action)
    rest_beneath.copy_strip(strip, moved, exact=False)
    name = strip.name
    bottom.strips.remove(strip)
    moved.name = name
    bottom.mute = bottom.lock = False
    return bottom


def _track_of(ad: Any, strip: Any) -> Any:
    for track in ad.nla_tracks:
        if any(s == strip for s in track.strips):
            return track
    raise DualTalkError("internal: strip without a track")


def key_influence(strip: Any, value: float, frame: float | None = None) -> None:
    """A constant influence the animator can dial: the strip's own (``use_animated_influence``, so
    the value counts) over an influence curve with no keys (Blender skips an empty curve), so a
    slider dragged in the panel or the NLA editor holds; right-click > Insert Keyframe adds keys to
    that curve to animate it. Earlier builds keyed one constant key here, and the next frame change
    put a dragged value back to it. Any keys the curve holds are replaced by the constant.
    ``frame`` is kept for callers of the earlier signature; a constant is the same at every frame."""
    if not (np.isfinite(value) and 0.0 <= value <= 1.0):
        raise DualTalkError(f"layer influence must be between 0 and 1, got {value}")
    strip.use_animated_influence = True  # Blender adds the curve, and a key at the current frame
    fc = strip.fcurves.find("influence")
    if fc is not None and len(fc.keyframe_points):
        fc.keyframe_points.clear()
    strip.influence = float(value)


def free_constant_influence(strip: Any) -> None:
    """An influence an earlier build keyed as one constant key made dialable (its value kept): one
    key plays as a constant, so nothing that plays changes. Two or more keys are animation: kept."""
    fc = strip.fcurves.find("influence") if strip.use_animated_influence else None
    if fc is None or len(fc.keyframe_points) != 1 or len(fc.modifiers) or fc.driver is not None:
        return
    value = float(fc.keyframe_points[0].co[1])
    if np.isfinite(value):
        key_influence(strip, min(1.0, max(0.0, value)))


def write_take(
    prefix: str,
    targets: list[TargetCurves],
    frames: np.ndarray,
    *,
    meta: Mapping[str, Any],
    keys: str = "every-frame",
    influences: dict[str, float] | None = None,
    reads: DigestReads | None = None,
) -> LayersResult:
    """Key a whole take into our layers on each target datablock (see the module docstring).
    ``reads``: the records the take has decoded already (:class:`.keying.DigestReads`).
    :func:`write_take_steps` keys the same in two steps."""
    return run_steps(
        write_take_steps(prefix, targets, frames, meta=meta, keys=keys, influences=influences, reads=reads)
    )


def _still_there(held: list[tuple[str, int, int]]) -> None:
    """Refuse to go on when a datablock the take is keyed onto went between two steps (shape keys
    cleared, a rig deleted, from a script while Blender ran): it is told by its ids among the file's
    objects and shape keys, never read through the reference held, which Blender has freed."""
    live = {(b.as_pointer(), b.session_uid) for kind in (bpy.data.objects, bpy.data.shape_keys) for b in kind}
    gone = next((where for where, pointer, uid in held if (pointer, uid) not in live), None)
    if gone is not None:
        raise DualTalkError(f"{gone} went while the take was keyed; nothing more was keyed")


def _with_digests(
    keys: list[tuple[np.ndarray, np.ndarray]],
) -> list[tuple[np.ndarray, np.ndarray, CurveDigest]]:
    """Each curve's (frames, values) with the digest of the keys :func:`fill` writes, a layer's curves
    digested in one pass (:func:`keys_digests`: one by one cost most of a short take's keying)."""
    return [(kf, kv, d) for (kf, kv), d in zip(keys, keys_digests(keys), strict=True)]


def write_take_steps(
    prefix: str,
    targets: list[TargetCurves],
    frames: np.ndarray,
    *,
    meta: Mapping[str, Any],
    keys: str = "every-frame",
    influences: dict[str, float] | None = None,
    reads: DigestReads | None = None,
) -> Steps[LayersResult]:
    """:func:`write_take` in two steps: the keys each curve gets and their digests worked out first,
    nothing in the scene changed (a 20-minute character: ~0.15 s), then yielded; then the scene
    written (~0.35 s). Closed at the yield, the scene is as it was."""
    reads = reads if reads is not None else DigestReads()
    if keys not in KEYS_MODES:
        raise DualTalkError(f"keys must be every-frame or reduced, got {keys!r}")
    influences = {layer_name(k): float(v) for k, v in (influences or {}).items()}
    frames = np.asarray(frames, dtype=np.float64)
    planned = {  # (target, layer) -> each curve's (frames, values, digest), in the curves' order
        (t, layer): _with_digests(keys_to_write([c for c in target.curves if c.layer == layer], frames, keys))
        for t, target in enumerate(targets)
        for layer in LAYERS
        if any(c.layer == layer for c in target.curves)
    }
    onto = [(label(t.idblock, t.slot_name), t.idblock.as_pointer(), t.idblock.session_uid) for t in targets]
    yield
    _still_there(onto)
    start, end = float(frames[0]), float(frames[-1])
    at_rest = [_held_at_rest(t, reads) for t in targets]  # renamed channels: said, and held at rest
    pushed: list[str] = []
    under: list[str] = []  # hand keys on channels the take keys, pushed under it: said
    places: list[Any | None] = []  # a first take's tracks go just above this track (None: on top)
    beneath: list[set[tuple[str, int]]] = []  # channels the animator's tracks under ours key
    under_layers: list[set[tuple[str, int]]] = []  # ... and those between our rest track and layers
    hid_before: list[dict[str, list[Any]]] = []  # their tracks the take playing until now hides outside it
    for target, (still, _said, _unmapped) in zip(targets, at_rest, strict=True):
        first_time = not our_strips(target.idblock)
        hid_before.append({} if first_time else hidden_by_us(target.idblock))
        keyed = {(c.data_path, c.index) for c in [*target.curves, *still]}
        place, hidden = first_take_place(target.idblock, keyed) if first_time else (None, [])
        record_before(target, first_time, legacy_take(target.idblock) if first_time else None)
        _carry_renamed_before(target, reads)
        covered = _keys_under_take(target, still, str(meta.get("character", "")), (start, end), place, hidden)
        released = _release_active(target.idblock, end)
        pushed += released
        under += covered
        if released and place is not None:  # the animator's action kept under the take, not over theirs
            place = _kept_down(target.idblock.animation_data, place)
        places.append(place)
        beneath.append(keyed_beneath(target.idblock, first_time, place))
        under_layers.append(beneath[-1] if first_time else keyed_under_layers(target.idblock, (start, end)))
        if hidden:
            character = str(meta.get("character", ""))
            under.append(hidden_warning(character, label(target.idblock, target.slot_name), hidden))
        if first_time and ABOVE_PROP in target.idblock:
            del target.idblock[ABOVE_PROP]  # said where it goes: used once
        ad = target.idblock.animation_data or target.idblock.animation_data_create()
        if first_time and ad.action is None:
            # Keys the animator sets on top of the take (the active action) become offsets that
            # follow the take, not values that freeze a channel for the whole shot (REPLACE).
            ad.action_blend_type = "COMBINE"
    used = [layer for layer in LAYERS if any(c.layer == layer for t in targets for c in t.curves)]
    names = {layer: action_name(prefix, layer) for layer in (REST, *used)}
    # said, then replaced as documented (keep fixes on a track); an earlier take of another name keeps
    # its edited layers in the file (_retire), so those are said to be kept, not replaced
    by_take = hand_edits(targets, used, reads)
    edited = by_take.pop(str(meta.get("take", "")), {})
    kept_edits: dict[str, list[str]] = {}
    for layers_edited in by_take.values():
        for layer, channels in layers_edited.items():
            seen = kept_edits.setdefault(layer, [])
            seen += [c for c in channels if c not in seen]
    unchecked = _unrecorded_layers(targets, used, str(meta.get("take", "")), reads)
    replaced = _replaced(targets, names)
    lost = kept_hand_edits(targets, replaced, meta, reads)  # a kept take of this name, not playing
    actions: dict[str, Any] = {}
    digests: dict[str, dict[str, CurveDigest]] = {layer: {} for layer in used}
    # which take this is, beyond its name and frames: a range kept for one take never lands on a
    # new take made over the same audio and frames (see range_plan.plan_range)
    take_id = uuid.uuid4().hex[:16]
    known = earlier_names([t.idblock for t in targets], str(meta.get("character", "")))
    said_known: dict[str, Any] = {KNOWN_AS: sorted(known)} if known else {}
    keyed_by = [i for i in dict.fromkeys(datablock_id(t.idblock) for t in targets) if i]
    if keyed_by:
        said_known[KEYED_BY] = keyed_by
        said_known[KEYED_KEYS] = [
            t.idblock.name for t in targets if getattr(t.idblock, "id_type", "") == "KEY"
        ]
    for layer, name in names.items():
        actions[layer] = _new_action(
            name, {**meta, **said_known, "layer": layer, "take_id": take_id}, start, end
        )
    n_curves = n_keys = 0
    weight_err = 0.0
    rot_paths: dict[str, list[tuple[int, np.ndarray, np.ndarray]]] = {}
    for t, (target, (still, said, _unmapped)) in enumerate(zip(targets, at_rest, strict=True)):
        slots: dict[str, Any] = {}
        look_alike = _theirs_of_our_name(target.idblock)
        beside: list[Any] = []  # their tracks of our name a new track of ours now goes beside
        for layer in (REST, *used):
            curves = (
                [c for c in [*target.curves, *still] if (c.data_path, c.index) not in beneath[t]]
                if layer == REST
                else [c for c in target.curves if c.layer == layer]
            )
            if not curves and layer != REST:  # the rest track stays, empty where theirs play under it all
                continue
            action = actions[layer]
            slot = compat.new_slot(action, target.idblock, target.slot_name)
            slots[layer] = slot
            bag = compat.channelbag(action, slot)
            if layer == REST:
                for c in curves:
                    fill(
                        bag.fcurves.new(c.data_path, index=c.index, group_name=c.group), frames[:1], [c.rest]
                    )
                _note_held_renames(action, slot, [r for r in said if (r.new, r.index) in _channels(still)])
                continue
            for c, (kf, kv, digest) in zip(curves, planned[t, layer], strict=True):
                fc = bag.fcurves.new(c.data_path, index=c.index, group_name=c.group)
                fill(fc, kf, kv)
                digests[layer][curve_id(slot, fc)] = digest
                n_curves += 1
                n_keys += len(kf)
                played = np.interp(frames, kf, np.asarray(kv, dtype=np.float32).astype(np.float64))
                if c.data_path.startswith("key_blocks"):
                    weight_err = max(weight_err, float(np.abs(played - c.values).max()))
                else:
                    rot_paths.setdefault(f"{target.slot_name}:{c.data_path}", []).append(
                        (c.index, c.values.astype(np.float64), played)
                    )
        for layer in (REST, *used):
            if layer not in slots:
                continue
            strip, created = _place_strip(
                target.idblock, layer, actions[layer], slots[layer], start, end, places[t]
            )
            if created:
                beside += look_alike.get(layer, [])
            if layer == REST:
                continue
            _fit_extrapolation(
                strip,
                any((c.data_path, c.index) in under_layers[t] for c in target.curves if c.layer == layer),
            )
            if created or layer in influences:
                key_influence(strip, influences.get(layer, 1.0))
            else:  # an earlier build's one constant key would snap a dialled slider back
                free_constant_influence(strip)
        if beside:
            under.append(
                look_alike_warning(
                    str(meta.get("character", "")), label(target.idblock, target.slot_name), beside
                )
            )
        fit_rest(target.idblock, set())  # per channel: what their tracks leave to the take holds its pose
        under += _uncovered_lines(target.idblock, hid_before[t], str(meta.get("character", "")))
        under += _rest_beneath(target, still, beneath[t], start, str(meta.get("character", "")))
    for layer, held in digests.items():
        write_digests(actions[layer], held)
    for action in actions.values():
        reads.wrote(action)
    for layer, old, played_here in replaced:  # the earlier take goes only now that the new one plays
        _retire(old, {**meta, "layer": layer}, played_here)
    for layer, name in names.items():
        if actions[layer].name != name:
            actions[layer].name = name  # its own name where it is free now, else the first free suffix
    return LayersResult(
        actions=actions,
        pushed=pushed,
        curves=n_curves,
        keys=n_keys,
        keys_every_frame=n_curves * len(frames),
        max_weight_error=weight_err,
        max_rotation_error_deg=_rotation_error_deg(rot_paths),
        warnings=[
            *([edits_warning(str(meta.get("character", "")), edited)] if edited else []),
            *(
                [kept_replaced_warning(str(meta.get("character", "")), str(meta.get("take", "")), lost)]
                if lost
                else []
            ),
            *(
                [kept_edits_warning(str(meta.get("character", "")), kept_edits, by_take)]
                if kept_edits
                else []
            ),
            *([unrecorded_warning(str(meta.get("character", "")), meta, unchecked)] if unchecked else []),
            *dict.fromkeys(
                rename_warning(str(meta.get("character", "")), r) for _s, said, _u in at_rest for r in said
            ),
            *(
                [unmapped_warning(str(meta.get("character", "")), unmapped)]
                if (unmapped := list(dict.fromkeys(c for _s, _said, u in at_rest for c in u)))
                else []
            ),
            *under,
        ],
    )


# -- a character renamed between takes (review rv39c, finding 1) --

KNOWN_AS = "known_as"  # a take's record: the names the character's earlier takes recorded it under
KEYED_BY = "keyed_by"  # a take's record: the ids (ID_PROP) of the datablocks it keyed
ID_PROP = "dualtalk_id"  # a datablock's id, given when a take first keys it: stays through renames
KEYED_KEYS = "keyed_keys"  # a take's record: its shape keys' datablock names (a duplicate's differ)


def datablock_id(idblock: Any, create: bool = True) -> str:
    """The id of ``idblock`` a take's record names (:data:`KEYED_BY`), given on first use: a name
    changes (two characters swapping names gave both of them the first one's takes: review rv39g
    F1), this does not. ``KEY:``/``OBJECT:`` first, so a face's shape keys tell two characters
    apart where they share a rig. "" where the datablock holds none and ``create`` is False, or
    cannot hold one (linked from a library).

    Blender copies the id with the datablock (Shift+D, a scene's Full Copy, one asset appended
    twice): keying (``create``) gives a copy an id of its own (:func:`is_copy`) and notes the one it
    was copied with (:data:`ID_WAS_PROP`), so its takes are never its original's (review rv40b F1)."""
    held = idblock.get(ID_PROP) if hasattr(idblock, "get") else None
    if isinstance(held, str) and held:
        if not create:
            return held
        if is_copy(idblock, held):
            return _stamp(idblock, was=held)
        if idblock.get(ID_OF_PROP) != idblock.name:  # renamed since (or stamped before names were)
            with contextlib.suppress(AttributeError, TypeError, RuntimeError):
                idblock[ID_OF_PROP] = idblock.name
        return held
    if not create:
        return ""
    return _stamp(idblock)


ID_OF_PROP = "dualtalk_id_of"  # a datablock's name when it got its id: Blender names a copy otherwise
ID_WAS_PROP = "dualtalk_id_was"  # on a copy given its own id: the id it was copied with
_ID_KINDS = {"KEY": "shape_keys", "OBJECT": "objects", "MESH": "meshes", "ARMATURE": "armatures"}


def _stamp(idblock: Any, was: str = "") -> str:
    """Give ``idblock`` a new id (noting the name it has now, and ``was``: the id it was copied with)."""
    new = f"{getattr(idblock, 'id_type', 'ID')}:{uuid.uuid4().hex[:16]}"
    try:
        idblock[ID_PROP] = new
        idblock[ID_OF_PROP] = idblock.name
        if was:
            idblock[ID_WAS_PROP] = was
    except (AttributeError, TypeError, RuntimeError):  # not editable: the names decide for it
        return ""
    return new


def id_holders(kind: str, ids: Iterable[str], prop: str = ID_PROP) -> dict[str, list[Any]]:
    """The datablocks of the file of ``kind`` (an id's prefix: ``KEY``, ``OBJECT``) that hold one of
    ``ids`` (:data:`ID_PROP`; or as ``prop``), by id: more than one where Blender copied a datablock
    with its id."""
    wanted: set[str] = set(ids)
    out: dict[str, list[Any]] = {}
    for idblock in getattr(bpy.data, _ID_KINDS.get(kind, ""), None) or ():
        held = idblock.get(prop)
        if isinstance(held, str) and held in wanted:
            out.setdefault(held, []).append(idblock)
    return out


def original_holder(holders: list[Any]) -> Any:
    """Of the datablocks holding one id, the one it was given to: the one still named as it was then
    (:data:`ID_OF_PROP`), else the oldest (a copy is made after its original, and a file is read in
    name order: ``Key`` before ``Key.001``)."""
    named = [b for b in holders if b.get(ID_OF_PROP) == b.name]
    return min(named or holders, key=lambda b: int(b.session_uid))


def is_copy(idblock: Any, held: str) -> bool:
    """Whether ``idblock`` holds the id ``held`` only as Blender's copy of the datablock it was given to."""
    kind = str(getattr(idblock, "id_type", ""))
    holders = id_holders(kind, [held]).get(held, [])
    return len(holders) > 1 and int(original_holder(holders).session_uid) != int(idblock.session_uid)


def forget_ids(idblocks: Iterable[Any]) -> None:
    """Take :data:`ID_PROP` off each of ``idblocks`` that plays no take of ours and whose id no take
    in the file records: Remove Take back to before DualTalk (Esc while keying a first take
    included) leaves the datablock as it was, and one whose kept takes record its id keeps it."""
    blocks = [b for b in idblocks if hasattr(b, "get") and isinstance(b.get(ID_PROP), str)]
    if not blocks:
        return
    recorded = {i for a in bpy.data.actions if is_ours(a) for i in record_ids(action_meta(a))}
    for idblock in blocks:
        if idblock[ID_PROP] not in recorded and not our_strips(idblock):
            gone = [ID_PROP, ID_OF_PROP] + ([ID_WAS_PROP] if idblock.get(ID_WAS_PROP) not in recorded else [])
            for prop in gone:
                with contextlib.suppress(KeyError, TypeError, RuntimeError):
                    del idblock[prop]


def record_ids(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The ids of the datablocks a take's record says it keyed (none in a take keyed before
    session 39's rv39g fix: its names decide)."""
    ids = meta.get(KEYED_BY)
    return tuple(str(i) for i in ids if isinstance(i, str) and i) if isinstance(ids, list) else ()


def record_key_names(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the shape-key datablocks a take's record says it keyed: they tell a face from a
    copy of it made after the take (Shift+D copies the ids; Blender gives the copy's ``Key`` a name
    of its own)."""
    names = meta.get(KEYED_KEYS)
    return tuple(str(n) for n in names if isinstance(n, str) and n) if isinstance(names, list) else ()


def same_datablocks(recorded: Iterable[str], held: Iterable[str]) -> bool:
    """Whether a take that keyed the datablocks ``recorded`` keyed the character whose datablocks hold
    the ids ``held``: their shape keys' ids where both have one (a rig may be shared by two faces),
    else any id in common."""
    recorded, held = set(recorded), set(held)
    keys = {i for i in recorded if i.startswith("KEY:")}
    own_keys = {i for i in held if i.startswith("KEY:")}
    if keys and own_keys:
        return bool(keys & own_keys)
    return bool(recorded & held)


def record_names(meta: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(character, the earlier names it was known by) a take's record holds."""
    known = meta.get(KNOWN_AS)
    names = tuple(str(n) for n in known if isinstance(n, str) and n) if isinstance(known, list) else ()
    return str(meta.get("character", "") or ""), names


def linked_names(names: Iterable[str], records: Iterable[tuple[str, Iterable[str]]]) -> set[str]:
    """``names`` and every name a take's record (character, known as) ties to one of them, through
    any number of renames: the names one character's takes may be recorded under."""
    found = {n for n in names if n}
    groups = [g for g in ({c, *k} - {""} for c, k in records) if len(g) > 1]
    grew = True
    while grew:
        grew = False
        for group in groups:
            if group & found and not group <= found:
                found |= group
                grew = True
    return found


def earlier_names(idblocks: Iterable[Any], character: str) -> set[str]:
    """The names other than ``character`` the takes of the character animating ``idblocks`` were
    recorded under: the take playing there and every take a record ties to it. A new take records
    them (:data:`KNOWN_AS`) so the takes kept under an old name stay this character's after a rename
    (before, a take keyed under a new name stranded every earlier one: Play and Remove Take no longer
    found them)."""
    seeds: set[str] = set()
    for idblock in idblocks:
        for layer, strip in our_strips(idblock).items():
            if layer != REST and is_ours(strip.action):
                name, known = record_names(action_meta(strip.action))
                seeds |= {name, *known}
    seeds.discard("")
    if not seeds - {character}:
        return set()
    records = [record_names(action_meta(a)) for a in bpy.data.actions if is_ours(a)]
    return linked_names(seeds | {character}, records) - {character}


# -- a shape key or bone renamed while a take was kept, not playing (review rv39c, finding 2) --


def renames_on(idblock: Any) -> list[Renamed]:
    """The shape keys and bones of ``idblock`` renamed since the take playing there keyed them, as
    its curves (Blender renamed them) or its rest track's record of held channels show."""
    found = renamed_channels(idblock)
    seen = {(r.old, r.new, r.index) for r in found}
    return found + [r for r in held_renames(idblock) if (r.old, r.new, r.index) not in seen]


def follow_renames(idblock: Any, action: Any, slot: Any, renames: Iterable[Renamed]) -> list[Renamed]:
    """Rename ``action``'s curves of ``slot`` as ``renames`` renamed ``idblock``'s shape keys and
    bones: Blender renames only the curves of actions the datablock plays, so a kept take swapped in
    after a rename animated the old name, nothing (a jaw that stopped opening, unsaid). A curve whose
    old name still resolves, whose new one does not, or whose new name is keyed already stays."""
    if action is None or slot is None:
        return []
    curves = list(compat.iter_fcurves(action, slot))
    taken = {(fc.data_path, fc.array_index) for fc in curves}
    done: list[Renamed] = []
    for r in renames:
        if (r.new, r.index) in taken or resolves(idblock, r.old) or not resolves(idblock, r.new):
            continue
        for fc in curves:
            if fc.data_path == r.old and fc.array_index == r.index:
                fc.data_path = r.new
                taken |= {(r.new, r.index)}
                done.append(r)
                break
    return done


def _carry_renamed_before(target: TargetCurves, reads: DigestReads | None = None) -> None:
    """A channel renamed since the take and keyed again under its new name (a custom map names it):
    its value before the first take is the one recorded under its old name, not the value the take was
    playing when this take first recorded the new name (Remove Take left a renamed jaw at 0.44,
    review rv37a finding 3). Rewrites the record's entry for the new name (:mod:`.before_take`)."""
    keyed = {(c.data_path, c.index) for c in target.curves}
    moved = [r for r in renamed_channels(target.idblock, reads) if (r.new, r.index) in keyed]
    record = before_take.before_record(target.idblock) if moved else {}
    values = record.get("values", [])
    was = {(str(p), int(i)): v for p, i, v in values}
    changed = False
    for r in moved:
        if (r.old, r.index) not in was:
            continue
        for entry in values:
            if (str(entry[0]), int(entry[1])) == (r.new, r.index) and entry[2] != was[(r.old, r.index)]:
                entry[2] = was[(r.old, r.index)]
                changed = True
    if changed:
        target.idblock[before_take.BEFORE_PROP] = json.dumps(record, sort_keys=True, default=str)


def _held_at_rest(
    target: TargetCurves, reads: DigestReads | None = None
) -> tuple[list[CurveSpec], list[Renamed], list[str]]:
    """Rest-track curves for every channel the take on ``target`` keyed that this take no longer keys,
    each at its rest value: one whose shape key or bone was renamed (:func:`renamed_channels`; returned
    too, to be said), one an earlier take held so, and one the rig's map no longer names (a one-entry
    custom map after a rename: its channels' names are returned too, to be said in one line). Dropped
    from our tracks they would freeze at whatever the old take last played (a head left turned 70
    degrees under the neck's new motion; 15 mouth channels holding a pose, review rv37a finding 3), a
    Combine fix key on them would count from Blender's default instead of the rest (a jaw wide open at
    1.0), and Remove Take would not know to give them back."""
    keyed = {(c.data_path, c.index) for c in target.curves}
    dropped = [r for r in renamed_channels(target.idblock, reads) if (r.new, r.index) not in keyed]
    strips = our_strips(target.idblock)
    rest = strips.get(REST)
    if rest is None or rest.action is None:
        return [], dropped, []
    layered = {
        (fc.data_path, fc.array_index): layer
        for layer, strip in strips.items()
        if layer != REST and strip.action is not None
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
    }
    rewritten = {c.layer for c in target.curves}  # a layer this take keys none of keeps playing as it was
    wanted = {(r.new, r.index) for r in dropped}
    held: list[CurveSpec] = []
    unmapped: list[str] = []  # keyed in our layers until now, named by no map now (not renamed)
    for fc in compat.iter_fcurves(rest.action, rest.action_slot):
        channel = (fc.data_path, fc.array_index)
        if channel in keyed or not len(fc.keyframe_points) or not resolves(target.idblock, fc.data_path):
            continue
        value = float(fc.keyframe_points[0].co[1])
        group = fc.group.name if fc.group is not None else ""
        held.append(CurveSpec(fc.data_path, fc.array_index, np.array([value]), group, layer=REST, rest=value))
        if layered.get(channel) in rewritten and channel not in wanted:
            unmapped.append(channel_name(fc.data_path))
    said = {(r.new, r.index) for r in dropped}
    earlier = [r for r in held_renames(target.idblock) if (r.new, r.index) in _channels(held) - said]
    return held, dropped + earlier, list(dict.fromkeys(unmapped))


def unmapped_warning(character: str, channels: list[str]) -> str:
    """One line for channels the take before keyed that this take's map names no longer (review rv37a,
    finding 3: a one-entry custom map after a rename stilled 15 mouth channels without a word)."""
    shown = ", ".join(channels[:4]) + (f" and {len(channels) - 4} more" if len(channels) > 4 else "")
    n = len(channels)
    return (
        f"{character}: the take before keyed {n} channel{'s' if n > 1 else ''} this one does not ({shown}): "
        f"the map names {'none of them' if n > 1 else 'it'} now (a custom map keys only what it names), so "
        f"{'they are' if n > 1 else 'it is'} held at rest and still; name {'them' if n > 1 else 'it'} in the "
        "map (docs/blender.md, Custom maps) to key them again"
    )


HELD_RENAMES_PROP = "dualtalk_held_renames"  # on a rest action: the renamed channels it holds at rest


def _channels(curves: Iterable[CurveSpec]) -> set[tuple[str, int]]:
    return {(c.data_path, c.index) for c in curves}


def _note_held_renames(action: Any, slot: Any, renamed: list[Renamed]) -> None:
    """Record on the rest ``action`` which channels of ``slot`` it holds at rest because they were
    renamed, so every later take and range that still holds them says so (:func:`held_renames`), not
    only the Generate that first found the rename."""
    try:
        entries = json.loads(str(action.get(HELD_RENAMES_PROP, "[]")))
    except ValueError:
        entries = []
    prefix = curve_id(slot)
    entries = [e for e in entries if isinstance(e, dict) and e.get("slot") != prefix]
    entries += [
        {"slot": prefix, "layer": r.layer, "old": r.old, "new": r.new, "index": r.index} for r in renamed
    ]
    if entries:
        action[HELD_RENAMES_PROP] = json.dumps(entries)


def held_renames(idblock: Any) -> list[Renamed]:
    """The channels our rest track on ``idblock`` holds at rest because their shape key or bone was
    renamed since a take keyed them (recorded by the take that found it), still renamed now."""
    rest = our_strips(idblock).get(REST)
    if rest is None or rest.action is None:
        return []
    try:
        entries = json.loads(str(rest.action.get(HELD_RENAMES_PROP, "[]")))
    except ValueError:
        return []  # a damaged record: the channel stays held at rest, unsaid as before
    prefix = curve_id(rest.action_slot)
    held = {(fc.data_path, fc.array_index) for fc in compat.iter_fcurves(rest.action, rest.action_slot)}
    out: list[Renamed] = []
    for e in entries if isinstance(entries, list) else []:
        try:
            r = Renamed(str(e["layer"]), str(e["old"]), str(e["new"]), int(e["index"]))
        except (KeyError, TypeError, ValueError):
            continue
        if e.get("slot") == prefix and (r.new, r.index) in held and not resolves(idblock, r.old):
            out.append(r)
    return out


def held_rename_warnings(targets: list[TargetCurves], character: str) -> list[str]:
    """One line per channel a range leaves held at rest by the take because it was renamed (the take
    said it; the range says it again, as does every Generate that holds it)."""
    out: list[str] = []
    for target in targets:
        for r in held_renames(target.idblock):
            line = rename_warning(character, r)
            if (r.new, r.index) not in _channels(target.curves) and line not in out:
                out.append(line)
    return out


def hand_edits(
    targets: list[TargetCurves], layers: Iterable[str], reads: DigestReads | None = None
) -> dict[str, dict[str, list[str]]]:
    """Take name -> layer -> the channels whose keys in the layer action our strips play on
    ``targets`` changed since DualTalk keyed them (moved, added or deleted keys, curves added or
    removed); by take, as a run replaces only its own take's actions and an earlier take of another
    name keeps its own in the file. A take keyed before DualTalk recorded its keys (no digest) has none."""
    out: dict[str, dict[str, list[str]]] = {}
    for target in targets:
        for layer, strip in our_strips(target.idblock).items():
            if layer not in layers or strip.action is None or not is_ours(strip.action):
                continue
            if reads is not None and reads.fresh(strip.action):
                continue  # keyed by this take a moment ago (its eye-contact pass): reading it back finds nothing
            recorded = read_digests(strip.action, reads)
            changed = (
                edited_channels(strip.action, strip.action_slot, recorded, target.idblock) if recorded else []
            )
            if changed:
                take = str(action_meta(strip.action).get("take", ""))
                seen = out.setdefault(take, {}).setdefault(layer, [])
                seen += [c for c in changed if c not in seen]
    return out


def kept_hand_edits(
    targets: list[TargetCurves],
    replaced: Iterable[tuple[str, Any, bool]],
    meta: Mapping[str, Any],
    reads: DigestReads | None = None,
) -> dict[str, list[str]]:
    """Layer -> the channels edited by hand in the actions of a kept take that plays nowhere and that a
    take of its name replaces (:func:`_replaced`, deleted by :func:`_retire`). :func:`hand_edits` looks
    only at the strips that play: Generate under the name of a kept, edited take replaced its edits
    without a word (review rv41a F1)."""
    out: dict[str, list[str]] = {}
    for layer, action, played_here in replaced:
        if (
            played_here
            or layer == REST
            or not is_ours(action)
            or action.users - int(action.use_fake_user) > 0
        ):
            continue
        record = action_meta(action)
        if any(record.get(k) != meta.get(k) for k in ("take", "character")) or record.get("layer") != layer:
            continue  # not this run's own take: _retire keeps it in the file
        recorded = read_digests(action, reads)
        if not recorded:
            continue
        for slot in action.slots:
            changed = edited_channels(action, slot, recorded, _slot_target(targets, slot))
            seen = out.setdefault(layer, []) if changed else []
            seen += [c for c in changed if c not in seen]
    return out


def edits_in(actions: Iterable[Any], reads: DigestReads | None = None) -> dict[str, dict[str, list[str]]]:
    """Character -> layer -> the channels edited by hand in ``actions`` (layer actions of ours about
    to be deleted: Remove Take's), by their records of the keys DualTalk wrote. Remove Take deleted
    them while its line promised "your keys stay" (review rv41a F2)."""
    out: dict[str, dict[str, list[str]]] = {}
    for action in actions:
        record = action_meta(action) if is_ours(action) else {}
        layer = str(record.get("layer", ""))
        recorded = read_digests(action, reads) if layer in LAYERS else None
        if not recorded:
            continue
        for slot in action.slots:
            users: list[Any] = []
            with contextlib.suppress(AttributeError, RuntimeError, TypeError):
                users = list(slot.users())  # the datablock it plays on tells a renamed part from an edit
            changed = edited_channels(action, slot, recorded, users[0] if len(users) == 1 else None)
            if changed:
                seen = out.setdefault(str(record.get("character", "")), {}).setdefault(layer, [])
                seen += [c for c in changed if c not in seen]
    return out


def going_edits_words(edits: Mapping[str, Mapping[str, list[str]]]) -> str:
    """``the DualTalk lips+jaw layer of 'Ava' held keys edited by hand (jawOpen), and they go with the
    take``, or "" (Remove Take's confirmation and line)."""
    if not edits:
        return ""
    held = "; ".join(_held_edits(character, layers) for character, layers in edits.items())
    return f"{held}, and they go with the take"


def _slot_target(targets: list[TargetCurves], slot: Any) -> Any | None:
    """The datablock of ``targets`` a kept action's ``slot`` animated: the one the slot is named for
    (a slot's identifier is its kind's two letters and the name it was given), else the only one of
    its kind; None where none tells (a renamed part then counts as an edit)."""
    kind = getattr(slot, "target_id_type", None)
    same = [t for t in targets if compat.id_type_of(t.idblock) == kind]
    named = [t for t in same if str(slot.identifier)[2:] == t.slot_name]
    found = named or (same if len(same) == 1 else [])
    return found[0].idblock if found else None


def edited_channels(
    action: Any, slot: Any, recorded: Mapping[str, CurveDigest], idblock: Any = None
) -> list[str]:
    """The channels of ``slot`` in ``action`` whose keys are not those ``recorded``. With ``idblock``
    (the datablock they animate) a renamed shape key or bone is a rig change, not an edit: a recorded
    channel whose rig part is gone is left out, and so is the curve Blender renamed it to (its keys
    as recorded; :func:`renamed_channels`)."""
    prefix = curve_id(slot, None)
    mine = {k: d for k, d in recorded.items() if k.startswith(prefix)}
    if not mine:  # nothing recorded for this slot: nothing to compare with
        return []
    renamed = _renames(idblock, "", action, slot, mine) if idblock is not None else []
    moved = {(r.new, r.index) for r in renamed if not r.edited}
    out: list[str] = []
    seen: set[str] = set()
    curves = list(compat.iter_fcurves(action, slot))
    compared = [fc for fc in curves if (fc.data_path, fc.array_index) not in moved]
    # read back in bulk and digested in one pass (curve_digests): one by one, this read-back cost more
    # than keying a short take
    now = {curve_id(slot, fc): d for fc, d in zip(compared, curve_digests(compared), strict=True)}
    for fc in curves:
        key = curve_id(slot, fc)
        seen.add(key)
        if key in now and mine.get(key) != now[key]:
            out.append(channel_name(fc.data_path))
    for k in mine:
        path = _split_id(k[len(prefix) :])[0]
        if k not in seen and (idblock is None or resolves(idblock, path)):
            out.append(channel_name(path))
    return list(dict.fromkeys(out))


# -- a shape key or bone the take keys, renamed since (review 30a, finding 2) --


@dataclass(frozen=True)
class Renamed:
    """A channel a take keyed whose shape key or bone was renamed since: Blender renamed the take's
    curve with it (``old`` -> ``new`` data path), so the rig's map no longer finds it by its old name."""

    layer: str
    old: str
    new: str
    index: int
    edited: bool = False  # its keys changed too (paired as the one curve left on each side)

    @property
    def names(self) -> tuple[str, str]:
        """The shape key's or bone's old and new names."""
        return _part_name(self.old), _part_name(self.new)

    @property
    def is_bone(self) -> bool:
        return self.old.startswith("pose.bones[")


def renamed_channels(idblock: Any, reads: DigestReads | None = None) -> list[Renamed]:
    """The channels of the take on ``idblock`` whose shape key or bone was renamed since it was keyed:
    the take's record (:data:`.keying.DIGEST_PROP`) names a channel that no longer resolves, and a
    curve it does not name holds the same keys (or is the one such curve left in that layer)."""
    out: list[Renamed] = []
    for layer, strip in our_strips(idblock).items():
        if layer == REST or strip.action is None or not is_ours(strip.action):
            continue
        recorded = read_digests(strip.action, reads)
        if recorded:
            out += _renames(idblock, layer, strip.action, strip.action_slot, recorded)
    return out


def _renames(
    idblock: Any, layer: str, action: Any, slot: Any, recorded: Mapping[str, CurveDigest]
) -> list[Renamed]:
    prefix = curve_id(slot, None)
    gone = {
        _split_id(k[len(prefix) :]): d
        for k, d in recorded.items()
        if k.startswith(prefix) and not resolves(idblock, _split_id(k[len(prefix) :])[0])
    }
    if not gone:
        return []
    fresh = [fc for fc in compat.iter_fcurves(action, slot) if curve_id(slot, fc) not in recorded]
    out: list[Renamed] = []
    for fc in list(fresh):
        digest = curve_digest(fc)
        match = next((k for k, d in gone.items() if k[1] == fc.array_index and d == digest), None)
        if match is not None and _same_kind(match[0], fc.data_path):
            out.append(Renamed(layer, match[0], fc.data_path, fc.array_index))
            del gone[match]
            fresh.remove(fc)
    if len(gone) == 1 and len(fresh) == 1:  # renamed, and its keys edited too
        (path, index), fc = next(iter(gone)), fresh[0]
        if index == fc.array_index and _same_kind(path, fc.data_path):
            out.append(Renamed(layer, path, fc.data_path, index, edited=True))
    return out


def _split_id(channel: str) -> tuple[str, int]:
    """``'key_blocks["jawOpen"].value[0]'`` -> (data path, index)."""
    path, _, index = channel.rpartition("[")
    return path, int(index.rstrip("]") or 0)


def resolves(idblock: Any, path: str) -> bool:
    """Whether ``path`` names a property of ``idblock`` now (a shape key or bone not renamed or deleted)."""
    try:
        idblock.path_resolve(path)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def _part_name(path: str) -> str:
    found = re.match(r'(?:key_blocks|pose\.bones)\["(.+?)"\]', path)
    return found.group(1) if found else path


def _same_kind(old: str, new: str) -> bool:
    """Two paths of one property on differently named parts (a shape key's value, a bone's rotation)."""
    pattern = r'\["(?:[^"\\]|\\.)*"\]'
    return re.sub(pattern, "[]", old) == re.sub(pattern, "[]", new)


def rename_warning(character: str, renamed: Renamed, *, ranged: bool = False) -> str:
    """One line for a renamed channel the take (or a range, ``ranged``) no longer keys."""
    old, new = renamed.names
    if renamed.is_bone:
        what, effect = "bone", f"{new} no longer turns (the bone the map finds now turns instead)"
    else:
        what = "shape key"
        effect = "the mouth will not open" if old == "jawOpen" else f"{new} no longer moves"
    done = (
        f"the range left {new}'s keys as the take had them and the next Generate will hold it at rest"
        if ranged
        else f"the take no longer keys it and holds {new} at rest"
    )
    return (
        f"{character}: the {what} {old} is missing (renamed to {new} since the take): {done}, so {effect}; "
        f"rename it back to {old}, or map it in a custom map (docs/blender.md, Custom maps), and Generate again"
    )


def channel_name(path: str) -> str:
    """How a message names a curve's channel: ``jawOpen``, ``head rotation_quaternion``."""
    key = re.fullmatch(r'key_blocks\["(.+)"\]\.value', path)
    if key:
        return key.group(1)
    bone = re.fullmatch(r'pose\.bones\["(.+)"\]\.(\w+)', path)
    return f"{bone.group(1)} {bone.group(2)}" if bone else path


def _held_edits(character: str, edited: Mapping[str, list[str]]) -> str:
    """``the DualTalk lips+jaw layer of 'Ava' held keys edited by hand (jawOpen)``: the start of the
    lines that say so."""
    names = list(edited)
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    channels = list(dict.fromkeys(c for layer in names for c in edited[layer]))
    shown = ", ".join(channels[:4]) + (f" and {len(channels) - 4} more" if len(channels) > 4 else "")
    return f"the DualTalk {which} layer{'s' if len(names) > 1 else ''} of {character!r} held keys edited by hand ({shown})"


def _unrecorded_layers(
    targets: list[TargetCurves], used: Iterable[str], take: str, reads: DigestReads | None = None
) -> list[str]:
    """Our layers of take ``take`` on ``targets`` that a take replaces and that hold no record of the
    keys DualTalk wrote (keyed before e959dfa): fixes made in them cannot be looked for."""
    out: list[str] = []
    for target in targets:
        for layer, strip in our_strips(target.idblock).items():
            action = strip.action
            if layer not in used or action is None or not is_ours(action) or layer in out:
                continue
            if str(action_meta(action).get("take", "")) == take and read_digests(action, reads) is None:
                out.append(layer)
    return out


def unrecorded_warning(
    character: str, meta: Mapping[str, Any], names: list[str], where: str = "", by: str = "rest"
) -> str:
    """One line for a take (``by`` "rest") or a range (``by`` "range", ``where`` its frames) that
    replaced keys in our layers of an older take that kept no record of its keys: a fix made inside
    them is gone unsaid otherwise (the older build never said so either)."""
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (
        f"take {str(meta.get('take', ''))!r} on {character!r} was keyed by an older DualTalk that kept no "
        f"record of its keys, so fixes made inside its DualTalk {which} layer{'s' if len(names) > 1 else ''}"
        f"{' in ' + where if where else ''} could not be looked for: any there were replaced with the {by} "
        "(keep fixes on your own track: docs/blender.md, Hand fixes)"
    )


def edits_warning(character: str, edited: Mapping[str, list[str]]) -> str:
    """One line for a take that replaced keys edited by hand in our layers."""
    return (
        f"{_held_edits(character, edited)}; they were replaced: keep fixes on your own track "
        "(docs/blender.md, Hand fixes)"
    )


def kept_replaced_warning(character: str, take: str, edited: Mapping[str, list[str]]) -> str:
    """One line for a take keyed under the name of a kept take (not playing) whose layers held keys
    edited by hand: its actions are replaced, so those edits are gone, as for the playing take."""
    return (
        f"take {take!r}, kept in the file and not playing: {_held_edits(character, edited)}; this take of "
        "the same name replaced them (Ctrl+Z brings them back; Generate under another Take name to keep an "
        "edited take): keep fixes on your own track (docs/blender.md, Hand fixes)"
    )


def kept_edits_warning(character: str, edited: Mapping[str, list[str]], takes: Iterable[str]) -> str:
    """One line for a take of a new name keyed over layers holding keys edited by hand: the earlier
    take keeps them in the file (its actions are not deleted), so nothing was lost."""
    earlier = ", ".join(repr(t) for t in dict.fromkeys(takes)) or "the earlier take"
    return (
        f"{_held_edits(character, edited)}; they stay with take {earlier}, kept in the file (Play Take "
        "plays it again)"
    )


# how the lines that say hand edits were lost begin or end (edits_warning, kept_replaced_warning,
# range_edits_warning, unrecorded_warning): the status line shows one warning, so these go first
LOSS_WORDS = (
    "; they were replaced",
    "this take of the same name replaced them",
    "the range replaced keys edited by hand",
    "could not be looked for: any there were replaced",
)


def losses_first(warnings: Iterable[str]) -> list[str]:
    """``warnings`` with the lines that say keys edited by hand were replaced first, each once, the
    order otherwise kept: the status line shows the first warning and "and N more", and a range's
    loss hid there behind a settings note (review rv41a F8)."""
    lines = list(dict.fromkeys(warnings))
    lost = [w for w in lines if any(words in w for words in LOSS_WORDS)]
    return lost + [w for w in lines if w not in lost]


def range_edits_warning(character: str, edited: Mapping[str, tuple[list[str], tuple[int, int]]]) -> str:
    """One line for a re-generated range that replaced keys edited by hand in our layers
    (:func:`.range_keys.range_hand_edits`: layer -> channels and frames)."""
    names = list(edited)
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    channels = list(dict.fromkeys(c for layer in names for c in edited[layer][0]))
    shown = ", ".join(channels[:4]) + (f" and {len(channels) - 4} more" if len(channels) > 4 else "")
    first = min(edited[layer][1][0] for layer in names)
    last = max(edited[layer][1][1] for layer in names)
    return (
        f"the range replaced keys edited by hand in the DualTalk {which} layer{'s' if len(names) > 1 else ''} "
        f"of {character!r} ({shown}, frames {first}-{last}): keep fixes on your own track "
        "(docs/blender.md, Hand fixes)"
    )


@dataclass
class LayerInfo:
    layer: str
    idblock: Any
    strip: Any

    @property
    def influence(self) -> float:
        return float(self.strip.influence)


def character_layers(idblocks: Iterable[Any]) -> list[LayerInfo]:
    """Our layers on a character's datablocks, in stack order (for the panel and reports)."""
    out: list[LayerInfo] = []
    for idblock in idblocks:
        if idblock is None:
            continue
        strips = our_strips(idblock)
        out += [LayerInfo(layer, idblock, strips[layer]) for layer in LAYERS if layer in strips]
    return out


def set_influence(
    idblocks: Iterable[Any], layer: str, value: float, frame: float | None = None, *, missing_ok: bool = False
) -> int:
    """Set ``layer``'s influence on a character's take to a constant the panel's slider can dial
    (:func:`key_influence`; keys there are replaced; ``frame`` is unused: a constant is the same at
    every frame); returns how many strips were set.

    ``idblocks``: the characters themselves (their mesh or armature objects, as a script holds them)
    or the datablocks the layers live on (:func:`character_idblocks`); a character object stands for
    all of its datablocks. Nothing keyed is refused in one line (no take there, or a take without
    that layer) unless ``missing_ok`` (a re-generated range re-keys the influences it was given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DualTalkError(f"layer influence must be a number, got {value!r}")
    layer = layer_name(layer)
    if isinstance(idblocks, str | bpy.types.ID):  # one character, not a list
        idblocks = [idblocks]
    given = [b for b in idblocks if b is not None]
    for b in given:
        refuse_name(b)
    blocks = _with_characters(given)
    found = character_layers(blocks)
    count = 0
    for info in found:
        if info.layer == layer:
            key_influence(info.strip, value)
            count += 1
    if count or missing_ok:
        return count
    names = ", ".join(repr(getattr(b, "name", type(b).__name__)) for b in given) or "nothing"
    if not found:
        raise DualTalkError(
            f"no DualTalk take on {names}: pass the animated characters (their mesh or armature "
            "objects) or layers.character_idblocks(obj)"
        )
    have = ", ".join(dict.fromkeys(info.layer for info in found))
    raise DualTalkError(f"the take on {names} has no {layer!r} layer (it has {have})")


def _with_characters(items: list[Any]) -> list[Any]:
    """Each character object in ``items`` with all of its datablocks (:func:`character_idblocks`),
    the rest as given; each datablock once, in order."""
    out: list[Any] = []
    for item in items:
        blocks = [item]
        if isinstance(item, bpy.types.Object) and item.type in ("MESH", "ARMATURE"):
            with contextlib.suppress(DualTalkError):  # an armature without a face: its own layers only
                blocks = [item, *character_idblocks(item)]
        for block in blocks:
            if not any(block == o for o in out):
                out.append(block)
    return out


def character_idblocks(obj: Any, resolved: tuple[Any, Any | None] | None = None) -> list[Any]:
    """The datablocks our layers may live on for a character: shape keys, armature, mesh object.
    ``resolved``: ``obj``'s (mesh, armature) when already found (the panel keeps them between redraws)."""
    mesh, arm = resolved if resolved is not None else find_mesh_and_armature(obj)
    return [b for b in (mesh.data.shape_keys, arm, mesh) if b is not None]


def take_meta(obj: Any) -> dict[str, Any] | None:
    """Metadata (take, start_frame, fps...) of the take in our layers on a character, or None; {}
    when its record is damaged (:func:`.keying.action_meta`)."""
    action = take_action(obj)
    return None if action is None else action_meta(action)


def take_action(obj: Any) -> Any | None:
    """The layer action whose record :func:`take_meta` reads, or None."""
    for idblock in character_idblocks(obj):
        for layer, strip in our_strips(idblock).items():
            if layer != REST and is_ours(strip.action):
                return strip.action
    return None


def legacy_take(idblock: Any) -> Any | None:
    """The take an older DualTalk keyed on ``idblock`` as one active action, with no layers (before
    takes were NLA layers), or None: our action active and none of our tracks under it."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None or not is_ours(ad.action) or our_strips(idblock):
        return None
    return ad.action


def take_actions(idblock: Any) -> list[Any]:
    """Our layer actions playing on ``idblock`` (rest excluded), bottom to top."""
    strips = our_strips(idblock)
    return [strips[layer].action for layer in LAYERS if layer in strips and strips[layer].action]


def layer_fcurves(idblock: Any) -> list[Any]:
    """The fcurves of our layers that animate ``idblock`` (its own slot in each layer action)."""
    out: list[Any] = []
    for layer, strip in our_strips(idblock).items():
        if layer == REST or strip.action is None:
            continue
        out += list(compat.iter_fcurves(strip.action, strip.action_slot))
    return out
