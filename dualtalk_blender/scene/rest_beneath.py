"""A rest pose under the animator's own NLA tracks, for the channels a take leaves to them.

Where the animator's unmuted tracks under ours key a channel the take keys (their 'Blinks' track
keying eyeBlinkLeft), our rest track leaves it out and the layer covers only the take's frames, so
their blinks play outside the take (:func:`.layers.keyed_beneath`). Muted or deleted, nothing was left
under the layer there, and NLA gives a channel no strip plays Blender's default: 1.0 for a shape key,
an eye shut from the take's last frame to the shot's end (review rv41e F1). Nothing DualTalk runs
when a track is muted, so the rest has to be in the stack already: the track :data:`TRACK`, at the
bottom, holds each such channel at its rest (one key, held both ways, Replace at full influence).
Under their tracks it shows only where none of them decides the channel (muted, deleted, a gap between
their strips). A channel one of their strips blends (a part influence, Add, a blend in) over a frame
where no track of theirs below it plays the channel whole is left out (:func:`blended_channels`):
Blender blends it with its default there, so nothing they play changes (review rv42d F1). What it holds is
decided again at each Generate from the stack as it is then, and it goes when nothing is left (F4). A
bone or object channel holds Blender's default, its rest pose, never the pose sampled at Generate (F3).

Why at the bottom and a copy of their bottom track. Probed in Blender 5.0.1: no blend puts a strip
*above* theirs that lets their value through while they play and gives the rest once they are muted
(every blend is a weighted sum of the value below; muted, that value is the default 1.0); a shape
key's own value is overwritten with the default too; and ``nla_tracks.new`` adds a track only above
another one, with no way to move one down. So their bottom track is rebuilt one place up: its strips
(action clips only) copied with every setting and their influence keys, each copy compared with its
strip (:func:`_differs`) before the original goes, and the track's name, mute, lock and solo carried
over; the emptied bottom track becomes ours. A track holding anything a copy would not play the
same (a transition, meta or sound strip, animated strip time, strip modifiers), or one that comes from
a library (an override: reopening the file would give the library's strips back beside the copy, F2),
is left as it is and said in one line (:func:`unliftable_warning`), for shape keys only. Once at the
bottom it stays there: Blender adds every later track above it. Remove Take removes it, and their
track is at the bottom again.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import bpy
import numpy as np

from . import compat
from .keying import OWNER_PROP, action_meta, fill, is_ours, read_all, write_all

TRACK = "DualTalk rest beneath"
LAYER = "rest beneath"  # the ``layer`` of its action's record: no take's, never listed as one
NAME_BYTES = 255
FRAME_TOL = 1e-4  # a copied strip's frames may differ from its strip's by float rounding only

# what a copied strip is given from its strip, in this order (blends after the frames that bound them)
COPIED = (
    "use_sync_length",
    "use_reverse",
    "blend_type",
    "extrapolation",
    "use_auto_blend",
    "blend_in",
    "blend_out",
    "mute",
    "select",
)
# what two strips that play alike may differ in: their names (Blender keeps them unique until the
# original goes), which one the editor shows as active, and what NLA works out while playing
NOT_COMPARED = {"rna_type", "name", "active", "strip_time", "influence", "action_suitable_slots"}
CURVE_SETTINGS = ("extrapolation", "mute", "lock", "hide", "auto_smoothing")
# what a strip moved within a stack by :mod:`.layers` is given (a layer of ours lifted one place up, the
# animator's kept action moved down under a new take), in :data:`COPIED`'s order
MOVED = ("blend_type", "extrapolation", "blend_in", "blend_out", "use_auto_blend", "use_reverse", "mute")


def is_beneath(track: Any) -> bool:
    """Whether ``track`` is ours, holding the rest beneath the animator's tracks (by its one strip's
    action, so a renamed one is still known)."""
    if len(track.strips) != 1:
        return False
    action = track.strips[0].action
    return is_ours(action) and action_meta(action).get("layer") == LAYER


def beneath_track(idblock: Any) -> Any | None:
    """Our :data:`TRACK` on ``idblock``, else None."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return None
    return next((t for t in ad.nla_tracks if is_beneath(t)), None)


