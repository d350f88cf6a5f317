"""``python -m dualtalk``: one entry point, one subcommand per module.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their subcommand runs, so
``--help`` and light commands never pay for torch or bpy.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import locale
import logging
import os
import select
import signal
import stat
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn, TextIO, cast

# name -> (module relative to this package, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "infer": (".inference.cmd_infer", "animate two characters' motion files from dialogue audio"),
    "animate": (
        ".dualtalk_blender.commands.animate",
        "animate characters in a .blend (headless), export FBX, render",
    ),
    "demo": (
        ".dualtalk_blender.demo.cmd_demo",
        "build two characters, make a dialogue, animate, export, preview",
    ),
    "train": (".training.cmd_train", "train a DualTalk or lite model on DualTalk-format folders"),
    "eval": (
        ".inference.cmd_eval",
        "score predicted motion against ground truth (FD, P-FD, MSE, SID, rPCC); "
        "`eval lipsync`: lips against true phone timings; "
        "`eval behaviour`: blinks, gaze, head motion and nods against real people; "
        "`eval audio`: voice activity and diarization on a two-channel recording; "
        "`eval diarize`: who speaks when in one mono mix (AMI-style RTTM, synthetic overlap); "
        "`eval scripts`: script lines drawn where said, refused where not",
    ),
    "synth": (".training.lite.cmd_synth", "generate the synthetic two-voice training corpus"),
    "download": (".inference.cmd_download", "download the published DualTalk checkpoint"),
    "bench": (
        ".bench.cmd_bench",
        "measure speed and memory (engine, lite, keying, fbx, e2e, scaling, transcript, sound, soak)",
    ),
    "fuzz": (".bench.cmd_fuzz", "long property-based fuzz run of every parser"),
    "worker": (".inference.worker", "background worker for the Blender add-on (JSON-lines protocol)"),
}
# (command, first word) -> a sub-mode with its own module, e.g. `eval lipsync`
SUBMODES: dict[tuple[str, str], tuple[str, str]] = {
    ("eval", "lipsync"): (
        ".training.evaluation.cmd_lipsync",
        "score lip sync per phone class against true phone timings, beside a loudness lip-flap",
    ),
    ("eval", "behaviour"): (
        ".training.evaluation.behaviour",
        "measure blinks, gaze, head motion, nods and frozen time against how real people behave",
    ),
    ("eval", "audio"): (
        ".training.evaluation.cmd_audio",
        "voice activity and diarization error on a recording with one channel per speaker (docs/audio.md)",
    ),
    ("eval", "diarize"): (
        ".training.evaluation.cmd_diarize",
        "who speaks when in one mono mix (--diarize), beside a baseline, on RTTM-annotated recordings and "
        "synthetic overlap (docs/metrics.md)",
    ),
    ("eval", "scripts"): (
        ".training.evaluation.cmd_scripts",
        "how often a script's own lines are drawn and wrong lines refused, on read prompts with transcripts",
    ),
}


class OneLineParser(argparse.ArgumentParser):
    """argparse that keeps the promise every other refusal keeps: one ``error:`` line, exit 2.

    Stock argparse prints the whole usage block before its message; here the usage is one
    ``--help`` away instead.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see {self.prog} --help)\n")


# every command's exit status, as README's "Command line" lists them: a farm retries 74 and 75
EXIT_CODES_HELP = (
    "exit status: 0 done; 2 bad input (one error line, nothing written); 74 an output found no room "
    "(disk full, quota: retry later or elsewhere); 75 another DualTalk run is writing the output (retry "
    "later); 1 internal error; 130 Ctrl-C, 143 SIGTERM (the earlier outputs whole; one that comes once "
    "the new take or shot is in place is too late: 0, with a warning line); 141 the reader of stdout "
    "went away"
)
# what a command puts in place in one step (its commit point: interrupts.landed), and its words
PRODUCTS: dict[str, tuple[str, str]] = {
    "infer": ("take", "the take"),
    "worker": ("take", "the take"),
    "animate": ("shot", "the shot's outputs"),  # a single shot: a job's shots are its own (batch)
}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m dualtalk",
        description="DualTalk for Blender: dual-speaker talking heads from one conversation.",
        epilog=EXIT_CODES_HELP,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the version and build (version+source fingerprint) and exit",
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_module, help_text) in SUBCOMMANDS.items():
        subs.add_parser(name, help=help_text, add_help=False)
    return parser


