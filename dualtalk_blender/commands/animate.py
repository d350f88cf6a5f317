"""``python -m dualtalk animate``: animate two characters in a .blend, headless.

::

    python -m dualtalk animate --blend IN.blend --char-a Ann --char-b Bob --audio talk.wav \\
        --out OUT.blend [--fbx OUT.fbx] [--render OUT.mp4 | --render FRAMES_DIR] [--checkpoint DualTalk.pth]
    python -m dualtalk animate --job shots.json [--summary SUMMARY.json] [--skip-done]

The engine writes ``A.npz``/``B.npz`` into a work folder (default ``OUT.dualtalk/`` beside
the output); they are read back with :func:`load_motion` and keyed (the motion file is the
only seam). The work files (``A.npz``, ``B.npz``, the ``dialogue.wav`` mix) replace the earlier
run's together with the .blend and FBX, once every output of the shot is written.
``--motion-a``/``--motion-b`` key existing motion files instead of running the engine. IN.blend
is never written. Progress goes to stderr, one result line per shot to
stdout; exit status 0, 2 for bad input (one ``error:`` line), 1 for internal errors. With
``--summary`` a job also leaves a JSON report of every shot when it ends, however it ends
(``--summary -``: on stdout, after the result lines); with ``--skip-done`` it passes over the shots an
earlier run finished from the same inputs and settings. A shot holds a lock on its outputs while it
runs (:mod:`.shot_state`).

Inside Blender's own Python (the extension installed, or this folder on ``sys.path``)::

    blender -b -P /path/to/dualtalk_blender/cmd_animate.py -- --blend IN.blend --char-a Ann ...

The command is split by job: this module holds its flags, a single shot's arguments and
:func:`run`; :mod:`.shot_check` refuses a shot before any work, :mod:`.shot_run` runs one shot,
:mod:`.shot_range` is ``--range``'s glue, :mod:`.batch` runs a job's shots, :mod:`.summary` writes
``--summary`` and :mod:`.reporting` is what it prints; :mod:`.jobs` reads job files and
:mod:`.shot_state` keeps the locks and done records.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

MIN_BLENDER = (5, 0)  # blender_manifest.toml's blender_version_min


def blender_too_old(version: tuple[int, ...], binary: str) -> str | None:
    """The one line for a Blender older than the extension needs (a farm node's PATH finding the
    distribution's 3.4 first): its failures blamed numpy, the .blend or an internal error (review
    rv40c F4). None for 5.0 and newer."""
    if tuple(version[:2]) >= MIN_BLENDER:
        return None
    found = ".".join(str(n) for n in version)
    need = ".".join(str(n) for n in MIN_BLENDER)
    return f"error: DualTalk needs Blender {need} or newer; this is Blender {found} ({binary})"


def _blender_main() -> int:  # pragma: no cover - exercised by `blender -b -P`
    """Entry when Blender runs this file as a script: load the package as ``dualtalk`` (by the loader
    ``scripts/build_extension.py`` uses too, ``package_loader.py``, run by its path)."""
    import bpy

    if (old := blender_too_old(tuple(bpy.app.version), bpy.app.binary_path)) is not None:
        print(old, file=sys.stderr)
        return 2
    import runpy

    root = Path(__file__).resolve().parents[2]
    loader = runpy.run_path(str(root / "package_loader.py"))
    try:
        loader["load_package"](root)
    except loader["NotThePackage"] as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from dualtalk.cli import main
    from dualtalk.inference.core.interrupts import finished

    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    # Blender exits with this run, as ``python -m dualtalk`` does: a signal during its teardown
    # must not kill the finished shot (review rv43c F3), so the same shutdown handling applies
    code = main(["animate", *argv], exiting=True)
    finished(code)
    return code


if __name__ == "__main__" and not __package__:  # pragma: no cover - `blender -b -P cmd_animate.py -- ...`
    sys.exit(_blender_main())

from ...inference.core import interrupts  # noqa: E402
from ...inference.core.errors import NO_ROOM_EXIT, DualTalkError  # noqa: E402
from ...inference.core.request import amount  # noqa: E402
from .batch import prepare, run_batch  # noqa: E402
from .jobs import Shot, check_summary, load_jobs, unused_engine_settings, unused_render_settings  # noqa: E402
from .render_args import check_render_target, check_video_resolution, resolution_from_text  # noqa: E402
from .reporting import one_line, os_error_line  # noqa: E402
from .shot_check import warn_unused_engine, warn_unused_render  # noqa: E402
from .shot_reads import ignored_inputs  # noqa: E402
from .shot_run import run_shot  # noqa: E402
from .shot_state import reset_lock_warning  # noqa: E402
from .summary import RUNNING, STDOUT, Outcome, Run, ending, new_run_id, write_refused, write_summary  # noqa: E402


def _resolution(text: str) -> tuple[int, int]:
    """``--resolution``, read as a job file's ``"resolution"`` text is (:mod:`.render_args`)."""
    size = resolution_from_text(text)
    if size is None:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}")
    return size


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Scene, characters and outputs are animate's own; every option is a view of its declaration
    (engine side: ``inference/core/request.py``, scene side: ``dualtalk_blender/rig/options.py``)."""
    from ...inference.core import request
    from ..rig import options

    scene = parser.add_argument_group("scene")
    scene.add_argument(
        "--blend",
        metavar="IN.blend",
        type=request.cli_path,
        help="the scene with both characters (never modified)",
        action=request.OneValue,
    )
    scene.add_argument(
        "--char-a",
        metavar="OBJ",
        help="character A: its mesh or armature object name",
        action=request.OneValue,
    )
    scene.add_argument(
        "--char-b",
        metavar="OBJ",
        help="character B: its mesh or armature object name",
        action=request.OneValue,
    )
    request.add_arguments(parser, (request.AUDIO,))
    mot = parser.add_argument_group("existing motion (skip the engine)")
    mot.add_argument(
        "--motion-a",
        metavar="NPZ",
        type=request.cli_path,
        help="key this motion file on A instead of running the engine",
        action=request.OneValue,
    )
    mot.add_argument(
        "--motion-b",
        metavar="NPZ",
        type=request.cli_path,
        help="key this motion file on B",
        action=request.OneValue,
    )
    request.add_arguments(parser, (request.ENGINE, request.GENERATE, request.BEHAVIOUR))
    request.add_arguments(
        parser,
        (options.RETARGET, options.KEYING),
        options=options.SCENE_OPTIONS,
        titles=options.GROUP_TITLES,
        defaults={"take": None},  # None: the take is named after --out
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--out",
        metavar="OUT.blend",
        type=request.cli_path,
        help="animated copy of the scene",
        action=request.OneValue,
    )
    out.add_argument(
        "--fbx",
        metavar="OUT.fbx",
        type=request.cli_path,
        help="also export both characters to FBX",
        action=request.OneValue,
    )
    out.add_argument(
        "--fbx-scope",
        choices=("full", "face"),
        default=None,  # None: not given (full), so a scope given without --fbx can be said to be ignored
        help="with --fbx: full (default) or face: only the face meshes and the bones that move (plus "
        "their parents)",
        action=request.OneValue,
    )
    out.add_argument(
        "--fbx-per-character",
        action="store_true",
        help="with --fbx: one file per character, OUT_<A>.fbx and OUT_<B>.fbx (named after --char-a and "
        "--char-b; _A/_B added where the two names would name one file) instead of OUT.fbx: one root "
        "per file, as Unreal's skeletal-mesh import wants",
    )
    out.add_argument(
        "--render",
        metavar="OUT",
        type=request.cli_path,
        help="render: video (.mp4/.mkv/.mov) or a folder of frames",
        action=request.OneValue,
    )
    out.add_argument(
        "--resolution",
        type=_resolution,
        metavar="WxH",
        help="override the render resolution",
        action=request.OneValue,
    )
    out.add_argument(
        "--samples",
        type=int,
        metavar="N",
        help="override render samples (Cycles/EEVEE)",
        action=request.OneValue,
    )
    out.add_argument(
        "--work",
        metavar="DIR",
        type=request.cli_path,
        help="where A.npz/B.npz go (default: OUT.dualtalk/)",
        action=request.OneValue,
    )
    parser.add_argument(
        "--job",
        metavar="JOBS.json",
        type=request.cli_path,
        help="run many shots from a job file (see docs)",
        action=request.OneValue,
    )
    parser.add_argument(
        "--summary",
        metavar="SUMMARY.json",
        type=request.cli_path,
        help="with --job: when the batch ends, however it ends (failed shots, Ctrl-C, SIGTERM, a refused "
        "job file), write a JSON report: the run's id, status, times and exit status, totals, and per "
        "shot its status (done/skipped/failed/busy/not run), error line, exit code, outputs, seconds and "
        "warnings; written with status running before the first shot and after each, so a killed run "
        "never leaves the last run's report; - prints it on stdout, after the result lines",
        action=request.OneValue,
    )
    parser.add_argument(
        "--skip-done",
        action="store_true",
        help="with --job: skip each shot an earlier run finished from the same inputs and settings whose "
        "outputs are all in place (its work folder records it); without it every shot runs again",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _name(value: str | None) -> str | None:
    """An object name typed on the command line, as text: in a locale that is not UTF-8 Python hands
    ``José`` over as surrogates, which name no object (review 33x F9). Paths are never read so."""
    from ...inference.core.text_files import typed_text

    return None if value is None else typed_text(value)


def _abs_path(value: str) -> Path:
    """A path flag's value (read by :func:`~...inference.core.request.cli_path` as it was parsed: ``~``
    expanded, ``$HOME`` refused, a leading ``//`` one slash) from the current folder."""
    return Path(value).absolute()


