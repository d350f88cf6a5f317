"""Takes kept after a failed keying (a character or the scene deleted while generating) pile up in
the temp folder, where nothing else removes them. The preferences say how many there are, where and
how big, and one button deletes them: only folders that hold nothing but a take's own files."""

from __future__ import annotations

import tempfile

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from dualtalk.panels.preferences import DUALTALK_AP_preferences
from test_addon_panel import FakeLayout, PrefsProxy


@pytest.fixture
def temp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def _kept(n: int, size: int = 1000) -> list:
    folders = []
    for _ in range(n):
        a, b = tmp_a(size), tmp_a(size)
        folders.append(saved_takes.keep_take({"a": str(a), "b": str(b), "engine": "lite"}))
    return folders


def tmp_a(size: int):
    fd, name = tempfile.mkstemp(suffix=".npz")
    with open(fd, "wb") as fh:
        fh.write(b"x" * size)
    return name


def _drawn() -> list:
    layout = FakeLayout()
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    return layout.log


def test_the_preferences_count_the_kept_takes_and_delete_them(scene, temp):
    assert ("label", "none kept") in _drawn()
    assert ("operator", "dualtalk.delete_saved_takes") not in _drawn()
    folders = _kept(3, size=500_000)
    assert all(f is not None and f.parent == temp for f in folders)
    log = _drawn()
    said = [t for kind, t in log if kind == "label" and " kept in " in t]
    assert said and said[0].startswith(f"3 kept in {temp} (3.0 MB)"), said
    assert ("operator", "dualtalk.delete_saved_takes") in log

    assert bpy.ops.dualtalk.delete_saved_takes() == {"FINISHED"}

    assert not any(f.exists() for f in folders)
    assert bpy.context.window_manager.dualtalk_status.last == "DualTalk: deleted 3 saved takes (3.0 MB)"
    assert ("label", "none kept") in _drawn()


def test_a_take_folder_holding_anything_else_is_left_alone(scene, temp):
    (mine,) = _kept(1)
    (other,) = _kept(1)
    (other / "my_notes.txt").write_text("the good take")  # the user keeps something of their own there
    (temp / "dualtalk_take_link").symlink_to(other)
    stray = temp / "dualtalk_take_file"
    stray.write_text("not a folder")

    assert saved_takes.kept_takes() == [mine]
    size = saved_takes.takes_size([mine])
    assert size > 2000  # both motion files and the run's result.json
    assert saved_takes.delete_kept_takes() == (1, size)

    assert not mine.exists()
    assert sorted(p.name for p in other.iterdir()) == ["A.npz", "B.npz", "my_notes.txt", "result.json"]
    assert stray.read_text() == "not a folder" and (temp / "dualtalk_take_link").is_symlink()
