"""An animator opens a .blend whose take 'old' an older DualTalk keyed in layers without recording
what it replaced (b445cdb: no before record, no key record, no take id, no recording), Generates a
take 'v2' to compare (the file keeps 'old'), then presses Remove Take. The note that the characters
return to rest now names the take that recorded nothing, 'old', not 'v2', which this build keyed
(measured on a b445cdb take: "take 'take2' on 'Ann' was keyed by an older DualTalk that did not
record the values it replaced")."""

from __future__ import annotations

import json

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import before_take, keying, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str) -> Motion:
    t = np.arange(40)[:, None] / 25
    v = 0.3 + 0.2 * np.sin(2 * np.pi * (0.5 + seed) * t + np.arange(55))
    return Motion("arkit55", v.astype(np.float32), role=role)


def as_b445cdb_left_it(*characters) -> None:
    for obj in characters:
        for idblock in layers.character_idblocks(obj):
            before_take.forget_before(idblock)
    for action in bpy.data.actions:
        if keying.is_ours(action):
            record = json.loads(action[keying.OWNER_PROP])
            record.pop("take_id", None)
            record.pop("audio", None)
            action[keying.OWNER_PROP] = json.dumps(record)
            if keying.DIGEST_PROP in action.keys():
                del action[keying.DIGEST_PROP]


def test_remove_take_names_the_older_take_that_recorded_nothing():
    alice, bob = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    apply_dialogue(alice, bob, talking(0, "A"), talking(1, "B"), ApplyOptions(take="old", undo_push=False))
    as_b445cdb_left_it(alice, bob)
    apply_dialogue(alice, bob, talking(2, "A"), talking(3, "B"), ApplyOptions(take="v2", undo_push=False))

    report = remove_take([alice, bob], undo_push=False)

    notes = [n for n in report.notes if "older DualTalk" in n]
    assert notes and notes[0].startswith(
        "take 'v2' on 'Alice' was keyed over 'old', a take keyed by an older DualTalk that did not record"
    ), report.notes
    assert "return to their rest values" in notes[0]
