"""The animator chose Bob's face mesh and pressed Generate; while the engine runs, Bob's rig is deleted
(a clean-up, an undo past its creation). The take is still keyed as Generate would key it now, with
Bob's head turning the face mesh itself, but the status line says that Bob changed while generating
and how, in the panel's own words: nothing turns a head bone into object rotation silently."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import pickers, ui_run


def test_bobs_rig_deleted_while_generating_is_said_with_what_his_head_now_drives(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    assert pickers.character_summary(bob).endswith("head bone: head")
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    bpy.data.objects.remove(bob.parent)  # Bob_rig goes; the face mesh, the picked character, stays

    outcome = ah.take_comes_back(run)

    assert outcome.ok, outcome.message
    assert "Bob changed while generating: head bone: head → head: object rotation" in outcome.message
    assert "\n" not in outcome.message
    assert bob.animation_data is not None  # the head motion went to the face mesh, as the line says
    assert "chosen when Generate was pressed" not in outcome.message  # the pickers did not change
