"""``python -m dualtalk fuzz``: a long property-based run of every parser users feed files to.

::

    python -m dualtalk fuzz --minutes 10                # all targets, time split evenly
    python -m dualtalk fuzz --minutes 2 --target jobs_data

Targets: the audio loader (random bytes, damaged WAVs, every rate/depth), every turns
parser (RTTM, Audacity labels, SRT, WebVTT, sniffing; round trips), the custom-map
parser and the job-file parser (:mod:`.fuzz_files`), motion files, transcripts and phone
alignments, damaged lite weights (:mod:`.fuzz_seams`). Each target runs Hypothesis in
batches with fresh seeds until its share of the time is used and reports how many
inputs it tried. Exit status 1 if any target found a failing input (printed, shrunk).
Not part of the test suite (see ``tests/test_*fuzz*.py`` for the short CI runs).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any


def _targets() -> dict[str, tuple[Callable[..., Any], Any]]:
    from . import fuzz_files, fuzz_seams, fuzz_targets

    return {**fuzz_targets.strategies(), **fuzz_files.strategies(), **fuzz_seams.strategies()}


NAMES = ("turns_text", "turns_roundtrip", "audio_bytes", "mutated_wav", "audio_roundtrip",
         "mapping_data", "mapping_text", "jobs_data", "jobs_text",
         "motion_arrays", "mutated_motion", "mutated_weights", "transcript_text", "alignment_text",
         "textgrid_text", "flame_map_file")  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--minutes", type=float, default=5.0, help="total time, split over the targets (default 5)"
    )
    parser.add_argument("--target", action="append", choices=NAMES, help="only this target (repeatable)")
    parser.add_argument(
        "--seed", type=int, help="first seed (default: random); batches use seed, seed+1, ..."
    )
    parser.add_argument("--batch", type=int, default=200, help="examples per Hypothesis batch (default 200)")
    parser.add_argument("--json", action="store_true", help="print a JSON object as the last line")


def fuzz_target(
    fn: Callable[..., Any], strategy: Any, seconds: float, seed: int, batch: int
) -> tuple[int, float, str | None]:
    """Run ``fn`` on generated inputs for about ``seconds``; returns (inputs tried, seconds, failure)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hyp_seed

    count = 0
    t0 = time.perf_counter()
    failure = None
    while time.perf_counter() - t0 < seconds and failure is None:

        def body(kw: dict) -> None:
            nonlocal count
            count += 1
            fn(**kw)

        test = settings(
            max_examples=batch,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )(given(strategy)(body))
        test = hyp_seed(seed)(test)
        seed += 1
        try:
            test()
        except Exception as exc:  # a failing input: Hypothesis already shrank it
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            failure = f"{type(exc).__name__}: {first} (seed {seed - 1})"
            # the shrunk input and Hypothesis' reproduce line, for whoever fixes it
            print("".join(traceback.format_exception_only(type(exc), exc)), file=sys.stderr)
    return count, time.perf_counter() - t0, failure


def run(args: argparse.Namespace) -> int:
    from ..inference.core.errors import DualTalkError

    if not args.minutes > 0:
        raise DualTalkError("--minutes must be more than 0")
    if args.batch < 1:
        raise DualTalkError("--batch must be at least 1")
    try:
        targets = _targets()
    except ImportError as exc:
        raise DualTalkError(f"fuzzing needs the 'hypothesis' package ({exc.name} missing)") from None
    names = list(dict.fromkeys(args.target or NAMES))
    share = args.minutes * 60.0 / len(names)
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    rows = []
    print(f"fuzzing {len(names)} target(s), {share:.0f} s each, first seed {seed}", file=sys.stderr)
    print(f"{'target':<16} {'inputs':>9} {'seconds':>8} {'per s':>8}  result")
    for i, name in enumerate(names):
        fn, strategy = targets[name]
        count, took, failure = fuzz_target(fn, strategy, share, seed + 1000 * i, args.batch)
        rows.append({"target": name, "inputs": count, "seconds": round(took, 1), "failure": failure})
        print(
            f"{name:<16} {count:>9} {took:>8.1f} {count / max(took, 1e-9):>8.1f}  {failure or 'ok'}",
            flush=True,
        )
    total = sum(r["inputs"] for r in rows)
    failed = [r for r in rows if r["failure"]]
    print(f"{'total':<16} {total:>9}  {len(failed)} target(s) failed")
    if args.json:
        print(json.dumps({"seed": seed, "minutes": args.minutes, "targets": rows, "total": total}))
    return 1 if failed else 0
