"""The Python that runs inference: Blender's own if it has torch, else a private venv.

Blender's bundled Python rarely has torch, and installing into it is fragile (read-only
install folders, version clashes with other add-ons). So the add-on can create a private
virtual environment in its model folder and pip-install the engine's few dependencies
there; the background worker then runs with that interpreter. Nothing here imports bpy:
the preferences operator drives :class:`Installer` from a modal timer and shows its
streamed pip output line by line. Like the downloads, it installs nothing unless the user allowed
online access in Blender (:func:`check_online`), except from a package index on this machine.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...inference import broken_dependency
from ...inference.core.errors import DualTalkError
from ...inference.core.typed_paths import unexpanded_variable
from .downloads import is_loopback
from .job import Outcome
from .worker_client import drain_lines, signal_group

ENGINE_MODULES = broken_dependency.ENGINE_MODULES  # what the worker imports, checked by probe_python
# What the worker needs besides the standard library (numpy<2: the engine is built against 1.x);
# pocketsphinx (BSD, ships its English model) only for lips drawn from a transcript; SudachiPy and its
# core dictionary (both Apache-2.0, wheels only: no numpy/torch) only to read a Japanese script's kanji
# (``inference/phonetic/japanese_reading.py``; without them such a line is refused, naming them).
# torch is pinned to the release the project is built, tested and measured on (scripts/setup.sh installs the
# same; tests/repo checks the two agree): a newer torch installed on the day a user pressed the button
# could change the numbers or refuse our weights (review rv38e F7).
TORCH = "torch==2.13.*"
PACKAGES = (TORCH, "numpy<2", "scipy", "soundfile", "pocketsphinx", "sudachipy", "sudachidict_core")
# Installed after them with --no-deps, as scripts/setup.sh does: resemblyzer ships the GE2E voice
# encoder (Apache-2.0 weights) that *Mono, automatic* (--diarize) uses; without it the weaker MFCC
# method runs (46.9 % DER against 38.4 %, docs/audio.md). Only its weights file is read (by our own
# code), so its dependencies (librosa, webrtcvad, ...) are not needed.
NO_DEPS_PACKAGES = ("resemblyzer==0.1.4",)
NO_DEPS_STEP = "install voice encoder"
VENV_NAME = "venv"
# Written into a venv DualTalk creates, before anything else is made in it: only such a venv is ever
# cleared (``venv --clear``) or removed after a failed step; the user's own at that path never is.
VENV_MARKER = broken_dependency.VENV_MARKER
CREATE_VENV = "create venv"  # the step whose half-made folder is removed when it fails or is cancelled
CHECK_STEP = "check torch imports"  # the last step: the venv's Python imports what was installed
_PROBE_MARK = "dualtalk-probe"  # printed first by the probe: a program that is not Python never prints it

# What venv prints when the base Python cannot make one (Debian/Ubuntu without python3-venv, ...).
_NO_VENV = ("ensurepip is not available", "No module named venv", "No module named ensurepip")
_NOT_WRITABLE = (
    "Permission denied",
    "Operation not permitted",
    "Read-only file system",
)  # venv could not make its folder
# What pip prints when it cannot reach the index; its last line then blames the package instead.
_OFFLINE = (
    "Could not fetch URL",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Name or service not known",
    "getaddrinfo failed",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "ConnectTimeoutError",
    "Read timed out",
    "ProxyError",
)


def check_online(index_url: str, online_access: bool) -> None:
    """Refuse an install Blender's online-access setting forbids (one-line error), as the downloads
    do: pip reaches PyPI, or the *Package index* given, unless that index is on this machine
    (``localhost``/``127.0.0.1`` or a ``file:`` URL)."""
    index_url = index_url.strip()
    local = bool(index_url) and (
        is_loopback(index_url) or urllib.parse.urlparse(index_url).scheme.lower() == "file"
    )
    if not online_access and not local:
        raise DualTalkError(
            "online access is disabled in Blender (Preferences > System > Network > Allow Online Access); "
            "enable it to install dependencies, or set Package index to a mirror on this machine"
        )


def venv_python(venv_dir: str | os.PathLike[str]) -> Path:
    venv_dir = Path(venv_dir)
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def own_python_has_engine(probe: bool = True) -> bool:
    """Whether Blender's own interpreter can run the worker: its torch & co are found and import in
    a child (:func:`probe_python`, cached), since a half-installed torch or one built for another
    Python is found but never imports. Most Blenders have no torch: then nothing is started.

    ``probe=False`` (a panel's draw, which must never wait on a child: review rv38h 1, 2 s per draw
    after each Check Python) starts nothing: the last probe's answer where there is one, else that
    the modules are found."""
    import importlib.util

    if not all(importlib.util.find_spec(m) is not None for m in ENGINE_MODULES):
        return False
    if not probe:
        return _probed.get(sys.executable, True)
    ok = probe_python(sys.executable)[0]
    _probed[sys.executable] = ok
    return ok


_probed: dict[str, bool] = {}  # own_python_has_engine's last answer per interpreter, for a draw to read


def forget_probes() -> None:
    """Check Python and an install's end ask again: every cached probe and its last answer go."""
    probe_python.cache_clear()
    _probed.clear()


