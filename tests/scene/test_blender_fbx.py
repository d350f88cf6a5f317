"""Both animated characters go to one FBX that other tools read back: checked by re-importing
in Blender and with an independent reader (ufbx), frame by frame."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from scipy.spatial.transform import Rotation

FRAMES = 40
FPS = 25


def take(seed: int) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0, 1, (FRAMES, 55)).astype(np.float32)
    v[:, 52:] = 0.0
    v[:, 53] = np.linspace(0.0, 0.5, FRAMES)  # yaw sweep
    return Motion("arkit55", v)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    br.reset()
    scene = bpy.context.scene
    scene.render.fps = FPS
    a = br.make_character("Ann")
    b = br.make_character("Bob", location=(1.0, 0, 0))
    b.parent.rotation_euler = (0, 0, np.pi)
    ma, mb = take(1), take(2)
    apply_dialogue(a, b, ma, mb, ApplyOptions(frame_range="fit"))
    # World-space head orientation per frame, for comparison after the round trip.
    heads = {}
    for name, obj in (("Ann", a), ("Bob", b)):
        mats = []
        for f in range(1, FRAMES + 1):
            scene.frame_set(f)
            mats.append(np.array((obj.parent.matrix_world @ obj.parent.pose.bones["head"].matrix).to_3x3()))
        heads[name] = np.array(mats)
    path = tmp_path_factory.mktemp("fbx") / "dialogue.fbx"
    assert export_fbx([a, b], path) == path
    return {"path": path, "motions": {"Ann": ma, "Bob": mb}, "heads": heads}


def relative_angles(mats: np.ndarray) -> np.ndarray:
    """Angle of each frame's world rotation relative to frame 1 (invariant to axis conventions)."""
    rel = np.einsum("tij,kj->tik", mats, mats[0])  # R_t @ R_0^T
    return Rotation.from_matrix(rel).magnitude()


def test_fbx_is_written_atomically_with_no_leftovers(exported):
    path = exported["path"]
    assert path.stat().st_size > 10_000
    assert sorted(p.name for p in path.parent.iterdir()) == ["dialogue.fbx"]


# ufbx's Python objects borrow memory from the loaded scene and may crash when freed out
# of order, so the independent read runs in its own process and reports JSON.
UFBX_READER = r"""
import json, os, sys
import ufbx
scene = ufbx.load_file(sys.argv[1])
out = {"keys": {}, "heads": []}
anim = scene.anim
layer = scene.anim_layers[0]
deformers = scene.blend_deformers
for d in range(len(deformers)):
    deformer = deformers[d]
    channels = deformer.channels
    for j in range(len(channels)):
        channel = channels[j]
        prop = layer.find_anim_prop(channel, "DeformPercent")
        value = prop.anim_value
        curves = value.curves
        curve = curves[0]
        keys = curve.keyframes
        out["keys"][deformer.name + "/" + channel.name] = [[keys[k].time, keys[k].value] for k in range(len(keys))]
        del keys, curve, curves, value, prop, channel
    del channels, deformer
nodes = scene.nodes
for i in range(len(nodes)):
    node = nodes[i]
    if node.name == "head":
        prop = layer.find_anim_prop(node, "Lcl Rotation")
        value = prop.anim_value
        eulers = []
        for t in (float(a) for a in sys.argv[2:]):
            v = value.evaluate_vec3(t)
            eulers.append([v.x, v.y, v.z])
            del v
        out["heads"].append({"order": int(node.rotation_order), "euler_deg": eulers})
        del value, prop
    del node
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)  # skip destructors: ufbx objects must not outlive the scene in any order
"""


