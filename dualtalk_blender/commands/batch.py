"""``animate --job``: a job's shots run in order, a failing shot costing only itself.

:func:`prepare` names each shot's ignored settings and checks every output folder before the first
shot runs; :func:`run_batch` then runs each (with ``--skip-done``, passing over those an earlier run
finished) and records how it went in its :class:`~.summary.Outcome`. A cancel or a signal stops the
batch, its line naming the shot it stopped in or before. The command's ``run`` reads the outcomes
for its last line, exit status and ``--summary`` report.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from ...inference.core import interrupts
from ...inference.core.errors import CancelledError, DualTalkError
from .jobs import Shot, unused_engine_settings, unused_render_settings
from .reporting import ShotProgress, one_line, os_error_line, warnings_of
from .shot_check import check_output_folders, warn_unused_engine, warn_unused_render
from .shot_run import run_shot
from .shot_state import done_before, rerun_reason, shot_outputs
from .summary import Outcome


class _Stopped(CancelledError):
    """A signal (or a cancel) stopped the batch; its line names the shot it stopped in or after."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _failure(exc: BaseException, name: str) -> tuple[str, int, bool]:
    """How a shot's failure reads to the user: its line (no ``error:``), exit code, and whether it
    stops the batch (a cancel or a signal does) -- exactly as ``cli._main`` reports an error."""
    if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, SIGTERM: the line says which shot it cut
        return f"shot {name}: {interrupts.message(exc)}", interrupts.exit_code(exc), True
    if isinstance(exc, CancelledError):
        return str(exc), exc.exit_code, True
    if interrupts.received() is not None:  # a signal surfaced as some other failure
        return f"shot {name}: {interrupts.message()}", interrupts.exit_code(), True
    if isinstance(exc, DualTalkError):
        return f"shot {name}: {exc}", exc.exit_code, exc.exit_code == 130
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())
    return f"shot {name}: internal error ({detail})", 1, not isinstance(exc, Exception)


def prepare(shots: list[Shot], outcomes: list[Outcome], skip_done: bool) -> None:
    """Before the first shot runs: each shot's warnings about settings it ignores, and each output
    folder checked, so a read-only ``out`` folder fails its shot now, in one line, not after hours of
    work (with ``--skip-done``, unless the shot is done: it is skipped at its turn)."""
    for shot, outcome in zip(shots, outcomes, strict=True):
        where = f"shot {shot.name!r}: "
        with warnings_of(outcome.warnings):  # up front, as the CLI does for --resolution without --render
            warn_unused_render(unused_render_settings(shot), "render", where)
            # a shot's fbx_scope "full" reads as the default: only "face" without fbx is known to be given
            # (and fbx_per_character false: only true)
            unused_fbx = ["fbx_scope"] if shot.fbx_scope != "full" else []
            unused_fbx += ["fbx_per_character"] if shot.fbx_per_character else []
            warn_unused_render(unused_fbx if shot.fbx is None else [], "fbx", where)
            warn_unused_engine([o.name for o in unused_engine_settings(shot)], where, "motion_a/motion_b")
    for shot, outcome in zip(shots, outcomes, strict=True):
        try:
            check_output_folders(shot, job=True)
        except (DualTalkError, OSError) as exc:  # OSError: e.g. an ``out`` name too long for the system
            if skip_done and done_before(shot) is not None:
                continue
            outcome.status = "failed"
            outcome.exit_code = exc.exit_code if isinstance(exc, DualTalkError) else 2
            outcome.error = one_line(f"shot {shot.name}: {os_error_line(exc)}")
            print(f"error: {outcome.error}", file=sys.stderr, flush=True)


def _skipped(shot: Shot, outcome: Outcome) -> bool:
    """``--skip-done``: whether an earlier run finished this shot from the same inputs and settings,
    its outputs all in place (judged at the shot's turn: another worker may have done it since the
    batch started); if so it is reported ``skipped``."""
    record = done_before(shot)
    if record is None:
        again = rerun_reason(shot)
        if again is not None:  # a record, but not of this set: say why it is redone
            done, why = again
            run_id, when = done.get("run_id", "?"), done.get("finished", "?")
            print(one_line(f"{shot.name}: runs again: done by run {run_id} ({when}), but {why}"), flush=True)
        return False
    outcome.status = "skipped"
    outcome.outputs = [str(p) for p in shot_outputs(shot)]
    run_id, when = record.get("run_id", "?"), record.get("finished", "?")
    print(one_line(f"{shot.name}: skipped: done by run {run_id} ({when}) from the same inputs and "
                    "settings, and its outputs are in place"), flush=True)  # fmt: skip
    return True


def run_batch(
    shots: list[Shot], outcomes: list[Outcome], progress: Any, run_id: str = "", skip_done: bool = False
) -> None:
    """Run every shot in order, recording each in ``outcomes``; a failing shot costs only itself,
    a cancel or a signal stops the batch (:class:`_Stopped`, the shot recorded as failed; one that
    Blender swallowed and the shot outlived stops it after that shot, recorded done)."""
    from ...inference.pipeline import Engines

    engines = Engines()
    try:
        for i, (shot, outcome) in enumerate(zip(shots, outcomes, strict=True)):
            if outcome.status != "not run" or (skip_done and _skipped(shot, outcome)):
                continue  # failed before the batch started, or done before
            named = ShotProgress(progress, shot.name)
            named.update("job", i / len(shots), f"shot {i + 1} of {len(shots)}")
            _run_one(shot, outcome, engines, named, run_id)
    except KeyboardInterrupt as exc:  # between two shots: none was cut
        following = next((o.name for o in outcomes if o.status == "not run"), None)
        where = f" before shot {following}" if following is not None else ""
        raise _Stopped(f"{interrupts.message(exc)}{where}", interrupts.exit_code(exc)) from exc


def _run_one(shot: Shot, outcome: Outcome, engines: Any, progress: Any, run_id: str) -> None:
    """One shot of a batch, recorded in ``outcome``; raises :class:`_Stopped` to stop the batch."""
    t0 = time.perf_counter()
    wrote: list[Path] = []
    heard: list[str] = []
    try:
        where = f"shot {shot.name!r}: "
        with warnings_of(outcome.warnings, where):
            line = run_shot(shot, engines, progress, where, wrote, job=True, run_id=run_id, heard=heard)
    except BaseException as exc:  # a bug in one shot must not cost the rest of an overnight batch
        outcome.seconds = round(time.perf_counter() - t0, 3)
        outcome.status = "failed"
        outcome.error, outcome.exit_code, stop = _failure(exc, shot.name)
        if stop:
            raise _Stopped(outcome.error, outcome.exit_code) from exc
        print(f"error: {outcome.error}", file=sys.stderr, flush=True)
        if outcome.exit_code == 1 and os.environ.get("DUALTALK_DEBUG"):
            traceback.print_exc()
        return
    outcome.seconds = round(time.perf_counter() - t0, 3)
    outcome.status = "done"
    outcome.outputs = [str(p) for p in wrote if os.path.lexists(p)]
    outcome.script = heard[0] if heard else None
    print(one_line(f"{shot.name}: {line}"), flush=True)
    if interrupts.received() is not None:  # Blender swallowed it where no stage read it back
        raise _Stopped(f"{interrupts.message()} after shot {shot.name}", interrupts.exit_code())
