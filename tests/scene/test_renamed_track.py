"""An animator tidies the NLA editor and renames a DualTalk track ("DualTalk lips+jaw" -> "Ann lips"),
then generates a new performance. The renamed track is still the take's: the new lips play on it
(not on a fresh track hidden below the old lips), and Remove Take's recogniser finds it. A track of
the animator's own that plays our action (a moment repeated by hand) stays theirs."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 50
JAW = ARKIT52.index("jawOpen")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(phase: float) -> Motion:
    t = np.arange(T) / FPS
    v = np.zeros((T, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(2 * np.pi * 1.3 * t + phase)
    v[:, 52] = 0.1 * np.sin(2 * np.pi * 0.5 * t + phase)
    return Motion("arkit55", v)


def jaw_played(obj) -> np.ndarray:
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append(obj.data.shape_keys.key_blocks["jawOpen"].value)
    return np.array(out)


def test_a_new_take_plays_on_the_track_the_animator_renamed():
    ann = br.make_character("Ann")
    options = ApplyOptions(start_frame=1, undo_push=False)
    apply_motion(ann, talking(0.0), options)
    key = ann.data.shape_keys
    key.animation_data.nla_tracks["DualTalk lips+jaw"].name = "Ann lips"

    new = talking(2.0)
    apply_motion(ann, new, options)

    names = [t.name for t in key.animation_data.nla_tracks]
    assert names == ["DualTalk rest", "Ann lips", "DualTalk eyes", "DualTalk brows+cheeks"]
    assert np.abs(jaw_played(ann) - new.values[:, JAW]).max() < 0.01  # the new take's lips play
    assert layers.our_strips(key)["lips+jaw"] == key.animation_data.nla_tracks["Ann lips"].strips[0]
    assert key.animation_data.nla_tracks["Ann lips"] in layers.our_tracks(key)  # Remove Take's too


def test_a_track_of_the_animators_own_playing_our_lips_stays_theirs():
    ann = br.make_character("Ann")
    options = ApplyOptions(start_frame=1, undo_push=False)
    apply_motion(ann, talking(0.0), options)
    key = ann.data.shape_keys
    lips = key.animation_data.nla_tracks["DualTalk lips+jaw"]
    mine = key.animation_data.nla_tracks.new(prev=lips)
    mine.name = "my repeat"
    repeat = mine.strips.new("repeat", 80, lips.strips[0].action)
    repeat.action_frame_start, repeat.action_frame_end = 10, 20

    apply_motion(ann, talking(2.0), options)

    assert mine not in layers.our_tracks(key)
    assert layers.our_strips(key)["lips+jaw"] == key.animation_data.nla_tracks["DualTalk lips+jaw"].strips[0]
    assert [t.name for t in key.animation_data.nla_tracks].count("DualTalk lips+jaw") == 1
