"""The panel's Export FBX: both picked characters to one file, or with "One File per Character" each
to its own (``NAME_A.fbx`` and ``NAME_B.fbx`` beside the chosen path: one root per file, as Unreal's
skeletal-mesh import wants; review 32g F4), and the status line after it (with the first thing the
file leaves out). The export itself is the scene function's (:func:`..scene.fbx_export.export_fbx`);
this is what the button adds to it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from .panel_settings import check_characters, refuse_unexpanded


def export_fbx(s: Any, path: str, scene: Any = None, progress: Any = None) -> list[Path]:
    """The panel's FBX export in this Blender (a script's ``bpy.ops.dualtalk.export_fbx()``);
    ``progress`` hears the exporter's frames (stage ``fbx``). Returns the files written: the chosen
    one, or one per character. Each file's lock is held meanwhile (:func:`files_locked`)."""
    from ..scene.fbx_export import export_fbx as _export
    from ..scene.paths import blend_path

    a, b = check_characters(s)
    if not path:
        raise DualTalkError("choose an FBX file to export to")
    refuse_unexpanded("FBX path", path)  # not "create folder $HOME first" (fix36 odds)
    scope = getattr(s, "fbx_scope", "FULL").lower()
    check_folder(path)
    if not getattr(s, "fbx_per_character", False):
        # "//" beside the saved .blend, refused in a file never saved: the scene function's one rule
        with files_locked([Path(blend_path("FBX path", path, "is next to"))]):
            return [_export([a, b], path, scene=scene, scope=scope, progress=progress)]
    finals = per_character_files((a, b), path)
    with files_locked(finals):
        return _export_each((a, b), finals, scene, scope, progress)


@contextlib.contextmanager
def files_locked(finals: Sequence[Path]) -> Iterator[None]:
    """Hold each file's lock (:func:`...inference.core.locks.locked`) for the block, as the export in
    a Blender of its own (:mod:`.fbx_job`) and ``animate --fbx`` hold it: a second export of the file,
    whichever path it takes, is refused in one line, and no sweep of what dead exports left runs
    beside a live one (review rv39b 1: a script's export took none)."""
    from ...inference.core import locks

    with contextlib.ExitStack() as held:
        for final in finals:
            held.enter_context(
                locks.locked(final, "FBX file", fix="choose another FBX file", what="FBX file")
            )
        yield


def planned_files(s: Any, path: str) -> tuple[str, list[tuple[tuple[Any, ...], Path]]]:
    """What Export FBX will write, refused up front in :func:`export_fbx`'s words: the scope and each
    file with its characters (both in the chosen file, or one each). For the export in a Blender of
    its own (:mod:`.fbx_job`): nothing it would refuse may be found after the copy is saved."""
    from ...inference.core.outputs import too_long
    from ..scene.fbx_export import check_exportable
    from ..scene.paths import blend_path

    a, b = check_characters(s)
    if not path:
        raise DualTalkError("choose an FBX file to export to")
    refuse_unexpanded("FBX path", path)
    scope = getattr(s, "fbx_scope", "FULL").lower()
    check_folder(path)
    if getattr(s, "fbx_per_character", False):
        plan: list[tuple[tuple[Any, ...], Path]] = list(
            zip(((a,), (b,)), per_character_files((a, b), path), strict=True)
        )
    else:
        final = Path(blend_path("FBX path", path, "is next to"))
        if final.suffix.lower() != ".fbx":
            raise DualTalkError(f"FBX output must end in .fbx, got {final.name}")
        plan = [((a, b), final)]
    for _objects, final in plan:
        why = too_long(final)
        if why is not None:
            raise DualTalkError(f"FBX file {final.name}: {why}; choose a shorter FBX path")
    check_exportable((a, b), scope)
    return scope, plan


def per_character_files(chars: tuple[Any, Any], path: str) -> list[Path]:
    """The two files "One File per Character" writes for ``path``: ``NAME_A.fbx`` and ``NAME_B.fbx``
    beside it, named after the picked objects (:func:`..rig.fbx_files.per_character`)."""
    from ..rig.fbx_files import per_character
    from ..scene.paths import blend_path

    chosen = Path(blend_path("FBX path", path, "is next to"))
    if chosen.suffix.lower() != ".fbx":  # said of the path chosen, not of a name made from it
        raise DualTalkError(f"FBX output must end in .fbx, got {chosen.name}")
    return list(per_character(chosen, chars[0].name, chars[1].name))


