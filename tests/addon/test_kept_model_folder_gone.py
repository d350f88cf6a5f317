"""An animator installs DualTalk in a fresh Blender user folder. The home still holds the preferences an
earlier install kept, naming a Model folder deleted since. Before, it came back with "kept from before
the add-on was disabled" and nothing said it was gone (review rv40d F5); now one line names the missing
folder and where to set it again. A folder that is there comes back without that line."""

from __future__ import annotations

import json

import addon_helpers as ah
import addon_utils
import bpy


def _prefs():
    return bpy.context.preferences.addons[ah.ADDON].preferences


def _tick_with_kept(capsys, kept: dict) -> str:
    """The add-on, unticked; the kept file holds ``kept``; ticked again: what it printed."""
    from dualtalk.dualtalk_blender.addon.kept_preferences import kept_file

    addon_utils.disable(ah.ADDON, default_set=True)
    kept_file().write_text(json.dumps(kept))
    capsys.readouterr()
    addon_utils.enable(ah.ADDON, default_set=True)
    return capsys.readouterr().out


def test_a_kept_model_folder_that_is_gone_is_named_missing(scene, tmp_path, capsys):
    gone = str(tmp_path / "deleted" / "models")
    printed = _tick_with_kept(capsys, {"model_dir": gone})
    lines = [ln for ln in printed.splitlines() if "is not there" in ln]
    assert len(lines) == 1 and gone in lines[0] and "Model folder" in lines[0], printed
    assert "Preferences > Add-ons > DualTalk" in lines[0]
    assert _prefs().model_dir == gone  # kept: a drive mounted later brings it back


def test_a_kept_model_folder_that_is_there_comes_back_quietly(scene, tmp_path, capsys):
    there = tmp_path / "models"
    there.mkdir()
    printed = _tick_with_kept(capsys, {"model_dir": str(there), "python_path": str(tmp_path / "no_python")})
    assert _prefs().model_dir == str(there)
    lines = [ln for ln in printed.splitlines() if "is not there" in ln]
    assert len(lines) == 1 and "no_python" in lines[0], printed  # only the Python that is gone
