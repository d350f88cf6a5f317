"""What the panel's Generate / Cancel / Export buttons do, kept out of the operators.

A :class:`GenerationRun` turns the panel settings into a worker job, starts the worker
(:mod:`.worker_client`), is polled by the modal operator's timer, and only when the
worker succeeded reads the two motion files back and keys both characters, the turn
markers and the sound strips -- all inside the operator's single undo step. Cancel or a
failed worker leaves the scene exactly as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.request import Request
from ...inference.core.timebase import SAMPLE_RATE, frames_for
from ..rig.options import ApplyOptions, link
from ..rig.plan import OffsetWords, recorded_offset_b
from ..scene.paths import abspath, refuse_unsaved_relative
from ..scene.sound import add_dialogue_strip, blend_relative, remove_our_strips
from . import panel_options, state, worker_client
from .job import Outcome
from .worker_client import CANCELLED, DONE, RUNNING, WorkerProcess

if TYPE_CHECKING:
    from ...inference.core.motion import Motion
    from ..scene.apply import TakeLength

FORMS = ("STEREO", "TWO_FILES", "MONO_TURNS", "MONO_AUTO")

# How Re-generate Preview Range names the shift a take was made with: the panel's field (in seconds)
_FIELD = next(o for o in panel_options.ENGINE_SIDE if o.name == "offset_b").title
PANEL_OFFSET = OffsetWords(
    name=_FIELD,
    unit=" s",
    given="{name} is {value}{unit}",
    fix="set {name} to {value}{unit}",
    own=" (or to 0: the take's own)",
)

# The run in progress (one at a time per Blender session); the Cancel operator reaches it here.
ACTIVE: GenerationRun | None = None


def generation_running() -> bool:
    """Whether a DualTalk generation runs now (one at a time per Blender session)."""
    return ACTIVE is not None and ACTIVE.running


def qualifies(obj: Any) -> bool:
    """Cheap poll for the character pickers: a mesh with shape keys or an armature with a mesh child."""
    if obj is None:
        return False
    if obj.type == "MESH":
        return obj.data.shape_keys is not None or (obj.parent is not None and obj.parent.type == "ARMATURE")
    if obj.type == "ARMATURE":
        return any(c.type == "MESH" for c in obj.children)
    return False


def _rig_fingerprint(obj: Any, preset: str = "auto", custom_map: str = "") -> tuple[Any, ...]:
    """What inspecting a character depends on, cheap enough to read on every redraw.

    Each related object (the pick, its parent and armature-modifier rig, its children; all
    descendants of an armature) by session id and address -- so a report whose fingerprint still
    matches holds live objects -- with its mesh data and how many users share it, shape-key names,
    whether they are relative and which are driven, bone names and rest positions, and whether each
    is linked from a library or overridden; plus the preset and the custom map file's path and
    modification time.
    """
    related = [obj, *(obj.children_recursive if obj.type == "ARMATURE" else obj.children)]
    if obj.parent is not None:
        related.append(obj.parent)
    if obj.type == "MESH":
        related += [m.object for m in obj.modifiers if m.type == "ARMATURE" and m.object is not None]
    related = list({o.session_uid: o for o in related}.values())  # a parent is often the modifier's rig
    path = abspath(custom_map) if preset == "custom" else ""
    try:
        mtime = os.stat(path).st_mtime_ns if path else 0
    except OSError:
        mtime = -1
    return (preset, path, mtime, *(_object_fingerprint(o) for o in related))


def _linked(idblock: Any) -> tuple[bool, bool]:
    """Whether a datablock is linked, or a library override (Make Local changes either in place)."""
    return idblock.library is not None, idblock.override_library is not None


def _object_fingerprint(o: Any) -> tuple[Any, ...]:
    ident = (o.session_uid, o.as_pointer(), o.name, o.type, _linked(o))
    data = o.data
    if o.type == "MESH":
        keys = data.shape_keys
        shape = (
            ()
            if keys is None
            else (keys.as_pointer(), keys.use_relative, _linked(keys), *(kb.name for kb in keys.key_blocks))
        )
        ad = keys.animation_data if keys is not None else None
        driven = tuple((fc.data_path, fc.mute) for fc in ad.drivers) if ad is not None else ()
        return (*ident, data.session_uid, data.as_pointer(), data.users, _linked(data), shape, driven)
    if o.type == "ARMATURE":
        heads = np.empty(len(data.bones) * 3, dtype=np.float32)
        tails = np.empty(len(data.bones) * 3, dtype=np.float32)
        data.bones.foreach_get("head_local", heads)  # rest positions: where the head points (up axis)
        data.bones.foreach_get("tail_local", tails)
        names = tuple(b.name for b in data.bones)
        return (*ident, data.session_uid, data.as_pointer(), names, heads.tobytes(), tails.tobytes())
    return ident


def character_summary(obj: Any, preset: str = "auto", custom_map: str = "") -> str:
    """The one-line rig summary shown under each picker (never raises).

    Cached per rig fingerprint, so redraws do not re-inspect the rig or re-read the map file.
    """
    if obj is None:
        return "no character chosen"
    try:
        key = _rig_fingerprint(obj, preset, custom_map)
    except Exception:  # an object mid-deletion: draw without the cache
        key = None
    if key is not None and key in state.RIG_SUMMARIES:
        return state.RIG_SUMMARIES[key]
    text = _inspect_summary(obj, preset, custom_map)
    if key is not None:
        if len(state.RIG_SUMMARIES) > 64:
            state.RIG_SUMMARIES.clear()
        state.RIG_SUMMARIES[key] = text
    return text


def picked_character(obj: Any, preset: str = "auto", custom_map: str = "") -> tuple[str, Any]:
    """What the panel draws for a picked character on every redraw, from one fingerprint of its rig:
    the summary (:func:`character_summary`) and its (mesh, armature) (:func:`character_parts`)."""
    try:
        key = _rig_fingerprint(obj, preset, custom_map)
    except Exception:  # an object mid-deletion: draw without the cache
        key = None
    parts = character_parts(obj, key)  # first: it drops a summary made before a change it sees
    summary = state.RIG_SUMMARIES.get(key) if key is not None else None
    return (summary if summary is not None else character_summary(obj, preset, custom_map)), parts


def character_parts(obj: Any, fingerprint: tuple[Any, ...] | None = None) -> tuple[Any, Any] | None:
    """``find_mesh_and_armature(obj)`` for the panel's redraws (None where it refuses), looked up again
    only when the rig changed: cached by its :func:`_rig_fingerprint` (``fingerprint``, when the caller
    has it), for an armature also by the number of objects in the file, and checked against what the
    fingerprint leaves out: each candidate face's name and vertex count, and whether a face the rig
    deforms by an Armature modifier alone (not its child) still is, in one of its scenes. A change
    only these checks see also drops the rig's cached summaries (read from the same lookup)."""
    from ..scene.characters import find_mesh_and_armature, rig_meshes

    if obj is None:
        return None
    try:
        fp = fingerprint if fingerprint is not None else _rig_fingerprint(obj)
        key = (fp[3:], len(bpy.data.objects) if obj.type == "ARMATURE" else 0)
        hit = state.RIG_PARTS.get(key)
        if hit is not None:
            if _parts_checks(obj, hit[1]) == hit[1]:
                return hit[0]
            for stale in [k for k in state.RIG_SUMMARIES if k[3:] == key[0]]:
                del state.RIG_SUMMARIES[stale]
    except Exception:  # an object mid-deletion: look it up without the cache
        key = None
    try:
        parts = find_mesh_and_armature(obj)
        checks = ()
        if obj.type == "ARMATURE":
            own = {o.session_uid for o in obj.children_recursive}
            checks = _parts_checks(obj, tuple((m.name, m.session_uid not in own) for m in rig_meshes(obj)))
    except Exception:  # a half-set-up character: nothing to list or remove
        parts, checks = None, ()
    if key is not None:
        if len(state.RIG_PARTS) > 64:
            state.RIG_PARTS.clear()
        state.RIG_PARTS[key] = (parts, checks)
    return parts


