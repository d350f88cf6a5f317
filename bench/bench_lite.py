"""``dualtalk bench lite``: the embedded lite model, both characters, on CPU.

Runs the real pipeline (:func:`generate_dialogue`, default 2 refinement rounds, default
window) on a ``--seconds`` dialogue synthesised as two alternating noise-excited
"voices" (the model's speed does not depend on what is said), and reports the median
wall time, real-time factor, the split between audio encoding and decoding, peak RSS,
and how time scales with length. Target: 60 s for both characters in <= 2 s on CPU.
"""

from __future__ import annotations

import argparse

import numpy as np

from .harness import BenchResult, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=60.0, help="dialogue length (default 60)")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = torch default)")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")


def _dialogue(seconds: float):
    """Two streams taking 3 s turns: amplitude-modulated noise, like speech in level and rhythm."""
    from ..inference.audio import Dialogue

    sr, fps = 16000, 25
    n = int(seconds * sr)
    rng = np.random.default_rng(0)
    t = np.arange(n) / sr
    syllables = 0.5 + 0.5 * np.sin(2 * np.pi * 4.0 * t)
    turn_a = (t // 3.0) % 2 == 0
    a = (rng.standard_normal(n) * 0.1 * syllables * turn_a).astype(np.float32)
    b = (rng.standard_normal(n) * 0.1 * syllables * ~turn_a).astype(np.float32)
    frames = int(np.ceil(n / sr * fps))
    act_a = turn_a[:: sr // fps][:frames]
    return Dialogue(a=a, b=b, active_a=act_a, active_b=~act_a)


def run(args: argparse.Namespace) -> BenchResult:
    import torch

    from ..inference.engine import load_engine
    from ..inference.generate import generate_dialogue

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    engine = load_engine(engine="lite", device=args.device)
    params = sum(p.numel() for p in engine.model.parameters())
    rss0 = peak_rss_mb()
    result = BenchResult(
        "lite",
        ["audio s", "median s", "min s", "RTF", "encode s", "decode s", "peak RSS MiB"],
        notes=[
            f"lite model: {params / 1e6:.2f} M parameters, device {engine.device}, torch threads {torch.get_num_threads()}"
        ],
    )
    lengths = sorted({max(args.seconds / 4, 5.0), max(args.seconds / 2, 5.0), args.seconds})
    summary: dict = {}
    for seconds in lengths:
        dialogue = _dialogue(seconds)
        last: dict = {}

        def once(d=dialogue, store=last) -> None:
            ma, _mb = generate_dialogue(d, engine)
            store.update(ma.meta.get("timings", {}))

        stats = timeit(once, repeats=args.repeats, warmup=args.warmup)
        row = [seconds, stats["median"], stats["min"], stats["median"] / seconds,
               last.get("encode_s", float("nan")), last.get("decode_s", float("nan")), peak_rss_mb()]  # fmt: skip
        result.rows.append(row)
        if seconds == args.seconds:
            summary = {
                "seconds_audio": seconds,
                "median_s": stats["median"],
                "min_s": stats["min"],
                "rtf": stats["median"] / seconds,
                "encode_s": last.get("encode_s"),
                "decode_s": last.get("decode_s"),
                "peak_rss_mb": peak_rss_mb(),
                "rss_added_mb": peak_rss_mb() - rss0,
                "target_s": 2.0,
                "meets_target": bool(stats["median"] <= 2.0 * seconds / 60.0),
                "params": params,
            }
    result.summary = summary
    return result
