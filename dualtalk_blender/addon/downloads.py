"""Model downloads from the preferences, run in a thread so Blender keeps drawing.

The transfer itself (resume, sha256, atomic rename) is :func:`dualtalk.inference.download.download`;
this module only adds a thread, a pollable progress state, cancel, and the
``bpy.app.online_access`` rule: nothing leaves the machine unless the user allowed online
access in Blender, except loopback URLs (a local mirror), which never reach the internet.
"""

from __future__ import annotations

import ipaddress
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...inference.core.errors import CancelledError, DualTalkError
from ...inference.core.progress import Silent
from ...inference.download import DEFAULT_URL as CHECKPOINT_URL  # the published weights (re-exported)
from ...inference.download import ExistingFileDiffers
from .job import Outcome

__all__ = ["CHECKPOINT_URL", "DownloadJob", "check_online", "is_loopback"]


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_online(url: str, online_access: bool) -> None:
    """Refuse a download Blender's online-access setting forbids (one-line error)."""
    if not url.strip():
        raise DualTalkError("no download URL given")
    if not online_access and not is_loopback(url):
        raise DualTalkError(
            "online access is disabled in Blender (Preferences > System > Network > Allow Online Access); "
            "enable it to download, or place the file in the model folder yourself"
        )


def _differs_message(path: Path) -> str:
    """What a Blender user can do about a file already there with another sha256 (the CLI's
    --force does not exist in the add-on)."""
    return (
        f"{path.name} is already in the model folder ({path.parent}) but its sha256 differs from the "
        "one given: delete or move that file, then download again (or clear the sha256 to keep it)"
    )


# How long ``result()`` waits for a cancelled download's thread to stop (it checks between blocks).
STOP_WAIT_S = 5.0

# Where downloads run now: two jobs writing one ``.part`` file would corrupt or lose it.
_RUNNING: set[Path] = set()
_RUNNING_LOCK = threading.Lock()


def _claim(dest: Path) -> Path:
    """Reserve ``dest`` for one download (raises when another one holds it); returns the key."""
    key = dest.expanduser().resolve()
    with _RUNNING_LOCK:
        if key in _RUNNING:
            raise DualTalkError(f"a download into {key} is already running; wait for it to end")
        _RUNNING.add(key)
    return key


def _release(key: Path) -> None:
    with _RUNNING_LOCK:
        _RUNNING.discard(key)


class _ThreadProgress(Silent):
    def __init__(self, job: DownloadJob) -> None:
        super().__init__()
        self.job = job

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.job.fraction = min(max(float(fraction), 0.0), 1.0)
        self.job.message = message
        self.check_cancel()


@dataclass
class DownloadJob:
    """One download in a background thread (a :class:`~.job.Job`); poll it from a timer."""

    # The model folder has nothing to do with the open .blend: another file opened meanwhile, the
    # download carries on (operators/modal.py follows it) and ends as it would under its button.
    outlives_file = True

    url: str
    dest: Path
    sha256: str | None = None
    task: str = "download"
    state: str = "running"  # running / done / error / cancelled
    fraction: float = 0.0
    message: str = "starting"
    error: str = ""
    path: Path | None = None
    _progress: _ThreadProgress | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    # The end-of-job work of whoever started it (the preferences operator: a FLAME map becomes the
    # map file, the line's words), run on the outcome whether it ends under its operator or followed
    ended: Callable[[Outcome], Outcome] | None = field(default=None, repr=False, compare=False)
    _stopping: bool = field(default=False, init=False, repr=False)  # cancel() was called

    def start(self) -> DownloadJob:
        """Start the transfer; refused (one line) while another one writes into the same place."""
        key = _claim(Path(self.dest))
        self._progress = _ThreadProgress(self)
        self._thread = threading.Thread(target=self._run, args=(key,), daemon=True)
        self._thread.start()
        return self

    def _run(self, key: Path) -> None:
        try:
            state, error = self._transfer()
        finally:
            _release(key)  # before the state says it ended: a next download may start at once
        self.state, self.error = state, error

    def _transfer(self) -> tuple[str, str]:
        """The download itself; (final state, error line)."""
        from ...inference.download import download

        try:
            self.path = download(self.url, self.dest, sha256=self.sha256 or None, progress=self._progress)
            self.fraction, self.message = 1.0, f"saved {self.path.name}"
            return "done", ""
        except CancelledError:
            return "cancelled", "download cancelled; run it again to resume"
        except ExistingFileDiffers as exc:
            return "error", _differs_message(exc.path)
        except DualTalkError as exc:
            return "error", str(exc)
        except Exception as exc:  # a bug: still end the job with one line
            return "error", f"download failed ({type(exc).__name__}: {exc})"

    @property
    def finished(self) -> bool:
        return self.state != "running"

    def poll(self) -> bool:
        return self.state == "running"

    @property
    def progress(self) -> tuple[float, str]:
        return self.fraction, self.message

    def result(self) -> Outcome:
        """How it ended. Called at once after :meth:`cancel` (the add-on disabled, Blender quits),
        it waits a moment for the thread, which stops after the block it reads, so the folder is
        free again when the line says so."""
        if self.state == "running" and self._stopping and self._thread is not None:
            self._thread.join(STOP_WAIT_S)
        if self.state == "done":
            return Outcome(True, f"downloaded {self.path}")
        if self.state == "running":  # a read slower than the wait: the folder stays claimed until it ends
            return Outcome(
                False,
                "download cancelled; it stops after the block it is reading: run it again then to resume",
                True,
            )
        return Outcome(False, self.error, self.state == "cancelled")

    def cancel(self) -> None:
        self._stopping = True
        if self._progress is not None:
            self._progress.cancel()

    def wait(self, timeout: float | None = None) -> str:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.state