def _path(value: str | None) -> Path | None:
    return None if value is None else _abs_path(value)


def shot_from_args(args: argparse.Namespace) -> Shot:
    missing = [
        f"--{n.replace('_', '-')}" for n in ("blend", "char_a", "char_b", "out") if getattr(args, n) is None
    ]
    if missing:
        raise DualTalkError(f"animate needs {', '.join(missing)} (or --job JOBS.json)")
    if (args.motion_a is None) != (args.motion_b is None):
        raise DualTalkError("give both --motion-a and --motion-b, or neither")
    if args.motion_a is None and args.audio is None:
        raise DualTalkError("animate needs --audio (or --motion-a and --motion-b)")
    from ...inference.core.request import OPTIONS, typed, values_from_args
    from ..rig.options import SCENE_OPTIONS

    out = _abs_path(args.out)  # given: checked above
    if args.render is not None:  # a name that is neither a video nor a folder: before any work
        check_render_target(args.render, _abs_path(args.render), "--render")
    declared = [o for o in (*OPTIONS, *SCENE_OPTIONS) if o.cli]
    values = values_from_args(args, declared)
    for option in declared:  # files given on the command line are taken from the current folder
        if option.kind == "path" and values.get(option.name) is not None:
            values[option.name] = _path(str(values[option.name]))
    shot = Shot.build(
        out.stem,
        values,
        blend=_path(args.blend),
        char_a=_name(args.char_a),
        char_b=_name(args.char_b),
        out=out,
        fbx=_path(args.fbx),
        render=_path(args.render),
        work=_path(args.work),
        motion_a=_path(args.motion_a),
        motion_b=_path(args.motion_b),
        fbx_scope=args.fbx_scope or "full",
        fbx_per_character=args.fbx_per_character,
        resolution=args.resolution,
        samples=args.samples,
        given=typed(args),
    )
    if args.render is not None:  # an odd size for a video, once the size is known to be one (rv36b R8)
        check_video_resolution(_abs_path(args.render), args.resolution, "--resolution")
    warn_unused_render([f"--{key}" for key in unused_render_settings(shot)], "--render")
    unused_fbx = ["--fbx-scope"] if args.fbx_scope is not None else []
    unused_fbx += ["--fbx-per-character"] if args.fbx_per_character else []
    warn_unused_render(unused_fbx if shot.fbx is None else [], "--fbx")
    warn_unused_engine(
        [option.flag for option in (*unused_engine_settings(shot), *ignored_inputs(shot))],
        gaze_off=amount(shot.req.gaze, "gaze") == 0.0,
    )
    return shot


