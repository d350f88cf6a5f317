"""The animator switches the heavy guest character off in the viewports (the monitor icon, or by
excluding its collection) to keep playback fast, then keys the dialogue and renders: the render
shows both, so the eye contact must be the one the visible characters get. Blender does not
evaluate a switched-off object, so its head used to be read frozen and both pairs of eyes missed
(by up to 0.7 on Ben's eyeLook keys); and the switches must be as the animator left them."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from test_blender_gaze_other_scene import eye_keys, facing_each_other, nodding

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def keyed(switch_off=None) -> tuple[np.ndarray, np.ndarray]:
    br.reset()
    scene = bpy.context.scene
    ann, ben = facing_each_other(scene)
    if switch_off is not None:
        switch_off(scene, ben)
    apply_dialogue(ann, ben, nodding("A"), nodding("B"), ApplyOptions(undo_push=False))
    return eye_keys(ann), eye_keys(ben)


def disabled_in_viewports(scene, ben):
    ben.hide_viewport = ben.parent.hide_viewport = True


def in_an_excluded_collection(scene, ben):
    guests = bpy.data.collections.new("Guests")
    scene.collection.children.link(guests)
    for obj in (ben, ben.parent):
        scene.collection.objects.unlink(obj)
        guests.objects.link(obj)
    bpy.context.view_layer.layer_collection.children["Guests"].exclude = True


def in_a_collection_disabled_in_viewports(scene, ben):
    in_an_excluded_collection(scene, ben)
    bpy.context.view_layer.layer_collection.children["Guests"].exclude = False
    bpy.data.collections["Guests"].hide_viewport = True


@pytest.mark.parametrize(
    "switch_off", [disabled_in_viewports, in_an_excluded_collection, in_a_collection_disabled_in_viewports]
)
def test_eye_contact_with_a_character_switched_off_in_the_viewports(switch_off):
    visible = keyed()
    assert np.ptp(visible[1], axis=0).max() > 0.2  # Ben's eyes work against his nods
    hidden = keyed(switch_off)
    for got, want in zip(hidden, visible, strict=True):
        assert np.abs(got - want).max() < 1e-5

    ben = bpy.data.objects["Ben"]
    if switch_off is disabled_in_viewports:
        assert ben.hide_viewport and ben.parent.hide_viewport  # still off, as the animator left it
    else:
        guests = bpy.context.view_layer.layer_collection.children["Guests"]
        assert (guests.exclude, guests.collection.hide_viewport) == (
            switch_off is in_an_excluded_collection,
            switch_off is in_a_collection_disabled_in_viewports,
        )
