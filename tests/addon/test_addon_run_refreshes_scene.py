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
