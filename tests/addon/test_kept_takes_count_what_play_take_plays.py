"""An animator blends take v2's eyes over their shot with an NLA track of their own ('Blend v2 eyes',
a strip of DualTalk's v2 eyes action), then removes the takes.

Remove Take keeps that action: the animator's strip plays it. Until review rv41a (finding 6) the
file's take list then counted a take 'v2' that Play Take refused ("the file holds no rest layer of take
'v2'"), and Remove Take's line told the animator to clear a fake user that did not exist. Now a kept
take is one Play Take can play: its rest action and a layer action.
"""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    sc.render.fps = 25
    yield sc
    ah.disable_addon()


def take(a, b, name: str, level: float) -> None:
    values = np.full((80, 55), level, np.float32)
    talk = np.r_[np.ones(40), np.zeros(40)].astype(np.uint8)
    apply_dialogue(
        a,
        b,
        Motion("arkit55", values, role="A", speaking=talk),
        Motion("arkit55", values.copy(), role="B", speaking=1 - talk),
        ApplyOptions(take=name, undo_push=False),
    )


def blend_v2_eyes(alice) -> None:
    """The animator's own track playing take v2's eyes at half strength."""
    eyes = bpy.data.actions["DualTalk_v2_Alice eyes"]
    track = alice.data.shape_keys.animation_data.nla_tracks.new()
    track.name = "Blend v2 eyes"
    strip = track.strips.new("v2 eyes", 1, eyes)
    strip.action_slot = eyes.slots[0]
    strip.influence = 0.5


def test_an_action_only_the_animators_track_plays_is_no_kept_take(scene):
    a, b = ah.two_characters()
    take(a, b, "v1", 0.2)
    take(a, b, "v2", 0.4)
    blend_v2_eyes(a)

    remove_take([a, b], scene, undo_push=False)  # v2 goes, back to before the takes: v1 stays kept

    assert "DualTalk_v2_Alice eyes" in bpy.data.actions  # the animator's strip still plays it
    assert file_takes.kept_not_playing([a, b]) == ["v1"]
    line = file_takes.kept_line([a, b])
    assert line.startswith(" (the file still keeps take 'v1' of them, not playing:"), line
    assert "v2" not in line