def other_scenes(parts: tuple[Any, Any] | None, scene: Any) -> str:
    """ "scene 'Scene2'" when the picked character's mesh or rig (``parts``, from
    :func:`character_parts`) is also in other scenes, else "": the panel warns before Generate that
    one object carries one animation (:func:`..scene.remove_take.shared_scene_warnings` says it
    again when the run starts)."""
    from ..scene.remove_take import scene_words, scenes_besides

    others = scenes_besides(parts, scene) if parts is not None else []
    return scene_words(others) if others else ""


def forget_rigs(*_args: Any) -> None:
    """``depsgraph_update_post``: after an edit that changed an object's data or modifiers (a mesh
    bound to a rig, keys added), the panel looks its characters up again. Playback does not run
    this handler (only edits do), so redraws while scrubbing keep the cache."""
    depsgraph = _args[1] if len(_args) > 1 else None
    updates = getattr(depsgraph, "updates", None)
    if updates is None:
        return
    for update in updates:
        if update.is_updated_geometry and isinstance(
            update.id, (bpy.types.Object, bpy.types.Mesh, bpy.types.Key)
        ):
            state.RIG_PARTS.clear()
            state.RIG_SUMMARIES.clear()
            return


def _parts_checks(arm: Any, checks: tuple) -> tuple:
    """For each candidate face of ``arm`` in ``checks`` ((name, deformed by a modifier alone), ...):
    the object of that name now (by name: a face kept from an earlier redraw may be gone after an undo)
    by session id and address, its vertex count, and for one deformed by a modifier alone whether it
    still is by ``arm``, in a scene of ``arm``'s."""
    out = []
    scenes = None
    for name, outside, *_ in checks:
        mesh = bpy.data.objects.get(name)
        if mesh is None or mesh.type != "MESH":
            out.append((name, outside, None))
            continue
        keys = mesh.data.shape_keys
        now = (
            mesh.session_uid,
            mesh.as_pointer(),
            len(mesh.data.vertices),
            len(keys.key_blocks) if keys else 0,
        )
        if outside:
            if scenes is None:
                scenes = {s.session_uid for s in arm.users_scene}
            hangs = any(m.type == "ARMATURE" and getattr(m, "object", None) == arm for m in mesh.modifiers)
            now += (hangs and bool(scenes & {s.session_uid for s in mesh.users_scene}),)
        out.append((name, outside, now))
    return tuple(out)


def _inspect_summary(obj: Any, preset: str, custom_map: str) -> str:
    """What the rig offers; first, for a character linked from a library, Generate's refusal (in its
    words, the library by file name): what to make local before it can be animated."""
    try:
        from ..scene.characters import inspect_character, linked_refusal

        mapping = None
        if preset == "custom":
            if not custom_map:
                return "custom map: no file chosen"
            from ..rig.mapping import load_mapping

            mapping = load_mapping(abspath(custom_map))
            preset = "auto"
        report = inspect_character(obj, preset, mapping)
        linked = linked_refusal(report.mesh, report.armature, file_name_only=True)
        return report.summary if linked is None else f"{linked}; {report.summary}"
    except DualTalkError as exc:
        return str(exc)
    except Exception as exc:  # the panel must draw whatever the rig looks like
        return f"cannot inspect: {type(exc).__name__}: {exc}"


def model_dir(prefs: Any = None) -> Path:
    """The preferences' model folder, else the downloader's default (``~/.cache/dualtalk``)."""
    from ...inference.download import default_model_dir

    chosen = abspath(prefs.model_dir) if prefs is not None and prefs.model_dir else ""
    return Path(chosen) if chosen else default_model_dir()


def _need_file(label: str, path: str | None, chosen: str = "") -> str:
    """``path`` in full once it names a file; ``chosen``: the panel's own text for it (a ``//`` path
    in a file never saved is refused, :func:`refuse_unsaved_relative`)."""
    refuse_unsaved_relative(label, chosen)
    p = abspath(path or "")
    if not p:
        raise DualTalkError(f"choose the {label}")
    if os.path.isdir(p):
        what = "an audio file" if label.startswith("audio file") else "a file"
        raise DualTalkError(f"{p} is a folder, not {what}; choose the {label}")
    if not os.path.isfile(p):
        raise DualTalkError(f"{label} not found: {p}")
    return p


def panel_request(s: Any, prefs: Any = None) -> Request:
    """The engine-side options the panel asks for: one read per declared panel option, then what only
    the panel's layout decides (the audio form, *Part of the recording*, *Custom amounts*, files that
    must exist, the checkpoint in the model folder)."""
    values: dict[str, Any] = {o.name: panel_options.read(s, o) for o in panel_options.ENGINE_SIDE}
    form = s.audio_form
    if form not in FORMS:
        raise DualTalkError(f"unknown audio form {form!r}")
    label = "audio file" if form != "TWO_FILES" else "audio file of A"
    values["audio"] = _need_file(label, values["audio"], s.audio)
    values["audio_b"] = (
        _need_file("audio file of B", values["audio_b"], s.audio_b) if form == "TWO_FILES" else None
    )
    if form != "TWO_FILES":  # a shift left in the field from the two-files form: B has no file to shift
        values["offset_b"] = None
    if form == "MONO_TURNS":
        values["turns"] = _need_file("turns file", values["turns"], s.turns)
    else:
        values["turns"] = values["speaker_a"] = None
    values["diarize"] = form == "MONO_AUTO"
    if values["transcript"]:  # optional: lips drawn from what each character says
        values["transcript"] = _need_file("transcript file", values["transcript"], s.transcript)
    if not s.use_range:
        values["start"] = values["end"] = None
    values.update(_panel_amounts(s))
    if values["engine"] == "lite":
        values["checkpoint"] = None
    elif values["checkpoint"] is not None or values["engine"] == "dualtalk":
        chosen = values["checkpoint"] or str(model_dir(prefs) / "DualTalk.pth")
        values["checkpoint"] = _need_file(
            "DualTalk checkpoint", chosen, s.checkpoint if values["checkpoint"] else ""
        )
    return Request(**values)


def _panel_amounts(s: Any) -> dict[str, Any]:
    """The behaviour layers' amounts: the sliders under *Custom amounts*, else the engine's own."""
    amounts = [o for o in panel_options.ENGINE_SIDE if o.kind == "amount"]
    return {o.name: panel_options.read(s, o) if s.behaviour_custom else None for o in amounts}


def panel_names(s: Any) -> list[str]:
    """The settings ``scene.dualtalk`` holds (its registered properties), as a script sets them."""
    return [p.identifier for p in s.bl_rna.properties if p.identifier not in ("rna_type", "name")]


