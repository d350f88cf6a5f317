"""Blender's ``//`` paths (beside the .blend), one rule for the scene functions and the add-on.

A path a script or the panel gives may be ``//``-relative, as everywhere in Blender. POSIX reads
``//x`` as ``/x``, so a path handed to Python's file functions unresolved lands at the filesystem
root: every scene function that takes a path (``export_fbx``, ``ApplyOptions.mapping`` /
``flame_map``) resolves it here first, and the panel's settings (``addon/panel_settings``) refuse and
resolve with the same words.
"""

from __future__ import annotations

import os

import bpy

from ...inference.core.errors import DualTalkError

UNSAVED_WORDS = "which is not saved yet; save the .blend first or choose a full path"


def refuse_unsaved_relative(label: str, path: str, relation: str = "is relative to") -> None:
    """Refuse a ``//`` path while the .blend has never been saved: there is no folder for it to be
    beside, and Blender would read it (or Export FBX write it) wherever Blender was started."""
    if str(path).startswith("//") and not bpy.data.filepath:
        raise DualTalkError(f"the {label} {path} {relation} the .blend file, {UNSAVED_WORDS}")


def abspath(path: str) -> str:
    """Blender-relative ``//`` paths and ``~`` made absolute; "" stays "". A path relative to
    nothing (typed ``talk.wav``; ``//`` in a file never saved) is read from Blender's working folder,
    and named in full, so a worker in a folder of its own reads the same file.

    A .blend saved on Windows keeps ``//scripts\\scene.txt``; elsewhere that is one file name with a
    backslash in it. Where that file is not there but the path read with ``/`` is (or, for a file
    still to write, only its folder is), the ``/`` reading is the path (:func:`windows_relative`)."""
    if not path:
        return ""
    return os.path.abspath(os.path.expanduser(bpy.path.abspath(windows_relative(path))))


def windows_relative(path: str) -> str:
    """``//a\\b`` as ``//a/b`` off Windows, where the file (or the folder a new file goes into) is
    there only by that reading; a real name holding a backslash is kept as it is."""
    if os.sep != "/" or not path.startswith("//") or "\\" not in path:
        return path
    literal = bpy.path.abspath(path)
    slashed = path.replace("\\", "/")
    other = bpy.path.abspath(slashed)
    if os.path.lexists(literal):
        return path
    if os.path.lexists(other):
        return slashed
    folder = os.path.dirname(other)
    if folder != os.path.dirname(literal) and os.path.isdir(folder):
        return slashed  # a file to write (an FBX) into a folder named the Windows way
    return path


def blend_path(label: str, path: str | os.PathLike[str], relation: str = "is relative to") -> str:
    """``path`` as a script gives it to a scene function, made absolute the way Blender reads it
    (``//`` beside the saved .blend, ``~``); a ``//`` path in a .blend never saved is refused in the
    panel's words (:func:`refuse_unsaved_relative`, ``label`` names it: "FBX path", "custom map")."""
    text = os.fspath(path)
    refuse_unsaved_relative(label, text, relation)
    return abspath(text)
