"""A take keeps its recording's cues under ``$DUALTALK_HOME/recording_cues/`` so a re-generated range
reads them instead of the whole recording (fix32d). Before, nothing in Blender said so: a pipeline TD
freeing disk, or an animator wondering what grew under their DualTalk folder, had to find it by hand,
and *Clear Recognised Words* left it. Now the preferences show each kept cache (what it is for, how
many recordings, how much disk, where) with a button that clears it, and one that clears both: only
the files DualTalk wrote, never a file of the user's beside them."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference import pipeline
from dualtalk.inference.core.request import Request
from dualtalk.panels.preferences import DUALTALK_AP_preferences
from test_addon_panel import FakeLayout, PrefsProxy


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    monkeypatch.setenv("DUALTALK_HOME", str(folder))
    return folder


@pytest.fixture
def scene(tmp_path, home):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


@pytest.fixture
def take(tmp_path, home, demo_clip):
    """A take of the real DualTalk clip (23.5 s, A left, B right), run as the worker runs it."""
    a, sr = sf.read(str(demo_clip["wav1"]), dtype="float32")
    b, _ = sf.read(str(demo_clip["wav2"]), dtype="float32")
    path = tmp_path / "talk.wav"
    sf.write(str(path), np.stack([a, b], 1), sr, subtype="PCM_16")
    pipeline.run(Request(audio=str(path), engine="lite", rounds=1), tmp_path / "take")
    (entry,) = (home / "recording_cues").iterdir()
    return entry


def _drawn() -> list:
    layout = FakeLayout()
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    DUALTALK_AP_preferences.draw(PrefsProxy(prefs, layout), bpy.context)
    return layout.log


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def _words(home, n: int) -> list:
    """``n`` recordings' words as the recognised-words cache writes them."""
    folder = home / "recognised"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{k:064x}.json" for k in range(n)]
    for path in paths:
        path.write_text("x" * 1500, encoding="utf-8")
    return paths


def test_the_preferences_show_the_cues_a_take_kept_and_clear_only_them(scene, home, take):
    folder = take.parent
    mine = home / "notes.txt"  # the user's own file in their DualTalk folder
    mine.write_text("mine", encoding="utf-8")
    words = _words(home, 2)
    log = _drawn()
    assert ("label", "Recording cues") in log
    assert ("label", "What a take measured in its recording: a re-generated range reads it instead") in log
    size = _size(take.stat().st_size)  # a 23.5 s take's cues: a few kB
    line = f"1 recording in {folder} ({size})"
    assert ("label", line) in log, log
    assert ("operator", "dualtalk.clear_recording_cues") in log
    assert ("operator", "dualtalk.clear_kept_caches") in log  # both hold something

    assert bpy.ops.dualtalk.clear_recording_cues() == {"FINISHED"}

    assert not take.exists() and folder.is_dir()
    assert all(p.exists() for p in words) and mine.read_text(encoding="utf-8") == "mine"
    said = bpy.context.window_manager.dualtalk_status.last
    assert said == f"DualTalk: cleared the recording cues of 1 recording ({size}) from {folder}", said
    log = _drawn()
    assert ("label", "no recording cues kept") in log
    assert ("operator", "dualtalk.clear_recording_cues") not in log
    assert ("operator", "dualtalk.clear_kept_caches") not in log
    assert ("operator", "dualtalk.clear_recognised_words") in log


def test_a_recording_cues_folder_holding_a_file_of_the_users_is_not_cleared(scene, home, take):
    """A file the user put in ``recording_cues/`` makes the folder theirs: the cache stops using it,
    the preferences say so, and clearing (even from a script) removes nothing from it."""
    folder = take.parent
    (folder / "cues_notes.txt").write_text("mine", encoding="utf-8")
    log = _drawn()
    line = f"{folder} holds 'cues_notes.txt', which DualTalk did not write: not used, not cleared"
    assert ("label", line) in log, log
    assert ("operator", "dualtalk.clear_recording_cues") not in log

    assert bpy.ops.dualtalk.clear_recording_cues() == {"CANCELLED"}

    assert take.exists() and (folder / "cues_notes.txt").read_text(encoding="utf-8") == "mine"
    said = bpy.context.window_manager.dualtalk_status.last
    assert (
        said
        == f"DualTalk: {folder} holds 'cues_notes.txt', which DualTalk did not write; nothing was removed"
    )


def test_clear_both_removes_the_words_and_the_cues_and_nothing_else(scene, home):
    words = _words(home, 3)
    cues = home / "recording_cues"
    cues.mkdir()
    entry = cues / f"{7:064x}.npz"
    entry.write_bytes(b"z" * 4000)
    mine = home / "recognised_notes.json"
    mine.write_text("{}", encoding="utf-8")

    assert bpy.ops.dualtalk.clear_kept_caches() == {"FINISHED"}

    assert not any(p.exists() for p in [*words, entry]) and mine.exists()
    said = bpy.context.window_manager.dualtalk_status.last
    assert said == (
        f"DualTalk: cleared the recognised words of 3 recordings (4.5 kB) from {home / 'recognised'}; "
        f"cleared the recording cues of 1 recording (4.0 kB) from {cues}"
    ), said
    log = _drawn()
    assert ("label", "no recognised words kept") in log and ("label", "no recording cues kept") in log