def set_panel(scene: Any, **values: Any) -> Any:
    """Set the panel's settings (``scene.dualtalk``) from a script, as a checked call: Blender lets a
    property group take any attribute, so ``scene.dualtalk.mood = "friendly"`` (the panel's name is
    ``behaviour_mood``) or a typo is kept in memory, never used and never saved. A name the panel does
    not have is refused in one line, with the name it has for that option, and so is a value Blender
    refuses for its setting; nothing is set then.
    Returns ``scene.dualtalk``. docs/scripting.md lists the names."""
    s = scene.dualtalk
    known = panel_names(s)
    for name in values:
        if name not in known:
            raise DualTalkError(f"scene.dualtalk has no setting {name!r}{_did_you_mean(name, known)}")
    before = {name: getattr(s, name) for name in values}
    for name, value in values.items():
        try:
            setattr(s, name, value)
        except (TypeError, ValueError) as exc:  # bpy's own words for a bad value; nothing stays set
            for done, old in before.items():
                setattr(s, done, old)
            raise DualTalkError(f"scene.dualtalk.{name}: {exc}") from None
    return s


def _did_you_mean(name: str, known: list[str]) -> str:
    """``; the panel calls it 'behaviour_mood'`` for an option's Request/CLI name, else the closest
    names; "" when none is close."""
    import difflib

    by_option = {
        o.name: names
        for o in panel_options.PANEL_OPTIONS
        if (names := [n for n, _key in panel_options.property_names(o)]) != [o.name]
    }
    key = name.removeprefix("--").replace("-", "_")
    if key not in by_option and f"behaviour_{key}" in known:  # seed -> behaviour_seed
        by_option[key] = [f"behaviour_{key}"]
    if key in by_option:
        return f"; the panel calls it {' / '.join(repr(n) for n in by_option[key])}"
    close = difflib.get_close_matches(name, known, n=2)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _changed(s: Any, name: str) -> bool:
    """Whether the panel property ``name`` holds another value than its default (a float as typed)."""
    default = s.bl_rna.properties[name].default
    value = getattr(s, name)
    if isinstance(value, float):
        return abs(value - float(default)) > 1e-6
    return bool(value != default)


def _label(s: Any, name: str) -> str:
    return str(s.bl_rna.properties[name].name or name)


def ignored_settings(s: Any, *, regenerating: bool = False) -> list[str]:
    """Panel values a run does not use because the toggle that shows them is off: the panel hides
    them then, but a script that sets ``scene.dualtalk.start`` (or an amount, or B's shift) without
    the toggle would get a take made without them and not know. One warning per toggle, only for
    values changed from their defaults; what the run does is unchanged. ``regenerating``: Re-generate
    Preview Range, which hears the take's own part with *Part of the recording* off (its refusal says
    to turn it off), so Start/End left there are not worth a word."""
    out = []
    if not s.use_range and not regenerating:
        moved = [_label(s, n) for n in ("start", "end") if _changed(s, n)]
        if moved:
            what = " and ".join(moved)
            out.append(
                f"{what} {'are' if len(moved) > 1 else 'is'} set but {_label(s, 'use_range')} is off, "
                f"so {'they are' if len(moved) > 1 else 'it is'} not used; tick {_label(s, 'use_range')} "
                f"(use_range) to use {'them' if len(moved) > 1 else 'it'}"
            )
    if not s.behaviour_custom:
        amounts = [o for o in panel_options.ENGINE_SIDE if o.kind == "amount"]
        names = [n for o in amounts for n, _key in panel_options.property_names(o)]
        moved = [_label(s, n) for n in names if _changed(s, n)]
        if moved:
            custom = _label(s, "behaviour_custom")
            out.append(
                f"{', '.join(moved)} set but {custom} is off, so the engine's own amounts are used; "
                f"tick {custom} (behaviour_custom) to use them"
            )
    if s.audio_form != "TWO_FILES" and _changed(s, "offset_b"):
        out.append(
            f"{_label(s, 'offset_b')} is set but the audio is not in the Two files form, so it is not used"
        )
    return out


def check_characters(s: Any) -> tuple[Any, Any]:
    a, b = s.char_a, s.char_b
    if a is None or b is None:
        raise DualTalkError("choose both characters (A and B)")
    if a == b:
        raise DualTalkError("character A and character B must be different objects")
    scene: Any = getattr(s, "id_data", None)  # the scene the panel belongs to
    for label, obj in (("A", a), ("B", b)):
        # deleting with X only unlinks: the picker still holds an object no longer in any view
        if isinstance(scene, bpy.types.Scene) and not _in_scene(obj, scene.session_uid):
            raise DualTalkError(
                f"character {label} {obj.name!r} is not in scene {scene.name!r} (deleted?); choose it again"
            )
    for obj in (a, b):
        if not qualifies(obj):
            raise DualTalkError(f"{obj.name!r} is not a character (needs shape keys or an armature)")
    return a, b


def _panel_scene_options(s: Any, prefs: Any, take: str) -> ApplyOptions:
    values = {o.name: panel_options.read(s, o) for o in panel_options.SCENE_SIDE}
    map_path = values["map"]
    if map_path is not None:
        assert isinstance(map_path, str)  # a path option reads as its absolute path
        values["map"] = _need_file("custom map", map_path, s.map)
    flame_map = abspath(prefs.flame_map) if prefs is not None and prefs.flame_map else None
    if flame_map and not os.path.isfile(flame_map):  # dropped silently, the run would key jaw and head only
        raise DualTalkError(
            f"FLAME map file in the add-on preferences not found: {flame_map}; choose it again or clear it"
        )
    values["flame_map"] = flame_map or None
    # the operator's UNDO flag makes the whole run one undo step
    return ApplyOptions.from_values(values, take=take, undo_push=False)


def build_job(s: Any, work_dir: Path, prefs: Any = None) -> dict[str, Any]:
    """Validate the settings (one-line errors, the same as the CLI's) and return the worker job dict."""
    check_characters(s)
    request, _options = link(panel_request(s, prefs), _panel_scene_options(s, prefs, "take"))
    return {"out_dir": str(work_dir), **request.validate().to_job()}


def apply_options(s: Any, prefs: Any = None, take: str = "take") -> ApplyOptions:
    """How the panel keys the result: its scene-side options (the Python API's ApplyOptions)."""
    return link(Request(**_panel_amounts(s)), _panel_scene_options(s, prefs, take))[1]


