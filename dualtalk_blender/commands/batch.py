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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...inference.core import interrupts
from ...inference.core.errors import CancelledError, DualTalkError
from ...inference.core.request import amount
from .jobs import Shot, unused_engine_settings, unused_render_settings
from .render_args import needs_the_scene
from .reporting import ShotProgress, one_line, os_error_line, warnings_of
from .shot_check import (
    check_output_folders,
    check_shot,
    check_video_picture,
    find_object,
    named_in,
    warn_unused_engine,
    warn_unused_render,
)
from .shot_libraries import job_library_clashes
from .shot_reads import ignored_inputs, inputs_read
from .shot_run import ShotBusy, run_shot
from .shot_state import done_before, done_state, shot_outputs
from .summary import BUSY_EXIT, Outcome


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


class _DoneBefore:
    """Whether each shot was done before (``--skip-done``), its record and inputs read once up
    front however many checks ask: a done shot is left to be skipped at its turn, where it is read
    again (another worker may have done it since, or undone it)."""

    def __init__(self, skip_done: bool) -> None:
        self.skip_done = skip_done
        self._done: dict[int, bool] = {}

    def __call__(self, shot: Shot) -> bool:
        if not self.skip_done:
            return False
        if id(shot) not in self._done:
            self._done[id(shot)] = done_before(shot) is not None
        return self._done[id(shot)]


def prepare(shots: list[Shot], outcomes: list[Outcome], skip_done: bool) -> None:
    """Before the first shot runs: each shot's warnings about settings it ignores, each output folder
    checked, and each shot checked as at its turn (its input files there and readable, its maps, its
    two characters in its .blend: :func:`_check_characters`), so a read-only ``out`` folder, a missing
    audio file or a misspelt character fails its shot now, in one line, not after hours of work (with
    ``--skip-done``, unless the shot is done: it is skipped at its turn)."""
    done = _DoneBefore(skip_done)
    for shot, outcome in zip(shots, outcomes, strict=True):
        where = f"shot {shot.name!r}: "
        with warnings_of(outcome.warnings):  # up front, as the CLI does for --resolution without --render
            warn_unused_render(unused_render_settings(shot), "render", where)
            # a shot's fbx_scope "full" reads as the default: only "face" without fbx is known to be given
            # (and fbx_per_character false: only true)
            unused_fbx = ["fbx_scope"] if shot.fbx_scope != "full" else []
            unused_fbx += ["fbx_per_character"] if shot.fbx_per_character else []
            warn_unused_render(unused_fbx if shot.fbx is None else [], "fbx", where)
            # the engine's settings and input files, which a shot keyed from motion files ignores
            ignored = [*unused_engine_settings(shot), *ignored_inputs(shot)]
            gaze_off = amount(shot.req.gaze, "gaze") == 0.0  # reaches the take: Blender's eye contact
            warn_unused_engine([o.name for o in ignored], where, "motion_a/motion_b", gaze_off=gaze_off)
    for shot, outcome in zip(shots, outcomes, strict=True):
        try:
            check_output_folders(shot, job=True)
        except (DualTalkError, OSError) as exc:  # OSError: e.g. an ``out`` name too long for the system
            _failed_up_front(shot, outcome, exc, done)
    for shot, outcome in zip(shots, outcomes, strict=True):
        if outcome.status == "not run":  # every input file, map and value, as at the shot's turn
            try:
                check_shot(shot, job=True)
                _check_input_files(shot)
            except (DualTalkError, OSError) as exc:
                _failed_up_front(shot, outcome, exc, done)
    _check_characters(shots, outcomes, done)


# how the shot's turn names an input file it cannot read (the audio's loader says "audio file")
_INPUT_LABELS = {
    "audio": "audio file",
    "audio_b": "audio file",
    "turns": "turns file",
    "transcript": "transcript",
}


def _check_input_files(shot: Shot) -> None:
    """Each input file the shot's run reads (:func:`.shot_reads.inputs_read`: not a transcript of a
    shot keyed from motion files) is there and readable (its audio, turns, transcript, weights: files
    read only once its scene is open): a stat each, up front; what they hold (an empty one included)
    is judged at the shot's turn, as before."""
    from ...inference.core.inputs import check_input_file

    for key in inputs_read(shot):
        check_input_file(getattr(shot, key), _INPUT_LABELS.get(key, f"{key} file"), allow_empty=True)


def _failed_up_front(
    shot: Shot, outcome: Outcome, exc: BaseException, done: Callable[[Shot], bool] = lambda _shot: False
) -> None:
    """The shot fails before the first shot runs, in one line naming it (with ``--skip-done`` a shot
    done before, ``done``, is left to be skipped at its turn)."""
    if done(shot):
        return
    outcome.status = "failed"
    outcome.exit_code = exc.exit_code if isinstance(exc, DualTalkError) else 2
    outcome.error = one_line(f"shot {shot.name}: {os_error_line(exc)}")
    print(f"error: {outcome.error}", file=sys.stderr, flush=True)


