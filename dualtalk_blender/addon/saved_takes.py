"""Takes kept on disk: a run's motion files saved when they could not be keyed, listed, applied
and deleted.

A run whose characters were deleted (or whose file was closed) while it generated keeps its take
in a ``dualtalk_take_*`` folder of the temp folder (:func:`keep_take`) instead of losing it;
:func:`apply_take` (Apply Saved Take) keys such a folder, or an ``infer --out`` one, as Generate
would have; the preferences list the kept takes and delete them (:func:`kept_takes`,
:func:`delete_kept_takes`), never a folder holding anything else.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ..scene.paths import abspath
from .panel_settings import apply_options
from .preflight import preflight
from .preview_range import kept_range
from .take_keying import key_take
from .take_sound import TakeSound

TAKE_FILES = ("A.npz", "B.npz")
TAKE_PREFIX = "dualtalk_take_"  # a kept take's folder in the temp folder (see keep_take)
_TAKE_CONTENTS = {*TAKE_FILES, "result.json"}


def kept_takes() -> list[Path]:
    """The takes kept in the temp folder (oldest first): folders named ``dualtalk_take_*`` that
    hold nothing but a take's files, so a folder a user put other things in is never listed."""
    found = []
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.startswith(TAKE_PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            inside = list(os.scandir(entry.path))
            if all(c.name in _TAKE_CONTENTS and c.is_file(follow_symlinks=False) for c in inside):
                found.append((entry.stat().st_mtime, Path(entry.path)))
        except OSError:
            continue
    return [p for _t, p in sorted(found)]


def takes_size(folders: list[Path]) -> int:
    """Bytes the kept takes hold."""
    total = 0
    for folder in folders:
        for name in _TAKE_CONTENTS:
            with contextlib.suppress(OSError):
                total += (folder / name).stat().st_size
    return total


def delete_kept_takes() -> tuple[int, int]:
    """Delete the kept takes (:func:`kept_takes`): only their own files, then the empty folder;
    returns (takes deleted, bytes freed)."""
    count = freed = 0
    for folder in kept_takes():
        size = takes_size([folder])
        for name in _TAKE_CONTENTS:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
        try:
            folder.rmdir()
        except OSError:
            continue
        count, freed = count + 1, freed + size
    return count, freed


def keep_take(result: dict[str, Any]) -> Path | None:
    """Move a finished run's motion files into a folder of their own (``dualtalk_take_*`` in the
    temp folder) with its ``result.json``: the worker's result and, from Generate, where the take was
    made (``blend_file``, ``scene``, ``characters``, ``scene_options``: what the folder alone says
    once its file is closed; :func:`apply_take` needs none of them, as older folders lack them);
    None when they cannot be moved."""
    folder: Path | None = None
    try:
        folder = Path(tempfile.mkdtemp(prefix=TAKE_PREFIX))
        for key, name in zip(("a", "b"), TAKE_FILES, strict=True):
            shutil.move(str(result[key]), str(folder / name))
        kept = {**result, "a": str(folder / TAKE_FILES[0]), "b": str(folder / TAKE_FILES[1])}
        (folder / "result.json").write_text(json.dumps(kept, indent=1, default=str), encoding="utf-8")
    except (OSError, KeyError, TypeError):
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        return None
    return folder


def apply_take(scene: Any, settings: Any, folder: str, prefs: Any = None) -> str:
    """Key a take kept on disk (a folder with ``A.npz`` and ``B.npz``, e.g. the one a run kept when
    a character was deleted while it generated) onto the panel's characters with the panel's
    settings, as Generate would have; checked before either character is keyed."""
    where = abspath(folder)
    if not where:
        raise DualTalkError("choose the folder of the take (it holds A.npz and B.npz)")
    paths = [Path(where) / name for name in TAKE_FILES]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise DualTalkError(f"{where} holds no take: {' and '.join(missing)} not found")
    result: dict[str, Any] = {}
    try:  # what the run said about itself (engine, start time, transcript): for the sound strip and the report
        loaded = json.loads((Path(where) / "result.json").read_text(encoding="utf-8"))
        result = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    result.update(a=str(paths[0]), b=str(paths[1]))
    options = apply_options(settings, prefs)
    frame_range = kept_range(scene, settings, result, options)
    inspected = preflight(settings, options)
    sound = TakeSound.of_result(result, bool(settings.sound_strip))
    notes: list[str] = []
    if sound is None:  # an ``infer --out`` folder: the motion files say which recording they were made from
        sound = TakeSound.of_motion(paths[0], settings, notes)
    made_for = result.get("characters")  # recorded by a kept take since 2026-12 (older ones: none)
    picked = [getattr(settings.char_a, "name", None), getattr(settings.char_b, "name", None)]
    if isinstance(made_for, list) and len(made_for) == 2 and [str(n) for n in made_for] != picked:
        notes.append(
            f"this take was made for {made_for[0]} & {made_for[1]}; keyed onto {picked[0]} & {picked[1]}"
        )
    return key_take(scene, settings, options, result, inspected, frame_range, sound, notes=notes)