@dataclass(frozen=True)
class TakeSound:
    """The recording a take was made from, and whether to place it: fixed when Generate is pressed,
    so a file (or *Form*, or *Sound strip*) changed while the worker runs never plays under the take."""

    files: tuple[str, ...]  # one recording (both voices), or A's and B's files
    place: bool = True  # the panel's *Sound strip*: off removes an earlier take's strip instead
    # each file was chosen ``//``-relative in the panel: its strip keeps it so
    relative: tuple[bool, ...] = ()
    offset_b: float = 0.0  # two files: B's started this many seconds before A's (*B Starts Earlier By*)

    @property
    def roles(self) -> tuple[str, ...]:
        """Strip roles: one recording is named as animate and the demo name it."""
        return ("A", "B") if len(self.files) == 2 else ("dialogue",)

    @classmethod
    def of_panel(cls, s: Any) -> TakeSound:
        """What the panel names now (a kept take made before its recording was saved with it)."""
        two = s.audio_form == "TWO_FILES"
        chosen = [s.audio] + ([s.audio_b] if two else [])
        files = [abspath(c) for c in chosen]
        offset = float(getattr(s, "offset_b", 0.0) or 0.0) if two else 0.0
        return cls(tuple(files), bool(getattr(s, "sound_strip", True)), _relative(chosen), offset)

    @classmethod
    def of_job(cls, audio: dict[str, Any], place: bool, settings: Any = None) -> TakeSound:
        """The worker job's recording: the files the take is animated from (``settings``: the panel
        that chose them, to keep a ``//`` choice ``//``-relative)."""
        files = [audio.get("audio") or ""] + ([audio["audio_b"]] if audio.get("audio_b") else [])
        chosen = [] if settings is None else [settings.audio, settings.audio_b][: len(files)]
        offset = recorded_offset_b(audio) if len(files) == 2 else 0.0
        return cls(tuple(str(f) for f in files), place, _relative(chosen), offset)

    @classmethod
    def of_result(cls, result: dict[str, Any], place: bool) -> TakeSound | None:
        """The recording a kept take's ``result.json`` names (``audio_files``); None when it names none."""
        files = result.get("audio_files")
        if not isinstance(files, list) or not 1 <= len(files) <= 2:
            return None
        if not all(isinstance(f, str) for f in files):
            return None
        source = result.get("source")  # the shift B's file was read with, as the take's audio records it
        offset = recorded_offset_b(source) if isinstance(source, dict) and len(files) == 2 else 0.0
        return cls(tuple(files), place, offset_b=offset)

    @classmethod
    def of_motion(cls, motion_path: Path, s: Any, warnings: list[str]) -> TakeSound | None:
        """The recording a take folder without ``result.json`` (``infer --out``) was made from, as its
        motion file records it (``meta["source"]``: the file names and their contents' fingerprint,
        ``inference/audio/dialogue.recording_fingerprint``): the panel's audio when it is that
        recording, else the recorded file where it is found (as recorded, or from the take's folder
        or one above it) with the same contents, else no strip; ``warnings`` says when the panel's
        audio is another recording. None: the motion records none (the panel's audio, as before)."""
        from ...inference.core.motion import load_motion

        panel = cls.of_panel(s)
        if not panel.place:  # no strip either way (an earlier one is removed)
            return panel
        source = load_motion(motion_path).meta.get("source")
        if not isinstance(source, dict) or not source.get("audio"):
            return None
        recorded = [str(source["audio"])] + ([str(source["audio_b"])] if source.get("audio_b") else [])
        fingerprint = str(source.get("fingerprint") or "")
        names = " and ".join(Path(f).name for f in recorded)
        offset = recorded_offset_b(source) if len(recorded) == 2 else 0.0
        if _same_recording(list(panel.files), recorded, fingerprint):
            return cls(panel.files, True, panel.relative, offset)
        panel_files = " and ".join(Path(f).name for f in panel.files if f) or "no file"
        found = _find_recording(recorded, fingerprint, motion_path.parent)
        if found is not None:
            if any(panel.files):
                warnings.append(
                    f"this take was made from {names}, not the panel's audio ({panel_files}): "
                    f"its sound strip plays that recording, found at {found[0]}"
                )
            return cls(tuple(found), True, offset_b=offset)
        warnings.append(
            f"this take was made from {names}, which was not found, and the panel's audio ({panel_files}) "
            f"is another recording: no sound strip placed; choose {names} as the audio and apply the take again"
        )
        return cls(panel.files, False, panel.relative, offset)


def _same_recording(files: list[str], recorded: list[str], fingerprint: str) -> bool:
    """Whether ``files`` are the recording a take records: by contents where it records them, else
    by file names (a motion file made before takes recorded a fingerprint)."""
    from ...inference.audio.dialogue import recording_fingerprint

    if len(files) != len(recorded) or not all(f and os.path.isfile(f) for f in files):
        return False
    if fingerprint:
        return recording_fingerprint([Path(f) for f in files]) == fingerprint
    return [Path(f).name for f in files] == [Path(r).name for r in recorded]


def _find_recording(recorded: list[str], fingerprint: str, folder: Path) -> list[str] | None:
    """The recorded files where they are: as recorded (absolute, or from Blender's working folder),
    else from the take's folder or one of the three above it (``infer --out out/take`` run beside
    ``audio/``), else beside the take; only files with the recorded contents (a take that records
    no fingerprint: only an absolute path, as recorded). None when not found."""
    if not fingerprint:
        return recorded if all(os.path.isabs(r) and os.path.isfile(r) for r in recorded) else None
    bases = [Path.cwd(), folder, *list(folder.parents)[:3]]
    tries = [[abspath(r) for r in recorded]]
    tries += [
        [str(base / r) for r in recorded] for base in bases if not any(os.path.isabs(r) for r in recorded)
    ]
    tries.append([str(folder / Path(r).name) for r in recorded])
    for files in tries:
        if _same_recording(files, recorded, fingerprint):
            return [os.path.abspath(f) for f in files]
    return None


def _relative(chosen: list[str]) -> tuple[bool, ...]:
    return tuple(str(c or "").startswith("//") for c in chosen)


def place_sound_strips(
    scene: Any,
    sound: TakeSound,
    start_time: float,
    start_frame: int,
    frames: int | None = None,
    pair: tuple[str, str] | None = None,
) -> list[str]:
    """Put the take's recording in the sequencer aligned with the animation; [] where unsupported.

    ``pair``: the two characters' names; the strips replace only that pair's earlier ones (and any
    that name no pair), so another conversation in the scene keeps its sound (:mod:`..scene.sound`).

    ``frames``: the take's length in scene frames; the audio stops where the take does (an *End*
    inside the recording), not at the end of the file. Each sound is stored ``//``-relative as
    ``animate`` stores it (:func:`..scene.sound.blend_relative`): a recording in or under the saved
    .blend's folder, or one the panel named ``//``-relative, still plays once the folder moves.

    Two files recorded apart (``sound.offset_b``: B's file started that many seconds before A's) play in
    step as the take heard them: B's strip is trimmed at its head by that much more (a negative shift:
    it starts that much later on the timeline; none where B's file lies wholly after the take's end)."""
    try:
        import aud  # noqa: F401  (Blender builds without audio have no aud module)
    except ImportError:
        return []
    remove_our_strips(scene, pair)
    fps = scene.render.fps / scene.render.fps_base
    skip = int(round(start_time * fps))
    end_frame = None if frames is None else int(start_frame) + int(frames)
    names = []
    relative = (*sound.relative, *(False,) * len(sound.files))[: len(sound.files)]
    for path, role, chosen_relative in zip(sound.files, sound.roles, relative, strict=True):
        if not path or not os.path.isfile(path):
            continue
        # where the take's first frame is in this file: B's file runs offset_b seconds ahead of A's
        into = int(round((start_time + sound.offset_b) * fps)) if role == "B" else skip
        first = int(start_frame) + max(0, -into)  # a file started after the take's first frame
        if end_frame is not None and first >= end_frame:
            continue
        try:
            strip = add_dialogue_strip(
                scene, path, role, first, skip_frames=max(0, into), end_frame=end_frame, pair=pair
            )
        except (RuntimeError, TypeError):
            continue
        strip.sound.filepath = blend_relative(bpy, path, chosen_relative)
        names.append(strip.name)
    return names


def preflight(
    s: Any,
    options: Any,
    *,
    scene: Any = None,
    audio: dict[str, Any] | None = None,
    warnings: list[str] | None = None,
) -> list[tuple[Any, tuple[Any, ...]]]:
    """Check before any inference that applying will work: options, map files, both rigs, and,
    given the worker job's ``audio`` and the ``scene``, that the take fits Blender's frames
    (:func:`check_take_fits`). ``warnings`` (given a ``scene``) receives what to say before the run:
    a character that is also in another scene, where this take replaces the one it plays
    (:func:`..scene.remove_take.shared_scene_warnings`).

    Applying happens only after the worker succeeded; finding a bad map file or an
    unusable rig then would waste the run and could leave one character keyed. Returns each
    character's report with the rig fingerprint it was made from, so applying reuses the
    report while the rig is unchanged: one inspection per character per Generate.
    """
    from ..rig.mapping import load_mapping
    from ..scene.apply import inspect_for, refuse_unusable

    options.validate()
    mapping = load_mapping(options.mapping) if isinstance(options.mapping, str) else options.mapping
    if options.flame_map:
        from ..rig.flame_arkit import load_arkit_flame_map

        load_arkit_flame_map(options.flame_map)
    a, b = check_characters(s)
    parsed = options.replace(mapping=mapping) if mapping is not None else options
    inspected = [(inspect_for(obj, parsed), _rig_fingerprint(obj)) for obj in (a, b)]
    if inspected[0][0].mesh == inspected[1][0].mesh:
        raise DualTalkError("character A and character B use the same mesh object")
    for report, _fingerprint in inspected:  # the refusals applying would raise (linked data, no keys...)
        refuse_unusable(report, parsed)
    if scene is not None and audio is not None:
        check_take_fits(scene, audio, parsed)
    if scene is not None and warnings is not None:
        from ..scene.remove_take import shared_scene_warnings

        warnings += shared_scene_warnings((a, b), scene)
    return inspected


