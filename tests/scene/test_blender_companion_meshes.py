"""A production character is several meshes on one rig: the face with its 52 ARKit keys, eyelashes
with their own eyeBlink keys, teeth with jawOpen. The animator keys the dialogue on the face; the
lashes close with the lids and the teeth open with the jaw. Before, only the face moved: lids
closed through lashes that stayed open. A key the animator animates themselves is left alone."""

from __future__ import annotations

import blender_rigs as br
import numpy as np
import pytest
from dualtalk.bench.fbx_readback import read_fbx
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
    return br.played(obj, name, T)


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
    shapes = read_fbx(tmp_path / "ann.fbx", fps=25, frames=T)["shapes"]  # an independent reader
    blinks = {name: curve for name, curve in shapes.items() if name.endswith("/eyeBlinkLeft")}
    assert len(blinks) == 2  # the face's and the lashes' blend channels
    for curve in blinks.values():
        np.testing.assert_allclose(curve, played(face, "eyeBlinkLeft"), atol=0.01)


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


def test_a_second_face_on_the_same_rig_is_not_a_part_of_the_first():
    """Two characters deformed by one armature (a linked duplicate): keying Ann must not make
    Bob's face a copy of hers. Her eyelashes still follow her."""
    ann = br.make_character("Ann")
    bob = part_of(ann, "Bob", list(ARKIT52))
    lashes = part_of(ann, "Ann_lashes", ["eyeBlinkLeft"])

    rep = apply_motion(ann, blinking_and_talking(), ApplyOptions(undo_push=False))

    assert rep.followers == ["Ann_lashes (1 key)"]
    assert bob.data.shape_keys.animation_data is None and lashes.data.shape_keys.animation_data is not None
