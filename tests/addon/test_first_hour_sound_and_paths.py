"""An animator's first hour with the panel (notes/audit_firsthour.md): the dialogue they picked beside
the .blend keeps playing when the project folder moves, a ``//`` path in a file never saved is refused
up front in the words Export FBX uses, a folder picked as *Audio* is called a folder, and the status
line counts one sound strip in the singular."""

from __future__ import annotations

import os
import re
import shutil

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, ui_run

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")

UNSAVED = "not saved yet; save the .blend first or choose a full path"


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def dialogue_sounds(scene) -> dict[str, str]:
    return {s.name: s.sound.filepath for s in scene.sequence_editor.strips_all if s.get("dualtalk")}


def test_a_moved_project_folder_still_plays_the_dialogue_picked_beside_the_blend(scene, assets, tmp_path):
    """The shot lives in ``proj/`` with its recording; the animator picks ``//talk.wav``, generates,
    saves, and later copies the folder to another disk: the take's dialogue plays there too, as the
    sound they added themselves does."""
    proj = tmp_path / "proj"
    proj.mkdir()
    shutil.copy(assets["wav"], proj / "talk.wav")
    bpy.ops.wm.save_as_mainfile(filepath=str(proj / "shot.blend"))
    scene = bpy.context.scene
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, proj / "talk.wav", assets["ckpt"])
    scene.dualtalk.audio = "//talk.wav"
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert dialogue_sounds(scene) == {"DualTalk dialogue": "//talk.wav"}
    assert re.search(r"\b1 sound strip\b(?!s)", status()), status()  # one strip, said in the singular
    bpy.ops.wm.save_mainfile()

    shutil.move(str(proj), str(tmp_path / "moved"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "moved" / "shot.blend"))
    (stored,) = dialogue_sounds(bpy.context.scene).values()
    assert os.path.isfile(bpy.path.abspath(stored))


def test_a_recording_picked_relative_outside_the_blends_folder_stays_relative(scene, assets, tmp_path):
    """``//../audio/talk.wav``: the animator chose a path relative to the .blend, so the strip keeps it
    relative too; a recording picked with a full path elsewhere stays absolute."""
    (tmp_path / "audio").mkdir()
    (tmp_path / "shot").mkdir()
    talk = shutil.copy(assets["wav"], tmp_path / "audio" / "talk.wav")
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot" / "shot.blend"))
    scene = bpy.context.scene
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, talk, assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
        assert dialogue_sounds(scene) == {"DualTalk dialogue": str(talk)}
        scene.dualtalk.audio = "//../audio/talk.wav"
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}
    assert dialogue_sounds(scene) == {"DualTalk dialogue": "//../audio/talk.wav"}


@pytest.mark.parametrize("field", ["audio", "transcript"])
def test_a_blend_relative_path_in_a_file_never_saved_is_refused_up_front(
    scene, assets, tmp_path, monkeypatch, field
):
    """A new file, never saved: ``//talk.wav`` has no folder to be beside. Even with a talk.wav in
    Blender's working folder, Generate refuses in one line, as Export FBX does, before any worker."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(assets["wav"], tmp_path / "talk.wav")
    (tmp_path / "talk.txt").write_text("A: hello\nB: hi\n", encoding="utf-8")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    setattr(scene.dualtalk, field, "//talk.wav" if field == "audio" else "//talk.txt")
    assert not bpy.data.filepath
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match=re.escape(UNSAVED)):
        bpy.ops.dualtalk.generate()
    assert UNSAVED in status() and "//talk" in status(), status()
    assert ui_run.ACTIVE is None


def test_every_path_in_the_worker_job_is_absolute(scene, assets, tmp_path, monkeypatch):
    """A path typed without ``//`` (``talk.wav``) is read where Blender was started: the job names
    that file in full, so the worker (which runs in its own folder) finds the same file."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(assets["wav"], tmp_path / "talk.wav")
    shutil.copy(assets["ckpt"], tmp_path / "lite.pt")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.audio, scene.dualtalk.checkpoint = "talk.wav", "lite.pt"
    job = panel_settings.build_job(scene.dualtalk, tmp_path / "work")
    assert job["audio"]["audio"] == str(tmp_path / "talk.wav")
    assert job["engine"]["checkpoint"] == str(tmp_path / "lite.pt")


def test_a_folder_picked_as_audio_is_called_a_folder(scene, assets, tmp_path):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.audio = str(tmp_path)
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="is a folder"):
        bpy.ops.dualtalk.generate()
    assert f"{tmp_path} is a folder, not an audio file" in status(), status()
