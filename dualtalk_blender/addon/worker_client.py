"""Start, watch and stop the background worker from Blender without blocking the UI.

The child runs ``dualtalk worker --job JOB.json`` (:mod:`dualtalk.inference.worker`).
Its stdout and stderr are drained by two daemon threads into queues, so :meth:`WorkerProcess.poll`
never blocks and works the same on every platform (no ``fcntl``/``select`` on pipes).

Installed as an extension our package is imported as ``bl_ext.<repo>.dualtalk``, and
the interpreter running the child may be a private venv that has never heard of it. The child
therefore runs the package's own loader by its path (``package_loader.py`` beside this package's
``__init__.py``), which loads *this very folder* under the plain name ``dualtalk`` before calling its
CLI, so the child always runs the same code as the add-on (:data:`LOADER`).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# The one way a child process loads PACKAGE_ROOT as the package ``dualtalk``, run as its script:
# ``LOADER ENTRY ARGS...`` (the worker's entry is ``cli``; Export FBX's Blender runs ``fbx-export``)
LOADER = PACKAGE_ROOT / "package_loader.py"

# Workers still running when Blender exits are stopped, not left orphaned.
_LIVE: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()

RUNNING, DONE, ERROR, CANCELLED, CRASHED = "running", "done", "error", "cancelled", "crashed"

# The share of a typical worker run each stage takes (lite engine on a CPU, a 20-minute recording:
# engine 1.7 s, audio 3.6 s, encode 1.6 s, generate 8.9 s, lips 2.7 s, behaviour 5.1 s, write 1.3 s),
# so the add-on's bar crosses the run once instead of filling up again at every stage. A stage not
# listed, or the optional transcript alignment (long: about 12 s a minute), counts once it shows up.
STAGE_WEIGHTS = {
    "start": 4.0,
    "engine": 6.0,
    "audio": 14.0,
    "encode": 6.0,
    "generate": 34.0,
    "lips": 10.0,
    "behaviour": 20.0,
    "write": 6.0,
}
OPTIONAL_WEIGHTS = {"transcript": 40.0}
OTHER_WEIGHT = 5.0


def stage_weight(stage: str) -> float:
    return STAGE_WEIGHTS.get(stage, OPTIONAL_WEIGHTS.get(stage, OTHER_WEIGHT))


@dataclass
class OverallProgress:
    """The worker's per-stage fractions as one fraction of the whole run, weighted by each stage's
    typical cost (:data:`STAGE_WEIGHTS`) and never going back (stages come in any order: a stage
    left counts whole)."""

    value: float = 0.0
    stage: str = ""
    left: set[str] = field(default_factory=set)  # stages the worker has moved on from
    seen: set[str] = field(default_factory=set)

    def update(self, stage: str, fraction: float) -> float:
        if stage != self.stage:
            if self.stage:
                self.left.add(self.stage)
            self.left.discard(stage)
            self.stage = stage
        self.seen.add(stage)
        total = sum(STAGE_WEIGHTS.values()) + sum(
            stage_weight(s) for s in self.seen if s not in STAGE_WEIGHTS
        )
        done = sum(stage_weight(s) for s in self.left) + stage_weight(stage) * min(max(fraction, 0.0), 1.0)
        self.value = max(self.value, min(done / total, 1.0))
        return self.value


def worker_command(job_path: str | os.PathLike[str], python: str | None = None) -> list[str]:
    """The argv that runs the worker for ``job_path`` with ``python`` (default: this interpreter)."""
    return [python or sys.executable, str(LOADER), "cli", "worker", "--job", str(job_path)]


def drain_lines(stream: IO[str], sink: queue.Queue[str | None]) -> None:
    """Copy ``stream``'s lines into ``sink`` (a thread target), then ``None`` at end of stream.

    Reading a child's pipes on threads is what keeps polling from Blender's UI non-blocking. At the
    end the pipe is closed here, by its only reader: a worker that ended holds no descriptor though
    something still holds it (Blender's recent operators keep a finished Generate's run; review 33s).
    """
    try:
        for line in iter(stream.readline, ""):
            sink.put(line.rstrip("\r\n"))
    except (OSError, ValueError):
        pass
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.close()
        sink.put(None)


@dataclass(eq=False)  # identity semantics: instances live in a WeakSet
class WorkerProcess:
    """One running worker. Call :meth:`poll` from a timer; read ``state``, ``overall`` (how far the
    whole run is, 0..1), ``fraction`` (how far its current stage is) and ``message``."""

    job_path: Path
    python: str | None = None
    env: dict[str, str] | None = None
    state: str = RUNNING
    stage: str = ""
    fraction: float = 0.0
    overall: float = 0.0
    message: str = "starting"
    result: dict[str, Any] | None = None
    error: str = ""
    returncode: int | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=40))

    def __post_init__(self) -> None:
        self.job_path = Path(self.job_path)
        self._proc: subprocess.Popen[str] | None = None
        self._out: queue.Queue[str | None] = queue.Queue()
        self._err: queue.Queue[str | None] = queue.Queue()
        self._out_closed = False
        self._err_closed = False
        self._final: dict[str, Any] | None = None
        self._overall = OverallProgress()

    # lifecycle ----------------------------------------------------------------------
    def start(self) -> WorkerProcess:
        from ...inference.worker import PARENT_ENV

        env = dict(os.environ if self.env is None else self.env)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONIOENCODING"] = "utf-8"
        env[PARENT_ENV] = str(os.getpid())  # the worker stops if Blender dies
        env.pop("PYTHONHOME", None)  # Blender sets it for its own Python; a venv must not inherit it
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        posix = os.name == "posix"
        try:
            self._proc = subprocess.Popen(
                worker_command(self.job_path, self.python),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=env,
                cwd=str(self.job_path.parent),
                creationflags=flags,
                # its own process group, so Cancel also stops what it started (flite, ...)
                start_new_session=posix,
            )
        except OSError as exc:
            self.state, self.error = (
                CRASHED,
                f"could not start the worker with {self.python or sys.executable}: {exc}",
            )
            return self
        for stream, sink in ((self._proc.stdout, self._out), (self._proc.stderr, self._err)):
            threading.Thread(target=drain_lines, args=(stream, sink), daemon=True).start()
        _LIVE.add(self)
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def finished(self) -> bool:
        return self.state != RUNNING

    def cancel(self, grace: float = 2.0) -> None:
        """Stop the child now (terminate, then kill after ``grace`` seconds)."""
        if self.state != RUNNING:
            return
        self.state, self.message = CANCELLED, "cancelled"
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        self._signal(signal.SIGTERM)  # the whole group: what the worker started stops too
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            self._signal(getattr(signal, "SIGKILL", signal.SIGTERM))
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:  # stuck in the kernel (a GPU driver): a later poll reaps it
                pass
        self.returncode = proc.returncode

    def _signal(self, sig: int) -> None:
        assert self._proc is not None
        signal_group(self._proc, sig)

    # polling --------------------------------------------------------------------------
    def poll(self) -> list[dict[str, Any]]:
        """Consume whatever output arrived; never blocks. Returns the new protocol events."""
        new: list[dict[str, Any]] = []
        self._drain_stderr()
        while True:
            try:
                line = self._out.get_nowait()
            except queue.Empty:
                break
            if line is None:
                self._out_closed = True
                continue
            event = _parse(line)
            if event is None:
                if line.strip():
                    self.stderr_tail.append(_clip(line))
                continue
            try:
                self._handle(event)
            except (TypeError, ValueError, OverflowError, RecursionError):  # an event only in shape
                self.stderr_tail.append(_clip(line))
                continue
            new.append(event)
        self.events.extend(new)
        if self.state == RUNNING and self._proc is not None and self._out_closed:
            code = self._proc.poll()
            if code is not None:
                self.returncode = code
                self._drain_stderr(wait=1.0)  # the last words of a crash arrive after stdout closes
                self._finish(code)
        return new

    def _drain_stderr(self, wait: float = 0.0) -> None:
        deadline = time.monotonic() + wait
        while not self._err_closed:
            try:
                line = (
                    self._err.get(timeout=max(deadline - time.monotonic(), 0.0))
                    if wait
                    else self._err.get_nowait()
                )
            except queue.Empty:
                break
            if line is None:
                self._err_closed = True
            elif line.strip():
                self.stderr_tail.append(_clip(line))

    def wait(self, timeout: float | None = None, interval: float = 0.05) -> str:
        """Poll until the worker ends (headless use); returns the final state."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self.poll()
            if self.finished:
                return self.state
            if deadline is not None and time.monotonic() > deadline:
                self.cancel()
                self.error = f"the worker did not finish within {timeout:.0f} s"
                return self.state
            time.sleep(interval)

    def _handle(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "progress":
            self.stage = str(event.get("stage", ""))
            try:
                fraction = float(event.get("fraction", 0.0))
            except (TypeError, ValueError, OverflowError):  # an integer too big for a float
                fraction = math.nan
            if math.isfinite(fraction):  # json reads NaN/Infinity; a bar cannot show them
                self.fraction = min(max(fraction, 0.0), 1.0)
            self.overall = self._overall.update(self.stage, self.fraction)
            msg = str(event.get("message", ""))
            self.message = f"{self.stage}: {msg}" if msg else self.stage
        elif kind in ("done", "error"):
            self._final = event

    def _finish(self, code: int) -> None:
        final = self._final or {}
        # "done" is printed after the result files are complete: a crash in the interpreter's
        # teardown after it (torch/CUDA at exit) must not throw the finished work away
        if final.get("event") == "done":
            self.state, self.result, self.fraction, self.message = (
                DONE,
                final.get("result") or {},
                1.0,
                "done",
            )
            self.overall = 1.0
        elif final.get("event") == "error":
            self.state = CANCELLED if final.get("kind") == "cancelled" else ERROR
            self.error = str(final.get("message") or f"worker failed (exit code {code})")
        elif self._not_our_worker(code):
            self.state = CRASHED
            self.error = self._not_a_python(code)
        else:
            self.state = CRASHED
            tail = " | ".join(list(self.stderr_tail)[-3:])
            why = [_signal_reason(code)] if code < 0 else []
            self.error = f"the worker crashed (exit code {code})" + (
                ": " + "; ".join(why + ([tail] if tail else [])) if why or tail else ""
            )
        if self.state != DONE:
            self.message = self.error

    def _not_our_worker(self, code: int) -> bool:
        """The interpreter ended on its own without one protocol event: our worker always ends
        with one, and a Python that crashed says why on stderr. Exit 0 (``/bin/true``) or silence
        means the program is not a Python running our worker."""
        return code >= 0 and not self.events and (code == 0 or not self.stderr_tail)

    def _not_a_python(self, code: int) -> str:
        """The crash message for :meth:`_not_our_worker`: which interpreter, and where to change it."""
        said = list(self.stderr_tail)[-1:]
        return (
            f"{self.python or sys.executable} did not behave like a Python running DualTalk's worker "
            f"(exit code {code}, nothing started{': ' + said[0] if said else ''}); set 'Python with torch' "
            "in the add-on preferences to another interpreter and press Check Python"
        )


def signal_group(proc: subprocess.Popen[str], sig: int) -> None:
    """Send ``sig`` to the process group ``proc`` leads (started with ``start_new_session``), so
    what it started stops too; to ``proc`` alone where there is no group (Windows)."""
    if os.name == "posix":
        try:
            os.killpg(proc.pid, sig)
            return
        except (ProcessLookupError, PermissionError):
            pass
    if proc.poll() is None:
        if sig == signal.SIGTERM:
            proc.terminate()
        else:
            proc.kill()


@atexit.register
def _stop_all() -> None:
    for worker in list(_LIVE):
        worker.cancel(grace=0.5)


def _signal_reason(code: int) -> str:
    """Why a worker that exited with ``code`` (minus a signal number) died, in the user's words."""
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if name == "SIGKILL":
        return f"killed by {name}, most often because the computer ran out of memory; try a shorter start/end range"
    return f"stopped by {name}"


def _parse(line: str) -> dict[str, Any] | None:
    """A protocol event, or None for anything else the interpreter printed (a library's chatter,
    or junk only json can tell from an event: nested too deep, a number too long to read)."""
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError, as are over-long integers
        return None
    return obj if isinstance(obj, dict) and "event" in obj else None


def _clip(line: str, most: int = 300) -> str:
    """A line kept for a crash message: a huge one (junk on stdout) must not fill the message."""
    return line if len(line) <= most else line[: most - 1] + "…"


def write_job(path: str | os.PathLike[str], job: dict[str, Any]) -> Path:
    """Write a job file for the worker (atomic)."""
    from ...inference.core.fileio import atomic_path

    path = Path(path)
    with atomic_path(path, suffix=".json") as tmp:
        tmp.write_text(json.dumps(job, indent=1, default=str), encoding="utf-8")
    return path
