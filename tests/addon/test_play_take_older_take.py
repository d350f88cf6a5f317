"""An animator opens a .blend whose take 'old' was keyed by a DualTalk from before takes recorded
their recording (b445cdb's records: no ``audio``, no ``take_id``), Generates a take 'v2' from the
same recording to compare, and presses Play Take on 'old'. It plays, with a note that the older take
cannot be checked against the recording; before, it was refused as "made from another recording,
part, first frame or frame rate", which it was not, and Generate again was the only way back."""

from __future__ import annotations

import json

import addon_helpers as ah
import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours
from dualtalk.inference.core.motion import Motion


def test_play_take_brings_back_a_take_an_older_build_keyed(scene, assets):
    a, b = ah.two_characters()
    m = Motion("arkit55", np.full((50, 55), 0.2, np.float32), role="A")
    apply_dialogue(
        a, b, m, Motion("arkit55", m.values.copy(), role="B"), ApplyOptions(take="old", undo_push=False)
    )
    for action in bpy.data.actions:  # the records as b445cdb wrote them
        if is_ours(action):
            record = json.loads(action[OWNER_PROP])
            record.pop("take_id", None)
            record.pop("audio", None)
            action[OWNER_PROP] = json.dumps(record)
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.take_name = "v2"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert bpy.ops.dualtalk.play_take(take="old") == {"FINISHED"}

    assert layers.take_meta(a)["take"] == "old" and layers.take_meta(b)["take"] == "old"
    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: Alice and Bob play take 'old'; the other takes stay in the file"), line
    assert "(note: take 'old' was keyed by an older DualTalk that did not record its recording" in line
