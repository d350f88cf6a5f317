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

A command's product (infer's take, a single shot's outputs) goes in place in one step, its
files renamed together: that step is the run's commit point. Before it nothing of the new
product is trusted and a signal stops the run (130/143, the earlier files whole); once it
is in place the job is done, so a signal is too late to stop it (:func:`landed`): it is
noted, the run finishes (its result line) and ends 0 with one line saying so
(:func:`late_line`). A farm reads the exit status alone: 0 means the new product is there.
"""

from __future__ import annotations

import atexit
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
_active = False  # this process's run has its handlers in place (:func:`handle_signals`)
_product: tuple[str, str] | None = None  # (kind, words) of what the run's command puts in place
_landed = False  # the product is in place: a signal no longer stops the run
_ignore_registered = False  # :func:`finished` has set up the shutdown's SIG_IGN (once a process)


def received() -> int | None:
    """The signal (SIGINT or SIGTERM) that arrived during the current run, or None."""
    return _received


def stopped() -> bool:
    """Whether a signal arrived that stops the run (one after its product went in place does not)."""
    return _received is not None and not _landed


def exit_code(exc: BaseException | None = None) -> int:
    if isinstance(exc, Terminated) or (exc is None and _received == signal.SIGTERM):
        return EXIT_SIGTERM
    return EXIT_SIGINT


def message(exc: BaseException | None = None) -> str:
    return "terminated (SIGTERM)" if exit_code(exc) == EXIT_SIGTERM else "interrupted"


def raise_if_interrupted() -> None:
    """Re-raise the interruption a wrapper swallowed (call where a wrapped failure is reported);
    once the run's product is in place it is too late to stop it (:func:`landed`): nothing."""
    if _landed:
        return
    if _received == signal.SIGTERM:
        raise Terminated()
    if _received == signal.SIGINT:
        raise KeyboardInterrupt()


def _on_sigint(signum, frame) -> None:
    global _received
    _received = signal.SIGINT
    if not _landed:  # else noted only: the product is in place, the run finishes
        raise KeyboardInterrupt()


def _on_sigterm(signum, frame) -> None:
    global _received
    _received = signal.SIGTERM
    if not _landed:
        raise Terminated()


def product(kind: str, words: str) -> None:
    """The command now running puts ``kind`` in place as its product ("take": infer's and the
    worker's A.npz, B.npz and script reading; "shot": a single shot's outputs); ``words`` name it
    in :func:`late_line` ("the take"). Called by the command line for this run only."""
    global _product
    _product = (kind, words)


def landed(kind: str) -> bool:
    """A set of ``kind`` has just been put in place. When it is this run's product (:func:`product`)
    and the run has its handlers (the command line, the worker), the job is done: from now on a
    signal is noted and not raised, and True is returned -- a writer that caught the signal its
    renames held back goes on as if none had come. Otherwise (a take a shot's work folder holds,
    the Python API, where Ctrl-C is the calling program's own) False: nothing changes."""
    global _landed
    if not _active or _product is None or _product[0] != kind:
        return False
    _landed = True
    return True


def late_line() -> str | None:
    """The line for a signal that came once the run's product was in place (None if none came)."""
    if not _landed or _received is None or _product is None:
        return None
    said = "SIGTERM" if _received == signal.SIGTERM else "Ctrl-C (SIGINT)"
    return f"{said} came too late to stop this run: {_product[1]} had gone in place whole, so it finished (exit 0)"


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Install the SIGINT/SIGTERM handlers for one run (main thread only); restore the old ones after."""
    global _received, _active, _product, _landed
    _received, _product, _landed = None, None, False
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _active = True
    try:
        yield
    finally:
        _active = False
        if not _finished:  # else the finished run's handlers stay: putting back the default here
            for sig, handler in old.items():  # let a SIGTERM in that gap kill a run already done
                if handler is not None:
                    signal.signal(sig, handler)
        # a later run (tests, an embedding program) starts clean
        _received, _product, _landed = None, None, False


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
    """The run is over with ``code``: a signal while the process shuts down (torch's and Blender's
    teardown take 2-3 s) must not kill a run whose outputs are all written and make a farm mark it
    failed. Main thread only. Called by the process's own entry point while the run's handlers are
    still in place (``cli.main(exiting=True)``), so no moment is left between them where the default
    handler kills the finished run.

    While Python code still runs, a signal ends the process at once with ``code``. Once the
    interpreter finalizes, CPython puts every signal with a Python handler back to the default
    (which kills) and runs no Python handler again, while torch's and Blender's teardown still has
    seconds to go (review rv43c F3: -15/-2 from 0.02 s after the result line). So when shutdown
    begins (the last atexit callback registered runs first) both signals are ignored: SIG_IGN is the
    one setting finalization keeps. The process then ends by itself with ``code``."""
    global _finished, _ignore_registered
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
    if not _ignore_registered:  # called by cli.main and again by __main__: once is enough
        _ignore_registered = True
        atexit.register(_ignore_signals)


def _ignore_signals() -> None:
    """Shutdown has begun: SIGINT/SIGTERM are ignored until the process exits (see :func:`finished`)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