def _check_characters(shots: list[Shot], outcomes: list[Outcome], done: Callable[[Shot], bool]) -> None:
    """Each shot's two characters looked up in its .blend before the first shot runs: a typo in
    shot 12's ``char_a`` failed it after 11 shots had run (review rv37b F6). Each .blend's object
    names are read without loading it (:func:`_object_names`): opening every .blend here loaded a
    farm's heavy shot files twice. A .blend is opened (no engine) only where that cannot settle it,
    to say what its shot's turn would say: a name not among its own objects (misspelt, or an object
    linked from a library), a file Blender cannot read so, or a video size only its scene can judge
    (:func:`.render_args.needs_the_scene`). The scene a character is in is checked at the shot's
    turn (:func:`.shot_check.find_object`), before the engine, in the same line. First, every shot's
    outputs against the libraries each scene links (:func:`_check_libraries`)."""
    read = _check_libraries(shots, outcomes, done)
    todo: dict[Path, list[tuple[Shot, Outcome]]] = {}
    for shot, outcome in zip(shots, outcomes, strict=True):
        if outcome.status == "not run" and not done(shot):
            todo.setdefault(shot.blend, []).append((shot, outcome))
    if not todo:
        return
    with interrupts.held():  # as run_shot: an interrupt inside Blender's start-up crashed the process
        import bpy

    for blend, group in todo.items():
        names = _object_names(bpy, blend)
        if names is not None and blend in read and not any(_to_open(shot, names) for shot, _outcome in group):
            continue
        _check_in_scene(bpy, blend, group, None if blend in read else (shots, outcomes, done))


def _check_libraries(shots: list[Shot], outcomes: list[Outcome], done: Callable[[Shot], bool]) -> set[Path]:
    """Every shot's outputs (its ``out``, its FBX files) against the .blend libraries each scene of
    the job links, read from the scene files' blocks without loading them: a later shot whose ``out``
    was a library an earlier shot's scene links replaced it after that shot had run, and that scene
    (and every other linking it) opened with the linked data missing (review rv38b F2, job form).
    Such a shot fails now; the others run. The scenes read so are returned; one that cannot be read
    so is opened (:func:`_check_in_scene`) and its libraries checked there."""
    from ..scene.blend_links import libraries_in

    read: set[Path] = set()
    for blend in dict.fromkeys(shot.blend for shot in shots):
        libraries = libraries_in(blend) if not str(blend).startswith("//") else None
        if libraries is None:
            continue
        read.add(blend)
        _fail_clashes(libraries, blend, shots, outcomes, done)
    return read


def _fail_clashes(
    libraries: dict[Path, list[str]],
    blend: Path,
    shots: list[Shot],
    outcomes: list[Outcome],
    done: Callable[[Shot], bool],
) -> None:
    """Fail, up front, each shot not failed yet whose output is one of ``blend``'s ``libraries``."""
    for shot, exc in job_library_clashes(libraries, blend, shots):
        writer = outcomes[shots.index(shot)]
        if writer.status == "not run":
            _failed_up_front(shot, writer, exc, done)


def _object_names(bpy: Any, blend: Path) -> set[str] | None:
    """The names of the objects ``blend`` holds itself (not those linked from a library), read from
    its block headers without loading any (a compressed 83 MB .blend: 0.5 MB read); None where
    Blender cannot read it so: not a .blend, the file open in this session (Blender reads no names
    of that one), or a path that would read as relative to the open file (``//``)."""
    from ..scene.blendio import newer_than_this, quiet_stdout

    if str(blend).startswith("//") or newer_than_this(bpy, blend):  # opened: its refusal said up front
        return None
    try:
        with quiet_stdout(), bpy.data.libraries.load(str(blend)) as (src, _dst):
            return set(src.objects)
    except (OSError, RuntimeError, ValueError):
        return None


def _to_open(shot: Shot, names: set[str]) -> bool:
    """Whether ``shot`` is checked in its opened scene up front (:func:`_check_characters`)."""
    found = named_in(names, shot.char_a) and named_in(names, shot.char_b)
    return not found or needs_the_scene(shot.render, shot.resolution)


def _check_in_scene(
    bpy: Any,
    blend: Path,
    group: list[tuple[Shot, Outcome]],
    job: tuple[list[Shot], list[Outcome], Callable[[Shot], bool]] | None = None,
) -> None:
    """``blend`` opened, and each shot of ``group`` checked in its scene as at its turn: its two
    characters and its video's size; a scene Blender cannot open fails them all. ``job``: the job's
    shots, outcomes and ``done``, to check against the libraries of a scene whose file could not be
    read for them without opening it (:func:`_check_libraries`)."""
    from ..scene.blendio import linked_libraries, open_blend

    try:
        open_blend(bpy, blend)
    except DualTalkError as exc:
        for shot, outcome in group:
            _failed_up_front(shot, outcome, exc)
        return
    if job is not None:
        _fail_clashes(linked_libraries(bpy), blend, *job)
    scene = bpy.context.scene
    if scene is None:
        return
    for shot, outcome in group:
        if outcome.status != "not run":  # its output is a library a scene links
            continue
        try:
            find_object(bpy, shot.char_a, "character A", scene, blend)
            find_object(bpy, shot.char_b, "character B", scene, blend)
            check_video_picture(scene, shot, job=True)
        except DualTalkError as exc:
            _failed_up_front(shot, outcome, exc)


