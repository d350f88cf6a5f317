"""The panel in a film scene: 30 fps, the shot starting at frame 101. Generate keys the take where
the shot starts and the status line counts the frames the animator sees on the timeline."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import compat, keying, layers


def test_generate_at_30_fps_from_frame_101_reports_the_frames_it_keyed(scene, assets):
    scene.render.fps = 30
    scene.frame_start, scene.frame_end = 101, 250
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])  # a 2 s recording
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    strip = layers.our_strips(a.data.shape_keys)["lips+jaw"]
    frames = [k[0] for fc in compat.iter_fcurves(strip.action) for k in keying.read_keys(fc)]
    assert (min(frames), max(frames)) == (101, 160)  # 2 s at 30 fps = 60 frames
    status = bpy.context.window_manager.dualtalk_status.last
    assert "60 frames" in status, status


def test_export_fbx_from_an_unsaved_file_asks_for_a_place_instead_of_writing_somewhere(
    scene, assets, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # wherever Blender happened to be started from
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    assert not bpy.data.filepath and scene.dualtalk.fbx_path == "//dualtalk.fbx"  # the panel's default
    with bpy.context.temp_override(scene=scene):
        with pytest.raises(RuntimeError, match="not saved yet"):
            bpy.ops.dualtalk.export_fbx()
        assert not list(tmp_path.iterdir())  # nothing landed in Blender's working folder
        blend = tmp_path / "shot.blend"
        bpy.ops.wm.save_as_mainfile(filepath=str(blend))
        assert bpy.ops.dualtalk.export_fbx() == {"FINISHED"}  # saved: next to the .blend
    assert (tmp_path / "dualtalk.fbx").is_file()
