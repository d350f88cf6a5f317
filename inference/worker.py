"""``python -m dualtalk worker --job JOB.json``: the add-on's background inference process.

Blender starts this in a child process so the UI stays responsive and Cancel can simply
kill it. The protocol is one JSON object per line on stdout (see
:class:`~.progress.JsonLines`)::

    {"event": "start", "job": "...", "pid": 123}
    {"event": "progress", "stage": "engine", "fraction": 0.5, "message": "..."}
    {"event": "done", "result": {...}}          # last line on success, exit 0
    {"event": "error", "message": "..."}        # last line on failure, exit != 0

The result is also written (atomically) to ``result`` in the job, default
``OUT_DIR/result.json``, so a parent that missed stdout can still find it. Motion
files are written with the engine's ``write_dialogue`` (``OUT_DIR/A.npz``, ``B.npz``).

Job file (JSON; relative paths resolve against the job file's folder)::

    {"out_dir": "...", "result": "...",
     "audio": {"audio": "...", "audio_b": null, "turns": null, "swap": false,
               "speaker_a": null, "diarize": false, "start": null, "end": null},
     "engine": {"checkpoint": null, "engine": "auto", "device": "auto", "precision": "fp32"},
     "generate": {"rounds": null, "window_s": null}}

``DUALTALK_WORKER_FAULT=crash@STAGE`` / ``hang@STAGE`` makes the worker die or stall
when STAGE first reports progress; the add-on's tests use it to exercise crash and
cancel handling against the real process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

from .broken_dependency import broken_line, broken_module
from .core.errors import CancelledError, DualTalkError
from .core.fileio import atomic_path, ensure_writable_dir
from .core.outputs import check_write_plan
from .core.progress import JsonLines
from .core.request import Request

PROTOCOL = 1
PARENT_ENV = "DUALTALK_WORKER_PARENT"  # set by the add-on: the pid of the Blender that waits for us


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--job", required=True, help="job file (JSON) written by the add-on")


class _FaultyProgress(JsonLines):
    """JsonLines that can crash or stall at a named stage (test hook, see module doc)."""

    def __init__(self, fault: str, stream=None) -> None:
        super().__init__(stream)
        action, _, stage = fault.partition("@")
        self._action, self._stage = action.strip(), stage.strip()

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        super().update(stage, fraction, message)
        if self._stage in ("", stage):
            if self._action == "crash":
                self.stream.flush()
                os._exit(70)
            if self._action == "hang":
                while True:
                    time.sleep(1.0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_with_parent(parent: int, interval: float = 0.5) -> None:
    """Stop once Blender is gone (it crashed or was killed): nobody reads the result (a thread).

    Started by Blender itself the parent pid tells (it changes when Blender dies); started through a
    wrapper script the pid is asked after."""
    direct = os.getppid() == parent
    while (os.getppid() == parent) if direct else _alive(parent):
        time.sleep(interval)
    os._exit(3)


def _watch_parent() -> None:
    parent = os.environ.get(PARENT_ENV, "")
    if os.name == "posix" and parent.isdigit():  # elsewhere a dead parent's pid does not show
        threading.Thread(target=_exit_with_parent, args=(int(parent),), daemon=True).start()


def read_job(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse and normalise a job file; raises :class:`DualTalkError` with one line on bad input."""
    # a folder, a pipe (which would wait for a writer forever) or a file we may not read is said as
    # such, in the words ``animate --job`` uses, not as "not readable JSON" (imported here: numpy,
    # which a Python without the dependencies lacks, is then reported by ``run`` in its own words)
    from .core.inputs import check_input_file

    path = check_input_file(path, "job file")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DualTalkError(f"job file not found: {path}") from None
    except PermissionError:
        raise DualTalkError(f"job file {path} cannot be opened (permission denied)") from None
    except OSError as exc:
        raise DualTalkError(f"job file {path} cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise DualTalkError(f"job file {path.name} is not UTF-8 text (byte {exc.start})") from None
    try:
        job = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DualTalkError(f"job file {path.name} is not readable JSON ({exc})") from None
    if not isinstance(job, dict):
        raise DualTalkError(f"job file {path.name} must hold a JSON object")
    base = path.resolve().parent
    if not job.get("out_dir"):
        raise DualTalkError("job file has no out_dir")
    for key in ("out_dir", "result"):
        if job.get(key) and not (isinstance(job[key], str) and "\x00" not in job[key]):
            raise DualTalkError(f"job field {key!r} must be a path (a string without NUL characters)")
    out_dir = (base / os.path.expanduser(str(job["out_dir"]))).resolve()
    result = job.get("result") or (out_dir / "result.json")
    request = Request.from_job(job, base)
    if not request.audio:
        raise DualTalkError("job file names no audio")
    result_path = (base / str(result)).resolve()
    # the result and the motion files must not replace what the run reads (nor the job itself)
    inputs = [
        (f"input {o}", getattr(request, o)) for o in ("audio", "audio_b", "turns", "transcript", "checkpoint")
    ]
    check_write_plan(
        [("job field 'result'", result_path), ("out_dir", out_dir / "A.npz"), ("out_dir", out_dir / "B.npz")],
        [*inputs, ("job file", path)],
    )
    # the sections as read back (a view of the request, for logs and tests)
    return {
        "out_dir": out_dir,
        "result": result_path,
        "request": request,
        **request.to_job(),
    }


def _write_result(path: Path, result: dict[str, Any]) -> None:
    with atomic_path(path, suffix=".json") as tmp:
        tmp.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


def run_job(job: dict[str, Any], progress: JsonLines) -> dict[str, Any]:
    """Run the job's request through the pipeline (writes A.npz/B.npz); return the result dict."""
    progress.update("start", 0.0, "loading modules")
    from . import pipeline

    out_dir = ensure_writable_dir(job["out_dir"])
    take = pipeline.run(job["request"], out_dir, progress=progress)
    return {"protocol": PROTOCOL, "ok": True, **pipeline.summary(take)}


def _protocol_stream():
    """Keep the real stdout for protocol lines and send everything else (prints from
    libraries, C-level output) to stderr, so stray output can never corrupt the protocol."""
    if sys.stdout is None:  # started without fd 1 (the command line opens /dev/null there first)
        return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - the protocol stream of the run
    sys.stdout.flush()
    try:
        proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)
    except OSError:
        return sys.stdout
    sys.stdout = sys.stderr
    return proto