def _skipped(shot: Shot, outcome: Outcome) -> tuple[bool, str | None]:
    """``--skip-done``: whether an earlier run finished this shot from the same inputs and settings,
    its outputs all in place (judged at the shot's turn: another worker may have done it since the
    batch started); if so it is reported ``skipped``. Else the line saying why it runs again where it
    has a record (None: it has none), for :func:`_run_one` to print once this run has run it: a shot
    another worker is writing meanwhile is that run's, and this one only says ``busy`` (review rv38d
    F6: it said "runs again ... its last run was stopped" of the other worker's live run)."""
    record, why = done_state(shot)
    if record is None:
        return False, None
    if why is not None:  # a record, but not of this set: why it is redone
        run_id, when = record.get("run_id", "?"), record.get("finished") or "not finished"
        return False, one_line(f"{shot.name}: runs again: done by run {run_id} ({when}), but {why}")
    outcome.status = "skipped"
    outcome.outputs = [str(p) for p in shot_outputs(shot)]
    run_id, when = record.get("run_id", "?"), record.get("finished", "?")
    print(one_line(f"{shot.name}: skipped: done by run {run_id} ({when}) from the same inputs and "
                    "settings, and its outputs are in place"), flush=True)  # fmt: skip
    return True, None


def run_batch(
    shots: list[Shot],
    outcomes: list[Outcome],
    progress: Any,
    run_id: str = "",
    skip_done: bool = False,
    after_shot: Callable[[], object] = lambda: None,
) -> None:
    """Run every shot in order, recording each in ``outcomes``; a failing shot costs only itself,
    a cancel or a signal stops the batch (:class:`_Stopped`, the shot recorded as failed; one that
    Blender swallowed and the shot outlived stops it after that shot, recorded done). ``after_shot``
    is called after each shot run or skipped (the ``--summary`` report of a run still going)."""
    from ...inference.pipeline import Engines

    engines = Engines()
    try:
        for i, (shot, outcome) in enumerate(zip(shots, outcomes, strict=True)):
            if outcome.status != "not run":
                continue  # failed before the batch started
            skipped, again = _skipped(shot, outcome) if skip_done else (False, None)
            if skipped:  # done before
                after_shot()
                continue
            named = ShotProgress(progress, shot.name)
            named.update("job", i / len(shots), f"shot {i + 1} of {len(shots)}")
            _run_one(shot, outcome, engines, named, run_id, again)
            after_shot()
    except KeyboardInterrupt as exc:  # between two shots: none was cut
        following = next((o.name for o in outcomes if o.status == "not run"), None)
        where = f" before shot {following}" if following is not None else ""
        raise _Stopped(f"{interrupts.message(exc)}{where}", interrupts.exit_code(exc)) from exc


def _run_one(
    shot: Shot, outcome: Outcome, engines: Any, progress: Any, run_id: str, again: str | None = None
) -> None:
    """One shot of a batch, recorded in ``outcome``; raises :class:`_Stopped` to stop the batch.
    ``again``: why the shot runs again (:func:`_skipped`), said as soon as this run holds the shot
    (before hours of rendering, and even if the node dies during them: review rv38h 3), or before its
    error line where it failed sooner; never where another run holds it (busy: not this run's)."""
    t0 = time.perf_counter()
    wrote: list[Path] = []
    heard: list[str] = []
    said: list[str | None] = []

    def say_again() -> None:
        if not said:
            said.append(again)
            _say(again)

    try:
        where = f"shot {shot.name!r}: "
        with warnings_of(outcome.warnings, where):
            line = run_shot(
                shot, engines, progress, where, wrote, job=True, run_id=run_id, heard=heard, held=say_again
            )
    except ShotBusy as exc:  # another worker is writing it: nothing wrong, its result is that run's
        outcome.seconds = round(time.perf_counter() - t0, 3)
        outcome.status, outcome.exit_code = "busy", BUSY_EXIT
        # who holds it (exc.held: the line without its advice to wait; the batch itself waits for nothing)
        outcome.error = one_line(f"shot {shot.name}: {exc.held}")
        print(one_line(f"{shot.name}: busy: {exc.held}; left to that run"), flush=True)
        return
    except BaseException as exc:  # a bug in one shot must not cost the rest of an overnight batch
        say_again()
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
    say_again()
    print(one_line(f"{shot.name}: {line}"), flush=True)
    if interrupts.received() is not None:  # Blender swallowed it where no stage read it back
        raise _Stopped(f"{interrupts.message()} after shot {shot.name}", interrupts.exit_code())


def _say(line: str | None) -> None:
    if line is not None:
        print(line, flush=True)
