"""The animator's track that blends (Add, part influence), added over the rest track after a take.

NLA's Add Track Above Selected on 'DualTalk rest' puts a track between our rest track and the take's
layers. A Replace strip there plays outside the next take (review rv42a F1), but a strip that adds to
what is below (a +0.3 blink from frame 60 on) was not counted: the eyes layer held the take's pose over
it on every frame after the take, and no line said so (fix42 their42's left-undone). Now it counts where
it plays outside the take: it adds to the rest there, the layer's other channels hold the take's pose,
and the next take names the track once.
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


def add_blend(keys, name: str, start: int, end: int, blend: str = "ADD", influence: float = 1.0) -> None:
    """Their track just over 'DualTalk rest': one strip adding 0.3 to eyeBlinkLeft over ``start``-``end``."""
    action = bpy.data.actions.new(name)
    ad = keys.animation_data
    was, ad.use_nla, ad.action = ad.action, False, action
    blink = keys.key_blocks["eyeBlinkLeft"]
    blink.value = 0.3
    blink.keyframe_insert("value", frame=start)
    ad.action, ad.use_nla = was, True
    track = ad.nla_tracks.new(prev=ad.nla_tracks["DualTalk rest"])
    track.name = name
    strip = track.strips.new(name, start, action)
    strip.action_frame_end = strip.action_frame_start + (end - start)
    strip.blend_type, strip.extrapolation = blend, "NOTHING"
    strip.influence = influence


def value(ann, name: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return round(ann.data.shape_keys.key_blocks[name].value, 3)


def test_a_strip_of_yours_adding_to_the_rest_after_the_take_plays_there_after_the_next_take():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    take(ann, "v1")
    keys = ann.data.shape_keys
    add_blend(keys, "Blink up", 60, 120)
    add_blend(keys, "Inside", 10, 40)  # plays only on the take's frames: covered there, as before

    warnings = take(ann, "v2")

    assert value(ann, "eyeBlinkLeft", 70) == pytest.approx(
        0.3, abs=1e-3
    )  # was 0.5: the take's pose held over it
    assert value(ann, "eyeBlinkLeft", 55) == 0.0  # the rest, where their strip does not play
    assert value(ann, "eyeBlinkLeft", 25) == pytest.approx(0.5, abs=1e-3)  # the take, on its frames
    assert value(ann, "eyeSquintLeft", 70) == pytest.approx(0.6, abs=1e-3)  # the layer's other channel holds
    said = [w for w in warnings if "'Blink up'" in w]
    assert len(said) == 1 and "now it plays there as keyed" in said[0], warnings
    assert not [w for w in warnings if "'Inside'" in w]
    assert not [w for w in take(ann, "v3") if "'Blink up'" in w]  # said once
    assert value(ann, "eyeBlinkLeft", 70) == pytest.approx(0.3, abs=1e-3)
