"""An animator picks the take beside the .blend ("//takes/scene4.wav") and later saves the .blend
elsewhere: the panel must still name the same recording, as Blender's own images and sounds do."""

from __future__ import annotations

import os

import bpy
import pytest
from dualtalk.dualtalk_blender.addon import blend_paths
from dualtalk.dualtalk_blender.addon.ui_run import abspath


@pytest.fixture
def project(scene, tmp_path):
    """``project/shot.blend`` with its recording in ``project/takes/``, picked blend-relative."""
    (tmp_path / "project" / "takes").mkdir(parents=True)
    wav = tmp_path / "project" / "takes" / "scene4.wav"
    wav.write_bytes(b"RIFF")
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "project" / "shot.blend"))
    s = scene.dualtalk
    s.audio = "//takes/scene4.wav"
    s.turns = str(tmp_path / "turns.rttm")  # absolute: never touched
    s.map = "~/maps/rig.json"
    return scene, tmp_path, wav


def test_save_as_into_another_folder_keeps_naming_the_same_recording(project):
    scene, root, wav = project
    (root / "project" / "v2").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(root / "project" / "v2" / "shot.blend"))
    s = scene.dualtalk
    assert s.audio == "//../takes/scene4.wav"
    assert abspath(s.audio) == str(wav)
    assert s.fbx_path == "//dualtalk.fbx"  # an output, as Blender's render output: beside the new .blend
    assert s.turns == str(root / "turns.rttm") and s.map == "~/maps/rig.json"


def test_save_copy_writes_rebased_paths_into_the_copy_and_leaves_the_session_alone(project):
    scene, root, wav = project
    bpy.ops.wm.save_as_mainfile(filepath=str(root / "backup.blend"), copy=True)
    assert scene.dualtalk.audio == "//takes/scene4.wav"  # the session is still project/shot.blend
    assert abspath(scene.dualtalk.audio) == str(wav)
    bpy.ops.wm.open_mainfile(filepath=str(root / "backup.blend"))
    copy = bpy.context.scene.dualtalk
    assert copy.audio == "//project/takes/scene4.wav"
    assert abspath(copy.audio) == str(wav)


def test_plain_save_in_place_changes_nothing(project):
    scene, _root, _wav = project
    bpy.ops.wm.save_mainfile()
    assert scene.dualtalk.audio == "//takes/scene4.wav"


def test_a_failed_save_puts_the_paths_back(project):
    scene, root, _wav = project
    blend_paths.before_save(str(root / "elsewhere" / "shot.blend"))
    assert scene.dualtalk.audio == "//../project/takes/scene4.wav"
    blend_paths.after_failed_save(str(root / "elsewhere" / "shot.blend"))
    assert scene.dualtalk.audio == "//takes/scene4.wav"


def test_disabling_the_addon_removes_its_save_handlers(scene):
    assert blend_paths.before_save in bpy.app.handlers.save_pre
    import addon_helpers as ah

    ah.disable_addon()
    names = {getattr(h, "__qualname__", "") for h in bpy.app.handlers.save_pre}
    assert "before_save" not in names


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        ("//a.wav", "/p/x.blend", "/p/sub/x.blend", "//../a.wav"),
        ("//takes/", "/p/x.blend", "/q/x.blend", "//../p/takes/"),  # a folder stays a folder
        ("//a.wav", "/p/x.blend", "/p/y.blend", "//a.wav"),  # same folder
        ("//a.wav", "", "/p/x.blend", "//a.wav"),  # first save: "//" named nothing yet
        ("/abs/a.wav", "/p/x.blend", "/q/x.blend", "/abs/a.wav"),
        ("", "/p/x.blend", "/q/x.blend", ""),
    ],
)
def test_rebase(path, old, new, expected):
    if os.sep != "/":
        pytest.skip("POSIX paths")
    assert blend_paths.rebase(path, old, new) == expected
