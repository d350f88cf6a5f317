"""The Blender of its own that writes the panel's Export FBX (:mod:`.fbx_job`), so the animator's Blender
stays responsive and Esc stops the export.

It opens the copy of the animator's file the job saved, finds the scene, view layer and characters by
their full names, and writes each file with the scene function
(:func:`..scene.fbx_export.export_fbx`) to the hidden staged path the job made beside the user's file.
It speaks the worker's protocol on stdout (one JSON object a line: ``progress``, then ``done`` or
``error``; :mod:`...inference.worker`), and SIGTERM ends the bake at the next frame with no file of its
own left (:mod:`...inference.core.interrupts`). The job renames the staged files into place only once
this process said ``done``.

Job file (JSON): ``blend`` (the copy), ``scene``, ``view_layer``, ``scope``, ``parent`` (the pid it
stops with), ``files``: ``[{"objects": [full names], "path": staged path}]``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from ...inference.core.errors import CancelledError, DualTalkError

PARENT_CHECK_S = 1.0  # how often the child looks whether the Blender that started it is still there


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


def _stop_with(parent: int) -> None:
    """End this process when the Blender that started it is gone (crashed, killed): nothing would
    rename what it writes, so it must not keep exporting."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_S)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


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
    """``fbx_child JOB.json``: the export, said in protocol lines; exit 0 once every file is written."""
    from ...inference.core import interrupts

    try:
        job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        if isinstance(job.get("parent"), int):
            _stop_with(job["parent"])
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