def _export_each(
    chars: tuple[Any, Any], finals: list[Path], scene: Any, scope: str, progress: Any
) -> list[Path]:
    """Each character to its own file, staged and renamed together once both are whole
    (:func:`...inference.core.fileio.staged_set`, as ``animate`` writes its set): a refusal or failure
    for B, or a failed rename, leaves the earlier pair as it was."""
    from ...inference.core.fileio import staged_set
    from ...inference.core.outputs import too_long
    from ..scene.fbx_export import check_exportable
    from ..scene.fbx_export import export_fbx as _export

    for final in finals:  # a name made longer by the character's: said before any work, and by name
        why = too_long(final)
        if why is not None:
            raise DualTalkError(f"FBX file {final.name}: {why}; choose a shorter FBX path")
    check_exportable(chars, scope)  # both characters refused up front, before A's file is written
    with staged_set(finals) as staged:
        for obj, final in zip(chars, finals, strict=True):
            _export([obj], staged[final], scene=scene, scope=scope, progress=progress)
    return finals


def check_folder(path: str) -> None:
    """Refuse an FBX path whose folder does not exist, as Blender's own exporter does: a typo in the
    folder would otherwise leave a stray folder tree. (``animate --fbx`` creates its output folders:
    a command line names them on purpose.)"""
    from ..scene.paths import blend_path

    folder = Path(blend_path("FBX path", path, "is next to")).parent
    if not folder.exists():
        raise DualTalkError(f"folder {folder} does not exist; create it first or choose another")


def clip_warnings(s: Any, paths: Sequence[Path] = ()) -> list[str]:
    """What the file's clip holds that the animator may not mean (:func:`..scene.fbx_export.clip_warnings`:
    a character without a take, a scene range that is not the take's; then a shape key or bone the take
    keys that was deleted since, :func:`..scene.deleted_parts.deleted_warnings`), each said as its own report
    after the status line, which counts them (:func:`fbx_message`). With one file per character (two
    ``paths``), each file's own, led by its name (a deleted part's line names its character)."""
    from ..scene.deleted_parts import deleted_warnings
    from ..scene.fbx_export import clip_warnings as _clip_warnings

    scene = getattr(s, "id_data", None)
    if scene is None or not hasattr(scene, "render"):
        return []
    chars = check_characters(s)
    gone = deleted_warnings(chars)  # each names its character, so also of one file per character
    if len(paths) != 2:
        return _clip_warnings(chars, scene) + gone
    return [
        f"{p.name}: {w}" for obj, p in zip(chars, paths, strict=True) for w in _clip_warnings([obj], scene)
    ] + gone


def file_warnings(s: Any) -> list[str]:
    """What the file leaves out or carries out of step, as the scene is now: a take keyed at another
    frame rate than the scene's first (the file's keys are out of step with the sound:
    :func:`.preflight.fps_warnings`), then a mesh's Mirror or other modifiers the file leaves out
    (:func:`..scene.fbx_export.left_out_modifiers`). The export in a Blender of its own works them out
    when it saves the copy it exports, and says them at its end (review rv38g 1)."""
    from ..scene.fbx_export import left_out_modifiers
    from .preflight import fps_warnings

    scene = getattr(s, "id_data", None)
    warnings = fps_warnings(scene) if scene is not None and hasattr(scene, "render") else []
    return warnings + left_out_modifiers(check_characters(s), scope=getattr(s, "fbx_scope", "FULL").lower())


def fbx_message(
    s: Any, paths: Path | Sequence[Path], clip: Sequence[str] = (), said: Sequence[str] | None = None
) -> str:
    """The status line after an FBX export (naming each file written), with the first thing the file
    leaves out (:func:`file_warnings`, or ``said``: those worked out when the file's scene was saved);
    ``clip``: :func:`clip_warnings`, counted last (the status line is what stays on screen; each is
    also its own report)."""
    written = [paths] if isinstance(paths, Path) else list(paths)
    warnings = [*(file_warnings(s) if said is None else said), *clip]
    more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
    return f"exported {' and '.join(map(str, written))}" + (
        f" (warning: {warnings[0]}{more})" if warnings else ""
    )