def beneath_strips(idblock: Any) -> list[Any]:
    """The strip of our :data:`TRACK` on ``idblock`` ([] without one): loops over the animator's strips
    skip it (it is neither theirs nor a layer of a take)."""
    track = beneath_track(idblock)
    return [] if track is None else [track.strips[0]]


def _overridden(idblock: Any) -> bool:
    """Whether ``idblock``'s stack comes from a library (linked, or a library override): on reopening
    the file Blender gives an overridden track its library strips back, so a rebuilt bottom track would
    come back as a second copy of theirs, and the rest would be gone (review rv42d F2). A shape key
    datablock is overridden through its mesh (``Key.user``), its own ``override_library`` is None."""
    owners = [idblock, getattr(idblock, "user", None)]
    if any(o is not None and (o.library is not None or o.override_library is not None) for o in owners):
        return True
    ad = idblock.animation_data
    return any(t.is_override_data for t in ad.nla_tracks)


def _why_not(idblock: Any, track: Any) -> str:
    """What in ``track`` a copy would not play the same ("" when nothing)."""
    if _overridden(idblock):
        return "comes from a library (an override)"
    for strip in track.strips:
        if strip.type != "CLIP":
            kind = {"TRANSITION": "a transition", "META": "a meta", "SOUND": "a sound"}.get(strip.type, "a")
            return f"holds {kind} strip ({strip.name!r})"
        if strip.action is None:
            return f"holds a strip without an action ({strip.name!r})"
        if strip.use_animated_time:
            return f"holds a strip with animated strip time ({strip.name!r})"
        if len(strip.modifiers):
            return f"holds a strip with modifiers ({strip.name!r})"
        for fc in strip.fcurves:
            if fc.data_path != "influence" or len(fc.modifiers) or fc.driver is not None:
                return f"holds a strip whose {fc.data_path} is animated in a way DualTalk does not copy ({strip.name!r})"
    return ""


def _blends(strip: Any) -> bool:
    """Whether ``strip`` gives less than a whole value somewhere (Add, Combine, ..., a keyed influence,
    a blend in or out, or auto blends that may set one): there it is mixed with what is below."""
    return (
        strip.blend_type != "REPLACE"
        or strip.use_animated_influence
        or strip.use_auto_blend
        or strip.blend_in > 0.0
        or strip.blend_out > 0.0
    )


def _theirs(strips: Iterable[Any]) -> Iterable[Any]:
    """The animator's strips among ``strips``, those inside a meta strip too (ours, and our rest
    beneath, left out)."""
    for strip in strips:
        if strip.type == "META":
            yield from _theirs(strip.strips)
        elif strip.action is None or not is_ours(strip.action):
            yield strip


def _paths(strip: Any) -> set[str]:
    if strip.action is None:
        return set()
    return {fc.data_path for fc in compat.iter_fcurves(strip.action, strip.action_slot)}


Span = tuple[float, float]
GAP_TOL = 1e-6  # two spans this close meet (a strip starting on the frame the one before it ends)


def _spans(strips: list[Any], widest: bool) -> list[tuple[Any, Span]]:
    """Each of ``strips`` (one track's) with the frames it plays over, its extrapolation included: a
    hold forward until the next strip starts, a hold before the first one. ``widest``: as wide as it
    may ever play (a hold both ways, to the timeline's ends), for a strip that blends; else only where
    Blender surely plays it, for a strip that covers what is under it."""
    ordered = sorted(strips, key=lambda s: float(s.frame_start))
    out = []
    for i, strip in enumerate(ordered):
        lo, hi = float(strip.frame_start), float(strip.frame_end)
        later = float(ordered[i + 1].frame_start) if i + 1 < len(ordered) else math.inf
        if strip.extrapolation in ("HOLD", "HOLD_FORWARD"):
            hi = math.inf if widest else max(hi, later)
        if strip.extrapolation == "HOLD" and (widest or i == 0):
            lo = -math.inf
        out.append((strip, (lo, hi)))
    return out


