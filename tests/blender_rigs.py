"""Tiny test characters built in real Blender: a mesh with named shape keys, optionally
skinned to an armature with spine/neck/head(/jaw) bones. Small on purpose (8 vertices)."""

from __future__ import annotations

from collections.abc import Sequence

import bpy
import numpy as np
from dualtalk.inference.core.channels import ARKIT52


def reset() -> None:
    bpy.ops.wm.read_factory_settings(use_empty=True)


def make_mesh(name: str, keys: Sequence[str] = ARKIT52, *, location=(0.0, 0.0, 0.0)) -> bpy.types.Object:
    me = bpy.data.meshes.new(name)
    verts = [(x, y, z) for x in (-0.1, 0.1) for y in (-0.1, 0.1) for z in (1.5, 1.7)]
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    me.from_pydata(verts, [], faces)
    obj = bpy.data.objects.new(name, me)
    obj.location = location
    bpy.context.scene.collection.objects.link(obj)
    if keys:
        obj.shape_key_add(name="Basis")
        for i, key in enumerate(keys):
            kb = obj.shape_key_add(name=key, from_mix=False)
            kb.value = 0.0  # shape_key_add creates keys at 1.0
            co = np.zeros(len(verts) * 3, dtype=np.float32)
            kb.data.foreach_get("co", co)
            co[(i % 8) * 3 + 1] += 0.01 * (1 + i % 3)
            kb.data.foreach_set("co", co)
    return obj


def make_armature(
    name: str,
    *,
    head: str = "head",
    neck: str | None = "neck",
    jaw: str | None = None,
    up: str = "Z",
) -> bpy.types.Object:
    """Armature whose bones point up the rig's up axis (Z: Blender style, Y: FBX style)."""
    arm = bpy.data.armatures.new(name)
    obj = bpy.data.objects.new(name, arm)
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.view_layer.objects.active = obj
    bpy.ops.object.mode_set(mode="EDIT")
    u = np.array([0, 0, 1.0]) if up == "Z" else np.array([0, 1.0, 0])
    spine = arm.edit_bones.new("spine")
    spine.head, spine.tail = tuple(u * 0.9), tuple(u * 1.3)
    parent = spine
    if neck:
        nb = arm.edit_bones.new(neck)
        nb.head, nb.tail, nb.parent = tuple(u * 1.3), tuple(u * 1.45), parent
        parent = nb
    hb = arm.edit_bones.new(head)
    hb.head, hb.tail, hb.parent = tuple(u * 1.45), tuple(u * 1.75), parent
    if jaw:
        fwd = np.array([0, -1.0, 0]) if up == "Z" else np.array([0, 0, 1.0])
        jb = arm.edit_bones.new(jaw)
        jb.head, jb.tail, jb.parent = tuple(u * 1.5), tuple(u * 1.5 + fwd * 0.1), hb
    bpy.ops.object.mode_set(mode="OBJECT")
    return obj


def make_character(
    name: str,
    keys: Sequence[str] = ARKIT52,
    *,
    armature: bool = True,
    head: str = "head",
    neck: str | None = "neck",
    jaw: str | None = None,
    up: str = "Z",
    location=(0.0, 0.0, 0.0),
) -> bpy.types.Object:
    """A mesh with ``keys`` parented (with an armature modifier) to a small head rig."""
    mesh = make_mesh(name, keys, location=location)
    if armature:
        arm = make_armature(name + "_rig", head=head, neck=neck, jaw=jaw, up=up)
        arm.location = location
        mesh.location = (0.0, 0.0, 0.0)
        mesh.parent = arm
        mod = mesh.modifiers.new("Armature", "ARMATURE")
        mod.object = arm
    return mesh


def save_pair(path):
    """A factory scene at 25 fps with Ann and Bob (Bob 1 m to the right), saved as ``path``: the .blend
    most command-line and add-on tests animate. Returns ``path``."""
    reset()
    bpy.context.scene.render.fps = 25
    make_character("Ann")
    make_character("Bob", location=(1.0, 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    return path


def fcurve_values(fc, n: int | None = None) -> np.ndarray:
    n = len(fc.keyframe_points) if n is None else n
    co = np.empty(n * 2, dtype=np.float32)
    fc.keyframe_points.foreach_get("co", co)
    return co.reshape(-1, 2)


def count_inspections(monkeypatch) -> list[str]:
    """Names of the characters inspected from now on, in order (every path goes through
    ``inspect_character``): how tests check that a run reads each rig once."""
    from dualtalk.dualtalk_blender.scene import apply as apply_mod
    from dualtalk.dualtalk_blender.scene import characters

    calls: list[str] = []
    real = characters.inspect_character

    def counting(obj, *args, **kwargs):
        calls.append(obj.name)
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(characters, "inspect_character", counting)
    monkeypatch.setattr(apply_mod, "inspect_character", counting)
    return calls


def played(obj, key: str, frames) -> np.ndarray:
    """What Blender plays for ``obj``'s shape key ``key`` on frames 1..``frames`` (an int), or on the
    frames given (drivers evaluated)."""
    scene = bpy.context.scene
    out = []
    for f in range(1, frames + 1) if isinstance(frames, int) else frames:
        scene.frame_set(f)
        out.append(obj.data.shape_keys.key_blocks[key].value)
    return np.array(out)