def _progress(quiet: bool) -> Any:
    from ...inference.core.progress import ConsoleBar, Silent

    return Silent() if quiet else ConsoleBar(sys.stderr)


def _failed_line(failed: list[str], total: int) -> str:
    """The batch's last line names its failed shots (the first few of a long list), so a farm log
    says which to re-queue without scrolling back through the errors."""
    names = ", ".join(failed[:10]) + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
    return f"{len(failed)} of {total} shots failed: {names} (see the errors above)"


def _plain_or_new(path: Path) -> bool:
    """Whether ``path`` (links followed) is a regular file or nothing yet: a report replaced whole."""
    import os
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return False


class _NoRunningReport(DualTalkError):
    """The ``running`` report could not be written before the first shot: the batch is refused (the
    report at its end could not be written either), and no report is written on the way out."""


def _drop_stale_report(summary: Path) -> str:
    """Remove the previous run's report at ``summary`` (an unlink needs no free space); gives what
    stands in the way of removing it, or ``""`` (removed, or none there)."""
    import os

    try:
        os.unlink(os.path.realpath(summary))  # a link to the report: the report it names
    except FileNotFoundError:
        pass
    except OSError as why:
        return os_error_line(why)
    return ""


def _running_report(summary: Path | None, batch: Run, outcomes: list[Outcome]) -> Callable[[], None]:
    """Writes the ``--summary`` report of the run still going (status ``running``, the shots so far):
    a run killed where it can write nothing more (SIGKILL, an out-of-memory kill, a crash) leaves
    that, never the previous run's report (review rv37b F2). One that cannot be written before the
    first shot (a full volume) removes the previous run's report and refuses the batch in one line:
    the last run's ``done``, exit 0, stood through a run that failed or was killed (review rv40c F2).
    One that cannot be written later is said once and the batch goes on (this run's ``running``
    report stands; the report at its end is tried again)."""
    said: list[str] = []
    tries: list[None] = []

    def write() -> None:
        if summary is None or summary == STDOUT or said or not _plain_or_new(summary):
            return  # a report streamed (a pipe, /dev/stdout) is written once, at the end
        first = not tries
        tries.append(None)
        try:
            write_summary(summary, batch, outcomes, None, RUNNING, None)
        except (DualTalkError, OSError) as why:
            said.append(os_error_line(why) if isinstance(why, OSError) else str(why))
            if first:
                kept = _drop_stale_report(summary)
                stale = (
                    f"; the previous run's report there could not be removed either ({kept})" if kept else ""
                )
                raise _NoRunningReport(
                    f"{said[0]}; no shot was run, as its --summary report could not be written{stale} "
                    "(free some space there, or give another --summary)"
                ) from None
            print(
                one_line(f"warning: could not write the --summary report: {said[0]}"),
                file=sys.stderr,
                flush=True,
            )

    return write