def _covered(span: Span, cover: list[Span]) -> bool:
    """Whether the frames of ``span`` all lie in the union of ``cover``."""
    reach = span[0]
    for lo, hi in sorted(cover):
        if lo > reach + GAP_TOL:
            break
        reach = max(reach, hi)
        if reach >= span[1]:
            return True
    return reach >= span[1]


def _keys_whole(strip: Any) -> set[tuple[str, int]]:
    """The channels ``strip`` gives a whole value wherever it plays (Replace at full influence, no blend
    in or out; its curve not muted); none for a strip that blends."""
    if strip.type != "CLIP" or strip.action is None or strip.mute or _blends(strip):
        return set()
    return {
        (fc.data_path, fc.array_index)
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
        if not fc.mute
    }


def _indices(idblock: Any, path: str) -> range:
    try:
        value = idblock.path_resolve(path)
    except ValueError:  # a curve on a property the datablock lacks: the first four indices
        return range(4)
    return range(len(value) if hasattr(value, "__len__") and not isinstance(value, str) else 1)


def blended_channels(idblock: Any) -> set[tuple[str, int]]:
    """The channels some strip of the animator's on ``idblock`` blends with nothing of theirs under it
    on some frame (under, between or over our tracks; muted strips too, as unmuted they must play as
    they did). Such a strip mixes its value with what is below, Blender's default there; a rest held
    under it would change what it plays (review rv42d F1: a 50 % strip over a gap in their bottom
    track read 0.0 at 75, was 0.5). Under it, per frame: the frames it may play over (its hold
    included) must lie where unmuted tracks of theirs below it play the channel whole; those tracks'
    holds only where Blender surely plays them. Every index of a blended path counts (Combine mixes
    a quaternion's four together); a transition or meta strip blends everything it touches."""
    ad = getattr(idblock, "animation_data", None)
    if ad is None:
        return set()
    tracks = [t for t in ad.nla_tracks if not is_beneath(t)]
    cover: dict[tuple[str, int], list[Span]] = {}  # what the tracks looked at so far give whole
    out: set[tuple[str, int]] = set()

    def blends_over(paths: set[str], span: Span) -> None:
        for path in paths:
            for i in _indices(idblock, path):
                if not _covered(span, cover.get((path, i), [])):
                    out.add((path, i))

    for track in tracks:
        strips = [s for s in track.strips if s.action is None or not is_ours(s.action)]
        theirs = list(_theirs(strips))
        mixed = any(s.type in ("TRANSITION", "META") for s in strips)
        for strip, span in _spans(strips, widest=True):
            if mixed:
                blends_over({p for s in theirs for p in _paths(s)}, (-math.inf, math.inf))
            elif strip.type == "CLIP" and _blends(strip):
                blends_over(_paths(strip), span)
        if track.mute or mixed:
            continue
        for strip, span in _spans(strips, widest=False):
            for channel in _keys_whole(strip):
                cover.setdefault(channel, []).append(span)
    if ad.action is not None and not is_ours(ad.action):  # their keys on top of everything
        if ad.action_blend_type != "REPLACE" or ad.action_influence < 1.0:
            paths = {fc.data_path for fc in compat.iter_fcurves(ad.action, getattr(ad, "action_slot", None))}
            blends_over(paths, (-math.inf, math.inf))
    return out


def whole_curves(track: Any) -> list[Any]:
    """The curves of the animator's unmuted strips on ``track`` that give a whole value wherever they play
    (Replace at full influence, no blend in or out: :func:`_blends`; the curve not muted). A Replace strip
    blending in and out mixes with what is below on its edges and, held, gives nothing there: it is
    looked at by :func:`blending_outside` instead (review rv43d F1's cause, for a Replace fix)."""
    if track.mute:
        return []
    strips = [s for s in track.strips if s.action is None or not is_ours(s.action)]
    return [
        fc
        for strip in strips
        if strip.type == "CLIP" and strip.action is not None and not strip.mute and not _blends(strip)
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
        if not fc.mute
    ]


