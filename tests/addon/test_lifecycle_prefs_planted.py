"""A render farm shares one ``$DUALTALK_HOME`` between its users, a folder the farm group may write.
The add-on keeps Bob's preferences there across unticking (``addon_preferences-bob.json``), and takes
them back at every Blender start of his while his preferences are at their defaults. Another user of
the group writes that file first: a Python of theirs (which Generate runs, as Bob, with Bob's files),
their package index and checkpoint URL. Before, Bob's add-on took them as his own (review rv36a G1);
now a file Bob did not write is ignored with one line, and his preferences stay at their defaults."""

from __future__ import annotations

import json
import os
import stat

import addon_helpers as ah
import addon_utils
import bpy
import pytest

posix_only = pytest.mark.skipif(os.name != "posix", reason="owners and mode bits are POSIX's")

PLANTED = {
    "python_path": "/shared/mallory/python",
    "index_url": "http://mallory.example/simple",
    "checkpoint_url": "http://mallory.example/DualTalk.pth",
}


def _prefs():
    return bpy.context.preferences.addons[ah.ADDON].preferences


@pytest.fixture
def bob(scene, monkeypatch):
    """Bob's add-on, just unticked (his preferences at their defaults); the file kept for him."""
    import getpass

    from dualtalk.dualtalk_blender.addon.kept_preferences import kept_file

    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    addon_utils.disable(ah.ADDON, default_set=True)
    return kept_file()


def _start_blender(capsys) -> str:
    """Bob's Blender starts: the add-on registers; what it printed."""
    capsys.readouterr()
    addon_utils.enable(ah.ADDON, default_set=True)
    return capsys.readouterr().out


def _nothing_taken(printed: str, why: str) -> None:
    assert (_prefs().python_path, _prefs().index_url, _prefs().checkpoint_url) == ("", "", _default_url())
    assert "preferences kept from before" not in bpy.context.window_manager.dualtalk_status.last
    lines = [ln for ln in printed.splitlines() if "ignored the kept preferences" in ln]
    assert len(lines) == 1 and why in lines[0], printed


def _default_url() -> str:
    return _prefs().bl_rna.properties["checkpoint_url"].default


@posix_only
def test_a_file_another_user_wrote_is_not_taken_back(bob, capsys, monkeypatch):
    bob.write_text(json.dumps(PLANTED))
    bob.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(bob, 12345, 12345)  # Mallory's
    else:  # an ordinary user cannot give a file away: Bob is then another uid than its owner
        owner = bob.stat().st_uid
        monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    printed = _start_blender(capsys)
    _nothing_taken(printed, "belongs to another user")
    # Bob's own file replaces it at once (nothing was restored, so his defaults are kept)
    if os.geteuid() == 0:
        assert bob.stat().st_uid == os.getuid() and json.loads(bob.read_text()) == {}


@posix_only
def test_a_file_others_may_write_is_not_taken_back(bob, capsys):
    bob.write_text(json.dumps(PLANTED))
    bob.chmod(0o666)  # Bob's, but the group (Mallory) could have written it
    _nothing_taken(_start_blender(capsys), "other users may write it")


def test_a_link_in_place_of_the_file_is_not_followed(bob, capsys, tmp_path):
    planted = tmp_path / "mallory.json"
    planted.write_text(json.dumps(PLANTED))
    planted.chmod(0o600)
    bob.unlink(missing_ok=True)
    bob.symlink_to(planted)
    _nothing_taken(_start_blender(capsys), "is a symbolic link")
    assert json.loads(planted.read_text()) == PLANTED  # the file the link named is left as it was


def test_a_hard_link_to_a_file_elsewhere_is_not_taken_back(bob, capsys, tmp_path):
    planted = tmp_path / "mallory.json"
    planted.write_text(json.dumps(PLANTED))
    planted.chmod(0o600)
    bob.unlink(missing_ok=True)
    os.link(planted, bob)
    _nothing_taken(_start_blender(capsys), "a hard link to another file")


def test_bobs_own_file_is_written_for_him_alone_and_taken_back(scene, tmp_path, capsys):
    """What still works: his own Model folder comes back; the file is his alone (0600)."""
    from dualtalk.dualtalk_blender.addon.kept_preferences import kept_file

    _prefs().model_dir = str(tmp_path / "models")
    addon_utils.disable(ah.ADDON, default_set=True)
    if os.name == "posix":
        assert stat.S_IMODE(kept_file().stat().st_mode) == 0o600
    printed = _start_blender(capsys)
    assert _prefs().model_dir == str(tmp_path / "models")
    assert "ignored the kept preferences" not in printed
