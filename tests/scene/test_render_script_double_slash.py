"""A script's ``render_shot(scene, "//renders/x")`` means what ``//`` means everywhere in Blender, and in
``export_fbx(objects, "//shot1.fbx")``: beside the saved .blend. It was read as POSIX reads it, one slash,
and the frames were written at ``/renders/x`` at the file system's root with no word, saved .blend or
not (session 36's closing note: ``render.blender_path`` collapsed a leading ``//`` while ``for_blender``,
for the .blend save and the FBX exporter, refused it). Now the output is read where it comes in, and
whatever still starts with ``//`` when it is handed to Blender is refused by the one rule in
``inference/core/typed_paths.py``."""

from __future__ import annotations

import os
import shutil
import uuid

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.render import RECORD, blender_path, render_shot
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.typed_paths import BLEND_RELATIVE
from test_render_killed_run import _scene

posix = pytest.mark.skipif(os.name == "nt", reason="'//server/share' is a Windows share there")
FRAMES = ["frame_0001.png", "frame_0002.png", "frame_0003.png"]


@pytest.fixture
def at_root():
    """A name the root does not have; removed after, should a render put it there."""
    name = f"dualtalk_missing_{uuid.uuid4().hex[:8]}"
    yield name
    shutil.rmtree(f"/{name}", ignore_errors=True)


@posix
def test_a_scripts_double_slash_render_in_a_blend_never_saved_is_refused_and_nothing_is_written(at_root):
    scene = _scene()
    assert not bpy.data.filepath
    with pytest.raises(DualTalkError) as refused:
        render_shot(scene, f"//{at_root}/frames", resolution=(16, 16))
    assert str(refused.value) == (
        f"the render output //{at_root}/frames is next to the .blend file, which is not saved yet; "
        "save the .blend first or choose a full path"
    )
    assert not os.path.lexists(f"/{at_root}")  # was: /NAME/frames with 3 frames, exit 0


@posix
def test_a_scripts_double_slash_render_goes_beside_the_saved_blend(tmp_path, at_root):
    scene = _scene()
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    try:
        out = render_shot(scene, f"//{at_root}/frames", resolution=(16, 16))
    finally:
        bpy.ops.wm.read_factory_settings(use_empty=True)  # the next story's file is not this one
    assert out == tmp_path / at_root / "frames"
    assert sorted(p.name for p in out.iterdir()) == sorted([*FRAMES, RECORD])
    assert not os.path.lexists(f"/{at_root}")  # was: written there, nothing beside the .blend


@posix
@pytest.mark.parametrize("path", ["//tmp/frames/frame_", "///tmp/x.mp4"])
def test_a_double_slash_path_reaching_blender_is_refused_as_for_blender_refuses_it(path):
    """Every path handed to Blender follows the one rule: a render's output path too (it was made
    ``/tmp/...``, the .blend save and the FBX exporter refused the same text)."""
    with pytest.raises(DualTalkError, match=BLEND_RELATIVE):
        blender_path(path)


def test_a_renders_own_path_for_blender_only_doubles_its_braces(tmp_path):
    assert blender_path(tmp_path / "{shot}" / "frame_") == str(tmp_path / "{{shot}}" / "frame_")
