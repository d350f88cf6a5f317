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
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast


def _blender_main() -> int:  # pragma: no cover - exercised by `blender -b -P`
    """Entry when Blender runs this file as a script: load the package as ``dualtalk``."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    if "dualtalk" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "dualtalk", root / "__init__.py", submodule_search_locations=[str(root)]
        )
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load the dualtalk package from {root}")
        module = importlib.util.module_from_spec(spec)
        sys.modules["dualtalk"] = module
        spec.loader.exec_module(module)
    from dualtalk.cli import main

    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    return main(["animate", *argv])


if __name__ == "__main__" and not __package__:  # pragma: no cover - `blender -b -P cmd_animate.py -- ...`
    sys.exit(_blender_main())

from ...inference.core import interrupts  # noqa: E402
from ...inference.core.errors import CancelledError, DualTalkError  # noqa: E402
from ...inference.core.fileio import staged_set  # noqa: E402
from ...inference.core.inputs import check_input_file  # noqa: E402
from ..scene.blendio import open_blend, quiet_stdout, save_blend  # noqa: E402
from ..scene.sound import add_dialogue_strip, remove_our_strips, sound_saved_as  # noqa: E402
from .jobs import (  # noqa: E402
    Shot,
    check_summary,
    intermediates,
    load_jobs,
    unused_engine_settings,
    unused_render_settings,
    work_folder,
)
from .shot_state import (  # noqa: E402
    done_before,
    forget_done,
    record_done,
    rerun_reason,
    reset_lock_warning,
    shot_lock,
    shot_outputs,
)

if TYPE_CHECKING:
    from ...inference.core.motion import Motion
    from ..scene.range_plan import RangePlan


def _resolution(text: str) -> tuple[int, int]:
    w, sep, h = text.lower().partition("x")
    try:
        if not sep:
            raise ValueError
        return int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Scene, characters and outputs are animate's own; every option is a view of its declaration
    (engine side: ``inference/core/request.py``, scene side: ``dualtalk_blender/rig/options.py``)."""
    from ...inference.core import request
    from ..rig import options

    scene = parser.add_argument_group("scene")
    scene.add_argument("--blend", metavar="IN.blend", help="the scene with both characters (never modified)")
    scene.add_argument("--char-a", metavar="OBJ", help="character A: its mesh or armature object name")
    scene.add_argument("--char-b", metavar="OBJ", help="character B: its mesh or armature object name")
    request.add_arguments(parser, (request.AUDIO,))
    mot = parser.add_argument_group("existing motion (skip the engine)")
    mot.add_argument(
        "--motion-a", metavar="NPZ", help="key this motion file on A instead of running the engine"
    )
    mot.add_argument("--motion-b", metavar="NPZ", help="key this motion file on B")
    request.add_arguments(parser, (request.ENGINE, request.GENERATE, request.BEHAVIOUR))
    request.add_arguments(
        parser,
        (options.RETARGET, options.KEYING),
        options=options.SCENE_OPTIONS,
        titles=options.GROUP_TITLES,
        defaults={"take": None},  # None: the take is named after --out
    )
    out = parser.add_argument_group("output")
    out.add_argument("--out", metavar="OUT.blend", help="animated copy of the scene")
    out.add_argument("--fbx", metavar="OUT.fbx", help="also export both characters to FBX")
    out.add_argument(
        "--fbx-scope",
        choices=("full", "face"),
        default=None,  # None: not given (full), so a scope given without --fbx can be said to be ignored
        help="with --fbx: full (default) or face: only the face meshes and the bones that move (plus "
        "their parents)",
    )
    out.add_argument("--render", metavar="OUT", help="render: video (.mp4/.mkv/.mov) or a folder of frames")
    out.add_argument("--resolution", type=_resolution, metavar="WxH", help="override the render resolution")
    out.add_argument("--samples", type=int, metavar="N", help="override render samples (Cycles/EEVEE)")
    out.add_argument("--work", metavar="DIR", help="where A.npz/B.npz go (default: OUT.dualtalk/)")
    parser.add_argument("--job", metavar="JOBS.json", help="run many shots from a job file (see docs)")
    parser.add_argument(
        "--summary",
        metavar="SUMMARY.json",
        help="with --job: when the batch ends, however it ends (failed shots, Ctrl-C, SIGTERM, a refused "
        "job file), write a JSON report: the run's id, status, times and exit status, totals, and per "
        "shot its status (done/skipped/failed/not run), error line, exit code, outputs, seconds and "
        "warnings; - prints it on stdout, after the result lines",
    )
    parser.add_argument(
        "--skip-done",
        action="store_true",
        help="with --job: skip each shot an earlier run finished from the same inputs and settings whose "
        "outputs are all in place (its work folder records it); without it every shot runs again",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


# ``--summary -``: this process's stdout. Written through Python's sys.stdout (the real stdout:
# descriptor 1 points at stderr during a run), never as a path: Windows has no /dev/stdout.
STDOUT = Path("-")


def _abs_path(value: str) -> Path:
    return Path(value).expanduser().absolute()


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
    from ...inference.core.request import OPTIONS, values_from_args
    from ..rig.options import SCENE_OPTIONS

    out = _abs_path(args.out)  # given: checked above
    declared = [o for o in (*OPTIONS, *SCENE_OPTIONS) if o.cli]
    values = values_from_args(args, declared)
    for option in declared:  # files given on the command line are taken from the current folder
        if option.kind == "path" and values.get(option.name) is not None:
            values[option.name] = _path(str(values[option.name]))
    shot = Shot.build(
        out.stem,
        values,
        blend=_path(args.blend),
        char_a=args.char_a,
        char_b=args.char_b,
        out=out,
        fbx=_path(args.fbx),
        render=_path(args.render),
        work=_path(args.work),
        motion_a=_path(args.motion_a),
        motion_b=_path(args.motion_b),
        fbx_scope=args.fbx_scope or "full",
        resolution=args.resolution,
        samples=args.samples,
    )
    _warn_unused_render([f"--{key}" for key in unused_render_settings(shot)], "--render")
    _warn_unused_render(["--fbx-scope"] if args.fbx_scope is not None and shot.fbx is None else [], "--fbx")
    _warn_unused_engine([option.flag for option in unused_engine_settings(shot)])
    return shot


def _warn_unused_render(given: list[str], render: str, where: str = "") -> None:
    """Say that render settings given without a render are ignored (``given``: how the user named
    them, ``where``: which shot of a job file), instead of dropping them silently."""
    if given:
        verb = "apply" if len(given) > 1 else "applies"
        logging.getLogger(__name__).warning(
            "%s%s %s only with %s; ignored", where, " and ".join(given), verb, render
        )


def _warn_unused_engine(given: list[str], where: str = "", motion: str = "--motion-a/--motion-b") -> None:
    """Say that behaviour and lip settings do not reach motion files that were given (the layer
    ran when they were made), instead of keying them as they are without a word."""
    if given:
        logging.getLogger(__name__).warning(
            "%s%s shape%s the engine's take, which does not run with %s: the motion files keep the "
            "blinks, looks and lips they were made with (make them with these settings: infer)",
            where, ", ".join(given), "" if len(given) > 1 else "s", motion,
        )  # fmt: skip


def field_names(job: bool) -> dict[str, str]:
    """How a shot's run fields are named to the user: flags on the command line (``--out``), the job
    file's keys in a job (``out``; a job shot that said ``--out`` named no field of its file)."""
    keys = ("blend", "char_a", "char_b", "out", "fbx", "render", "work")
    return {k: k if job else f"--{k.replace('_', '-')}" for k in keys}


def check_shot(shot: Shot, *, root: Path | None = None, job: bool = False) -> None:
    """Refuse a shot before any work: every input, map, option and output path is checked here.

    Every file the shot will create or replace (outputs and intermediates) is resolved to
    its real path and must not be an input, hold an input, or (for a job, ``root``) lead
    outside the job folder; each output's folder must be creatable and writable. ``job``: name
    the job file's fields, not the flags.
    """
    from ...inference.core import outputs
    from ..rig.flame_arkit import load_arkit_flame_map
    from ..rig.mapping import load_mapping
    from ..scene.render import check_render_folder, check_video_encoder

    f = field_names(job)
    check_input_file(shot.blend, f["blend"])
    # Blender's backups (.blend1, .blend2 ...) are whole .blend files and open as such
    if not re.fullmatch(r"\.blend\d*", shot.blend.suffix.lower()):
        raise DualTalkError(f"{f['blend']} {shot.blend.name} is not a .blend file")
    if shot.out.suffix.lower() != ".blend":
        raise DualTalkError(f"{f['out']} must end in .blend, got {shot.out.name}")
    if shot.fbx is not None and shot.fbx.suffix.lower() != ".fbx":
        raise DualTalkError(f"{f['fbx']} must end in .fbx, got {shot.fbx.name}")
    inputs = [
        ("input scene", shot.blend),
        ("input audio", shot.audio),
        ("input audio of B", shot.audio_b),
        ("input turns file", shot.turns),
        ("input motion A", shot.motion_a),
        ("input motion B", shot.motion_b),
        ("input map", shot.map),
        ("input FLAME map", shot.flame_map),
        ("input checkpoint", shot.checkpoint),
    ]
    for label, p in inputs[4:]:
        if p is not None:
            check_input_file(p, f"{label.removeprefix('input ')} file")
    _check_name(shot.char_a, f["char_a"])
    _check_name(shot.char_b, f["char_b"])
    if shot.char_a == shot.char_b:
        raise DualTalkError(f"{f['char_a']} and {f['char_b']} name the same object")
    shot.request().validate()
    shot.options.validate()
    # maps are parsed now, not after the engine ran and the .blend was written
    if shot.map is not None:
        load_mapping(shot.map)
    if shot.flame_map is not None:
        load_arkit_flame_map(shot.flame_map)
    work = work_folder(shot)
    _check_sound_path(shot, work, f)
    video = _renders_video(shot)
    files = [(f["out"], shot.out), (f["fbx"], shot.fbx), (f["render"], shot.render if video else None)]
    files += [(f"work file ({f['work'] if shot.work else 'default'})", work / n) for n in intermediates(shot)]
    folders = [(f["render"], shot.render if shot.render is not None and not video else None)]
    if intermediates(shot):
        folders.append((f["work"], work))
    outputs.check_write_plan(files, inputs, folders=folders, root=root)
    own = [(f["out"], shot.out, False), (f["fbx"], shot.fbx, False), (f["render"], shot.render, not video)]
    if intermediates(shot):
        own.append((f["work"] if shot.work else "the work folder", work, True))
    _check_overlaps([(label, p, is_folder) for label, p, is_folder in own if p is not None])
    check_output_folders(shot, job=job)
    if shot.render is not None:
        if video:
            check_video_encoder()
        else:
            check_render_folder(shot.render)
    if intermediates(shot):
        outputs.check_work_folder(work, intermediates(shot), f["work"] if shot.work else "work folder")


def _renders_video(shot: Shot) -> bool:
    from ..scene.render import VIDEO_SUFFIXES

    return shot.render is not None and shot.render.suffix.lower() in VIDEO_SUFFIXES


def check_output_folders(shot: Shot, *, job: bool = False) -> None:
    """Each of the shot's outputs can be created where it goes (its folder exists or can be made, and
    is writable; no folder where a file goes): for a job, every shot is checked so before the first
    one runs, and a read-only ``out`` folder fails its shot at the start, not after hours of work."""
    from ...inference.core import outputs

    f = field_names(job)
    outputs.check_target(shot.out, f["out"])
    if shot.fbx is not None:
        outputs.check_target(shot.fbx, f["fbx"])
    if shot.render is not None:
        if _renders_video(shot):
            outputs.check_target(shot.render, f["render"])
        else:
            outputs.check_folder_target(shot.render, f["render"])
    if intermediates(shot):
        work = work_folder(shot)
        why = outputs.too_long(work) if shot.work is None else None
        if why is not None:  # a legal name for out, too long once ".blend" becomes ".dualtalk"
            raise DualTalkError(
                f"work folder {work} (made from {f['out']}: its name with .dualtalk): {why}; give "
                f"{f['out']} a shorter name, or give {f['work']} a folder"
            )
        outputs.check_folder_target(work, f["work"] if shot.work else "work folder")


def _check_overlaps(targets: list[tuple[str, Path, bool]]) -> None:
    """Refuse outputs that collide with each other (``--work`` at the ``--out`` path, or at the
    ``--render`` folder): found only when writing, they failed after the engine ran and left a
    folder named OUT.blend, or a frames folder no later render would accept."""
    from ...inference.core.outputs import real

    reals = [(label, p, real(p), is_folder) for label, p, is_folder in targets]
    for i, (label, p, rp, _) in enumerate(reals):
        for other, op, orp, other_is_folder in reals[:i] + reals[i + 1 :]:
            if rp == orp:
                raise DualTalkError(f"{label} {p} is the same path as {other} {op}; give each its own")
            if orp in rp.parents and (not other_is_folder or other == "--render"):
                what = "a file" if not other_is_folder else "the render folder, which holds only frames"
                raise DualTalkError(f"{label} {p} lies inside {other} {op} ({what}); choose another path")


def _check_name(name: str, label: str) -> None:
    """A character's name must be text: a Blender name is UTF-8, and bpy fails inside its own call
    (SystemError) when asked for ``$'\\xff'`` (a byte that is not UTF-8) or a JSON ``"\\ud800"``."""
    from ..rig.options import escaped, is_unicode

    if not is_unicode(name):
        raise DualTalkError(
            f"{label} '{escaped(name)}' is not valid Unicode text, so no Blender object has that name"
        )


def _check_sound_path(shot: Shot, work: Path, f: dict[str, str]) -> None:
    """A file name need not be UTF-8 and Blender writes such a .blend, FBX or render; but its sound
    strips take only UTF-8 paths (``strips.new_sound`` fails inside its call), and the shot's strip
    plays ``dialogue.wav`` in the work folder, named after ``--out`` unless ``--work`` is given."""
    from ..rig.options import escaped, is_unicode

    wav = work / "dialogue.wav"
    if "dialogue.wav" in intermediates(shot) and not is_unicode(str(wav)):
        fix = f["work"] if shot.work is not None else f"{f['out']} a UTF-8 name, or give {f['work']}"
        raise DualTalkError(
            f"work file {escaped(str(wav))}: its path is not valid UTF-8, and Blender's sound strips "
            f"take only UTF-8 paths; give {fix} a folder whose path is UTF-8"
        )


def _find_object(bpy: Any, name: str, label: str, scene: Any, blend: Path) -> Any:
    """The object named ``name``, linked into ``scene`` (the one ``blend`` opens with): a character
    of another scene would be keyed at this scene's frame rate, and its sound strip, markers and
    range would go into a scene that does not hold it."""
    from ..rig.options import escaped

    _check_name(name, label)
    obj = bpy.data.objects.get(name)
    if obj is None:
        names = sorted(o.name for o in bpy.data.objects if o.type in ("MESH", "ARMATURE"))
        listed = ", ".join(names[:12]) + (" ..." if len(names) > 12 else "")
        raise DualTalkError(f"{label} {name!r} is not in the scene (meshes/armatures: {listed or 'none'})")
    if not any(sc == scene for sc in obj.users_scene):
        others = sorted(sc.name for sc in obj.users_scene)
        where = (
            f"it is in scene{'s' if len(others) > 1 else ''} {', '.join(repr(n) for n in others)}; "
            f"save {escaped(blend.name)} with {'that scene' if len(others) == 1 else 'its scene'} active"
            if others
            else f"it is in no scene; link it into {scene.name!r}"
        )
        raise DualTalkError(
            f"{label} {name!r} is not in scene {scene.name!r}, the scene {escaped(blend.name)} opens "
            f"with ({where})"
        )
    return obj


def _check_exportable(characters: tuple[Any, Any], scope: str) -> None:
    """Refuse an FBX the exporter would refuse before any work: found at export time, it came after
    the .blend was written, left looking done."""
    from ..scene.fbx_export import check_exportable

    try:
        check_exportable(characters, scope, hint="show it, or drop --fbx")
    except DualTalkError as exc:
        raise DualTalkError(f"--fbx: {exc}") from None


@contextlib.contextmanager
def _work_files(work: Path, engine: bool) -> Iterator[Path | None]:
    """The work folder, marked as ours, for a shot that writes work files; with ``engine`` also a
    hidden scratch folder inside it where the engine writes its take (moved into place with the
    shot's other outputs by :func:`~...inference.core.fileio.staged_set`; removed whatever happens). A
    work folder this shot created is removed again when the shot fails, so a failed first run leaves
    no work folder."""
    from ...inference.core.fileio import scratch_folder
    from ...inference.core.outputs import run_folder

    with run_folder(work), scratch_folder(work) if engine else contextlib.nullcontext() as scratch:
        yield scratch


def add_dialogue_sound(scene: Any, wav: Path, frame: int, pair: tuple[str, str] | None = None) -> Any:
    """Put the dialogue on the timeline (replacing our earlier strips: with ``pair``, the two
    characters' names, only that pair's, another conversation's stay) for playback and renders;
    returns the strip."""
    remove_our_strips(scene, pair)
    return add_dialogue_strip(scene, wav, "dialogue", frame, pair=pair)


def write_mix(dialogue: Any, path: Path) -> Path:
    import numpy as np
    import soundfile as sf

    from ...inference.core.fileio import atomic_path

    mix = dialogue.a.astype(np.float32) + dialogue.b.astype(np.float32)
    peak = float(np.abs(mix).max()) if len(mix) else 0.0
    if peak > 0.99:
        mix *= 0.99 / peak
    with atomic_path(path, suffix=".wav") as tmp:
        # bytes on POSIX: soundfile encodes a str strictly, and OUT's name (which names the work
        # folder) may hold bytes that are not UTF-8 -- a legal file name Blender writes
        target = str(tmp) if os.name == "nt" else os.fsencode(tmp)
        sf.write(target, mix, 16000, subtype="PCM_16", format="WAV")
    return path


def _frame_range(shot: Shot) -> tuple[int, int]:
    """The shot's ``--range``, read where the shot is known to have one."""
    frame_range = shot.frame_range
    if frame_range is None:
        raise RuntimeError(f"shot {shot.name!r} has no frame range to re-generate")
    return frame_range


def _range_window(
    shot: Shot, options: Any, obj_a: Any, obj_b: Any, scene: Any, warnings: list[str]
) -> tuple[float | None, float | None, float | None, RangePlan]:
    """Set ``options`` up to re-generate ``shot.frame_range`` of the take in the scene.

    Returns the audio window (seconds) the engine hears -- the range plus context and the
    cross-fade on each side, clipped to the take --, the shift B's file is read with (the take's
    ``--offset-b``; another one given is refused, ``rig/plan.range_offset_b``) and the plan; motion
    files given instead are whole takes or a re-generated range (:func:`_range_file_start`).

    The window lies in the recording the take was made from, where the take records it
    (``plan.audio``): without ``--start/--end`` the take's own part is used; audio options that are
    not the take's are refused (``scene/range_plan.take_part``, ``check_take_recording``). A take keyed
    before takes recorded their audio is re-generated from the ``--start`` given, as before, with a
    warning in ``warnings``.
    """
    from ..rig.plan import range_offset_b
    from ..scene.apply import scene_fps
    from ..scene.range_plan import check_take_recording, made_from, plan_range, take_part

    first, last = _frame_range(shot)
    plan = plan_range((obj_a, obj_b), scene_fps(scene), first, last, options.crossfade)
    options.replace_range = (plan.first, plan.last)  # the take's frames playing there (strips may be moved)
    options.markers = False
    options.frame_range = "keep"
    options.take = plan.take
    if shot.motion_a is not None:
        options.start_frame = (
            plan.take_start if shot.options.start_frame is None else shot.options.start_frame
        )
        return shot.req.start, shot.req.end, shot.req.offset_b, plan
    options.start_frame = plan.start_frame
    need = f"--range {first}-{last}"
    record = plan.audio
    offset = shot.req.offset_b
    if record is None:
        warnings.append(
            f"the take {plan.take!r} does not record which audio it was made from (keyed before takes "
            f"recorded it, or from motion files that do not say): {need} cannot check that --audio and "
            "--start/--end are the take's"
        )
        base = shot.req.start or 0.0
        end = base + plan.audio_end
        end = end if shot.req.end is None else min(end, shot.req.end)
    else:  # the take's own part; another part, recording or --swap is refused (scene/range_plan.py)
        base, take_end = take_part(record, shot.req.start, shot.req.end, need)
        end = min(base + plan.audio_end, take_end)
        offset = range_offset_b(record, shot.req.offset_b, f"{need}: {made_from(record)}")
    _check_range_audio(shot, first, last, base + plan.audio_start, end, offset)
    if record is not None:
        files = (shot.req.audio, shot.req.audio_b)
        warnings += check_take_recording(record, files, bool(shot.req.swap), need)
    return base + plan.audio_start, end, offset, plan


def _check_range_audio(
    shot: Shot, first: int, last: int, start: float, end: float, offset_b: float | None = None
) -> None:
    """A range re-runs the engine on the recording around it: say so when the recording given does
    not reach that far (another, shorter file than the take's, or a cut-off copy); B's file at its
    own seconds when it was read shifted (``--offset-b``)."""
    from ..rig.plan import check_range_reaches

    paths = (shot.req.audio, shot.req.audio_b)
    check_range_reaches(paths, start, end, offset_b, f"--range {first}-{last}")


def _range_file_start(shot: Shot, plan: RangePlan | None, files: list[tuple[Path, Motion]]) -> int | None:
    """Where motion files given with ``--motion-a/-b`` start when they are a re-generated range
    (``meta["range"]``, written by ``animate --range`` into its work folder): those cover only the
    range plus its context, so they are keyed only with the same ``--range`` onto the take they
    were made for (else refused in one line); None for whole takes."""
    marks = [(path, motion.meta.get("range")) for path, motion in files]
    ranges = [(path, mark) for path, mark in marks if isinstance(mark, dict)]
    if not ranges:
        return None
    path, mark = ranges[0]
    try:
        first, last = int(mark["first"]), int(mark["last"])
        frames = (int(mark["frames"][0]), int(mark["frames"][1]))
        start, take_start = int(mark["start_frame"]), int(mark["take_start"])
    except (KeyError, IndexError, TypeError, ValueError):
        raise DualTalkError(f"{path.name} says it is a re-generated range but not which frames") from None
    what = (
        f"{path.name} is a re-generated range (frames {first}-{last} of take {str(mark.get('take', ''))!r})"
    )
    if len(ranges) < len(marks):
        whole = next(p for p, m in marks if not isinstance(m, dict))
        raise DualTalkError(f"{what} but {whole.name} is a whole take; give both files of one run")
    if any(m != mark for _p, m in ranges[1:]):
        raise DualTalkError(f"{what} but {ranges[1][0].name} is another range; give both files of one run")
    if plan is None:
        raise DualTalkError(f"{what}; key it with --range {first}-{last}, or give a whole take")
    if (plan.first, plan.last) != frames:
        here = f"{frames[0] + plan.offset}-{frames[1] + plan.offset}"  # where those frames play now
        asked = "-".join(str(f) for f in _frame_range(shot))
        raise DualTalkError(
            f"{what}, not of frames {asked}; key it with --range {here}, or give a whole take"
        )
    made_for, here_id = str(mark.get("take_id", "")), plan.take_id
    if made_for and here_id and made_for != here_id:
        raise DualTalkError(
            f"{path.name} is a re-generated range of another take {str(mark.get('take', ''))!r} than the one "
            f"in {shot.blend.name} (a take made over the same frames); re-generate frames {first}-{last} "
            "on this take"
        )
    start_frame = shot.options.start_frame  # the take moved to another start frame: the range with it
    return start + (0 if start_frame is None else int(start_frame) - take_start)


def _mark_range(motions: list[tuple[Path, Motion]], plan: RangePlan, shot: Shot) -> None:
    """Say in the work folder's motion files that they are a re-generated range, not a take (they
    cover the range and its context): ``--motion-a/-b`` then keys them only with this range, onto
    this take (:func:`_range_file_start`)."""
    from ...inference.core.motion import save_motion

    first, last = _frame_range(shot)
    mark = {
        "take": plan.take,
        "take_id": plan.take_id,
        "first": first,  # the timeline's frames, as --range named them
        "last": last,
        "frames": [plan.first, plan.last],  # the take's (its strips may be moved on the timeline)
        "start_frame": plan.start_frame,  # where the file's first frame lands
        "take_start": plan.take_start,
    }
    for path, motion in motions:
        motion.meta["range"] = mark
        save_motion(path, motion)


def run_shot(
    shot: Shot,
    engines: Any,
    progress: Any,
    where: str = "",
    wrote: list[Path] | None = None,
    *,
    job: bool = False,
    run_id: str = "",
) -> str:
    """Animate one shot; returns the result line. ``where`` leads its warnings (a job's shot name);
    ``wrote`` receives the files put in place (a job's summary lists them), once all of them are;
    ``job``: messages name the job file's fields; ``run_id`` goes into the shot's done record.

    The shot holds the lock of its .blend (and of the work folder it uses) while it runs
    (:mod:`.shot_state`): a second run on the same outputs fails in one line instead of both
    writing and both reporting done."""
    with interrupts.held():  # an interrupt inside Blender's start-up crashed the process
        import bpy

    t0 = time.perf_counter()
    check_shot(shot, job=job)
    f = field_names(job)
    locks = [(f["out"], shot.out)]
    if intermediates(shot):  # the work folder it uses, given or beside ``out``: another run may name it
        locks.append((f["work"] if shot.work is not None else f["out"], work_folder(shot)))
    with shot_lock(locks):
        return _run_locked(bpy, shot, engines, progress, where, wrote, run_id, t0)


def _run_locked(
    bpy: Any,
    shot: Shot,
    engines: Any,
    progress: Any,
    where: str,
    wrote: list[Path] | None,
    run_id: str,
    t0: float,
) -> str:
    """:func:`run_shot` once the shot is checked and its outputs locked."""
    from ...inference import pipeline
    from ...inference.core.motion import load_motion
    from ..rig.options import link
    from ..scene.apply import TakeLength, apply_dialogue, check_character, check_frame_span
    from ..scene.remove_take import other_takes, shared_scene_warnings

    lips = ""  # what a transcript drew, for the result line
    removed = 0  # our sound strips of an earlier take, removed for a take without --audio
    open_blend(bpy, shot.blend)
    # Belt and braces: Blender runs Python handlers (load, save, frame change, render) and prints and
    # swallows what they raise, an interrupt included; the signal is remembered, so it is read back
    # at each stage and before the shot's set goes in place, never lost.
    interrupts.raise_if_interrupted()
    scene = bpy.context.scene
    if scene is None:
        raise RuntimeError(f"Blender opened {shot.blend.name} without an active scene")
    obj_a = _find_object(bpy, shot.char_a, "character A", scene, shot.blend)
    obj_b = _find_object(bpy, shot.char_b, "character B", scene, shot.blend)
    if shot.render is not None and scene.camera is None:
        raise DualTalkError(
            f"{shot.blend.name} has no active camera to render from (set one, or drop --render)"
        )
    if shot.fbx is not None:
        _check_exportable((obj_a, obj_b), shot.fbx_scope)
    for line in shared_scene_warnings((obj_a, obj_b), scene):  # one object, one animation: said up front
        _warn(f"{where}{line}")
    # the shot's own options, as animate keys them: the scene range fits the take, no undo steps; a
    # file that holds another conversation's take keeps it in the range: extended, not fitted
    others = other_takes(scene, (obj_a, obj_b)) if shot.frame_range is None else []
    fit = "extend" if others else "fit"
    request, options = link(shot.request(), shot.options.replace(frame_range=fit, undo_push=False))
    # Refuse unusable rigs and map files now, not after the engine has run and written motion files;
    # the reports are reused for the keying (each character is inspected once per shot).
    options.validate()
    reports = (check_character(obj_a, options), check_character(obj_b, options))
    for label, report in zip(("A", "B"), reports, strict=True):
        progress.update("characters", 0.5 if label == "A" else 1.0, f"{label}: {report.summary}")
    plan: RangePlan | None = None  # a re-generated range's
    if shot.frame_range is not None:
        notes: list[str] = []
        start, end, offset_b, plan = _range_window(shot, options, obj_a, obj_b, scene, notes)
        for note in notes:
            _warn(f"{where}{note}")
        request = request.replace(start=start, end=end, offset_b=offset_b)
    work = work_folder(shot)
    engine_needed = shot.motion_a is None
    dialogue = (
        pipeline.load_dialogue(request, progress)
        if shot.req.audio is not None and (shot.frame_range is None or engine_needed)
        else None
    )
    if dialogue is not None and engine_needed:
        # the take's frames, before the engine runs: counted by the keying's own check, on the
        # motion the engine will make (as many 25 fps frames as cover the audio)
        check_frame_span(scene, cast("Motion", TakeLength(dialogue.num_frames)), options.start_frame)
    mix = dialogue is not None and shot.frame_range is None  # a range keeps the take's sound strip
    # The work files this shot replaces: written under hidden names, in place only with the rest.
    wav = work / "dialogue.wav"
    work_files = ([work / "A.npz", work / "B.npz"] if engine_needed else []) + ([wav] if mix else [])
    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(_work_files(work, engine_needed)) if work_files else None
        if engine_needed:
            assert scratch is not None  # made by _work_files for the engine's take
            take = pipeline.run(request, scratch, progress=progress, dialogue=dialogue, engines=engines)
            path_a, path_b = take.path_a, take.path_b
            if plan is not None:  # the work folder then holds a range, not a take: its files say so
                _mark_range([(path_a, take.motion_a), (path_b, take.motion_b)], plan, shot)
            if take.transcript is not None:
                from ...inference.phonetic.transcript import brief

                lips = f"; {brief(take.transcript)}"
        else:
            assert shot.motion_a is not None and shot.motion_b is not None  # both or neither (jobs too)
            path_a, path_b = shot.motion_a, shot.motion_b
        # The motion files are the seam: key what was written, exactly as a user would load it.
        motion_a, motion_b = load_motion(path_a), load_motion(path_b)
        for path, motion in ((path_a, motion_a), (path_b, motion_b)):
            if motion.num_frames == 0:  # said here, where the file is known (the keying knows none)
                raise DualTalkError(f"{path.name}: the motion has no frames")
        if not engine_needed:  # motion files given: a re-generated range keys only as the range it is
            range_start = _range_file_start(shot, plan, [(path_a, motion_a), (path_b, motion_b)])
            if range_start is not None:
                options.start_frame = range_start
        progress.update("keying", 0.0, "both characters")
        rep_a, rep_b, markers = apply_dialogue(
            obj_a, obj_b, motion_a, motion_b, options, scene=scene, reports=reports, progress=progress
        )
        progress.update("keying", 1.0, f"{rep_a.curves + rep_b.curves} curves, {markers} turn markers")
        frames = f"{scene.frame_start}-{scene.frame_end}"  # the scene range the take left
        for warning in rep_a.warnings + rep_b.warnings:
            _warn(f"{where}{warning}")
        written = [str(p) for p in (shot.out, shot.fbx, shot.render) if p is not None]
        with staged_set([p for p in (shot.out, shot.fbx) if p is not None] + work_files) as staged:
            if engine_needed:  # the engine's take, from the scratch folder to its staged names
                for final, new in zip(work_files[:2], (path_a, path_b), strict=True):
                    os.replace(new, staged[final])
            strip = None
            if mix:
                write_mix(dialogue, staged[wav])
                strip = add_dialogue_sound(
                    scene, staged[wav], rep_a.first_frame, (rep_a.character, rep_b.character)
                )
                strip.sound.name = wav.name
            elif shot.frame_range is None:  # a new take with no sound of its own: the earlier take's goes
                removed = remove_our_strips(scene, (rep_a.character, rep_b.character))
            scene.frame_set(scene.frame_start)
            progress.update("save", 0.0, shot.out.name)
            # the .blend plays the work folder's mix, stored "//"-relative when it lies in the .blend's
            # folder (a shot folder copied elsewhere keeps its sound)
            with sound_saved_as(strip, wav if mix else None, blend=shot.out, saved_to=staged[shot.out]):
                save_blend(bpy, staged[shot.out], quiet=quiet_stdout)
            interrupts.raise_if_interrupted()  # a save handler swallowed it
            progress.update("save", 1.0, shot.out.name)
            if shot.fbx is not None:
                from ..scene.fbx_export import export_fbx, left_out_modifiers

                progress.update("fbx", 0.0, shot.fbx.name)
                export_fbx(
                    [obj_a, obj_b], staged[shot.fbx], scene=scene, scope=shot.fbx_scope, progress=progress
                )
                progress.update("fbx", 1.0, shot.fbx.name)
                for warning in left_out_modifiers([obj_a, obj_b], scope=shot.fbx_scope):
                    _warn(f"{where}{warning}")
            if shot.render is not None:
                from ..scene.render import render_shot

                render_shot(
                    scene, shot.render, resolution=shot.resolution, samples=shot.samples, progress=progress
                )
            interrupts.raise_if_interrupted()  # stopped: the earlier set stays, this one goes
            forget_done(shot)  # the set is about to change: its done record no longer describes it
        record_done(shot, run_id)  # the new set is in place (kept by --skip-done when nothing changed)
    took = time.perf_counter() - t0
    if wrote is not None:
        wrote.extend(p for p in (shot.out, shot.fbx, shot.render, *work_files) if p is not None)
    if rep_a.replaced is not None:
        range_first, range_last = _frame_range(shot)
        assert options.replace_range is not None  # set by _range_window
        shift = range_first - options.replace_range[0]  # the take's strips moved in the NLA editor
        lo, hi = (f + shift for f in rep_a.replaced)
        return (
            f"wrote {', '.join(written)}: re-generated frames {range_first}-{range_last} "
            f"(cross-faded over {lo}-{hi}) of A {rep_a.character} and B {rep_b.character}, {took:.1f} s"
        )
    sound = (
        f"; removed the earlier take's sound strip{'s' if removed > 1 else ''} (give --audio to place "
        "this take's sound)"
        if removed
        else ""
    )
    kept = (  # another conversation's take stays in the range, and the line says so
        f"; scene range {frames} (extended to this take, not fitted to it: the file holds another take, "
        f"of {_names(others)})"
        if others
        else ""
    )
    return (
        f"wrote {', '.join(written)}: {rep_a.frames} frames at {rep_a.fps:g} fps "
        f"(A {rep_a.character}: {rep_a.mapping}; B {rep_b.character}: {rep_b.mapping}){lips}{sound}{kept}, "
        f"{took:.1f} s"
    )


def _names(names: list[str]) -> str:
    """'Ann', 'Ann and Bob', 'Ann, Bob and Cat'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _one_line(line: str) -> str:
    """A result line as stdout can carry it: a file name that is not UTF-8 (``$'\\xff.blend'``, a
    legal name Blender writes) or holds a tab or newline is shown escaped; printed raw, the first
    raised on a strict stdout after every file was written, turning success into a crash."""
    from ..rig.options import escaped

    return escaped(line)


class _ShotProgress:
    """A job shot's progress, its name before every stage: in a farm log each line says which shot
    it belongs to, and a shot's first line is a new stage, never dropped as a same-stage redraw
    (after a shot that failed at once, the next shot's ``job`` line was)."""

    def __init__(self, progress: Any, name: str) -> None:
        self.progress, self.name = progress, name

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.progress.update(f"{self.name}: {stage}", fraction, message)

    def check_cancel(self) -> None:
        self.progress.check_cancel()


def _progress(quiet: bool) -> Any:
    from ...inference.core.progress import ConsoleBar, Silent

    return Silent() if quiet else ConsoleBar(sys.stderr)


# The running shot's warnings (a job's summary lists them per shot); empty outside a job's shot.
_SHOT_WARNINGS: list[list[str]] = []


def _warn(line: str) -> None:
    """A ``warning:`` line on stderr, also kept for the running job shot's summary entry."""
    print(f"warning: {line}", file=sys.stderr)
    for into in _SHOT_WARNINGS[-1:]:
        into.append(line)


class _KeepWarnings(logging.Handler):
    """The package's log warnings (the audio loader's, the unused-setting ones): the CLI prints them
    as ``warning:`` lines, and a job's summary lists them under the shot they came from."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING:
            self.into.append(record.getMessage())


class _NameTheShot(logging.Filter):
    """Leads each package warning with the running shot's name (``shot 'two': ``), on stderr and
    in the summary alike: the audio loader's words do not say which of a batch's shots they are about."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno == logging.WARNING and self.where and not message.startswith(self.where):
            record.msg, record.args = f"{self.where}{message}", ()
        return True


@contextlib.contextmanager
def _warnings_of(into: list[str], where: str = "") -> Iterator[None]:
    """Collect every ``warning:`` line printed during the block into ``into`` (one shot's), each led
    by ``where`` (the shot's name) unless it names the shot already."""
    logger = logging.getLogger(__name__.split(".")[0])
    handler = _KeepWarnings(into)
    logger.addHandler(handler)
    naming = _NameTheShot(where)
    # the CLI's stderr lines and ours: a handler's filter sees child loggers' records, a logger's does not
    handlers = list(logger.handlers)
    for each in handlers:
        each.addFilter(naming)
    _SHOT_WARNINGS.append(into)
    try:
        yield
    finally:
        _SHOT_WARNINGS.pop()
        for each in handlers:
            each.removeFilter(naming)
        logger.removeHandler(handler)


@dataclass
class _Outcome:
    """One shot of a job as its summary reports it (``--summary``; docs/blender.md has the schema)."""

    name: str
    status: str = "not run"  # "done", "skipped", "failed", or "not run" (the batch stopped before it)
    error: str | None = None  # the user's ``error:`` line, without the prefix
    exit_code: int | None = None  # 2 bad input, 1 internal error, 130/143 interrupted
    outputs: list[str] = field(default_factory=list)
    seconds: float | None = None
    warnings: list[str] = field(default_factory=list)  # the shot's ``warning:`` lines, without the prefix


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


def _ending(exc: BaseException) -> tuple[str, int, str]:
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


def _failed_line(failed: list[str], total: int) -> str:
    """The batch's last line names its failed shots (the first few of a long list), so a farm log
    says which to re-queue without scrolling back through the errors."""
    names = ", ".join(failed[:10]) + (f" and {len(failed) - 10} more" if len(failed) > 10 else "")
    return f"{len(failed)} of {total} shots failed: {names} (see the errors above)"


SUMMARY_VERSION = 2  # 1 had no run_id, status, error, started, finished, skip_done, skipped, warnings


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_run_id() -> str:
    """This run's id: when it started (UTC), the process and 6 random hex digits."""
    import secrets

    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class _Run:
    """What a job's summary says about the run itself, whatever happens to its shots."""

    job: Path
    skip_done: bool = False
    run_id: str = field(default_factory=new_run_id)
    started: str = field(default_factory=_utc_now)


def _write_summary(
    path: Path, run: _Run, outcomes: list[_Outcome], exit_code: int, status: str, error: str | None
) -> None:
    """The batch's report for a farm's scheduler, replaced whole (never a half-written JSON)."""
    from ...inference.core.fileio import atomic_path

    statuses = ("done", "skipped", "failed", "not run")
    count = {status: sum(o.status == status for o in outcomes) for status in statuses}
    report = {
        "version": SUMMARY_VERSION,
        "job": str(run.job),
        "run_id": run.run_id,
        "status": status,
        "error": error,
        "exit_code": exit_code,
        "started": run.started,
        "finished": _utc_now(),
        "skip_done": run.skip_done,
        "totals": {
            "shots": len(outcomes),
            "done": count["done"],
            "skipped": count["skipped"],
            "failed": count["failed"],
            "not_run": count["not run"],
        },
        "shots": [asdict(o) for o in outcomes],
    }
    text = json.dumps(_as_text(report), indent=2) + "\n"
    if path == STDOUT:  # after the result lines, in one piece
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


def _write_refused(summary: Path, run: _Run, exc: BaseException) -> None:
    """A batch refused before any shot ran (a bad job file) still leaves its report, status
    ``refused``: the previous run's report left in place read as this run's results. The job file
    may not have been read, so its inputs are unknown: the path is written only when it is free or
    holds an earlier report (never the job file, a folder, or any other file)."""
    from ...inference.core import outputs
    from ...inference.core.fileio import resolve_output

    line, code, status = _ending(exc)
    if summary == STDOUT:  # nothing on disk to guard
        _write_summary(summary, run, [], code, status, line)
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
        _write_summary(summary, run, [], code, status, line)
    except (DualTalkError, OSError) as why:  # the refusal is the error; this report is a courtesy: warn
        said = _os_error_line(why) if isinstance(why, OSError) else str(why)  # e.g. a name too long
        print(
            _one_line(f"warning: could not write the --summary report: {said}"), file=sys.stderr, flush=True
        )


def _prepare(shots: list[Shot], outcomes: list[_Outcome], skip_done: bool) -> None:
    """Before the first shot runs: each shot's warnings about settings it ignores, and each output
    folder checked, so a read-only ``out`` folder fails its shot now, in one line, not after hours of
    work (with ``--skip-done``, unless the shot is done: it is skipped at its turn)."""
    for shot, outcome in zip(shots, outcomes, strict=True):
        where = f"shot {shot.name!r}: "
        with _warnings_of(outcome.warnings):  # up front, as the CLI does for --resolution without --render
            _warn_unused_render(unused_render_settings(shot), "render", where)
            # a shot's fbx_scope "full" reads as the default: only "face" without fbx is known to be given
            _warn_unused_render(
                ["fbx_scope"] if shot.fbx is None and shot.fbx_scope != "full" else [], "fbx", where
            )
            _warn_unused_engine([o.name for o in unused_engine_settings(shot)], where, "motion_a/motion_b")
    for shot, outcome in zip(shots, outcomes, strict=True):
        try:
            check_output_folders(shot, job=True)
        except (DualTalkError, OSError) as exc:  # OSError: e.g. an ``out`` name too long for the system
            if skip_done and done_before(shot) is not None:
                continue
            outcome.status = "failed"
            outcome.exit_code = exc.exit_code if isinstance(exc, DualTalkError) else 2
            outcome.error = _one_line(f"shot {shot.name}: {_os_error_line(exc)}")
            print(f"error: {outcome.error}", file=sys.stderr, flush=True)


def _os_error_line(exc: BaseException) -> str:
    """An error as one reads it in a shot's line: an OSError as its reason and path, not its repr."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename is not None else exc.strerror
    return str(exc)


def _skipped(shot: Shot, outcome: _Outcome) -> bool:
    """``--skip-done``: whether an earlier run finished this shot from the same inputs and settings,
    its outputs all in place (judged at the shot's turn: another worker may have done it since the
    batch started); if so it is reported ``skipped``."""
    record = done_before(shot)
    if record is None:
        again = rerun_reason(shot)
        if again is not None:  # a record, but not of this set: say why it is redone
            done, why = again
            run_id, when = done.get("run_id", "?"), done.get("finished", "?")
            print(_one_line(f"{shot.name}: runs again: done by run {run_id} ({when}), but {why}"), flush=True)
        return False
    outcome.status = "skipped"
    outcome.outputs = [str(p) for p in shot_outputs(shot)]
    run_id, when = record.get("run_id", "?"), record.get("finished", "?")
    print(_one_line(f"{shot.name}: skipped: done by run {run_id} ({when}) from the same inputs and "
                    "settings, and its outputs are in place"), flush=True)  # fmt: skip
    return True


def _run_batch(
    shots: list[Shot], outcomes: list[_Outcome], progress: Any, run_id: str = "", skip_done: bool = False
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
            named = _ShotProgress(progress, shot.name)
            named.update("job", i / len(shots), f"shot {i + 1} of {len(shots)}")
            _run_one(shot, outcome, engines, named, run_id)
    except KeyboardInterrupt as exc:  # between two shots: none was cut
        following = next((o.name for o in outcomes if o.status == "not run"), None)
        where = f" before shot {following}" if following is not None else ""
        raise _Stopped(f"{interrupts.message(exc)}{where}", interrupts.exit_code(exc)) from exc


def _run_one(shot: Shot, outcome: _Outcome, engines: Any, progress: Any, run_id: str) -> None:
    """One shot of a batch, recorded in ``outcome``; raises :class:`_Stopped` to stop the batch."""
    t0 = time.perf_counter()
    wrote: list[Path] = []
    try:
        where = f"shot {shot.name!r}: "
        with _warnings_of(outcome.warnings, where):
            line = run_shot(shot, engines, progress, where, wrote, job=True, run_id=run_id)
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
    print(_one_line(f"{shot.name}: {line}"), flush=True)
    if interrupts.received() is not None:  # Blender swallowed it where no stage read it back
        raise _Stopped(f"{interrupts.message()} after shot {shot.name}", interrupts.exit_code())


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
        print(_one_line(run_shot(shot_from_args(args), Engines(), progress, run_id=new_run_id())))
        interrupts.raise_if_interrupted()  # swallowed by a Blender handler after the last check
        return 0
    batch = _Run(_abs_path(args.job), skip_done=args.skip_done)
    summary = STDOUT if args.summary == "-" else _path(args.summary)
    try:
        # every single-shot option given on the command line would be silently ignored: refuse it
        defaults = argparse.ArgumentParser()
        add_arguments(defaults)
        clash = [
            f"--{name.replace('_', '-')}"
            for name, value in vars(args).items()
            if name not in ("job", "quiet", "summary", "skip_done") and value != defaults.get_default(name)
        ]
        if clash:
            raise DualTalkError(
                f"{', '.join(clash)} cannot be combined with --job (put them in the job file)"
            )
        shots = load_jobs(args.job)
    except BaseException as exc:  # refused: the report says so, replacing the previous run's
        if summary is not None:
            _write_refused(summary, batch, exc)
        raise
    if summary is not None and summary != STDOUT:  # like every output: refused before any work
        check_summary(summary, shots, batch.job)
    outcomes = [_Outcome(shot.name) for shot in shots]
    try:
        _prepare(shots, outcomes, args.skip_done)
        _run_batch(shots, outcomes, progress, batch.run_id, args.skip_done)
    except BaseException as exc:  # stopped (a signal, a cancel): the report says how far it got
        if summary is not None:
            stop, code, status = _ending(exc)
            try:
                _write_summary(summary, batch, outcomes, code, status, stop)
            except DualTalkError as why:  # the stop is the error to report; this one only warns
                print(f"warning: {why}", file=sys.stderr, flush=True)
        raise
    failed = [o for o in outcomes if o.status == "failed"]
    skipped = sum(o.status == "skipped" for o in outcomes)
    done = f"{len(shots) - len(failed) - skipped}/{len(shots)} shots done"
    progress.update("job", 1.0, done + (f", {skipped} skipped (done before)" if skipped else ""))
    code = 0 if not failed else 1 if any(o.exit_code == 1 for o in failed) else 2
    last = _failed_line([o.name for o in failed], len(shots)) if failed else None
    if summary is not None:
        _write_summary(summary, batch, outcomes, code, "failed" if failed else "done", last)
    if last is not None:
        error = DualTalkError(last)
        error.exit_code = code  # 1 for internal errors, as for a single shot
        raise error
    return 0
