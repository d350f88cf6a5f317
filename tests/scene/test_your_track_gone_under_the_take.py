"""The animator mutes or deletes their blink track after a take that plays over it (review rv41e F1).

The take's eyes layer covered only its own frames while the 'Blinks' track was under it, so the blinks
played outside the take. That choice was made once: a later take, with nothing of theirs under it any
more, still stopped at its last frame, and Play Take of the older take left the eye to Blender's default
outside its frames (shape key 1.0: the eye shut from frame 51 to the end). Now each take and each Play
Take decide again: with nothing of theirs under the layer it holds the take's pose, as before takes41.

Muting the track (or deleting it and running nothing after) left the eye at that default too, as no
DualTalk code runs then. Now a locked 'DualTalk rest beneath' track under theirs holds the eye at rest
(their bottom track rebuilt one place up, strip for strip): the eye is open outside the take, in the
viewport and in an FBX, and Remove Take leaves their track at the bottom as it was. A track that cannot
be copied exactly is left alone, and a line says what muting it will do.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers, remove_take
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from fbx_curves import read_fbx_curves
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


def take_over_blinks(**blinks_strip):
    """Take 'v1' (frames 1-50) over the animator's 'Blinks' track (its strip given ``blinks_strip``)."""
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    strip = ann.data.shape_keys.animation_data.nla_tracks["Blinks"].strips[0]
    for name, value in blinks_strip.items():
        setattr(strip, name, value)
    rep = apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))
    return ann, rep.warnings


def stack(ann):
    return [t.name for t in ann.data.shape_keys.animation_data.nla_tracks]


def test_muting_or_deleting_your_track_leaves_the_eye_at_rest_outside_the_take(tmp_path):
    ann, _warnings = take_over_blinks(extrapolation="HOLD_FORWARD")
    tracks = ann.data.shape_keys.animation_data.nla_tracks
    assert pose(ann, 70)[1] == 0.0 and pose(ann, 90)[1] == 1.0  # their blink plays after the take

    tracks["Blinks"].mute = True

    assert pose(ann, 30)[1] == pytest.approx(0.5, abs=1e-3)  # the take
    assert pose(ann, 70)[1] == 0.0 and pose(ann, 90)[1] == 0.0  # was 1.0: Blender's default, eye shut
    export_fbx([ann], tmp_path / "muted.fbx")
    curves = read_fbx_curves(tmp_path / "muted.fbx", 25, 1, 120)
    blink = next(c for k, c in curves.items() if "eyeBlinkLeft" in k)
    assert blink["values"][55:].max() < 1e-3  # frames 56-120 open (DeformPercent 0, not 100)
    assert [t.name for t in tracks][:3] == ["DualTalk rest beneath", "Blinks", "DualTalk rest"]
    theirs = tracks["Blinks"].strips[0]  # rebuilt one place up, as it was
    assert (theirs.name, theirs.action.name, theirs.frame_start, theirs.frame_end) == (
        "Blinks",
        "AnnAction",
        1,
        120,
    )
    assert (
        theirs.extrapolation == "HOLD_FORWARD"
        and tracks["Blinks"].mute
        and tracks["DualTalk rest beneath"].lock
    )

    tracks.remove(tracks["Blinks"])

    assert pose(ann, 70)[1] == 0.0 and pose(ann, 90)[1] == 0.0


def test_remove_take_leaves_your_track_at_the_bottom_as_it_was():
    ann, _warnings = take_over_blinks()

    remove_take.remove_take([ann], undo_push=False)

    assert stack(ann) == ["Blinks"]
    strip = ann.data.shape_keys.animation_data.nla_tracks["Blinks"].strips[0]
    assert (strip.name, strip.action.name, strip.frame_start, strip.frame_end) == (
        "Blinks",
        "AnnAction",
        1,
        120,
    )
    assert not [a.name for a in bpy.data.actions if "rest beneath" in a.name]
    assert pose(ann, 30)[1] == 1.0 and pose(ann, 70)[1] == 0.0  # their blinks, as before the take


def test_a_track_that_cannot_be_copied_exactly_is_left_alone_and_said():
    ann, warnings = take_over_blinks(use_animated_time=True)  # strip time keys: not rebuilt

    assert stack(ann)[:2] == ["Blinks", "DualTalk rest"]
    assert ann.data.shape_keys.animation_data.nla_tracks["Blinks"].strips[0].use_animated_time
    said = [w for w in warnings if "holds no rest under it" in w]
    assert said == [
        "Ann: your NLA track 'Blinks' on the shape keys of 'Ann' holds a strip with animated strip time "
        "('Blinks'), so DualTalk left it as it is and holds no rest under it: muted or deleted, it leaves "
        "eyeBlinkLeft at Blender's default (1.0 for a shape key) outside the take's frames"
    ], warnings


def test_a_strip_of_yours_that_blends_with_nothing_below_it_plays_as_it_did():
    """After 'Blinks' ends, a second strip on its track plays the blink again at 60 %: with nothing of
    theirs below, Blender blends it with its default, and a rest held under it would change what it
    plays. None is; it plays as before the take."""
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    track = ann.data.shape_keys.animation_data.nla_tracks["Blinks"]
    first = track.strips[0]
    first.action_frame_end = 60
    late = track.strips.new("Late blink", 70, first.action)
    late.action_frame_start, late.action_frame_end = 80, 100  # the blink at 90, played at 80
    layers.key_influence(late, 0.6)
    before = [pose(ann, f)[1] for f in range(60, 121, 5)]

    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))

    assert [pose(ann, f)[1] for f in range(60, 121, 5)] == before
    assert before[4] == 1.0 and before[3] == pytest.approx(0.4)  # the blink at 80; 40 % of the default
    assert stack(ann)[:2] == ["Blinks", "DualTalk rest"]
