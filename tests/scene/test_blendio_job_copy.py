"""The panel's Export FBX saves a copy of the open file for the Blender that writes the FBX
(``fbx_job``). On a heavy scene the compressed save held the animator's Blender for seconds with no
redraw and no Esc (review rv38g 5: 7.5 s against 0.5 s uncompressed, 9 M vertices), so the copy is saved
uncompressed; and a temp folder with no room named an internal file as if it were the user's (rv38g 6)."""

from __future__ import annotations

import os

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import blendio
from dualtalk.inference.core.errors import DualTalkError


def test_the_copy_for_the_export_is_saved_whole_and_uncompressed_with_the_unsaved_edits(tmp_path):
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.mesh.primitive_uv_sphere_add()
    bpy.context.active_object.name = "Ava"  # an edit never saved
    copy = tmp_path / "dualtalk_fbx_x" / "scene.blend"
    copy.parent.mkdir()

    blendio.save_job_copy(bpy, copy)

    assert copy.read_bytes().startswith(b"BLENDER")  # not zstd: nothing to compress, nothing to undo
    assert blendio.blend_is_complete(copy)
    with bpy.data.libraries.load(str(copy)) as (data_from, _data_to):
        assert "Ava" in data_from.objects
    assert bpy.data.is_dirty  # the open file is still the user's, unsaved


def test_a_copy_that_cannot_be_saved_names_the_temp_folder_and_what_to_do(tmp_path):
    bpy.ops.wm.read_homefile(use_empty=True)
    copy = tmp_path / "dualtalk_fbx_gone" / "scene.blend"  # its folder went (a temp cleaner, no room)

    with pytest.raises(DualTalkError) as err:
        blendio.save_job_copy(bpy, copy)

    line = str(err.value)
    variable = "TEMP" if os.name == "nt" else "TMPDIR"
    assert line.startswith(
        f"could not save a copy of the file for the export in the temp folder {tmp_path}: "
    )
    assert line.endswith(f" (free space there or set {variable})")
    assert "\n" not in line
