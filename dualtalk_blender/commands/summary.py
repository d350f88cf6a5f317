"""``animate --job --summary``: the JSON report a farm's scheduler reads when a batch ends,
however it ends.

Each shot's :class:`Outcome` (status, error line, exit code, outputs, seconds, warnings) and the
run's own record (:class:`Run`: its id, start, ``--skip-done``) go into one file replaced whole
(:func:`write_summary`); :func:`ending` says how a batch that stopped early reads there. A batch
refused before any shot ran still leaves its report, written only where it cannot destroy another
file (:func:`write_refused`). docs/blender.md has the schema.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ...inference.core import interrupts, locks
from ...inference.core.errors import CancelledError, DualTalkError
from .reporting import one_line, os_error_line

# ``--summary -``: this process's stdout. Written through Python's sys.stdout (the real stdout:
# descriptor 1 points at stderr during a run), never as a path: Windows has no /dev/stdout.
STDOUT = Path("-")


@dataclass
class Outcome:
    """One shot of a job as its summary reports it (``--summary``; docs/blender.md has the schema)."""

    name: str
    status: str = "not run"  # "done", "skipped", "failed", "busy" (another run is writing it), or "not run"
    error: str | None = None  # the user's ``error:`` line, without the prefix (busy: who holds it)
    exit_code: int | None = None  # 2 bad input, 1 internal error, 130/143 interrupted, 75 busy, 74 no room
    outputs: list[str] = field(default_factory=list)
    seconds: float | None = None
    warnings: list[str] = field(default_factory=list)  # the shot's ``warning:`` lines, without the prefix
    script: str | None = None  # the words ``recognise`` heard (``A: words`` lines), as its recognised.txt


def ending(exc: BaseException) -> tuple[str, int, str]:
    """How a batch that did not run to its end reads in its summary: the error line, the exit code
    and the status (``interrupted``; ``refused`` for a bad job file; ``error`` for a bug).

    stdout lost stops the batch as a signal does (``interrupted``): its reader gone (``| head -1``)
    with the exit Unix tools give, 141 (128 + SIGPIPE), without an ``error:`` line; a stdout that
    cannot be written (a full log volume) with its one line and exit 2. The shots done before it
    are done, their result lines lost; this report is the record of the run."""
    from ...inference.core.progress import StdoutLost

    if isinstance(exc, KeyboardInterrupt):
        return interrupts.message(exc), interrupts.exit_code(exc), "interrupted"
    if isinstance(exc, CancelledError):
        return str(exc), exc.exit_code, "interrupted"
    if interrupts.received() is not None:
        return interrupts.message(), interrupts.exit_code(), "interrupted"
    if isinstance(exc, BrokenPipeError):
        return "the reader of stdout has gone (broken pipe)", 141, "interrupted"  # 128 + SIGPIPE
    if isinstance(exc, StdoutLost):
        return str(exc), exc.exit_code, "interrupted"
    if isinstance(exc, DualTalkError):
        return str(exc), exc.exit_code, "refused"
    return " ".join(f"internal error ({type(exc).__name__}: {exc})".split()), 1, "error"


SUMMARY_VERSION = 3  # 2 had no busy shots nor "running"; 1 no run_id, status, error, times, skipped, warnings
# a shot another run was writing: one status for every command that locks (EX_TEMPFAIL, try again later)
BUSY_EXIT = locks.BUSY_EXIT
RUNNING = "running"  # the report's status while the run goes on: one killed (-9) leaves it so


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_run_id() -> str:
    """This run's id: when it started (UTC), the process and 6 random hex digits."""
    import secrets

    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class Run:
    """What a job's summary says about the run itself, whatever happens to its shots."""

    job: Path
    skip_done: bool = False
    run_id: str = field(default_factory=new_run_id)
    started: str = field(default_factory=_utc_now)


