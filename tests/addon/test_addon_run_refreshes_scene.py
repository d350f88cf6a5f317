"""What Generate's background run holds on to while the animator keeps working: the scene's settings
are read again when the take comes back (an undo meanwhile moves them in memory, and the pointer
kept from the start would crash Blender), and a run that cannot start leaves no temp folder."""

from __future__ import annotations

import time

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run, worker_client
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING


def prefs():
    return bpy.context.preferences.addons["dualtalk"].preferences


class Freed:
    """Stands in for settings whose memory an undo gave back: any use is the crash it would be."""

    def __getattr__(self, name):
        raise AssertionError(f"the run read {name!r} through a pointer an undo had freed")


def test_a_take_is_applied_with_the_scenes_settings_as_they_are_now(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs()).start()
    deadline = time.monotonic() + 120
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    run.settings = Freed()  # Ctrl+Z while the worker ran
    outcome = run.finish()
    assert outcome.ok, outcome.message
    assert a.data.shape_keys.animation_data is not None


def test_a_run_that_cannot_write_its_job_leaves_no_temp_folder(scene, assets, monkeypatch):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])

    def full_disk(path, job):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(worker_client, "write_job", full_disk)
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs())
    with pytest.raises(OSError):
        run.start()
    assert not run.work_dir.exists()


def test_a_headless_generate_that_hangs_says_it_timed_out(scene, assets, monkeypatch):
    """A render farm's background Blender waits for the worker at most an hour. A worker stuck
    past that was stopped and reported as "cancelled; the scene was not changed", as if someone
    had pressed Cancel; the log now says it timed out."""
    from dualtalk.dualtalk_blender.addon import state

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(scene)
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@generate")
    monkeypatch.setattr(state, "HEADLESS_TIMEOUT_S", 3.0)
    with (
        bpy.context.temp_override(scene=scene),
        pytest.raises(RuntimeError, match="gave no result in 0.05 min"),
    ):
        bpy.ops.dualtalk.generate()
    assert "was stopped" in bpy.context.window_manager.dualtalk_status.last
    assert ah.scene_fingerprint(scene) == before