# what to try when a command runs out of memory: the engine's commands can take less of the recording
# at a time; the others (eval, bench, a motion file read) have nothing to shorten
MEMORY_ADVICE = {
    "infer": "try a shorter --start/--end range or a smaller --window",
    "animate": "try a shorter --start/--end range or a smaller --window",
}
MORE_MEMORY = "close other programs or run it on a machine with more memory"


def main(argv: Sequence[str] | None = None, *, exiting: bool = False) -> int:
    """Run one subcommand; SIGTERM is handled like Ctrl-C (cleanup runs, exit 143 instead of 130).

    ``exiting``: the process ends with this run (``python -m dualtalk``): once the run has its exit
    code, a signal ends the process at once with that code (:func:`~.inference.core.interrupts.finished`),
    set before the run's own handlers are taken down, so a SIGTERM just after the result line never
    kills a run whose outputs are written.

    The process's surroundings are made whole first: a standard stream started closed (``>&-``,
    some daemons and schedulers) reads from or writes to ``/dev/null``; a working folder that no
    longer exists is refused in one line (torch's libraries abort the process there, exit 2, with
    pages of noise); and stderr, which carries only progress, warnings and the ``error:`` line, is
    dropped rather than allowed to stop the run once it cannot be written.
    """
    _open_standard_streams()
    gone = _cwd_problem()
    if gone is not None:
        print(f"error: {gone}", file=sys.stderr)
        return 2
    from .inference.core import interrupts
    from .inference.core.progress import StdoutLost

    try:
        with (
            _stderr_or_nothing(),
            interrupts.handle_signals(),
            _results_only_on_stdout(argv),
            _warnings_as_lines(),
        ):
            code = _main(argv)
            if exiting:
                interrupts.finished(code)
            return code
    except StdoutLost as exc:  # the last of stdout, flushed after the run, found the disk full
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # Whoever read our stdout has gone (``... | head``): stop quietly, as Unix tools do, and
        # point stdout at /dev/null so the interpreter's own final flush cannot fail again.
        _devnull_onto(1)
        return 128 + getattr(signal, "SIGPIPE", 13)  # Windows has no SIGPIPE; 141 as on POSIX


def _cwd_problem() -> str | None:
    """Why the working folder cannot serve the run, or None. Checked before anything is imported:
    in a deleted folder torch's math library aborts the process while loading (exit 2, pages of
    leak reports, no summary, locks and temporaries left behind)."""
    try:
        os.getcwd()
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            why = "no longer exists (was it deleted while this job waited?)"
        else:
            why = f"cannot be read ({exc.strerror})"
        return f"the current folder {why}; cd to an existing folder and run again"
    return None


def _devnull_onto(fd: int) -> None:
    """Descriptor ``fd`` reads and writes ``/dev/null`` from now on (a stream that is closed or whose
    reader has gone: what is written there later goes nowhere instead of failing)."""
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:  # a closed ``fd`` is the lowest free one: the open may have landed there already
        os.dup2(null, fd)
        os.close(null)


