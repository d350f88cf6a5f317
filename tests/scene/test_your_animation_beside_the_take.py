"""An animator's own animation on a character before its first take: a walk cycle and blinks, as
NLA strips (how cycles and reusable clips are kept) or as the active action, over a shot longer than
the take.

Review rv41a found three things wrong (findings 3, 4, 5). NLA strips were hidden by the take without a
word (only the active action was looked at). The take's rest track and layers held over the whole
timeline, so the walk and the blinks were gone on every frame, also 250 frames after the take ended.
And the line's advice, "mute or lower the layer to see them", showed a frozen rest pose instead.

Now a line names the NLA tracks too; the rest track leaves out the channels the animator's tracks
under it key, and a layer keying them covers only the take's frames, so their animation plays outside
the take and under a muted or lowered layer, as the line says. An object's own rotation is called so,
not a "shape key" (finding 7).
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import fbx_export, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

T = 50  # the take: frames 1-50 of a 120-frame shot
HEAD = "DualTalk head"

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking() -> Motion:
    """Nodding, eyes half shut: the take moves the head bone and eyeBlinkLeft on every frame."""
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = 0.1 * np.sin(np.arange(T) / 4.0)
    v[:, 0] = 0.5
    return Motion("arkit55", v)


def walk_and_blinks(ann, as_strips: bool) -> None:
    """The head bobs (+0.05 at 11, 71, 111; -0.05 at 1, 21, 81...) and the left eye blinks at 30 and 90,
    keyed over frames 1-120; pushed to NLA tracks 'Walk' and 'Blinks' where ``as_strips``."""
    rig, keys = ann.parent, ann.data.shape_keys
    head = rig.pose.bones["head"]
    for frame in range(1, 121, 10):
        head.rotation_quaternion = (1.0, 0.05 if frame % 20 == 11 else -0.05, 0.0, 0.0)
        head.keyframe_insert("rotation_quaternion", frame=frame)
    blink = keys.key_blocks["eyeBlinkLeft"]
    for frame, value in (
        (1, 0.0),
        (28, 0.0),
        (30, 1.0),
        (32, 0.0),
        (88, 0.0),
        (90, 1.0),
        (92, 0.0),
        (120, 0.0),
    ):
        blink.value = value
        blink.keyframe_insert("value", frame=frame)
    if as_strips:
        for idblock, name in ((rig, "Walk"), (keys, "Blinks")):
            action = idblock.animation_data.action
            track = idblock.animation_data.nla_tracks.new()
            track.name = name
            track.strips.new(name, 1, action)
            idblock.animation_data.action = None


def shot(as_strips: bool) -> tuple[bpy.types.Object, list[str]]:
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips)
    rep = apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False))
    return ann, rep.warnings


def pose(ann, frame: int) -> tuple[float, float]:
    """(head tilt, left blink) at ``frame``."""
    bpy.context.scene.frame_set(frame)
    return (
        round(ann.parent.pose.bones["head"].rotation_quaternion[1], 3),
        round(ann.data.shape_keys.key_blocks["eyeBlinkLeft"].value, 3),
    )


@pytest.mark.parametrize("as_strips", [True, False], ids=["nla-strips", "active-action"])
def test_the_walk_and_the_blinks_play_outside_the_take(as_strips):
    ann, _warnings = shot(as_strips)

    assert pose(ann, 30)[1] == pytest.approx(0.5, abs=1e-3)  # the take's eyes, on its frames
    assert pose(ann, 71) == (0.05, 0.0)  # after the take: the walk and open eyes, as keyed
    assert pose(ann, 81) == (-0.05, 0.0)
    assert pose(ann, 90) == (pytest.approx(0.05, abs=0.01), 1.0)  # the blink at 90


def test_a_line_names_the_nla_tracks_the_take_plays_over():
    ann, warnings = shot(as_strips=True)

    walk = [w for w in warnings if "'Walk'" in w]
    blinks = [w for w in warnings if "'Blinks'" in w]
    assert walk == [
        "Ann: your NLA track 'Walk' on 'Ann_rig' keys bone head, which now plays under the DualTalk head layer "
        "over the take's frames 1-50 (outside them it plays as before): mute or lower the layer to see it "
        "there, or move it above the DualTalk tracks in the NLA editor"
    ], warnings
    assert (
        len(blinks) == 1 and "keys shape key eyeBlinkLeft" in blinks[0] and "DualTalk eyes layer" in blinks[0]
    )


@pytest.mark.parametrize("as_strips", [True, False], ids=["nla-strips", "active-action"])
def test_the_advice_as_written_shows_the_animators_walk_and_blinks(as_strips):
    ann, warnings = shot(as_strips)
    assert any("mute or lower the layer to see" in w for w in warnings), warnings

    ann.parent.animation_data.nla_tracks[HEAD].mute = True  # mute the head layer
    layers.set_influence([ann], "eyes", 0.0)  # lower the eyes layer (the panel's slider)

    assert pose(ann, 11) == (0.05, 0.0)  # inside the take's frames: the walk
    assert pose(ann, 21) == (-0.05, 0.0)
    assert pose(ann, 30)[1] == pytest.approx(1.0, abs=1e-3)  # and the blink


def test_without_animation_of_theirs_the_take_holds_its_last_pose_as_before():
    ann = br.make_character("Ann")
    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False))

    assert pose(ann, 100) == pose(ann, 50)
    assert layers.our_strips(ann.parent)["head"].extrapolation == "HOLD"


def test_an_objects_own_turn_is_called_its_rotation_not_a_shape_key():
    ann = br.make_character("Ann", armature=False)
    for frame, turn in ((1, 0.0), (50, 1.5)):
        ann.rotation_euler = (0.0, 0.0, turn)
        ann.keyframe_insert("rotation_euler", frame=frame)

    rep = apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False))

    said = [w for w in rep.warnings if "your keys on" in w]
    assert len(said) == 1 and said[0].startswith("Ann: your keys on the object's rotation_euler in "), said


def test_export_fbx_says_the_walk_plays_outside_the_take():
    ann, _warnings = shot(as_strips=True)

    said = [w for w in fbx_export.clip_warnings([ann], bpy.context.scene) if "scene range" in w]

    assert said == [
        "FBX: the clip is the scene range 1-120 (4.8 s) but the take covers frames 1-50 (2.0 s): for the rest "
        "the faces hold still but for your own animation under the take, which plays there as keyed (a range "
        "cut to the take cuts it too); set the scene's Start and End to 1-50 for a clip of the take alone"
    ], said


def test_a_fix_track_that_blends_at_the_bottom_is_not_left_over_blenders_default():
    """A +0.3 smile pushed down in Combine gives no whole value of its own: the rest track keeps the
    smile under it (left out, the smile read 1.3 after the take: Blender's default 1.0 plus the fix)."""
    ann = br.make_character("Ann")
    keys = ann.data.shape_keys
    smile = keys.key_blocks["mouthSmileLeft"]
    for frame in (1, 120):
        smile.value = 0.3
        smile.keyframe_insert("value", frame=frame)
    track = keys.animation_data.nla_tracks.new()
    track.name = "Hand smile"
    strip = track.strips.new("Hand smile", 1, keys.animation_data.action)
    strip.blend_type = "COMBINE"
    keys.animation_data.action = None

    apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False))

    bpy.context.scene.frame_set(100)
    assert smile.value == pytest.approx(0.0, abs=1e-3)  # the rest track's 0 (the take's last frame's too)


def test_a_pose_keyed_on_one_frame_is_one_keyed_frame():
    ann = br.make_character("Ann")
    ann.parent.pose.bones["head"].keyframe_insert("rotation_quaternion", frame=10)

    rep = apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False))

    said = [w for w in rep.warnings if "your keys on bone head" in w]
    assert len(said) == 1 and "(1 keyed frame) now play" in said[0], said
