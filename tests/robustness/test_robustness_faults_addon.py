"""Robustness matrix, add-on faults: the background worker is cancelled at every stage,
killed outright, or a second Generate is attempted while one runs. The scene is never
changed by a run that did not finish, the worker process is gone and its temp folder too."""

from __future__ import annotations

import os
import signal
import time

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.worker_client import CANCELLED, CRASHED, RUNNING
from dualtalk.inference.core.errors import DualTalkError

STAGES = ("start", "audio", "engine", "encode", "generate")


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    d = tmp_path_factory.mktemp("rob_faults")
    return ah.addon_assets(d)


@pytest.fixture
def scene(assets):
    sc, _prefs = ah.fresh_scene_with_addon(assets["models"])
    a, b = ah.two_characters()
    ah.setup_panel(sc, a, b, assets["wav"], assets["ckpt"])
    yield sc
    ah.disable_addon()


def _new_run(scene) -> ui_run.GenerationRun:
    return ui_run.GenerationRun(scene, scene.dualtalk, bpy.context.preferences.addons["dualtalk"].preferences)


def _wait_for_stage(run, stage: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while run.worker.stage != stage and run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker.stage == stage, (stage, run.worker.state, run.worker.error)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_cancel_at_every_stage_leaves_the_scene_untouched(scene, monkeypatch):
    before = ah.scene_fingerprint(scene)
    for stage in STAGES:
        monkeypatch.setenv("DUALTALK_WORKER_FAULT", f"hang@{stage}")  # the worker stalls inside that stage
        run = _new_run(scene).start()
        _wait_for_stage(run, stage)
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.cancel.poll()
            bpy.ops.dualtalk.cancel()
        assert run.step() == CANCELLED
        outcome = run.finish()
        assert not outcome.ok and "cancelled" in outcome.message and "\n" not in outcome.message, stage
        assert ah.scene_fingerprint(scene) == before, stage
        assert not run.work_dir.exists(), stage
        assert _gone(run.worker.pid), stage
        assert ui_run.ACTIVE is None


def test_a_worker_killed_mid_run_is_reported_and_changes_nothing(scene, monkeypatch):
    before = ah.scene_fingerprint(scene)
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@generate")
    run = _new_run(scene).start()
    _wait_for_stage(run, "generate")
    os.kill(run.worker.pid, signal.SIGKILL)  # the OOM killer, a crash, a user's kill -9
    deadline = time.monotonic() + 30
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker.state == CRASHED
    outcome = run.finish()
    assert not outcome.ok and "\n" not in outcome.message
    assert (
        "crash" in outcome.message.lower()
        or "killed" in outcome.message.lower()
        or "signal" in outcome.message
    )
    assert ah.scene_fingerprint(scene) == before
    assert not run.work_dir.exists()


def test_two_generations_at_once_are_refused_while_one_runs(scene, monkeypatch):
    before = ah.scene_fingerprint(scene)
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@engine")
    first = _new_run(scene).start()
    _wait_for_stage(first, "engine")
    with bpy.context.temp_override(scene=scene):
        assert not bpy.ops.dualtalk.generate.poll()  # the Generate button is greyed out
    second = _new_run(scene)
    with pytest.raises(DualTalkError, match="already running"):
        second.start()
    assert not second.work_dir.exists()  # the refused run cleaned up after itself
    assert ui_run.ACTIVE is first and first.running
    first.cancel()
    assert first.step() == CANCELLED
    first.finish()
    assert ah.scene_fingerprint(scene) == before


def test_opening_another_file_during_generation_applies_nothing_and_does_not_crash(scene):
    """The run's scene is gone when the worker finishes: touching it would crash Blender."""
    run = _new_run(scene).start()
    bpy.ops.wm.read_homefile(use_empty=True)  # the user opens another file mid-run
    deadline = time.monotonic() + 120
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker.state == "done"
    outcome = run.finish()
    assert not outcome.ok and "nothing was applied" in outcome.message
    assert len(bpy.data.actions) == 0 and not run.work_dir.exists()
