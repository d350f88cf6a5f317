"""An animator has recognised a few takes' words (*Recognise Words*): DualTalk kept what it heard under
``$DUALTALK_HOME/recognised/`` so a range re-generated is not recognised again. Before, nothing in
Blender said so: the only way to see or free that disk was to find the folder by hand (closing 29,
left). Now the add-on's preferences say how many recordings' words are kept, how much disk and where,
and *Clear Recognised Words* removes them: only the files the cache wrote, never a file of the user's,
and nothing at all from a ``recognised`` folder of the user's own (the rule the cache's pruning keeps)."""

from __future__ import annotations

import os
import time

import addon_helpers as ah
import bpy
import pytest
from dualtalk.inference.phonetic import recognised_cache
from dualtalk.panels.preferences import DUALTALK_AP_preferences
from test_addon_panel import FakeLayout, PrefsProxy


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("DUALTALK_HOME", str(folder))
    return folder / "recognised"


@pytest.fixture
def scene(tmp_path, home):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def _kept(folder, n: int, size: int = 1500) -> list:
    """``n`` recordings' words as the cache writes them (64 hex digits ``.json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{k:064x}.json" for k in range(n)]
    for path in paths:
        path.write_text("x" * size, encoding="utf-8")
    return paths


def _drawn() -> list:
    layout = FakeLayout()
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    return layout.log


def test_the_preferences_say_what_recognition_kept_and_clear_it(scene, home):
    assert ("label", "no recognised words kept") in _drawn()  # nothing recognised yet: no folder
    assert ("operator", "dualtalk.clear_recognised_words") not in _drawn()
    assert not home.exists()  # drawing made nothing

    entries = _kept(home, 3)
    stale = home / ".0123456789abcdef.x.tmp"  # a temporary a run that died left an hour ago
    stale.write_text("y" * 500, encoding="utf-8")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    log = _drawn()
    assert ("label", f"3 recordings in {home} (5.0 kB)") in log, log
    assert ("operator", "dualtalk.clear_recognised_words") in log

    assert bpy.ops.dualtalk.clear_recognised_words() == {"FINISHED"}

    assert not any(p.exists() for p in entries) and not stale.exists() and home.is_dir()
    said = bpy.context.window_manager.dualtalk_status.last
    assert said == f"DualTalk: cleared the recognised words of 3 recordings (5.0 kB) from {home}", said
    assert ("label", "no recognised words kept") in _drawn()


def test_a_recognised_folder_of_the_users_own_is_not_cleared(scene, home):
    """The user keeps their own transcripts in ``$DUALTALK_HOME/recognised/``: the cache never used
    that folder, and clearing must not delete a file of it."""
    entries = _kept(home, 2)
    (home / "interview.json").write_text("{}", encoding="utf-8")
    log = _drawn()
    line = f"{home} holds 'interview.json', which DualTalk did not write: not used, not cleared"
    assert ("label", line) in log, log
    assert ("operator", "dualtalk.clear_recognised_words") not in log

    assert bpy.ops.dualtalk.clear_recognised_words() == {"CANCELLED"}  # from a script: still refused

    assert all(p.exists() for p in entries) and (home / "interview.json").exists()
    said = bpy.context.window_manager.dualtalk_status.last
    assert (
        said == f"DualTalk: {home} holds 'interview.json', which DualTalk did not write; nothing was removed"
    )


def test_clearing_leaves_a_temporary_a_running_take_is_writing(home):
    """A recognition running now writes a temporary beside its entry: it stays (its rename would fail)."""
    (entry,) = _kept(home, 1, size=2000)
    fresh = home / ".0123456789abcdef.x.tmp"
    fresh.write_text("z" * 100, encoding="utf-8")

    removed = recognised_cache.clear(home)

    assert (removed.entries, removed.size, removed.foreign) == (1, 2000, None)
    assert not entry.exists() and fresh.exists()
    assert recognised_cache.held(home) == recognised_cache.Held(0, 100, None)
