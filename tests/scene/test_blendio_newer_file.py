"""A TD animates a shot a colleague saved in a newer Blender. Blender 5.0 opens it with only a
warning on stdout, which the command line keeps quiet, and the animated copy would silently lose
what 5.0 does not know. The run refuses it in one line and leaves the file as it was."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.blendio import open_blend
from dualtalk.inference.core.errors import DualTalkError


def _saved_by(tmp_path, version: bytes):
    """An empty scene whose header says Blender ``version`` (``b"0700"`` is 7.0) saved it."""
    shot = tmp_path / "shot.blend"
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.wm.save_as_mainfile(filepath=str(shot), compress=False)
    data = bytearray(shot.read_bytes())
    assert data[:7] == b"BLENDER" and data[12:13] == b"v"  # the 5.0 header: BLENDER17-01v0500
    data[13:17] = version
    shot.write_bytes(bytes(data))
    return shot


def test_a_blend_saved_by_a_newer_blender_is_refused_and_left_alone(tmp_path):
    shot = _saved_by(tmp_path, b"0700")
    before = shot.read_bytes()
    with pytest.raises(DualTalkError) as refused:
        open_blend(bpy, shot)
    line = str(refused.value)
    assert "shot.blend was saved by a newer Blender, 7.0," in line
    assert bpy.app.version_string in line and "drop what it does not know" in line
    assert "\n" not in line
    assert shot.read_bytes() == before


def test_a_blend_saved_by_this_or_an_older_blender_opens(tmp_path):
    shot = _saved_by(tmp_path, b"0500")
    open_blend(bpy, shot)
    assert bpy.data.filepath == str(shot)
    older = _saved_by(tmp_path, b"0402")
    open_blend(bpy, older)
    assert tuple(bpy.data.version[:2]) == (4, 2)
