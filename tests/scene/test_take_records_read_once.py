"""A take or range reads the record of the keys DualTalk wrote once per layer and hands it down.

Each layer action holds a record of the keys DualTalk keyed (one digest per curve over the whole
take), looked at 4-7 times by one range: the check before writing, renamed channels, hand edits, the
un-turned pass, the range itself. An earlier build decoded it at the first look and kept the last 32
records decoded for the whole session (a 20-minute take's 8 records are ~12 MB decoded). Now the take
or range decodes each record once for itself and lets go of it when done.
"""

from __future__ import annotations

import gc
import math

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import keying, layers, range_plan
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 600
RANGE = (300, 309)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, first: int = 0, frames: int = TAKE, seed: int = 0) -> Motion:
    """Lips, a nodding head, eyes on the partner now and then."""
    t = (first + np.arange(frames)) / FPS
    v = np.zeros((frames, 55), np.float32)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + (role == "B") + seed)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)  # jawOpen
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


def decoded_alive() -> int:
    gc.collect()
    return sum(type(o) is keying.CurveDigest for o in gc.get_objects())


def test_a_range_decodes_each_record_once_and_keeps_nothing_decoded_after(monkeypatch):
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2
    options = ApplyOptions(undo_push=False)
    apply_dialogue(ann, ben, talking("A"), talking("B"), options)
    actions = [
        strip.action
        for o in (ann, ben)
        for b in layers.character_idblocks(o)
        for strip in layers.our_strips(b).values()
        if strip.action is not None and keying.DIGEST_PROP in strip.action.keys()
    ]
    assert len(actions) >= 4
    alive = decoded_alive()

    texts: set[str] = set()  # the records as the range finds and leaves them
    decodes = [0]
    decode = keying.CurveDigest.decode

    def counted(text: str) -> keying.CurveDigest:
        decodes[0] += 1
        return decode(text)

    real_record = keying.records.digest_record

    def seen(text):
        texts.add(text)
        return real_record(text)

    monkeypatch.setattr(keying.CurveDigest, "decode", staticmethod(counted))
    monkeypatch.setattr(keying.records, "digest_record", seen)
    plan = range_plan.plan_range((ann, ben), FPS, *RANGE, options.crossfade)
    first = plan.start_frame - plan.take_start
    frames = min(TAKE - first, int(round(plan.audio_end * FPS)) - first)
    again = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    rep_a, _rep_b, _ = apply_dialogue(
        ann, ben, talking("A", first, frames, seed=3), talking("B", first, frames, seed=3), again
    )
    assert rep_a.replaced is not None
    curves_per_text = sum(len(real_record(t)) for t in texts)
    assert decodes[0] == curves_per_text  # each record, as each write left it, decoded once
    assert decoded_alive() == alive  # and none kept once the range is done
