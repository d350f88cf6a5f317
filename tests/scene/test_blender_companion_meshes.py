"""A production character is several meshes on one rig: the face with its 52 ARKit keys, eyelashes
with their own eyeBlink keys, teeth with jawOpen. The animator keys the dialogue on the face; the
lashes close with the lids and the teeth open with the jaw. Before, only the face moved: lids
closed through lashes that stayed open. A key the animator animates themselves is left alone."""

from __future__ import annotations

import json
import subprocess
import sys

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 30


def blinking_and_talking() -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, ARKIT52.index("eyeBlinkLeft")] = np.linspace(0.0, 1.0, T)
    v[:, ARKIT52.index("jawOpen")] = 0.5 + 0.4 * np.sin(np.arange(T) / 3.0)
    return Motion("arkit55", v)


def part_of(face, name: str, keys: list[str]):
    """Another mesh on the face's rig, bound by an Armature modifier as exporters leave them."""
    mesh = br.make_mesh(name, keys)
    mesh.parent = face.parent
    mesh.modifiers.new("Armature", "ARMATURE").object = face.parent
    return mesh


def played(obj, name: str) -> np.ndarray:
    scene = bpy.context.scene
    out = []
    for f in range(1, T + 1):
        scene.frame_set(f)
        out.append(obj.data.shape_keys.key_blocks[name].value)
    return np.array(out)


def test_lashes_and_teeth_follow_the_face_and_reach_the_fbx(tmp_path):
    face = br.make_character("Ann")
    lashes = part_of(face, "Ann_lashes", ["eyeBlinkLeft", "eyeBlinkRight"])
    teeth = part_of(face, "Ann_teeth", ["jawOpen"])

    rep = apply_motion(face, blinking_and_talking(), ApplyOptions(undo_push=False))

    assert rep.followers == ["Ann_lashes (2 keys)", "Ann_teeth (1 key)"]
    assert "Ann_lashes (2 keys), Ann_teeth (1 key) follow the face" in rep.summary
    for mesh, name in ((lashes, "eyeBlinkLeft"), (teeth, "jawOpen")):
        np.testing.assert_allclose(played(mesh, name), played(face, name), atol=1e-6)
    assert np.ptp(played(lashes, "eyeBlinkLeft")) > 0.9

    again = apply_motion(face, blinking_and_talking(), ApplyOptions(undo_push=False))  # a second take
    assert again.followers == rep.followers
    assert len(lashes.data.shape_keys.animation_data.drivers) == 2  # nothing added twice

    export_fbx([face], tmp_path / "ann.fbx")
    blinks = fbx_key_curves(tmp_path / "ann.fbx", "eyeBlinkLeft")
    assert len(blinks) == 2  # the face's and the lashes' blend channels are both animated
    assert all(max(curve) > 0.9 and min(curve) < 0.05 for curve in blinks)


def test_a_key_the_animator_animates_is_left_alone_and_said_so():
    face = br.make_character("Ann")
    brows = part_of(face, "Ann_brows", ["browInnerUp", "eyeBlinkLeft"])
    kb = brows.data.shape_keys.key_blocks["eyeBlinkLeft"]
    kb.value = 0.3
    kb.keyframe_insert("value", frame=1)  # their own hand key

    rep = apply_motion(face, blinking_and_talking(), ApplyOptions(undo_push=False))

    assert rep.followers == ["Ann_brows (1 key)"]  # browInnerUp follows
    assert any("Ann_brows: shape keys eyeBlinkLeft already have animation" in w for w in rep.warnings)
    assert np.allclose(played(brows, "eyeBlinkLeft"), 0.3)


# ufbx objects borrow the loaded scene's memory: read in a child process, garbage collector off.
READER = r"""
import gc, json, os, sys
gc.disable()
import ufbx
scene = ufbx.load_file(sys.argv[1])
layers = scene.anim_layers
layer = layers[0]
out = []
deformers = scene.blend_deformers
for d in range(len(deformers)):
    deformer = deformers[d]
    channels = deformer.channels
    for j in range(len(channels)):
        channel = channels[j]
        if channel.name == sys.argv[2]:
            prop = layer.find_anim_prop(channel, "DeformPercent")
            if prop is None:
                out.append([])
                continue
            value = prop.anim_value
            curves = value.curves
            curve = curves[0]
            keys = curve.keyframes
            out.append([keys[k].value / 100.0 for k in range(len(keys))])
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def fbx_key_curves(path, name: str) -> list[list[float]]:
    done = subprocess.run(
        [sys.executable, "-c", READER, str(path), name], capture_output=True, text=True, timeout=60
    )
    return json.loads(done.stdout)
