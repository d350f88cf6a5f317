"""An editor slides the whole take 12 frames later, as editors do: both characters' DualTalk strips in
the NLA editor, the sound strip and the turn markers. Then Generate again (other settings), or under a
new Take name to compare. Generate put the new take back at the scene's start without a word (strips
13-62 -> 1-50, sound 13 -> 1) and kept the slid markers beside its own (4 markers for 2 turns; review
rv37a F4, F5). Now the new take starts where the animator moved the earlier one, the status line says
so, the slid markers are replaced, and Remove Take takes them away; Play Take of the earlier take
brings its sound and markers back where its strips play."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.sound import our_strips

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

SHIFT = 12


def slide_take(scene, objs, frames: int) -> None:
    """G in the NLA editor on the take's strips, then on the sound strip, then on the markers."""
    for obj in objs:
        for idblock in layers.character_idblocks(obj):
            for name, strip in layers.our_strips(idblock).items():
                if name != layers.REST:  # the rest track is locked
                    strip.frame_start_ui = strip.frame_start + frames
    for strip in our_strips(scene):
        strip.frame_start += frames
    for marker in scene.timeline_markers:
        marker.frame += frames


def where(scene, obj) -> tuple[int, int]:
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    return int(strip.frame_start), int(strip.frame_end)


def sounds(scene) -> list[int]:
    return sorted(int(s.frame_final_start) for s in our_strips(scene))


def turn_markers(scene) -> list[tuple[str, int]]:
    return sorted((m.name, int(m.frame)) for m in scene.timeline_markers if m.name.startswith("DT "))


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def test_generate_after_the_take_was_slid_keys_the_new_one_there_and_says_so(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s take: frames 1-50
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        made = turn_markers(scene)
        assert where(scene, a) == (1, 50) and sounds(scene) == [1] and len(made) == 2
        slide_take(scene, (a, b), SHIFT)
        scene.timeline_markers.new("Cut", frame=30)  # the animator's own

        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

        assert where(scene, a) == where(scene, b) == (13, 62)  # was 1-50
        assert sounds(scene) == [13]  # was 1
        assert turn_markers(scene) == [(n, f + SHIFT) for n, f in made]  # was 4: both pairs
        assert "kept where the earlier take was moved: frames 13-62 (not the scene's start, 1" in status()
        assert ("Cut", 30) in [(m.name, int(m.frame)) for m in scene.timeline_markers]

        assert bpy.ops.dualtalk.remove_take(character="BOTH") == {"FINISHED"}

    assert "2 markers" in status(), status()  # was "0 markers", the slid ones left behind
    assert turn_markers(scene) == [] and sounds(scene) == []
    assert [(m.name, int(m.frame)) for m in scene.timeline_markers] == [("Cut", 30)]


def test_a_new_take_name_lands_where_the_slid_take_plays_and_play_take_keeps_it_there(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        made = turn_markers(scene)
        slide_take(scene, (a, b), SHIFT)
        scene.dualtalk.take_name = "v2"
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert where(scene, a) == (13, 62) and sounds(scene) == [13]  # was 1-50, sound at 1

        assert bpy.ops.dualtalk.play_take(take="take") == {"FINISHED"}

    assert layers.our_strips(a.data.shape_keys)["lips+jaw"].action.name.startswith("DualTalk_take_")
    assert where(scene, a) == (13, 62) and sounds(scene) == [13], status()
    assert turn_markers(scene) == [(n, f + SHIFT) for n, f in made], status()


def test_strips_slid_for_one_character_only_start_the_new_take_at_the_scenes_start_and_say_why(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        slide_take(scene, (a,), SHIFT)  # Alice's strips only (and the sound, and the markers)

        assert bpy.ops.dualtalk.generate() == {"FINISHED"}

    assert where(scene, a) == where(scene, b) == (1, 50)
    assert "the new take starts at the scene's start, frame 1" in status(), status()
