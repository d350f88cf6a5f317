"""An animator opens a file whose take a DualTalk from before takes recorded their recording keyed
(b445cdb's records: no ``audio``), chooses the recording in the panel and presses Re-generate
Preview Range. The range cannot check the panel's audio and part against the take, and the status
line now says so, as ``animate --range`` does on the same file (review 31r F9: the panel said
nothing, the command line warned)."""

from __future__ import annotations

import json

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.scene.keying import OWNER_PROP, is_ours


def test_a_range_on_a_take_that_records_no_recording_says_the_audio_is_not_checked(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    for action in bpy.data.actions:  # as b445cdb wrote the records
        if is_ours(action):
            record = json.loads(action[OWNER_PROP])
            record.pop("audio", None)
            record.pop("take_id", None)
            action[OWNER_PROP] = json.dumps(record)
    scene.use_preview_range = True
    scene.frame_preview_start, scene.frame_preview_end = 15, 30

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}

    line = bpy.context.window_manager.dualtalk_status.last
    assert line.startswith("DualTalk: re-generated frames 15-30"), line
    assert "does not record which audio it was made from" in line, line
    assert "cannot check that the panel's audio and Part of the recording are the take's" in line, line
