"""``dualtalk bench lite``: the embedded lite model, both characters, on CPU.

Runs the real pipeline (:func:`generate_dialogue`, default 2 refinement rounds, default
window, then the default lip release and lip rounding of both characters) on a ``--seconds`` dialogue
synthesised as two alternating noise-excited "voices" (the model's speed does not depend
on what is said), and reports the median wall time, real-time factor, the split between
audio encoding and decoding (and the voice lip passes' share, ``lips_s``), peak RSS, and how time scales with
length. Target: 60 s for both characters in <= 2 s on CPU.

The 60 s take is then timed side by side idle and busy: the bench starts its own
background load (one spinning process per usable CPU, what a render or another job does
to the add-on's worker) and compares the engine's own thread choice
(:func:`~dualtalk.inference.engine.choose_threads`) with torch's default. Target: busy at
most 1.5x idle for the chosen threads.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from .harness import BenchResult, length, peak_rss_mb, timeit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=length, default=60.0, help="dialogue length (default 60)")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch CPU threads (0 = the engine's own choice)"
    )
    parser.add_argument(
        "--no-load", action="store_true", help="skip the idle-vs-busy comparison with a background load"
    )
    parser.add_argument(
        "--load-nice",
        type=int,
        default=0,
        metavar="N",
        help="niceness of the background load (0 = same priority as the bench; 10 = background work)",
    )
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


@contextlib.contextmanager
def background_load(processes: int, nice: int = 0) -> Iterator[None]:
    """``processes`` busy-looping Python processes (at niceness ``nice``) for the duration of the block."""
    code = f"import os; os.nice({int(nice)})\nwhile True: pass" if nice else "while True: pass"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL) for _ in range(processes)
    ]
    try:
        time.sleep(0.5)  # let them reach the run queue
        yield
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def run(args: argparse.Namespace) -> BenchResult:
    import torch

    from ..inference.engine import load_engine
    from ..inference.generate import generate_dialogue
    from ..inference.phonetic.voice_lips import shape_lips

    default_threads = torch.get_num_threads()  # torch's own default, before the engine chooses
    engine = load_engine(engine="lite", device=args.device)
    # the bench sets torch's thread count itself (the engine's choice, --threads, torch's default)
    if engine.threads is not None:
        torch.set_num_threads(engine.threads)
    engine.threads = None
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    chosen = torch.get_num_threads()
    network: Any = engine.model  # a torch module; the engine's protocol names only what generation calls
    params = sum(p.numel() for p in network.parameters())
    rss0 = peak_rss_mb()
    result = BenchResult(
        "lite",
        ["audio s", "load", "threads", "median s", "min s", "RTF", "encode s", "decode s", "peak RSS MiB"],
        notes=[
            f"lite model: {params / 1e6:.2f} M parameters, device {engine.device}, torch threads {chosen} "
            f"(torch default {default_threads})"
        ],
    )
    lengths = sorted({max(args.seconds / 4, 5.0), max(args.seconds / 2, 5.0), args.seconds})
    summary: dict = {}

    def measure(seconds: float, threads: int, load: str) -> tuple[dict, dict]:
        torch.set_num_threads(threads)
        dialogue = _dialogue(seconds)
        last: dict = {}

        def once(d=dialogue, store=last) -> None:
            ma, mb = generate_dialogue(d, engine)
            t0 = time.perf_counter()
            shape_lips(ma, d.a, active=d.active_a)
            shape_lips(mb, d.b, active=d.active_b)
            store.update(ma.meta.get("timings", {}), lips_s=time.perf_counter() - t0)

        stats = timeit(once, repeats=args.repeats, warmup=args.warmup)
        result.rows.append(
            [seconds, load, threads, stats["median"], stats["min"], stats["median"] / seconds,
             last.get("encode_s", float("nan")), last.get("decode_s", float("nan")), peak_rss_mb()]
        )  # fmt: skip
        return stats, last

    for seconds in lengths:
        stats, last = measure(seconds, chosen, "idle")
        if seconds == args.seconds:
            summary = {
                "seconds_audio": seconds,
                "threads": chosen,
                "median_s": stats["median"],
                "min_s": stats["min"],
                "rtf": stats["median"] / seconds,
                "encode_s": last.get("encode_s"),
                "decode_s": last.get("decode_s"),
                "lips_s": last.get("lips_s"),
                "peak_rss_mb": peak_rss_mb(),
                "rss_added_mb": peak_rss_mb() - rss0,
                "target_s": 2.0,
                "meets_target": bool(stats["median"] <= 2.0 * seconds / 60.0),
                "params": params,
            }
    if not args.no_load and args.device == "cpu":
        from ..inference.engine import usable_cpus

        idle = {chosen: summary["median_s"]}
        if default_threads != chosen:
            idle[default_threads] = measure(args.seconds, default_threads, "idle")[0]["median"]
        busy = {}
        nice = f", nice {args.load_nice}" if args.load_nice else ""
        label = f"busy ({usable_cpus()} spinners{nice})"
        with background_load(usable_cpus(), args.load_nice):
            for threads in idle:
                busy[threads] = measure(args.seconds, threads, label)[0]["median"]
        summary["load_nice"] = args.load_nice
        summary["busy_median_s"] = busy[chosen]
        summary["busy_over_idle"] = busy[chosen] / idle[chosen]
        summary["meets_load_target"] = bool(busy[chosen] <= 1.5 * idle[chosen])
        if default_threads != chosen:
            summary["default_threads"] = default_threads
            summary["default_busy_over_idle"] = busy[default_threads] / idle[default_threads]
        torch.set_num_threads(chosen)
    result.summary = summary
    return result
