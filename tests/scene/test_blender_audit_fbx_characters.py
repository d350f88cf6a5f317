"""FBX export of characters as animators keep them in their scenes: hidden, unselectable, split
into several meshes. Each file is read back with an independent reader (ufbx)."""

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
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

FRAMES = 20
JAW = ARKIT52.index("jawOpen")

# ufbx objects borrow the loaded scene's memory: read in a child process, garbage collector off.
READER = r"""
import gc, json, os, sys
gc.disable()
import ufbx
scene = ufbx.load_file(sys.argv[1])
out = {"nodes": [], "jaw": [], "head": []}
layers = scene.anim_layers
layer = layers[0] if len(layers) else None
deformers = scene.blend_deformers
for d in range(len(deformers) if layer is not None else 0):
    deformer = deformers[d]
    channels = deformer.channels
    for j in range(len(channels)):
        channel = channels[j]
        if channel.name == "jawOpen":
            prop = layer.find_anim_prop(channel, "DeformPercent")
            value = prop.anim_value
            curves = value.curves
            curve = curves[0]
            keys = curve.keyframes
            out["jaw"] = [keys[k].value / 100.0 for k in range(len(keys))]
nodes = scene.nodes
for i in range(len(nodes)):
    node = nodes[i]
    if node.name:
        out["nodes"].append(node.name)
    if node.name == "head" and layer is not None:
        prop = layer.find_anim_prop(node, "Lcl Rotation")
        value = prop.anim_value
        for t in (1 / 25, 20 / 25):
            v = value.evaluate_vec3(t)
            out["head"].append([v.x, v.y, v.z])
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def read_back(path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", READER, str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def animated(name: str = "Ann"):
    br.reset()
    bpy.context.scene.render.fps = 25
    mesh = br.make_character(name)
    v = np.zeros((FRAMES, 55), np.float32)
    v[:, JAW] = np.linspace(0.0, 1.0, FRAMES)
    v[:, 53] = np.linspace(0.0, 0.5, FRAMES)  # a yaw sweep
    apply_motion(mesh, Motion("arkit55", v), ApplyOptions(frame_range="fit"))
    return mesh


def assert_whole_take(seen: dict, mesh_names=("Ann",)) -> None:
    for name in (*mesh_names, "Ann_rig", "head"):
        assert name in seen["nodes"]
    assert np.allclose(seen["jaw"], np.linspace(0.0, 1.0, FRAMES), atol=1e-4)
    turn = np.abs(np.subtract(seen["head"][1], seen["head"][0])).max()
    assert turn == pytest.approx(np.degrees(0.5), abs=0.05)


def hide_eye(objs):
    for o in objs:
        o.hide_set(True)


def disable(objs):
    for o in objs:
        o.hide_viewport = True


def lock(objs):
    for o in objs:
        o.hide_select = True


@pytest.mark.parametrize("hide", [hide_eye, disable, lock], ids=["eye-hidden", "disabled", "unselectable"])
def test_hidden_or_locked_character_exports_whole_and_stays_hidden(tmp_path, hide):
    """The animator hid the finished character (eye icon, monitor icon or selection lock) and
    pressed Export FBX. Before, the file came out without the mesh or with nothing at all, and an
    eye-hidden character was left showing in the scene afterwards."""
    mesh = animated()
    objs = (mesh, mesh.parent)
    hide(objs)
    before = [(o.hide_get(), o.hide_viewport, o.hide_select) for o in objs]
    path = export_fbx([mesh], tmp_path / "ann.fbx")
    assert_whole_take(read_back(path))
    assert [(o.hide_get(), o.hide_viewport, o.hide_select) for o in objs] == before


def test_character_in_a_hidden_collection_is_refused_in_one_line(tmp_path):
    """The characters lived in a collection the animator had hidden. Before, export "succeeded"
    with an FBX holding no objects; now it says which collection to show, and writes nothing."""
    mesh = animated()
    chars = bpy.data.collections.new("Cast")
    bpy.context.scene.collection.children.link(chars)
    for o in (mesh, mesh.parent):
        bpy.context.scene.collection.objects.unlink(o)
        chars.objects.link(o)
    bpy.context.view_layer.layer_collection.children["Cast"].hide_viewport = True
    with pytest.raises(DualTalkError, match=r"\(Cast\) is hidden in the viewport") as err:
        export_fbx([mesh], tmp_path / "ann.fbx")
    assert "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []
    assert bpy.context.view_layer.layer_collection.children["Cast"].hide_viewport


def test_the_whole_character_goes_to_the_file_not_only_its_face(tmp_path):
    """A character made of a face mesh (the ARKit keys), a body and teeth on one rig: the FBX
    held only the face and the rig, so the body was missing in the game engine. Hidden helper
    meshes on the rig (a proxy) stay out, and a face-only export still carries the face alone."""
    mesh = animated()
    arm = mesh.parent
    for name in ("Body", "Teeth", "Proxy"):
        part = br.make_mesh(name, keys=())
        if name != "Teeth":  # teeth bound by their Armature modifier alone
            part.parent = arm
        part.modifiers.new("Armature", "ARMATURE").object = arm
    bpy.data.objects["Proxy"].hide_set(True)
    full = read_back(export_fbx([arm], tmp_path / "full.fbx"))
    assert_whole_take(full, ("Ann", "Body", "Teeth"))
    assert "Proxy" not in full["nodes"]
    face = read_back(export_fbx([mesh], tmp_path / "face.fbx", scope="face"))
    assert "Ann" in face["nodes"] and "Body" not in face["nodes"]


def test_an_fbx_name_near_the_file_system_limit_is_one_line(tmp_path):
    """A 244-character file name (legal on Linux) crashed export with a raw OSError: the temporary
    file written beside it has a longer name. Now the file is written, or refused in one
    DualTalkError line with nothing left behind; never a traceback."""
    mesh = animated()
    path = tmp_path / ("n" * 240 + ".fbx")
    try:
        export_fbx([mesh], path)
    except DualTalkError as err:
        assert "File name too long" in str(err) and "\n" not in str(err)
        assert list(tmp_path.iterdir()) == []
    else:
        assert list(tmp_path.iterdir()) == [path]
    assert not mesh.hide_get() and not mesh.select_get()