def _open_standard_streams() -> None:
    """File descriptors 0, 1 and 2 that the process started without are opened on ``/dev/null``.

    Python leaves ``sys.stdout`` (...) None then, and every print failed as an internal error;
    worse, the next file opened would get the free descriptor and receive Blender's C-level prints.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            _devnull_onto(fd)
        if getattr(sys, name) is None:
            encoding = "utf-8" if sys.flags.utf8_mode else locale.getpreferredencoding(False)
            mode, buffering = ("r", -1) if fd == 0 else ("w", 1)
            stream = open(
                fd, mode, buffering=buffering, encoding=encoding, errors="backslashreplace", closefd=False
            )
            setattr(sys, name, stream)


class _DroppedWhenBroken:
    """``sys.stderr`` that swallows its own write errors: once the reader has gone (``2>&1 | head``,
    a restarted log shipper) or the log volume is full, descriptor 2 is pointed at ``/dev/null`` and
    the run carries on. Progress and warnings are not the product; the exit status still tells."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.dropped = False

    def write(self, text: str) -> int:
        if not self.dropped:
            try:
                return self._stream.write(text)
            except (OSError, ValueError):
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.dropped:
            try:
                self._stream.flush()
            except (OSError, ValueError):
                self._drop()

    def _drop(self) -> None:
        self.dropped = True
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if self._stream.fileno() == 2:  # C-level prints and the interpreter's last flush go nowhere
                _devnull_onto(2)
                self._stream.flush()  # what the failed write left in the buffer, now harmlessly

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _stderr_or_nothing() -> Iterator[None]:
    previous = sys.stderr
    sys.stderr = cast(TextIO, _DroppedWhenBroken(previous))
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        sys.stderr = previous


