"""A Face-scope FBX carries the meshes that follow the face: the lashes blink with the lids.

An animator keys a dialogue on Ann, whose eyelashes are a separate mesh on her rig; DualTalk drives
the lashes' eyeBlink keys from the face's. Exported with Scope: Face for a game engine, the file held
the face alone: in the engine the lids closed through lashes that stayed open. Drivers do not survive
FBX, so the lashes' blink must arrive baked, equal to the face's on every frame; the body (its own
corrective keys included) stays out, and the scene is left as it was.
"""

from __future__ import annotations

from typing import Any

import blender_rigs as br
import bpy
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
    v[:, ARKIT52.index("eyeBlinkLeft")] = 0.5 - 0.5 * np.cos(np.arange(T) / 2.0)  # blinks, not a ramp
    v[:, ARKIT52.index("jawOpen")] = 0.5 + 0.4 * np.sin(np.arange(T) / 3.0)
    v[:, 53] = 0.3 * np.sin(np.linspace(0, np.pi, T))  # a head turn: the cut skeleton keeps the head
    return Motion("arkit55", v)


def grid_mesh(name: str, keys: list[str], side: int) -> Any:
    """A ``side`` x ``side`` vertex sheet with ``keys``; 32 x 32 is over the size whose skinned meshes
    the exporter's sampling skips (the probe-driver path)."""
    xs = np.linspace(-0.1, 0.1, side)
    verts = [(x, -0.1, 1.5 + 0.2 * (y + 0.1)) for y in xs for x in xs]
    faces = [(r * side + c, r * side + c + 1, (r + 1) * side + c + 1, (r + 1) * side + c)
             for r in range(side - 1) for c in range(side - 1)]  # fmt: skip
    me = bpy.data.meshes.new(name)
    me.from_pydata(verts, [], faces)
    obj = bpy.data.objects.new(name, me)
    bpy.context.scene.collection.objects.link(obj)
    obj.shape_key_add(name="Basis")
    for i, key in enumerate(keys):
        kb = obj.shape_key_add(name=key, from_mix=False)
        kb.value = 0.0
        kb.data[i].co.y -= 0.01
    return obj


def on_rig(mesh: Any, rig: Any) -> Any:
    """Bound to the rig by parent and Armature modifier, as exporters leave a character's parts."""
    mesh.parent = rig
    mesh.modifiers.new("Armature", "ARMATURE").object = rig
    return mesh


def played(obj, name: str) -> np.ndarray:
    return br.played(obj, name, T)


def scene_state() -> dict[str, Any]:
    """Everything a face-scope export touches meanwhile: names, bones, parents, hiding, selection,
    Armature targets, mutes and the lashes' drivers."""
    view_layer = bpy.context.view_layer
    objects = {
        o.name: (
            o.data.name if o.data is not None else None,
            o.parent.name if o.parent is not None else None,
            o.hide_viewport,
            o.hide_get(),
            o.select_get(),
            [(m.name, m.object.name, m.show_viewport) for m in o.modifiers if m.type == "ARMATURE"],
        )
        for o in bpy.data.objects
    }
    keys = {
        k.user.name: (
            [(kb.name, kb.mute) for kb in k.key_blocks],
            [
                (fc.data_path, [v.targets[0].id.name for v in fc.driver.variables])
                for fc in k.animation_data.drivers
            ]
            if k.animation_data is not None
            else [],
        )
        for k in bpy.data.shape_keys
    }
    bones = {a.name: sorted(b.name for b in a.bones) for a in bpy.data.armatures}
    return {
        "objects": objects,
        "keys": keys,
        "bones": bones,
        "meshes": sorted(m.name for m in bpy.data.meshes),
        "active": view_layer.objects.active.name if view_layer.objects.active else None,
    }


@pytest.mark.parametrize("side", [2, 32], ids=["small-lashes", "lashes-over-the-skip-size"])
def test_face_scope_fbx_carries_the_lashes_blinking_with_the_lids(tmp_path, side):
    face = br.make_character("Ann")
    rig = face.parent
    lashes = on_rig(grid_mesh("Ann_lashes", ["eyeBlinkLeft", "eyeBlinkRight"], side), rig)
    body = on_rig(grid_mesh("Ann_body", ["belly_corrective"], 2), rig)  # shape keys, but not the face's
    rep = apply_motion(face, blinking_and_talking(), ApplyOptions(undo_push=False))
    assert rep.followers == ["Ann_lashes (2 keys)"]
    body.select_set(True)
    bpy.context.view_layer.objects.active = body
    before = scene_state()

    export_fbx([rig], tmp_path / "ann_face.fbx", scope="face")

    assert scene_state() == before
    read = read_fbx(tmp_path / "ann_face.fbx", fps=25, frames=T)  # an independent reader
    nodes = {name.split("/", 1)[1] for name in read["nodes"]}
    assert {"Ann", "Ann_lashes", "Ann_rig", "head"} <= nodes
    assert "Ann_body" not in nodes
    assert not [name for name in read["shapes"] if name.startswith("Ann_body")]
    lid = played(face, "eyeBlinkLeft")
    assert np.ptp(lid) > 0.9
    np.testing.assert_allclose(read["shapes"]["Ann/eyeBlinkLeft"], lid, atol=1e-5)
    np.testing.assert_allclose(read["shapes"]["Ann_lashes/eyeBlinkLeft"], lid, atol=1e-5)
    np.testing.assert_allclose(
        read["shapes"]["Ann_lashes/eyeBlinkLeft"], played(lashes, "eyeBlinkLeft"), atol=1e-5
    )


def test_a_mesh_following_another_characters_face_stays_out_of_this_ones_file(tmp_path):
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1, 0, 0))
    on_rig(grid_mesh("Bob_lashes", ["eyeBlinkLeft"], 2), bob.parent)
    for who in (ann, bob):
        apply_motion(who, blinking_and_talking(), ApplyOptions(undo_push=False))

    export_fbx([ann], tmp_path / "ann_face.fbx", scope="face")

    shapes = read_fbx(tmp_path / "ann_face.fbx", fps=25, frames=T)["shapes"]
    assert {name.split("/", 1)[0] for name in shapes} == {"Ann"}
