"""A pipeline TD pastes ``$HOME/takes/talk.wav`` into the panel, as they would type it in a shell.
Blender expands ``//`` and ``~`` but not ``$HOME``: the field was read as a folder named ``$HOME``
in Blender's working folder, so Generate said "not found" there, read a stray file of that name, or
(the Model folder) a download would make that folder. Now each field says so in one line before any
work, as the command line does (inference/core/typed_paths.py); a ``$`` inside a name is the name's."""

from __future__ import annotations

import re
import shutil

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, ui_run


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


@pytest.mark.parametrize("typed", ["$HOME/talk.wav", "${HOME}/talk.wav", "%HOME%\\talk.wav"])
def test_a_recording_typed_with_home_is_refused_not_read_from_a_stray_folder(
    scene, assets, tmp_path, monkeypatch, typed
):
    """Blender's working folder holds a folder literally named ``$HOME`` (an earlier script's
    mistake) with a talk.wav in it: the panel read that file and generated from the wrong recording.
    Now Generate refuses up front, naming the field and what was typed, and no run starts."""
    monkeypatch.chdir(tmp_path)
    stray = tmp_path / re.split(r"[/\\]", typed)[0]
    stray.mkdir()
    shutil.copy(assets["wav"], stray / "talk.wav")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.audio = typed
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="is not expanded"):
        bpy.ops.dualtalk.generate()
    assert f"the audio file {typed}: " in status(), status()
    assert ui_run.ACTIVE is None
    assert a.animation_data is None and (a.data.shape_keys.animation_data is None)


@pytest.mark.parametrize(
    ("field", "label", "form"),
    [
        ("transcript", "transcript file", "STEREO"),
        ("turns", "turns file", "MONO_TURNS"),
        ("checkpoint", "DualTalk checkpoint", "STEREO"),
    ],
)
def test_each_file_field_says_which_field_holds_the_variable(
    scene, assets, tmp_path, monkeypatch, field, label, form
):
    """Before: "<label> not found: <Blender's folder>/$HOME/..." sent the user looking for a file
    that was there all along in their home folder."""
    monkeypatch.chdir(tmp_path)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.audio_form = form
    setattr(scene.dualtalk, field, "$HOME/shot4/" + field)
    with pytest.raises(
        Exception, match=re.escape(f"the {label} $HOME/shot4/{field}: '$HOME' is not expanded")
    ):
        panel_settings.build_job(scene.dualtalk, tmp_path / "work")
    assert not (tmp_path / "$HOME").exists()


def test_a_model_folder_typed_with_home_is_refused_by_generate_and_check_python(scene, tmp_path, monkeypatch):
    """The preferences' Model folder ``$HOME/dualtalk_models``: Generate looked for the checkpoint in
    ``<Blender's folder>/$HOME/dualtalk_models`` and Download would have made that folder. Now both
    Generate and Check Python say the Model folder holds an unexpanded variable."""
    monkeypatch.chdir(tmp_path)
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, tmp_path / "talk.wav", tmp_path / "none.pt")
    ah.write_dialogue_wav(tmp_path / "talk.wav")
    scene.dualtalk.engine, scene.dualtalk.checkpoint = "dualtalk", ""
    prefs().model_dir = "$HOME/dualtalk_models"
    words = "the Model folder in the add-on preferences $HOME/dualtalk_models: '$HOME' is not expanded"
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match=re.escape(words)):
        bpy.ops.dualtalk.generate()
    with pytest.raises(RuntimeError, match=re.escape(words)):
        bpy.ops.dualtalk.check_python()
    assert not (tmp_path / "$HOME").exists()


def test_a_dollar_inside_a_name_and_a_blend_relative_path_are_read_as_before(scene, assets, tmp_path):
    """``Ca$h_money.wav`` is a file's own name, and ``//`` is beside the saved .blend: both are read."""
    (tmp_path / "shot").mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot" / "shot.blend"))
    scene = bpy.context.scene
    cash = shutil.copy(assets["wav"], tmp_path / "shot" / "Ca$h_money.wav")
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    for typed in (str(cash), "//Ca$h_money.wav"):
        scene.dualtalk.audio = typed
        assert panel_settings.build_job(scene.dualtalk, tmp_path / "work")["audio"]["audio"] == str(cash)


def test_an_fbx_path_typed_with_home_is_refused_not_sent_to_create_a_home_folder(tmp_path, monkeypatch):
    """Export FBX said "folder <Blender's folder>/$HOME/out does not exist; create it first": the advice
    made the very folder the check exists to prevent."""
    from dualtalk.dualtalk_blender.addon import panel_fbx
    from dualtalk.inference.core.errors import DualTalkError

    monkeypatch.chdir(tmp_path)
    settings = type("Panel", (), {"character_a": object(), "character_b": object()})()
    monkeypatch.setattr(panel_fbx, "check_characters", lambda s: (s.character_a, s.character_b))
    with pytest.raises(DualTalkError) as refused:
        panel_fbx.export_fbx(settings, "$HOME/out/shot.fbx")
    assert str(refused.value) == (
        "the FBX path $HOME/out/shot.fbx: '$HOME' is not expanded; choose the file or folder again, "
        "or type its full path"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("typed", ["$HOME/venv/bin/python", "${HOME}/venv/bin/python"])
def test_python_with_torch_typed_with_home_says_so_not_interpreter_not_found(tmp_path, monkeypatch, typed):
    from dualtalk.dualtalk_blender.addon import deps
    from dualtalk.inference.core.errors import DualTalkError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DualTalkError, match=r"^Python with torch .*is not expanded; choose the file again"):
        deps.resolve_python(ui_run.abspath(typed))
