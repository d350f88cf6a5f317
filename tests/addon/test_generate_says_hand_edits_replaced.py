"""Review 26's story (finding 7) in the panel: the animator opens Alice's jaw wide at frame 40 in the
'DualTalk lips+jaw' layer, re-generates a preview range elsewhere (the fix stays), then presses
Generate: the take replaces the fix, as documented, and the status line now says so."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import compat, layers

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

JAW = 'key_blocks["jawOpen"].value'


def fix_jaw(obj, frame: int, value: float) -> None:
    """A key dragged in the layer itself (Tab on the strip, Graph Editor)."""
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(strip.action, strip.action_slot).fcurves.find(JAW)
    next(k for k in fc.keyframe_points if k.co[0] == frame).co[1] = value
    fc.update()


def jaw_at(scene, obj, frame: int) -> float:
    scene.frame_set(frame)
    return obj.data.shape_keys.key_blocks["jawOpen"].value


def test_generate_over_a_fix_in_the_lips_layer_says_it_replaced_it(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 1-50
    status = bpy.context.window_manager.dualtalk_status

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        fix_jaw(a, 40, 0.9)
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 10, 20
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
        assert jaw_at(scene, a, 40) == pytest.approx(0.9, abs=1e-3)  # kept outside the range
        assert "edited by hand" not in status.last, status.last  # the range's keys are DualTalk's own
        scene.use_preview_range = False

        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    assert jaw_at(scene, a, 40) != pytest.approx(0.9, abs=0.05)
    assert "the DualTalk lips+jaw layer of 'Alice' held keys edited by hand (jawOpen)" in status.last, (
        status.last
    )
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert "edited by hand" not in status.last, status.last
