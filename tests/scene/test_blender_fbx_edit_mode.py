"""The animator is still in Edit Mode on Ann's face (a vertex just moved) or in Pose Mode on her
rig when they export the FBX: the file holds what they see, and they are back where they were.
Blender's exporter left the mode and never returned, so the animator was thrown out of the edit."""

from __future__ import annotations

import subprocess
import sys

import blender_rigs as br
import bmesh
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

# ufbx objects borrow the loaded scene's memory: read in a child process, garbage collector off.
FIRST_VERTEX = r"""
import gc, os, sys
gc.disable()
import ufbx
scene = ufbx.load_file(sys.argv[1])
meshes = scene.meshes
for i in range(len(meshes)):
    mesh = meshes[i]  # each object held by a name: a temporary is freed under its children
    if mesh.name == "Ann":
        vertices = mesh.vertices
        v = vertices[0]
        sys.stdout.write(f"{v.x} {v.y} {v.z}")
sys.stdout.flush()
os._exit(0)
"""


def first_vertex_in(path) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_VERTEX, str(path)], capture_output=True, text=True, timeout=60
    )
    return [float(x) for x in out.stdout.split()]


def test_exporting_mid_edit_keeps_the_edit_and_the_mode(tmp_path):
    ann, ben = br.make_character("Ann", location=(-0.6, 0, 0)), br.make_character("Ben", location=(0.6, 0, 0))
    layer = bpy.context.view_layer
    layer.objects.active = ann
    ann.select_set(True)
    bpy.ops.object.mode_set(mode="EDIT")
    edit = bmesh.from_edit_mesh(ann.data)
    edit.verts.ensure_lookup_table()
    edit.verts[0].co.z += 0.25  # not yet written to the mesh: Blender does that on leaving Edit Mode
    bmesh.update_edit_mesh(ann.data)

    export_fbx([ann, ben], tmp_path / "shot.fbx")

    assert (ann.mode, bpy.context.mode, layer.objects.active) == ("EDIT", "EDIT_MESH", ann)
    assert first_vertex_in(tmp_path / "shot.fbx")[2] == pytest.approx(1.75, abs=1e-5)  # was 1.5


def test_exporting_in_pose_mode_returns_to_pose_mode(tmp_path):
    ann, ben = br.make_character("Ann", location=(-0.6, 0, 0)), br.make_character("Ben", location=(0.6, 0, 0))
    layer = bpy.context.view_layer
    layer.objects.active = ann.parent
    ann.parent.select_set(True)
    bpy.ops.object.mode_set(mode="POSE")

    export_fbx([ann, ben], tmp_path / "shot.fbx")

    assert (ann.parent.mode, layer.objects.active) == ("POSE", ann.parent)
    assert [o.name for o in layer.objects if o.select_get()] == [ann.parent.name]  # selection as it was