def blending_outside(track: Any, take: Span) -> list[Any]:
    """The curves of the animator's unmuted strips on ``track`` that blend (:func:`_blends`) and change
    something on a frame outside ``take`` (first, last frame): their own frames there, or a hold there
    (as wide as it could be) of a value that is not the blend's identity (:func:`_holds_identity`). Over
    our rest track such a strip adds to the rest or mixes with it: outside the take a layer holding its
    pose over it hid it (their42's left-undone), so it counts as theirs there
    (:func:`.layers.keyed_under_layers`). A correction inside the take held by Blender's default Hold
    adds 0 outside it and is not counted (review rv43d F1: it popped the channel to rest after the take,
    and a line said the track now played there)."""
    if track.mute or is_beneath(track):
        return []
    strips = [s for s in track.strips if s.action is None or not is_ours(s.action)]
    out: list[Any] = []
    for strip, (lo, hi) in _spans(strips, widest=True):
        if strip.mute or strip.type != "CLIP" or strip.action is None or not _blends(strip):
            continue
        first, last = float(strip.frame_start), float(strip.frame_end)
        own = first < take[0] - GAP_TOL or last > take[1] + GAP_TOL
        held = [frame for frame, holds in ((first, lo < first), (last, hi > last)) if holds]
        if not own and not held:
            continue
        out += [
            fc
            for fc in compat.iter_fcurves(strip.action, strip.action_slot)
            if not fc.mute and (own or not all(_holds_identity(strip, fc, frame) for frame in held))
        ]
    return out


IDENTITY_TOL = 1e-6  # a held value this close to its blend's identity changes nothing


def _holds_identity(strip: Any, fc: Any, frame: float) -> bool:
    """Whether ``strip``, held from its ``frame`` (its first or last), leaves the value below it as it is
    with curve ``fc``: no influence there, or the blend's identity held (an Add or Subtract of 0, a
    Multiply of 1, a Combine of the property's default). Blender holds a strip's value and influence at
    its end frame (``nlastrips_ctime_get_strip`` clamps the time). A strip whose time is animated, or a
    Replace at part influence (mixed with what is below), changes it."""
    influence = _influence_held(strip, frame)
    if influence <= 0.0:
        return True
    if strip.use_animated_time or strip.use_animated_time_cyclic:
        return False
    value = float(fc.evaluate(_action_frame(strip, frame)))
    if strip.blend_type in ("ADD", "SUBTRACT"):
        identity: float | None = 0.0
    elif strip.blend_type == "MULTIPLY":
        identity = 1.0
    elif strip.blend_type == "COMBINE":
        identity = _default(strip.id_data, fc.data_path, fc.array_index)
    else:
        identity = None
    return identity is not None and abs(value - identity) <= IDENTITY_TOL


def _influence_held(strip: Any, frame: float) -> float:
    """``strip``'s influence at its first or last ``frame``: its influence keys there, else what its
    blend in and out give (Blender's ``nlastrip_get_influence``)."""
    if strip.use_animated_influence:
        keys = strip.fcurves.find("influence")
        value = (
            float(keys.evaluate(frame)) if keys is not None and len(keys.keyframe_points) else strip.influence
        )
        return min(1.0, max(0.0, value)) if np.isfinite(value) else 1.0
    start, end = float(strip.frame_start), float(strip.frame_end)
    blend_in, blend_out = abs(float(strip.blend_in)), abs(float(strip.blend_out))
    if blend_in > 0.0 and frame <= start + blend_in:
        return abs(frame - start) / blend_in
    if blend_out > 0.0 and frame >= end - blend_out:
        return abs(end - frame) / blend_out
    return 1.0


def _action_frame(strip: Any, frame: float) -> float:
    """The action frame ``strip`` plays on its ``frame`` (Blender's ``nlastrip_get_frame_actionclip``:
    scale, repeats, reversed; a whole number of repeats ends on the action's last frame)."""
    start, end = float(strip.action_frame_start), float(strip.action_frame_end)
    length, scale = end - start, float(strip.scale)
    if length <= 0.0 or scale <= 0.0:
        return start
    repeat = float(strip.repeat)
    if abs(frame - float(strip.frame_end)) <= FRAME_TOL and repeat == math.floor(repeat):
        offset = length
    else:
        offset = math.fmod(frame - float(strip.frame_start), length * scale) / scale
    return end - offset if strip.use_reverse else start + offset


