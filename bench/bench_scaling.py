"""``bench scaling``: time and memory against dialogue length, which windowing keeps linear.

Every length runs the same windowed dialogue generation (both characters); a linear fit
of seconds against minutes and the per-minute cost at each length show whether the
cost grows linearly, and the per-run peak RSS shows memory staying flat.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np

from .engine_setup import PeakRSS, add_network_arguments, parse_list, random_engine, synthetic_dialogue
from .harness import BenchResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--minutes", default="1,2,5,10,20", help="dialogue lengths in minutes (default 1,2,5,10,20)"
    )
    add_network_arguments(parser, tiny_help="toy-size network: shows the shape of the curve quickly")


def run(args: argparse.Namespace) -> BenchResult:
    import torch

    from ..inference.generate import generate_dialogue

    minutes = sorted(parse_list(args.minutes, "--minutes", unit_s=60.0))
    engine = random_engine(layers=args.layers, tiny=args.tiny, device=args.device)
    repeats = max(1, args.repeats)
    result = BenchResult(
        name="scaling",
        columns=[
            "minutes",
            "seconds",
            "CPU s",
            "CPU s per audio min",
            "RTF",
            "windows",
            "peak RSS MB",
            "GPU MB",
        ],
    )
    rows: list[dict[str, Any]] = []
    # warm-up on the shortest length so one-time setup does not land on the first row
    for _ in range(max(0, args.warmup)):
        generate_dialogue(
            synthetic_dialogue(min(minutes) * 60), engine, rounds=args.rounds, window_s=args.window
        )
    for m in minutes:
        dialogue = synthetic_dialogue(m * 60, seed=int(m * 10))
        cuda = engine.device.type == "cuda"
        if cuda:
            torch.cuda.reset_peak_memory_stats(engine.device)
        times, cpu = [], []
        with PeakRSS() as mem:
            for _ in range(repeats):
                t0, c0 = time.perf_counter(), time.process_time()
                a, _ = generate_dialogue(dialogue, engine, rounds=args.rounds, window_s=args.window)
                if cuda:
                    torch.cuda.synchronize(engine.device)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        seconds = float(np.median(times))
        cpu_s = float(np.median(cpu))
        gpu = torch.cuda.max_memory_allocated(engine.device) / 2**20 if cuda else None
        rows.append(
            {
                "minutes": m,
                "seconds": seconds,
                "cpu_s": cpu_s,
                "peak_rss_mb": mem.peak_mb,
                "gpu_mb": gpu,
                "windows": a.meta["windows"],
            }
        )
        result.rows.append(
            [
                m,
                seconds,
                cpu_s,
                cpu_s / m,
                seconds / (m * 60),
                a.meta["windows"],
                round(mem.peak_mb),
                "-" if gpu is None else round(gpu),
            ]
        )
        del dialogue
    x = np.array([r["minutes"] for r in rows])
    # fit CPU time: on a shared machine wall-clock mostly measures the neighbours
    y = np.array([r["cpu_s"] for r in rows])
    fit: dict[str, float] = {}
    if len(rows) >= 2:
        slope, intercept = np.polyfit(x, y, 1)
        pred = slope * x + intercept
        ss_res = float(((y - pred) ** 2).sum())
        ss_tot = float(((y - y.mean()) ** 2).sum()) or 1.0
        fit = {"s_per_min": float(slope), "intercept_s": float(intercept), "r2": 1 - ss_res / ss_tot}
        per_min = y / x
        fit["per_min_spread"] = float(per_min.max() / per_min.min())
        result.notes.append(
            f"linear fit of CPU time: {slope:.3g} s per audio minute + {intercept:.3g} s, R^2 = {fit['r2']:.4f}; "
            f"per-minute cost varies {fit['per_min_spread']:.2f}x across lengths; peak RSS "
            f"{min(r['peak_rss_mb'] for r in rows):.0f}-{max(r['peak_rss_mb'] for r in rows):.0f} MB"
        )
    size = "tiny" if args.tiny else f"{engine.model.config.encoder.num_layers}-layer"
    result.notes.append(
        f"{size} random DualTalk network on {engine.device}; median of {repeats} run(s) per length"
    )
    result.notes.append(f"load average {os.getloadavg()[0]:.1f} at the end")
    result.summary = {
        "loadavg": os.getloadavg()[0],
        "network": size,
        "device": str(engine.device),
        "rows": rows,
        "fit": fit,
    }
    return result
