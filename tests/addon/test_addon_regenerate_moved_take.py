"""The animator slides the whole take (both characters' DualTalk strips) 10 frames later in the NLA
editor, sees a bad stretch at frames 30-40 on the timeline and presses *Re-generate Preview Range*
with that preview range: exactly what plays at 30-40 is redone, under 30-40."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.scene import layers

SHIFT = 10


def slide_take(objs, frames: int) -> None:
    """What G in the NLA editor does to the selected strips: same content, later on the timeline."""
    for obj in objs:
        for idblock in layers.character_idblocks(obj):
            for name, strip in layers.our_strips(idblock).items():
                if name != layers.REST:  # the rest track is locked
                    strip.frame_start_ui = strip.frame_start + frames


def test_regenerate_selection_redoes_the_frames_under_the_preview_range_of_a_moved_take(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 1-50
    kb = a.data.shape_keys.key_blocks["jawOpen"]
    timeline = range(1, 50 + SHIFT + 1)

    def jaw():
        values = []
        for f in timeline:
            scene.frame_set(f)
            values.append(kb.value)
        return values

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        slide_take((a, b), SHIFT)
        scene.frame_end = 50 + SHIFT
        before = jaw()
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 30, 40
        scene.dualtalk.intensity_mouth = 0.3  # the re-generated stretch will differ
        assert bpy.ops.dualtalk.regenerate_range() == {"FINISHED"}
        after = jaw()
    changed = [f for f, x, y in zip(timeline, before, after, strict=True) if abs(x - y) > 1e-6]
    assert changed and min(changed) >= 26 and max(changed) <= 44  # the range and its cross-fades
    assert any(30 <= f <= 40 for f in changed)
    status = bpy.context.window_manager.dualtalk_status.last
    assert "re-generated frames 30-40 (cross-faded over 26-44)" in status, status
    # the take stays where the animator put it
    strip = layers.our_strips(a.data.shape_keys)["lips+jaw"]
    assert strip.frame_start == 1 + SHIFT