def resolve_python(
    explicit: str = "", model_dir: str | os.PathLike[str] | None = None, *, probe: bool = True
) -> str:
    """The interpreter for the worker: an explicit path; else Blender's own if its torch imports;
    else the private venv if installed; else Blender's own (the worker then says what is wrong).
    ``probe=False``: starts no child (:func:`own_python_has_engine`), for a panel's draw."""
    if explicit.strip():
        variable = unexpanded_variable(explicit.strip())  # also after Blender made it absolute
        if variable is not None:
            raise DualTalkError(
                f"Python with torch {explicit.strip()}: {variable}; choose the file again, or type its full path"
            )
        p = Path(os.path.expanduser(explicit.strip()))
        if not p.is_file():
            raise DualTalkError(f"Python interpreter not found: {p}")
        return str(p)
    if own_python_has_engine(probe):
        return sys.executable
    if model_dir:
        vp = venv_python(Path(model_dir).expanduser() / VENV_NAME)
        if vp.is_file():
            return str(vp)
    return sys.executable


def venv_has_pip(venv_dir: str | os.PathLike[str]) -> bool:
    """Whether pip is installed in the venv: one whose creation failed or was cancelled after
    ``bin/python`` appeared has none, and could never install anything into it."""
    venv_dir = Path(venv_dir)
    found = [*venv_dir.glob("lib/python*/site-packages/pip/__init__.py")]
    found += venv_dir.glob("Lib/site-packages/pip/__init__.py")  # Windows layout
    return venv_python(venv_dir).is_file() and bool(found)


# whether DualTalk's Install Dependencies created a venv (it holds VENV_MARKER): one rule, the worker's
made_here = broken_dependency.made_here


def _mark(venv_dir: Path) -> None:
    """Say that DualTalk makes ``venv_dir`` (created for it when missing). Where it cannot be
    written, the venv step meets the same folder and says why."""
    with contextlib.suppress(OSError):
        venv_dir.mkdir(parents=True, exist_ok=True)
        (venv_dir / VENV_MARKER).write_text("made by DualTalk's Install Dependencies\n", encoding="utf-8")


# Run by the interpreter checked: a module that is there but raises while it imports (a torch whose
# .so is gone, one built for another Python) is told apart from one that is not installed.
_PROBE_CODE = (
    f"print({_PROBE_MARK!r}, flush=True)\n"
    "import importlib, sys\n"
    "missing, broken = [], []\n"
    f"for name in {ENGINE_MODULES!r}:\n"
    "    try: importlib.import_module(name)\n"
    "    except ModuleNotFoundError as exc:\n"
    "        (missing.append(name) if exc.name == name else broken.append((name, exc)))\n"
    "    except Exception as exc: broken.append((name, exc))\n"
    "why = []\n"
    "for name, exc in broken[:1]:\n"
    "    text = (str(exc).strip().splitlines() or [''])[0]\n"
    "    why.append(name + ' is installed but does not import: ' + (type(exc).__name__ + ': ' + text)[:120])\n"
    "if missing: why.append('missing ' + ', '.join(missing))\n"
    "if why: sys.exit('; '.join(why))\n"
    "import numpy, torch\n"
    "if int(numpy.__version__.split('.')[0]) >= 2: sys.exit('numpy ' + numpy.__version__ + ' (need <2)')\n"
    "print('torch', torch.__version__, '| numpy', numpy.__version__, '| python', sys.version.split()[0])\n"
)


@lru_cache(maxsize=16)
def probe_python(python: str) -> tuple[bool, str]:
    """(ok, one line) whether ``python`` can import the engine's dependencies; cached per path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHOME"}
    try:
        out = subprocess.run(
            [python, "-c", _PROBE_CODE], capture_output=True, text=True, timeout=120, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"cannot run {python}: {exc}"
    return _probe_verdict(out)


def _probe_verdict(out: subprocess.CompletedProcess[str]) -> tuple[bool, str]:
    """Read the probe's output: OK only with its torch line, since any program may exit 0."""
    lines = out.stdout.strip().splitlines()
    last_err = (out.stderr.strip().splitlines() or [""])[-1]
    if _PROBE_MARK not in lines:
        detail = last_err or f"exit code {out.returncode}"
        return False, f"not a Python 3 interpreter (it did not run the check; {detail})"[:200]
    if out.returncode == 0 and lines[-1].startswith("torch "):
        return True, lines[-1]
    return False, (last_err or f"the check failed (exit code {out.returncode})")[:200]


