"""``dualtalk bench soak``: what one process holds after running the same batch job again and again.

A farm wrapper or a pipeline script runs ``animate --job`` many times in one Python (review 33s).
Setup (not measured): two test characters (52 ARKit keys and a head bone each) saved as IN.blend, a
short two-voice recording, a job of ``--shots`` shots, each writing its .blend and (unless
``--no-fbx``) its FBX. Then the job runs ``--rounds`` times in this process, and after each round the
process is measured: resident memory, open file descriptors, threads, child processes, Blender's
datablocks, files left in the temp folder and the output folder. After the first round nothing should grow: the table shows
each round, the summary the growth per round from the first round to the last.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from .harness import BenchResult, count, length

DATABLOCKS = ("actions", "sounds", "objects", "meshes", "scenes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shots", type=count(1, 10_000), default=20, help="shots in the job (default 20)")
    parser.add_argument("--rounds", type=count(2, 1000), default=5, help="times the job runs (default 5)")
    parser.add_argument("--seconds", type=length, default=4.0, help="the recording's length (default 4)")
    parser.add_argument("--no-fbx", action="store_true", help="shots write no FBX")


def rss_mb() -> float:
    """Resident memory now (not the peak), in MiB; the peak where the system says no more."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def open_files() -> int | None:
    """Open file descriptors of this process (Linux and macOS), else None."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            return len(os.listdir(folder))
    return None


def children() -> int | None:
    """Child processes of this one, zombies included (Linux), else None."""
    if not os.path.isdir("/proc"):
        return None
    me, found = str(os.getpid()), 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                found += fields[1] == me
    return found


def files_in(folder: Path) -> int:
    return sum(len(dirs) + len(files) for _root, dirs, files in os.walk(folder))


def measure(temp: Path, out: Path) -> dict[str, Any]:
    """What this process holds now, and the files the runs left (the temp folder; the output folder,
    where a replaced .blend is kept aside once)."""
    import bpy

    gc.collect()
    held: dict[str, Any] = {
        "rss_mb": rss_mb(),
        "fds": open_files(),
        "threads": threading.active_count(),
        "children": children(),
        "temp_files": files_in(temp),
        "out_files": files_in(out),
    }
    held.update({name: len(getattr(bpy.data, name)) for name in DATABLOCKS})
    return held


def _setup(folder: Path, args: argparse.Namespace) -> Path:
    import bpy
    import soundfile as sf

    from ..dualtalk_blender.scene.blendio import quiet_stdout
    from .bench_keying import make_characters
    from .blender_scene import empty_scene
    from .testsignals import place

    empty_scene(25)
    make_characters()
    with quiet_stdout():
        bpy.ops.wm.save_as_mainfile(filepath=str(folder / "in.blend"))
    half = args.seconds / 2
    rng = np.random.default_rng(0)
    a = place(args.seconds, [(0.1, half - 0.1)], rng)
    b = place(args.seconds, [(half + 0.1, args.seconds - 0.1)], rng)
    sf.write(str(folder / "talk.wav"), np.stack([a, b], axis=1), 16000)
    shots = [
        {"name": f"s{i}", "out": f"out/s{i}.blend", **({} if args.no_fbx else {"fbx": f"out/s{i}.fbx"})}
        for i in range(args.shots)
    ]
    defaults = {"blend": "in.blend", "char_a": "BenchA", "char_b": "BenchB", "audio": "talk.wav"}
    job = folder / "shots.json"
    job.write_text(json.dumps({"defaults": {**defaults, "device": "cpu"}, "shots": shots}))
    return job


def run(args: argparse.Namespace) -> BenchResult:
    from ..cli import main
    from ..inference.core.errors import DualTalkError

    before = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="dualtalk-bench-soak-") as tmp:
        folder, temp = Path(tmp) / "job", Path(tmp) / "temp"
        folder.mkdir()
        temp.mkdir()
        job = _setup(folder, args)
        tempfile.tempdir = str(temp)  # what the runs leave in the temp folder is counted there
        try:
            rounds: list[dict[str, Any]] = []
            for i in range(1, args.rounds + 1):
                t0 = time.perf_counter()
                with contextlib.redirect_stdout(io.StringIO()):
                    code = main(["animate", "--quiet", "--job", str(job)])
                if code != 0:
                    raise DualTalkError(f"bench soak: round {i} of the job ended with exit code {code}")
                rounds.append(
                    {"round": i, "seconds": time.perf_counter() - t0, **measure(temp, folder / "out")}
                )
        finally:
            tempfile.tempdir = before
    keys = ["rss_mb", "fds", "threads", "children", "temp_files", "out_files", *DATABLOCKS]
    first, last = rounds[0], rounds[-1]
    per_round = {
        k: (last[k] - first[k]) / (len(rounds) - 1)
        for k in keys
        if last[k] is not None and first[k] is not None
    }
    grows = sorted(k for k, v in per_round.items() if v > 0 and k != "rss_mb")
    return BenchResult(
        name="soak",
        columns=["round", "seconds", *keys],
        rows=[[r["round"], r["seconds"], *(r[k] if r[k] is not None else "-" for k in keys)] for r in rounds],
        summary={
            "shots": args.shots,
            "rounds": args.rounds,
            "seconds_of_audio": args.seconds,
            "fbx": not args.no_fbx,
            "per_round_after_first": per_round,
            "growing": grows,
            "rounds_measured": rounds,
        },
        notes=[
            f"{args.shots} shots x {args.rounds} rounds of `animate --job` in one process; growth per round "
            f"after the first: RSS {per_round['rss_mb']:+.2f} MiB"
            + (f"; growing: {', '.join(grows)}" if grows else "; nothing else grows")
        ],
    )