class _LevelPrefix(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """The package's log warnings (audio loader, VAD) reach the user as ``warning: ...`` lines.

    Without a handler Python prints the bare message, which reads like an error or like output.
    """
    logger = logging.getLogger("dualtalk")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LevelPrefix())
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        handler.flush()
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextlib.contextmanager
def _results_only_on_stdout(argv: Sequence[str] | None) -> Iterator[None]:
    """Blender (and other C libraries) print errors and warnings straight to file descriptor 1.

    stdout carries our results (one line per shot, JSON with --json), so for the run the
    descriptor is pointed at stderr and Python's ``sys.stdout`` at a private copy of the
    real stdout. The worker does the same for its protocol stream itself. A character it cannot
    encode (a file name that is not UTF-8, held as a surrogate) is written escaped (``\\udcff``):
    a strict stream raised on it after the command's work was done.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        real = sys.stdout.fileno() == 1
    except (AttributeError, OSError, ValueError):  # already redirected (tests, embedding): leave it
        real = False
    if not real or "worker" in args:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    results = _ResultLines(
        open(saved, "wb"),
        encoding=sys.stdout.encoding or "utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    os.dup2(2, 1)
    previous, sys.stdout = sys.stdout, results
    try:
        yield
    finally:
        gone = _reader_gone(saved)
        os.dup2(saved, 1)
        sys.stdout = previous
        # what is left of a line without its newline: a write that fails only now is said now (a
        # write that failed during the run already said so: the run's error) ...
        last = None if results.failed else _last_flush(results)
        with contextlib.suppress(Exception):  # ... and the file is closed anyway
            results.close()
        if last is not None:
            raise last
        if gone:  # argparse's help swallows the write error: say it the Unix way all the same
            raise BrokenPipeError("the reader of stdout has gone")


class _ResultLines(io.TextIOWrapper):
    """The real stdout during a run. A reader that has gone stays ``BrokenPipeError`` (the run ends
    quietly, 141; on Windows also a pipe write's EINVAL, how it says so there); any other failure to write (a full log volume: ``>/dev/full``) is one line,
    :class:`~.inference.core.progress.StdoutLost`, not an internal error after the work is done."""

    failed = False

    def write(self, text: str) -> int:
        try:
            return super().write(text)
        except OSError as exc:
            raise self._lost(exc) from None

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise self._lost(exc) from None

    def _lost(self, exc: OSError) -> Exception:
        from .inference.core.progress import StdoutLost

        self.failed = True
        if isinstance(exc, BrokenPipeError):
            return exc
        if self._windows_pipe_gone(exc):
            return BrokenPipeError(errno.EPIPE, "the reader of stdout has gone")
        why = exc.strerror or type(exc).__name__
        return StdoutLost(
            f"could not write to stdout ({why}): the lines printed there are lost; the files written are whole"
        )

    def _windows_pipe_gone(self, exc: OSError) -> bool:
        """A reader gone, as Windows says it: a write to a pipe whose reader has closed it (``... |
        more`` quit early) fails with EINVAL there (the C runtime's word for ERROR_NO_DATA), not
        EPIPE; elsewhere EINVAL is a real failure to write."""
        if sys.platform != "win32" or exc.errno != errno.EINVAL:
            return False
        try:
            return stat.S_ISFIFO(os.fstat(self.fileno()).st_mode)
        except (OSError, ValueError):
            return False


def _last_flush(results: _ResultLines) -> BaseException | None:
    try:
        results.flush()
    except BrokenPipeError:
        return None  # told by ``_reader_gone``, or by the pipe's write that failed before
    except Exception as exc:  # StdoutLost
        return exc
    return None


def _reader_gone(fd: int) -> bool:
    """True when ``fd`` is a pipe whose reader has closed it (poll reports an error on the write end)."""
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(event & select.POLLERR for _fd, event in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll() (Windows) or not pollable
        return False


def _main(argv: Sequence[str] | None) -> int:
    from .inference.core import interrupts
    from .inference.core.errors import NO_ROOM_EXIT, CancelledError, DualTalkError, no_room

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or bool(os.environ.get("DUALTALK_DEBUG"))
    top = build_parser()
    # Split off the subcommand so each module owns its own parser.
    known, rest = top.parse_known_args(argv)
    if known.version:  # the build a bug report names (inference/build_info), as argparse's --version would
        from .inference.build_info import version_line

        print(version_line())
        return 0
    if known.command is None:
        top.print_help()
        return 0 if not argv or argv in (["-h"], ["--help"]) else 2
    module_name, help_text = SUBCOMMANDS[known.command]
    rest = [a for a in rest if a != "--debug"]
    prog = f"python -m dualtalk {known.command}"
    if rest and (known.command, rest[0]) in SUBMODES:
        module_name, help_text = SUBMODES[(known.command, rest[0])]
        prog, rest = f"{prog} {rest[0]}", rest[1:]
    try:
        module = importlib.import_module(module_name, __package__)
        sub = OneLineParser(prog=prog, description=help_text)
        module.add_arguments(sub)
        args = sub.parse_args(rest)
        if known.command in PRODUCTS:  # from its commit point on, a signal is too late to stop it
            interrupts.product(*PRODUCTS[known.command])
        code = int(module.run(args) or 0)
        late = interrupts.late_line()
        if late is not None:  # the job is done: a farm reads 0 as "the new take is there"
            print(f"warning: {late}", file=sys.stderr)
        return code
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (interrupts.Terminated)
        print(f"error: {interrupts.message(exc)}", file=sys.stderr)
        return interrupts.exit_code(exc)
    except DualTalkError as exc:
        if interrupts.stopped() and not isinstance(exc, CancelledError):
            # a signal surfaced as some other failure (a wrapper caught it): report the signal
            print(f"error: {interrupts.message()}", file=sys.stderr)
            return interrupts.exit_code()
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # the reader of stdout has gone: ``main`` ends the run quietly (141)
        raise
    except MemoryError:
        print(f"error: out of memory; {MEMORY_ADVICE.get(known.command, MORE_MEMORY)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: keep the trace available, but say it in one line first
        if interrupts.stopped():
            print(f"error: {interrupts.message()}", file=sys.stderr)
            return interrupts.exit_code()
        if isinstance(exc, OSError) and no_room("", exc):  # a write no DualTalkError wrapped: not a bug
            what = f"could not write {exc.filename}: " if exc.filename else ""
            print(f"error: {what}{exc.strerror or exc}", file=sys.stderr)
            return NO_ROOM_EXIT
        from .inference.broken_dependency import broken_line, broken_module, missing_line, missing_module

        broken = broken_module(exc)  # torch & co installed but not importable: the worker's line and code
        missing = None if broken is not None else missing_module(exc)  # not installed at all
        if broken is not None or missing is not None:
            if debug:
                import traceback

                traceback.print_exc()
            line = broken_line(broken, exc) if broken is not None else missing_line(str(missing))
            print(f"error: {line}", file=sys.stderr)
            return 2
        if debug:
            raise
        print(
            f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for details",
            file=sys.stderr,
        )
        return 1
