"""The animator's own blink track and a take's layers, after the first take (review rv42a F1-F3).

A track added after the first take lands over the 'DualTalk rest' track and under the take's layers
(Blender's Add Track Above Selected; nothing can go under the rest track). The next take's layers held
their pose over it on every frame, so the blinks were gone outside the take too, in the FBX as well,
and nothing said so. Where the track keyed one eye channel, the whole eyes layer stopped at the take's
last frame, so the squint and the other eye fell to rest there. And a channel their track came to key
after a take stayed at rest under that take's rest action when it was played again.

Now their track anywhere under our layers plays outside the take and is named once; each channel
nobody else keys holds the take's pose; Play Take fits the take's rest to what is under it now.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import compat, layers, rest_beneath
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.motion import Motion
from fbx_curves import read_fbx_curves

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 50  # the take: frames 1-50 of a 120-frame shot
BLINK, SQUINT, BROW = 0, 5, 43  # ARKit columns: eyeBlinkLeft, eyeSquintLeft, browInnerUp


def squinting() -> Motion:
    """Eyes half shut and squinting, brows a little up, nodding: the take's last pose is not the rest."""
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = 0.1 * np.sin(np.arange(T) / 4.0)
    v[:, BLINK], v[:, SQUINT], v[:, BROW] = 0.5, 0.6, 0.4
    return Motion("arkit55", v)


def take(ann, name: str) -> list[str]:
    return apply_motion(ann, squinting(), ApplyOptions(start_frame=1, undo_push=False, take=name)).warnings


def blinks_action(keys) -> bpy.types.Action:
    """Their blink cycle (eyeBlinkLeft shut at 90), keyed with the NLA off so it holds what was keyed."""
    ad = keys.animation_data_create()
    action = bpy.data.actions.new("BlinkCycle")
    was, ad.use_nla, ad.action = ad.action, False, action
    blink = keys.key_blocks["eyeBlinkLeft"]
    for frame, value in ((1, 0.0), (88, 0.0), (90, 1.0), (92, 0.0), (120, 0.0)):
        blink.value = value
        blink.keyframe_insert("value", frame=frame)
    ad.action, ad.use_nla = was, True
    return action


def add_blinks(ann, prev=None) -> None:
    """Their 'Blinks' track: just above ``prev`` (NLA's Add Track Above Selected), else on top."""
    keys = ann.data.shape_keys
    action = blinks_action(keys)
    track = keys.animation_data.nla_tracks.new(prev=prev)
    track.name = "Blinks"
    track.strips.new("Blinks", 1, action)


