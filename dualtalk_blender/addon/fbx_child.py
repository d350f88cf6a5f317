"""The Blender of its own that writes the panel's Export FBX (:mod:`.fbx_job`), so the animator's Blender
stays responsive and Esc stops the export.

It opens the copy of the animator's file the job saved, finds the scene, view layer and characters by
their full names, and writes each file with the scene function
(:func:`..scene.fbx_export.export_fbx`) to the hidden staged path the job made beside the user's file.
It speaks the worker's protocol on stdout (one JSON object a line: ``progress``, then ``done`` or
``error``; :mod:`...inference.worker`), and SIGTERM ends the bake at the next frame with no file of its
own left (:mod:`...inference.core.interrupts`). The job renames the staged files into place only once
this process said ``done``.

When the animator's Blender dies (a crash, ``kill -9``), nothing would rename or remove what this
process writes: with ``parent_pipe`` it reads its stdin, a pipe from that Blender that is never
written, and at its end (the pipe closes with the process that holds it, on Windows too, where the
parent's pid never shows its death) it removes the staged files it was given, what the exporter was
writing beside them and its temp folder, and exits.

Job file (JSON): ``blend`` (the copy), ``scene``, ``view_layer``, ``scope``, ``parent_pipe`` (stop
at stdin's end), ``files``: ``[{"objects": [full names], "path": staged path, "final": the user's file}]``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from ...inference.core.errors import CancelledError, DualTalkError

# the process's stdout, taken before the export hides the exporter's chatter (it redirects sys.stdout)
_OUT = sys.stdout


def emit(event: dict[str, Any]) -> None:
    _OUT.write(json.dumps(event) + "\n")
    _OUT.flush()


class Lines:
    """The exporter's progress, as the worker's ``progress`` lines."""

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        emit({"event": "progress", "stage": stage, "fraction": fraction, "message": message})

    def check_cancel(self) -> None:
        """SIGTERM is the cancel: the signal handlers hear it."""


def leave_nothing(job: dict[str, Any], job_path: Path) -> None:
    """Remove what this export made for a parent that is gone: the staged files, the exporter's
    temporaries beside them, the job's temp folder (only one the job made: ``dualtalk_fbx_*``) and
    the lock file the parent held beside each file, where no new export holds it now (taken and let
    go as :func:`...inference.core.locks.locked` does, which removes it)."""
    from ...inference.core import locks
    from .fbx_leftovers import FOLDER_PREFIX, remove_staged

    entries = [entry for entry in job.get("files", ()) if isinstance(entry, dict)]
    remove_staged(Path(str(entry["path"])) for entry in entries)
    folder = job_path.parent
    if folder.name.startswith(FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
    for entry in entries:
        if "final" in entry:
            _let_go_of(locks, str(entry["final"]))


def _let_go_of(locks: Any, final: str, tries: int = 20) -> None:
    """Take and let go of the lock the dead parent held beside ``final``, which removes its file. The
    parent's pipe can end before the kernel has let go of its lock (the same exit closes both), so a
    held lock is tried again for up to a second; one a live export holds stays."""
    for _ in range(tries):
        if not locks.lock_file(final).exists():
            return
        try:
            with locks.locked(final, "FBX file"):
                return
        except locks.LockHeld:
            time.sleep(0.05)
        except (DualTalkError, OSError):
            return


def _stop_with_parent(job: dict[str, Any], job_path: Path) -> None:
    """End this process, leaving nothing, when the Blender that started it is gone (its pipe on our
    stdin ends): nothing would rename what it writes, so it must not keep exporting."""
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # no stdin at all: nothing to watch
        return

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):  # unbuffered: a daemon thread in a buffered read
            while os.read(fd, 4096):  # aborts the interpreter's exit; never written, only its end comes
                pass
        with contextlib.suppress(Exception):
            leave_nothing(job, job_path)
        os._exit(3)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _WATCHERS.append(watcher)


_WATCHERS: list[threading.Thread] = []  # the thread that cleans up once the parent is gone


def _find(collection: Any, full_name: str, what: str) -> Any:
    for item in collection:
        if getattr(item, "name_full", item.name) == full_name:
            return item
    raise DualTalkError(f"the {what} {full_name!r} is not in the file saved for the export")


def export(job: dict[str, Any]) -> list[str]:
    """Open the job's copy and write each of its files; the paths written."""
    import bpy

    from ..scene.fbx_export import export_fbx

    blend = str(job["blend"])
    if os.path.realpath(bpy.data.filepath or "") != os.path.realpath(blend):
        bpy.ops.wm.open_mainfile(filepath=blend, load_ui=False)
    scene = _find(bpy.data.scenes, str(job["scene"]), "scene")
    view_layer = _find(scene.view_layers, str(job["view_layer"]), "view layer")
    progress = Lines()
    written = []
    with bpy.context.temp_override(scene=scene, view_layer=view_layer):
        for entry in job["files"]:
            objects = [_find(bpy.data.objects, str(name), "character") for name in entry["objects"]]
            export_fbx(objects, Path(entry["path"]), scene=scene, scope=str(job["scope"]), progress=progress)
            written.append(str(entry["path"]))
    return written


def main(argv: list[str]) -> int:
    """``fbx_child JOB.json``: the export, said in protocol lines; exit 0 once every file is written.
    Where the parent died, the next line to it breaks its pipe: this thread then waits for the
    watcher's clean-up (:func:`_stop_with_parent`), which a plain return would cut short as the
    interpreter ends (the lock file beside the user's FBX was left 1 run in 3)."""
    try:
        return _main(argv)
    except BrokenPipeError:
        for watcher in _WATCHERS:
            watcher.join(timeout=10.0)
        return 3


def _main(argv: list[str]) -> int:
    from ...inference.core import interrupts

    try:
        job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        if job.get("parent_pipe") is True:
            _stop_with_parent(job, Path(argv[0]))
        emit({"event": "start", "pid": os.getpid()})
        with interrupts.handle_signals():
            written = export(job)
        emit({"event": "done", "result": {"files": written}})
        return 0
    except (KeyboardInterrupt, CancelledError):
        emit({"event": "error", "kind": "cancelled", "message": "cancelled"})
        return 130
    except DualTalkError as exc:
        emit({"event": "error", "kind": "user", "message": str(exc)})
        return 2
    except Exception as exc:  # a bug or Blender failing: one line for the panel, the trace on stderr
        traceback.print_exc()
        lines = str(exc).strip().splitlines() or [""]
        emit({"event": "error", "kind": "internal", "message": f"{type(exc).__name__}: {lines[-1][:150]}"})
        return 1
