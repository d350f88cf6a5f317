"""An animator made two takes at 25 fps, then set the scene to 29.97 fps for delivery, and pressed Play
on the first take. It plays its 25-fps keys out of step with the sound, and Play Take's line said
nothing (the panel's warning is elsewhere; Re-generate Preview Range refuses later). Now the line says
so, with the way back (review 31a, finding 6)."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def two_takes(scene):
    scene.render.fps = 25
    alice, bob = ah.two_characters()
    for take, level in (("take", 0.2), ("v2", 0.4)):
        m = Motion("arkit55", np.full((50, 55), level, np.float32))
        apply_dialogue(alice, bob, m, m, ApplyOptions(undo_push=False, take=take))
    scene.dualtalk.char_a, scene.dualtalk.char_b = alice, bob
    return alice, bob


def play(scene, take: str) -> str:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take=take) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def test_play_take_in_a_scene_whose_frame_rate_changed_says_so(scene):
    two_takes(scene)
    scene.render.fps, scene.render.fps_base = 30, 1.001

    line = play(scene, "take")

    assert line == (
        "DualTalk: Alice and Bob play take 'take'; the other takes stay in the file (warning: take 'take' "
        "was keyed at 25 fps and the scene now runs at 29.97 fps: keys and sound are out of step; set the "
        "scene back to 25 fps or Generate again)"
    )


def test_play_take_at_the_takes_own_frame_rate_says_no_more_than_before(scene):
    two_takes(scene)
    assert play(scene, "take") == "DualTalk: Alice and Bob play take 'take'; the other takes stay in the file"
