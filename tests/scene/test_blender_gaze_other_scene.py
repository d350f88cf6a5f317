"""A pipeline script keys a shot in another scene of the file than the one open in the UI
(``apply_dialogue(..., scene=shot2)``): eye contact is aimed from both heads as they play in that
scene, the same keys the open scene gets. Blender writes evaluated poses back to the objects only
for the open scene, so the other scene's heads used to be read standing still where they were made."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

FPS = 25
T = 40

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def nodding(role: str) -> Motion:
    t = np.arange(T) / FPS
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = np.radians(15.0) * np.sin(2 * np.pi * 1.0 * t)
    v[:, 53] = np.radians(15.0) * np.sin(2 * np.pi * 0.5 * t + (role == "B"))
    return Motion(
        "arkit55", v, role=role, gaze_target=np.ones(T, np.int8), gaze_dir=np.zeros((T, 2), np.float32)
    )


def facing_each_other(scene):
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    ann.parent.rotation_euler.z, ben.parent.rotation_euler.z = math.pi / 2, -math.pi / 2  # rigs face -Y
    if scene is not bpy.context.scene:
        for obj in (ann, ben, ann.parent, ben.parent):
            bpy.context.scene.collection.objects.unlink(obj)
            scene.collection.objects.link(obj)
    return ann, ben


def eye_keys(obj) -> np.ndarray:
    curves = sorted(
        (fc for fc in layers.layer_fcurves(obj.data.shape_keys) if "eyeLook" in fc.data_path),
        key=lambda fc: fc.data_path,
    )
    return np.array([[fc.evaluate(f) for fc in curves] for f in range(1, T + 1)])


def test_a_shot_keyed_in_another_scene_gets_the_eye_contact_the_open_scene_gets():
    scene = bpy.context.scene
    apply_dialogue(*facing_each_other(scene), nodding("A"), nodding("B"), ApplyOptions(undo_push=False))
    expected = [eye_keys(obj) for obj in (scene.objects["Ann"], scene.objects["Ben"])]
    assert np.ptp(expected[0], axis=0).max() > 0.2  # the eyes work against the nods

    br.reset()
    shot2 = bpy.data.scenes.new("Shot 2")
    shot2.render.fps, shot2.frame_start = FPS, 1
    ann, ben = facing_each_other(shot2)
    apply_dialogue(ann, ben, nodding("A"), nodding("B"), ApplyOptions(undo_push=False), scene=shot2)
    assert bpy.context.scene is not shot2
    for obj, keys in zip((ann, ben), expected, strict=True):
        assert np.abs(eye_keys(obj) - keys).max() < 1e-5