@pytest.fixture(scope="module")
def ufbx_view(exported):
    pytest.importorskip("ufbx")
    import json
    import subprocess
    import sys

    times = [str(1 / FPS), str(FRAMES / FPS)]
    proc = subprocess.run(
        [sys.executable, "-c", UFBX_READER, str(exported["path"]), *times],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_independent_reader_sees_every_shape_key_frame(exported, ufbx_view):
    seen = 0
    for name, keys in ufbx_view["keys"].items():
        owner, channel = name.split("/", 1)
        keys = np.array(keys)
        expected = exported["motions"][owner].channel(channel)
        assert len(keys) == FRAMES  # no key thinning
        assert keys[1, 0] - keys[0, 0] == pytest.approx(1 / FPS)
        assert np.allclose(keys[:, 1] / 100.0, expected, atol=1e-4)  # FBX DeformPercent
        seen += 1
    assert seen == 2 * 52


def test_independent_reader_sees_the_head_turn(ufbx_view):
    assert len(ufbx_view["heads"]) == 2
    for head in ufbx_view["heads"]:
        assert head["order"] == 0  # FBX eEulerXYZ: X first, about fixed axes
        r0, r1 = Rotation.from_euler("xyz", head["euler_deg"], degrees=True)
        assert (r0.inv() * r1).magnitude() == pytest.approx(0.5, abs=1e-3)


def test_blender_reimport_restores_keys_and_head(exported):
    br.reset()
    bpy.context.scene.render.fps = FPS
    bpy.ops.import_scene.fbx(filepath=str(exported["path"]))
    scene = bpy.context.scene
    for name, motion in exported["motions"].items():
        mesh = bpy.data.objects[name]
        kb = mesh.data.shape_keys.key_blocks
        arm = mesh.parent
        curves = {fc.data_path: fc for fc in compat.assigned_fcurves(mesh.data.shape_keys)}
        for ch in ("jawOpen", "eyeBlinkRight", "mouthSmileLeft"):
            keys = br.fcurve_values(curves[f'key_blocks["{ch}"].value'])
            assert np.allclose(keys[:, 1], motion.channel(ch), atol=1e-4)
            assert np.array_equal(np.diff(keys[:, 0]), np.ones(FRAMES - 1))
        # Blender's importer maps FBX time 0 to frame 1, so the take lands one frame later.
        offset = int(keys[0, 0]) - 1
        assert offset in (0, 1)
        mats = []
        for f in range(1 + offset, FRAMES + 1 + offset):
            scene.frame_set(f)
            if f - offset in (1, 17, FRAMES):
                assert kb["jawOpen"].value == pytest.approx(
                    motion.channel("jawOpen")[f - offset - 1], abs=1e-4
                )
            mats.append(np.array((arm.matrix_world @ arm.pose.bones["head"].matrix).to_3x3()))
        mats = np.array(mats)
        original = exported["heads"][name]
        assert np.allclose(relative_angles(mats), relative_angles(original), atol=1e-3)
        assert relative_angles(mats)[-1] == pytest.approx(0.5, abs=1e-3)


def test_export_refuses_non_fbx_names_and_empty_selections(tmp_path):
    br.reset()
    obj = br.make_character("C", armature=False)
    with pytest.raises(DualTalkError, match=r"\.fbx"):
        export_fbx([obj], tmp_path / "out.obj")
    with pytest.raises(DualTalkError, match="nothing to export"):
        export_fbx([], tmp_path / "out.fbx")
    assert list(tmp_path.iterdir()) == []


def test_export_leaves_the_scene_as_it_was(tmp_path):
    br.reset()
    a = br.make_character("Ann")
    other = br.make_mesh("Prop", keys=())
    other.select_set(True)
    bpy.context.view_layer.objects.active = other
    a.modifiers["Armature"].show_viewport = True
    a.data.shape_keys.key_blocks["jawOpen"].mute = True  # the user's own choice
    export_fbx([a], tmp_path / "a.fbx")
    assert a.modifiers["Armature"].show_viewport  # switched off only while exporting
    mutes = {kb.name: kb.mute for kb in a.data.shape_keys.key_blocks}
    assert mutes.pop("jawOpen") and not any(mutes.values())
    assert other.select_get() and not a.select_get()
    assert bpy.context.view_layer.objects.active == other


def test_a_mirrored_face_is_named_because_the_fbx_leaves_its_modifiers_out():
    """Modifiers are left out so shape keys survive: half a face with a Mirror modifier arrives
    as half a face. The user is told which mesh and which modifiers; skinning is not a loss."""
    from dualtalk.dualtalk_blender.scene.fbx_export import left_out_modifiers

    br.reset()
    face = br.make_character("Mia")
    assert left_out_modifiers([face]) == []  # an Armature modifier is exported as skinning
    face.modifiers.new("Mirror", "MIRROR")
    hidden = face.modifiers.new("Smooth", "SUBSURF")
    hidden.show_viewport = hidden.show_render = False  # switched off: nothing is lost
    (warning,) = left_out_modifiers([face])
    assert "'Mia'" in warning and "'Mirror'" in warning and "Smooth" not in warning
