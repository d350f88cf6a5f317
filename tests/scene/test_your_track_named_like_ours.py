"""An animator keys their own jaw pass and puts it on an NLA track they name "DualTalk lips+jaw", as
ours is called (or gets one so in a colleague's file). Generate took that track over by its name: their
strip was set to play the take's lips, and their action, left with no user, was gone from the saved
file, without a word (review rv43c F1). Remove Take already counted such a track as theirs.

Now every take, Play Take and Remove Take go by the same rule: a track playing an action that is not
ours is theirs, whatever its name. It keeps playing their pass, the take gets a track of its own
beside it, and one line says so; the next take plays on that track of ours, and says nothing more.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.keying import action_meta, is_ours
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 40
JAW = ARKIT52.index("jawOpen")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(phase: float) -> Motion:
    t = np.arange(T) / FPS
    v = np.zeros((T, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(2 * np.pi * 1.3 * t + phase)
    return Motion("arkit55", v)


def jaw_pass_on_a_track_named_like_ours(ann):
    """Their own jaw keys (0.9 at frame 10, 0.1 at 20) in 'my jaw pass', on their 'DualTalk lips+jaw'."""
    key = ann.data.shape_keys
    ad = key.animation_data_create()
    jaw = key.key_blocks["jawOpen"]
    for frame, value in ((10, 0.9), (20, 0.1)):
        jaw.value = value
        jaw.keyframe_insert("value", frame=frame)
    mine = ad.action
    mine.name = "my jaw pass"
    track = ad.nla_tracks.new()
    track.name = "DualTalk lips+jaw"
    track.strips.new("mine", 1, mine)
    ad.action = None
    return mine


def playing(key, action) -> list[tuple[str, str]]:
    """(track, strip) names of the strips playing ``action`` (a track of theirs at the bottom is
    rebuilt one place up under a take's 'DualTalk rest beneath': looked up, not held)."""
    return [(t.name, s.name) for t in key.animation_data.nla_tracks for s in t.strips if s.action == action]


def test_generate_leaves_your_track_of_our_name_and_keys_the_take_beside_it():
    ann = br.make_character("Ann")
    key = ann.data.shape_keys
    mine = jaw_pass_on_a_track_named_like_ours(ann)
    options = ApplyOptions(start_frame=1, undo_push=False, take="v1")

    report = apply_motion(ann, talking(0.0), options)

    assert playing(key, mine) == [("DualTalk lips+jaw", "mine")]  # was none: gone at the next save
    ours = layers.our_strips(key)["lips+jaw"]
    assert ours.name == "DualTalk lips+jaw" and is_ours(ours.action)
    assert all(s.action != mine for t in layers.our_tracks(key) for s in t.strips)
    said = [w for w in report.warnings if "'my jaw pass'" in w and "not a DualTalk take" in w]
    assert len(said) == 1 and "'DualTalk lips+jaw'" in said[0], report.warnings
    bpy.context.scene.frame_set(5)  # the take plays over their pass on its frames
    assert key.key_blocks["jawOpen"].value == pytest.approx(float(talking(0.0).values[4, JAW]), abs=0.01)

    tracks = len(key.animation_data.nla_tracks)
    again = apply_motion(ann, talking(2.0), ApplyOptions(start_frame=1, undo_push=False, take="v2"))
    assert len(key.animation_data.nla_tracks) == tracks  # the take's own track, not one more
    assert layers.our_strips(key)["lips+jaw"] == ours and playing(key, mine) == [
        ("DualTalk lips+jaw", "mine")
    ]
    assert not [w for w in again.warnings if "not a DualTalk take" in w]

    file_takes.play_take([ann], "v1", bpy.context.scene)
    assert playing(key, mine) == [("DualTalk lips+jaw", "mine")]
    assert action_meta(layers.our_strips(key)["lips+jaw"].action)["take"] == "v1"

    remove_take([ann], bpy.context.scene, undo_push=False)
    assert [(t.name, [s.action for s in t.strips]) for t in key.animation_data.nla_tracks] == [
        ("DualTalk lips+jaw", [mine])
    ]
    assert mine.users == 1