def scene_warnings(scene: Any) -> list[str]:
    """What the scene will do to the take that Generate should say before the run, not minutes later
    in the line after keying: Time Stretching plays the face at another speed than its sound."""
    from ..rig.plan import time_stretch_warning
    from ..scene.apply import scene_stretch

    stretched = time_stretch_warning(*scene_stretch(scene))
    return [stretched] if stretched is not None else []


def check_take_fits(scene: Any, audio: dict[str, Any], options: Any) -> None:
    """Refuse, before the worker starts, a take that would run past Blender's last frame: the motion
    the worker will make of the job's ``audio`` (its recording, or the Start/End part, or the window of
    a Re-generate Preview Range) is checked by the check keying applies to it (``check_frame_span``, with
    ``options.start_frame``), so both refuse the same takes in the same words. A length read
    generously is refused only when its fewest frames do not fit either; without a length to read
    (see :func:`take_length`) the keying's check alone refuses the take, after the run."""
    from ..scene.apply import TakeLength, check_frame_span

    length = take_length(audio)
    if length is None:
        return
    try:
        check_frame_span(scene, cast("Motion", length), options.start_frame)
    except DualTalkError:
        if length.at_least is not None:
            with contextlib.suppress(DualTalkError):
                check_frame_span(scene, cast("Motion", TakeLength(length.at_least)), options.start_frame)
                return  # it may fit after all: keying decides, on the motion itself
        raise


# Blender's own audio library counts an MP3's decoder delay and padding (measured: 0.03 s more than
# the worker's libsndfile; WAV, FLAC and Ogg agree to the sample): a length read with it may be this
# much shorter, so the check up front never refuses a take the keying would accept.
AUD_SLACK_S = 0.1


def take_length(audio: dict[str, Any]) -> TakeLength | None:
    """The frames of the motion the worker will make of the job's ``audio``, from the files' headers:
    as many as cover the 16 kHz samples its reader cuts (``loader.read_channels``: the part's ends
    rounded as it rounds them; two files: the longer one, both padded to the part, as
    ``dialogue._load_pair``). A Start/End the worker would refuse is refused here in its words.

    The headers are read as the worker reads them (soundfile); Blender's own Python usually lacks it,
    and then Blender's audio library reads them, an MP3's a little generously (``at_least`` allows for
    :data:`AUD_SLACK_S`). None when neither can (a build without audio, a file the worker will refuse
    in its own words)."""
    from ...inference.audio.loader import check_range, window_samples
    from ..scene.apply import TakeLength

    paths = [str(p) for p in (audio.get("audio"), audio.get("audio_b")) if p]
    lengths = [n for n in (_header_length(p) for p in paths) if n is not None and n[1] > 0]
    if not paths or len(lengths) != len(paths):
        return None
    durations = [frames / rate for frames, rate, _exact in lengths]
    if len(durations) == 2:  # B's file in the take's time ends offset_b earlier (negative: later)
        durations[1] -= recorded_offset_b(audio)
    exact = all(exact for _frames, _rate, exact in lengths)
    name = Path(paths[0]).name if len(paths) == 1 else "the longer file"
    try:
        start, end = check_range(max(durations), audio.get("start"), audio.get("end"), name)
    except DualTalkError:
        if exact:
            raise
        return None  # the worker reads the file its own way and says it
    first, last = window_samples(start, end)
    samples = last - first
    if len(paths) == 2:
        samples = max(samples, round((end - start) * SAMPLE_RATE))
    fewest = None if exact else frames_for(max(samples - round(AUD_SLACK_S * SAMPLE_RATE), 1))
    return TakeLength(frames_for(max(samples, 1)), at_least=fewest)


def _header_length(path: str) -> tuple[int, int, bool] | None:
    """(sample frames, sample rate, read as the worker reads it) of a recording, from its header."""
    try:
        import soundfile  # noqa: F401
    except ImportError:
        pass
    else:
        from ...inference.audio.loader import audio_info

        info = audio_info(path)  # a file the worker would refuse is refused here, in its words
        return info.frames, info.samplerate, True
    try:
        import aud
    except ImportError:
        return None
    try:
        sound = aud.Sound.file(path)
        return int(sound.length), int(sound.specs[0]), False
    except Exception:  # not a file Blender reads: the worker says why
        return None


def _unchanged(obj: Any, report: Any, fingerprint: tuple[Any, ...]) -> Any | None:
    """``report`` while ``obj`` is still the rig it was made from, else None."""
    try:
        return report if _rig_fingerprint(obj) == fingerprint else None
    except (ReferenceError, AttributeError, RuntimeError):  # an object mid-deletion: inspect it again
        return None


# The last stretch of a Generate's progress bar: keying the take into the scene, on Blender's UI
# thread once the worker is done (the worker's stages fill the rest, ``WorkerProcess.overall``).
KEYING_SHARE = 0.15
KEYING = "keying the take…"


