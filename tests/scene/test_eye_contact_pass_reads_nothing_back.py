"""Generate with eye contact keys the take twice, and reads back only what a person could have edited.

The eyes are aimed from the heads as the keyed take plays them, so each character is keyed a second
time with its eyes on the partner. That second pass looked for hand edits in the layers the first had
written a moment before, reading back every key of every curve: 0.8 CPU-s of keying a 10-minute take,
for edits nobody could have made. Now the take knows what it keyed itself; the keys of an earlier
take (where an animator may have fixed something) are still read, once.
"""

from __future__ import annotations

import math

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

T = 200

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, seed: int = 0) -> Motion:
    """Lips, a nodding head, eyes on the partner now and then."""
    t = np.arange(T) / 25.0
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = np.radians(8.0) * np.sin(2 * np.pi * 1.1 * t + seed)
    v[:, 24] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t + seed)  # jawOpen
    target = (np.sin(2 * np.pi * 0.3 * t + (role == "B")) > -0.4).astype(np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((T, 2), np.float32))


def layer_curves(*objs) -> int:
    return sum(
        len(list(compat.iter_fcurves(strip.action, strip.action_slot)))
        for o in objs
        for b in layers.character_idblocks(o)
        for name, strip in layers.our_strips(b).items()
        if name != layers.REST and strip.action is not None
    )


def test_eye_contact_reads_back_no_key_of_its_own_take_and_an_earlier_takes_once(monkeypatch):
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2
    read_back = []
    real, real_each = layers.curve_digest, layers.curve_digests
    monkeypatch.setattr(layers, "curve_digest", lambda fc: read_back.append(fc) or real(fc))
    monkeypatch.setattr(layers, "curve_digests", lambda fcs: read_back.extend(fcs) or real_each(fcs))
    options = ApplyOptions(undo_push=False)

    apply_dialogue(ann, ben, talking("A"), talking("B"), options)  # the first take: nothing to look at
    assert read_back == []
    earlier = layer_curves(ann, ben)
    assert earlier > 10

    apply_dialogue(ann, ben, talking("A", 2), talking("B", 2), options)  # over it: its keys, read once
    assert len(read_back) == earlier