def value(ann, name: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return round(ann.data.shape_keys.key_blocks[name].value, 3)


@pytest.fixture
def ann():
    character = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    return character


def test_a_track_added_over_the_rest_plays_outside_the_next_take_and_in_the_fbx(ann, tmp_path):
    take(ann, "v1")
    keys = ann.data.shape_keys
    add_blinks(ann, prev=keys.animation_data.nla_tracks["DualTalk rest"])

    warnings = take(ann, "v2")

    assert [t.name for t in keys.animation_data.nla_tracks][:3] == [
        "DualTalk rest",
        "Blinks",
        "DualTalk lips+jaw",
    ]
    assert value(ann, "eyeBlinkLeft", 25) == pytest.approx(0.5, abs=1e-3)  # the take, on its frames
    assert value(ann, "eyeBlinkLeft", 90) == 1.0  # their blink after the take (was 0.5, the take's pose)
    assert value(ann, "eyeBlinkLeft", 70) == 0.0
    assert value(ann, "eyeSquintLeft", 70) == pytest.approx(0.6, abs=1e-3)  # the take's, held
    said = [w for w in warnings if "'Blinks'" in w]
    assert len(said) == 1 and "hid outside its frames: now it plays there as keyed" in said[0], warnings
    assert not [w for w in take(ann, "v3") if "'Blinks'" in w]  # said once, not at every take
    export_fbx([ann], tmp_path / "v3.fbx")
    curves = read_fbx_curves(tmp_path / "v3.fbx", 25, 1, 120)
    blink = next(c for k, c in curves.items() if "eyeBlinkLeft" in k)["values"]
    squint = next(c for k, c in curves.items() if "eyeSquintLeft" in k)["values"]
    assert blink[89] == pytest.approx(100.0, abs=0.5) and blink[69] == pytest.approx(0.0, abs=0.5)
    assert squint[69] == pytest.approx(60.0, abs=0.5)


def test_where_your_track_keys_one_eye_channel_the_others_hold_the_takes_pose(ann):
    keys = ann.data.shape_keys
    add_blinks(ann)  # under the take's tracks: their blink plays outside the take (rv41a)

    take(ann, "v1")

    assert value(ann, "eyeBlinkLeft", 90) == 1.0 and value(ann, "eyeBlinkLeft", 70) == 0.0
    for frame in (51, 70, 120):  # was 0.0 from 51 on: the whole eyes layer stopped with the take
        assert value(ann, "eyeSquintLeft", frame) == pytest.approx(0.6, abs=1e-3)
    keys.animation_data.nla_tracks["DualTalk eyes"].mute = True
    assert value(ann, "eyeSquintLeft", 25) == 0.0  # a muted layer still shows the rest on the take's frames
    assert value(ann, "eyeBlinkLeft", 30) == 0.0  # ... and their animation
    rest = layers.our_strips(keys)["rest"]
    squint = compat.channelbag(rest.action, rest.action_slot).fcurves.find(
        'key_blocks["eyeSquintLeft"].value'
    )
    assert squint.keyframe_points[0].co[1] == 0.0  # the rest, where Remove Take reads it


def test_playing_a_take_again_fits_its_rest_to_what_your_track_keys_now(ann):
    add_blinks(ann)
    take(ann, "v1")
    keys = ann.data.shape_keys
    theirs = keys.animation_data.nla_tracks["Blinks"].strips[0]
    brow = compat.channelbag(theirs.action, theirs.action_slot).fcurves.new('key_blocks["browInnerUp"].value')
    for frame, lift in ((1, 0.0), (80, 0.0), (85, 0.9), (95, 0.0), (120, 0.0)):
        brow.keyframe_points.insert(frame, lift)  # their brow raise, keyed in their strip after the take

    line = file_takes.play_take([ann], "v1", bpy.context.scene)  # the take that plays, played again

    assert value(ann, "browInnerUp", 85) == pytest.approx(0.9, abs=1e-3)  # was the take's pose, 0.4
    assert "'Blinks'" in line and "browInnerUp" in line, line
    take(ann, "v2")
    file_takes.play_take([ann], "v1", bpy.context.scene)
    assert value(ann, "browInnerUp", 85) == pytest.approx(0.9, abs=1e-3)  # was 0.0: v1's rest over theirs
    assert value(ann, "mouthSmileLeft", 70) == 0.0
    keys.animation_data.nla_tracks["Blinks"].mute = True
    assert value(ann, "browInnerUp", 85) == 0.0  # muted: the rest under their track, not Blender's 1.0
    assert rest_beneath.beneath_track(keys) is not None


def test_a_range_over_the_takes_end_moves_the_pose_held_after_it(ann):
    add_blinks(ann)  # their blink keys eyeBlinkLeft: the eyes layer covers only the take's frames
    take(ann, "v1")
    assert value(ann, "eyeSquintLeft", 51) == pytest.approx(0.6, abs=1e-3)
    later = squinting()
    later.values[:, SQUINT] = 0.3  # the range's squint is lower

    apply_motion(
        ann, later, ApplyOptions(start_frame=1, undo_push=False, replace_range=(40, 50), crossfade=0)
    )

    assert value(ann, "eyeSquintLeft", 50) == pytest.approx(0.3, abs=1e-3)
    assert value(ann, "eyeSquintLeft", 51) == value(ann, "eyeSquintLeft", 50)  # was 0.6: the old pose held on
    assert value(ann, "eyeBlinkLeft", 90) == 1.0  # their blink still plays after the take
