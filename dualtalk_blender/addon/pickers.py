"""The character pickers: which objects they offer, and what the panel draws under each pick.

The panel redraws often (every hover, every frame of playback), and inspecting a rig means walking
its meshes, shape keys and bones: :func:`character_summary` and :func:`character_parts` are cached
by a cheap fingerprint of the rig (:func:`rig_fingerprint`), dropped by :func:`forget_rigs` after
an edit. Generate reuses the same fingerprint to inspect each character once per run.
:func:`in_scene` tells a pick still in the scene from one deleted with X (only unlinked).
"""

from __future__ import annotations

import os
from typing import Any

import bpy
import numpy as np

from ...inference.core.errors import DualTalkError
from ..scene.paths import abspath
from . import state


def qualifies(obj: Any) -> bool:
    """Cheap poll for the character pickers: a mesh with shape keys or an armature with a mesh child."""
    if obj is None:
        return False
    if obj.type == "MESH":
        return obj.data.shape_keys is not None or (obj.parent is not None and obj.parent.type == "ARMATURE")
    if obj.type == "ARMATURE":
        return any(c.type == "MESH" for c in obj.children)
    return False


def rig_fingerprint(obj: Any, preset: str = "auto", custom_map: str = "") -> tuple[Any, ...]:
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


def rig_choice(settings: Any, role: str) -> tuple[str, str]:
    """(preset, map file) the picker of character ``role`` ("A"/"B") draws its rig line with, as
    Generate keys it (``ApplyOptions.for_role``): its own map file (A's/B's map file), else the shared
    Map file, either "custom" to :func:`character_summary`; else the Rig preset."""
    own = getattr(settings, f"map_{role.lower()}", "") or getattr(settings, "map", "")
    return ("custom", own) if own else (str(settings.preset), "")


def character_summary(obj: Any, preset: str = "auto", custom_map: str = "") -> str:
    """The one-line rig summary shown under each picker (never raises).

    Cached per rig fingerprint, so redraws do not re-inspect the rig or re-read the map file.
    """
    if obj is None:
        return "no character chosen"
    try:
        key = rig_fingerprint(obj, preset, custom_map)
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
        key = rig_fingerprint(obj, preset, custom_map)
    except Exception:  # an object mid-deletion: draw without the cache
        key = None
    parts = character_parts(obj, key)  # first: it drops a summary made before a change it sees
    summary = state.RIG_SUMMARIES.get(key) if key is not None else None
    return (summary if summary is not None else character_summary(obj, preset, custom_map)), parts


def character_parts(obj: Any, fingerprint: tuple[Any, ...] | None = None) -> tuple[Any, Any] | None:
    """``find_mesh_and_armature(obj)`` for the panel's redraws (None where it refuses), looked up again
    only when the rig changed: cached by its :func:`rig_fingerprint` (``fingerprint``, when the caller
    has it), for an armature also by the number of objects in the file, and checked against what the
    fingerprint leaves out: each candidate face's name and vertex count, and whether a face the rig
    deforms by an Armature modifier alone (not its child) still is, in one of its scenes. A change
    only these checks see also drops the rig's cached summaries (read from the same lookup)."""
    from ..scene.characters import find_mesh_and_armature, rig_meshes

    if obj is None:
        return None
    try:
        fp = fingerprint if fingerprint is not None else rig_fingerprint(obj)
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


@bpy.app.handlers.persistent
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


# What the picker line adds for a part of the face no key moves (``CharacterReport.silent``).
_SILENT = {"mouth": "no key opens the mouth", "eyes": "no key closes the eyes"}


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
        summary = report.summary + "".join(f"; {_SILENT[part]}" for part in report.silent)
        return summary if linked is None else f"{linked}; {summary}"
    except DualTalkError as exc:
        return str(exc)
    except Exception as exc:  # the panel must draw whatever the rig looks like
        return f"cannot inspect: {type(exc).__name__}: {exc}"


def in_scene(obj: Any, scene: Any) -> bool:
    """Whether the picked ``obj`` is in ``scene`` (deleting with X only unlinks it: the picker still
    holds it); True where that cannot be read (the panel then draws it as before)."""
    try:
        return in_scene_uid(obj, scene.session_uid)
    except (AttributeError, ReferenceError, RuntimeError):
        return True


def in_scene_uid(obj: Any, scene_uid: int) -> bool:
    """Whether ``obj`` is linked into the scene with that session id (by id: a scene's pointer
    does not survive an undo)."""
    return any(sc.session_uid == scene_uid for sc in obj.users_scene)
