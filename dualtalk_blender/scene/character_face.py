"""The character an object stands for, as DualTalk's lines and records name it: its face mesh.

The animator may pick the rig or the face; a take's records, its readings' texts and every status line
name the face mesh. Remove Take (:mod:`.remove_take`) and the panel's ``addon/take_back`` find it here,
one rule for both. :mod:`.deleted_parts` reads :func:`.characters.find_mesh_and_armature` itself: it
needs the rig as well and skips an object that is no character, where this returns the object.
"""

from __future__ import annotations

from typing import Any

from ...inference.core.errors import DualTalkError
from .characters import find_mesh_and_armature


def face(obj: Any) -> Any:
    """The face mesh of ``obj`` (mesh or rig); ``obj`` itself where none is found (not a character),
    so the caller's own refusal names what was picked."""
    try:
        return find_mesh_and_armature(obj)[0]
    except DualTalkError:
        return obj
