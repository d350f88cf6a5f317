"""The add-on disabled, or disabled and enabled again (the Add-ons checkbox twice; F3 > Reload Scripts
does the same), while one of its jobs runs: through Blender's own path (``addon_utils.disable``,
which runs ``registration.unregister``), not ``addon_helpers.disable_addon``, which cancels the run
before disabling (notes/audit_lifecycle.md S1, D1, C3)."""

from __future__ import annotations

import sys
import time
from types import SimpleNamespace

import addon_helpers as ah
import addon_utils
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, state, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import DONE, RUNNING
from dualtalk.dualtalk_blender.scene.layers import take_actions
from dualtalk.operators import modal
from dualtalk.operators.generate import DUALTALK_OT_generate
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_remove_take_button import EnabledLayout

STOPPED = "stopped: the add-on was disabled"


@pytest.fixture
def scene(assets):
    sc, _prefs = ah.fresh_scene_with_addon(assets["models"])
    yield sc
    # whatever a failing test left running is stopped here, never left to the next test
    for job, _timer in list(modal._LIVE.values()):
        job.cancel()
    modal._LIVE.clear()
    if ui_run.ACTIVE is not None:
        ui_run.ACTIVE.cancel()
        ui_run.ACTIVE.cleanup()
    if addon_utils.check(ah.ADDON)[1]:
        ah.disable_addon()
    else:
        ui_run.ACTIVE = None


def status():
    return bpy.context.window_manager.dualtalk_status


def start_like_the_button(begin, task: str):
    """What the button's modal operator does when pressed (bpy has no event loop to run it): the
    job started by the operator's ``begin`` and registered as live."""
    op = SimpleNamespace(interactive=True, task=task, report=lambda *args: None)
    op.begin = lambda context: begin(op, context)
    assert modal.JobOperator._start(op, bpy.context)
    return op._job


def start_generate(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    run = start_like_the_button(DUALTALK_OT_generate.begin, "generate")
    assert status().running and status().task == "generate"
    return run, a, b


def off_and_on() -> None:
    addon_utils.disable(ah.ADDON, default_set=True)
    addon_utils.enable(ah.ADDON, default_set=True)


def panel_operators(scene) -> list[str]:
    layout = EnabledLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return [entry[1] for entry in layout.log if entry[0] == "enabled"]


def keyed(obj) -> bool:
    keys = obj.data.shape_keys
    return bool(keys is not None and (keys.animation_data or take_actions(keys)))


def test_generate_stopped_by_switching_the_addon_off_and_on_gives_the_generate_button_back(
    scene, assets, monkeypatch, private_tmp
):
    """A TD reloaded the scripts while the animator's Generate ran. Before, the worker was stopped
    but the status came back "running": a dead progress bar, no Generate button, Install and
    Download greyed for the rest of the session, and nothing said."""
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@engine")
    run, _a, _b = start_generate(scene, assets)
    assert run.running

    off_and_on()

    assert ah.process_gone(run.worker.pid), "the worker outlived the add-on"
    assert list(private_tmp.glob("dualtalk_run_*")) == []
    assert not status().running
    assert status().last.startswith(f"DualTalk: generation {STOPPED}")
    assert "the scene was not changed" in status().last
    drawn = panel_operators(scene)
    assert "dualtalk.generate" in drawn and "dualtalk.cancel" not in drawn
    assert bpy.ops.dualtalk.generate.poll()
    assert bpy.ops.dualtalk.install_deps.poll() and bpy.ops.dualtalk.download.poll()


def test_install_dependencies_stopped_by_switching_the_addon_off_and_on_frees_the_buttons(scene):
    """The same while Install Dependencies ran: pip is stopped, one line says so, and Install and
    Download can be pressed again."""
    pip = deps.Installer([("install torch", [sys.executable, "-c", "import time; time.sleep(120)"])])

    def begin(_op, context):  # what the Install Dependencies operator does, without a real venv
        state.set_status(context, running=True, task="deps", message="installing dependencies")
        return pip.start()

    start_like_the_button(begin, "deps")
    pid = pip._proc.pid

    off_and_on()

    assert ah.process_gone(pid), "pip outlived the add-on"
    assert pip.state == "cancelled"
    assert not status().running
    assert status().last.startswith(f"DualTalk: installing dependencies {STOPPED}")
    assert bpy.ops.dualtalk.install_deps.poll() and bpy.ops.dualtalk.download.poll()
    assert "dualtalk.generate" in panel_operators(scene)


def test_disabling_the_addon_while_the_take_is_about_to_be_keyed_keys_it(scene, assets, capfd):
    """The worker was done ("keying the take…" shown) when the add-on was disabled. Before, the
    panel's settings were removed first, so keying raised AttributeError (a traceback on the
    console) and the finished take was deleted with the run's folder."""
    run, a, b = start_generate(scene, assets)
    end = time.monotonic() + 240
    while run.step() == RUNNING and time.monotonic() < end:
        time.sleep(0.05)
    assert run.worker.state == DONE, run.worker.error
    capfd.readouterr()

    addon_utils.disable(ah.ADDON, default_set=True)

    err = capfd.readouterr().err
    assert "Traceback" not in err and "AttributeError" not in err, err
    assert keyed(a) and keyed(b), "the finished take was lost"
    assert not run.work_dir.exists()
    assert ui_run.ACTIVE is None
    addon_utils.enable(ah.ADDON, default_set=True)
    assert status().last.startswith("DualTalk: animated"), status().last
    assert not status().running


def test_a_generation_started_by_a_script_leaves_no_temp_folder_when_the_addon_is_disabled(
    scene, assets, monkeypatch, private_tmp
):
    """A pipeline script started ``GenerationRun(...).start()`` itself (no operator, so not a live
    job of the modal operator). Before, disabling the add-on stopped its worker but left its
    dualtalk_run_* folder behind."""
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@engine")
    prefs = bpy.context.preferences.addons[ah.ADDON].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    assert run.running and run.work_dir.exists()

    addon_utils.disable(ah.ADDON, default_set=True)

    assert ah.process_gone(run.worker.pid), "the worker outlived the add-on"
    assert not run.work_dir.exists(), "the run's temp folder was left behind"
    assert list(private_tmp.glob("dualtalk_run_*")) == []
    assert ui_run.ACTIVE is None


def test_a_download_that_ended_just_before_the_addon_was_disabled_still_does_its_end_of_job_work(tmp_path):
    """The add-on is disabled in the one timer tick between a FLAME map's download ending and its
    operator noticing: the map is still made the preferences' map file, as the line says it was
    downloaded (the download's own end-of-job work runs, as under its button)."""
    from dualtalk.dualtalk_blender.addon.job import Outcome

    ah.fresh_scene_with_addon(tmp_path / "models")
    ended: list[Outcome] = []
    job = SimpleNamespace(
        task="download",
        cancel=lambda: None,  # it had ended: nothing to stop
        result=lambda: Outcome(True, f"downloaded {tmp_path / 'arkit_flame.npy'}"),
        ended=lambda outcome: ended.append(outcome) or Outcome(True, f"DualTalk: {outcome.message}"),
    )
    modal._LIVE[id(job)] = (job, None)
    try:
        addon_utils.disable("dualtalk", default_set=True)
    finally:
        modal._LIVE.pop(id(job), None)
    assert [o.message for o in ended] == [f"downloaded {tmp_path / 'arkit_flame.npy'}"]
