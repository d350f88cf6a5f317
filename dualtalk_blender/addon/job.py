"""The one shape of every background job the UI runs (generate, install dependencies, download).

Operators drive any :class:`Job` the same way (``operators/modal.py``): ``start()`` it, call
``poll()`` from a timer (or a loop in background mode) until it returns False, show ``progress``,
``cancel()`` on Esc, and read one :class:`Outcome` from ``result()`` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass
class Outcome:
    """How a job ended, in one line for the status bar and the operator report."""

    ok: bool
    message: str
    cancelled: bool = False
    # every warning of a keyed take, each its own line in the Info editor (the message shows the first)
    warnings: tuple[str, ...] = ()


class Job(Protocol):
    task: str  # names the job in the status ("generate", "deps", "download")
    # optional ``outlives_file = True``: when Blender ends its operator (another file opened) the
    # job carries on from a timer instead of being cancelled (a generation keeps its take)
    # optional ``finishing`` (str | None): what ``result()`` is about to do on Blender's UI thread
    # that takes a while (keying a take); the operator shows it, lets Blender redraw, and calls
    # ``result()`` on its next timer tick
    # optional ``advance() -> bool``: one step of that finishing work per timer tick (True while more
    # is left), so Blender redraws between steps and delivers an Esc pressed during one; and
    # ``cancel_keying()``: that Esc (nothing keyed yet is keyed; a keyed take is taken off again where
    # that leaves the scene exactly as it was). Generate's ``GenerationRun`` has both.

    def start(self) -> Job: ...

    def poll(self) -> bool:
        """Advance without blocking; True while the job is still running."""
        ...

    @property
    def progress(self) -> tuple[float, str]:
        """(fraction 0..1, message) for the progress bar."""
        ...

    def cancel(self) -> None: ...

    def result(self) -> Outcome:
        """Once :meth:`poll` returned False: what happened (and any clean-up)."""
        ...
