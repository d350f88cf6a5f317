"""The Python that runs inference: Blender's own if it has torch, else a private venv.

Blender's bundled Python rarely has torch, and installing into it is fragile (read-only
install folders, version clashes with other add-ons). So the add-on can create a private
virtual environment in its model folder and pip-install the engine's few dependencies
there; the background worker then runs with that interpreter. Nothing here imports bpy:
the preferences operator drives :class:`Installer` from a modal timer and shows its
streamed pip output line by line.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...inference.core.errors import DualTalkError
from .job import Outcome
from .worker_client import drain_lines

# What the worker needs besides the standard library (numpy<2: the engine is built against 1.x);
# pocketsphinx (BSD, ships its English model) only for lips drawn from a transcript.
PACKAGES = ("torch", "numpy<2", "scipy", "soundfile", "pocketsphinx")
VENV_NAME = "venv"


def venv_python(venv_dir: str | os.PathLike[str]) -> Path:
    venv_dir = Path(venv_dir)
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def own_python_has_engine() -> bool:
    """Whether Blender's own interpreter could run the worker (checked without importing torch)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("torch", "numpy", "scipy", "soundfile"))


def resolve_python(explicit: str = "", model_dir: str | os.PathLike[str] | None = None) -> str:
    """The interpreter for the worker: an explicit path; else Blender's own if it has torch;
    else the private venv if installed; else Blender's own (the worker then says what is missing)."""
    if explicit.strip():
        p = Path(os.path.expanduser(explicit.strip()))
        if not p.is_file():
            raise DualTalkError(f"Python interpreter not found: {p}")
        return str(p)
    if own_python_has_engine():
        return sys.executable
    if model_dir:
        vp = venv_python(Path(model_dir).expanduser() / VENV_NAME)
        if vp.is_file():
            return str(vp)
    return sys.executable


@lru_cache(maxsize=16)
def probe_python(python: str) -> tuple[bool, str]:
    """(ok, one line) whether ``python`` can import the engine's dependencies; cached per path."""
    code = (
        "import importlib, sys\n"
        "missing = []\n"
        "for name in ('torch', 'numpy', 'scipy', 'soundfile'):\n"
        "    try: importlib.import_module(name)\n"
        "    except Exception: missing.append(name)\n"
        "if missing: sys.exit('missing ' + ', '.join(missing))\n"
        "import numpy, torch\n"
        "if int(numpy.__version__.split('.')[0]) >= 2: sys.exit('numpy ' + numpy.__version__ + ' (need <2)')\n"
        "print('torch', torch.__version__, '| numpy', numpy.__version__, '| python', sys.version.split()[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"cannot run {python}: {exc}"
    if out.returncode == 0:
        return True, out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "ok"
    last = (out.stderr.strip().splitlines() or ["failed"])[-1]
    return False, last[:200]


def install_steps(
    venv_dir: str | os.PathLike[str],
    *,
    base_python: str | None = None,
    packages: tuple[str, ...] = PACKAGES,
    index_url: str = "",
    extra_args: tuple[str, ...] = (),
) -> list[tuple[str, list[str]]]:
    """The commands that create the venv and install ``packages`` into it, as (label, argv)."""
    venv_dir = Path(venv_dir).expanduser()
    py = venv_python(venv_dir)
    steps: list[tuple[str, list[str]]] = []
    if not py.is_file():
        steps.append(("create venv", [base_python or sys.executable, "-m", "venv", str(venv_dir)]))
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
    if index_url:
        pip += ["--index-url", index_url]
    steps.append(("install packages", [*pip, *extra_args, *packages]))
    return steps


@dataclass
class Installer:
    """Runs :func:`install_steps` one after the other (a :class:`~.job.Job`); :meth:`poll` never blocks."""

    steps: list[tuple[str, list[str]]]
    task: str = "deps"
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=400))
    state: str = "running"  # running / done / error / cancelled
    error: str = ""
    step_index: int = 0

    def __post_init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._q: queue.Queue[str | None] = queue.Queue()
        self._closed = False

    def start(self) -> Installer:
        self._launch()
        return self

    @property
    def label(self) -> str:
        return self.steps[min(self.step_index, len(self.steps) - 1)][0] if self.steps else "nothing to do"

    def _launch(self) -> None:
        if self.step_index >= len(self.steps):
            self.state = "done"
            return
        label, argv = self.steps[self.step_index]
        self.lines.append(f"$ {label}: {' '.join(argv)}")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("PIP_NO_INPUT", "1")
        self._closed = False
        self._q = queue.Queue()
        try:
            self._proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                env=env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            self.state, self.error = "error", f"{label}: cannot run {argv[0]}: {exc}"
            return
        threading.Thread(target=drain_lines, args=(self._proc.stdout, self._q), daemon=True).start()

    def poll(self) -> bool:
        """Take in new output lines and advance to the next step when one ends; True while running."""
        self.read_lines()
        return self.state == "running"

    @property
    def progress(self) -> tuple[float, str]:
        done = self.step_index / max(len(self.steps), 1)
        return done, self.lines[-1] if self.lines else self.label

    def result(self) -> Outcome:
        if self.state == "done":
            return Outcome(True, "dependencies installed")
        return Outcome(
            False, f"installing dependencies {self.state}: {self.error}", self.state == "cancelled"
        )

    def read_lines(self) -> list[str]:
        """New output lines since the last call; advances to the next step when one ends."""
        new: list[str] = []
        while self.state == "running":
            try:
                line = self._q.get_nowait()
            except queue.Empty:
                break
            if line is None:
                self._closed = True
                continue
            new.append(line)
        self.lines.extend(new)
        if self.state == "running" and self._closed and self._proc is not None:
            code = self._proc.poll()
            if code is not None:
                if code != 0:
                    tail = next((ln for ln in reversed(self.lines) if ln.strip()), "")
                    self.state = "error"
                    self.error = f"{self.label} failed (exit code {code}): {tail}"[:300]
                else:
                    self.step_index += 1
                    self._launch()
        return new

    def cancel(self) -> None:
        if self.state == "running" and self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
        if self.state == "running":
            self.state, self.error = "cancelled", "cancelled"

    def wait(self, timeout: float = 1800.0) -> str:
        import time

        end = time.monotonic() + timeout
        while self.state == "running":
            self.read_lines()
            if time.monotonic() > end:
                self.cancel()
                self.error = "timed out"
            time.sleep(0.05)
        return self.state