def run(args: argparse.Namespace) -> int:
    """Run one job; every outcome ends with a final ``done`` or ``error`` line."""
    _watch_parent()
    fault = os.environ.get("DUALTALK_WORKER_FAULT", "")
    stream = _protocol_stream()
    progress = _FaultyProgress(fault, stream) if fault else JsonLines(stream)
    root = str(Path(__file__).resolve().parents[1])  # which copy of the package runs (diagnostics)
    progress.emit(
        {"event": "start", "job": str(args.job), "pid": os.getpid(), "protocol": PROTOCOL, "root": root}
    )
    try:
        job = read_job(args.job)
        result = run_job(job, progress)
        _write_result(job["result"], result)
        progress.emit({"event": "done", "result": result})
        return 0
    except CancelledError as exc:
        progress.emit({"event": "error", "kind": "cancelled", "message": str(exc)})
        return exc.exit_code
    except DualTalkError as exc:
        progress.emit({"event": "error", "kind": "user", "message": str(exc)})
        return exc.exit_code
    except ModuleNotFoundError as exc:  # the chosen interpreter lacks torch/numpy/...
        broken = broken_module(exc)  # ... or has one that does not import ("No module named 'torch._C'")
        if broken is not None:
            traceback.print_exc(file=sys.stderr)
            progress.emit({"event": "error", "kind": "environment", "message": broken_line(broken, exc)})
            return 2
        progress.emit(
            {
                "event": "error",
                "kind": "environment",
                "message": f"the inference Python ({sys.executable}) cannot import {exc.name}; use Install "
                "Dependencies in the DualTalk add-on preferences or choose a Python that has torch",
            }
        )
        return 2
    except MemoryError:
        progress.emit(
            {"event": "error", "kind": "memory", "message": "out of memory; try a shorter start/end range"}
        )
        return 1
    except Exception as exc:  # a bug: one clear line for the UI, the trace on stderr for the log
        traceback.print_exc(file=sys.stderr)
        broken = broken_module(exc)  # torch & co present but not importable: the environment's
        if broken is not None:
            progress.emit({"event": "error", "kind": "environment", "message": broken_line(broken, exc)})
            return 2
        progress.emit(
            {"event": "error", "kind": "internal", "message": f"internal error ({type(exc).__name__}: {exc})"}
        )
        return 1