def write_summary(
    path: Path, run: Run, outcomes: list[Outcome], exit_code: int | None, status: str, error: str | None
) -> None:
    """The batch's report for a farm's scheduler, replaced whole (never a half-written JSON). Also
    written with status :data:`RUNNING` (``exit_code`` null, ``finished`` null) before the first shot
    and after each: a run killed with SIGKILL or a crash leaves its own report saying so, never the
    previous run's ``done`` (review rv37b F2)."""
    from ...inference.core.fileio import atomic_path

    statuses = ("done", "skipped", "failed", "busy", "not run")
    count = {status: sum(o.status == status for o in outcomes) for status in statuses}
    report = {
        "version": SUMMARY_VERSION,
        "job": str(run.job),
        "run_id": run.run_id,
        "status": status,
        "error": error,
        "exit_code": exit_code,
        "started": run.started,
        "finished": None if status == RUNNING else _utc_now(),
        "skip_done": run.skip_done,
        "totals": {
            "shots": len(outcomes),
            "done": count["done"],
            "skipped": count["skipped"],
            "failed": count["failed"],
            "busy": count["busy"],
            "not_run": count["not run"],
        },
        "shots": [asdict(o) for o in outcomes],
    }
    text = json.dumps(_as_text(report), indent=2) + "\n"
    if path == STDOUT:  # after the result lines, in one piece (once: the run's end)
        if status == RUNNING:
            return
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _as_text(value: Any) -> Any:
    """The report's strings as strict JSON readers take them: a file name's bytes that are not text
    in this locale (held as lone surrogates, ``\udcc3``) shown escaped (``\xc3``), as the result lines
    show them."""
    from ..rig.options import escaped, is_unicode

    if isinstance(value, str):
        return value if is_unicode(value) else escaped(value)
    if isinstance(value, dict):
        return {_as_text(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_text(v) for v in value]
    return value


def _is_summary(path: Path) -> bool:
    """Whether ``path`` holds a report this command wrote (any version)."""
    try:
        if path.stat().st_size > 256 << 20:
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and {"version", "job", "totals", "shots"} <= set(data)


def check_not_other_file(summary: Path) -> None:
    """Refuse, before any work, a ``--summary`` path that holds a file this command did not write:
    the report is written as the batch starts and replaced whole, so a user's JSON or a recording
    named there was gone for good, even when the batch was stopped a second later (review rv38b
    F1). A refused batch already left such a file alone (:func:`write_refused`)."""
    from ...inference.core.fileio import resolve_output

    if summary == STDOUT:
        return
    out = resolve_output(summary, "--summary")
    if out.streamed or not os.path.lexists(out.file) or out.file.is_dir() or _is_summary(out.file):
        return  # a folder: refused by the folder check, in its own words
    raise DualTalkError(
        f"--summary {summary} holds a file that is not a DualTalk summary; choose another path "
        "(or remove that file)"
    )


def write_refused(summary: Path, run: Run, exc: BaseException) -> None:
    """A batch refused before any shot ran (a bad job file) still leaves its report, status
    ``refused``: the previous run's report left in place read as this run's results. The job file
    may not have been read, so its inputs are unknown: the path is written only when it is free or
    holds an earlier report (never the job file, a folder, or any other file)."""
    from ...inference.core import outputs
    from ...inference.core.fileio import resolve_output

    line, code, status = ending(exc)
    if summary == STDOUT:  # nothing on disk to guard
        write_summary(summary, run, [], code, status, line)
        return
    try:  # the job file itself (a slip of the TD's): never written, and the refusal says enough
        outputs.check_write_plan([("--summary", summary)], [("job file", run.job)])
    except DualTalkError:
        return
    try:
        outputs.check_target(summary, "--summary")
        out = resolve_output(summary, "--summary")
        if not out.streamed and os.path.lexists(out.file) and not _is_summary(out.file):
            return
        write_summary(summary, run, [], code, status, line)
    except (DualTalkError, OSError) as why:  # the refusal is the error; this report is a courtesy: warn
        said = os_error_line(why) if isinstance(why, OSError) else str(why)  # e.g. a name too long
        print(one_line(f"warning: could not write the --summary report: {said}"), file=sys.stderr, flush=True)
