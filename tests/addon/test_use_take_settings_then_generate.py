"""An animator opens a .blend ``animate`` made (its take is named after the output file, here
``shot_010``), presses *Use Take's Settings*, then Generate with the same settings. The panel's
Take field now holds the take's name, so Generate replaces the take that plays, as re-generating
means; before, the field kept its default ``take`` and Generate made a second take beside it: the
file held two takes' actions, the animator's edits to the first stopped playing without a word, and
Remove Take then left the first one's actions behind."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.inference.core.motion import Motion


def test_generate_after_use_take_settings_replaces_the_take_that_plays(scene, assets):
    a, b = ah.two_characters()
    m = Motion("arkit55", np.full((50, 55), 0.2, np.float32), role="A")
    apply_dialogue(
        a, b, m, Motion("arkit55", m.values.copy(), role="B"), ApplyOptions(take="shot010", undo_push=False)
    )
    s = scene.dualtalk
    assert s.take_name == "take"  # the panel as an animate-made file opens

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.use_take_settings() == {"FINISHED"}
    assert s.take_name == "shot010"
    assert "Take 'shot010'" in bpy.context.window_manager.dualtalk_status.last

    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # the recording, chosen by hand
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    ours = [x for x in bpy.data.actions if is_ours(x)]
    assert {x.name.split("_")[1] for x in ours} == {"shot010"}, sorted(x.name for x in ours)
    assert len(ours) == 10  # one take: rest, four face layers and head, on each character

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert not [x for x in bpy.data.actions if is_ours(x)]
