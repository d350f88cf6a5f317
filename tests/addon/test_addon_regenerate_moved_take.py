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


def _hand_key_jaw(obj, frame: int, value: float) -> None:
    """A key set by hand inside the take's lips+jaw layer (a range is made with the take's own
    settings, so another panel value no longer makes it differ)."""
    from dualtalk.dualtalk_blender.scene import compat

    strip = obj.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0]
    curve = next(
        fc for fc in compat.iter_fcurves(strip.action, strip.action_slot) if "jawOpen" in fc.data_path
    )
    curve.keyframe_points.insert(frame, value)
    curve.update()


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
        _hand_key_jaw(a, 35 - SHIFT, 0.9)  # timeline 35: the re-generated stretch will differ
        before = jaw()
        scene.use_preview_range = True
        scene.frame_preview_start, scene.frame_preview_end = 30, 40
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
