"""The animator's track that blends (Add, part influence), added over the rest track after a take.

NLA's Add Track Above Selected on 'DualTalk rest' puts a track between our rest track and the take's
layers. A Replace strip there plays outside the next take (review rv42a F1), but a strip that adds to
what is below (a +0.3 blink from frame 60 on) was not counted: the eyes layer held the take's pose over
it on every frame after the take, and no line said so (fix42 their42's left-undone). Now it counts where
it changes something outside the take: it adds to the take's pose held there (not to the rest: the
blink dropped from the take's 0.5 to rest after the take, then jumped where their strip starts, review
rv43d F1), the layer's other channels hold the take's pose too, and the next take names the track once.
A correction inside the take, held by Blender's default Hold, adds 0 outside it: it changes nothing
there (it made the blink pop to rest after the take, and a line said the track now played there).
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 50  # the take: frames 1-50 of a 120-frame shot
BLINK, SQUINT = 0, 5  # ARKit columns: eyeBlinkLeft, eyeSquintLeft


def take(ann, name: str) -> list[str]:
    v = np.zeros((T, 55), np.float32)
    v[:, BLINK], v[:, SQUINT] = 0.5, 0.6
    return apply_motion(
        ann, Motion("arkit55", v), ApplyOptions(start_frame=1, undo_push=False, take=name)
    ).warnings


def add_blend(
    keys,
    name: str,
    start: int,
    end: int,
    keyed=((0, 0.3),),
    blend: str = "ADD",
    hold: str = "NOTHING",
    **settings,
) -> None:
    """Their track just over 'DualTalk rest': one strip adding to eyeBlinkLeft over ``start``-``end``
    (``keyed``: (frame from its start, value); ``settings``: the strip's others)."""
    action = bpy.data.actions.new(name)
    ad = keys.animation_data
    was, ad.use_nla, ad.action = ad.action, False, action
    blink = keys.key_blocks["eyeBlinkLeft"]
    for offset, amount in keyed:
        blink.value = amount
        blink.keyframe_insert("value", frame=start + offset)
    ad.action, ad.use_nla = was, True
    track = ad.nla_tracks.new(prev=ad.nla_tracks["DualTalk rest"])
    track.name = name
    strip = track.strips.new(name, start, action)
    strip.action_frame_end = strip.action_frame_start + (end - start)
    strip.blend_type, strip.extrapolation = blend, hold
    for setting, to in settings.items():
        setattr(strip, setting, to)


def value(ann, name: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return round(ann.data.shape_keys.key_blocks[name].value, 3)


def test_a_strip_of_yours_adding_to_the_pose_after_the_take_plays_there_and_a_fix_inside_it_stays_inside():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    take(ann, "v1")
    keys = ann.data.shape_keys
    eyes = keys.animation_data.nla_tracks["DualTalk eyes"].strips[0]
    add_blend(keys, "Fix", 10, 40, keyed=((0, 0.0), (15, 0.3), (30, 0.0)), hold="HOLD")  # Blender's default
    add_blend(
        keys, "Ease", 10, 40, ((0, 0.9),), "REPLACE", "HOLD", blend_in=3.0, blend_out=3.0
    )  # holds nothing
    add_blend(keys, "Inside", 10, 40)  # plays only on the take's frames: covered there, as before

    warnings = take(ann, "v2")

    assert [value(ann, "eyeBlinkLeft", f) for f in (25, 50, 51, 70)] == [
        0.5,
        0.5,
        0.5,
        0.5,
    ]  # was 0.0 at 51, 70
    assert eyes.extrapolation == "HOLD"  # the layer holds its pose, as before the fix
    assert not [w for w in warnings if "'Fix'" in w or "'Ease'" in w or "'Inside'" in w], warnings

    add_blend(keys, "Blink up", 60, 120)
    warnings = take(ann, "v3")

    assert value(ann, "eyeBlinkLeft", 55) == pytest.approx(0.5, abs=1e-3)  # held: was 0.0, the rest
    assert value(ann, "eyeBlinkLeft", 70) == pytest.approx(0.8, abs=1e-3)  # added to the pose held there
    assert value(ann, "eyeBlinkLeft", 25) == pytest.approx(0.5, abs=1e-3)  # the take, on its frames
    assert value(ann, "eyeSquintLeft", 70) == pytest.approx(0.6, abs=1e-3)  # the layer's other channel holds
    said = [w for w in warnings if "'Blink up'" in w]
    assert len(said) == 1 and "now it plays there as keyed" in said[0], warnings
    assert not [w for w in warnings if "'Fix'" in w or "'Ease'" in w or "'Inside'" in w]
    keys.animation_data.nla_tracks["DualTalk eyes"].mute = True
    take(ann, "v3")  # the same take again: fitted to the muted layer, which shows the rest outside it
    assert value(ann, "eyeBlinkLeft", 70) == pytest.approx(0.3, abs=1e-3)
    keys.animation_data.nla_tracks["DualTalk eyes"].mute = False
    assert not [w for w in take(ann, "v4") if "'Blink up'" in w]  # said once
    assert value(ann, "eyeBlinkLeft", 70) == pytest.approx(0.8, abs=1e-3)
