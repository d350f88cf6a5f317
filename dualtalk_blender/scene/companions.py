"""Meshes that carry the face's shape keys follow the face: eyelashes blink, teeth open with the jaw.

A production character is several meshes on one rig (face, eyelashes, brows, teeth, tongue),
often with the same ARKit key names. Only the face is keyed; each other mesh's key of the same
name gets a driver that reads the face's key, so the take stays editable in one place (its NLA
layers, influences and your fixes) and everything the face does, the rest does too. A key the
animator already animates or drives is left alone and reported.
"""

from __future__ import annotations

from typing import Any

import bpy

from . import compat, layers
from .characters import CharacterReport, character_meshes, name_kind, sharing_objects

TAG = "dualtalk_face"  # the driver variable's name: marks a follower driver as ours


def key_value_path(name: str) -> str:
    """The data path of a shape key's value (the keyed take and the followers' drivers share it)."""
    return f'key_blocks["{bpy.utils.escape_identifier(name)}"].value'


def _animated(key: Any) -> set[str]:
    """Data paths that ``key``'s own action or NLA strips animate."""
    ad = key.animation_data
    if ad is None:
        return set()
    actions = [ad.action] if ad.action is not None else []
    actions += [s.action for t in ad.nla_tracks for s in t.strips if s.action is not None]
    return {fc.data_path for a in actions for fc in compat.iter_fcurves(a)}


def follow_face(report: CharacterReport, *, single_user: bool = True) -> tuple[list[str], list[str]]:
    """Drive every other mesh of the character (on its rig, or parented to its face) from the face's
    keys of the same names.

    A part whose mesh other objects share (an Alt+D duplicate of the whole character) is made
    single-user first, as the face is (with ``single_user`` False it is left out, said in a warning);
    a driver of ours that reads a face that is not on this character (copied with the part) is
    turned to this face. Returns (followers as "mesh (n keys)", warnings). Safe to call again:
    drivers already ours are kept, nothing is added twice.
    """
    arm, face = report.armature, report.mesh
    face_key = face.data.shape_keys
    if face_key is None:
        return [], []
    keyed = set(report.keys)
    meshes = character_meshes(face, arm)
    here = {m.data.shape_keys for m in meshes if m.data.shape_keys is not None}
    followers: list[str] = []
    warnings: list[str] = []
    for mesh in meshes:
        key = mesh.data.shape_keys
        if mesh == face or key is None or key == face_key or key.library is not None:
            continue
        names = [kb.name for kb in key.key_blocks[1:] if kb.name in keyed]
        if not names or layers.our_strips(key) or mesh in report.partners:
            continue  # another character's face (two characters on one rig)
        if _another_face(mesh, face, names, keyed):
            warnings.append(
                f"{mesh.name}: it has {len(names)} of {face.name}'s face keys and is no smaller than the "
                f"face, so it is taken for another character's face and does not follow {face.name}'s"
            )
            continue
        plan = _plan(key, names, face_key, here)
        if not any(how in ("add", "turn") for how in plan.values()):
            linked = [n for n, how in plan.items() if how == "ours"]
        else:
            shared = sharing_objects(mesh)
            if shared and not single_user:
                warnings.append(
                    f"{mesh.name}: its mesh and shape keys are shared with {', '.join(shared)}, so it does "
                    f"not follow {face.name}; make it single-user (Object > Relations > Make Single User)"
                )
                continue
            if shared:
                mesh.data = mesh.data.copy()
                key = mesh.data.shape_keys
                warnings.append(
                    f"{mesh.name}: shape keys were shared with {', '.join(shared)}; made single-user"
                )
            linked = _carry_out(key, plan, face_key)
        left = [n for n, how in plan.items() if how == "yours"]
        turned = [n for n, how in plan.items() if how == "turn"]
        if linked:
            followers.append(f"{mesh.name} ({len(linked)} key{'s' if len(linked) != 1 else ''})")
        if turned:
            warnings.append(
                f"{mesh.name}: shape keys {_listed(turned)} followed another character's face (copied with "
                f"the character); they now follow {face.name}'s"
            )
        if left:
            warnings.append(
                f"{mesh.name}: shape keys {_listed(left)} already have animation or drivers of your own, so "
                f"they do not follow {face.name}'s; remove those to let them follow"
            )
    return followers, warnings


def _plan(key: Any, names: list[str], face_key: Any, here: set[Any]) -> dict[str, str]:
    """What to do with each of ``names`` on ``key``: "ours" (our driver reads the face: kept), "add"
    (a driver to add), "turn" (our driver reads a face that is not on this character: turned to this
    face), "other" (our driver reads another face on this character: its part), "yours" (the
    animator's animation or driver: left alone)."""
    drivers = {fc.data_path: fc for fc in key.animation_data.drivers} if key.animation_data else {}
    animated = _animated(key)
    plan = {}
    for name in names:
        path = key_value_path(name)
        existing = drivers.get(path)
        source = _our_source(existing) if existing is not None else False
        if existing is None:
            plan[name] = "yours" if path in animated else "add"
        elif source is False:
            plan[name] = "yours"
        elif source == face_key:
            plan[name] = "ours"
        else:
            plan[name] = "other" if source in here else "turn"
    return plan


def _carry_out(key: Any, plan: dict[str, str], face_key: Any) -> list[str]:
    """Add and turn the drivers ``plan`` asks for on ``key``; the names that now follow the face."""
    drivers = {fc.data_path: fc for fc in key.animation_data.drivers} if key.animation_data else {}
    linked = []
    for name, how in plan.items():
        if how == "add":
            _add_driver(key, name, face_key)
        elif how == "turn":
            _add_driver(key, name, face_key, drivers[key_value_path(name)])
        if how in ("ours", "add", "turn"):
            linked.append(name)
    return linked


def _our_source(fcurve: Any) -> Any:
    """The Key a follower driver of ours reads (None: its face is gone), or False: not ours."""
    variables = fcurve.driver.variables if fcurve.driver is not None else []
    if len(variables) != 1 or variables[0].name != TAG:
        return False
    return variables[0].targets[0].id


def _another_face(mesh: Any, face: Any, names: list[str], keyed: set[str]) -> bool:
    """A mesh with as many of the face's keys as half the face has that is a character's face itself
    (two characters on one rig), not a part of this one: its name does not say a part (beard, lashes,
    brows...) and it has at least half the face's vertices."""
    if len(keyed) < 8 or 2 * len(names) < len(keyed) or name_kind(mesh.name) < 0:
        return False
    return 2 * len(mesh.data.vertices) >= len(face.data.vertices)


def _listed(names: list[str]) -> str:
    return ", ".join(sorted(names)[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def _add_driver(key: Any, name: str, face_key: Any, fcurve: Any = None) -> None:
    """``key``'s ``name`` = the face's ``name``, the slider opened as far as the face's (``fcurve``:
    a driver of ours to turn to this face)."""
    kb, src = key.key_blocks[name], face_key.key_blocks[name]
    kb.slider_min, kb.slider_max = min(kb.slider_min, src.slider_min), max(kb.slider_max, src.slider_max)
    if fcurve is not None:
        fcurve.driver.variables[0].targets[0].id = face_key
        return
    fcurve = key.driver_add(key_value_path(name))
    driver = fcurve.driver
    driver.type = "SUM"
    variable = driver.variables.new()
    variable.name = TAG
    variable.type = "SINGLE_PROP"
    target = variable.targets[0]
    target.id_type = "KEY"
    target.id = face_key
    target.data_path = key_value_path(name)
