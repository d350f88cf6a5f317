"""Measuring helpers shared by every ``dualtalk bench`` target.

Each target module (``bench/bench_<what>.py``) exposes ``add_arguments(parser)`` and
``run(args) -> BenchResult``. Timings are medians of ``repeats`` runs after ``warmup``
runs; peak memory is the process's peak RSS (Linux ``ru_maxrss``), sampled before and
after so a target can report what it added.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..inference.core.motion import MAX_SECONDS  # the engine refuses a longer take


def check_length(value: float, unit_s: float = 1.0) -> str | None:
    """Why a take's length (in units of ``unit_s`` seconds) cannot be benchmarked, or None. The
    engine refuses a take over four hours, so a longer one would only fail after minutes of
    building it and gigabytes (``bench lite --seconds 100000``: 211 s and 13 GB)."""
    most = MAX_SECONDS / unit_s
    if not value > 0:  # NaN too
        return "must be more than 0"
    if not value <= most:  # inf too
        return f"must be at most {most:g} (four hours: the engine refuses a longer take)"
    return None


def _take_length(unit_s: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        why = check_length(value, unit_s)
        if why is not None:
            raise argparse.ArgumentTypeError(f"{why}, got {text}")
        return value

    return parse


# argparse types for a take's length in seconds / minutes: a finite number above 0 (a negative one
# used to end in numpy's "negative dimensions are not allowed"), at most four hours
length = _take_length(1.0)
length_minutes = _take_length(60.0)


def count(low: int, high: int | None = None):
    """An argparse type for a whole number from ``low`` (to ``high``): ``--fps 0`` used to run at
    1 fps and print the result as if it were the scene's."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low or (high is not None and value > high):
            span = f"{low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {span}, got {text}")
        return value

    return parse


FPS = count(1, 1000)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def machine_info() -> dict[str, Any]:
    """A short description of where the numbers were measured."""
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        import os

        info["cpus"] = os.cpu_count()
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
    except ImportError:
        pass
    return info


def machine_line(info: dict[str, Any]) -> str:
    """:func:`machine_info` as the one line printed under every table (timings need their machine)."""
    cpu = f"{info['cpu']}, " if info.get("cpu") else ""
    parts = [f"{cpu}{info.get('cpus', '?')} CPUs"]
    if info.get("gpu"):
        parts.append(f"GPU {info['gpu']}")
    parts.append(f"Python {info['python']}")
    if info.get("torch"):
        parts.append(f"torch {info['torch']}, torch threads {info.get('torch_threads', '?')}")
    parts.append(str(info["platform"]))
    return "machine: " + "; ".join(parts)


def timeit(
    fn: Callable[[], Any], *, repeats: int = 5, warmup: int = 1, sync: Callable[[], None] | None = None
) -> dict[str, float]:
    """Median/min/max seconds of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(max(warmup, 0)):
        fn()
        if sync:
            sync()
    times = []
    for _ in range(max(repeats, 1)):
        t0 = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append(time.perf_counter() - t0)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "runs": len(times)}


@dataclass
class BenchResult:
    """Rows for the human table plus the summary object printed as the last JSON line."""

    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def table(self) -> str:
        cells = [[str(c) for c in self.columns]] + [[_fmt(v) for v in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.columns))]
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
        lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
        return "\n".join([f"## bench {self.name}", *lines, *self.notes])

    def emit(self, as_json: bool, stream=None) -> None:
        stream = stream or sys.stdout
        machine = machine_info()
        print(self.table(), file=stream)
        print(machine_line(machine), file=stream)  # a pasted table says where it was measured
        if as_json:
            payload = {"bench": self.name, **self.summary, "machine": machine}
            print(json.dumps(payload, default=float), file=stream)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"
    return str(v)