class GenerationRun:
    """One Generate click (a :class:`~.job.Job`): worker job in a temp folder, polled by a timer,
    applied on success."""

    task = "generate"
    # Another file opened while it runs: it carries on (operators/modal.py follows it) and, as
    # the scene is gone when it ends, keeps the take in a folder of its own instead of losing it.
    outlives_file = True

    def __init__(
        self,
        scene: Any,
        settings: Any,
        prefs: Any = None,
        python: str | None = None,
        frame_range: tuple[int, int] | None = None,
        scripted: bool = True,
    ) -> None:
        """``scripted``: started by a script (the operator's execute), which may set values the panel
        hides behind an unticked toggle: :func:`ignored_settings` says so. From the panel's button
        (invoke) those values are hidden and left on purpose: nothing to say."""
        self.scene = scene
        self.settings = settings
        self.scene_uid = scene.session_uid
        self.prefs = prefs
        self.frame_range = frame_range
        self.range_plan: dict[str, Any] | None = None  # what a re-generated range was planned on
        self.notes: list[str] = []  # warnings found before the run, shown in the status line after it
        self.work_dir = Path(tempfile.mkdtemp(prefix="dualtalk_run_"))
        try:
            self.job = build_job(settings, self.work_dir, prefs)
            self.apply_opts = apply_options(settings, prefs)
            self.sound = TakeSound.of_job(self.job["audio"], bool(settings.sound_strip), settings)
            if frame_range is not None:
                self._plan_range(*frame_range)
            at_start: list[str] = []  # a character in another scene: said now, and after the run
            self.inspected = preflight(
                settings, self.apply_opts, scene=scene, audio=self.job["audio"], warnings=at_start
            )
            # hidden in the panel, set by a script: said, not used
            ignored = ignored_settings(settings, regenerating=frame_range is not None) if scripted else []
            self.notes += ignored
            self.warnings_at_start = ignored + scene_warnings(scene) + at_start
            # who was chosen, by session id (never reused, unlike a name or a freed pointer)
            self.chosen = tuple(_Chosen.of(obj, scene) for obj in check_characters(settings))
            self.python = python or self._python()
        except Exception:
            self.cleanup()
            raise
        self.worker: WorkerProcess | None = None

    def _plan_range(self, first: int, last: int) -> None:
        """Re-generate only ``first..last`` of the take: the engine hears the audio around it, in the
        recording the take was made from where the take records it (``plan.audio``): without *Part of
        the recording* the take's own part; a Start/End, *Swap A/B* or recording that is not the
        take's is refused in one line, in ``animate --range``'s words (``scene/range_plan.take_part``,
        ``check_take_recording``). A take that records none uses the panel's Start/End, as before."""
        from ..rig.plan import range_offset_b
        from ..scene.range_plan import PANEL_WORDS, check_take_recording, made_from, take_part

        plan, self.range_plan = _range_plan(self.scene, self.settings, first, last, self.apply_opts.crossfade)
        audio = self.job["audio"]
        need = f"Re-generate Preview Range (frames {first}-{last})"
        record = plan.audio
        if record is None:
            base = audio.get("start") or 0.0
            end = base + plan.audio_end
            end = end if audio.get("end") is None else min(end, audio["end"])
        else:
            base, take_end = take_part(record, audio.get("start"), audio.get("end"), need, PANEL_WORDS)
            end = min(base + plan.audio_end, take_end)
        audio["start"], audio["end"] = base + plan.audio_start, end
        if record is not None:  # B's file is read with the take's shift; another one is refused
            made = f"{need}: {made_from(record, PANEL_WORDS)}"
            audio["offset_b"] = range_offset_b(record, audio.get("offset_b"), made, PANEL_OFFSET)
        _check_recording_reaches(audio, need)
        if record is not None:
            files = (audio.get("audio"), audio.get("audio_b"))
            self.notes += check_take_recording(record, files, bool(audio.get("swap")), need, PANEL_WORDS)
        _range_options(self.apply_opts, self.range_plan)

    def _python(self) -> str:
        from .deps import resolve_python

        if self.prefs is None:
            return sys.executable
        return resolve_python(abspath(self.prefs.python_path), model_dir(self.prefs))

    def start(self) -> GenerationRun:
        global ACTIVE
        if generation_running():
            self.cleanup()
            raise DualTalkError("a DualTalk generation is already running; cancel it first")
        try:
            job_path = worker_client.write_job(self.work_dir / "job.json", self.job)
            self.worker = WorkerProcess(job_path, python=self.python).start()
        except BaseException:  # a full disk or a worker that cannot start: no temp folder left behind
            self.cleanup()
            raise
        ACTIVE = self
        return self

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state == RUNNING

    @property
    def fraction(self) -> float:
        """How far the whole run is: the worker's stages, then keying the take (:data:`KEYING_SHARE`)."""
        return self.worker.overall * (1.0 - KEYING_SHARE) if self.worker else 0.0

    @property
    def message(self) -> str:
        return self.finishing or (self.worker.message if self.worker else "")

    @property
    def finishing(self) -> str | None:
        """What :meth:`result` does next on Blender's UI thread, for the status line before it blocks:
        keying the take once the worker is done; None while it runs or when it failed."""
        return KEYING if self.worker is not None and self.worker.state == DONE else None

    def step(self) -> str:
        """Poll the worker; returns its state (running / done / error / cancelled / crashed)."""
        assert self.worker is not None
        self.worker.poll()
        return self.worker.state

    def poll(self) -> bool:
        return self.step() == RUNNING

    @property
    def progress(self) -> tuple[float, str]:
        return self.fraction, self.message

    def result(self) -> Outcome:
        return self.finish()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def finish(self) -> Outcome:
        """After the worker stopped: apply on success (scene changes happen only here), clean up."""
        global ACTIVE
        assert self.worker is not None
        try:
            state = self.worker.state
            if state == CANCELLED:
                return Outcome(False, "DualTalk: cancelled; the scene was not changed", cancelled=True)
            if state != DONE:
                return Outcome(False, f"DualTalk: {self.worker.error}")
            # Another file was opened (or the scene deleted) meanwhile: our scene and settings
            # pointers are dangling, and touching them would crash Blender. Look the scene up by its
            # session id (never reused, unlike a freed pointer) instead of dereferencing it.
            scene = next((sc for sc in bpy.data.scenes if sc.session_uid == self.scene_uid), None)
            if scene is None:
                return Outcome(
                    False,
                    "DualTalk: the scene was closed or deleted during generation; nothing was applied"
                    + self._kept("choose the characters in a scene", closed=True),
                )
            # an undo meanwhile reloads the scene's settings into new memory: read them afresh
            self.scene, self.settings = scene, scene.dualtalk  # type: ignore[attr-defined]  # ours, registered
            gone = self._gone()
            if gone:  # refused before keying either character: the partner is not half-animated
                roles = " and ".join(role for role, _what in gone)
                what = " and ".join(what for _role, what in gone)
                pick = f"choose character{'s' if len(gone) > 1 else ''} {roles}"
                return Outcome(False, f"DualTalk: {what}, so neither character was keyed" + self._kept(pick))
            try:
                return Outcome(True, self._apply(self.worker.result or {}))
            except DualTalkError as exc:
                return Outcome(False, f"DualTalk: {exc}" + self._kept("fix that"))
            except Exception as exc:  # a bug while keying: still one clear line, never a dead modal
                import traceback

                traceback.print_exc()
                return Outcome(
                    False, f"DualTalk: internal error while applying ({type(exc).__name__}: {exc})"
                )
        finally:
            if ACTIVE is self:
                ACTIVE = None
            self.cleanup()

    def _apply(self, result: dict[str, Any]) -> str:
        return key_take(
            self.scene,
            self.settings,
            self.apply_opts,
            result,
            self.inspected,
            self.frame_range,
            self.sound,
            notes=self.notes,
        )

    def _gone(self) -> list[tuple[str, str]]:
        """Each character chosen when Generate was pressed that cannot be keyed now, as (role,
        what happened): deleted (freed, or unlinked from the scene and kept alive only by the
        picker), no longer chosen (an undo, a cleared picker), or no longer a character (its mesh
        or rig deleted). Found by session id, never by name: a new object may carry the name.
        A character swapped for another one meanwhile is not listed: the new one is keyed."""
        s = self.settings
        gone = []
        for role, chosen, picked in zip("AB", self.chosen, (s.char_a, s.char_b), strict=True):
            if picked is not None and picked.session_uid != chosen.uid:
                continue
            obj = picked if picked is not None else chosen.find()
            here = obj is not None and _in_scene(obj, self.scene_uid)
            if obj is None or (chosen.was_in_scene and not here):
                gone.append((role, f"character {role} {chosen.name!r} was deleted while generating"))
            elif picked is None:
                gone.append((role, f"character {role} {obj.name!r} is no longer chosen in the panel"))
            elif not qualifies(obj):
                lost = f"character {role} {obj.name!r} lost its face mesh or rig while generating"
                gone.append((role, lost + " (needs shape keys or an armature)"))
        return gone

    def _kept(self, then: str, closed: bool = False) -> str:
        """Move the take out of the run's temp folder (removed after every run) into one of its own,
        and say how to key it: ``"; the take is kept: <then>, then run bpy.ops...(directory=...)"``.
        A re-generated range keeps its frames and the plan it was made for (:func:`apply_take`
        keys it only onto that same take): first reopen the file that held the take (``closed``).
        "" when the move fails."""
        if self.worker is None or not self.worker.result:
            return ""
        # the recording goes with it: Apply Saved Take places the audio the take was made from
        kept = {**self.worker.result, "audio_files": list(self.sound.files)}
        if self.frame_range is not None:
            if self.range_plan is None:
                return ""
            kept.update(frame_range=list(self.frame_range), range_plan=self.range_plan)
            if closed:
                then = "reopen the file that held the take"
        folder = keep_take(kept)
        if folder is None:
            return ""
        return f"; the take is kept: {then}, then run bpy.ops.dualtalk.apply_take(directory={str(folder)!r})"

    def cleanup(self) -> None:
        shutil.rmtree(self.work_dir, ignore_errors=True)


