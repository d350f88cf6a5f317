"""An animator drags a layer's influence slider (the panel's *Layers*, or the NLA editor's strip
influence) and the value holds (review 26, finding 1).

Every layer's influence was keyed once at 1, so the slider was an animated property: a dragged 0
went back to 1 at the next frame change, and nothing that plays, renders or exports changed unless
the animator also pressed Insert Keyframe. The influence is now the strip's own value over an
influence curve with no keys: a drag holds, and right-click > Insert Keyframe still animates it."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from test_blender_layers import angle_deg, sample, wavy_motion

REST = np.tile([1.0, 0, 0, 0], (40, 1))
FRAMES = range(1, 41)


def _head_angle(obj) -> np.ndarray:
    return angle_deg(sample(obj, FRAMES)[1], REST)


def test_a_dragged_head_slider_holds_on_every_frame_and_moves_the_head_less():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(40))
    full = _head_angle(obj)
    head = layers.our_strips(obj.parent)["head"]
    scene = bpy.context.scene

    scene.frame_set(20)
    head.influence = 0.0  # the animator drags the slider to 0
    scene.frame_set(21)

    assert head.influence == 0.0
    assert _head_angle(obj).max() < 1e-4  # at rest on every frame, as the slider says
    head.influence = 0.5
    ratio = _head_angle(obj)[5:] / full[5:]
    assert np.median(ratio) == pytest.approx(0.5, abs=0.05)
    assert head.influence == 0.5


def test_insert_keyframe_on_the_slider_still_animates_it():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(40))
    head = layers.our_strips(obj.parent)["head"]
    head.influence = 1.0
    head.keyframe_insert("influence", frame=1)
    head.influence = 0.0
    head.keyframe_insert("influence", frame=30)

    angle = _head_angle(obj)

    assert angle[29:37].max() < 1e-4 < angle[10]  # faded out to rest from frame 30
    bpy.context.scene.frame_set(20)
    assert 0.0 < head.influence < 1.0


def test_a_take_keyed_by_an_earlier_build_becomes_dialable_when_generated_again():
    """A take made before this change holds one constant key per layer; generating again over it
    keeps the value the key held and frees the slider. Two keys are the animator's animation: kept."""
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(40))
    strips = layers.our_strips(obj.parent) | layers.our_strips(obj.data.shape_keys)
    strips["head"].keyframe_insert("influence", frame=1)  # what earlier builds left: one key
    strips["head"].fcurves.find("influence").keyframe_points[0].co[1] = 0.5
    eyes = strips["eyes"]
    eyes.influence = 1.0
    eyes.keyframe_insert("influence", frame=1)
    eyes.influence = 0.2
    eyes.keyframe_insert("influence", frame=30)

    apply_motion(obj, wavy_motion(40, seed=1))

    head = layers.our_strips(obj.parent)["head"]
    assert len(head.fcurves.find("influence").keyframe_points) == 0 and head.influence == pytest.approx(0.5)
    assert len(layers.our_strips(obj.data.shape_keys)["eyes"].fcurves.find("influence").keyframe_points) == 2


def test_an_influence_given_as_an_option_or_from_python_is_a_dialable_constant():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(40), ApplyOptions(layer_influence={"head": 0.25}))
    head = layers.our_strips(obj.parent)["head"]
    assert head.influence == pytest.approx(0.25) and not len(head.fcurves.find("influence").keyframe_points)

    assert layers.set_influence([obj], "head", 0.75) == 1
    bpy.context.scene.frame_set(33)
    assert head.influence == pytest.approx(0.75)
    head.influence = 0.1  # and dragged after that
    bpy.context.scene.frame_set(3)
    assert head.influence == pytest.approx(0.1)
