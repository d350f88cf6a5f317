"""The numpy half of applying motion: everything computed before a single key is written.

``scene/apply.py`` asks a character what it has (shape keys, bones, head frame), then hands
plain arrays to these functions and keys what they return. Channels are addressed by name
(``inference/core/channels.py``), never by position, so a new space cannot silently shift them.
"""

from __future__ import annotations

import math
import os
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from ...inference.build_info import build_id
from ...inference.core.channels import (
    ARKIT52,
    CHANNELS,
    FLAME_EXP,
    FLAME_JAW,
    FLAME_NECK,
    HEAD,
    SPACE_ARKIT,
    SPACE_FLAME,
)
from ...inference.core.errors import DualTalkError
from ...inference.core.gaze import EYE_LOOK
from ...inference.core.motion import Motion
from ...inference.core.take_record import AudioRecord, audio_record, made_by, recorded_offset_b
from ...inference.core.timebase import FPS
from . import flame_arkit, retarget, visemes
from .blinks import blink_curve
from .keyreduce import WEIGHT_TOL
from .layer_names import mix_layer
from .options import MAX_FRAME

SLIDER_LIMIT = 10.0  # Blender's hard range for shape-key sliders
BLINKS = ("eyeBlinkLeft", "eyeBlinkRight")
FLAME_FACE = FLAME_EXP + FLAME_JAW  # what the FLAME <-> ARKit maps convert (the neck is the head)


# FLAME has no eyes in its channels, but FLAME rigs have eye bones: their rig values carry the
# behaviour layer's eyeLook* weights after the 56 FLAME channels, so eye bones turn as on ARKit rigs
RIG_EXTRA: dict[str, tuple[str, ...]] = {SPACE_FLAME: EYE_LOOK}


def rig_channels(space: str) -> tuple[str, ...]:
    """The columns of :func:`rig_values` for a rig in ``space``: its channels, then any extras."""
    return tuple(CHANNELS[space]) + RIG_EXTRA.get(space, ())


def cols(space: str, names: Sequence[str]) -> list[int]:
    """Column indices of ``names`` in ``space``'s rig channel order (:func:`rig_channels`)."""
    order = {c: i for i, c in enumerate(rig_channels(space))}
    return [order[n] for n in names]


def head_channels(space: str) -> tuple[str, ...]:
    """The channels that turn the head: ``head_r*`` (ARKit) or the FLAME neck joint."""
    return HEAD if space == SPACE_ARKIT else FLAME_NECK


def convert_space(
    motion: Motion, space: str, flame_map: np.ndarray | None, warnings: list[str], character: str = ""
) -> np.ndarray:
    """Motion values re-expressed in ``space`` channel order (T, len(CHANNELS[space])); a warning
    about the conversion names ``character`` (each rig warning does: two identical lines read as one
    said twice)."""
    who = f"{character}: " if character else ""
    v = motion.values
    if motion.space == space:
        return v.copy()
    t = motion.num_frames
    if motion.space == SPACE_FLAME and space == SPACE_ARKIT:
        flame = v[:, cols(SPACE_FLAME, FLAME_FACE)]
        if flame_map is not None:
            arkit, _resid = flame_arkit.flame_to_arkit(flame, flame_map)
        else:
            arkit = flame_arkit.flame_to_arkit_fallback(flame)
            warnings.append(
                f"{who}no FLAME->ARKit map file given: only jaw -> jawOpen and neck -> head are used "
                "(set a 51x103 map for full expressions)"
            )
        head = v[:, cols(SPACE_FLAME, FLAME_NECK)]
        return np.concatenate([arkit, head], axis=1).astype(np.float32)
    if motion.space == SPACE_ARKIT and space == SPACE_FLAME:
        arkit = v[:, cols(SPACE_ARKIT, ARKIT52)]
        if flame_map is not None:
            flame = flame_arkit.arkit_to_flame(arkit, flame_map)
        else:
            flame = flame_arkit.arkit_to_flame_fallback(arkit)
            warnings.append(
                f"{who}no ARKit->FLAME map file given: only jawOpen -> jaw and head -> neck are used; the "
                "take's blinks, brows, smiles and other expressions are dropped (give the map: --flame-map, or "
                "FLAME map in the add-on's preferences; docs/blender.md, FLAME <-> ARKit)"
            )
        out = np.zeros((t, len(CHANNELS[SPACE_FLAME])), dtype=np.float32)
        out[:, cols(SPACE_FLAME, FLAME_FACE)] = flame
        out[:, cols(SPACE_FLAME, FLAME_NECK)] = v[:, cols(SPACE_ARKIT, HEAD)]
        return out
    raise DualTalkError(f"cannot convert {motion.space} motion to {space}")


