"""``bench sound``: what deciding which sound strips are DualTalk's costs in a file of many takes.

A strip an older DualTalk made records nothing of what it plays (before 2026-12-07): it is DualTalk's
when its file is one the file's takes were made from, read from every take's record on its actions.
Every Generate and Remove Take does this once (``sound.remove_our_strips``), and the add-on's panel on
each redraw that lists the takes (``sound.our_strips``). Session 36 read those records twice per call;
a unit test then pinned the count of reads, which a harmless second reading would fail and a slower
one keeping the count would pass (review rv38d F7). This target measures it instead: the records read
per take and the time of one call, on a file of ``--takes`` takes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from .blender_scene import empty_scene
from .harness import BenchResult, count, timeit

JUDGE = "our_strips (judge every tagged strip)"
REPLACE = "remove_our_strips (a Generate's replace)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--takes",
        type=count(1, 100000),
        default=500,
        help="actions carrying a take's record in the file (a take keys 10; default 500)",
    )


def _older_shot(folder: Path) -> Any:
    """Two characters keyed from take.wav by an older DualTalk: its dialogue strip records nothing of
    what it plays, and the animator's Shift+D copy of it plays music.wav. Returns the scene."""
    import numpy as np
    import soundfile as sf

    from ..dualtalk_blender.scene import sound
    from ..dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from .bench_keying import make_characters, make_motions

    scene = empty_scene(25)
    for name, seconds in (("take.wav", 2.0), ("music.wav", 4.0)):
        sf.write(str(folder / name), np.zeros(int(seconds * 16000), np.float32), 16000)
    a, b = make_characters()
    motions = make_motions(50)
    for motion in motions:
        motion.meta = {"source": {"audio": str(folder / "take.wav"), "end": 2.0}}
    apply_dialogue(a, b, motions[0], motions[1], ApplyOptions(undo_push=False))
    strip = sound.add_dialogue_strip(scene, folder / "take.wav", "dialogue", 1, pair=(a.name, b.name))
    copy = scene.sequence_editor.strips.new_sound("my music bed", str(folder / "music.wav"), 5, 1)
    for key, value in strip.items():
        copy[key] = value
    for each in (strip, copy):
        del each[sound.PLAYS_PROP]
    return scene


def _more_takes(takes: int) -> None:
    """``takes`` takes' records in the file, each made from its own recording: the first take's
    record copied onto new actions (what DualTalk reads of a take kept under another name)."""
    import bpy

    from ..dualtalk_blender.scene.keying import OWNER_PROP

    record = json.loads(next(a[OWNER_PROP] for a in bpy.data.actions if OWNER_PROP in a.keys()))
    for i in range(takes - sum(OWNER_PROP in a.keys() for a in bpy.data.actions)):
        action = bpy.data.actions.new(f"older take {i}")
        action[OWNER_PROP] = json.dumps({**record, "audio": {**record["audio"], "files": [f"take{i}.wav"]}})


def run(args: argparse.Namespace) -> BenchResult:
    import bpy

    from ..dualtalk_blender.scene import keying, sound

    reads: list[int] = []
    action_meta = keying.action_meta

    def counted(action: Any) -> dict[str, Any]:
        reads.append(1)
        return action_meta(action)

    with tempfile.TemporaryDirectory(prefix="dualtalk-bench-sound-") as folder:
        scene = _older_shot(Path(folder))
        _more_takes(args.takes)
        takes = sum(keying.OWNER_PROP in a.keys() for a in bpy.data.actions)
        keying.action_meta = counted  # read by sound through the module
        try:
            judged = timeit(lambda: sound.our_strips(scene), repeats=args.repeats, warmup=args.warmup)
            judge_reads = len(reads) / (args.repeats + args.warmup)
            reads.clear()
            replace = timeit(
                lambda: sound.remove_our_strips(scene, said=[]), repeats=1, warmup=0
            )  # it removes the strip: one run
            replace_reads = len(reads)
        finally:
            keying.action_meta = action_meta
    per_take = replace_reads / takes
    result = BenchResult(
        name="sound",
        columns=["call", "take actions", "record reads", "reads per take", "seconds"],
        rows=[
            [JUDGE, takes, judge_reads, judge_reads / takes, judged["median"]],
            [REPLACE, takes, replace_reads, per_take, replace["median"]],
        ],
        summary={
            "takes": takes,
            "reads_per_take": per_take,
            "judge_seconds": judged["median"],
            "replace_seconds": replace["median"],
            "meets_targets": {"reads_per_take_max": per_take <= 1},
        },
        notes=["target: each take's record read at most once per call"],
    )
    return result
