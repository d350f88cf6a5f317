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
from .characters import CharacterReport, rig_meshes

TAG = "dualtalk_face"  # the driver variable's name: marks a follower driver as ours


def key_value_path(name: str) -> str:
    """The data path of a shape key's value (the keyed take and the followers' drivers share it)."""
    return f'key_blocks["{bpy.utils.escape_identifier(name)}"].value'


def _ours(fcurve: Any, face_key: Any) -> bool:
    variables = fcurve.driver.variables
    return len(variables) == 1 and variables[0].name == TAG and variables[0].targets[0].id == face_key


def _animated(key: Any) -> set[str]:
    """Data paths that ``key``'s own action or NLA strips animate."""
    ad = key.animation_data
    if ad is None:
        return set()
    actions = [ad.action] if ad.action is not None else []
    actions += [s.action for t in ad.nla_tracks for s in t.strips if s.action is not None]
    return {fc.data_path for a in actions for fc in compat.iter_fcurves(a)}


def follow_face(report: CharacterReport) -> tuple[list[str], list[str]]:
    """Drive every other mesh on the character's rig from the face's keys of the same names.

    Returns (followers as "mesh (n keys)", warnings). Safe to call again: drivers already ours
    are kept, nothing is added twice.
    """
    arm, face = report.armature, report.mesh
    face_key = face.data.shape_keys
    if arm is None or face_key is None:
        return [], []
    keyed = set(report.keys)
    followers: list[str] = []
    warnings: list[str] = []
    for mesh in rig_meshes(arm):
        key = mesh.data.shape_keys
        if mesh == face or key is None or key == face_key or key.library is not None:
            continue
        names = [kb.name for kb in key.key_blocks[1:] if kb.name in keyed]
        if not names or _another_face(key, names, keyed):
            continue
        drivers = {fc.data_path: fc for fc in key.animation_data.drivers} if key.animation_data else {}
        animated = _animated(key)
        linked, left = [], []
        for name in names:
            path = key_value_path(name)
            existing = drivers.get(path)
            if existing is not None and _ours(existing, face_key):
                linked.append(name)
            elif existing is not None or path in animated:
                left.append(name)
            else:
                _add_driver(key, name, face_key)
                linked.append(name)
        if linked:
            followers.append(f"{mesh.name} ({len(linked)} key{'s' if len(linked) != 1 else ''})")
        if left:
            shown = ", ".join(sorted(left)[:6]) + (f" and {len(left) - 6} more" if len(left) > 6 else "")
            warnings.append(
                f"{mesh.name}: shape keys {shown} already have animation or drivers of your own, so they "
                f"do not follow {face.name}'s; remove those to let them follow"
            )
    return followers, warnings


def _another_face(key: Any, names: list[str], keyed: set[str]) -> bool:
    """A mesh that is a character's face itself (two characters on one rig), not a part of this
    one: it holds a take of ours, or as many of the face's keys as half the face has."""
    return bool(layers.our_strips(key)) or (len(keyed) >= 8 and 2 * len(names) >= len(keyed))


def _add_driver(key: Any, name: str, face_key: Any) -> None:
    """``key``'s ``name`` = the face's ``name``, the slider opened as far as the face's."""
    kb, src = key.key_blocks[name], face_key.key_blocks[name]
    kb.slider_min, kb.slider_max = min(kb.slider_min, src.slider_min), max(kb.slider_max, src.slider_max)
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
