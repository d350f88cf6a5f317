"""The behaviour layer's head moves as far as a typical person's, on every axis (review rv37c F7).

The real-people table gives speaking 1.7-2.0 deg and listening 1.0-1.2 deg of rotation std for
pitch, yaw and roll alike. Until session 37 the layer aimed roll at 1.5 / 0.9 deg, and a character
who looked away a lot turned its head past the table (the head follows the eyes): up to 2.4 deg
yaw speaking and 1.7 listening on the suite's AMI takes.
"""

from __future__ import annotations

import numpy as np
from dualtalk.inference.behaviour import BehaviourSettings, apply_behaviour
from dualtalk.training.evaluation.behaviour import TARGETS, measure, take_from

# the real-people table (../shared/data/real_speech/README.md), per axis
TABLE = {"head_std_speaking": (1.7, 2.0), "head_std_listening": (1.0, 1.2)}

SEEDS = (0, 1, 2)


def _rows(ami_takes):
    """(take, seed, character, measurement) for every character of the AMI excerpts, default settings."""
    out = []
    for name, (d, a, b) in ami_takes.items():
        for seed in SEEDS:
            ma, mb = apply_behaviour(a, b, d, BehaviourSettings(seed=seed))
            out += [
                (name, seed, "A", measure(take_from(ma, mb))),
                (name, seed, "B", measure(take_from(mb, ma))),
            ]
    return out


def test_every_take_moves_its_head_like_a_typical_person_on_every_axis(ami_takes):
    """Each take's characters and seeds pooled as the suite pools them, and each character with 10 s
    of a state (the evaluator's rule) within 0.1 deg of the table: a listening stretch broken by
    many turns keeps a little of the speaking motion in its first frames (one of 33 read 1.21 deg)."""
    outside, judged = [], 0
    rows = _rows(ami_takes)
    for key, (lo, hi) in TABLE.items():
        for take in ami_takes:
            spreads = [row[key] for name, _, _, row in rows if name == take and row[key] is not None]
            judged += len(spreads)
            pooled = np.mean(spreads, axis=0)
            if np.any(pooled < lo) or np.any(pooled > hi):
                outside.append((take, "pooled", key, pooled.round(2).tolist()))
        for name, seed, role, row in rows:
            std = np.array(row[key]) if row[key] is not None else None
            if std is not None and (np.any(std < lo - 0.1) or np.any(std > hi + 0.1)):
                outside.append((name, seed, role, key, std.round(2).tolist()))
    assert judged >= 30 and not outside, outside


def test_the_animated_mood_keeps_its_roll_as_the_tables_animated_speaker_does(demo_clip):
    """The tracked DualTalk speaker (the table's animated speaker) rolls 3.6 deg against 6.3/7.0
    pitch/yaw. The animated mood triples the neutral head; raised with the neutral roll (1.5 -> 1.85
    deg) its roll would read 1.55x theirs, at the edge of the 0.6-1.6x target, while pitch and yaw
    read 0.87/0.79x. It keeps its roll where it was (1.27x before session 37, 1.24x now)."""
    from behaviour_takes import base_motion
    from dualtalk.inference.audio import load_dialogue
    from dualtalk.training.evaluation.behaviour import evaluate_seeds

    d = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    a, b = base_motion(d, "A"), base_motion(d, "B")
    ref = evaluate_seeds(a, b, d, BehaviourSettings(mood_b="animated"), 3, reference=str(demo_clip["npz2"]))
    lo, hi = TARGETS["head_vs_reference"]
    versus = np.array(ref["reference"]["after"]["speaking"])
    assert np.all((versus >= lo) & (versus <= hi)), versus
    assert versus[2] <= 1.35, versus  # roll: as before the neutral roll rose
