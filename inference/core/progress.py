"""Progress reporting and cooperative cancellation for long jobs.

Engine and Blender code call ``progress.update(stage, fraction, message)`` and
``progress.check_cancel()``. The CLI shows a bar on stderr, the worker process emits
JSON lines, tests pass :class:`Silent` or a recorder.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
import time
from typing import IO, Protocol

from .errors import CancelledError, DualTalkError


class StdoutLost(DualTalkError):
    """stdout could not be written (a full log volume, an I/O error; not a reader that has gone, which
    is ``BrokenPipeError`` and ends the run quietly with 141): the files the command wrote are
    whole, the lines it printed there are lost. A batch stops at it (its summary: ``interrupted``)."""


class Progress(Protocol):
    def update(self, stage: str, fraction: float, message: str = "") -> None: ...

    def check_cancel(self) -> None: ...


class Silent:
    """Reports nothing; cancel through :meth:`cancel` (thread-safe)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.check_cancel()

    def cancel(self) -> None:
        self._cancel.set()

    def check_cancel(self) -> None:
        if self._cancel.is_set():
            raise CancelledError("cancelled")


class Recorder(Silent):
    """Keeps every update; for tests and stage timing."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, float, str]] = []

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.events.append((stage, float(fraction), message))
        self.check_cancel()


class StageReports:
    """A run's reports passed on to ``inner`` without repeats: a stage's end (fraction 1.0) once, and
    never the same (stage, fraction, message) twice in a row. The run reports a stage's ends around
    the code that reports them too (``engine 1.0`` from the loader and again from the run, ``audio
    0.0 reading audio`` twice: review rv38c, finding 5); a bar driven by them need not dedupe. A
    dropped report still checks for a cancel, as the report would have."""

    def __init__(self, inner: Progress) -> None:
        self.inner = inner
        self._last: tuple[str, float, str] | None = None

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        last = self._last
        if last is not None and last[:2] == (stage, fraction) and (fraction >= 1.0 or last[2] == message):
            self.inner.check_cancel()
            return
        self._last = (stage, fraction, message)
        self.inner.update(stage, fraction, message)

    def check_cancel(self) -> None:
        self.inner.check_cancel()


class ConsoleBar(Silent):
    """A one-line bar on stderr, redrawn at most every 0.1 s; plain lines when not a TTY.

    Progress is not the product: a stream that cannot be written (its reader has gone, a full log
    volume, no stderr at all) is dropped and the run goes on without a bar."""

    def __init__(self, stream: IO[str] | None = None, width: int = 28) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.dropped = self.stream is None  # ``sys.stderr`` is None when the process started without fd 2
        self.width = width
        self._last = 0.0
        self._stage = ""
        self._step = ""
        try:
            self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        except (OSError, ValueError):  # a closed stream
            self._tty = False

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.check_cancel()
        if self.dropped:
            return
        try:
            self._draw(stage, fraction, message)
        except (OSError, ValueError):  # the reader went away, the disk is full, the stream was closed
            self.dropped = True

    def _draw(self, stage: str, fraction: float, message: str) -> None:
        now = time.monotonic()
        fraction = min(max(float(fraction), 0.0), 1.0)
        new_stage = stage != self._stage
        # in a log (no terminal) a new step of a stage ("diarizing the mix" after "reading audio") is
        # always written: throttled, it was lost behind 35 s of silence; only counters are throttled
        new_step = not self._tty and _step(message) != self._step
        if not (new_stage or new_step) and fraction < 1.0 and now - self._last < (0.1 if self._tty else 2.0):
            return
        self._last = now
        self._step = _step(message)
        if self._tty:
            filled = int(round(fraction * self.width))
            bar = "#" * filled + "-" * (self.width - filled)
            head = f"\r{stage:<14} [{bar}] {fraction * 100:5.1f}% "
            room = max(20, shutil.get_terminal_size((100, 24)).columns - len(head))
            if fraction >= 1.0:  # a stage's last line stays on screen: whole, wrapped if it must
                self.stream.write(f"{head}{message:<{room - 1}}\n")
            else:  # redrawn in place: one terminal line, so the carriage return reaches its start
                # as the stream writes it: on an ASCII terminal "é" is "\\xe9", four columns, not one
                shown, more = _as_written(message, self.stream), _as_written("…", self.stream)
                shown = shown if len(shown) < room else shown[: room - 1 - len(more)] + more
                self.stream.write(f"{head}{shown:<{room - 1}}")
        else:
            self.stream.write(f"{stage}: {fraction * 100:.0f}% {message}\n".rstrip() + "\n")
        self.stream.flush()
        self._stage = stage


def _as_written(text: str, stream: IO[str]) -> str:
    """``text`` as ``stream`` will put it on screen: a character its encoding lacks is escaped
    (Python's ``backslashreplace``, as the command line sets up for stderr), "…" is "..."."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        text = text.replace("…", "...")
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:  # a codec Python does not know: the stream will say so itself
        return text


def _step(message: str) -> str:
    """A progress message without its numbers: "chunk 3/10" and "chunk 4/10" are one step."""
    return re.sub(r"[\d.,:/%]+", "#", message)


class JsonLines(Silent):
    """One JSON object per line on ``stream``: the worker protocol."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stdout

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.check_cancel()
        self.emit(
            {"event": "progress", "stage": stage, "fraction": round(float(fraction), 4), "message": message}
        )

    def emit(self, obj: dict) -> None:
        self.stream.write(json.dumps(obj) + "\n")
        self.stream.flush()