def repair_advice(python: str) -> str:
    """The next step for ``python`` whose engine does not import (:func:`probe_python`'s line), in
    the worker's words (``broken_dependency.repair_advice``: one wording for both)."""
    return broken_dependency.repair_advice(python, blenders_own=python == sys.executable)


def _names_torch(packages: tuple[str, ...]) -> bool:
    """Whether the requirements install torch (``torch``, ``torch==2.13.*``, ``torch[extra]``...)."""
    return any(re.split(r"[\s<>=!~\[;@]", req.strip(), maxsplit=1)[0].lower() == "torch" for req in packages)


def install_steps(
    venv_dir: str | os.PathLike[str],
    *,
    base_python: str | None = None,
    packages: tuple[str, ...] = PACKAGES,
    no_deps: tuple[str, ...] | None = None,
    index_url: str = "",
    extra_args: tuple[str, ...] = (),
) -> list[tuple[str, list[str]]]:
    """The commands that create the venv and install ``packages`` into it, then ``no_deps`` without
    their dependencies (``pip install --no-deps``), as (label, argv). ``no_deps`` None: the voice
    encoder (:data:`NO_DEPS_PACKAGES`) with the default set, nothing with a set of one's own. A set
    with torch ends with :data:`CHECK_STEP`: pip exits 0 over a torch it counts as installed
    (dist-info there) that does not import, so only importing it says the install worked."""
    if no_deps is None:
        no_deps = NO_DEPS_PACKAGES if tuple(packages) == PACKAGES else ()
    venv_dir = Path(venv_dir).expanduser()
    py = venv_python(venv_dir)
    steps: list[tuple[str, list[str]]] = []
    if not venv_has_pip(venv_dir):
        # a half-made venv of ours (python, no pip) is made again from scratch; one the user made
        # without pip (``uv venv``, ``--without-pip``) holds their packages and is never cleared
        clear = ["--clear"] if (venv_dir / "pyvenv.cfg").is_file() else []
        if clear and not made_here(venv_dir):
            raise DualTalkError(
                f"{venv_dir} has no pip and DualTalk did not make it (uv venv? --without-pip?), so "
                "Install Dependencies leaves it as it is: set Python with torch to its Python, add pip "
                "to it (its python -m ensurepip), or choose another Model folder (or delete it if an "
                "earlier install left it half-made)"
            )
        steps.append((CREATE_VENV, [base_python or sys.executable, "-m", "venv", *clear, str(venv_dir)]))
    pip = [str(py), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off"]
    if index_url:
        pip += ["--index-url", index_url]
    steps.append(("install packages", [*pip, *extra_args, *packages]))
    if no_deps:
        steps.append((NO_DEPS_STEP, [*pip, *extra_args, "--no-deps", *no_deps]))
    if _names_torch(tuple(packages)):
        steps.append((CHECK_STEP, [str(py), "-c", _PROBE_CODE]))
    return steps


@dataclass
class Installer:
    """Runs :func:`install_steps` one after the other (a :class:`~.job.Job`); :meth:`poll` never blocks."""

    # The environment has nothing to do with the open .blend: another file opened while pip runs,
    # the install carries on (operators/modal.py follows it) instead of throwing away a torch download.
    outlives_file = True

    steps: list[tuple[str, list[str]]]
    task: str = "deps"
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=400))
    state: str = "running"  # running / done / error / cancelled
    error: str = ""
    step_index: int = 0
    # The end-of-job work of whoever started it (the preferences operator: forget the cached Python
    # checks, word the line), run on the outcome whether it ends under its operator or followed
    ended: Callable[[Outcome], Outcome] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._q: queue.Queue[str | None] = queue.Queue()
        self._closed = False
        self._step_lines: deque[str] = deque(maxlen=400)  # the running step's output, for its error
        self._undo: Path | None = None  # what the running step makes, removed if it fails or is cancelled

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
        env["PIP_USER"] = (
            "0"  # the venv is never a user install: a pip config's user = true refused it (rv38e F8)
        )
        self._closed = False
        self._q = queue.Queue()
        self._step_lines.clear()
        self._undo = _made_by(label, argv)
        if self._undo is not None:
            _mark(self._undo)  # before venv makes anything: a half-made venv is known as ours
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
                # its own process group (as the worker's), so Cancel also stops ensurepip and pip's children
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            self._undo = None  # nothing ran, nothing was made
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
        if self.state == "error" and self.label == CHECK_STEP:
            return Outcome(False, self.error)  # its own words: the packages are there
        if self.state == "done":
            return Outcome(True, "dependencies installed")
        if self.state == "cancelled":
            return Outcome(False, "installing dependencies cancelled", True)
        return Outcome(False, f"installing dependencies {self.state}: {self.error}", False)

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
        self._step_lines.extend(new)
        if self.state == "running" and self._closed and self._proc is not None:
            code = self._proc.poll()
            if code is not None:
                self._step_ended(code)
        return new

    def _step_ended(self, code: int) -> None:
        """Go on to the next step, or end with the step's failure in one line."""
        if self.label == CHECK_STEP:
            self._checked(code)
            return
        if code == 0:
            if self._undo is not None and self.label == CREATE_VENV:
                _mark(self._undo)  # again: ``--clear`` emptied the folder, the marker too
            self.step_index += 1
            self._launch()
            return
        self.state = "error"
        self.error = f"{self.label} failed (exit code {code}): {self._reason()}"[:300]
        self._stop_group()  # what the step started may still run
        self._remove_made()

    def _checked(self, code: int) -> None:
        """The installed torch imports (the probe's torch line, as :func:`_probe_verdict` reads it),
        or the job ends saying what does not import and what to do: never 'installed'."""
        lines = [ln.strip() for ln in self._step_lines if ln.strip()]
        if code == 0 and _PROBE_MARK in lines and lines[-1].startswith("torch "):
            self.step_index += 1
            self._launch()
            return
        python = self.steps[self.step_index][1][0]
        why = (lines[-1] if lines and lines[-1] != _PROBE_MARK else f"the check failed (exit code {code})")[
            :200
        ]
        venv_dir = Path(python).parent.parent
        self.state = "error"
        self.error = f"installed into {venv_dir}, but the check failed: {why}; {repair_advice(python)}"

    def _reason(self) -> str:
        """Why the step failed, in the user's terms rather than pip's or venv's last line."""
        lines = list(self._step_lines)
        if self.label == CREATE_VENV and any(marker in ln for ln in lines for marker in _NO_VENV):
            return (
                "this Python has no venv module (Debian/Ubuntu: apt install python3-venv); "
                "or set Python with torch to an interpreter that has torch"
            )
        refused = [m for m in _NOT_WRITABLE if self.label == CREATE_VENV and any(m in ln for ln in lines)]
        if refused:
            folder = Path(self.steps[self.step_index][1][-1]).parent
            return f"cannot create the private environment in {folder} ({refused[0].lower()}): " + (
                "choose another Model folder you can write to"
            )
        if any(marker in ln for ln in lines for marker in _OFFLINE):
            where = _index_url(self.steps[self.step_index][1])
            return (
                f"cannot reach the package index{' ' + where if where else ''} (offline?): "
                "connect to the network, or set Package index to a mirror you can reach"
            )
        return next((ln for ln in reversed(lines) if ln.strip()), "")

    def cancel(self) -> None:
        if self.state != "running":
            return
        self._stop_group()
        self.state, self.error = "cancelled", "cancelled"
        self._remove_made()

    def _stop_group(self) -> None:
        """Stop the step and everything it started (venv's ensurepip, pip's build tools)."""
        proc = self._proc
        if proc is None:
            return
        signal_group(proc, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(2)
        signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))  # what ignored SIGTERM
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        _wait_group_gone(proc.pid)

    def _remove_made(self) -> None:
        """Remove what the failed or cancelled step made, so the next Install starts clean."""
        if self._undo is not None:
            for _ in range(3):  # a killed child may still be finishing its last write
                shutil.rmtree(self._undo, ignore_errors=True)
                if not self._undo.exists():
                    break
                time.sleep(0.1)
            self._undo = None

    def wait(self, timeout: float = 1800.0) -> str:
        end = time.monotonic() + timeout
        while self.state == "running":
            self.read_lines()
            if time.monotonic() > end:
                self.cancel()
                self.error = "timed out"
            time.sleep(0.05)
        return self.state


def _made_by(label: str, argv: list[str]) -> Path | None:
    """The folder a step creates and that must go if it fails: the venv, when it is new (or an
    empty folder) or DualTalk made it (:func:`made_here`: a half-made one of ours, which ``--clear``
    starts over); any other folder of that name, a venv the user made included, is left alone."""
    if label != CREATE_VENV:
        return None
    folder = Path(argv[-1])
    if not folder.exists() or made_here(folder):
        return folder
    with contextlib.suppress(OSError):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            return folder
    return None


def _index_url(argv: list[str]) -> str:
    """The ``--index-url`` a pip step was given ('' for pip's default)."""
    return argv[argv.index("--index-url") + 1] if "--index-url" in argv[:-1] else ""


def _wait_group_gone(pgid: int, timeout: float = 1.0) -> None:
    """Give killed group members a moment to exit before their folder is removed."""
    if os.name != "posix":
        return
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.02)
