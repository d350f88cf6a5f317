"""An animator versions a shot by Save As (``v1/shot_v001.blend``, then ``v2/shot_v002.blend``) and
exports each version with the panel's default FBX path, ``//dualtalk.fbx``: each FBX must land
beside its own .blend, as Blender's render output (``//render/``) does, and never over the last
version's. The recording the panel reads is an input: it keeps naming the same file."""

from __future__ import annotations

import shutil

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import blend_paths, panel_options
from dualtalk.dualtalk_blender.addon.ui_run import abspath


@pytest.fixture
def shot(scene, assets, tmp_path):
    """``project/v1/shot_v001.blend`` with two characters, its recording beside it picked as ``//talk.wav``."""
    v1 = tmp_path / "project" / "v1"
    v1.mkdir(parents=True)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    wav = shutil.copy(assets["wav"], v1 / "talk.wav")
    bpy.ops.wm.save_as_mainfile(filepath=str(v1 / "shot_v001.blend"))
    scene.dualtalk.audio = "//talk.wav"
    return scene, tmp_path / "project", wav


def export_fbx(scene) -> None:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx() == {"FINISHED"}


def test_each_saved_version_exports_its_fbx_beside_itself(shot):
    scene, project, _wav = shot
    assert scene.dualtalk.fbx_path == "//dualtalk.fbx"  # the panel's default
    export_fbx(scene)
    first = project / "v1" / "dualtalk.fbx"
    assert first.read_bytes().startswith(b"Kaydara FBX Binary")
    first_written = (first.stat().st_mtime_ns, first.read_bytes())

    (project / "v2").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(project / "v2" / "shot_v002.blend"))
    export_fbx(scene)
    assert (first.stat().st_mtime_ns, first.read_bytes()) == first_written  # v1's export untouched
    assert (project / "v2" / "dualtalk.fbx").read_bytes().startswith(b"Kaydara FBX Binary")
    assert scene.dualtalk.fbx_path == "//dualtalk.fbx"  # an output: beside whichever .blend this is


def test_the_recording_still_names_the_same_file_after_save_as(shot):
    scene, project, wav = shot
    (project / "v2").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(project / "v2" / "shot_v002.blend"))
    assert scene.dualtalk.audio == "//../v1/talk.wav"  # an input: the same file, as Blender's sounds
    assert abspath(scene.dualtalk.audio) == str(wav)


def test_an_fbx_path_written_in_full_is_left_as_written(shot, tmp_path):
    scene, project, _wav = shot
    chosen = str(tmp_path / "exports" / "pair.fbx")
    scene.dualtalk.fbx_path = chosen
    (project / "v2").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(project / "v2" / "shot_v002.blend"))
    assert scene.dualtalk.fbx_path == chosen


def test_a_saved_copy_exports_beside_the_copy(shot):
    scene, project, _wav = shot
    scene.dualtalk.fbx_path = "//exports/pair.fbx"
    bpy.ops.wm.save_as_mainfile(filepath=str(project / "backup.blend"), copy=True)
    assert scene.dualtalk.fbx_path == "//exports/pair.fbx"  # the session is still v1
    bpy.ops.wm.open_mainfile(filepath=str(project / "backup.blend"))
    copy = bpy.context.scene.dualtalk
    assert copy.fbx_path == "//exports/pair.fbx"
    assert copy.audio == "//v1/talk.wav"


def test_every_panel_path_is_known_as_an_input_or_an_output(scene):
    """A new path on the panel must be sorted: an input is rebased on Save As, an output is not."""
    inputs = {
        name
        for o in panel_options.PANEL_OPTIONS
        if o.kind == "path"
        for name, _ in panel_options.property_names(o)
    }
    paths = set(blend_paths.path_properties(scene.dualtalk))
    assert paths == inputs | blend_paths.OUTPUT_PATHS
    assert not inputs & blend_paths.OUTPUT_PATHS
    assert "fbx_path" in blend_paths.OUTPUT_PATHS
