"""*Part of the recording* in the panel: the animator animates 1.0-2.5 s of a 4 s recording. The
sound strip plays exactly that part, under the take, and stops where the faces stop."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying, layers

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("part_of_recording")
    return {
        "wav": ah.write_dialogue_wav(folder / "long.wav", seconds=4.0),
        "ckpt": ah.write_tiny_lite(folder / "lite.pt"),
        "models": folder / "models",
    }


def test_the_sound_strip_stops_where_the_take_ends(scene, assets):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    s = scene.dualtalk
    s.use_range, s.start, s.end = True, 1.0, 2.5  # 1.5 s of the 4 s recording
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    strip = layers.our_strips(a.data.shape_keys)["lips+jaw"]
    keyed = [k[0] for fc in compat.iter_fcurves(strip.action) for k in keying.read_keys(fc)]
    first, last = int(min(keyed)), int(max(keyed))
    assert (first, last) == (1, 38)  # 1.5 s at 25 fps
    (sound,) = scene.sequence_editor.strips
    assert sound.frame_final_start == first  # the second before Start is trimmed away
    assert sound.frame_final_end == last + 1  # and so are the 1.5 s after End


def test_turning_the_sound_strip_off_removes_the_earlier_takes_strip_only(scene, assets):
    """A take made without a strip must not play the earlier take's recording under it; a sound
    the animator placed themselves stays."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert len(scene.sequence_editor.strips) == 1
    own = scene.sequence_editor.strips.new_sound("music", str(assets["wav"]), 5, 1)
    s = scene.dualtalk
    s.sound_strip = False
    s.use_range, s.start, s.end = True, 1.0, 2.5  # another part of the recording: the old strip is wrong
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert [x.name for x in scene.sequence_editor.strips] == [own.name]
    last = bpy.context.window_manager.dualtalk_status.last
    assert "no sound strip" in last and "removed the earlier take's sound strip" in last
