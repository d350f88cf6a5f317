"""The animator re-generates a preview range after trying another Seed in the panel and after
opening Alice's jaw by hand inside the DualTalk layer there. The range says two things: it used
the take's Seed, not the panel's, and it replaced the hand-edited keys. The status line has room for
the first and "and 1 more"; the second used to be said nowhere. Each warning of a take is now its
own line in the Info editor (Blender prints reports in the console when it runs headless)."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from test_generate_says_hand_edits_replaced import fix_jaw


def test_every_warning_of_a_range_reaches_the_info_editor(scene, assets, capfd):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 1-50
    status = bpy.context.window_manager.dualtalk_status
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        fix_jaw(a, 15, 0.9)
        scene.dualtalk.behaviour_seed = 12345  # trying another performance in the panel
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 10, 20
        capfd.readouterr()
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
    printed = capfd.readouterr().out
    assert "and 1 more" in status.last, status.last
    assert "not the panel's Seed 12345" in printed, printed
    assert "the range replaced keys edited by hand in the DualTalk lips+jaw layer of 'Alice'" in printed, (
        printed
    )
