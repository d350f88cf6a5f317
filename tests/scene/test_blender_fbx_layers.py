"""The fast FBX export of a layered take re-reads equal to the scene: with ufbx (every node and
every blend channel, against the scene and against Blender's stock bake) and with Blender's
own importer; a re-generated range and a face-only export stay consistent."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.bench.fbx_readback import read_fbx
from dualtalk.dualtalk_blender.scene import compat, fbx_bake, layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
FRAMES = 60


def ufbx_read(path, frames: int = FRAMES) -> dict:
    pytest.importorskip("ufbx")
    return read_fbx(path, FPS, frames)


def motion(seed: int, frames: int = FRAMES) -> Motion:
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None] / FPS
    v = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.2, 2, (1, 55)) * t + rng.uniform(0, 6, (1, 55)))
    v[:, 52:] = 0.3 * np.sin(2 * np.pi * rng.uniform(0.2, 1, (1, 3)) * t + rng.uniform(0, 6, (1, 3)))
    return Motion("arkit55", v.astype(np.float32))


def scene_shape_values(objs, frames: int = FRAMES) -> dict[str, np.ndarray]:
    """Evaluated shape-key weights per frame, named like the FBX deformer channels."""
    scene = bpy.context.scene
    out: dict[str, list[float]] = {}
    for f in range(1, frames + 1):
        scene.frame_set(f)
        for obj in objs:
            for kb in obj.data.shape_keys.key_blocks[1:]:
                out.setdefault(f"{obj.data.name}/{kb.name}", []).append(kb.value)
    return {k: np.array(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def layered_dialogue(tmp_path_factory):
    """Two characters with layered takes, a hand fix on top, half head influence on B, a bone
    nobody animates; exported fast and the stock way."""
    br.reset()
    bpy.context.scene.render.fps = FPS
    a = br.make_character("Ann", jaw="jaw")
    b = br.make_character("Bob", location=(1, 0, 0))
    apply_dialogue(a, b, motion(1), motion(2), ApplyOptions(frame_range="fit", undo_push=False))
    key = a.data.shape_keys
    fix = bpy.data.actions.new("Fixes")
    slot = fix.slots.new("KEY", "Fixes")
    compat.channelbag(fix, slot).fcurves.new('key_blocks["mouthSmileLeft"].value').keyframe_points.insert(
        30, 0.3
    )
    track = key.animation_data.nla_tracks.new()
    track.name = "Fixes"
    strip = track.strips.new("Fixes", 30, fix)
    strip.action_slot = slot
    strip.blend_type = "ADD"
    layers.set_influence([b.data.shape_keys, b.parent], "head", 0.5)
    folder = tmp_path_factory.mktemp("fbx_layers")
    threshold = fbx_bake.SKIP_MESH_MIN_VERTICES
    fbx_bake.SKIP_MESH_MIN_VERTICES = 0  # the tiny test meshes take the path the 14k-vertex ones take
    try:
        fast = export_fbx([a, b], folder / "fast.fbx")
    finally:
        fbx_bake.SKIP_MESH_MIN_VERTICES = threshold
    stock = export_fbx([a, b], folder / "stock.fbx", speedups=())
    values = scene_shape_values([a, b])
    heads = {}
    scene = bpy.context.scene
    for obj in (a, b):
        mats = []
        for f in range(1, FRAMES + 1):
            scene.frame_set(f)
            mats.append(np.array((obj.parent.matrix_world @ obj.parent.pose.bones["head"].matrix).to_3x3()))
        heads[obj.name] = np.array(mats)
    return {"fast": fast, "stock": stock, "values": values, "heads": heads, "folder": folder}


def test_fast_export_reads_back_the_same_as_blenders_stock_bake(layered_dialogue):
    fast, stock = ufbx_read(layered_dialogue["fast"]), ufbx_read(layered_dialogue["stock"])
    assert fast["nodes"].keys() == stock["nodes"].keys()  # same skeleton, incl. the still spine
    assert fast["shapes"].keys() == stock["shapes"].keys() and len(fast["shapes"]) == 2 * 52
    for name in fast["nodes"]:
        assert np.abs(fast["nodes"][name] - stock["nodes"][name]).max() < 1e-4, name
    for name in fast["shapes"]:
        assert np.abs(fast["shapes"][name] - stock["shapes"][name]).max() < 1e-4, name
    moving = [n for n, v in fast["nodes"].items() if np.ptp(v, axis=0).max() > 1e-4]
    assert sorted(m.split("/")[1] for m in moving) == ["head", "head"]  # spine, neck, jaw stay still


def test_every_shape_key_frame_reads_back_as_the_scene_played_it(layered_dialogue):
    read = ufbx_read(layered_dialogue["fast"])["shapes"]
    scene = layered_dialogue["values"]
    assert read.keys() == scene.keys()
    for name, values in scene.items():
        assert np.abs(read[name] - values).max() < 1e-4, name
    smile = read["Ann/mouthSmileLeft"]  # the hand fix is in the file
    assert np.abs(smile - scene["Ann/mouthSmileLeft"]).max() < 1e-4 and smile.max() > 0.3


def test_blender_reimports_the_layered_take(layered_dialogue):
    expected, heads = layered_dialogue["values"], layered_dialogue["heads"]
    br.reset()
    bpy.context.scene.render.fps = FPS
    bpy.ops.import_scene.fbx(filepath=str(layered_dialogue["fast"]))
    scene = bpy.context.scene
    for name in ("Ann", "Bob"):
        mesh = bpy.data.objects[name]
        kb = mesh.data.shape_keys.key_blocks
        first = min(int(fc.keyframe_points[0].co[0]) for fc in compat.assigned_fcurves(mesh.data.shape_keys))
        got, mats = {k.name: [] for k in kb[1:]}, []
        for f in range(first, first + FRAMES):
            scene.frame_set(f)
            for k in kb[1:]:
                got[k.name].append(k.value)
            mats.append(np.array((mesh.parent.matrix_world @ mesh.parent.pose.bones["head"].matrix).to_3x3()))
        for ch in ARKIT52:
            assert np.abs(np.array(got[ch]) - expected[f"{name}/{ch}"]).max() < 1e-4, (name, ch)
        rel_read = np.einsum("tij,kj->tik", np.array(mats), mats[0])
        rel_scene = np.einsum("tij,kj->tik", heads[name], heads[name][0])
        assert np.abs(rel_read - rel_scene).max() < 1e-3


def test_a_regenerated_range_exports_consistently(tmp_path):
    br.reset()
    bpy.context.scene.render.fps = FPS
    a = br.make_character("Ann")
    apply_motion(a, motion(3), ApplyOptions(frame_range="fit"))
    apply_motion(a, motion(4), ApplyOptions(replace_range=(20, 40), keys="reduced"))
    values = scene_shape_values([a])
    read = ufbx_read(export_fbx([a], tmp_path / "range.fbx"))["shapes"]
    for name, v in values.items():
        assert np.abs(read[name] - v).max() < 1e-4, name


def test_face_scope_writes_the_face_and_only_the_bones_that_move(tmp_path):
    br.reset()
    bpy.context.scene.render.fps = FPS
    a = br.make_character("Ann")
    arm = a.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    prop = arm.data.edit_bones.new("prop")  # a bone nobody animates
    prop.head, prop.tail, prop.parent = (0.2, 0, 1.0), (0.2, 0, 1.2), arm.data.edit_bones["spine"]
    bpy.ops.object.mode_set(mode="OBJECT")
    apply_motion(a, motion(5), ApplyOptions(frame_range="fit"))
    values = scene_shape_values([a])
    names_before = sorted(o.name for o in bpy.data.objects)
    full = {k.split("/")[1] for k in ufbx_read(export_fbx([a], tmp_path / "full.fbx"))["nodes"]}
    read = ufbx_read(export_fbx([a], tmp_path / "face.fbx", scope="face"))
    face = {k.split("/")[1] for k in read["nodes"]}
    assert sorted(o.name for o in bpy.data.objects) == names_before  # stand-ins removed, names back
    assert len(arm.data.bones) == 4 and a.parent == arm and a.modifiers["Armature"].object == arm
    assert full - face == {"prop"} and {"spine", "neck", "head", "Ann", arm.name} <= face
    for name, v in values.items():
        assert np.abs(read["shapes"][name] - v).max() < 1e-4, name
