"""The panel's Export FBX: both picked characters to one file, and the status line after it
(with the first thing the file leaves out). The export itself is the scene function's
(:func:`..scene.fbx_export.export_fbx`); this is what the button adds to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from .panel_settings import check_characters


def export_fbx(s: Any, path: str, scene: Any = None, progress: Any = None) -> Path:
    """The panel's FBX export; ``progress`` hears the exporter's frames (stage ``fbx``)."""
    from ..scene.fbx_export import export_fbx as _export

    a, b = check_characters(s)
    if not path:
        raise DualTalkError("choose an FBX file to export to")
    scope = getattr(s, "fbx_scope", "FULL").lower()
    check_folder(path)
    # "//" beside the saved .blend, refused in a file never saved: the scene function's one rule
    return _export([a, b], path, scene=scene, scope=scope, progress=progress)


def check_folder(path: str) -> None:
    """Refuse an FBX path whose folder does not exist, as Blender's own exporter does: a typo in the
    folder would otherwise leave a stray folder tree. (``animate --fbx`` creates its output folders:
    a command line names them on purpose.)"""
    from ..scene.paths import blend_path

    folder = Path(blend_path("FBX path", path, "is next to")).parent
    if not folder.exists():
        raise DualTalkError(f"folder {folder} does not exist; create it first or choose another")


def clip_warnings(s: Any) -> list[str]:
    """What the file's clip holds that the animator may not mean (:func:`..scene.fbx_export.clip_warnings`:
    a character without a take, a scene range that is not the take's), each said as its own report
    after the status line, which keeps to :func:`fbx_message`."""
    from ..scene.fbx_export import clip_warnings as _clip_warnings

    scene = getattr(s, "id_data", None)
    if scene is None or not hasattr(scene, "render"):
        return []
    return _clip_warnings(check_characters(s), scene)


def fbx_message(s: Any, path: Path) -> str:
    """The status line after an FBX export, with the first thing the file leaves out (a mesh's
    Mirror or other modifiers: see :func:`..scene.fbx_export.left_out_modifiers`); a take keyed at
    another frame rate than the scene's comes first: the file carries keys out of step with the sound
    (:func:`.preflight.fps_warnings`)."""
    from ..scene.fbx_export import left_out_modifiers
    from .preflight import fps_warnings

    scene = getattr(s, "id_data", None)
    warnings = fps_warnings(scene) if scene is not None and hasattr(scene, "render") else []
    warnings += left_out_modifiers(check_characters(s), scope=getattr(s, "fbx_scope", "FULL").lower())
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f"exported {path}" + (f" (warning: {warnings[0]}{more})" if warnings else "")
