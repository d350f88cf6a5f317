"""``dualtalk bench e2e``: ``animate`` wall time for a dialogue on the demo characters, by stage.

Setup (not timed): the demo scene (two anny characters, camera, lights) saved as IN.blend
and the committed demo conversation looped to ``--minutes`` as one stereo file. Timed: one
complete ``animate`` shot as the CLI runs it (open the scene, load the engine, read the
audio, generate, write and re-read the motion files, key both characters, save OUT.blend,
export FBX), with a progress recorder that timestamps each stage.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from .blender_scene import empty_scene
from .harness import BenchResult, length_minutes, peak_rss_mb


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=length_minutes, default=2.0, help="dialogue length (default 2)")
    parser.add_argument(
        "--checkpoint", metavar="PTH", help="published DualTalk.pth (default: embedded lite model)"
    )
    parser.add_argument("--engine", choices=("auto", "dualtalk", "lite"), default="auto")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--no-fbx", action="store_true", help="skip the FBX export stage")


class StageClock:
    """Progress sink that remembers when each stage was first reported."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.first.setdefault(stage, time.perf_counter())

    def check_cancel(self) -> None:
        pass


def _setup(folder: Path, minutes: float) -> tuple[Path, Path, str, str]:
    import bpy
    import soundfile as sf

    from ..dualtalk_blender.demo.demo_dialogue import from_asset
    from ..dualtalk_blender.demo.demo_scene import build_demo_scene

    conv = from_asset()
    n = int(round(minutes * 60 * 16000))
    reps = int(np.ceil(n / len(conv.a)))
    stereo = np.stack([np.tile(conv.a, reps)[:n], np.tile(conv.b, reps)[:n]], axis=1)
    wav = folder / "dialogue.wav"
    sf.write(str(wav), stereo, 16000, subtype="FLOAT")
    obj_a, obj_b = build_demo_scene(empty_scene(25))
    blend = folder / "in.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    return blend, wav, obj_a.name, obj_b.name


def run(args: argparse.Namespace) -> BenchResult:
    from ..dualtalk_blender.commands.jobs import Shot
    from ..dualtalk_blender.commands.shot_run import run_shot
    from ..dualtalk_blender.scene.blendio import quiet_stdout
    from ..inference.pipeline import Engines

    with tempfile.TemporaryDirectory(prefix="dualtalk-bench-e2e-") as tmp:
        folder = Path(tmp)
        blend, wav, name_a, name_b = _setup(folder, args.minutes)
        rss0 = peak_rss_mb()
        totals: list[float] = []
        stage_runs: dict[str, list[float]] = {}
        for i in range(max(args.warmup, 0) + max(args.repeats, 1)):
            shot = Shot.build(
                "e2e",
                {
                    "audio": wav,
                    "checkpoint": Path(args.checkpoint) if args.checkpoint else None,
                    "engine": args.engine,
                    "device": args.device,
                },
                blend=blend,
                char_a=name_a,
                char_b=name_b,
                out=folder / f"out{i}.blend",
                fbx=None if args.no_fbx else folder / f"out{i}.fbx",
            )
            clock = StageClock()
            t0 = time.perf_counter()
            with quiet_stdout():
                run_shot(shot, Engines(), clock)
            end = time.perf_counter()
            if i < args.warmup:
                continue
            totals.append(end - t0)
            marks = sorted(clock.first.items(), key=lambda kv: kv[1])
            stage_runs.setdefault("open scene", []).append((marks[0][1] if marks else end) - t0)
            for (stage, start), nxt in zip(marks, [*marks[1:], ("", end)], strict=True):
                stage_runs.setdefault(stage, []).append(nxt[1] - start)
    total = statistics.median(totals)
    stages = {k: statistics.median(v) for k, v in stage_runs.items()}
    rows = [[k, v, 100.0 * v / total] for k, v in stages.items()]
    rows.append(["total", total, 100.0])
    return BenchResult(
        name="e2e",
        columns=["stage", "seconds", "% of total"],
        rows=rows,
        summary={
            "seconds": total,
            "seconds_min": min(totals),
            "runs": len(totals),
            "minutes": args.minutes,
            "real_time_factor": total / (args.minutes * 60),
            "stages": stages,
            "engine": args.engine
            if args.checkpoint is None
            else f"{args.engine}:{Path(args.checkpoint).name}",
            "fbx": not args.no_fbx,
            "added_peak_rss_mb": peak_rss_mb() - rss0,
        },
        notes=[f"animate on the demo characters, {args.minutes:g} min dialogue: {total:.1f} s wall"],
    )
