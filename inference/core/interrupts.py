"""SIGTERM handled like Ctrl-C, and interruptions recognised through wrappers that hide them.

Render farms, ``timeout`` and process supervisors stop a job with SIGTERM. Without a
handler Python dies on the spot and every ``finally`` is skipped, so hidden ``.part``
temp files stay behind. With :func:`handle_signals` a SIGTERM raises :class:`Terminated`
(a ``KeyboardInterrupt``) wherever Python is running, the same unwinding as Ctrl-C
removes temp files, and the CLI exits 143 (SIGTERM) or 130 (SIGINT), as shells do.

Some code catches everything and rewraps it: Blender turns a ``KeyboardInterrupt``
inside an operator (the FBX exporter) into a ``RuntimeError`` holding a traceback. The
handlers remember which signal arrived, so :func:`raise_if_interrupted` can report the
interruption instead of a misleading "exporter failed".
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

EXIT_SIGINT = 130  # 128 + SIGINT
EXIT_SIGTERM = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; unwinds like Ctrl-C so every cleanup runs."""


_received: int | None = None
_finished = False  # the process's run is over (:func:`finished`): its handlers stay until it exits


def received() -> int | None:
    """The signal (SIGINT or SIGTERM) that arrived during the current run, or None."""
    return _received


def exit_code(exc: BaseException | None = None) -> int:
    if isinstance(exc, Terminated) or (exc is None and _received == signal.SIGTERM):
        return EXIT_SIGTERM
    return EXIT_SIGINT


def message(exc: BaseException | None = None) -> str:
    return "terminated (SIGTERM)" if exit_code(exc) == EXIT_SIGTERM else "interrupted"


def raise_if_interrupted() -> None:
    """Re-raise the interruption a wrapper swallowed (call where a wrapped failure is reported)."""
    if _received == signal.SIGTERM:
        raise Terminated()
    if _received == signal.SIGINT:
        raise KeyboardInterrupt()


def _on_sigint(signum, frame) -> None:
    global _received
    _received = signal.SIGINT
    raise KeyboardInterrupt()


def _on_sigterm(signum, frame) -> None:
    global _received
    _received = signal.SIGTERM
    raise Terminated()


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Install the SIGINT/SIGTERM handlers for one run (main thread only); restore the old ones after."""
    global _received
    _received = None
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        if not _finished:  # else the finished run's handlers stay: putting back the default here
            for sig, handler in old.items():  # let a SIGTERM in that gap kill a run already done
                if handler is not None:
                    signal.signal(sig, handler)
        _received = None  # a later run (tests, an embedding program) starts clean


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) until the block ends, then deliver it to the handler in place.

    For steps an interruption must not cut in two: Blender's start-up (``import bpy`` catches what
    its registrations raise, so an interrupt there was swallowed or left Blender half-registered
    and crashed the process), and the renames that put a set of outputs in place together.
    Outside the main thread, where no handler can be installed, the block runs as it is.
    """
    sigs = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    # A handler the embedding program installed in C (Blender's own Ctrl-C: "press again to quit")
    # reads as None and could never be put back: replaced by the default, one Ctrl-C in Blender's
    # terminal killed it with the artist's unsaved work. Such a signal is left to its handler.
    old = {sig: h for sig in sigs if (h := signal.getsignal(sig)) is not None}
    for sig in old:
        signal.signal(sig, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if pending:  # also when the block failed (a .blend Blender cannot read): the interrupt wins
            signal.raise_signal(pending[0])  # now the run's own handler sees it and unwinds as usual


def finished(code: int) -> None:
    """The run is over with ``code``: a signal while the interpreter shuts down (Blender's teardown
    takes most of a second) ends the process at once with that code, instead of killing a run whose
    outputs are all written and making a farm mark it failed. Main thread only. Called by the
    process's own entry point while the run's handlers are still in place (``cli.main(exiting=True)``),
    so no moment is left between them where the default handler kills the finished run."""
    global _finished
    if threading.current_thread() is not threading.main_thread():
        return
    _finished = True

    def _exit_now(signum, frame) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _exit_now)
