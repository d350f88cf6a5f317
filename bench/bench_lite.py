"""``dualtalk bench lite``: the embedded lite model, both characters, on CPU.

Runs the real pipeline (:func:`generate_dialogue`, default 2 refinement rounds, default
window, then the default lip release and lip rounding of both characters) on a ``--seconds`` dialogue
synthesised as two alternating noise-excited "voices" (the model's speed does not depend
on what is said), and reports the median wall time, real-time factor, the split between
audio encoding and decoding (and the voice lip passes' share, ``lips_s``), peak RSS, and how time scales with
length. Target: 60 s for both characters in <= 2 s on CPU; another ``--seconds`` is judged against the
same rate (``--json``: ``target_s`` is the threshold ``meets_target`` applied, ``target_s_per_60s`` the 2 s).

The 60 s take is then timed side by side idle and busy: the bench starts its own
background load (one spinning process per usable CPU, what a render or another job does
to the add-on's worker) and compares the engine's own thread choice
(:func:`~dualtalk.inference.engine.choose_threads`) with torch's default. Target: busy at
most 1.5x idle for the chosen threads.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..inference.core.errors import DualTalkError
from .harness import BenchResult, length, peak_rss_mb, timeit

TARGET_S_PER_60S = 2.0  # the lite engine's goal: 60 s of dialogue, both characters, in 2 s on CPU
NICE_RANGE = (-20, 19)  # what the kernel takes; a value outside it is clamped, so the label would lie


def max_threads() -> int:
    """The most torch threads ``--threads`` takes: 4 per CPU (more only measures oversubscription;
    ``--threads 999`` ran 999 threads and reported an RTF of 3.3)."""
    return 4 * (os.cpu_count() or 1)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def threads_arg(text: str) -> int:
    """``--threads``: 0 (the engine's choice) to :func:`max_threads`; -1 used to run the engine's
    choice without a word."""
    value, most = _whole(text), max_threads()
    if not 0 <= value <= most:
        raise argparse.ArgumentTypeError(
            f"must be 0 (the engine's own choice) to {most} (4 per CPU), got {text}"
        )
    return value


def nice_arg(text: str) -> int:
    """``--load-nice``: -20 to 19, the kernel's range (``--load-nice 50`` was reported as nice 50 while
    the load ran at 19)."""
    value = _whole(text)
    low, high = NICE_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be {low} to {high} (the kernel's niceness range), got {text}")
    return value


def target_s(seconds: float) -> float:
    """The wall time ``seconds`` of dialogue must beat: the 60 s target scaled to the take's length."""
    return TARGET_S_PER_60S * seconds / 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=length, default=60.0, help="dialogue length (default 60)")
    parser.add_argument(
        "--threads",
        type=threads_arg,
        default=0,
        help="torch CPU threads (0 = the engine's own choice; at most 4 per CPU)",
    )
    parser.add_argument(
        "--no-load", action="store_true", help="skip the idle-vs-busy comparison with a background load"
    )
    parser.add_argument(
        "--load-nice",
        type=nice_arg,
        default=0,
        metavar="N",
        help="niceness of the background load, -20 to 19 (0 = same priority as the bench; "
        "10 = background work; below 0 needs root)",
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
        if any(proc.poll() is not None for proc in procs):  # e.g. a negative niceness without root
            raise DualTalkError(
                f"the background load did not start (--load-nice {nice}: below 0 needs root); "
                "no busy timing was taken"
            )
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
    from ..inference.pipeline import shape_both_lips

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
            shape_both_lips(d, ma, mb, engine.name)  # the lip passes as infer runs them
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
                "target_s": target_s(seconds),  # the threshold meets_target was judged against
                "target_s_per_60s": TARGET_S_PER_60S,
                "meets_target": bool(stats["median"] <= target_s(seconds)),
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