def _default(idblock: Any, path: str, index: int) -> float | None:
    """Blender's default for the property at ``path``/``index`` on ``idblock``: what a Combine strip
    holding it leaves unchanged (1.0 for a shape key's value, measured: a Combine of 0 takes 1 off)."""
    owner_path, _dot, prop = path.rpartition(".")
    try:
        owner = idblock.path_resolve(owner_path) if owner_path else idblock
    except ValueError:
        return None
    rna = owner.bl_rna.properties.get(prop) if hasattr(owner, "bl_rna") else None
    if rna is None or rna.type != "FLOAT":
        return None
    if rna.is_array:
        defaults = list(rna.default_array)
        return float(defaults[index]) if 0 <= index < len(defaults) else None
    return float(rna.default) if index == 0 else None


def _held_rest(idblock: Any, path: str, index: int, rest: float) -> float | None:
    """The value held under the animator's tracks for a channel whose take rest is ``rest``: a shape
    key's rest (Blender's default, 1.0, would shut an eye), a bone's or object's transform at Blender's
    default, its rest pose (review rv42d F3: the pose sampled at Generate, their walk playing, left the
    head nodding 5.7 degrees, by the playhead, once the walk was muted). None: no such property."""
    if path.startswith("key_blocks"):
        return rest
    return _default(idblock, path, index)


def copy_strip(src: Any, dst: Any, exact: bool = True) -> None:
    """``dst`` (a new strip of the same action) plays as ``src``: its slot, action range, scale, repeat,
    frames, settings, influence and influence keys. The one strip copier: here for the animator's bottom
    track rebuilt one place up (``exact``: every setting of :data:`COPIED`, the strip time's cycling and
    the influence curve's own settings, each then compared by :func:`_differs`), and for
    :mod:`.layers`' moves of a layer of ours and of the animator's kept action (:data:`MOVED`, what those
    moves have always copied; set in :data:`COPIED`'s order: setting auto blend after a blend in, as
    layers' own copier did, put the blend in back to 0)."""
    dst.action_slot = src.action_slot
    if src.action_frame_start > dst.action_frame_end:  # keep start <= end while moving the range
        dst.action_frame_end = src.action_frame_end
        dst.action_frame_start = src.action_frame_start
    else:
        dst.action_frame_start = src.action_frame_start
        dst.action_frame_end = src.action_frame_end
    dst.scale, dst.repeat = src.scale, src.repeat
    dst.frame_start_ui = src.frame_start
    for attr in (a for a in COPIED if exact or a in MOVED):  # a blend in after auto blend, which resets it
        setattr(dst, attr, getattr(src, attr))
    if exact:
        dst.use_animated_time_cyclic = src.use_animated_time_cyclic
    dst.use_animated_influence = src.use_animated_influence  # Blender adds a curve with a key here
    dst.influence = src.influence
    keys, fc = src.fcurves.find("influence"), dst.fcurves.find("influence")
    if keys is not None and fc is not None:
        write_all(fc, read_all(keys))
        for attr in CURVE_SETTINGS if exact else ():
            setattr(fc, attr, getattr(keys, attr))


def _value(strip: Any, name: str) -> Any:
    value = getattr(strip, name)
    return value.as_pointer() if hasattr(value, "as_pointer") else value


def _differs(src: Any, dst: Any) -> str:
    """The first setting in which the copy ``dst`` would play otherwise than ``src`` ("" when none)."""
    for prop in src.bl_rna.properties:
        name = prop.identifier
        if name in NOT_COMPARED or prop.type == "COLLECTION":
            continue
        a, b = _value(src, name), _value(dst, name)
        if isinstance(a, float) and isinstance(b, float):
            if abs(a - b) > FRAME_TOL * max(1.0, abs(a)):
                return name
        elif a != b:
            return name
    if not src.use_animated_influence and abs(src.influence - dst.influence) > 1e-6:
        return "influence"
    keys, fc = src.fcurves.find("influence"), dst.fcurves.find("influence")
    if (keys is None) != (fc is None) or len(src.fcurves) != len(dst.fcurves):
        return "influence keys"
    if keys is not None and fc is not None:
        a_keys, b_keys = read_all(keys).props, read_all(fc).props
        if a_keys.keys() != b_keys.keys() or any((a_keys[k] != b_keys[k]).any() for k in a_keys):
            return "influence keys"
        if any(getattr(keys, attr) != getattr(fc, attr) for attr in CURVE_SETTINGS):
            return "influence curve"
    return ""


