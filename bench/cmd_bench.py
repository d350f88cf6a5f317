"""``python -m dualtalk bench <what>``: speed and memory, printed as a table (+ JSON last line).

Each target is ``bench/bench_<what>.py`` with ``add_arguments(parser)`` and
``run(args) -> BenchResult``; target modules import torch/bpy inside ``run`` so that
building this parser stays cheap.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

TARGETS = {
    "engine": "published-architecture engine, both characters, dialogue mode",
    "lite": "embedded lite model, 60 s dialogue, both characters",
    "keying": "bulk keying of both characters vs keyframe_insert",
    "fbx": "FBX export time and size",
    "e2e": "animate wall time by stage on the demo characters",
    "scaling": "time and memory against audio length (windowed inference)",
    "transcript": "what --transcript adds: aligning and drawing both characters' lips",
    "sound": "which sound strips are DualTalk's in a file of many takes: take records read and seconds per call",
    "soak": "the same batch job run again and again in one process: what grows (memory, files, datablocks)",
}


RUNS = {"repeats": 5, "warmup": 1}  # a target's ``QUICK_RUNS`` replaces these under its --quick


def _count(least: int) -> Callable[[str], int]:
    """An argparse type for a whole number of runs, at least ``least`` (0 timed runs would
    report a median of nothing, or quietly time one)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value

    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    for name, help_text in TARGETS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--json", action="store_true", help="print a JSON object as the last line")
        sub.add_argument(
            "--repeats", type=_count(1), help=f"timed runs (median reported; default {RUNS['repeats']})"
        )
        sub.add_argument("--warmup", type=_count(0), help=f"untimed runs first (default {RUNS['warmup']})")
        try:
            module = importlib.import_module(f".bench_{name}", __package__)
        except ModuleNotFoundError:
            continue
        if hasattr(module, "add_arguments"):
            module.add_arguments(sub)


def resolve_runs(args: argparse.Namespace, module: object) -> None:
    """``--repeats``/``--warmup`` not given: the target's quick form's under its ``--quick``
    (``QUICK_RUNS``), else :data:`RUNS`."""
    quick = getattr(module, "QUICK_RUNS", {}) if getattr(args, "quick", False) else {}
    for name, default in {**RUNS, **quick}.items():
        if getattr(args, name, None) is None:
            setattr(args, name, default)


def run(args: argparse.Namespace) -> int:
    from ..inference.core.errors import DualTalkError

    try:
        module = importlib.import_module(f".bench_{args.what}", __package__)
    except ModuleNotFoundError as exc:
        raise DualTalkError(
            f"bench target {args.what!r} is not available in this build ({exc.name})"
        ) from None
    resolve_runs(args, module)
    result = module.run(args)
    result.emit(args.json)
    return 0
