"""A new user's first take uses the demo voices that ship inside the installed extension. The take's
sound strip already played a copy (beside the saved .blend, or in DualTalk's folder for an unsaved
file), but the panel's *Audio* still named the extension's file, and so did a take kept for later:
an update replaces that folder, and *Re-generate Preview Range* or *Apply Saved Take* then read
another recording (or none). Now, once the take is keyed, *Audio* names the copy the strip plays,
and a kept take's record names the copy too, never a file inside the extension.

Here a folder without ``.git`` plays the installed extension (``take_sound.ADDON_ROOT``), and a
short two-voice recording plays the demo dialogue."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.addon import take_sound, ui_run


@pytest.fixture
def installed(tmp_path, monkeypatch, assets) -> Path:
    """The installed extension's folder, its ``assets/demo_dialogue.flac`` a short dialogue."""
    root = tmp_path / "extensions" / "user_default" / "dualtalk"
    (root / "assets").mkdir(parents=True)
    data, rate = sf.read(str(assets["wav"]))
    sf.write(str(root / "assets" / "demo_dialogue.flac"), data, rate)
    monkeypatch.setattr(take_sound, "ADDON_ROOT", root)
    return root / "assets" / "demo_dialogue.flac"


def _generate(scene, assets, demo: Path) -> str:
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, demo, assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    outcome = ah.take_comes_back(ui_run.GenerationRun(scene, scene.dualtalk, prefs).start())
    assert outcome.ok, outcome.message
    return outcome.message


def test_after_a_demo_take_the_audio_field_names_the_copy_beside_the_blend(
    scene, assets, installed, tmp_path
):
    shot = tmp_path / "shot"
    shot.mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(shot / "take.blend"))
    scene = bpy.context.scene

    line = _generate(scene, assets, installed)

    assert scene.dualtalk.audio == "//demo_dialogue.flac"  # was .../extensions/.../assets/demo_dialogue.flac
    assert (shot / "demo_dialogue.flac").read_bytes() == installed.read_bytes()
    (strip,) = scene.sequence_editor.strips
    assert strip.sound.filepath == "//demo_dialogue.flac"
    assert "inside the installed extension" in line and line.count("inside the installed extension") == 1


def test_an_unsaved_file_names_the_copy_in_dualtalks_folder(scene, assets, installed):
    _generate(scene, assets, installed)

    copy = Path(os.environ["DUALTALK_HOME"]) / "recordings" / "demo_dialogue.flac"
    assert scene.dualtalk.audio == str(copy)
    assert copy.read_bytes() == installed.read_bytes()


def test_a_field_changed_during_the_run_is_left_as_the_user_set_it(scene, assets, installed, tmp_path):
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "take.blend"))
    scene = bpy.context.scene
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, installed, assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    scene.dualtalk.audio = str(assets["wav"])  # the next recording chosen while the take is made

    assert ah.take_comes_back(run).ok

    assert scene.dualtalk.audio == str(assets["wav"])


def test_a_take_kept_for_later_records_the_copy_not_the_extensions_file(
    scene, assets, installed, tmp_path, capsys
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, installed, assets["ckpt"])
    shot1, shot2 = tmp_path / "shot1.blend", tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(shot1))
    bpy.ops.wm.save_as_mainfile(filepath=str(shot2), copy=True)
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    capsys.readouterr()
    ah.blender_ends_the_operator(run)
    bpy.ops.wm.open_mainfile(filepath=str(shot2))  # another shot opened before the take came back
    ah.follow_until_done()
    said = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]
    found = re.search(r"apply_take\(directory=('[^']*')\)", said[-1])
    assert found, said
    folder = Path(ast.literal_eval(found.group(1)))
    try:
        record = json.loads((folder / "result.json").read_text(encoding="utf-8"))

        assert record["audio_files"] == [str(tmp_path / "demo_dialogue.flac")]  # beside shot1.blend
        assert (tmp_path / "demo_dialogue.flac").read_bytes() == installed.read_bytes()
        shutil.rmtree(installed.parent.parent)  # the extension updated (or uninstalled) meanwhile
        bpy.ops.wm.open_mainfile(filepath=str(shot1))
        assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
        (strip,) = bpy.context.scene.sequence_editor.strips
        assert strip.sound.filepath == "//demo_dialogue.flac"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
