"""``dualtalk bench fbx``: FBX export time and file size for a keyed dialogue.

Two characters (52 ARKit keys + head-bone rotation each) keyed with ``--minutes`` of
motion, then exported with :func:`export_fbx` (shape keys kept, every frame baked, no key
thinning). Blender's exporter steps through every frame, so time grows linearly with the
take; use ``--repeats 1 --warmup 0`` for the 10-minute figure on a slow machine.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from .harness import BenchResult, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=10.0, help="take length (default 10)")
    parser.add_argument("--fps", type=int, default=25, help="scene frame rate (default 25)")
    parser.add_argument(
        "--characters",
        choices=("test", "demo"),
        default="test",
        help="test: 8-vertex meshes with 52 keys + 2-bone rig; demo: the anny demo characters (14k vertices, 163 bones)",
    )


def run(args: argparse.Namespace) -> BenchResult:
    import bpy

    from ..dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from ..dualtalk_blender.scene.fbx_export import export_fbx
    from .bench_keying import make_characters, make_motions

    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.context.scene.render.fps = args.fps
    if args.characters == "demo":
        from ..dualtalk_blender.demo.demo_scene import build_demo_scene

        a, b = build_demo_scene(bpy.context.scene)
    else:
        a, b = make_characters()
    ma, mb = make_motions(int(round(args.minutes * 60 * 25)))
    rep_a, rep_b, _ = apply_dialogue(a, b, ma, mb, ApplyOptions(undo_push=False, frame_range="fit"))
    rss0 = peak_rss_mb()
    with tempfile.TemporaryDirectory(prefix="dualtalk-bench-fbx-") as tmp:
        path = Path(tmp) / "dialogue.fbx"
        stats = timeit(lambda: export_fbx([a, b], path), repeats=args.repeats, warmup=args.warmup)
        size_mb = path.stat().st_size / 1e6
    frames = rep_a.frames
    seconds = stats["median"]
    return BenchResult(
        name="fbx",
        columns=["take", "frames", "shape keys", "seconds", "s per take-minute", "MB", "MB per take-minute"],
        rows=[
            [
                f"{args.minutes:g} min x 2 ({args.characters})",
                frames,
                2 * 52,
                seconds,
                seconds / args.minutes,
                size_mb,
                size_mb / args.minutes,
            ]
        ],
        summary={
            "seconds": seconds,
            "seconds_min": stats["min"],
            "runs": stats["runs"],
            "size_mb": size_mb,
            "minutes": args.minutes,
            "frames_per_character": frames,
            "fps": args.fps,
            "characters": 2,
            "character_kind": args.characters,
            "added_peak_rss_mb": peak_rss_mb() - rss0,
        },
        notes=[
            "Blender's FBX exporter bakes every frame (no key thinning): time and size are linear in the take"
        ],
    )
