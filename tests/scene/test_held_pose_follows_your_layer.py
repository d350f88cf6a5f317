"""The pose a take holds outside its frames follows the layer the animator mutes, lowers or edits.

Ann's own 'Blinks' track keys eyeBlinkLeft, so the take's eyes layer covers only the take's frames and
its other channels (the squint) hold the take's first and last pose on the rest track. That hold was a
copy made at Generate: muting the eyes layer or lowering it left the squint at the take's 0.6 for the
rest of the shot (a layer holding its own pose shows the rest there), and moving the layer's last key
left the old pose held after it, in the FBX too, until the next Generate or Play Take (fix42 their42's
left-undone). Now ``held_pose.follow_layers``, run by Blender after each such edit, fits the hold again,
and only the held channels: a key Ann's animator put on another channel of the locked rest track stays
(review rv43d F6: any edit erased it). A file saved while nothing followed the layer (the add-on disabled)
is fitted when it opens or the add-on is enabled (F4: the render showed the stale pose, the FBX the rest).
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat, held_pose, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.motion import Motion
from fbx_curves import read_fbx_curves

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 50  # the take: frames 1-50 of a 120-frame shot
BLINK, SQUINT = 0, 5  # ARKit columns: eyeBlinkLeft, eyeSquintLeft


def squinting() -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, BLINK], v[:, SQUINT] = 0.5, 0.6
    return Motion("arkit55", v)


def add_blinks(keys) -> None:
    """Their 'Blinks' track under everything: eyeBlinkLeft shut at 90 only."""
    ad = keys.animation_data_create()
    action = bpy.data.actions.new("BlinkCycle")
    was, ad.use_nla, ad.action = ad.action, False, action
    blink = keys.key_blocks["eyeBlinkLeft"]
    for frame, value in ((1, 0.0), (88, 0.0), (90, 1.0), (92, 0.0), (120, 0.0)):
        blink.value = value
        blink.keyframe_insert("value", frame=frame)
    ad.action, ad.use_nla = was, True
    ad.nla_tracks.new().strips.new("Blinks", 1, action)
    ad.nla_tracks[-1].name = "Blinks"


def squint(ann, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return round(ann.data.shape_keys.key_blocks["eyeSquintLeft"].value, 3)


def edited(idblock) -> None:
    """What Blender does after the NLA editor's mute checkbox, a dragged influence or a moved key: the
    datablock tagged for its animation, then the depsgraph updated (Python's ``track.mute = True`` tags
    nothing, the checkbox does: ``achannel_setting_flush_widget_cb``)."""
    idblock.update_tag(refresh={"TIME"})
    bpy.context.view_layer.update()


@pytest.fixture
def ann():
    character = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    add_blinks(character.data.shape_keys)
    apply_motion(character, squinting(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))
    bpy.app.handlers.depsgraph_update_post.append(held_pose.follow_layers)  # as the add-on registers it
    yield character
    bpy.app.handlers.depsgraph_update_post.remove(held_pose.follow_layers)


def rest_curve(keys, name: str):
    rest = layers.our_strips(keys)["rest"]
    return compat.channelbag(rest.action, rest.action_slot).fcurves.find(f'key_blocks["{name}"].value')


def test_muting_lowering_or_editing_the_eyes_layer_moves_the_pose_held_after_the_take(ann, tmp_path):
    keys = ann.data.shape_keys
    eyes = keys.animation_data.nla_tracks["DualTalk eyes"]
    assert eyes.strips[0].extrapolation == "NOTHING"  # their blink plays outside the take
    assert squint(ann, 70) == pytest.approx(0.6, abs=1e-3)  # the take's last pose, held
    jaw = rest_curve(keys, "jawOpen")
    jaw.keyframe_points.insert(80, 0.4)  # a key of theirs in the locked rest track

    eyes.mute = True
    edited(keys)
    assert [squint(ann, f) for f in (1, 50, 51, 70)] == [0.0, 0.0, 0.0, 0.0]  # was 0.6, 0.6, 0.6, 0.6
    assert [tuple(k.co) for k in rest_curve(keys, "jawOpen").keyframe_points][-1] == (
        80.0,
        pytest.approx(0.4),
    )
    bpy.context.scene.frame_set(90)
    assert keys.key_blocks["eyeBlinkLeft"].value == 1.0  # their blink still plays
    export_fbx([ann], tmp_path / "muted.fbx")
    curves = read_fbx_curves(tmp_path / "muted.fbx", 25, 1, 120)
    baked = next(c for k, c in curves.items() if "eyeSquintLeft" in k)["values"]
    assert max(abs(v) for v in baked[50:]) < 0.5  # percent; was 60 on frames 51-120

    eyes.mute = False
    edited(keys)
    assert squint(ann, 70) == pytest.approx(0.6, abs=1e-3)
    eyes.strips[0].influence = 0.5  # the panel's slider (its own update tags the shape keys)
    bpy.context.view_layer.update()
    assert squint(ann, 25) == pytest.approx(0.3, abs=1e-3)
    assert squint(ann, 70) == pytest.approx(0.3, abs=1e-3)  # was 0.6: as on the take's frames

    eyes.strips[0].influence = 1.0
    strip = eyes.strips[0]
    last = compat.channelbag(strip.action, strip.action_slot).fcurves.find(
        'key_blocks["eyeSquintLeft"].value'
    )
    last.keyframe_points[-1].co[1] = 0.2  # a hand edit on the take's last frame
    last.update()
    edited(keys)
    assert squint(ann, 50) == pytest.approx(0.2, abs=1e-3)
    assert squint(ann, 51) == pytest.approx(0.2, abs=1e-3)  # was 0.6 until the next Generate
    rest = layers.our_strips(keys)["rest"]
    held = compat.channelbag(rest.action, rest.action_slot).fcurves.find('key_blocks["eyeSquintLeft"].value')
    assert held.keyframe_points[0].co[1] == 0.0  # the rest, where Remove Take reads it


def test_a_file_saved_while_nothing_followed_the_layer_opens_with_the_pose_fitted(ann, tmp_path):
    blend = str(tmp_path / "shot.blend")
    bpy.app.handlers.depsgraph_update_post.remove(held_pose.follow_layers)  # the add-on disabled
    ann.data.shape_keys.animation_data.nla_tracks["DualTalk eyes"].mute = True
    edited(ann.data.shape_keys)
    assert squint(ann, 70) == pytest.approx(0.6, abs=1e-3)  # stale: nothing fitted it
    bpy.ops.wm.save_as_mainfile(filepath=blend)
    bpy.app.handlers.depsgraph_update_post.append(held_pose.follow_layers)

    bpy.ops.wm.open_mainfile(filepath=blend)
    assert squint(bpy.data.objects["Ann"], 70) == pytest.approx(0.6, abs=1e-3)  # opening tags nothing
    held_pose.on_load()  # what enabling the add-on with the file open runs
    assert squint(bpy.data.objects["Ann"], 70) == 0.0

    bpy.app.handlers.load_post.append(held_pose.on_load)  # as the add-on registers it
    try:
        bpy.ops.wm.open_mainfile(filepath=blend)
    finally:
        bpy.app.handlers.load_post.remove(held_pose.on_load)
    assert squint(bpy.data.objects["Ann"], 70) == 0.0  # was 0.6 until an edit tagged Ann
