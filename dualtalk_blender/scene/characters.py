"""Find what a character offers (shape keys, armature bones) and decide what drives what.

:func:`inspect_character` is read-only: it looks at a mesh (or an armature with a mesh
child), picks a preset family (ARKit and variants, FLAME add-on rig, VRM, MMD) or applies a
custom map, and returns a :class:`CharacterReport` that says which shape key / bone each
motion channel will drive, what is missing, and one summary line for the UI/CLI such as
``"52/52 ARKit keys, head bone: head"``. :func:`apply_motion` keys exactly that plan.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import bpy
import numpy as np
from mathutils import Quaternion

from ...inference.core.channels import ARKIT52, FLAME_EXP, SPACE_ARKIT, SPACE_FLAME
from ...inference.core.errors import DualTalkError
from ..rig import presets
from ..rig.bones import BoneDrive
from ..rig.mapping import CustomMap, load_mapping, name_finder, nearest_name

AUTO = "auto"
PRESET_CHOICES = (AUTO, *presets.FAMILIES)
_FAMILY_LABEL = {
    "arkit": "ARKit keys",
    "flame": "FLAME expression keys",
    "vrm": "VRM expressions",
    "mmd": "MMD morphs",
}


@dataclass
class CharacterReport:
    """What was found on a character and how a motion will be mapped onto it."""

    mesh: Any  # bpy Object (MESH)
    armature: Any | None
    family: str | None  # arkit / flame / vrm / mmd / custom / None
    space: str  # channel space the mixes below are written in (arkit55 or flame56)
    keys: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # rig key -> [(channel, w)]
    bones: list[BoneDrive] = field(default_factory=list)
    head_target: str = ""  # pose bone name, or "" for the object itself
    head_skipped: bool = (
        False  # an armature without a head/neck bone: rotating the whole object would tilt the body
    )
    head_frame: str = "Z"  # "Z" / "Y" rig frame, or "bone" (FLAME add-on: bone-local = FLAME)
    jaw_bone: str | None = None
    neck_bone: str | None = None
    eye_bones: tuple[str | None, str | None] = (None, None)
    flame_correctives: list[str] = field(default_factory=list)  # Pose1..18 keys found
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    clip: tuple[float, float] | None = None
    shared_with: list[str] = field(default_factory=list)  # other objects sharing the mesh/Key
    warnings: list[str] = field(default_factory=list)
    partners: list[Any] = field(default_factory=list)  # the faces of the characters keyed with this one
    preset: str = AUTO  # the preset asked for (auto: the family with the most matches)
    label: str = ""  # what the family's keys are called on this rig, where not its family's word
    matches: dict[str, list[str]] = field(default_factory=dict)  # preset family -> the rig keys it knows
    silent: list[str] = field(default_factory=list)  # "mouth" / "eyes": parts no key or bone moves

    @property
    def key_block(self) -> Any | None:
        return self.mesh.data.shape_keys

    @property
    def matched(self) -> int:
        return self.expected - len(self.missing)

    @property
    def blink_keys(self) -> bool:
        """True when eyelid channels reach the rig (so procedural blinks can show)."""
        return any(ch.startswith("eyeBlink") for mix in self.keys.values() for ch, _ in mix)

    @property
    def jaw_only(self) -> bool:
        """A face without shape keys whose jaw bone opens the mouth (many game and low-poly heads)."""
        return self.family is None and any(d.bone == self.jaw_bone for d in self.bones)

    @property
    def refusal(self) -> str | None:
        """Why no take can be keyed on this face, in one line (Generate's and ``animate``'s refusal,
        and the picker's line), or None. A preset that drives none of the face's keys is refused even
        where it would turn eye bones: a take without a mouth is no lip sync."""
        if self.family == "custom" or self.jaw_only or (self.family is not None and self.keys):
            return None
        key = self.key_block
        names = [kb.name for kb in key.key_blocks[1:]] if key is not None else []
        found = (
            f"its keys: {', '.join(names[:4])}{' ...' if len(names) > 4 else ''}"
            if names
            else "it has no shape keys"
        )
        known = "DualTalk knows" if self.preset == AUTO else f"of the {self.preset!r} preset"
        fits = sorted(self.matches.items(), key=lambda m: -len(m[1]))
        other = (
            f"; its keys fit the {fits[0][0]!r} preset ({len(fits[0][1])} {_FAMILY_LABEL[fits[0][0]]}): choose that or auto"
            if fits
            else ""
        )
        if self.jaw_bone is not None and not names and self.preset != AUTO:
            other += f"; auto opens its mouth with its jaw bone {self.jaw_bone!r}"
        what = "its keys" if names else "a mouth bone"
        if self.jaw_bone is not None:
            what = (
                f"its keys or its jaw bone {self.jaw_bone!r}" if names else f"its jaw bone {self.jaw_bone!r}"
            )
        return (
            f"{self.mesh.name!r} has no face shape keys {known} ({found}){other}; pick the face mesh, "
            f"another preset, or map {what} with a custom map (docs/blender.md, Custom maps)"
        )

    @property
    def summary(self) -> str:
        refusal = self.refusal
        return self._rig_line if refusal is None else f"{refusal}; {self._rig_line}"

    @property
    def _rig_line(self) -> str:
        if self.family == "custom":
            parts = [f"custom map: {self.matched}/{self.expected} targets"]
        elif self.jaw_only:
            parts = [f"{keyless_words(self.mesh)} (the jaw bone opens the mouth)"]
        elif self.family is None:
            parts = ["no known shape keys"]
        else:
            parts = [f"{self.matched}/{self.expected} {self.label or _FAMILY_LABEL[self.family]}"]
        if self.family == "flame":
            parts.append(f"jaw bone: {self.jaw_bone or 'none'}")
            parts.append(f"neck bone: {self.neck_bone or 'none'}")
        else:
            parts.append(
                "head: not keyed (no head bone)"
                if self.head_skipped
                else (f"head bone: {self.head_target}" if self.head_target else "head: object rotation")
            )
        eyes = [d.bone for d in self.bones if d.frame == "head" and d.bone in self.eye_bones]
        if eyes:
            parts.append(f"eye bones: {', '.join(eyes)}")
        if self.family not in ("flame", "custom") and any(d.bone == self.jaw_bone for d in self.bones):
            parts.append(f"jaw bone: {self.jaw_bone}")
        line = ", ".join(parts)
        if self.shared_with:
            line += f"; shares its shape keys with {', '.join(self.shared_with)}"
        return line


def find_mesh_and_armature(obj: Any) -> tuple[Any, Any | None]:
    """Accept a mesh or its armature; return (mesh with shape keys, armature or None)."""
    check_object(obj)
    if getattr(obj, "is_missing", False):  # a placeholder Blender made for linked data it could not load
        lib = bpy.path.abspath(obj.library.filepath) if obj.library is not None else "a library file"
        raise DualTalkError(
            f"{obj.name!r} is linked from {lib}, which is missing; restore that file or relink it "
            "(File > External Data > Find Missing Files)"
        )
    if obj.type == "ARMATURE":
        return _face_choice(obj)[0], obj
    if obj.type != "MESH":
        kind = obj.type.lower().replace("_", " ")
        article = "an" if kind[:1] in "aeiou" else "a"
        raise DualTalkError(f"{obj.name!r} is {article} {kind}, not a mesh or armature")
    return obj, _armature_choice(obj)[0]


def check_object(obj: Any) -> None:
    """A script's character argument: a Blender object. A TD who holds names (from a shot list) is
    told the lookup that gives the object, never an AttributeError from deep inside the keying."""
    if obj is None:
        raise DualTalkError("no character object given")
    refuse_name(obj)
    if not isinstance(obj, bpy.types.Object):
        raise DualTalkError(f"expected a character object (its mesh or armature), got {type(obj).__name__}")


def refuse_name(given: object) -> None:
    """An object's name where the object is taken: the one line that gives the lookup to make."""
    if isinstance(given, str):
        raise DualTalkError(f"got the name {given!r}, not an object: bpy.data.objects[{given!r}]")


def keyless_words(mesh: Any) -> str:
    """How a face keyed by its jaw bone alone is described: "no shape keys", or "no face shape keys"
    where it has keys of no face family (body correctives such as 'Fat')."""
    key = mesh.data.shape_keys
    return "no face shape keys" if key is not None and len(key.key_blocks) > 1 else "no shape keys"


def mesh_armatures(mesh: Any) -> list[Any]:
    """The armatures a mesh hangs on: its parent armature, then its Armature modifiers' in stack order."""
    found = [mesh.parent] if mesh.parent is not None and mesh.parent.type == "ARMATURE" else []
    for mod in mesh.modifiers:
        target = getattr(mod, "object", None) if mod.type == "ARMATURE" else None
        if target is not None and target.type == "ARMATURE" and target not in found:
            found.append(target)
    return found


def _has_head(arm: Any) -> bool:
    names = [b.name for b in arm.data.bones]
    return (
        presets.find_bone(names, presets.HEAD_BONES) or presets.find_bone(names, presets.NECK_BONES)
    ) is not None


def _armature_choice(mesh: Any) -> tuple[Any | None, list[Any]]:
    """(the armature that turns the mesh's head, every armature looked at). A face bound to several
    armatures (a props or cloth rig beside the body rig): the one with a head or neck bone, the parent
    first; else the parent, else the first Armature modifier's."""
    found = mesh_armatures(mesh)
    with_head = [a for a in found if _has_head(a)]
    return (with_head or found or [None])[0], found


def rig_meshes(arm: Any) -> list[Any]:
    """Meshes parented to ``arm`` or deformed by it in one of its scenes (an Armature modifier is
    enough: not every rig parents its meshes), by name."""
    found = {o for o in arm.children_recursive if o.type == "MESH"}
    scenes = set(arm.users_scene)
    for o in bpy.data.objects:
        deformed = o.type == "MESH" and any(
            m.type == "ARMATURE" and getattr(m, "object", None) == arm for m in o.modifiers
        )
        if deformed and scenes & set(o.users_scene):
            found.add(o)
    return sorted(found, key=lambda o: o.name)


def character_meshes(face: Any, arm: Any | None) -> list[Any]:
    """The meshes that may be parts of the character whose face is ``face`` (the face itself among
    them): those on its rig, and the face's own mesh children (a character without an armature
    carries its teeth and lashes as children of the face), by name."""
    found = set(rig_meshes(arm)) if arm is not None else set()
    found |= {o for o in face.children_recursive if o.type == "MESH"}
    found.add(face)
    return sorted(found, key=lambda o: o.name)


# Words in a mesh's name that say it is a part of a face (exporters give beards, brows and lashes
# the full ARKit set), or the face (or the head, or a body that holds the face) itself. Whole words
# of the name ("Beard_A", "EyeLashes", "CC_Base_Teeth"), so a face called "Brown" or "Reyes" is no brow
# and no eye.
_PART_WORDS = frozenset(
    "beard beards mustache moustache stubble brow brows eyebrow eyebrows lash lashes eyelash eyelashes "
    "teeth tooth tongue eye eyes eyeball eyeballs cornea iris tear tearline occlusion hair gum gums "
    "glasses".split()
)
_FACE_WORDS = frozenset({"face", "head", "body"})


def name_words(name: str) -> list[str]:
    """The words of an object's name, lower case: split at anything not a letter and where a capital
    follows a small letter ("EyeLashes_L" -> eye, lashes, l)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return [w.lower() for w in re.split(r"[^A-Za-z]+", spaced) if w]


def name_kind(name: str) -> int:
    """-1: the name says a part of a face (beard, lashes, teeth...), 1: the face, head or body, 0: neither."""
    words = set(name_words(name))
    if words & _PART_WORDS:
        return -1
    return 1 if words & _FACE_WORDS else 0


def _face_choice(arm: Any) -> tuple[Any, list[Any], str]:
    """(the face among ``arm``'s meshes, the meshes that have as many face keys, why it won).

    Known face keys first (a body with many corrective keys must not win over the face mesh beside
    it); on a tie (a beard exported with all 52 ARKit keys), a face/head/body name over a part's
    name, then the most vertices, then the most shape keys, then the name."""
    meshes = rig_meshes(arm)
    if not meshes:
        raise DualTalkError(f"armature {arm.name!r} has no mesh child to animate")
    scores = {m: _face_score(m) for m in meshes}
    best = max(meshes, key=lambda m: (scores[m][0], name_kind(m.name), len(m.data.vertices), scores[m][1]))
    tied = [m for m in meshes if m is not best and scores[m][0] == scores[best][0] and scores[m][0] > 0]
    why = ""
    if tied:
        kinds = {name_kind(m.name) for m in tied}
        verts = max(len(m.data.vertices) for m in tied)
        if name_kind(best.name) > max(kinds):
            why = "by its name"
        elif len(best.data.vertices) > verts:
            why = "the most vertices"
        else:
            why = "the first by name"
    return best, tied, why


def _face_score(mesh_obj: Any) -> tuple[int, int]:
    """How much of a face a mesh child is: known face keys, then shape keys at all."""
    key = mesh_obj.data.shape_keys
    names = [kb.name for kb in key.key_blocks[1:]] if key is not None else []
    known = max((len(found) for found, _ in _preset_counts(names).values()), default=0)
    return known, len(names)


def sharing_objects(mesh_obj: Any) -> list[str]:
    """Other objects that use the same mesh data (hence the same shape-key block). A library
    override's own linked original (hidden, of the same name, holding the data the override still
    links) is not another object: it never shows and keying never changes it."""
    data = mesh_obj.data
    override = getattr(mesh_obj, "override_library", None)
    original = override.reference if override is not None else None
    return sorted(
        o.name for o in bpy.data.objects if o.data is data and o is not mesh_obj and o is not original
    )


# What makes a linked character animatable in Blender 5 (Make Library Override never overrides a
# mesh's data or its shape keys, so an override alone is refused again).
MAKE_LOCAL = "Object > Relations > Make Local > Selected Objects and Data"


def linked_refusal(mesh: Any, arm: Any | None, *, file_name_only: bool = False) -> str | None:
    """Why a character (its face ``mesh`` and ``arm``) cannot be keyed when a part of it that keying
    writes is linked from a library (read-only), and what makes it work, in one line; None when all
    of it is local (or an editable override). The refusal of Generate and ``animate`` names the
    library as the file records it; the picker's line (``file_name_only``) by its file name."""
    key = mesh.data.shape_keys
    kinds = ((mesh, "object"), (mesh.data, "mesh data"), (key, "shape keys"), (arm, "armature object"))
    found = next(((i, kind) for i, kind in kinds if i is not None and i.library is not None), None)
    if found is None:
        return None
    idblock, kind = found  # pose bones live on the (overridable) armature object
    path = idblock.library.filepath
    where = f"{bpy.path.basename(path) if file_name_only else path} (read-only)"
    if idblock is not arm and idblock is not mesh and mesh.override_library is not None:
        return (
            f"{mesh.name!r} is a library override, but its {kind} {idblock.name!r} is still linked from "
            f"{where}; make its data local too ({MAKE_LOCAL}) before animating it"
        )
    what = f"it local ({MAKE_LOCAL})"
    if arm is not None and idblock is not arm and arm.library is not None:  # one round, not two
        what = f"it and its armature {arm.name!r} local (select both, {MAKE_LOCAL})"
    return f"the {kind} {idblock.name!r} is linked from {where}; make {what} before animating it"


def _vertical(v: Any) -> str | None:
    """ "Y" or "Z", whichever ``v`` (armature space) mostly runs along; None for a vector too short
    or running mostly along X (it says nothing about up)."""
    ax, ay, az = abs(v.x), abs(v.y), abs(v.z)
    if max(ax, ay, az) <= 1e-9 or ax >= max(ay, az):
        return None
    return "Y" if ay > az else "Z"


def _up_axis(arm: Any, bone_name: str) -> tuple[str, str]:
    """The armature's up axis for head rotation, and a warning when the head bone points elsewhere.

    Read first from the chain (the parent's head -> the head bone's head: a neck runs up whatever
    way its joints were oriented), then from the armature object standing Y-up in the world (Maya's
    FBX), and only last from the head bone's own direction: a Maya joint oriented X-down-the-chain
    and imported without Automatic Bone Orientation points forward, and reading its tail keyed the
    take's yaw as a head roll (review rv39f F2)."""
    bone = arm.data.bones[bone_name]
    own = _vertical(bone.tail_local - bone.head_local)  # armature space (Bone.vector is parent-relative)
    parent = bone.parent
    chain = _vertical(bone.head_local - parent.head_local) if parent is not None else None
    standing = _object_up_axis(arm)
    if chain is not None:
        up, why = chain, f"the chain {parent.name!r} -> {bone_name!r} runs along {chain}"
    else:
        up, why = standing, f"the armature {arm.name!r} stands {standing}-up"
    if own is None or own == up:
        return up, ""
    return up, (
        f"head bone {bone_name!r} points along the rig's {own} but {why}: the head turns with {up} up "
        f"(a rig from Maya imported without Automatic Bone Orientation reads so); if the head rolls "
        f'where it should turn, give it a map file holding only {{"version": 1, "up_axis": "{own}"}} '
        f"(--map-a or --map-b; the preset still keys the face) or, on the command line, "
        f"--up-axis-a/--up-axis-b {own}"
    )


def _object_up_axis(obj: Any) -> str:
    """The up axis of a character turned as a whole object: "Y" when its own +Y points up in the
    world (an FBX written Y-up by Maya and most tools: the importer stands the object up with a
    90-degree X rotation, so turning about its Z rolled the face), else Blender's "Z"."""
    m = obj.matrix_world.to_3x3()
    return "Y" if m.col[1].normalized().z > m.col[2].normalized().z else "Z"


def _preset_counts(key_names: list[str]) -> dict[str, tuple[dict[int, str], int]]:
    out: dict[str, tuple[dict[int, str], int]] = {}
    for family, targets in presets.PRESET_TARGETS.items():
        out[family] = (presets.match_targets(targets, key_names), len(targets))
    flame = {}
    for name in key_names:
        idx = presets.flame_exp_index(name)
        if idx is not None and idx < len(FLAME_EXP) and idx not in flame:
            flame[idx] = name
    out[presets.FAMILY_FLAME] = (flame, len(FLAME_EXP))
    return out


def inspect_character(
    obj: Any,
    preset: str = AUTO,
    mapping: CustomMap | str | os.PathLike[str] | None = None,
    *,
    up_axis: str = AUTO,
) -> CharacterReport:
    """Report which keys/bones each motion channel maps to on ``obj`` (no scene changes)."""
    if preset not in PRESET_CHOICES:
        raise DualTalkError(f"unknown preset {preset!r} (expected one of {', '.join(PRESET_CHOICES)})")
    if up_axis not in (AUTO, "Y", "Z"):
        raise DualTalkError(f"up axis must be auto, Y or Z, got {up_axis!r}")
    if isinstance(mapping, str | os.PathLike):
        mapping = load_mapping(mapping)
    mesh, arm = find_mesh_and_armature(obj)
    key = mesh.data.shape_keys
    key_names = [kb.name for kb in key.key_blocks[1:]] if key is not None else []
    bone_names = [b.name for b in arm.data.bones] if arm is not None else []
    report = CharacterReport(mesh=mesh, armature=arm, family=None, space=SPACE_ARKIT)
    report.shared_with = sharing_objects(mesh)
    report.jaw_bone = presets.find_bone(bone_names, presets.JAW_BONES)
    report.neck_bone = presets.find_bone(bone_names, presets.NECK_BONES)
    report.eye_bones = (
        presets.find_bone(bone_names, presets.EYE_L_BONES),
        presets.find_bone(bone_names, presets.EYE_R_BONES),
    )
    head_bone = presets.find_bone(bone_names, presets.HEAD_BONES) or report.neck_bone

    custom = mapping is not None and not mapping.preset_keys  # else the preset keys the face
    if mapping is not None and custom:
        _plan_custom(report, mapping, key_names, bone_names, head_bone)
    else:
        report.preset = preset
        counts = _preset_counts(key_names)
        report.matches = {f: list(counts[f][0].values()) for f in presets.FAMILIES if counts[f][0]}
        family: str | None = preset
        if preset == AUTO:
            best = max(presets.FAMILIES, key=lambda f: (len(counts[f][0]), -presets.FAMILIES.index(f)))
            family = best if counts[best][0] else None
        if family == presets.FAMILY_FLAME:
            _plan_flame(report, counts[family][0], key_names)
        elif family is not None:
            _plan_preset(report, family, counts[family][0])
        if report.family != presets.FAMILY_FLAME:
            report.head_target = head_bone or ""
            if mapping is not None:  # a map of only "up_axis" / "head": its head bone, if it names one
                report.head_target = _map_head(report, mapping, bone_names, head_bone)
        # no face keys of any family (none at all, or body correctives such as 'Fat'), a jaw bone
        jaw_only = family is None and not report.matches and not _face_elsewhere(mesh, arm)
        if report.family is not None or jaw_only:  # FLAME rigs too: their eyes come from the layer's gaze
            _plan_eye_bones(report, key_names)
        if (report.family is not None and report.family != presets.FAMILY_FLAME) or jaw_only:
            _plan_jaw_bone(report)
        if report.keys:
            report.warnings += _idle_keys(report, key_names)
    if obj.type == "ARMATURE":
        _chosen, tied, why = _face_choice(obj)
        if tied:
            report.warnings.append(
                f"{obj.name}: {mesh.name} is keyed as the face ({why}); {_listed([m.name for m in tied])} "
                f"{'has' if len(tied) == 1 else 'have'} as many face keys and follow"
                f"{'s' if len(tied) == 1 else ''} it; pick the face mesh itself to choose another"
            )
    report.warnings += _shape_key_traps(mesh, key, report)
    report.warnings += _modifier_traps(mesh, key, report)
    if arm is not None and not report.head_target and not (mapping is not None and mapping.head == ""):
        report.head_skipped = True
        looked = mesh_armatures(mesh) if obj.type == "MESH" else [arm]
        if len(looked) > 1:
            names = ", ".join(repr(a.name) for a in looked)
            report.warnings.append(
                f"{mesh.name}: none of its armatures ({names}) has a head or neck bone; head motion is not "
                "keyed; pick the rig that turns the head as the character"
            )
        else:
            report.warnings.append(
                f"{mesh.name}: armature {arm.name!r} has no head or neck bone; head motion is not keyed"
            )
    if not custom and report.family in presets.PRESET_TARGETS and report.keys:
        report.warnings += _silent_parts(report, key_names)
    if up_axis == AUTO and mapping is not None:
        up_axis = mapping.up_axis  # the map names its rig's bones; it may say which way is up too
    if report.head_target and arm is not None:
        report.head_frame = "bone" if report.family == presets.FAMILY_FLAME else up_axis
        if report.head_frame == AUTO:
            report.head_frame, doubt = _up_axis(arm, report.head_target)
            if doubt:
                report.warnings.append(f"{mesh.name}: {doubt}")
    elif report.family != presets.FAMILY_FLAME:
        report.head_frame = up_axis if up_axis != AUTO else _object_up_axis(arm if arm is not None else mesh)
    if report.head_target and arm is not None:
        report.warnings += _head_bone_traps(mesh, arm, report.head_target)
    return report


# Constraints that set a bone's rotation outright (the copy ones in their default Replace mix): on
# the head bone they win over the rotation we key, and the take's nods and turns never show. A Child
# Of (or a copy in an additive mix) only carries the keyed rotation, which still plays.
_AIMS = {"DAMPED_TRACK": "Damped Track", "TRACK_TO": "Track To", "LOCKED_TRACK": "Locked Track",
         "STRETCH_TO": "Stretch To", "IK": "Inverse Kinematics"}  # fmt: skip
_COPIES = {"COPY_ROTATION": "Copy Rotation", "COPY_TRANSFORMS": "Copy Transforms"}


def _head_bone_traps(mesh: Any, arm: Any, bone: str) -> list[str]:
    """Constraints and drivers on the head bone that override the head rotation we key, said up front
    (as for driven shape keys): the run would "succeed" with a head that does not move, or moves
    as the constraint aims it."""
    pbone = arm.pose.bones.get(bone)
    if pbone is None:
        return []
    out = []
    for con in pbone.constraints:
        if con.mute or con.influence <= 0.0 or not getattr(con, "is_valid", True):
            continue
        copies = con.type in _COPIES and con.mix_mode == "REPLACE"
        if not copies and con.type not in _AIMS:
            continue
        kind = _COPIES[con.type] if copies else _AIMS[con.type]
        sub = getattr(con, "subtarget", "")
        if copies and getattr(con, "target", None) == arm and sub and sub in arm.pose.bones:
            head = json.dumps(sub, ensure_ascii=False)
            advice = (
                f'key the control bone {sub!r} instead ("head": {head} in a --map file), '
                "or mute the constraint"
            )
        else:
            advice = "mute the constraint (or set its influence to 0) to see the take's head motion"
        how = "overrides" if con.influence >= 1.0 else f"partly overrides (influence {con.influence:.2g})"
        out.append(
            f"{mesh.name}: head bone {bone!r} has a {kind} constraint {con.name!r} that {how} the "
            f"head rotation DualTalk keys, so the take's head motion will not show; {advice}"
        )
    drivers = arm.animation_data.drivers if arm.animation_data is not None else []
    prefix = f'pose.bones["{bpy.utils.escape_identifier(bone)}"].rotation_'
    driven = sorted(
        {fc.data_path[len(prefix) :] for fc in drivers if fc.data_path.startswith(prefix) and not fc.mute}
    )
    if driven:
        out.append(
            f"{mesh.name}: head bone {bone!r} has drivers on its rotation ({', '.join(driven)}), which "
            "override the keys DualTalk sets, so the take's head motion will not show; remove or mute "
            "those drivers"
        )
    return out


def head_limits(arm: Any, bone: str) -> list[Any]:
    """The Limit Rotation constraints that can hold ``bone`` (the head) in: unmuted, of some influence
    and limiting an axis. Rigs carry one as a safety (Y within 20 degrees): the take's head turned toward
    a partner beside it stopped at the limit on every frame, nods and sway gone with it, and the eyes,
    aimed for the whole turn, missed the partner with nothing said (review rv43a F2). Whether one holds
    the take's head short is known once the head is keyed (:func:`limits_reached`)."""
    pbone = arm.pose.bones.get(bone) if arm is not None and bone else None
    if pbone is None:
        return []
    return [
        con
        for con in pbone.constraints
        if con.type == "LIMIT_ROTATION"
        and not con.mute
        and con.influence > 0.0
        and getattr(con, "is_valid", True)
        and any(getattr(con, f"use_limit_{axis}") for axis in "xyz")
    ]


REACHED_DEG = 0.5  # a keyed turn this far past a limit is held short by it


def limits_reached(character: str, arm: Any, bone: str, quats: np.ndarray) -> list[str]:
    """One line for each Limit Rotation on ``bone`` (:func:`head_limits`) that holds the keyed head
    short: ``quats`` (T, 4), the bone's local rotations the take keys, go past one of its limits.

    A limit in local space is compared with the keyed turn, so one the take never reaches (+-179
    degrees, or +-30 for a pair that glances 20) is quiet and costs no second aiming of the eyes
    (review rv43e F4); one in another space counts as reached (the turn there depends on the parents
    as they play)."""
    out = []
    pbone = arm.pose.bones[bone]
    for con in head_limits(arm, bone):
        if con.owner_space != "LOCAL":
            out.append(_limit_line(character, bone, con, None))
            continue
        order: Any = getattr(con, "euler_order", "AUTO")  # AUTO: the bone's Euler order, else XYZ
        if order == "AUTO":
            order = pbone.rotation_mode if pbone.rotation_mode not in ("QUATERNION", "AXIS_ANGLE") else "XYZ"
        turns = (Quaternion(q).to_euler(order) for q in quats)
        eulers = np.degrees([[e.x, e.y, e.z] for e in turns]).reshape(-1, 3)
        past = 0.0
        for i, axis in enumerate("xyz"):
            if getattr(con, f"use_limit_{axis}"):
                lo, hi = (math.degrees(getattr(con, f"{end}_{axis}")) for end in ("min", "max"))
                over = np.maximum(lo - eulers[:, i], eulers[:, i] - hi)
                if len(over) and float(over.max()) > REACHED_DEG:
                    past = max(past, float(np.abs(eulers[:, i]).max()))
        if past:
            out.append(_limit_line(character, bone, con, past))
    return out


def _limit_line(character: str, bone: str, con: Any, keyed: float | None) -> str:
    """The line for a Limit Rotation that holds the take's head short (:func:`limits_reached`): its
    limits, the turn the take keys past them (``keyed`` degrees; None: a limit not in local space)."""
    limits = ", ".join(
        f"{axis.upper()} {math.degrees(getattr(con, f'min_{axis}')):.0f} to "
        f"{math.degrees(getattr(con, f'max_{axis}')):.0f}"
        for axis in "xyz"
        if getattr(con, f"use_limit_{axis}")
    )
    space = con.bl_rna.properties["owner_space"].enum_items[con.owner_space].name.lower()
    how = "" if con.influence >= 1.0 else f" (influence {con.influence:.2g})"
    turn = (
        f"the take turns it up to {keyed:.0f} degrees, so the head stops at the limit"
        if keyed is not None
        else "the take's head stops there where it turns further"
    )
    return (
        f"{character}: head bone {bone!r} has a Limit Rotation constraint {con.name!r}{how} holding it to "
        f"{limits} degrees ({space}): {turn}, and the eyes turn the rest only as far as they reach, so eye "
        "contact can miss; widen or mute the limit to see the take's head motion"
    )


def _shape_key_traps(mesh: Any, key: Any, report: CharacterReport) -> list[str]:
    """Rig setups on which the keys we set would not move the face, said up front.

    A driver on a key's value wins over its F-curve (production rigs drive jaw keys from
    bones or custom properties), and absolute shape keys (``use_relative = False``)
    ignore the key values altogether: either way the run would "succeed" with a still face.
    """
    if key is None or not report.keys:
        return []
    out = []
    if not key.use_relative:
        out.append(
            f"{mesh.name}: its shape keys are absolute (Relative is off), so key values do not move the face; "
            "turn Relative on in the Shape Keys panel to see the animation"
        )
    drivers = key.animation_data.drivers if key.animation_data is not None else []
    driven = []
    for fc in drivers:
        if fc.mute or not fc.data_path.startswith('key_blocks["') or not fc.data_path.endswith('"].value'):
            continue
        name = fc.data_path[len('key_blocks["') : -len('"].value')].replace('\\"', '"')
        if name in report.keys:
            driven.append(name)
    if driven:
        out.append(
            f"{mesh.name}: shape keys {_listed(driven)} are driven by drivers, which override the keys "
            "DualTalk sets, so they will not move; remove or mute those drivers "
            "(or animate the drivers' inputs)"
        )
    muted = [name for name in report.keys if key.key_blocks[name].mute]
    if muted:
        out.append(
            f"{mesh.name}: shape keys {_listed(muted)} are muted, so their animation does not show; "
            "untick their mute boxes in the Shape Keys panel"
        )
    if mesh.show_only_shape_key:
        out.append(
            f"{mesh.name}: Shape Key Lock (the pin in the Shape Keys panel) is on, so only the active key "
            "shows and the face does not animate; turn it off"
        )
    return out


# Modifiers that may build their result without the mesh they are given: Geometry Nodes that output
# a new mesh, a Mesh Cache or a Mesh Sequence Cache that overwrites every vertex. Shape keys are
# applied before the stack, so their motion can vanish there.
_DISCARDING = {
    "NODES": "Geometry Nodes",
    "MESH_CACHE": "Mesh Cache",
    "MESH_SEQUENCE_CACHE": "Mesh Sequence Cache",
}


def _modifier_traps(mesh: Any, key: Any, report: CharacterReport) -> list[str]:
    """A modifier stack that hides the shape keys' motion, said up front: the face would be keyed and
    never move. Only a stack with a modifier that can discard its input is evaluated, twice (one keyed
    shape key at 0 and at 1); the value is put back. Where the scene cannot be written (a panel's
    draw) or the face is not evaluated in this view layer, nothing is said."""
    suspects = [m for m in mesh.modifiers if m.type in _DISCARDING and m.show_viewport]
    if key is None or not report.keys or not suspects or not key.use_relative or mesh.show_only_shape_key:
        return []
    if mesh.mode == "EDIT":  # an edit-mode mesh shows no shape keys: nothing to learn
        return []
    kb = _moving_key(key, report)
    if kb is None:
        return []
    old = kb.value
    try:
        shapes = []
        for value in (0.0, max(kb.slider_min, min(1.0, kb.slider_max))):
            kb.value = value
            shapes.append(_evaluated_points(mesh))
    except Exception:  # noqa: BLE001 -- a draw callback may not write to ID data: say nothing there
        return []
    finally:
        try:
            if kb.value != old:
                kb.value = old
        except Exception:  # noqa: BLE001
            pass
    rest, moved = shapes
    if rest is None or moved is None or rest.shape != moved.shape or not np.allclose(rest, moved, atol=1e-7):
        return []  # not evaluated here, or the face moves
    names = ", ".join(f"{m.name!r} ({_DISCARDING[m.type]})" for m in suspects)
    return [
        f"{mesh.name}: its modifier {names} hides the shape keys' motion (the evaluated face does not "
        "change when a key moves), so the take will not show; disable it in the viewport and render, "
        "or feed its input mesh through"
    ]


def _moving_key(key: Any, report: CharacterReport) -> Any | None:
    """A keyed, unmuted, undriven shape key (a driver would hold its value) that moves some vertex (one
    without a vertex group first)."""
    drivers = key.animation_data.drivers if key.animation_data is not None else []
    driven = {fc.data_path for fc in drivers if not fc.mute}
    found = []
    for name in report.keys:
        kb = key.key_blocks.get(name)
        if kb is None or kb.mute or kb.path_from_id("value") in driven:
            continue
        ref = kb.relative_key
        n = len(kb.data)
        if n == 0:
            continue
        co, base = np.empty(n * 3, np.float32), np.empty(n * 3, np.float32)
        kb.data.foreach_get("co", co)
        ref.data.foreach_get("co", base)
        if np.abs(co - base).max() > 1e-6:
            if not kb.vertex_group:
                return kb
            found.append(kb)
    return found[0] if found else None


def _evaluated_points(mesh: Any) -> np.ndarray | None:
    """The evaluated mesh's vertex positions in the context's view layer; None where the object is not
    evaluated there (another scene, an excluded collection)."""
    view_layer = bpy.context.view_layer
    if view_layer is None or view_layer.objects.get(mesh.name) != mesh:
        return None
    depsgraph = bpy.context.evaluated_depsgraph_get()
    depsgraph.update()
    evaluated = mesh.evaluated_get(depsgraph)
    if evaluated is mesh:
        return None
    data = evaluated.to_mesh()
    try:
        co = np.empty(len(data.vertices) * 3, np.float32)
        data.vertices.foreach_get("co", co)
    finally:
        evaluated.to_mesh_clear()
    return co


def _listed(names: list[str]) -> str:
    return ", ".join(sorted(names)[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")


def _plan_preset(report: CharacterReport, family: str, found: dict[int, str]) -> None:
    targets = presets.PRESET_TARGETS[family]
    report.family = family
    report.space = SPACE_ARKIT
    expected = presets.expected_targets(family, found)
    vrchat = family == presets.FAMILY_VRM and presets.is_vrchat(list(found.values()))
    report.label = "VRChat keys" if vrchat else ""
    report.expected = len(expected)
    unkeyed = presets.covered(targets, found)
    for i in expected:
        target = targets[i]
        if i in unkeyed:
            continue  # found, and left at rest: the one-eye keys carry the blink
        if i in found:
            report.keys[found[i]] = list(target.mix)
        else:
            report.missing.append(presets.target_name(target, vrchat))
    if family in presets.CLIPPED_FAMILIES:
        report.clip = (0.0, 1.0)


EYE_YAW_RAD = 0.5  # eyeLookOut/In = 1 turns the eye about 29 degrees
EYE_PITCH_RAD = 0.35  # eyeLookUp/Down = 1 about 20 degrees


def _plan_eye_bones(report: CharacterReport, key_names: list[str]) -> None:
    """Rigs with eye bones but no eyeLook keys (VRM, MMD, many game rigs): turn the bones.

    Rotations are written in the motion's head frame (x: pitch, + = down; y: yaw, + = to
    the character's left) and converted to each bone's axes like the head rotation.
    """
    if report.armature is None:
        return
    looks = [n for n in ARKIT52 if n.startswith("eyeLook")]
    if any(presets.match_targets(tuple(presets.Target((n,), ()) for n in looks), key_names)):
        return  # the rig has look keys: those are used
    for side, bone in zip(("Left", "Right"), report.eye_bones, strict=True):
        if bone is None:
            continue
        out_sign = 1.0 if side == "Left" else -1.0  # "out" is towards the eye's own side
        rows = {
            f"eyeLookOut{side}": (0.0, out_sign * EYE_YAW_RAD, 0.0),
            f"eyeLookIn{side}": (0.0, -out_sign * EYE_YAW_RAD, 0.0),
            f"eyeLookUp{side}": (-EYE_PITCH_RAD, 0.0, 0.0),
            f"eyeLookDown{side}": (EYE_PITCH_RAD, 0.0, 0.0),
        }
        report.bones.append(BoneDrive(bone, list(rows), np.array(list(rows.values())), frame="head"))


JAW_OPEN_RAD = 0.45  # jawOpen = 1 turns a jaw bone about 26 degrees, a wide-open human jaw


def _plan_jaw_bone(report: CharacterReport) -> None:
    """A rig whose keys never open the mouth (no jawOpen key, nor a viseme fed by it) but that has
    a jaw bone: the bone opens it (many game rigs), turned in the motion's head frame (x: pitch,
    + = down) like the eye bones. With a key fed by jawOpen the bone stays still: both would open
    the mouth twice as far."""
    if report.jaw_bone is None or any(ch == "jawOpen" for mix in report.keys.values() for ch, _w in mix):
        return
    report.bones.append(
        BoneDrive(report.jaw_bone, ["jawOpen"], np.array([[JAW_OPEN_RAD, 0.0, 0.0]]), frame="head")
    )
    if report.family is None:  # a face without face shape keys: the bones are all there is
        report.warnings.append(
            f"{report.mesh.name}: {keyless_words(report.mesh)}; the jaw bone {report.jaw_bone!r} opens the mouth and the "
            "head turns, but blinks, brows and smiles need shape keys and are dropped (a custom map can "
            "drive more bones: docs/blender.md, Custom maps)"
        )
        return
    report.warnings.append(
        f"{report.mesh.name}: no jawOpen key; the jaw bone {report.jaw_bone!r} opens the mouth instead"
    )


def _idle_keys(report: CharacterReport, key_names: list[str]) -> list[str]:
    """The face's keys no channel will move, said up front: another family's (a VRoid face that also
    carries ARKit eye tracking: the preset is chosen by count, and the other family's visemes stayed
    still without a word), and a VRChat avatar's consonant visemes ARKit has no shape for."""
    out = []
    chosen = report.label or _FAMILY_LABEL.get(report.family or "", "")
    for family, names in report.matches.items():
        idle = [n for n in names if n not in report.keys]
        if family == report.family or len(idle) < 2:
            continue
        label = "VRChat keys" if presets.is_vrchat(idle) else _FAMILY_LABEL[family]
        shown = ", ".join(idle[:6]) + (f" and {len(idle) - 6} more" if len(idle) > 6 else "")  # mouth first
        out.append(
            f"{report.mesh.name}: its {len(idle)} {label} ({shown}) are not keyed: the "
            f"{report.family!r} preset drives its {report.matched} {chosen}; the {family!r} preset (--preset "
            f"{family}, the panel's Rig) would drive them instead"
        )
    if report.label == "VRChat keys":
        idle_vrc = [n for n in key_names if n.lower() in presets.VRCHAT_IDLE]
        if idle_vrc:
            out.append(
                f"{report.mesh.name}: VRChat visemes {', '.join(idle_vrc)} are not keyed: they are tongue and "
                "teeth shapes no ARKit channel describes (the vowel visemes and vrc.v_pp, vrc.v_ff, vrc.v_th "
                "carry the mouth)"
            )
    return out


# Channels that shape speech: a face none of whose keys or bones they drive keeps its lips still.
_SPEECH = ("jawOpen", "mouthFunnel", "mouthPucker", "mouthLowerDownLeft", "mouthLowerDownRight",
           "mouthUpperUpLeft", "mouthUpperUpRight")  # fmt: skip
_MAP_WHERE = "--map-a/--map-b or the panel's map file; docs/blender.md, Custom maps"


def _driven(report: CharacterReport) -> set[str]:
    return {ch for mix in report.keys.values() for ch, _w in mix} | {
        ch for d in report.bones for ch in d.channels
    }


def _kana_hint(key_names: list[str]) -> str:
    """The preset's spelling of a key written in katakana (an MMD model's ``ア`` for ``あ``)."""
    known = {n for t in presets.MMD_TARGETS for n in t.names}
    pairs: list[str] = []
    for name in key_names:
        folded = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in name)
        if folded != name and folded in known:
            pairs.append(f"{name} {'reads ' if not pairs else ''}as {folded}")
    return f" ({', '.join(pairs[:5])})" if pairs else ""


def _silent_parts(report: CharacterReport, key_names: list[str]) -> list[str]:
    """A face keyed by a preset whose keys cannot open its mouth or close its eyes, said up front:
    an MMD model with katakana vowels (``ア``) and no jaw bone was keyed with only its blink and
    head moving, and a VRM model without blink keys dropped every blink, without a word (review
    rv39f F3). Names the keys it has, so the animator can map the right ones."""
    driven = _driven(report)
    name = report.mesh.name
    keys = f"its keys: {_listed(key_names)}{_kana_hint(key_names)}"
    out = []
    if not driven & set(_SPEECH):
        report.silent.append("mouth")
        out.append(
            f"no key opens {name}'s mouth: the lips will not move; {keys}; a custom map can send the key "
            f"that opens it to jawOpen ({_MAP_WHERE})"
        )
    if not any(ch.startswith("eyeBlink") for ch in driven):
        report.silent.append("eyes")
        out.append(
            f"no key closes {name}'s eyes: the take's blinks go nowhere; {keys}; a custom map can send its "
            f"eye-close keys to eyeBlinkLeft/eyeBlinkRight ({_MAP_WHERE})"
        )
    return out


def _face_elsewhere(mesh: Any, arm: Any | None) -> bool:
    """Whether another mesh on ``mesh``'s rig has known face keys (the body was picked, not the face:
    refused with "pick the face mesh", never keyed as a jaw-only head)."""
    return arm is not None and any(m is not mesh and _face_score(m)[0] > 0 for m in rig_meshes(arm))


def _plan_flame(report: CharacterReport, found: dict[int, str], key_names: list[str]) -> None:
    report.family = presets.FAMILY_FLAME
    report.space = SPACE_FLAME
    report.expected = len(FLAME_EXP)
    for idx in range(len(FLAME_EXP)):
        if idx in found:
            report.keys[found[idx]] = [(FLAME_EXP[idx], 1.0)]
        else:
            report.missing.append(f"Exp{idx:03d}")
    eye = np.eye(3)
    if report.jaw_bone:
        report.bones.append(BoneDrive(report.jaw_bone, ["jaw_rx", "jaw_ry", "jaw_rz"], eye.copy()))
    else:
        report.warnings.append(f"{report.mesh.name}: FLAME rig without a 'jaw' bone; the mouth will not open")
    report.head_target = report.neck_bone or ""
    report.head_frame = "bone"
    pose_keys = {presets.flame_pose_index(n): n for n in key_names if presets.flame_pose_index(n) is not None}
    if all(i in pose_keys for i in range(1, 19)):
        report.flame_correctives = [pose_keys[i] for i in range(1, 19)]


def _with_hint(name: str, names: list[str]) -> str:
    """A missing map target with the rig's nearest name, as channel names get theirs."""
    near = nearest_name(name, names)
    return f"{name} (did you mean {near!r}?)" if near is not None and near != name else name


def _map_head(
    report: CharacterReport, mapping: CustomMap, bone_names: list[str], head_bone: str | None
) -> str:
    """The head target a map's ``"head"`` names ("" turns the object; none said: ``head_bone``, the
    one found by name); a bone the rig lacks is refused in one line."""
    if mapping.head is None:
        return head_bone or ""
    if mapping.head == "":
        return ""
    if (bone := name_finder(bone_names)(mapping.head)) is not None:
        return str(bone)
    if report.armature is None:
        raise DualTalkError(
            f"mapping names head bone {mapping.head!r}, but {report.mesh.name!r} has no armature; "
            'use "head": "" to turn the object, or pick the rigged character'
        )
    raise DualTalkError(
        f"mapping names head bone {mapping.head!r}, which {report.mesh.name!r}'s armature lacks"
    )


def _plan_custom(
    report: CharacterReport,
    mapping: CustomMap,
    key_names: list[str],
    bone_names: list[str],
    head_bone: str | None,
) -> None:
    report.family = "custom"
    report.space = mapping.space
    report.clip = mapping.clip
    key_of, bone_of = name_finder(key_names), name_finder(bone_names)
    for key_link in mapping.keys:
        if (name := key_of(key_link.key)) is not None:
            report.keys.setdefault(name, []).append((key_link.channel, key_link.weight))
    report.missing = [k for k in mapping.key_names if key_of(k) is None]
    drives: dict[str, dict[str, np.ndarray]] = {}
    for bone_link in mapping.bones:
        if (bone := bone_of(bone_link.bone)) is None:
            if bone_link.bone not in report.missing:
                report.missing.append(bone_link.bone)
            continue
        row = drives.setdefault(bone, {}).setdefault(bone_link.channel, np.zeros(3))
        row += np.asarray(bone_link.axis) * bone_link.weight
    for bone, rows in drives.items():
        chans = list(rows)
        report.bones.append(BoneDrive(bone, chans, np.stack([rows[c] for c in chans])))
    report.expected = len(mapping.key_names) + len(mapping.bone_names)
    if report.expected and not report.keys and not report.bones:
        raise DualTalkError(
            f"none of the {report.expected} shape keys/bones in map {mapping.name!r} exist on {report.mesh.name!r} "
            f"(first: {', '.join(report.missing[:3])})"
        )
    key = report.mesh.data.shape_keys
    reference = key.reference_key.name if key is not None and key.reference_key is not None else None
    if reference in report.missing:  # there, but every other key is relative to it: never animated
        report.missing.remove(reference)
        report.warnings.append(
            f"{report.mesh.name}: map {mapping.name!r} targets {reference!r}, the reference shape key the "
            "others are relative to; it cannot be animated (map another key)"
        )
    if report.missing:
        shown = [_with_hint(m, key_names + bone_names) for m in report.missing[:5]]
        report.warnings.append(
            f"{report.mesh.name}: map {mapping.name!r} targets missing on this rig: {', '.join(shown)}"
            + (" ..." if len(report.missing) > 5 else "")
        )
    report.head_target = _map_head(report, mapping, bone_names, head_bone)
    clash = [d for d in report.bones if d.bone == report.head_target and report.armature is not None]
    if clash:
        report.warnings.append(
            f"{report.mesh.name}: map {mapping.name!r} drives {clash[0].bone!r} "
            f"from {', '.join(clash[0].channels)}, "
            'but that bone turns the head, so those entries are not keyed; name another bone in "head" '
            '(or "" to turn the object) to use them'
        )
    if mapping.space == SPACE_FLAME:
        report.neck_bone = report.head_target or None