def blink_seed(seed: int, role: str, character: str) -> int:
    """A per-character seed, so two characters never blink in lockstep and re-applies repeat."""
    return zlib.crc32(f"{seed}:{role}:{character}".encode())


def add_overlay(values: np.ndarray, space: str, names: Sequence[str], overlay: np.ndarray) -> None:
    """Add the behaviour layer's ARKit weights for FLAME motion (lids by maximum, the rest summed,
    kept in 0..1) to ARKit-space ``values`` in place."""
    for j, col in enumerate(cols(space, names)):
        if names[j] in BLINKS:
            np.maximum(values[:, col], overlay[:, j], out=values[:, col])
        else:
            values[:, col] = np.clip(values[:, col] + overlay[:, j], 0.0, 1.0)


def flame_rig_extras(
    motion: Motion, src: np.ndarray, flame_map: np.ndarray | None, character: str, warnings: list[str]
) -> np.ndarray:
    """A FLAME rig's values with the behaviour layer's face and eyes added.

    Blinks, brows and smiles of FLAME motion ride in its ARKit overlay. FLAME's expression
    space has no named eyelid, so they reach the expression keys only through the user's
    ARKit->FLAME map (linear, so the overlay's share is simply added); without one the rig
    keeps its expressions and the user is told. The eyes (eyeLook*, from the overlay or from
    ARKit motion) are appended as :data:`RIG_EXTRA` columns for the rig's eye bones.
    """
    t = len(src)
    eyes = np.zeros((t, len(EYE_LOOK)), dtype=np.float32)
    if motion.space == SPACE_ARKIT:
        eyes[:] = motion.values[:, cols(SPACE_ARKIT, EYE_LOOK)]
    elif motion.overlay is not None:
        names = list(motion.overlay_channels)
        face = [n for n in names if n not in EYE_LOOK]
        for j, n in enumerate(EYE_LOOK):
            if n in names:
                eyes[:, j] = motion.overlay[:, names.index(n)]
        if face and flame_map is not None:
            arkit = np.zeros((t, len(ARKIT52)), dtype=np.float32)
            for n in face:
                arkit[:, ARKIT52.index(n)] = motion.overlay[:, names.index(n)]
            src[:, cols(SPACE_FLAME, FLAME_FACE)] += flame_arkit.arkit_to_flame(arkit, flame_map)
        elif face:
            warnings.append(
                f"{character}: the behaviour layer's blinks and brows need an ARKit->FLAME map on a "
                "FLAME rig (set one); its eyes and head are keyed"
            )
    return np.concatenate([src, eyes], axis=1)


