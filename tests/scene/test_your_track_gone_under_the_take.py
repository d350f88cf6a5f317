"""The animator deletes their blink track after a take that plays over it (review rv41e F1).

The take's eyes layer covered only its own frames while the 'Blinks' track was under it, so the blinks
played outside the take. That choice was made once: a later take, with nothing of theirs under it any
more, still stopped at its last frame, and Play Take of the older take left the eye to Blender's default
outside its frames (shape key 1.0: the eye shut from frame 51 to the end). Now each take and each Play
Take decide again: with nothing of theirs under the layer it holds the take's pose, as before takes41.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from test_your_animation_beside_the_take import pose, talking, walk_and_blinks

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def take_over_blinks_then_delete_them():
    """Take 'v1' over the animator's 'Blinks' track; then they delete the track."""
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))
    assert pose(ann, 90)[1] == 1.0  # their blink plays after the take
    ad = ann.data.shape_keys.animation_data
    ad.nla_tracks.remove(ad.nla_tracks["Blinks"])
    return ann


def test_a_take_made_after_the_track_is_gone_holds_its_last_pose():
    ann = take_over_blinks_then_delete_them()
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v2"))

    assert layers.our_strips(ann.data.shape_keys)["eyes"].extrapolation == "HOLD"
    assert pose(ann, 70)[1] == pytest.approx(pose(ann, 50)[1])  # the take's eyes, half shut, held
    assert pose(ann, 90)[1] == pytest.approx(0.5, abs=1e-3)


def test_playing_the_older_take_after_the_track_is_gone_does_not_shut_the_eye():
    ann = take_over_blinks_then_delete_them()
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v2"))

    line = file_takes.play_take([ann], "v1", bpy.context.scene)

    assert "plays take 'v1'" in line
    assert layers.our_strips(ann.data.shape_keys)["eyes"].extrapolation == "HOLD"
    for frame in (60, 90, 110):  # was 1.0, Blender's default for a shape key
        assert pose(ann, frame)[1] == pytest.approx(0.5, abs=1e-3)


def test_playing_the_take_again_while_the_track_is_there_lets_the_blinks_play():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v2"))

    file_takes.play_take([ann], "v1", bpy.context.scene)

    assert layers.our_strips(ann.data.shape_keys)["eyes"].extrapolation == "NOTHING"
    assert pose(ann, 90)[1] == 1.0 and pose(ann, 70)[1] == 0.0
