"""Export FBX to a folder that does not exist: a typo in the folder (``/nonexistent_dir/x.fbx``)
used to create the whole folder tree without a word and report success. Blender's own exporter
refuses a missing folder; the panel's Export FBX now does too, in one line, and creates nothing.
(``animate --fbx`` still creates its output folders: a command line names them on purpose.)"""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest


def _refused(scene, filepath: str) -> str:
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.export_fbx(filepath=filepath)
    said = str(err.value).strip()
    assert said.startswith("Error: DualTalk: ") and "\n" not in said
    assert bpy.context.window_manager.dualtalk_status.last == said.removeprefix("Error: ")
    return said.removeprefix("Error: DualTalk: ")


def test_export_fbx_to_a_missing_folder_is_refused_and_creates_nothing(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    typo = tmp_path / "shots_typo" / "sq010"
    said = _refused(scene, str(typo / "x.fbx"))
    assert said == f"folder {typo} does not exist; create it first or choose another"
    assert not (tmp_path / "shots_typo").exists()
    # the folder made, the same export works
    typo.mkdir(parents=True)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(typo / "x.fbx")) == {"FINISHED"}
    assert (typo / "x.fbx").is_file()


def test_a_blend_relative_fbx_path_names_the_missing_folder_beside_the_blend(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    scene = bpy.context.scene
    scene.dualtalk.fbx_path = "//exports/shot.fbx"
    said = _refused(scene, "")
    assert said == f"folder {tmp_path / 'exports'} does not exist; create it first or choose another"
    assert not (tmp_path / "exports").exists()