def rig_values(
    motion: Motion,
    space: str,
    *,
    flame_map: np.ndarray | None,
    intensities: Mapping[str, float],
    smoothing: float,
    blinks: str,
    seed: int,
    has_blink_keys: bool,
    character: str,
    fps: float,
    warnings: list[str],
    lead: float = 0.0,
) -> np.ndarray:
    """The motion as the rig will be keyed: converted to ``space``, scaled by the intensity groups,
    smoothed, with blinks on FLAME motion (which has no eyelids), resampled to the scene ``fps``
    (the first scene frame ``lead`` seconds after the motion's first frame: a re-generated range)."""
    channels = rig_channels(space)
    src = convert_space(motion, space, flame_map, warnings, character)
    if motion.overlay is not None and space == SPACE_ARKIT:
        add_overlay(src, space, motion.overlay_channels, motion.overlay)
    if space == SPACE_FLAME:
        src = flame_rig_extras(motion, src, flame_map, character, warnings)
    src *= retarget.intensity_vector(channels, dict(intensities))[None, :]
    # the behaviour layer's blinks (in the channels or the FLAME overlay) replace the old curve
    layered = "behaviour" in motion.meta
    lids = cols(space, BLINKS) if layered and space == SPACE_ARKIT else []
    kept = src[:, lids].copy()
    # sigma is in 25-fps frames (--smoothing's help): in the file's own frames, a 60 fps file was
    # smoothed 2.4x less (review rv41b F3)
    src = retarget.smooth(src, smoothing * (motion.fps / FPS))
    src[:, lids] = kept  # a blink lasts ~4 frames: smoothing 2 left the eyes 30 % open at its peak
    want_blinks = not layered and (blinks == "on" or (blinks == "auto" and motion.space == SPACE_FLAME))
    if want_blinks and space == SPACE_ARKIT:
        lid = blink_curve(motion.num_frames, motion.fps, motion.speaking, seed=seed)
        lid *= float(intensities.get("eyes", 1.0))
        for col in cols(space, BLINKS):
            np.maximum(src[:, col], lid, out=src[:, col])
        if not has_blink_keys:
            warnings.append(f"{character}: blinks requested but the rig has no eyelid keys")
    out = retarget.resample(src, motion.fps, fps, lead)
    if len(out) == 0:
        raise DualTalkError(f"{character}: the motion has no frames")
    return out


def shape_key_values(
    out: np.ndarray,
    space: str,
    keys: Mapping[str, Sequence[tuple[str, float]]],
    clip: tuple[float, float] | None,
) -> np.ndarray:
    """(T, len(keys)) shape-key values: each key is a weighted sum of channels, or a VRM/MMD vowel's
    share of the lips' one budget (:mod:`.visemes`), clipped to the preset's range and to Blender's
    slider limit."""
    channels = rig_channels(space)
    col = {c: i for i, c in enumerate(channels)}
    weights = np.zeros((out.shape[1], len(keys)), dtype=np.float32)
    vowels: dict[int, tuple[str, float]] = {}
    for j, name in enumerate(keys):
        marked = visemes.vowel_of(keys[name])
        if marked is not None:
            vowels[j] = marked
            continue
        for ch, w in keys[name]:
            weights[col[ch], j] += w
    values = out @ weights
    if vowels:
        shares = visemes.vowel_weights(out, channels)
        for j, (vowel, w) in vowels.items():
            values[:, j] = w * shares[:, visemes.VOWELS.index(vowel)]
    if clip is not None:
        np.clip(values, clip[0], clip[1], out=values)
    np.clip(values, -SLIDER_LIMIT, SLIDER_LIMIT, out=values)
    return values


def slider_range(values: np.ndarray, slider_min: float, slider_max: float) -> tuple[float, float]:
    """Shape-key sliders clamp the evaluated value: the range that shows what we key."""
    lo, hi = float(values.min()), float(values.max())
    if lo < slider_min:
        slider_min = max(-SLIDER_LIMIT, float(np.floor(lo * 10) / 10))
    if hi > slider_max:
        slider_max = min(SLIDER_LIMIT, float(np.ceil(hi * 10) / 10))
    return slider_min, slider_max


def flame_corrective_weights(out: np.ndarray) -> np.ndarray:
    """FLAME add-on pose correctives: Pose1..9 = (R_neck - I), Pose10..18 = (R_jaw - I), row-major."""
    neck_rv = out[:, cols(SPACE_FLAME, FLAME_NECK)]
    jaw_rv = out[:, cols(SPACE_FLAME, FLAME_JAW)]
    neck = retarget.quat_to_matrix(retarget.quat_from_rotvec(neck_rv)) - np.eye(3)
    jaw = retarget.quat_to_matrix(retarget.quat_from_rotvec(jaw_rv)) - np.eye(3)
    return np.concatenate([neck.reshape(-1, 9), jaw.reshape(-1, 9)], axis=1).astype(np.float32)


