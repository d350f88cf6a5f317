"""``dualtalk bench keying``: keying both characters, the whole take and the raw curve fill, vs
``keyframe_insert``.

Two things are timed, and named so in the table:

- **whole take**: :func:`apply_dialogue` on ``--minutes`` of dialogue, two characters (52 ARKit
  shape keys + head-bone rotation each): retargeting, the layer actions and their rest keys, and the
  record of the keys written that finds hand edits in the layers the next time (each run re-keys the
  take, so it reads the earlier one back). This is what Generate and ``animate`` pay. Target <= 3 s
  for 10 minutes.
- **raw fill**: the same curves written with nothing but ``keyframe_points.add`` + ``foreach_set``
  (:func:`.keying.fill`), the bulk write everything above is built on. Target >= 50x
  ``keyframe_insert`` on the same job.

Side by side on a sample (one character, ``--sample-frames`` frames) each is compared with per-key
``keyframe_insert``. ``keyframe_insert`` gets slower per key as a curve grows (each insert
reallocates the curve's key array), so the sample ratio is a lower bound for long takes; the
full-take cost is also estimated from a quadratic fit over three sample sizes
(``keyframe_insert_full_estimate_seconds``), never run in full (it would take hours).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .blender_scene import empty_scene
from .harness import FPS, BenchResult, count, length_minutes, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=length_minutes, default=10.0, help="take length (default 10)")
    parser.add_argument("--fps", type=FPS, default=25, help="scene frame rate (default 25)")
    parser.add_argument(
        "--sample-frames", type=count(1), default=500, help="frames keyed with keyframe_insert"
    )


WHOLE_TAKE = "whole take (apply_dialogue / apply_motion)"
RAW_FILL = "raw fill (keyframe_points.add + foreach_set)"


def make_characters():
    """Two test characters: mesh with the 52 ARKit keys, parented to a neck/head rig."""
    import bpy

    from ..inference.core.channels import ARKIT52

    scene, view_layer = bpy.context.scene, bpy.context.view_layer
    if scene is None or view_layer is None:
        raise RuntimeError("Blender has no scene to build the test characters in")
    chars = []
    for i, name in enumerate(("BenchA", "BenchB")):
        me = bpy.data.meshes.new(name)
        me.from_pydata(
            [(x, y, z) for x in (0, 0.1) for y in (0, 0.1) for z in (1.5, 1.7)], [], [(0, 1, 3, 2)]
        )
        obj = bpy.data.objects.new(name, me)
        scene.collection.objects.link(obj)
        obj.shape_key_add(name="Basis")
        for key in ARKIT52:
            obj.shape_key_add(name=key, from_mix=False).value = 0.0
        rig = bpy.data.armatures.new(name + "_rig")
        arm = bpy.data.objects.new(name + "_rig", rig)
        scene.collection.objects.link(arm)
        view_layer.objects.active = arm
        bpy.ops.object.mode_set(mode="EDIT")
        neck = rig.edit_bones.new("neck")
        neck.head, neck.tail = (0, 0, 1.3), (0, 0, 1.45)
        head = rig.edit_bones.new("head")
        head.head, head.tail, head.parent = (0, 0, 1.45), (0, 0, 1.75), neck
        bpy.ops.object.mode_set(mode="OBJECT")
        arm.location = (i * 1.0, 0, 0)
        obj.parent = arm
        chars.append(obj)
    return chars


def make_motions(frames: int):
    from ..inference.core.motion import Motion

    rng = np.random.default_rng(0)
    out = []
    speak = (np.arange(frames) // 100) % 2 == 0
    for role, sp in (("A", speak), ("B", ~speak)):
        v = rng.uniform(0, 1, (frames, 55)).astype(np.float32)
        v[:, 52:] = rng.normal(0, 0.1, (frames, 3))
        out.append(Motion("arkit55", v, speaking=sp, role=role))
    return out


def keyframe_insert_sample(obj, motion, frames: int) -> tuple[float, int]:
    """Seconds and key count for keying ``frames`` frames of one character the slow way."""
    from ..dualtalk_blender.rig.retarget import compose

    key = obj.data.shape_keys
    blocks = [key.key_blocks[n] for n in motion.channels[:52]]
    pb = obj.parent.pose.bones["head"]
    quats = compose(np.array([1.0, 0, 0, 0]), motion.values[:frames, 52:55])
    values = motion.values[:frames, :52]
    t0 = time.perf_counter()
    for f in range(frames):
        for j, kb in enumerate(blocks):
            kb.value = float(values[f, j])
            kb.keyframe_insert("value", frame=f + 1)
        pb.rotation_quaternion = quats[f]
        pb.keyframe_insert("rotation_quaternion", frame=f + 1)
    return time.perf_counter() - t0, frames * (len(blocks) + 4)


def raw_fill(chars, motions, frames: int):
    """A function that writes ``frames`` frames of each character's 56 curves with nothing but
    ``keyframe_points.add`` + ``foreach_set`` (:func:`.keying.fill`, which first clears the curve), and
    the keys it writes; the actions and curves are made here, untimed."""
    import bpy

    from ..dualtalk_blender.rig.retarget import compose
    from ..dualtalk_blender.scene import compat
    from ..dualtalk_blender.scene.keying import fill

    curves = []
    for obj, motion in zip(chars, motions, strict=True):
        values = motion.values[:frames]
        quats = compose(np.array([1.0, 0, 0, 0]), values[:, 52:55])
        keyed = (
            (obj.data.shape_keys, [(f'key_blocks["{n}"].value', 0, values[:, j]) for j, n in enumerate(motion.channels[:52])]),
            (obj.parent, [('pose.bones["head"].rotation_quaternion', i, quats[:, i]) for i in range(4)]),
        )  # fmt: skip
        for idblock, paths in keyed:
            action = bpy.data.actions.new(f"raw_{idblock.name}")
            slot = compat.new_slot(action, idblock, idblock.name)
            compat.assign(idblock, action, slot)
            bag = compat.channelbag(action, slot)
            curves += [(bag.fcurves.new(path, index=i), v) for path, i, v in paths]
    x = np.arange(1, frames + 1, dtype=np.float64)

    def write() -> None:
        for fc, v in curves:
            fill(fc, x, v)

    return write, frames * len(curves)


def run(args: argparse.Namespace) -> BenchResult:

    from ..dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion

    empty_scene(args.fps)
    a, b = make_characters()
    frames = int(round(args.minutes * 60 * 25))
    ma, mb = make_motions(frames)
    rss0 = peak_rss_mb()
    reports = []

    def bulk():
        reports.append(apply_dialogue(a, b, ma, mb, ApplyOptions(undo_push=False, frame_range="fit")))

    stats = timeit(bulk, repeats=args.repeats, warmup=args.warmup)
    rep_a, rep_b, _ = reports[-1]
    keys = rep_a.keys + rep_b.keys
    curves = rep_a.curves + rep_b.curves
    empty_scene(args.fps)
    write, raw_keys = raw_fill(make_characters(), (ma, mb), frames)
    raw_stats = timeit(write, repeats=args.repeats, warmup=args.warmup)

    # Side by side on a sample: one character, the same frames, bulk vs keyframe_insert.
    sample = max(8, min(args.sample_frames, frames))
    ma_s = make_motions(sample)[0]
    bulk_sample = []

    def fresh():
        empty_scene(args.fps)
        return make_characters()[0]

    char = fresh()
    sample_stats = timeit(
        lambda: bulk_sample.append(apply_motion(char, ma_s, ApplyOptions(undo_push=False, head=True))),
        repeats=args.repeats,
        warmup=args.warmup,
    )
    empty_scene(args.fps)
    write, raw_sample_keys = raw_fill(make_characters()[:1], (ma_s,), sample)
    raw_sample = timeit(write, repeats=args.repeats, warmup=args.warmup)
    sizes = sorted({max(4, sample // 4), max(4, sample // 2), sample})
    insert_times = []
    for n in sizes:
        seconds, ins_keys = keyframe_insert_sample(fresh(), ma_s, n)
        insert_times.append(seconds)
    ins_seconds = insert_times[-1]
    ratio = ins_seconds / sample_stats["median"]
    raw_ratio = ins_seconds / raw_sample["median"]
    # time(n) ~ a*n + b*n^2 per character: fit on the samples, evaluate at the full length.
    n_arr = np.array(sizes, dtype=np.float64)
    coef, *_ = np.linalg.lstsq(np.stack([n_arr, n_arr**2], 1), np.array(insert_times), rcond=None)
    full_frames = rep_a.frames
    extrapolated = 2 * float(coef[0] * full_frames + max(coef[1], 0.0) * full_frames**2)
    result = BenchResult(
        name="keying",
        columns=["method", "take", "keys", "seconds", "keys/s"],
        rows=[
            [WHOLE_TAKE, f"{args.minutes:g} min x 2", keys, stats["median"], keys / stats["median"]],
            [
                RAW_FILL,
                f"{args.minutes:g} min x 2",
                raw_keys,
                raw_stats["median"],
                raw_keys / raw_stats["median"],
            ],
            [
                WHOLE_TAKE,
                f"{sample} frames x 1",
                bulk_sample[-1].keys,
                sample_stats["median"],
                bulk_sample[-1].keys / sample_stats["median"],
            ],
            [
                RAW_FILL,
                f"{sample} frames x 1",
                raw_sample_keys,
                raw_sample["median"],
                raw_sample_keys / raw_sample["median"],
            ],
            ["keyframe_insert", f"{sample} frames x 1", ins_keys, ins_seconds, ins_keys / ins_seconds],
            [
                "keyframe_insert (fit estimate)",
                f"{args.minutes:g} min x 2",
                keys,
                extrapolated,
                keys / extrapolated,
            ],
        ],  # fmt: skip
        summary={
            "seconds": stats["median"],
            "seconds_min": stats["min"],
            "runs": stats["runs"],
            "minutes": args.minutes,
            "characters": 2,
            "frames_per_character": rep_a.frames,
            "fps": args.fps,
            "curves": curves,
            "keys": keys,
            "sample_frames": sample,
            "bulk_sample_seconds": sample_stats["median"],
            "keyframe_insert_sample_seconds": ins_seconds,
            "keyframe_insert_sample_keys": ins_keys,
            "keyframe_insert_sizes": sizes,
            "keyframe_insert_times": insert_times,
            "keyframe_insert_full_estimate_seconds": extrapolated,
            "ratio_vs_keyframe_insert": ratio,
            "ratio_full_take_estimate": extrapolated / stats["median"],
            "raw_fill_seconds": raw_stats["median"],
            "raw_fill_sample_seconds": raw_sample["median"],
            "ratio_raw_fill_vs_keyframe_insert": raw_ratio,
            "added_peak_rss_mb": peak_rss_mb() - rss0,
            # seconds: the whole take of --minutes, both characters; ratio: the raw fill's
            "targets": {"seconds_max": 3.0, "ratio_min": 50.0},
            "meets_targets": {"seconds_max": stats["median"] <= 3.0, "ratio_min": raw_ratio >= 50.0},
        },
        notes=[
            "whole take = apply_dialogue/apply_motion (retarget, layers, rest keys, the record that finds hand "
            "edits; re-keyed each run); raw fill = keyframe_points.add + foreach_set alone",
            f"same {sample}-frame job side by side vs keyframe_insert: raw fill {raw_ratio:.0f}x (target >= 50x), "
            f"whole take {ratio:.0f}x; {args.minutes:g} min x 2 whole take {stats['median']:.2f} s (target <= 3 s)",
            f"full take with keyframe_insert, quadratic-fit estimate: {extrapolated:.0f} s "
            f"({extrapolated / stats['median']:.0f}x)",
            f"{curves} curves ({len(ma.channels) - 3} shape keys + head quaternion per character)",
        ],
    )
    return result
