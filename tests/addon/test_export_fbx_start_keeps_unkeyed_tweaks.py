"""An animator opens a shot whose rig has a rig-UI driver that reads ``bpy`` (Blender runs it only in a
trusted file), presses *Allow Execution*, turns Alice's head 30 degrees and opens her mouth a little
without keying either, and presses Export FBX. The export works out whether the other Blender may run
the file's Python; it did so with ``scene.frame_set``, which applied the animation again: the head
snapped back to its key at rest and the mouth closed (review rv40b F3). Now the open scene is left as
it was."""

from __future__ import annotations

import math
from pathlib import Path

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import fbx_job
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature

RIG_UI = "bpy.context.scene.frame_current * 0.0"  # a rig UI's driver: Python only a trusted file runs


@pytest.fixture
def shot(tmp_path: Path):
    """Alice, her head keyed at rest on frame 1 and her mouth keyed shut, a rig-UI driver on her rig;
    saved and opened again with auto-run off and then *Allow Execution* (``use_scripts``)."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    face = br.make_character("Alice")
    rig = find_mesh_and_armature(face)[1]
    head = rig.pose.bones["head"]
    head.rotation_mode = "XYZ"
    head.keyframe_insert("rotation_euler", frame=1)
    face.data.shape_keys.key_blocks["jawOpen"].keyframe_insert("value", frame=1)
    driver = rig.driver_add("location", 2).driver
    driver.type = "SCRIPTED"
    driver.expression = RIG_UI
    path, rig_name = tmp_path / "shot.blend", rig.name
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    bpy.context.preferences.filepaths.use_scripts_auto_execute = False
    bpy.ops.wm.open_mainfile(filepath=str(path), use_scripts=True)
    bpy.context.scene.frame_set(1)
    yield bpy.data.objects["Alice"], bpy.data.objects[rig_name]
    bpy.ops.wm.read_factory_settings(use_empty=True)


def test_export_fbx_leaves_an_unkeyed_head_turn_and_mouth_where_the_animator_put_them(shot, tmp_path):
    face, rig = shot
    rig.pose.bones["head"].rotation_euler[2] = math.radians(30.0)  # not keyed
    face.data.shape_keys.key_blocks["jawOpen"].value = 0.4  # not keyed

    flag = fbx_job.child_command(tmp_path / "job.json", binary="/opt/blender/blender")[3]

    assert flag == "--enable-autoexec"  # the file's Python ran here, so it runs there too
    assert math.degrees(rig.pose.bones["head"].rotation_euler[2]) == pytest.approx(30.0)  # was 0.0
    assert face.data.shape_keys.key_blocks["jawOpen"].value == pytest.approx(0.4)  # was 0.0
    assert not bpy.app.autoexec_fail
