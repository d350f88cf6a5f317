"""The client swaps a rig: character A was Alice, the animator picks Carol for A (Bob stays B) and
presses Generate. Alice kept playing the old take, its sound strip and turn markers now Carol and
Bob's, and nothing was said (review rv37a F6). Generate never touches a character the panel does not
choose (the old rig may be kept to compare, or deleted next), so Alice keeps her take, and the status
line now says so, with the way to clear it."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.remove_take import carries_take

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def test_generate_on_a_swapped_rig_says_the_old_one_still_plays_the_take(scene, assets):
    scene.render.fps = 25
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    status = bpy.context.window_manager.dualtalk_status
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert "still plays" not in status.last
        carol = br.make_character("Carol", location=(-1.5, 0.0, 0.0))
        scene.dualtalk.char_a = carol

        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    assert carries_take(alice) and carries_take(carol)  # Alice is not touched
    said = "Alice still plays take 'take', made with Bob: this take replaces Bob's part of it"
    assert said in status.last, status.last
    assert "choose Alice and Remove Take to clear it" in status.last

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}  # said once: the take it replaced is gone
    assert "still plays" not in status.last, status.last
