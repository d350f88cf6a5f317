"""An animator who set the add-on's Model folder (where its private Python and checkpoint live) and a
package index mirror unticks DualTalk in Edit > Preferences > Add-ons and ticks it again. Blender
drops an add-on's preferences when it is disabled: before, both came back empty, so the worker was
looked for in the default folder and Generate ran Blender's own Python ("missing torch"). Now they come
back, with one line; preferences set by hand after re-enabling are left alone (review 33u F2)."""

from __future__ import annotations

import json

import addon_helpers as ah
import addon_utils
import bpy


def _prefs():
    return bpy.context.preferences.addons[ah.ADDON].preferences


def test_preferences_come_back_after_the_addon_is_unticked_and_ticked(scene, tmp_path):
    _prefs().model_dir = str(tmp_path / "models")
    _prefs().index_url = "http://127.0.0.1:8080/simple"

    addon_utils.disable(ah.ADDON, default_set=True)
    assert ah.ADDON not in bpy.context.preferences.addons  # Blender dropped them
    addon_utils.enable(ah.ADDON, default_set=True)

    assert (_prefs().model_dir, _prefs().index_url) == (
        str(tmp_path / "models"),
        "http://127.0.0.1:8080/simple",
    )
    line = bpy.context.window_manager.dualtalk_status.last
    assert (
        line == "DualTalk: preferences kept from before the add-on was disabled: Model folder, Package index"
    )


def test_defaults_chosen_again_stay_defaults(scene, tmp_path):
    """Preferences cleared by hand before disabling are not brought back."""
    _prefs().model_dir = str(tmp_path / "models")
    _prefs().model_dir = ""
    _prefs().python_path = ""
    addon_utils.disable(ah.ADDON, default_set=True)
    addon_utils.enable(ah.ADDON, default_set=True)

    assert (_prefs().model_dir, _prefs().python_path) == ("", "")


def test_a_damaged_kept_file_is_ignored(scene, tmp_path, monkeypatch):
    _prefs().model_dir = str(tmp_path / "models")
    addon_utils.disable(ah.ADDON, default_set=True)
    from dualtalk.dualtalk_blender.addon.kept_preferences import kept_file

    kept = kept_file()
    kept.write_text(json.dumps({"model_dir": 5, "no_such": "x", "python_path": ["a"]}))
    addon_utils.enable(ah.ADDON, default_set=True)

    assert (_prefs().model_dir, _prefs().python_path) == ("", "")
    kept.write_text("[" * 100000)  # nested past Python's recursion limit
    addon_utils.disable(ah.ADDON, default_set=True)
    kept.write_text("[" * 100000)
    addon_utils.enable(ah.ADDON, default_set=True)
    assert _prefs().model_dir == ""


def test_in_a_shared_home_each_user_gets_their_own_back(scene, tmp_path, monkeypatch):
    """Two animators share the farm's $DUALTALK_HOME: Bob ticking the add-on does not get Alice's."""
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "alice")
    _prefs().model_dir = str(tmp_path / "alice_models")
    addon_utils.disable(ah.ADDON, default_set=True)
    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    addon_utils.enable(ah.ADDON, default_set=True)

    assert _prefs().model_dir == ""


def test_a_preference_cleared_by_hand_later_is_not_brought_back(scene, tmp_path):
    """Ticked off and on once with a Model folder; later the animator clears it, and Blender saves its
    preferences and quits (the add-on is not unregistered then). Ticked off and on again, or at the
    next start with the add-on's preferences all at their defaults, the old folder stays cleared."""
    _prefs().model_dir = str(tmp_path / "models")
    addon_utils.disable(ah.ADDON, default_set=True)
    addon_utils.enable(ah.ADDON, default_set=True)
    assert _prefs().model_dir == str(tmp_path / "models")

    _prefs().model_dir = ""  # cleared by hand; no unregister follows (Blender quits)
    from dualtalk.dualtalk_blender.addon import kept_preferences

    assert kept_preferences.restore(_prefs()) == ""
    assert _prefs().model_dir == ""