@dataclass
class KeyTrack:
    """One shape key's keyed weights."""

    name: str
    values: np.ndarray  # (T,) float32
    layer: str
    tol: float = WEIGHT_TOL  # allowed error when keys are reduced


def corrective_layer(index: int) -> str:
    """Layer of the FLAME add-on's pose corrective ``Pose{index + 1}``: Pose1..9 follow the neck
    (head), Pose10..18 the jaw (lips+jaw)."""
    return "head" if index < 9 else "lips+jaw"


def shape_key_tracks(
    out: np.ndarray,
    space: str,
    keys: Mapping[str, Sequence[tuple[str, float]]],
    clip: tuple[float, float] | None,
    correctives: Sequence[str] = (),
) -> list[KeyTrack]:
    """Every shape key a take keys: the rig's mixes (:func:`shape_key_values`), each in the layer
    whose channels drive it most, then the FLAME pose correctives (FLAME space only)."""
    if not keys:
        return []
    values = shape_key_values(out, space, keys, clip)
    tracks = [KeyTrack(name, values[:, j], mix_layer(keys[name])) for j, name in enumerate(keys)]
    if correctives and space == SPACE_FLAME:
        weights = flame_corrective_weights(out)
        tracks += [KeyTrack(n, weights[:, i], corrective_layer(i)) for i, n in enumerate(correctives)]
    return tracks


OFFSET_SLACK_S = 1e-4  # a shift read back from a record or a panel field (float32): the same one


@dataclass(frozen=True)
class OffsetWords:
    """How a caller names the shift a re-generated range is given: ``animate``'s flag (the default)
    or the panel's field."""

    name: str = "--offset-b"
    unit: str = ""  # after a value: "" for a flag's number, " s" for a field in seconds
    given: str = "{name} {value}{unit} is given"
    fix: str = "give {name} {value}{unit}, or leave {name} out"
    own: str = ""  # after ``fix`` when the take has a shift of its own


def range_offset_b(
    record: Mapping[str, Any], given: float | None, lead: str, words: OffsetWords = OffsetWords()
) -> float | None:
    """The shift a re-generated range reads B's file with: the take's (``record``: its
    :class:`AudioRecord`), None when it has none. ``given`` (None: not given; the panel's 0 reads so)
    that is not the take's is refused in one line starting with ``lead`` (``<need>: the take was made
    from ...``): the range would hear B's voice at other seconds than the take did."""
    made = recorded_offset_b(record)
    if given is not None and abs(float(given) - made) > OFFSET_SLACK_S:
        what = {"name": words.name, "unit": words.unit}
        take, asked = (_seconds(x) for x in (made, float(given)))
        raise DualTalkError(
            f"{lead} with {words.name} {take}{words.unit}, but {words.given.format(value=asked, **what)}; "
            + words.fix.format(value=take, **what)
            + (words.own if made else "")
        )
    return made or None


def check_range_reaches(
    paths: Sequence[str | os.PathLike[str] | None],
    start: float,
    end: float,
    offset_b: float | None,
    need: str,
) -> None:
    """Refuse, naming the range (``need``), a recording that does not reach the window ``start..end``
    (seconds of the take, A's file's time) a re-generated range hears (``loader.check_window``). With
    a shift, B's file is read at its own seconds, ``offset_b`` later, and only where it covers the
    window: before B's file starts or after it ends B is silent in the take, as it was."""
    from ...inference.audio.loader import audio_info, check_window

    off = float(offset_b or 0.0)
    path_b = paths[1] if len(paths) > 1 else None
    if not off or not path_b:
        check_window(paths, start, end, need)
        return
    check_window(paths[:1], start, end, need)
    lo, hi = max(0.0, start + off), min(end + off, audio_info(path_b).duration)
    if lo < hi:
        check_window([path_b], lo, hi, need)