def _check_recording_reaches(audio: dict[str, Any], need: str) -> None:
    """Name the selection, before the worker starts, when the recording does not reach its window
    (a shorter file, a cut-off copy). Reading audio needs ``soundfile``, which Blender's own Python
    usually lacks (the worker's has it): there the worker refuses the window with the loader's words."""
    try:
        import soundfile  # noqa: F401
    except ImportError:
        return
    from ..rig.plan import check_range_reaches

    paths = (audio.get("audio"), audio.get("audio_b"))
    check_range_reaches(paths, audio["start"], audio["end"], audio.get("offset_b"), need)


class _Chosen:
    """A character as it was chosen when Generate was pressed."""

    def __init__(self, name: str, uid: int, was_in_scene: bool) -> None:
        self.name, self.uid, self.was_in_scene = name, uid, was_in_scene

    @classmethod
    def of(cls, obj: Any, scene: Any) -> _Chosen:
        return cls(obj.name, obj.session_uid, _in_scene(obj, scene.session_uid))

    def find(self) -> Any | None:
        """The object itself if it still exists (renamed or not), else None."""
        return next((o for o in bpy.data.objects if o.session_uid == self.uid), None)


def in_scene(obj: Any, scene: Any) -> bool:
    """Whether the picked ``obj`` is in ``scene`` (deleting with X only unlinks it: the picker still
    holds it); True where that cannot be read (the panel then draws it as before)."""
    try:
        return _in_scene(obj, scene.session_uid)
    except (AttributeError, ReferenceError, RuntimeError):
        return True


def _in_scene(obj: Any, scene_uid: int) -> bool:
    """Whether ``obj`` is linked into the scene with that session id (by id: a scene's pointer
    does not survive an undo)."""
    return any(sc.session_uid == scene_uid for sc in obj.users_scene)


TAKE_FILES = ("A.npz", "B.npz")
TAKE_PREFIX = "dualtalk_take_"  # a kept take's folder in the temp folder (see keep_take)
_TAKE_CONTENTS = {*TAKE_FILES, "result.json"}