def _lift(idblock: Any) -> tuple[Any | None, str]:
    """The animator's bottom track on ``idblock`` rebuilt one place up, its emptied bottom track
    returned (renamed :data:`TRACK`, locked); (None, why) where a copy would not play the same, with
    nothing changed."""
    ad = idblock.animation_data
    bottom = ad.nla_tracks[0]
    why = _why_not(idblock, bottom)
    if why:
        return None, why
    above = ad.nla_tracks.new(prev=bottom)
    strips = list(bottom.strips)
    try:
        copies = []
        for strip in strips:
            # at a whole frame at or after its start (a strip before it may end between frames there)
            copy = above.strips.new(strip.name, math.ceil(strip.frame_start), strip.action)
            copy_strip(strip, copy)
            copies.append(copy)
        differ = next(
            (f"{s.name!r}: {d}" for s, c in zip(strips, copies, strict=True) if (d := _differs(s, c))), ""
        )
    except (RuntimeError, TypeError, ValueError) as exc:  # no room for a copy at a whole frame, ...
        differ = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if differ:
        ad.nla_tracks.remove(above)
        return None, f"could not be copied exactly ({differ})"
    names = [s.name for s in strips]
    name, mute, lock, solo, select = bottom.name, bottom.mute, bottom.lock, bottom.is_solo, bottom.select
    active = ad.nla_tracks.active == bottom
    for strip in strips:
        bottom.strips.remove(strip)
    bottom.is_solo = False
    bottom.name = TRACK
    above.name = name
    for copy, strip_name in zip(copies, names, strict=True):
        copy.name = strip_name
    above.mute, above.lock, above.select = mute, lock, select
    if solo:
        above.is_solo = True
    if active:
        ad.nla_tracks.active = above
    bottom.mute, bottom.select = False, False
    bottom.lock = True
    return bottom, ""


def _action_name(character: str) -> str:
    prefix, suffix = "DualTalk ", f" {LAYER}"
    room = NAME_BYTES - len(prefix.encode()) - len(suffix.encode())
    return prefix + character.encode()[:room].decode(errors="ignore") + suffix


def _held(track: Any) -> dict[tuple[str, int], tuple[str, int, float, str]]:
    """What our ``track`` holds now: (data path, index) -> (path, index, rest, group)."""
    strip = track.strips[0]
    return {
        (fc.data_path, fc.array_index): (
            fc.data_path,
            fc.array_index,
            float(fc.keyframe_points[0].co[1]),
            fc.group.name if fc.group else "",
        )
        for fc in compat.iter_fcurves(strip.action, strip.action_slot)
        if len(fc.keyframe_points)
    }


def _drop(ad: Any, track: Any) -> None:
    """Our ``track`` removed, and its action where nothing else plays it."""
    gone = track.strips[0].action
    ad.nla_tracks.remove(track)
    if gone is not None and gone.users == 0:
        bpy.data.actions.remove(gone)