def _seconds(x: float) -> str:
    """Seconds as typed: 2, -1.5, 2.013 (no trailing zeros)."""
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class TakeMeta(TypedDict):
    """What a take records on each of its actions (JSON, the ``dualtalk`` custom property)."""

    take: str
    character: str
    engine: str
    space: str
    role: str
    checkpoint_sha256: str
    rest: dict[str, list[float]]  # bone ("" = the object) -> (w, x, y, z) its rotations compose onto
    fps: float
    start_frame: int
    seconds: float
    audio: AudioRecord | None  # None for takes keyed from motion that does not name its recording
    build: str  # the DualTalk build that keyed the take (inference/build_info: 0.2.0+1a2b3c4d5e6f)
    motion_build: str  # ... and the one its motion files say made them ("" where they do not say)


def take_meta(
    motion: Motion, take: str, character: str, rest: Mapping[str, list[float]], fps: float, start_frame: int
) -> TakeMeta:
    """What a take records on its actions: where it came from (engine, and the recording and the
    part of it it was made from), the rests its rotations were composed onto (a re-generation
    composes onto the same), and where it lies on the timeline."""
    return {
        "take": take,
        "character": character,
        "engine": motion.engine,
        "space": motion.space,
        "role": motion.role,
        "checkpoint_sha256": motion.checkpoint_sha256,
        "rest": dict(rest),
        "fps": fps,
        "start_frame": start_frame,
        "seconds": motion.num_frames / motion.fps,  # the audio the take was made from
        "audio": audio_record(motion),
        "build": build_id(),
        "motion_build": made_by(motion),
    }


@dataclass(frozen=True)
class FrameSpan:
    """Where a take lands on the timeline."""

    first: int
    count: int

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    @property
    def frames(self) -> np.ndarray:
        return self.first + np.arange(self.count, dtype=np.float64)


def scene_range(
    span: FrameSpan, frame_start: int, frame_end: int, frame_range: str, stretch: float = 1.0
) -> tuple[int, int]:
    """The scene's frame range after keying: ``fit`` the take, ``extend`` to cover it, or ``keep``.

    ``stretch``: the scene's Time Stretching, New / Old (:func:`time_stretch`). Blender plays the keys
    of frame ``k`` at frame ``k * stretch`` but the sound where it lies, so the range covers both: the
    take's sound (``span``) and its face as played."""
    first, last = played_span(span, stretch)
    if frame_range == "fit":
        return min(span.first, first), max(span.last, last)
    if frame_range == "extend":
        return min(frame_start, span.first, first), max(frame_end, span.last, last)
    return frame_start, frame_end


def time_stretch(frame_map_old: int, frame_map_new: int) -> float:
    """Frames played per keyed frame under Blender's Time Stretching (``render.frame_map_old/new``):
    Blender evaluates animation at ``frame * old / new``; 1.0 when it is off (Old == New)."""
    return frame_map_new / frame_map_old if frame_map_old != frame_map_new else 1.0


def played_span(span: FrameSpan, stretch: float) -> tuple[int, int]:
    """The scene frames that play ``span``'s keys under ``stretch`` (the last one partly: rounded up),
    within Blender's frame range."""
    if stretch == 1.0:
        return span.first, span.last
    first, last = (min(MAX_FRAME, math.ceil(f * stretch - 1e-6)) for f in (span.first, span.last))
    return first, last


def speed_words(speed: float) -> str:
    """``half speed``, ``double speed`` or ``1.5x speed``: how fast a face plays against its sound (a
    speed within 1e-4 of a half or a double named so: a strip scale's float)."""
    return {0.5: "half speed", 2.0: "double speed"}.get(round(speed, 4), f"{speed:.3g}x speed")


def time_stretch_warning(frame_map_old: int, frame_map_new: int) -> str | None:
    """One line when Time Stretching is on: it stretches the animation, never the sound."""
    if frame_map_old == frame_map_new:
        return None
    words = speed_words(frame_map_old / frame_map_new)
    return (
        f"the scene's Time Stretching (Old {frame_map_old}, New {frame_map_new}) plays the face at {words} "
        "against its sound; set Old and New to the same value for lip sync"
    )
