"""Shape keys and bones the playing take keys that were deleted since (review rv42a, noted).

Blender leaves a deleted shape key's or bone's curves in the take's layer actions, naming a part that
is no longer there: they move nothing, and the next Generate no longer keys it (the map finds no such
key). A rename is another case: Blender renames the playing take's curves with the part, so they still
resolve and :func:`.layers.renamed_channels` says so. Here the curves that resolve to nothing are read,
so the panel can say the part is gone, as it says a renamed one is missing, and so can Generate, a
Re-generate Preview Range and Export FBX in their own lines (:func:`deleted_warnings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...inference.core.errors import DualTalkError
from . import compat
from .characters import find_mesh_and_armature
from .layers import REST, character_idblocks, our_strips, resolves

_PART = re.compile(r'(key_blocks|pose\.bones)\["((?:[^"\\]|\\.)*)"\]')
SHOWN = 3  # parts named in the line; the rest counted ("and 2 more")


def deleted_parts(idblocks: Iterable[Any]) -> list[tuple[str, str]]:
    """(kind, name) of each shape key ("shape key") or bone ("bone") the take playing on ``idblocks``
    keys in its layers that the datablock no longer has, in the order the curves name them."""
    found: dict[tuple[str, str], None] = {}
    for idblock in idblocks:
        for layer, strip in our_strips(idblock).items():
            if layer == REST or strip.action is None:  # the rest track holds what the layers key
                continue
            for fc in compat.iter_fcurves(strip.action, strip.action_slot):
                part = _PART.match(fc.data_path)
                if part is None or resolves(idblock, fc.data_path):
                    continue
                kind = "shape key" if part.group(1) == "key_blocks" else "bone"
                found[(kind, part.group(2).replace('\\"', '"'))] = None
    return list(found)


def deleted_warnings(objs: Iterable[Any]) -> list[str]:
    """:func:`deleted_warning` for each character of ``objs`` (mesh or rig) whose playing take keys a
    part deleted since: the operators' own lines (Generate and a preview range, read before the take
    is replaced, as the new one no longer keys the part; Export FBX, whose file leaves it out). An
    object that is not a character is passed over: the operator's own check names it."""
    out: list[str] = []
    seen: list[Any] = []
    for obj in objs:
        try:
            mesh, arm = find_mesh_and_armature(obj)
        except DualTalkError:
            continue
        if any(mesh == m for m in seen):
            continue
        seen.append(mesh)
        parts = deleted_parts(character_idblocks(obj, (mesh, arm)))
        if parts:
            out.append(deleted_warning(mesh.name, parts))
    return out


def deleted_warning(character: str, parts: list[tuple[str, str]]) -> str:
    """One line for ``character``'s deleted parts: "Alice: the shape key eyeBlinkLeft is missing
    (deleted since the take): ...", in the words of the line for a renamed one."""
    by_kind: dict[str, list[str]] = {}
    for kind, name in parts:
        by_kind.setdefault(kind, []).append(name)
    many = len(parts) > 1
    what = " and ".join(
        f"the {kind}{'s' if len(names) > 1 else ''} {_listed(names)}" for kind, names in by_kind.items()
    )
    them = "them" if many else "it"
    return (
        f"{character}: {what} {'are' if many else 'is'} missing (deleted since the take): the take's keys for "
        f"{them} move nothing and Generate no longer keys {them}; add {them} back under "
        f"{'those names' if many else 'that name'} (Ctrl+Z) to animate {them} again"
    )


def _listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b, c and d``; past :data:`SHOWN` + 1 names the rest are counted."""
    shown = names if len(names) <= SHOWN + 1 else [*names[:SHOWN], f"{len(names) - SHOWN} more"]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