def hold_beneath(
    idblock: Any,
    channels: Iterable[tuple[str, int, float, str]],
    frame: float,
    character: str,
    slot_name: str,
) -> str:
    """Hold each of ``channels`` (data path, index, rest, group) at its rest on :data:`TRACK` at the
    bottom of ``idblock``'s stack, besides those it holds already (made or rebuilt there first;
    :func:`_lift`). What it holds is decided again each time from the stack as it is now: a channel
    some strip of theirs blends with nothing of theirs under it (:func:`blended_channels`) is let go,
    even one held since an earlier Generate (review rv42d F4: a strip added later blended with the
    rest, not Blender's default, even after the next Generate), and with nothing left to hold the track
    goes and their bottom track is at the bottom again. A bone or object channel holds its default, the rest pose (:func:`_held_rest`).
    Returns "" or, where the animator's bottom track cannot be rebuilt for a shape key, why not."""
    ad = idblock.animation_data
    if ad is None:
        return ""
    old = beneath_track(idblock)
    wanted = {} if old is None else _held(old)
    for path, index, rest, group in channels:
        wanted[(path, index)] = (path, index, rest, group)
    blended = blended_channels(idblock)
    keep: dict[tuple[str, int], tuple[str, int, float, str]] = {}
    for key, (path, index, rest, group) in wanted.items():
        value = _held_rest(idblock, path, index, rest)
        if key not in blended and value is not None:
            keep[key] = (path, index, value, group)
    if not keep:
        if old is not None:
            _drop(ad, old)
        return ""
    track = old if old is not None and ad.nla_tracks[0] == old else None
    if track is None:  # none yet, or no longer at the bottom (tracks reordered by hand): made there
        track, why = _lift(idblock)
        if track is None:
            # a bone's or object's default is its rest pose: muted, their track leaves it there anyway
            return why if any(p.startswith("key_blocks") for p, _i, _r, _g in keep.values()) else ""
        track.name = _free_name(ad, track)
        drop_orphans()
        action = _new_action(character, frame)
        slot = compat.new_slot(action, idblock, slot_name)
        strip = track.strips.new(TRACK, int(frame), action)
        strip.action_slot = slot
        strip.blend_type, strip.extrapolation = "REPLACE", "HOLD"
        if old is not None:  # what it held goes with it
            _drop(ad, old)
    strip = track.strips[0]
    bag = compat.channelbag(strip.action, strip.action_slot)
    for fc in list(bag.fcurves):
        if (fc.data_path, fc.array_index) not in keep:
            bag.fcurves.remove(fc)
    held = {(fc.data_path, fc.array_index): fc for fc in bag.fcurves}
    for key, (path, index, rest, group) in keep.items():
        fc = held.get(key)
        if fc is None:
            fc = held[key] = bag.fcurves.new(path, index=index, group_name=group)
        fill(fc, np.array([float(strip.action_frame_start)]), [rest])
    return ""


def _free_name(ad: Any, track: Any) -> str:
    """:data:`TRACK`, or the first ``TRACK.001`` ... no other track on the stack is named (Blender lets
    two tracks share a name; one of theirs may be named so: review rv42d F6)."""
    taken = {t.name for t in ad.nla_tracks if t != track}
    name, n = TRACK, 0
    while name in taken:
        n += 1
        name = f"{TRACK}.{n:03d}"
    return name


def drop_orphans() -> list[str]:
    """Our rest-beneath actions nothing plays any more (the animator deleted our track), removed, their
    names returned: they stayed in the file until it was saved, and a new one took the name '.001'
    (review rv42d F6)."""
    gone = [
        a for a in bpy.data.actions if a.users == 0 and is_ours(a) and action_meta(a).get("layer") == LAYER
    ]
    names = [a.name for a in gone]
    for action in gone:
        bpy.data.actions.remove(action)
    return names


def _new_action(character: str, frame: float) -> Any:
    action = bpy.data.actions.new(_action_name(character))
    action[OWNER_PROP] = json.dumps({"layer": LAYER}, sort_keys=True)
    action.use_frame_range = True
    action.frame_start, action.frame_end = frame, frame + 1
    return action


def unliftable_warning(character: str, label: str, track: str, why: str, channels: list[str]) -> str:
    """One line: the animator's bottom track could not be rebuilt, so nothing holds ``channels`` at
    rest under it (muted or deleted, they read Blender's default outside the take's frames)."""
    shown = ", ".join(channels[:3]) + (f" and {len(channels) - 3} more" if len(channels) > 3 else "")
    return (
        f"{character}: your NLA track {track!r} on {label} {why}, so DualTalk left it as it is and holds no "
        f"rest under it: muted or deleted, it leaves {shown} at Blender's default (1.0 for a shape key) outside "
        "the take's frames"
    )