def run(args: argparse.Namespace) -> int:
    from ...inference.pipeline import Engines

    progress = _progress(args.quiet)
    reset_lock_warning()  # a file system with no locks: one warning per run
    if args.job is None:
        if args.summary is not None:
            raise DualTalkError(
                "--summary needs --job JOBS.json (a single shot reports through its exit status)"
            )
        if args.skip_done:
            raise DualTalkError("--skip-done needs --job JOBS.json (a single shot always runs)")
        print(one_line(run_shot(shot_from_args(args), Engines(), progress, run_id=new_run_id())), flush=True)
        # a signal as the set went in place was too late to stop the shot: the command line says so, exit 0
        if interrupts.stopped():  # (one Blender swallowed before: the run stopped, never here)
            print(f"error: {interrupts.message()}", file=sys.stderr)
            return interrupts.exit_code()
        return 0
    batch = Run(_abs_path(args.job), skip_done=args.skip_done)
    summary = STDOUT if args.summary == "-" else _path(args.summary)
    try:
        from ...inference.core.request import TYPED, typed

        # every single-shot option given on the command line would be silently ignored: refuse it
        defaults = argparse.ArgumentParser()
        add_arguments(defaults)
        clash = [
            f"--{name.replace('_', '-')}"
            for name, value in vars(args).items()
            if name not in ("job", "quiet", "summary", "skip_done", TYPED)
            and (name in typed(args) or value != defaults.get_default(name))  # a typed default too
        ]
        if clash:
            raise DualTalkError(
                f"{', '.join(clash)} cannot be combined with --job (put them in the job file)"
            )
        shots = load_jobs(args.job)
    except BaseException as exc:  # refused: the report says so, replacing the previous run's
        if summary is not None:
            write_refused(summary, batch, exc)
        raise
    if summary is not None and summary != STDOUT:  # like every output: refused before any work
        check_summary(summary, shots, batch.job)
    outcomes = [Outcome(shot.name) for shot in shots]
    running = _running_report(summary, batch, outcomes)
    try:
        running()  # before any work: a run killed -9 leaves "running", not the last run's "done"
        prepare(shots, outcomes, args.skip_done)
        run_batch(shots, outcomes, progress, batch.run_id, args.skip_done, after_shot=running)
    except BaseException as exc:  # stopped (a signal, a cancel): the report says how far it got
        if summary is not None and not isinstance(exc, _NoRunningReport):
            stop, code, status = ending(exc)
            try:
                write_summary(summary, batch, outcomes, code, status, stop)
            except DualTalkError as why:  # the stop is the error to report; this one only warns
                print(f"warning: {why}", file=sys.stderr, flush=True)
        raise
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = sum(o.status == "skipped" for o in outcomes)
    busy = sum(o.status == "busy" for o in outcomes)
    done = f"{len(shots) - len(failed) - skipped - busy}/{len(shots)} shots done"
    done += f", {skipped} skipped (done before)" if skipped else ""
    done += f", {busy} busy (another run is writing them)" if busy else ""
    progress.update("job", 1.0, done)
    # 1 for an internal error; 74 only when every failed shot found no room (the job retried later
    # redoes them), else bad input's 2
    codes = {o.exit_code for o in failed}
    code = 0 if not failed else 1 if 1 in codes else NO_ROOM_EXIT if codes == {NO_ROOM_EXIT} else 2
    last = _failed_line([o.name for o in failed], len(shots)) if failed else None
    if summary is not None:
        write_summary(summary, batch, outcomes, code, "failed" if failed else "done", last)
    if last is not None:
        error = DualTalkError(last)
        error.exit_code = code  # 1 for internal errors, as for a single shot
        raise error
    return 0
