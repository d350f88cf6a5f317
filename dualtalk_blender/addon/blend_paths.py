"""Keep the panel's blend-relative ("//") input paths naming the same files when the .blend is saved elsewhere.

Blender rebases its own data's input paths on Save As (images, sounds) but not an add-on's strings:
a recording picked as ``//takes/scene4.wav`` would, after Save As into another folder, name a file
beside the new .blend: missing, or worse another take of that name. Before every save the panel's
input paths are rewritten relative to the file being written; after a Save Copy (the session stays
on the old file) or a failed save they are put back. Paths keep naming the same file even with Save
As's *Remap Relative* off (a handler cannot see that option). Output paths (the FBX) are left as
written, as Blender leaves its render output: ``//dualtalk.fbx`` means beside whichever .blend this
is, so each saved version of a shot exports beside itself instead of over the first version's file.
"""

from __future__ import annotations

import os
from typing import Any

import bpy
from bpy.app.handlers import persistent

_PATH_SUBTYPES = {"FILE_PATH", "DIR_PATH"}
# what the panel writes, not reads: a "//" output stays beside whichever .blend is open
OUTPUT_PATHS = frozenset({"fbx_path"})
# (scene, property, value before the save): what to put back after a copy or a failed save
_BEFORE: list[tuple[Any, str, str]] = []


def same_path(a: str, b: str) -> bool:
    """Whether two paths name the same place (case folded where the file system folds it)."""
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def rebase(path: str, old_blend: str, new_blend: str) -> str:
    """``path`` as written for a .blend at ``new_blend``, naming what it named beside ``old_blend``.

    Only "//" paths change, and only when the old file had a folder (an unsaved file's "//" names
    nothing yet). Where no relative path exists (another drive on Windows) the path becomes absolute.
    """
    if not path.startswith("//") or not old_blend or not new_blend:
        return path
    old_dir, new_dir = os.path.dirname(old_blend), os.path.dirname(new_blend)
    if same_path(old_dir, new_dir):
        return path
    target = os.path.normpath(os.path.join(old_dir, path[2:]))
    try:
        relative = os.path.relpath(target, new_dir)
    except ValueError:
        return target
    if path.endswith(("/", "\\")):  # a folder stays written as one
        relative += "/"
    return "//" + relative.replace(os.sep, "/")


def path_properties(settings: Any) -> list[str]:
    """The names of the settings' file and folder path properties (the options and the FBX path)."""
    return [
        p.identifier for p in settings.bl_rna.properties if p.type == "STRING" and p.subtype in _PATH_SUBTYPES
    ]


def input_path_properties(settings: Any) -> list[str]:
    """The path properties naming files the panel reads: the ones Save As must keep pointing at."""
    return [name for name in path_properties(settings) if name not in OUTPUT_PATHS]


@persistent
def before_save(filepath: str = "", *_args: Any) -> None:
    """``save_pre``: write every scene's "//" input paths relative to ``filepath``, remembering the old text."""
    _BEFORE.clear()
    old = bpy.data.filepath
    if not old or not filepath:
        return
    for scene in bpy.data.scenes:
        settings = getattr(scene, "dualtalk", None)
        if settings is None or scene.library is not None:
            continue
        for name in input_path_properties(settings):
            value = getattr(settings, name)
            new = rebase(value, old, filepath)
            if new != value:
                _BEFORE.append((scene, name, value))
                setattr(settings, name, new)


def _restore() -> None:
    for scene, name, value in _BEFORE:
        try:
            setattr(scene.dualtalk, name, value)
        except ReferenceError:  # the scene went away with the save (cannot happen today; never fail a save)
            continue
    _BEFORE.clear()


@persistent
def after_save(filepath: str = "", *_args: Any) -> None:
    """``save_post``: after a Save Copy the session is still the old file, so its paths go back."""
    if _BEFORE and os.path.normcase(bpy.data.filepath) != os.path.normcase(filepath):
        _restore()
    _BEFORE.clear()


@persistent
def after_failed_save(_filepath: str = "", *_args: Any) -> None:
    """``save_post_fail``: nothing was written, the session is unchanged."""
    _restore()


_HANDLERS = (
    (bpy.app.handlers.save_pre, before_save),
    (bpy.app.handlers.save_post, after_save),
    (bpy.app.handlers.save_post_fail, after_failed_save),
)


def drop_handler(handlers: Any, fn: Any) -> None:
    """Remove ``fn`` and any copy of it from an earlier load of the add-on (a reload makes new functions)."""
    for h in list(handlers):
        if h is fn or (getattr(h, "__module__", None), getattr(h, "__qualname__", None)) == (
            fn.__module__,
            fn.__qualname__,
        ):
            handlers.remove(h)


def register_handlers() -> None:
    for handlers, fn in _HANDLERS:
        drop_handler(handlers, fn)
        handlers.append(fn)


def unregister_handlers() -> None:
    for handlers, fn in _HANDLERS:
        drop_handler(handlers, fn)
    _BEFORE.clear()
