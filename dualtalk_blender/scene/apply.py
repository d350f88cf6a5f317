"""Key a motion file onto a character: the one entry point the UI, CLI and demo call.

:func:`apply_motion` is a short recipe; the maths lives in ``rig/`` (no bpy), this module only
reads and writes the scene:

1. read the character: its :class:`.characters.CharacterReport` (inspected once, or passed
   in), the pose of every bone to rotate, the rests recorded by an earlier take;
2. plan: :func:`..rig.plan.rig_values` (space conversion FLAME <-> ARKit, intensities,
   smoothing, blinks, resampling to the scene fps), :func:`..rig.plan.shape_key_tracks`,
   :func:`..rig.bones.rotation_tracks`;
3. write shape-key and bone curves into named NLA layers per character (:mod:`.layers`:
   lips+jaw, head, eyes, brows+cheeks, each with a keyable influence; what happens to existing
   animation is described there);
4. record the take's metadata (:func:`..rig.plan.take_meta`) and return an :class:`ApplyReport`.

:func:`apply_dialogue` does both characters, their mutual gaze and the turn markers as one undo
step, inspecting each character at most once.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import bpy
import numpy as np
from mathutils import Euler, Quaternion

from ...inference.core.errors import DualTalkError
from ...inference.core.motion import Motion, check_one_rate
from ...inference.core.timebase import FPS
from ..rig import bones, flame_arkit, plan
from ..rig.mapping import load_mapping
from ..rig.options import MAX_FRAME, ApplyOptions  # ApplyOptions: declared in rig/options.py
from ..rig.turns import MIN_TURN_S, marker_frames, turn_changes
from . import (
    before_take,
    companions,
    compat,
    gaze,
    keying,
    layers,
    marker_places,
    range_keys,
    range_plan,
    rest_beneath,
    side_by_side,
)
from .characters import (
    CharacterReport,
    head_limits,
    inspect_character,
    limits_reached,
    linked_refusal,
    sharing_objects,
)
from .held_keys import one_value
from .paths import blend_path
from .records import DamagedRecord, entries, parse
from .records import frame as record_frame
from .steps import Steps, run_steps

MARKER_PREFIX = "DT "
MARKERS_PROP = "dualtalk_markers"  # scene custom property: the turn markers DualTalk made, per pair (JSON)
KEPT_MARKERS_PROP = "dualtalk_kept_markers"  # the turn markers of takes kept in the file, by take name (JSON)


def check_motion(motion: Any) -> Motion:
    """A script's motion argument: a loaded :class:`Motion`; a file path (``"A.npz"``) is refused
    with what to call first, never an AttributeError from deep inside the keying."""
    if isinstance(motion, Motion):
        return motion
    if isinstance(motion, str | Path):
        raise DualTalkError(
            f"got the path {str(motion)!r}, not a motion; load it first: "
            f"motion = load_motion({str(motion)!r}) (from dualtalk.inference.core.motion import load_motion)"
        )
    raise DualTalkError(f"expected a Motion (from load_motion or run), got {type(motion).__name__}")


def check_frame_span(scene: Any, motion: Motion, start_frame: int | None) -> tuple[int, int]:
    """(first, last) frame the take will occupy; refused if it leaves Blender's 0..MAX_FRAME range.

    Keys are stored as float32: beyond Blender's range frames lose precision and a take
    would exist on paper but never play.
    """
    start = int(scene.frame_start if start_frame is None else start_frame)
    n = max(1, int(round(motion.num_frames * scene_fps(scene) / motion.fps)))
    last = start + n - 1
    if not 0 <= start <= MAX_FRAME or last > MAX_FRAME:
        raise DualTalkError(
            f"the take would span frames {start:,}-{last:,}, past Blender's last frame {MAX_FRAME:,}; "
            "choose an earlier start frame"
        )
    return start, last


@dataclass(frozen=True)
class TakeLength:
    """What :func:`check_frame_span` reads of a motion, known before the engine runs: how many frames
    it will have at its rate (the engine's 25 fps). The add-on's preflight and ``animate``'s up-front
    check pass it in place of the motion, so both refuse the takes keying would, in its words."""

    num_frames: int
    fps: float = FPS
    at_least: int | None = None  # a length read generously (Blender's audio library): the fewest frames


@dataclass
class ApplyReport:
    character: str
    action: str
    frames: int
    first_frame: int
    last_frame: int
    fps: float
    curves: int
    keys: int
    mapping: str  # the character report's summary line
    warnings: list[str] = field(default_factory=list)
    kept_actions: list[str] = field(default_factory=list)  # user actions pushed to NLA
    seconds: float = 0.0
    keys_every_frame: int = 0  # what every-frame keying would have written
    max_weight_error: float = 0.0  # largest difference between the keys and the motion (weights)
    max_rotation_error_deg: float = 0.0  # same for rotations, as an angle
    layers: list[str] = field(default_factory=list)
    replaced: tuple[int, int] | None = None  # frames rewritten by a range re-generation
    followers: list[str] = field(default_factory=list)  # other meshes whose keys follow the face's
    notes: list[str] = field(default_factory=list)  # what the take's line says once, not a warning
    head_held: bool = False  # a Limit Rotation holds the keyed head short (characters.limits_reached)

    @property
    def summary(self) -> str:
        follow = f"; {', '.join(self.followers)} follow the face" if self.followers else ""
        return (
            f"{self.character}: {self.frames} frames ({self.first_frame}-{self.last_frame} @ {self.fps:g} fps), "
            f"{self.curves} curves; {self.mapping}{follow}"
        )


def scene_fps(scene: Any) -> float:
    return scene.render.fps / scene.render.fps_base


def scene_stretch(scene: Any) -> tuple[int, int]:
    """The scene's Time Stretching (Old, New): Blender plays the keys of frame k at frame k * New / Old,
    the sound where it lies. Keys stay in the animation's frames, like the scene's other animation;
    :func:`..rig.plan.time_stretch_warning` says what that does to lip sync."""
    return int(scene.render.frame_map_old), int(scene.render.frame_map_new)


@contextlib.contextmanager
def _unstretched(scene: Any) -> Iterator[None]:
    """Time Stretching off while the heads are read at key frames (``frame_set`` plays frame f at
    f * Old / New); put back after, also on failure or cancel."""
    r = scene.render
    old, new = r.frame_map_old, r.frame_map_new
    if old == new:
        yield
        return
    r.frame_map_new = old
    try:
        yield
    finally:
        r.frame_map_new = new


def _load_flame_map(options: ApplyOptions) -> np.ndarray | None:
    if not options.flame_map:
        return None
    return flame_arkit.load_arkit_flame_map(blend_path("FLAME map", options.flame_map))


def _load_custom_map(path: str | Path, whose: str = "") -> Any:
    """``ApplyOptions.mapping`` given as a file: ``//`` is beside the saved .blend, as in the panel.
    ``whose`` ("A" or "B") for a character's own map: the refusal says whose (which file to fix)."""
    label = f"custom map of {whose}" if whose else "custom map"
    where = blend_path(label, path)
    try:
        return load_mapping(where)
    except DualTalkError as exc:
        if not whose:
            raise
        raise DualTalkError(f"{label}: {exc}") from None


def role_options(options: ApplyOptions, roles: Iterable[str] = "AB") -> dict[str, ApplyOptions]:
    """Each of ``roles``' options (:meth:`ApplyOptions.for_role`) with its map file read (and refused)
    once: the shared one, and a character's own (``mapping_a`` / ``mapping_b``), whose refusal says
    whose it is. ``apply_dialogue``, ``apply_motion`` and the add-on's preflight all read maps here."""
    read: dict[str, Any] = {}
    out = {}
    for role in roles:  # "A", "B", or "" (a motion of neither: the shared map)
        own = options.for_role(role)
        path = own.mapping
        if isinstance(path, str | Path):
            key = str(path)
            if key not in read:
                shared = options.mapping is not None and key == str(options.mapping)
                read[key] = _load_custom_map(path, "" if shared else str(role).upper())
            own = own.replace(mapping=read[key])
        out[role] = own
    return out


def inspect_for(obj: Any, options: ApplyOptions) -> CharacterReport:
    """Inspect ``obj`` the way ``options`` will key it (preset, custom map, up axis); for a character
    of a pair, pass ``options.for_role("A")`` (or "B"): its own map where it has one."""
    mapping = (
        _load_custom_map(options.mapping) if isinstance(options.mapping, str | Path) else options.mapping
    )
    return inspect_character(obj, options.preset, mapping, up_axis=options.up_axis)


def check_character(obj: Any, options: ApplyOptions) -> CharacterReport:
    """Everything that would refuse ``obj``, checked without changing the scene.

    :func:`apply_dialogue` runs this for both characters before keying either, so a
    refusal of B never leaves A half-animated.
    """
    return refuse_unusable(inspect_for(obj, options), options)


def refuse_unusable(
    report: CharacterReport, options: ApplyOptions, reads: keying.DigestReads | None = None
) -> CharacterReport:
    """The refusals of :func:`check_character` for an already inspected character (``reads``: the
    take's decoded records, :class:`.keying.DigestReads`, which keep what the check decodes)."""
    mesh, arm = report.mesh, report.armature
    key = mesh.data.shape_keys
    linked = linked_refusal(mesh, arm)  # the picker's line says it too, in these words
    if linked is not None:
        raise DualTalkError(linked)
    layers.check_editable((key, arm, mesh), mesh.name, reads)
    if report.shared_with and options.single_user == "refuse":
        raise DualTalkError(
            f"{mesh.name!r} shares its mesh and shape keys with {', '.join(report.shared_with)}; "
            "make it single-user first (Object > Relations > Make Single User)"
        )
    refusal = report.refusal  # the picker's line starts with it too, in these words
    if refusal is not None:
        raise DualTalkError(refusal)
    return report


def _unused_role_maps(options: ApplyOptions, role: str) -> str:
    """Why a map the caller gave was not used: ``mapping_a``/``mapping_b`` go to a motion of that role
    (a Motion built in Python has none), so "map its keys" would otherwise follow their own map."""
    given = [
        f"mapping_{r.lower()}" for r in "AB" if getattr(options, f"mapping_{r.lower()}") not in (None, "")
    ]
    if not given or str(role).upper() in {g[-1].upper() for g in given}:
        return ""
    which = " and ".join(given)
    return (
        f" ({which} {'is' if len(given) == 1 else 'are'} for a motion of that role and this motion's role is "
        f"{role!r}: give Motion(..., role='A' or 'B'), or the map as mapping)"
    )


def apply_motion(
    obj: Any,
    motion: Motion,
    options: ApplyOptions | None = None,
    *,
    scene: Any = None,
    report: CharacterReport | None = None,
) -> ApplyReport:
    """Key ``motion`` onto the character ``obj`` (mesh or its armature) in ``scene``.

    ``report``: the character's :func:`check_character` result when the caller already has it
    (so one apply inspects each character once). Making the mesh single-user is recorded on
    it (``shared_with`` empties), so the report stays true for a next apply.
    """
    return _apply_one(obj, motion, options, scene=scene, report=report)


def _apply_one(
    obj: Any,
    motion: Motion,
    options: ApplyOptions | None = None,
    *,
    scene: Any = None,
    report: CharacterReport | None = None,
    reads: keying.DigestReads | None = None,
) -> ApplyReport:
    """:func:`apply_motion`, reading the take's records of the keys DualTalk wrote through ``reads``
    (:class:`.keying.DigestReads`: a take or range of two characters decodes each record once)."""
    return run_steps(_apply_one_steps(obj, motion, options, scene=scene, report=report, reads=reads))


def _apply_one_steps(
    obj: Any,
    motion: Motion,
    options: ApplyOptions | None = None,
    *,
    scene: Any = None,
    report: CharacterReport | None = None,
    reads: keying.DigestReads | None = None,
    progress: Any = None,
) -> Steps[ApplyReport]:
    """:func:`_apply_one` in steps: a whole take's keys are two (:func:`.layers.write_take_steps`:
    worked out, then written), a range's yield every :data:`.range_keys.ROWS_PER_STEP` keys rewritten
    (``progress``: a :class:`_Share` told how far the range's curves are)."""
    t0 = time.perf_counter()
    motion = check_motion(motion)
    options = options or ApplyOptions()
    options.validate()
    scene = scene or bpy.context.scene
    check_frame_span(scene, motion, options.start_frame)
    with _TakeRange(scene, options, [obj]) as take_range:
        rep = yield from _apply_motion(
            obj, motion, options, scene, report, t0, reads or keying.DigestReads(), progress
        )
        rep.warnings += take_range.said(rep.first_frame, rep.last_frame)
    return rep


def _apply_motion(
    obj: Any,
    motion: Motion,
    options: ApplyOptions,
    scene: Any,
    report: CharacterReport | None,
    t0: float,
    reads: keying.DigestReads,
    progress: Any = None,
) -> Steps[ApplyReport]:
    """:func:`apply_motion` once its options are checked, in steps (:func:`_apply_one_steps`)."""
    if report is None:
        try:
            own = role_options(options, [motion.role])[motion.role]
            report = refuse_unusable(inspect_for(obj, own), own, reads)
        except DualTalkError as exc:
            raise DualTalkError(f"{exc}{_unused_role_maps(options, motion.role)}") from None
    if report.shared_with:  # the partner keyed first took a copy: this one keeps the original
        report.shared_with = sharing_objects(report.mesh)
    summary, warnings = report.summary, list(report.warnings)
    stretched = plan.time_stretch_warning(*scene_stretch(scene))
    if stretched is not None:
        warnings.append(stretched)
    _make_single_user(report, warnings)
    fps = scene_fps(scene)
    start = scene.frame_start if options.start_frame is None else options.start_frame
    lead = 0.0  # a range is keyed at the instants the take was (scene/range_plan.range_lead)
    if options.replace_range is not None:
        taken = layers.take_meta(obj)
        lead = range_plan.range_lead(taken, motion.start_time, int(start), fps)
        mixed = range_plan.other_weights(obj.name, taken, motion.engine, motion.checkpoint_sha256)
        warnings += [mixed] if mixed else []
    values = _rig_values(report, motion, options, fps, warnings, lead)
    span = plan.FrameSpan(int(start), len(values))
    ranged = options.replace_range is not None
    notes: list[str] = []
    held: list[str] = []
    targets, rests = _key_targets(report, values, options.head, warnings, ranged, notes, held)
    if not targets:
        raise DualTalkError(f"nothing to key on {report.mesh.name!r}: {summary}")
    meta = plan.take_meta(motion, options.take, report.mesh.name, rests, fps, span.first)
    if progress is not None and options.replace_range is None:  # said while the keys are worked out
        progress.update("keying", 0.3, "working out the keys")
    result, replaced = yield from _write(targets, span, meta, options, warnings, reads, progress)
    if result is not None:  # hand edits the take replaced: said first, it is work lost
        warnings[:0] = [w for w in result.warnings if w not in warnings]
    followers, follow_warnings = companions.follow_face(report, single_user=options.single_user != "refuse")
    warnings += [w for w in follow_warnings if w not in warnings]
    if options.frame_range != "keep" and replaced is None:  # a range keeps the scene's frame range
        before = (int(scene.frame_start), int(scene.frame_end))
        scene.frame_start, scene.frame_end = plan.scene_range(
            span,
            scene.frame_start,
            scene.frame_end,
            options.frame_range,
            plan.time_stretch(*scene_stretch(scene)),
        )
        # Remove Take puts it back while it is still the one the take set
        before_take.note_scene_range(scene, before, (int(scene.frame_start), int(scene.frame_end)), meta)
    if options.undo_push:
        compat.undo_push(f"DualTalk: animate {report.mesh.name}")
    warnings = layers.losses_first(warnings)  # a loss of hand edits first: the status line shows one
    rep = _apply_report(meta, targets, span, result, replaced, summary=summary, warnings=warnings)
    rep.followers = followers
    rep.notes, rep.head_held = notes, bool(held)
    rep.seconds = time.perf_counter() - t0
    return rep


_TAKE_RANGES: list[_TakeRange] = []  # the take being keyed (apply_dialogue keys two characters in one)


class _TakeRange:
    """The scene's frame range for a whole take with ``frame_range`` "extend" (review 30a, finding 7).

    While the range is still the one an earlier DualTalk take set (:func:`.before_take.shot_range`),
    the take extends from the shot's own range instead, so a take shorter than the earlier one (the
    scene re-timed from 25 to 24 fps) no longer leaves a frozen tail in playback, render and FBX;
    a range the animator changed since is kept, and said when it runs past the take (:meth:`said`).
    Entered once per take: the characters of a dialogue extend one range together."""

    def __init__(self, scene: Any, options: ApplyOptions, objs: Iterable[Any]) -> None:
        self.scene = scene
        self.held = (scene.as_pointer(), scene.session_uid)  # to tell the scene still open (:meth:`__exit__`)
        self.was = (int(scene.frame_start), int(scene.frame_end))
        whole = options.frame_range == "extend" and options.replace_range is None and not _TAKE_RANGES
        base = before_take.shot_range(scene) if whole else None
        # the take starts at the scene's start unless told otherwise: it must not move; and another
        # conversation's take in the scene keeps the range it extended
        keep = base is None or base[0] != self.was[0] or _other_takes_in(scene, objs)
        self.base = None if keep else base
        self.theirs = whole and before_take.range_set_by_hand(scene)

    def __enter__(self) -> _TakeRange:
        _TAKE_RANGES.append(self)
        if self.base is not None:
            before_take.set_scene_range(self.scene, *self.base)
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        _TAKE_RANGES.remove(self)
        if exc_type is not None and self.base is not None and self._open():
            before_take.set_scene_range(self.scene, *self.was)  # a refused take leaves the range as it was

    def _open(self) -> bool:
        """Whether the scene is still open: keying steps closed after another file was opened (the
        add-on's Generate) must not write to the scene that went with the old file."""
        return any((sc.as_pointer(), sc.session_uid) == self.held for sc in bpy.data.scenes)

    def said(self, first: int, last: int) -> list[str]:
        """The line for a range the animator set that runs past the take ``first..last``."""
        a, b = int(self.scene.frame_start), int(self.scene.frame_end)
        if not self.theirs or (first <= a and b <= last):
            return []
        return [
            f"scene range {a}-{b} is longer than the take ({first}-{last}): kept as you set it, so the faces "
            "hold still outside the take"
        ]


def _other_takes_in(scene: Any, objs: Iterable[Any]) -> bool:
    """Whether a character in ``scene`` other than ``objs`` carries a DualTalk take."""
    mine: set[int] = set()
    for obj in objs:
        try:
            mine |= {b.as_pointer() for b in layers.character_idblocks(obj)}
        except DualTalkError:  # not a character: refused in its words later
            mine.add(obj.as_pointer())
    for obj in scene.objects:
        key = obj.data.shape_keys if obj.type == "MESH" and obj.data is not None else None
        if any(b is not None and b.as_pointer() not in mine and layers.our_strips(b) for b in (obj, key)):
            return True
    return False


def _make_single_user(report: CharacterReport, warnings: list[str]) -> None:
    """Give a mesh that shares its data (and shape keys) with other objects its own copy; the others
    keep the original, name and all (two characters on one mesh: the second keyed finds itself alone)."""
    if not report.shared_with:
        return
    mesh = report.mesh
    mesh.data = mesh.data.copy()
    warnings.append(
        f"{mesh.name}: shape keys were shared with {', '.join(report.shared_with)}; made single-user"
    )
    report.shared_with = []


def _rig_values(
    report: CharacterReport,
    motion: Motion,
    options: ApplyOptions,
    fps: float,
    warnings: list[str],
    lead: float = 0.0,
) -> np.ndarray:
    """The motion as this rig is keyed, one row per scene frame (:func:`..rig.plan.rig_values`)."""
    return plan.rig_values(
        motion,
        report.space,
        flame_map=_load_flame_map(options),
        intensities=options.intensities,
        smoothing=options.smoothing,
        blinks=options.blinks,
        seed=plan.blink_seed(options.blink_seed, motion.role, report.mesh.name),
        has_blink_keys=bool(report.blink_keys),
        character=report.mesh.name,
        fps=fps,
        warnings=warnings,
        lead=lead,
    )


def _key_targets(
    report: CharacterReport,
    values: np.ndarray,
    head: bool,
    warnings: list[str] | None = None,
    ranged: bool = False,
    notes: list[str] | None = None,
    held: list[str] | None = None,
) -> tuple[list[keying.TargetCurves], dict[str, list[float]]]:
    """The curves of both datablocks (shape keys, then the armature or object), and the rest
    orientation each rotation was composed onto (``warnings``, ``ranged``, ``notes``, ``held``:
    :func:`_rotation_target`)."""
    shape_keys = _shape_key_target(report, values)
    rotations, rests = _rotation_target(report, values, head, warnings, ranged, notes, held)
    return [t for t in (shape_keys, rotations) if t is not None], rests


def _shape_key_target(report: CharacterReport, values: np.ndarray) -> keying.TargetCurves | None:
    key = report.mesh.data.shape_keys
    if key is None:
        return None
    tracks = plan.shape_key_tracks(values, report.space, report.keys, report.clip, report.flame_correctives)
    if not tracks:
        return None
    curves = []
    for track in tracks:
        _widen_slider(key.key_blocks[track.name], track.values)
        path = companions.key_value_path(track.name)
        curves.append(keying.CurveSpec(path, 0, track.values, "DualTalk", layer=track.layer, tol=track.tol))
    return keying.TargetCurves(key, report.mesh.name, curves)


def _rotation_target(
    report: CharacterReport,
    values: np.ndarray,
    head: bool,
    warnings: list[str] | None = None,
    ranged: bool = False,
    notes: list[str] | None = None,
    held: list[str] | None = None,
) -> tuple[keying.TargetCurves | None, dict[str, list[float]]]:
    """The rotation curves of the armature (or object). A bone the animator keys under the take turns
    from its own rest, or from the one pose their keys hold (:func:`..rig.bones.rest_rotation`), which
    ``notes`` says; where an earlier take recorded their keyed pose as its rest, the line added to
    ``warnings`` says the take no longer leans by it. A range (``ranged``) keeps the rest of the take
    it is cut into, so it cross-fades into the same head. A Limit Rotation that holds the keyed head
    short is said in ``warnings`` and in ``held`` (:func:`.characters.limits_reached`)."""
    arm = report.armature
    owner = arm if arm is not None else report.mesh
    head_key = _head_key(report) if head else None
    drives = report.bones if arm is not None else []
    poses = _read_poses(report, head_key, drives)
    stored = bones.stored_rests(_previous_meta(owner))
    if ranged:  # their keys under the take: the take's own recorded rest, as around the range
        poses = {k: replace(p, keyed=bones.OVER) if p.keyed else p for k, p in poses.items()}
    elif warnings is not None:
        warnings += _rest_reread(report.mesh.name, poses, stored)
    if not ranged and notes is not None:
        notes += _keys_said(report.mesh.name, poses)
    tracks, rests = bones.rotation_tracks(
        values,
        report.space,
        head=head_key,
        head_frame=report.head_frame,
        drives=drives,
        poses=poses,
        stored=stored,
    )
    curves = [curve for track in tracks for curve in _rotation_curves(track)]
    if arm is not None and head_key and (warnings is not None or held is not None):
        mode = poses[head_key].rotation_mode
        quats = next((_track_quats(t, mode) for t in tracks if t.bone == head_key), None)
        lines = [] if quats is None else limits_reached(report.mesh.name, arm, head_key, quats)
        if warnings is not None:
            warnings += [w for w in lines if w not in warnings]
        if held is not None:
            held += lines
    return (keying.TargetCurves(owner, owner.name, curves) if curves else None), rests


def _track_quats(track: bones.RotationTrack, mode: str) -> np.ndarray:
    """The (T, 4) quaternions a rotation track keys in rotation ``mode``."""
    v = track.values.astype(np.float64)
    if track.prop == "rotation_quaternion":
        return v
    if track.prop == "rotation_axis_angle":
        return np.array([Quaternion(row[1:], row[0]) for row in v]).reshape(-1, 4)
    return np.array([Euler(row, mode).to_quaternion() for row in v]).reshape(-1, 4)


def _keys_said(character: str, poses: dict[str, bones.BonePose]) -> list[str]:
    """What the take did with the animator's keys under it, bone by bone: composed onto the one pose
    they hold, or turned from the bone's rest where they change (review rv43e F1)."""
    out = []
    for bone, pose in poses.items():
        if pose.keyed == bones.HELD and pose.held is not None and _degrees_off(pose.held) >= 0.5:
            out.append(
                f"{character}: your keys hold bone {bone!r} in one pose (a {_degrees_off(pose.held):.0f}-degree "
                "turn): the take turns from that pose, as from a pose you set"
            )
        elif pose.keyed == bones.UNDER:
            out.append(
                f"{character}: your keys turn bone {bone!r} during the shot: the take turns it from its rest "
                "pose, the same on whichever frame you Generate, and your keys play under the take's layer"
            )
    return out


def _degrees_off(quat: np.ndarray) -> float:
    """How far the rotation ``quat`` (w, x, y, z) turns from none, in degrees."""
    q = np.asarray(quat, dtype=np.float64)
    return float(np.degrees(2.0 * np.arccos(min(1.0, abs(float(q[0])) / float(np.linalg.norm(q))))))


def _head_key(report: CharacterReport) -> str | None:
    """What turns the head: its pose bone, the object (no armature), or nothing (skipped)."""
    if report.head_skipped:
        return None
    return report.head_target if report.head_target and report.armature is not None else bones.OBJECT


def _read_poses(
    report: CharacterReport, head: str | None, drives: list[bones.BoneDrive]
) -> dict[str, bones.BonePose]:
    """The rotation mode, current rotation and rest axes of every bone (or object) to be keyed, and
    whether the animator's own keys turn it (:func:`_keyed_rotations`)."""
    poses: dict[str, bones.BonePose] = {}
    arm = report.armature
    owner = arm if arm is not None else report.mesh
    if head == bones.OBJECT:  # the object keyed: the armature when a custom map says head "" beside one
        poses[head] = bones.BonePose(owner.rotation_mode, _basis(owner))
    for name in [head or "", *(d.bone for d in drives)]:
        if name and name not in poses:
            assert arm is not None  # bones are planned only on a character with an armature
            pb = arm.pose.bones[name]
            axes = np.array(arm.data.bones[name].matrix_local.to_3x3().normalized())
            poses[name] = bones.BonePose(pb.rotation_mode, _basis(pb), axes)
    keyed = _keyed_rotations(owner, poses)
    return {k: replace(p, keyed=keyed[k][0], held=keyed[k][1]) if k in keyed else p for k, p in poses.items()}


def _rotation_path(bone: str, mode: str) -> str:
    """The data path of the rotation ``mode`` plays on ``bone`` (:data:`..rig.bones.OBJECT`: the object's)."""
    prop = {"QUATERNION": "rotation_quaternion", "AXIS_ANGLE": "rotation_axis_angle"}.get(
        mode, "rotation_euler"
    )
    return f'pose.bones["{bpy.utils.escape_identifier(bone)}"].{prop}' if bone else prop


def _keyed_rotations(
    owner: Any, poses: dict[str, bones.BonePose]
) -> dict[str, tuple[str, np.ndarray | None]]:
    """Which of ``poses``' bones the animator's own unmuted keys or drivers on ``owner`` turn:
    :data:`..rig.bones.UNDER` where they play under the take's layers (their active action or tracks
    before the first take, their tracks beneath ours after it: a drive too), :data:`..rig.bones.HELD`
    with the pose (w, x, y, z) where those keys hold one value each (:func:`.held_keys.one_value`: a pose
    auto-key left), :data:`..rig.bones.OVER` where only a fix over an earlier take turns it (the
    active action, a track above ours)."""
    ad = getattr(owner, "animation_data", None)
    if ad is None:
        return {}
    # bones only: an object's rotation keys place the character in the shot (which way it faces)
    paths = {_rotation_path(bone, pose.rotation_mode): bone for bone, pose in poses.items() if bone}
    found: dict[str, str] = {}
    under: dict[str, dict[int, float] | None] = {}  # what each channel under the take holds; None: changes

    def mark(curves: Iterable[Any], where: str) -> None:
        for fc in curves:
            bone = paths.get(fc.data_path)
            if bone is None or fc.mute:
                continue
            if where == bones.UNDER:
                held = under.setdefault(bone, {})
                value = one_value(fc) if held is not None else None
                if held is not None and value is not None:
                    held[fc.array_index] = value  # the upper of two plays (their layers replace)
                else:
                    under[bone] = None
            if found.get(bone) != bones.UNDER:
                found[bone] = where

    for fc in ad.drivers:  # a drive changes with what drives it
        if paths.get(fc.data_path) is not None and not fc.mute:
            under[paths[fc.data_path]] = None
    mark(ad.drivers, bones.UNDER)
    tracks = list(ad.nla_tracks)
    ours = layers.our_tracks(owner)
    mine = {s.as_pointer() for s in rest_beneath.beneath_strips(owner)}
    first = min((i for i, t in enumerate(tracks) if any(t == o for o in ours)), default=len(tracks))
    for i, track in enumerate(tracks):
        if track.mute or any(track == o for o in ours):
            continue
        for strip in track.strips:
            if (
                strip.mute
                or strip.action is None
                or keying.is_ours(strip.action)
                or strip.as_pointer() in mine
            ):
                continue
            mark(
                compat.iter_fcurves(strip.action, strip.action_slot), bones.UNDER if i < first else bones.OVER
            )
    if ad.action is not None and not keying.is_ours(ad.action):
        mark(
            compat.iter_fcurves(ad.action, getattr(ad, "action_slot", None)),
            bones.OVER if ours else bones.UNDER,
        )
    out: dict[str, tuple[str, np.ndarray | None]] = {}
    for bone, where in found.items():
        held = under.get(bone)
        if where == bones.UNDER and held:
            out[bone] = (bones.HELD, _held_pose(poses[bone].rotation_mode, held))
        else:
            out[bone] = (where, None)
    return out


def _held_pose(mode: str, held: dict[int, float]) -> np.ndarray:
    """The rotation (w, x, y, z) of the channels ``held`` in rotation ``mode``; a channel not keyed
    is at the bone's rest."""
    if mode == "QUATERNION":
        q = Quaternion([held.get(i, d) for i, d in enumerate((1.0, 0.0, 0.0, 0.0))])
    elif mode == "AXIS_ANGLE":
        angle, *axis = (held.get(i, d) for i, d in enumerate((0.0, 0.0, 1.0, 0.0)))
        q = Quaternion(axis, angle) if any(axis) else Quaternion()
    else:
        q = Euler([held.get(i, 0.0) for i in range(3)], mode).to_quaternion()
    if q.magnitude == 0.0:
        return bones.IDENTITY.copy()
    q.normalize()
    return np.array([q.w, q.x, q.y, q.z], dtype=np.float64)


def _rest_reread(
    character: str, poses: dict[str, bones.BonePose], stored: dict[str, np.ndarray]
) -> list[str]:
    """One line per bone keyed under the take whose recorded rest (an earlier take's, read from their
    keyed pose at the playhead by a build before review rv43a) leant the take: it turns from the bone's
    rest now."""
    out = []
    for bone, pose in poses.items():
        if pose.keyed != bones.UNDER or bone not in stored:
            continue
        off = _degrees_off(stored[bone])
        if off >= 0.5:
            out.append(
                f"{character}: the take turns bone {bone!r} from its rest pose now, where the earlier take turned "
                "it from your keys' pose on the frame it was generated on (a "
                f"{off:.0f}-degree turn held on every frame); your keys play under the take's layer as before"
            )
    return out


def _basis(target: Any) -> np.ndarray:
    q = target.matrix_basis.decompose()[1]
    return np.array([q.w, q.x, q.y, q.z], dtype=np.float64)


def _previous_meta(idblock: Any) -> dict[str, Any]:
    """Metadata of the take already on ``idblock`` (our layers, or an older single action)."""
    for strip in layers.our_strips(idblock).values():
        if keying.is_ours(strip.action):
            return keying.action_meta(strip.action)
    ad = getattr(idblock, "animation_data", None)
    if ad is not None and keying.is_ours(ad.action):
        return keying.action_meta(ad.action)
    return {}


def _rotation_curves(track: bones.RotationTrack) -> list[keying.CurveSpec]:
    prefix = f'pose.bones["{bpy.utils.escape_identifier(track.bone)}"].' if track.bone else ""
    group = track.bone or "Object Transforms"
    return [
        keying.CurveSpec(
            f"{prefix}{track.prop}",
            i,
            track.values[:, i],
            group,
            layer=track.layer,
            rest=float(track.rest[i]),
            tol=track.tol,
        )
        for i in range(track.values.shape[1])
    ]


def _write(
    targets: list[keying.TargetCurves],
    span: plan.FrameSpan,
    meta: plan.TakeMeta,
    options: ApplyOptions,
    warnings: list[str],
    reads: keying.DigestReads,
    progress: Any = None,
) -> Steps[tuple[layers.LayersResult | None, tuple[int, int] | None]]:
    """Key the take into its layers (one step), or only ``options.replace_range`` of the take already
    there, in steps (:func:`.range_keys.replace_range_steps`); what a range leaves or replaces unasked
    is added to ``warnings``."""
    if options.replace_range is None:
        result = yield from layers.write_take_steps(
            _action_prefix(meta),
            targets,
            span.frames,
            meta=meta,
            keys=options.keys,
            influences=options.layer_influence,
            reads=reads,
        )
        return result, None
    first, last = options.replace_range
    if not (span.first <= first and last <= span.last):
        raise DualTalkError(
            f"the re-generated motion covers frames {span.first}-{span.last}, not the range {first}-{last}"
        )
    said = range_keys.range_rename_warnings(targets, meta["character"], reads)
    said += [w for w in layers.held_rename_warnings(targets, meta["character"]) if w not in said]
    edited = range_keys.range_hand_edits(
        targets, span.frames, first, last, fade=options.crossfade, reads=reads
    )
    said[:0] = [layers.range_edits_warning(meta["character"], edited)] if edited else []  # the loss first
    unchecked = range_keys.range_unrecorded(targets, reads)
    if unchecked:
        lo = max(first - options.crossfade, span.first)
        hi = min(last + options.crossfade, span.last)
        said.append(
            layers.unrecorded_warning(meta["character"], meta, unchecked, f"frames {lo}-{hi}", "range")
        )
    replaced = yield from range_keys.replace_range_steps(
        targets,
        span.frames,
        first,
        last,
        fade=options.crossfade,
        keys=options.keys,
        reads=reads,
        progress=progress,
    )
    warnings[:0] = [w for w in said if w not in warnings]
    for name, value in options.layer_influence.items():
        layers.set_influence([t.idblock for t in targets], name, value, missing_ok=True)
    return None, replaced


def _action_prefix(meta: plan.TakeMeta) -> str:
    return f"DualTalk_{meta['take']}_{meta['character']}"


def _apply_report(
    meta: plan.TakeMeta,
    targets: list[keying.TargetCurves],
    span: plan.FrameSpan,
    result: layers.LayersResult | None,
    replaced: tuple[int, int] | None,
    *,
    summary: str,
    warnings: list[str],
) -> ApplyReport:
    curves = [c for t in targets for c in t.curves]
    return ApplyReport(
        character=meta["character"],
        action=_action_prefix(meta)[:63],
        frames=span.count,
        first_frame=span.first,
        last_frame=span.last,
        fps=meta["fps"],
        curves=len(curves),
        keys=result.keys if result is not None else 0,
        mapping=summary,
        warnings=warnings,
        kept_actions=result.pushed if result is not None else [],
        keys_every_frame=len(curves) * span.count,
        max_weight_error=result.max_weight_error if result is not None else 0.0,
        max_rotation_error_deg=result.max_rotation_error_deg if result is not None else 0.0,
        layers=[layer for layer in layers.LAYERS if any(c.layer == layer for c in curves)],
        replaced=replaced,
    )


def _widen_slider(kb: Any, values: np.ndarray) -> None:
    """Shape-key sliders clamp the evaluated value: open them up to what we key."""
    lo, hi = plan.slider_range(values, kb.slider_min, kb.slider_max)
    if lo != kb.slider_min:
        kb.slider_min = lo
    if hi != kb.slider_max:
        kb.slider_max = hi


def add_turn_markers(
    scene: Any,
    motion_a: Motion,
    motion_b: Motion,
    start_frame: int | None = None,
    *,
    names: tuple[str, str] = ("A", "B"),
    min_turn_s: float = MIN_TURN_S,
    take: dict[str, Any] | None = None,
) -> int:
    """Timeline markers where the conversation's floor changes. Replaces the earlier DT markers of
    this pair (``names``: a pair sharing a character with it, or of no known pair); another
    conversation's stay (:func:`marker_records`). ``take``: what the take is (its name, start frame,
    fps and each character's take id), recorded with them."""
    scene = scene or bpy.context.scene
    records = marker_records(scene)
    others = _other_pairs(records, names, scene)  # the conversations whose markers stay
    keep_replaced_markers(scene, [e for e in records if e not in others], take)
    for marker in owned_markers(scene, names):
        scene.timeline_markers.remove(marker)
    start = int(scene.frame_start if start_frame is None else start_frame)
    changes = turn_changes(motion_a.speaking, motion_b.speaking, motion_a.fps, min_turn_s)
    made = []
    for frame, who in marker_frames(changes, start, scene_fps(scene) / motion_a.fps):
        marker = scene.timeline_markers.new(f"{MARKER_PREFIX}{names[who]} speaks", frame=frame)
        made.append([marker.name, int(marker.frame)])
    entry = {"pair": [str(n) for n in names], "markers": made, "take": take}
    write_marker_records(scene, [*others, entry], records)
    return len(changes)


def kept_markers(scene: Any) -> dict[str, Any]:
    """The turn markers of takes kept in the file but not playing, by take name
    (:data:`KEPT_MARKERS_PROP`): Play Take puts them back.

    A .blend from elsewhere may hold anything there (JSON nested 100,000 deep, a frame of 1e300):
    it reads through :func:`.records.parse`, and an entry whose markers are not [name, frame] pairs
    Blender can hold is left out (that take then comes back without markers, and says so)."""
    try:
        kept = parse(scene.get(KEPT_MARKERS_PROP, "{}"))
    except DamagedRecord:
        return {}
    if not isinstance(kept, dict):
        return {}
    out: dict[str, Any] = {}
    for name, entry in kept.items():
        try:
            if isinstance(entry, dict):
                out[name] = {**entry, "markers": _made(entry.get("markers", []))}
        except (ValueError, TypeError, DamagedRecord):
            continue
    return out


def keep_marker_entry(scene: Any, name: str, entry: dict[str, Any]) -> None:
    """Keep ``entry`` (a :func:`marker_records` entry) as take ``name``'s markers."""
    kept = kept_markers(scene)
    kept[name] = entry
    scene[KEPT_MARKERS_PROP] = json.dumps(kept)


def keep_replaced_markers(scene: Any, replaced: list[dict[str, Any]], take: dict[str, Any] | None) -> None:
    """Before ``take`` replaces the marker entries ``replaced``: keep those of another take name (a Take
    renamed to compare keeps the earlier take in the file; Play Take brings its markers back)."""
    new = (take or {}).get("take")
    for entry in replaced:
        old = entry.get("take")
        if isinstance(old, dict) and old.get("take") and old.get("take") != new and entry.get("markers"):
            keep_marker_entry(scene, str(old["take"]), entry)


def marker_records(scene: Any) -> list[dict[str, Any]]:
    """The scene's record of the turn markers DualTalk made (:data:`MARKERS_PROP`): one entry per
    pair whose take made them, the latest last: ``pair`` (the characters' names; None when not known),
    ``markers`` ([name, frame] each) and ``take`` (``take``, ``start_frame``, ``fps`` and ``ids``: each
    character's take id; None when not known).

    Markers cannot hold custom properties, so the scene keeps this record; a user's own "DT review"
    marker is never ours. The record an older DualTalk kept (one list of [name, frame] for the whole
    scene, the last take's) reads as one entry, ``older``, of the pair its markers name
    ("DT Ann speaks"); its strips, which name no pair, are that pair's (:func:`write_marker_records`).
    A damaged record (:func:`read_marker_records`) gives what of it reads, and our markers it no
    longer lists found by their names."""
    return read_marker_records(scene)[0]


def read_marker_records(scene: Any) -> tuple[list[dict[str, Any]], str | None]:
    """:func:`marker_records`, and why the record is damaged (None when it is whole or absent).

    A damaged record (a .blend from elsewhere, a script's slip) used to read as none: our earlier
    markers then stayed as the animator's, and the next take put its own beside them. Now the
    markers it no longer lists are found by what DualTalk names them, ``DT <character> speaks``
    (:func:`_by_name`: one entry per character, ``by_name``), so a take replaces them; a marker
    the animator made or renamed has another name and stays."""
    try:
        data = entries(scene.get(MARKERS_PROP, "[]"))
    except DamagedRecord as exc:
        return _by_name(scene, []), str(exc)
    if not all(isinstance(e, dict) for e in data):  # an older DualTalk's
        try:
            made: list[list[Any]] = _made(data)
        except (ValueError, TypeError, DamagedRecord) as exc:
            return _by_name(scene, []), f"its markers are not [name, frame] pairs ({exc})"
        names = sorted({who for n, _f in made if (who := _speaker(str(n))) is not None})
        older = [{"pair": names or None, "markers": made, "take": None, "older": True}] if made else []
        return _where_now(scene, older), None
    out, why = [], None
    for entry in data:
        try:
            made = _made(entry.get("markers", []))
        except (ValueError, TypeError, DamagedRecord) as exc:
            why = why or f"an entry's markers are not [name, frame] pairs ({exc})"
            continue
        pair, take = entry.get("pair"), entry.get("take")
        out.append(
            {
                "pair": [str(n) for n in pair] if isinstance(pair, list) and pair else None,
                "markers": made,
                "take": take if isinstance(take, dict) else None,
            }
        )
    out = _where_now(scene, out)
    return (out if why is None else _by_name(scene, out)), why


def _where_now(scene: Any, read: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``read`` with each entry's markers where the scene holds them now, however the animator moved
    them (:func:`.marker_places.locate`: the whole take slid, one marker nudged; review rv37a F4)."""
    return marker_places.locate(read, [(m.name, int(m.frame)) for m in scene.timeline_markers])


def _speaker(name: str) -> str | None:
    """'Ann' for a marker named as :func:`add_turn_markers` names one ("DT Ann speaks"), else None."""
    end = " speaks"
    if name.startswith(MARKER_PREFIX) and name.endswith(end) and len(name) > len(MARKER_PREFIX) + len(end):
        return name[len(MARKER_PREFIX) : -len(end)]
    return None


def _by_name(scene: Any, read: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``read`` (what a damaged record still says), then one entry per character for the markers
    named as ours that it does not list (``pair``: that character; ``by_name``: found so)."""
    listed = {(n, f) for e in read for n, f in e["markers"]}
    found: dict[str, list[list[Any]]] = {}
    for marker in scene.timeline_markers:
        who, key = _speaker(marker.name), (marker.name, int(marker.frame))
        if who is not None and key not in listed:
            found.setdefault(who, []).append([marker.name, int(marker.frame)])
    extra = [{"pair": [who], "markers": made, "take": None, "by_name": True} for who, made in found.items()]
    return [*extra, *read]  # first: the latest entry (a strip naming no pair is its) is a recorded one


def marker_damage_warning(scene: Any, done: str = "replaced") -> str | None:
    """The one line said when the scene's marker record is damaged: our markers were found by their
    names and ``done`` (replaced, removed); the record then written replaces it, so it is said once."""
    _records, why = read_marker_records(scene)
    if why is None:
        return None
    from .records import blend_name, damaged_line

    then = f'DualTalk\'s turn markers were found by their names ("DT <character> speaks") and {done}'
    return damaged_line(blend_name(), f"scene {scene.name!r}", MARKERS_PROP, why, then)


def _made(markers: Any) -> list[list[Any]]:
    """[name, frame] of each marker a record lists (a frame Blender can hold, else DamagedRecord)."""
    return [[str(n), record_frame(f, "marker frame")] for n, f in markers]


def _other_pairs(records: list[dict[str, Any]], names: Any, scene: Any) -> list[dict[str, Any]]:
    """The entries of conversations that share no character with ``names`` and still play in
    ``scene`` (:func:`pair_plays`); those of no known pair are the scene's: replaced by any pair's
    take, and so are those of characters renamed, deleted or without a take since."""
    pair = {str(n) for n in names}
    return [
        e
        for e in records
        if e["pair"] is not None and not pair & set(e["pair"]) and pair_plays(scene, e["pair"])
    ]


def pair_plays(scene: Any, names: Any) -> bool:
    """Whether a character named in ``names`` is in ``scene`` and still carries a DualTalk take: only
    then are its markers and sound another conversation's to keep."""
    from .remove_take import carries_take

    for name in names:
        obj = scene.objects.get(str(name))
        if obj is not None and carries_take(obj):
            return True
    return False


def played_with(scene: Any, names: Iterable[str]) -> set[str] | None:
    """The characters the scene records as having played a take together with one of ``names`` (the
    pairs of the turn-marker record and of DualTalk's sound strips), ``names`` among them; None where
    nothing records a pair of theirs (markers and sound off, or an older DualTalk's scene). Remove Take
    keeps a take's markers and sound while a partner still plays it; a character that plays a take of
    the same name and frame keyed with someone else (a rig swapped out: Alice after Carol and Bob's
    take) is no partner (review rv37a F6)."""
    from . import sound

    ours = {str(n) for n in names}
    pairs = [set(e["pair"]) for e in marker_records(scene) if e["pair"]]
    if scene.sequence_editor is not None:
        pairs += [set(p) for s in sound.our_strips(scene) if (p := sound.strip_pair(s)) is not None]
    found = {n for p in pairs if p & ours for n in p}
    return found | ours if found else None


def write_marker_records(scene: Any, records: list[dict[str, Any]], read: list[dict[str, Any]]) -> None:
    """Keep ``records`` (entries without markers are dropped; none left: the record goes). ``read``: the
    record as it was read; when an older DualTalk's record naming a pair is rewritten, our strips that
    name no pair are tagged with it (they were that take's: one set per scene then)."""
    older = next((e for e in read if e.get("older") and e["pair"] is not None), None)
    if older is not None and scene.sequence_editor is not None:
        from . import sound

        for strip in sound.our_strips(scene):
            if sound.strip_pair(strip) is None:
                sound.tag_pair(strip, older["pair"])
    kept = [{k: e[k] for k in ("pair", "markers", "take")} for e in records if e["markers"]]
    if kept:
        scene[MARKERS_PROP] = json.dumps(kept)
    elif MARKERS_PROP in scene.keys():
        del scene[MARKERS_PROP]


def owned_markers(scene: Any, pair: Any = None) -> list[Any]:
    """The turn markers DualTalk made in ``scene``, by the record it keeps on the scene, not by name
    (:func:`marker_records`). With ``pair`` (two characters' names): those a take of that pair
    replaces (of a pair sharing a character with it, of no known pair, or of one that no longer
    plays in the scene: :func:`pair_plays`)."""
    names = None if pair is None else {str(n) for n in pair}
    made = {
        (n, f)
        for e in marker_records(scene)
        if names is None or e["pair"] is None or names & set(e["pair"]) or not pair_plays(scene, e["pair"])
        for n, f in e["markers"]
    }
    return [m for m in scene.timeline_markers if (m.name, int(m.frame)) in made]


# Shares of a whole take's keying with eye contact, as its parts cost (10- and 20-minute takes):
# each character's keys, the heads' reading, then each character's eyes
TAKE_SHARES = {
    "A": (0.0, 0.15),
    "B": (0.15, 0.3),
    "heads": (0.3, 0.7),
    "eyes A": (0.7, 0.85),
    "eyes B": (0.85, 1.0),
}

# The same with a head held in by a Limit Rotation: the heads read again as played, and those eyes
# keyed again (:func:`_aimed_again`)
LIMITED_SHARES = {
    **TAKE_SHARES,
    "heads": (0.3, 0.55),
    "eyes A": (0.55, 0.65),
    "eyes B": (0.65, 0.75),
    "heads again": (0.75, 0.85),
    "again A": (0.85, 0.925),
    "again B": (0.925, 1.0),
}

# Shares of a range's keying with eye contact, as its parts cost (2-minute range of a 10-minute take)
RANGE_SHARES = {
    "raw 0": (0.0, 0.17),
    "raw 1": (0.17, 0.34),
    "heads": (0.34, 0.42),
    "put back": (0.42, 0.66),
    "range 0": (0.66, 0.83),
    "range 1": (0.83, 1.0),
}


def _mutual_gaze(
    scene: Any,
    objs: tuple[Any, Any],
    motions: tuple[Motion, Motion],
    reps: tuple[ApplyReport, ApplyReport],
    options: ApplyOptions,
    reports: tuple[CharacterReport, CharacterReport],
    progress: Any = None,
    reads: keying.DigestReads | None = None,
    pauses: bool = False,
) -> Steps[tuple[ApplyReport, ApplyReport]]:
    """Key each character's eyes on the other's head on its *partner* frames (see :mod:`.gaze`), in
    steps: the heads' readings (:func:`.gaze.sample_steps`), then each character's eyes.

    Both heads are read back from the scene after their motion is keyed, every motion frame, so
    the eyes follow characters the user has animated and make up for the head's own motion. A head
    held in by a Limit Rotation does not reach the turn keyed with its eyes: where that turn goes past
    the limit (:func:`.characters.limits_reached`), its eyes are aimed again from the head as it plays
    (:func:`_aimed_again`); a limit it stays within costs nothing more.
    """
    # shares for a second aiming wherever a limit might hold the head; it runs where one does
    limits = any(head_limits(rep.armature, rep.head_target) for rep in reports)
    shares = LIMITED_SHARES if limits else TAKE_SHARES
    glanced: list[float] = []
    aimed = yield from _aimed_steps(
        scene, objs, motions, reps, options, reports, progress, pauses, shares["heads"], glanced
    )
    yield
    out = []
    for i in range(2):
        motion = aimed[i]
        if motion is None:
            out.append(reps[i])
            continue
        eyes = _Share(progress, *shares[f"eyes {'AB'[i]}"], f"{reps[i].character}: eyes, ")
        again = yield from _apply_one_steps(
            objs[i], motion, options, scene=scene, report=reports[i], reads=reads, progress=eyes
        )
        out.append(_merged(again, reps[i]))
        _say(progress, shares[f"eyes {'AB'[i]}"][1], f"{reps[i].character}: eyes keyed")
        yield
    limited = [aimed[i] is not None and out[i].head_held for i in range(2)]  # the turn keyed with the eyes
    if not any(limited):
        return out[0], out[1]
    played = yield from _aimed_again(
        scene, objs, aimed, (out[0], out[1]), limited, reports, progress, pauses, max(glanced, default=0.0)
    )
    for i, motion in enumerate(played):
        if motion is None:
            continue
        eyes = _Share(progress, *shares[f"again {'AB'[i]}"], f"{out[i].character}: eyes from the held head, ")
        again = yield from _apply_one_steps(
            objs[i], motion, options, scene=scene, report=reports[i], reads=reads, progress=eyes
        )
        out[i] = _merged(again, out[i])
        _say(progress, shares[f"again {'AB'[i]}"][1], f"{out[i].character}: eyes keyed")
        yield
    return out[0], out[1]


def _aimed_again(
    scene: Any,
    objs: tuple[Any, Any],
    aimed: list[Motion | None],
    reps: tuple[ApplyReport, ApplyReport],
    limited: list[bool],
    reports: tuple[CharacterReport, CharacterReport],
    progress: Any = None,
    pauses: bool = False,
    glance: float = 0.0,
) -> Steps[list[Motion | None]]:
    """Per character: its ``aimed`` motion with the eyes aimed from the head as it plays now, where a
    Limit Rotation holds the head short of the turn keyed (``limited``); None for the others.
    ``glance``: how much the pair glances (:func:`.gaze.pair_glance`), so the eyes stop that short of their corners.

    The turn stays keyed as it was (muting the limit shows it); the eyes turn the rest, as far as
    their range goes. A head held at 20 degrees of a 70-degree turn kept eyes aimed for 70 degrees:
    they looked about 50 degrees short of the partner (review rv43a F2)."""
    motions = [m for m in aimed if m is not None]
    frames = _reading_frames(scene, objs, motions, reps)
    shown = max(rep.frames for rep in reps)
    samples = yield from gaze.sample_steps(
        scene,
        list(reports),
        frames,
        _SceneFrames(progress, *LIMITED_SHARES["heads again"], shown),
        around=lambda: (_unstretched(scene),),
        pauses=pauses,
    )
    out: list[Motion | None] = []
    for i in range(2):
        motion = aimed[i]
        if motion is None or not limited[i]:
            out.append(None)
            continue
        own, other = ({k: v[: motion.num_frames] for k, v in samples[j].items()} for j in (i, 1 - i))
        out.append(gaze.aimed(motion, gaze.to_partner(own, other, reports[i]), 0.0, glance=glance))
    return out


def _aimed(
    scene: Any,
    objs: tuple[Any, Any],
    motions: tuple[Motion, Motion],
    reps: tuple[ApplyReport, ApplyReport],
    options: ApplyOptions,
    reports: tuple[CharacterReport, CharacterReport],
    progress: Any = None,
) -> list[Motion | None]:
    """Each motion with its eyes (and ``options.head_turn`` of its head) on the partner, from both
    heads as the scene plays them now; None for a motion without gaze intent.

    The head turn is worked out from the heads without the animator's own keys on the head bones
    (:func:`.gaze.hand_keys_off`): their fix plays on top of it, not made up for by it."""
    return run_steps(_aimed_steps(scene, objs, motions, reps, options, reports, progress))


def _reading_frames(
    scene: Any, objs: tuple[Any, Any], motions: Iterable[Motion], reps: tuple[ApplyReport, ApplyReport]
) -> np.ndarray:
    """The scene frames (fractional) the heads are read at: one per motion sample, where the take plays."""
    motions = list(motions)
    ratio = scene_fps(scene) / motions[0].fps
    count = max(m.num_frames for m in motions)  # takes of two lengths: the shorter one's head holds
    # the heads where the take plays: a range of a take whose strips were moved plays later
    return reps[0].first_frame + range_plan.strip_offset(objs[0]) + np.arange(count, dtype=np.float64) * ratio


def _aimed_steps(
    scene: Any,
    objs: tuple[Any, Any],
    motions: tuple[Motion, Motion],
    reps: tuple[ApplyReport, ApplyReport],
    options: ApplyOptions,
    reports: tuple[CharacterReport, CharacterReport],
    progress: Any = None,
    pauses: bool = False,
    share: tuple[float, float] = TAKE_SHARES["heads"],
    glanced: list[float] | None = None,
) -> Steps[list[Motion | None]]:
    """:func:`_aimed` in steps (``pauses``: see :func:`.gaze.sample_steps`); Time Stretching off and
    the animator's head keys muted only while the heads are read. ``share``: the part of the
    keying's progress the reading fills (read twice with head keys muted: half each); ``glanced``: told
    how much the pair glances (:func:`.gaze.pair_glance`)."""
    frames = _reading_frames(scene, objs, motions, reps)
    heads = list(reports)
    muted = bool(gaze.hand_key_curves(heads))
    lo, hi = share
    mid = (lo + hi) / 2 if muted else hi
    shown = max(rep.frames for rep in reps)  # the scene frames the readings cover, as the result says
    unposed = yield from gaze.sample_steps(
        scene,
        heads,
        frames,
        _SceneFrames(progress, lo, mid, shown),
        around=lambda: (_unstretched(scene), gaze.hand_keys_off(scene, heads)),
        pauses=pauses,
    )
    samples = unposed
    if muted:
        samples = yield from gaze.sample_steps(
            scene,
            heads,
            frames,
            _SceneFrames(progress, mid, hi, shown),
            around=lambda: (_unstretched(scene),),
            pauses=pauses,
        )
    seen: list[list[np.ndarray]] = []  # each one's angles to the other: as played, without hand keys
    for i in range(2):
        seen.append([])
        for got in (samples, unposed):
            own, other = ({k: v[: motions[i].num_frames] for k, v in got[j].items()} for j in (i, 1 - i))
            seen[i].append(gaze.to_partner(own, other, reports[i]))
    # a pair facing nearly one way glances (their faces read without the animator's head keys; a range as its take)
    glance, apart = gaze.pair_glance(objs, options, [seen[0][1], seen[1][1]])
    if glanced is not None:  # told to the caller that aims the eyes again (:func:`_aimed_again`)
        glanced.append(glance)
    out: list[Motion | None] = []
    for i in range(2):
        motion = motions[i]
        if motion.gaze_target is None:
            out.append(None)
            continue
        angles = seen[i]
        out.append(gaze.aimed(motion, angles[0], options.head_turn, turn_from=angles[1], glance=glance))
    # said by the take, not again by each range re-generated in it (a range glances as its take did)
    if options.replace_range is None and any(
        gaze.glance_changes(m, seen[i][1], options.head_turn, glance) for i, m in enumerate(motions)
    ):
        line = gaze.glance_line([rep.character for rep in reps], glance, apart)
        for rep in reps:  # the take's line says it once (both reports hold it: either may be shown)
            rep.notes.append(line)
    return out


class _Share:
    """A progress whose fractions fill ``lo``..``hi`` of the stage (None: no progress)."""

    def __init__(self, progress: Any, lo: float, hi: float, said: str = "") -> None:
        self.progress, self.lo, self.hi, self.said = progress, lo, hi, said

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        """``message`` after ``said`` ("Ann: keying the range, " + "curve 5/56")."""
        if self.progress is not None:
            line = f"{self.said}{message}" if message else ""
            self.progress.update(stage, self.lo + (self.hi - self.lo) * float(fraction), line)

    def check_cancel(self) -> None:
        if self.progress is not None:
            self.progress.check_cancel()


class _SceneFrames(_Share):
    """The heads' reading's share: :mod:`.gaze` counts the motion's samples (25 a second), which
    said "frame 22/150" for a take of 144 frames at 24 fps (review rv43a F5); the line counts the
    scene frames the take covers (``frames``), the ones the result line and the timeline show."""

    COUNTED = "aiming the eyes: frame "

    def __init__(self, progress: Any, lo: float, hi: float, frames: int) -> None:
        super().__init__(progress, lo, hi)
        self.frames = max(int(frames), 1)

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        if message.startswith(self.COUNTED):
            done = min(int(round(float(fraction) * self.frames)), self.frames)
            message = f"{self.COUNTED}{done:,}/{self.frames:,}"
        super().update(stage, fraction, message)


def _say(progress: Any, fraction: float, message: str) -> None:
    if progress is not None:
        progress.update("keying", fraction, message)


def _merged(rep: ApplyReport, earlier: ApplyReport) -> ApplyReport:
    """``rep`` of a second pass over a character, with the first pass's warnings, time and the user's
    actions it pushed to NLA (the second pass finds none left to push: the report must still say where
    the animator's work went)."""
    rep.warnings = layers.losses_first([*earlier.warnings, *rep.warnings])  # each once, a loss first
    rep.kept_actions = earlier.kept_actions + [a for a in rep.kept_actions if a not in earlier.kept_actions]
    rep.seconds += earlier.seconds
    rep.notes = list(dict.fromkeys([*earlier.notes, *rep.notes]))
    return rep


def _range_with_gaze(
    scene: Any,
    objs: tuple[Any, Any],
    motions: tuple[Motion, Motion],
    options: ApplyOptions,
    reports: tuple[CharacterReport, CharacterReport],
    progress: Any = None,
    reads: keying.DigestReads | None = None,
    pauses: bool = False,
) -> Steps[tuple[ApplyReport, ApplyReport]]:
    """Re-generate a range with eye contact, aimed as the whole take was, in steps (:data:`RANGE_SHARES`).

    The whole take turned its heads toward the partner from heads not yet turned: outside the range
    the take's heads are turned already, and an eased turn read from them came out smaller (the eyes
    made up for it). So both motions first play un-turned over all the frames they cover (context
    included) while the heads are read, the take's keys are put back, and only then is the range
    keyed, cross-faded once from the take as it was. Closed between two steps, the un-turned keys
    come back off (:func:`.range_keys.keeping`), and the caller's :func:`.range_keys.kept_on_failure`
    puts back what the range keyed.
    """
    share = RANGE_SHARES
    with range_keys.keeping(objs) as held:
        raw = []
        for i, (obj, motion, report) in enumerate(zip(objs, motions, reports, strict=True)):
            span = check_frame_span(scene, motion, options.start_frame)  # all the frames it covers
            whole = options.replace(replace_range=span, crossfade=0)
            part = _Share(
                progress, *share[f"raw {i}"], f"{report.mesh.name}: un-turned for reading the heads, "
            )
            raw.append(
                (
                    yield from _apply_one_steps(
                        obj, motion, whole, scene=scene, report=report, reads=reads, progress=part
                    )
                )
            )
            _say(progress, share[f"raw {i}"][1], f"{raw[-1].character}: un-turned for reading the heads")
            yield
        aimed = yield from _aimed_steps(
            scene, objs, motions, (raw[0], raw[1]), options, reports, progress, pauses, share["heads"]
        )
        yield
        part = _Share(progress, *share["put back"], "the take put back: ")
        yield from held.put_back_steps(part)
    _say(progress, share["put back"][1], "the take put back")
    yield
    out = []
    for i, (obj, motion, aim, report, first) in enumerate(
        zip(objs, motions, aimed, reports, raw, strict=True)
    ):
        part = _Share(progress, *share[f"range {i}"], f"{report.mesh.name}: keying the range, ")
        rep = yield from _apply_one_steps(
            obj, aim or motion, options, scene=scene, report=report, reads=reads, progress=part
        )
        out.append(_merged(rep, first))
        _say(progress, share[f"range {i}"][1], f"{rep.character}: range keyed")
        if i == 0:
            yield
    return out[0], out[1]


def _key_pair(
    scene: Any,
    objs: tuple[Any, Any],
    motions: tuple[Motion, Motion],
    options: ApplyOptions,
    reports: tuple[CharacterReport, CharacterReport],
    *,
    aiming: bool,
    progress: Any = None,
    reads: keying.DigestReads | None = None,
    pauses: bool = False,
) -> Steps[tuple[ApplyReport, ApplyReport]]:
    """Key both characters' motion: the whole take (a step per character), or the range of it (steps
    within each character, :func:`.range_keys.replace_range_steps`). A range refused on B, or closed
    between two steps (the add-on's Esc), puts A's keys back: it changes neither take."""
    ends = TAKE_SHARES["A"][1], TAKE_SHARES["B"][1]
    if not aiming:
        ends = (0.5, 1.0)
    ranged = "" if options.replace_range is None else "keying the range, "

    def one(i: int) -> Steps[ApplyReport]:
        lo = 0.0 if i == 0 else ends[0]
        rep = yield from _apply_one_steps(
            objs[i],
            motions[i],
            options,
            scene=scene,
            report=reports[i],
            reads=reads,
            progress=_Share(progress, lo, ends[i], f"{reports[i].mesh.name}: {ranged}"),
        )
        _say(progress, ends[i], f"{rep.character}: {rep.curves} curves keyed")
        return rep

    if options.replace_range is None:
        rep_a = yield from one(0)
        yield
        rep_b = yield from one(1)
        yield
        return rep_a, rep_b
    with range_keys.kept_on_failure(objs):
        if aiming:
            return (
                yield from _range_with_gaze(scene, objs, motions, options, reports, progress, reads, pauses)
            )
        rep_a = yield from one(0)
        yield
        rep_b = yield from one(1)
        return rep_a, rep_b


def _inspect_pair(
    objs: tuple[Any, Any],
    options: ApplyOptions,
    reports: tuple[CharacterReport | None, CharacterReport | None],
) -> tuple[CharacterReport, CharacterReport]:
    """Both characters' reports: the caller's where given, else inspected here, each with its own
    map (:func:`role_options`: a map file the two share is read once)."""
    missing = "".join(role for role, report in zip("AB", reports, strict=True) if report is None)
    own = role_options(options, missing)
    report_a, report_b = (
        report if report is not None else inspect_for(obj, own[role])
        for obj, role, report in zip(objs, "AB", reports, strict=True)
    )
    if report_a.mesh == report_b.mesh:
        raise DualTalkError("character A and character B are the same object")
    return report_a, report_b


def apply_dialogue(
    obj_a: Any,
    obj_b: Any,
    motion_a: Motion,
    motion_b: Motion,
    options: ApplyOptions | None = None,
    *,
    scene: Any = None,
    reports: tuple[CharacterReport | None, CharacterReport | None] = (None, None),
    progress: Any = None,
) -> tuple[ApplyReport, ApplyReport, int]:
    """Key both characters (and turn markers) as one undo step.

    ``reports``: the characters' :func:`inspect_for` results when the caller already has them
    (the add-on's preflight); a None is inspected here. Each character is inspected at most
    once per call, the gaze pass included. ``progress`` (:mod:`...inference.core.progress`) hears
    stage ``keying`` as each character is keyed and while the heads are read for eye contact
    ("aiming the eyes: frame n/N"), and may cancel there.

    :func:`apply_dialogue_steps` keys the same in steps.
    """
    return run_steps(
        apply_dialogue_steps(
            obj_a, obj_b, motion_a, motion_b, options, scene=scene, reports=reports, progress=progress
        )
    )


def apply_dialogue_steps(
    obj_a: Any,
    obj_b: Any,
    motion_a: Motion,
    motion_b: Motion,
    options: ApplyOptions | None = None,
    *,
    scene: Any = None,
    reports: tuple[CharacterReport | None, CharacterReport | None] = (None, None),
    progress: Any = None,
    pauses: bool = False,
) -> Steps[tuple[ApplyReport, ApplyReport, int]]:
    """:func:`apply_dialogue` in steps: it yields after each character's motion, every few hundred
    readings of the heads for eye contact (:func:`.gaze.sample_steps`) and after each character's
    eyes, and returns what :func:`apply_dialogue` returns; the keys are the same. A range
    (``options.replace_range``) yields too every :data:`.range_keys.ROWS_PER_STEP` keys it rewrites
    or puts back (with eye contact: each character's un-turned motion, the heads' reading, the take
    put back, then the range: :func:`_range_with_gaze`). ``progress`` hears fractions weighted by
    what each part costs (:data:`TAKE_SHARES`, :data:`RANGE_SHARES`).

    ``pauses``: the caller returns to Blender at each yield (the add-on's Generate, one step per
    timer tick), so what the heads are read in (Time Stretching off, the animator's head keys
    muted, heads shown, skinned meshes off, the frame) is put back before each yield. Closing the
    steps early (``close()``) leaves what a whole take keyed so far (Remove Take takes it off: the
    add-on's Esc), and puts a range's take back as it was (:func:`.range_keys.kept_on_failure`);
    the turn markers and the undo step come in the last step."""
    motion_a, motion_b = check_motion(motion_a), check_motion(motion_b)
    check_one_rate(motion_a, motion_b)  # turns and eye contact compare them frame by frame
    options = options or ApplyOptions()
    scene = scene or bpy.context.scene
    options, kept_turn = side_by_side.resolved(options, (obj_a, obj_b))  # "auto": as the take playing now
    inner = options.replace(undo_push=False)
    inner.validate()
    pair = _inspect_pair((obj_a, obj_b), inner, reports)
    for motion in (motion_a, motion_b):
        check_frame_span(scene, motion, inner.start_frame)
    reads = keying.DigestReads()  # each record of the keys DualTalk wrote decoded once for the pair
    for report in pair:  # refuse before keying either character
        refuse_unusable(report, inner, reads)
    pair[0].partners, pair[1].partners = [pair[1].mesh], [pair[0].mesh]  # neither follows the other
    if inner.replace_range is None:  # the take's record is about to replace the ones naming their files
        from . import sound

        sound.record_older_strips(scene)
    aiming = inner.gaze and (motion_a.gaze_target is not None or motion_b.gaze_target is not None)
    with _TakeRange(scene, inner, (obj_a, obj_b)) as take_range:
        rep_a, rep_b = yield from _key_pair(
            scene,
            (obj_a, obj_b),
            (motion_a, motion_b),
            inner,
            pair,
            aiming=aiming,
            progress=progress,
            reads=reads,
            pauses=pauses,
        )
        if aiming and inner.replace_range is None:
            rep_a, rep_b = yield from _mutual_gaze(
                scene,
                (obj_a, obj_b),
                (motion_a, motion_b),
                (rep_a, rep_b),
                inner,
                pair,
                progress,
                reads,
                pauses,
            )
    first, last = min(rep_a.first_frame, rep_b.first_frame), max(rep_a.last_frame, rep_b.last_frame)
    rep_a.warnings += take_range.said(first, last)
    rep_a.notes += [kept_turn] if kept_turn and aiming and inner.replace_range is None else []
    stretched = plan.time_stretch_warning(*scene_stretch(scene))
    if stretched in rep_a.warnings:  # said once for the scene, not once per character
        rep_b.warnings = [w for w in rep_b.warnings if w != stretched]
    shared_rig = pair[0].armature
    if shared_rig is not None and shared_rig == pair[1].armature:
        # one armature object holds one action: B's head and bone motion replaced A's
        rep_b.warnings.append(
            f"{rep_a.character} and {rep_b.character} are deformed by the same armature {shared_rig.name!r} "
            f"(a linked duplicate?), so only {rep_b.character}'s head motion is kept; give each character "
            "its own armature (Object > Relations > Make Single User, or duplicate the rig with Shift+D)"
        )
    n_markers = 0
    names = (rep_a.character, rep_b.character)  # the pair: its earlier markers go, another pair's stay
    if options.replace_range is None:  # a whole take rewrites the marker record: a damaged one is said
        damage = marker_damage_warning(scene, "replaced" if options.markers else "removed")
        rep_a.warnings += [damage] if damage is not None else []
    if options.markers and options.replace_range is None:  # a range keeps the take's markers
        metas = (layers.take_meta(obj_a) or {}, layers.take_meta(obj_b) or {})  # which scene made it
        ids = {rep_a.character: metas[0].get("take_id"), rep_b.character: metas[1].get("take_id")}
        take = {"take": inner.take, "start_frame": rep_a.first_frame, "fps": rep_a.fps, "ids": ids}
        n_markers = add_turn_markers(scene, motion_a, motion_b, inner.start_frame, names=names, take=take)
    elif options.replace_range is None:  # markers off: the earlier take's would mark another take's turns
        remove_turn_markers(scene, names)
    if options.replace_range is None:  # how the take was keyed, for a range of it (range_plan.take_keyed)
        from .range_plan import note_keyed
        from .take_history import note_played

        note_keyed((obj_a, obj_b), options)
        note_played(scene, names, inner.take)  # Remove Take of a later take plays this one again
    if options.undo_push:
        compat.undo_push("DualTalk: animate dialogue")
    return rep_a, rep_b, n_markers


def remove_turn_markers(scene: Any, pair: Any = None) -> int:
    """Remove the turn markers DualTalk made in ``scene`` (:func:`owned_markers`; the animator's stay)
    and its record of them; returns how many went. With ``pair``: only those a take of that pair
    replaces; another conversation's stay, with their record."""
    records = marker_records(scene)
    mine = owned_markers(scene, pair)
    for marker in mine:
        scene.timeline_markers.remove(marker)
    write_marker_records(scene, [] if pair is None else _other_pairs(records, pair, scene), records)
    return len(mine)