def kept_takes() -> list[Path]:
    """The takes kept in the temp folder (oldest first): folders named ``dualtalk_take_*`` that
    hold nothing but a take's files, so a folder a user put other things in is never listed."""
    found = []
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(TAKE_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            inside = list(os.scandir(entry.path))
            if all(c.name in _TAKE_CONTENTS and c.is_file(follow_symlinks=False) for c in inside):
                found.append((entry.stat().st_mtime, Path(entry.path)))
        except OSError:
            continue
    return [p for _t, p in sorted(found)]


def takes_size(folders: list[Path]) -> int:
    """Bytes the kept takes hold."""
    total = 0
    for folder in folders:
        for name in _TAKE_CONTENTS:
            with contextlib.suppress(OSError):
                total += (folder / name).stat().st_size
    return total


def delete_kept_takes() -> tuple[int, int]:
    """Delete the kept takes (:func:`kept_takes`): only their own files, then the empty folder;
    returns (takes deleted, bytes freed)."""
    count = freed = 0
    for folder in kept_takes():
        size = takes_size([folder])
        for name in _TAKE_CONTENTS:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        try:
            folder.rmdir()
        except OSError:
            continue
        count, freed = count + 1, freed + size
    return count, freed


def keep_take(result: dict[str, Any]) -> Path | None:
    """Move a finished run's motion files into a folder of their own (``dualtalk_take_*`` in the
    temp folder) with its ``result.json``; None when they cannot be moved."""
    folder: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix=TAKE_PREFIX))
        for key, name in zip(("a", "b"), TAKE_FILES, strict=True):
            shutil.move(str(result[key]), str(folder / name))
        kept = {**result, "a": str(folder / TAKE_FILES[0]), "b": str(folder / TAKE_FILES[1])}
        (folder / "result.json").write_text(json.dumps(kept, indent=1, default=str), encoding="utf-8")
    except (OSError, KeyError, TypeError):
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def apply_take(scene: Any, settings: Any, folder: str, prefs: Any = None) -> str:
    """Key a take kept on disk (a folder with ``A.npz`` and ``B.npz``, e.g. the one a run kept when
    a character was deleted while it generated) onto the panel's characters with the panel's
    settings, as Generate would have; checked before either character is keyed."""
    where = abspath(folder)
    if not where:
        raise DualTalkError("choose the folder of the take (it holds A.npz and B.npz)")
    paths = [Path(where) / name for name in TAKE_FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise DualTalkError(f"{where} holds no take: {' and '.join(missing)} not found")
    result: dict[str, Any] = {}
    try:  # what the run said about itself (engine, start time, transcript): for the sound strip and the report
        loaded = json.loads((Path(where) / "result.json").read_text(encoding="utf-8"))
        result = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    result.update(a=str(paths[0]), b=str(paths[1]))
    options = apply_options(settings, prefs)
    frame_range = _kept_range(scene, settings, result, options)
    inspected = preflight(settings, options)
    sound = TakeSound.of_result(result, bool(settings.sound_strip))
    notes: list[str] = []
    if sound is None:  # an ``infer --out`` folder: the motion files say which recording they were made from
        sound = TakeSound.of_motion(paths[0], settings, notes)
    return key_take(scene, settings, options, result, inspected, frame_range, sound, notes=notes)


def _range_plan(
    scene: Any, settings: Any, first: int, last: int, crossfade: int
) -> tuple[Any, dict[str, Any]]:
    """Plan re-generating timeline frames ``first..last`` on the panel's characters (``plan_range``):
    the plan, and what it was made for (take, frames, fps, cross-fade) as JSON-ready values."""
    import dataclasses

    from ..scene.apply import scene_fps
    from ..scene.range_plan import plan_range

    a, b = check_characters(settings)
    fps = scene_fps(scene)
    plan = plan_range((a, b), fps, first, last, crossfade)
    return plan, {**dataclasses.asdict(plan), "fps": float(fps), "crossfade": int(crossfade)}


def _range_options(opts: ApplyOptions, plan: dict[str, Any]) -> None:
    """Set ``opts`` to key only the planned range into the take already there."""
    # frames of the take's actions: the same as the timeline's unless its strips were moved
    opts.replace_range, opts.start_frame = (plan["first"], plan["last"]), plan["start_frame"]
    opts.take, opts.crossfade = plan["take"], plan["crossfade"]
    opts.markers, opts.frame_range = False, "keep"


_LATER_PLAN_FIELDS = ("take_id", "audio")  # RangePlan fields added after ranges were first kept


def _same_plan(plan: dict[str, Any], stored: Any) -> bool:
    """Whether a range re-planned now is the one kept; a range kept before the plan held a field
    (the take's id, its audio) is compared without it."""
    if not isinstance(stored, dict):
        return False
    return {k: v for k, v in plan.items() if k in stored or k not in _LATER_PLAN_FIELDS} == stored


def _kept_range(
    scene: Any, settings: Any, result: dict[str, Any], options: ApplyOptions
) -> tuple[int, int] | None:
    """A kept re-generated range (``result["frame_range"]``): re-plan it on the characters now and
    set ``options`` to key only it, when the plan is the one it was made for; else refuse. None for
    a whole take."""
    stored, kept = result.get("range_plan"), result.get("frame_range")
    if stored is None and kept is None:
        return None
    try:
        first, last = (int(f) for f in kept)  # type: ignore[union-attr]  # checked below
        _plan, plan = _range_plan(scene, settings, first, last, int(stored["crossfade"]))  # type: ignore[index]
        same = _same_plan(plan, stored)
    except DualTalkError:
        same = False
    except (TypeError, ValueError, KeyError):
        raise DualTalkError("this kept range does not say which frames of which take it redoes") from None
    if not same:
        raise DualTalkError(
            f"the take changed since this range was made; select frames {first}-{last} "
            "and press Re-generate Preview Range again"
        )
    _range_options(options, plan)
    return first, last


def key_take(
    scene: Any,
    settings: Any,
    options: ApplyOptions,
    result: dict[str, Any],
    inspected: list[tuple[Any, tuple[Any, ...]]],
    frame_range: tuple[int, int] | None = None,
    sound: TakeSound | None = None,
    notes: list[str] | None = None,
) -> str:
    """Key a take's two motion files (``result["a"]``, ``result["b"]``) onto the panel's characters,
    with the markers and sound strips; returns the status line. ``inspected``: the preflight's
    reports, reused for each rig unchanged since. ``sound``: the recording the take was made from
    (default: the panel's, for a take that does not say). ``notes``: warnings found before the run;
    the line shows the first warning of those, a character's other scene (where this take replaces
    the one it plays), the take's audio (``source["warnings"]``: a silent speaker, the diarizer's
    weaker method) and the keying's, and how many more there are.

    The markers and sound strips replace only this pair's earlier ones: another conversation in the
    scene keeps its own (:func:`..scene.apply.marker_records`, :mod:`..scene.sound`)."""
    from ...inference.core.motion import load_motion
    from ..scene.apply import apply_dialogue, owned_markers
    from ..scene.characters import find_mesh_and_armature
    from ..scene.remove_take import shared_scene_warnings

    motion_a = load_motion(result["a"])
    motion_b = load_motion(result["b"])
    engine = engine_name(result, motion_a, motion_b)
    a, b = check_characters(settings)
    fresh = [_unchanged(obj, *seen) for obj, seen in zip((a, b), inspected, strict=True)]
    range_before = (int(scene.frame_start), int(scene.frame_end))
    pair = (find_mesh_and_armature(a)[0].name, find_mesh_and_armature(b)[0].name)  # what the reports name
    earlier_markers = bool(owned_markers(scene, pair)) and not options.markers and frame_range is None
    shared = [w for w in shared_scene_warnings((a, b), scene) if w not in (notes or [])]
    rep_a, rep_b, n_markers = apply_dialogue(
        a, b, motion_a, motion_b, options, scene=scene, reports=(fresh[0], fresh[1])
    )
    strips: list[str] = []
    warnings = [*(notes or []), *shared, *source_warnings(result), *rep_a.warnings, *rep_b.warnings]
    if frame_range is not None:
        assert rep_a.replaced is not None and options.replace_range is not None
        shift = frame_range[0] - options.replace_range[0]  # strips moved in the NLA
        lo, hi = (f + shift for f in rep_a.replaced)
        return (
            f"DualTalk: re-generated frames {frame_range[0]}-{frame_range[1]} "
            f"(cross-faded over {lo}-{hi}) with the {engine} engine"
        ) + _warning_tail(warnings)
    removed = 0
    sound = sound or TakeSound.of_panel(settings)
    if not sound.place:  # an earlier take's strip would play another recording under this one
        removed = remove_our_strips(scene, pair)
    else:
        start = options.start_frame
        start = int(scene.frame_start if start is None else start)
        strips = place_sound_strips(
            scene,
            sound,
            float(result.get("start_time", 0.0)),
            start,
            frames=max(rep_a.frames, rep_b.frames),
            pair=pair,
        )
    parts = [
        f"{engine} engine",
        f"{rep_a.frames} frames",  # scene frames (the motion's 25 fps frames differ at 24 or 30 fps)
        f"{n_markers} turn markers",
        (f"{len(strips)} sound strip{'' if len(strips) == 1 else 's'}" if strips else "no sound strip"),
        *(["removed the earlier take's sound strip"] if removed else []),
        *(
            ["removed the earlier take's turn markers"]
            if earlier_markers and not owned_markers(scene, pair)
            else []
        ),
        *_range_change(range_before, (int(scene.frame_start), int(scene.frame_end))),
    ]
    if result.get("transcript"):
        from ...inference.phonetic.transcript import brief

        parts.append(brief(result["transcript"]))
    return "DualTalk: animated " + ", ".join(parts) + _warning_tail(warnings)


def _range_change(before: tuple[int, int], after: tuple[int, int]) -> list[str]:
    """The status line's word on the scene's frame range (the render range) when the take changed
    it: ``scene range extended from 1-120 to 1-288``; nothing when it did not."""
    if after == before:
        return []
    how = "extended" if after[0] <= before[0] and after[1] >= before[1] else "changed"
    return [f"scene range {how} from {before[0]}-{before[1]} to {after[0]}-{after[1]}"]


def engine_name(result: dict[str, Any], motion_a: Any, motion_b: Any) -> str:
    """The engine a take was made with: as its ``result.json`` says, else as its motion files record
    it (a take folder without one: an older version's, or an ``infer --out`` folder); "?" only
    when neither says."""
    said = result.get("engine")
    if isinstance(said, str) and said:
        return said
    named = list(dict.fromkeys(str(m.engine) for m in (motion_a, motion_b) if str(m.engine)))
    return " and ".join(named) or "?"


def source_warnings(result: dict[str, Any]) -> list[str]:
    """The take's audio warnings, as the worker's result records them (``source["warnings"]``:
    a speaker who is silent, a turns file naming one speaker, the diarizer's weaker method)."""
    source = result.get("source")
    said = source.get("warnings") if isinstance(source, dict) else None
    return [str(w) for w in said if isinstance(w, str) and w] if isinstance(said, list) else []


def _warning_tail(warnings: list[str]) -> str:
    """`` (warning: <the first> and 2 more)``, or "" without warnings: the status line stays one line."""
    if not warnings:
        return ""
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f" (warning: {warnings[0]}{more})"


def export_fbx(s: Any, path: str, scene: Any = None, progress: Any = None) -> Path:
    """The panel's FBX export; ``progress`` hears the exporter's frames (stage ``fbx``)."""
    from ..scene.fbx_export import export_fbx as _export

    a, b = check_characters(s)
    if not path:
        raise DualTalkError("choose an FBX file to export to")
    scope = getattr(s, "fbx_scope", "FULL").lower()
    # "//" beside the saved .blend, refused in a file never saved: the scene function's one rule
    return _export([a, b], path, scene=scene, scope=scope, progress=progress)


def fbx_message(s: Any, path: Path) -> str:
    """The status line after an FBX export, with the first thing the file leaves out (a mesh's
    Mirror or other modifiers: see :func:`..scene.fbx_export.left_out_modifiers`)."""
    from ..scene.fbx_export import left_out_modifiers

    warnings = left_out_modifiers(check_characters(s), scope=getattr(s, "fbx_scope", "FULL").lower())
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f"exported {path}" + (f" (warning: {warnings[0]}{more})" if warnings else "")
