"""An animator compares two takes of one dialogue: Generate (the scene's 1-20 grows to the take's
frames), Generate again under a new Take name, Play Take puts the first one back, and Remove Take
takes it off. Before, the scene's frame range stayed as the takes had set it (1-80): the record of
the range the takes replaced named the take switched away from, which no character played any more,
so Remove Take did not recognise it. Now Remove Take puts the shot's own range back, as it does
after a Generate."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers, remove_take
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def two_takes(scene):
    """Takes 'take' and 'v2' of one recording keyed on Alice and Bob over a scene of frames 1-20."""
    scene.render.fps = 25
    scene.frame_start, scene.frame_end = 1, 20
    alice, bob = ah.two_characters()
    for take, level in (("take", 0.2), ("v2", 0.4)):
        m = Motion("arkit55", np.full((80, 55), level, np.float32))
        apply_dialogue(alice, bob, m, m, ApplyOptions(undo_push=False, take=take))
    return alice, bob


def play(scene, a, b, take: str) -> None:
    """The panel's Play on ``take``, for Character A ``a`` and B ``b`` (None: only A)."""
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    assert bpy.ops.dualtalk.play_take(take=take) == {"FINISHED"}


def test_remove_take_after_play_take_puts_the_shots_range_back(scene):
    alice, bob = two_takes(scene)
    assert (scene.frame_start, scene.frame_end) == (1, 80)
    play(scene, alice, bob, "take")
    assert layers.take_meta(alice)["take"] == "take"
    assert (scene.frame_start, scene.frame_end) == (1, 80)  # playing a take leaves the range alone

    report = remove_take.remove_take([alice, bob], scene, undo_push=False)
    assert (scene.frame_start, scene.frame_end) == (1, 20)
    assert "scene range back to 1-20" in report.summary


def test_playing_a_take_on_one_of_two_characters_leaves_the_range_to_the_other(scene):
    alice, bob = two_takes(scene)
    play(scene, alice, None, "take")
    remove_take.remove_take([alice], scene, undo_push=False)
    assert (scene.frame_start, scene.frame_end) == (1, 80)  # Bob still plays 'v2', which set it
    remove_take.remove_take([bob], scene, undo_push=False)
    assert (scene.frame_start, scene.frame_end) == (1, 20)


def test_a_range_changed_by_hand_after_play_take_stays(scene):
    alice, bob = two_takes(scene)
    play(scene, alice, bob, "take")
    scene.frame_end = 60  # the animator's own range
    remove_take.remove_take([alice, bob], scene, undo_push=False)
    assert (scene.frame_start, scene.frame_end) == (1, 60)
