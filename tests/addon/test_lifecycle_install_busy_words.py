"""What the greyed Install Dependencies and Download buttons say while a job runs, and the line a
cancelled install leaves: each names what really stops the job. Esc reaches only the modal operator
of the window the job was started from; a job followed after another file was opened has none. The
Cancel under an install's or a download's progress (in the DualTalk panel of the 3D Viewport and in
the preferences), and the panel's for a generation (all ``dualtalk.cancel``), stop it wherever it runs."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import state, ui_run
from dualtalk.operators import modal

ESC = "Esc in the window it was started from"
PANEL_CANCEL = "Cancel in the DualTalk panel of the 3D Viewport"
PREFS_CANCEL = (  # drawn under an install's or a download's progress in both places
    "Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences"
)


@pytest.fixture
def addon(tmp_path):
    ah.fresh_scene_with_addon(tmp_path / "models")
    yield
    bpy.context.window_manager.dualtalk_status.running = False
    ah.disable_addon()


def _refusal(name: str) -> str:
    """Why ``bpy.ops.dualtalk.<name>`` is greyed (what its tooltip and a script's error say)."""
    with pytest.raises(RuntimeError) as err:
        getattr(bpy.ops.dualtalk, name)()
    return str(err.value).strip().splitlines()[-1]


def _running(monkeypatch, task: str, *, followed: bool) -> None:
    """A job of ``task`` runs: under its modal operator (in ``_LIVE`` with its window timer), or
    followed after another file was opened (no operator, no window)."""
    job = SimpleNamespace(task=task, state="running")
    if followed:
        monkeypatch.setattr(modal, "_FOLLOWED", [job])
    else:
        monkeypatch.setitem(modal._LIVE, id(job), (job, object()))
    if task == "generate":
        monkeypatch.setattr(ui_run, "ACTIVE", SimpleNamespace(running=True))
    state.set_status(bpy.context, running=True, task=task, message="working")


@pytest.mark.parametrize("task", ["deps", "download"])
def test_a_running_install_or_download_names_its_cancel_and_esc_in_its_window(addon, monkeypatch, task):
    _running(monkeypatch, task, followed=False)
    assert bpy.ops.dualtalk.cancel.poll()  # the Cancel under its progress stops it
    for button in ("install_deps", "download"):
        said = _refusal(button)
        assert said.endswith(f"wait for it to end or cancel it ({PREFS_CANCEL}, or {ESC})"), said
        assert PANEL_CANCEL not in said and "press Esc to cancel it" not in said


@pytest.mark.parametrize("task", ["deps", "download"])
def test_a_followed_install_or_download_names_only_its_cancel(addon, monkeypatch, task):
    _running(monkeypatch, task, followed=True)
    assert bpy.ops.dualtalk.cancel.poll()
    for button in ("install_deps", "download"):
        said = _refusal(button)
        assert "it carried on when another file was opened" in said, said
        assert said.endswith(f"; wait for it to end or cancel it ({PREFS_CANCEL})") and "Esc" not in said


def test_a_generation_names_the_panels_cancel(addon, monkeypatch):
    _running(monkeypatch, "generate", followed=False)
    assert bpy.ops.dualtalk.cancel.poll()  # the panel's Cancel stops it
    said = _refusal("install_deps")
    assert said.endswith(f"wait for it to end or cancel it ({PANEL_CANCEL}, or {ESC})"), said


def test_a_followed_generation_names_only_the_panels_cancel(addon, monkeypatch):
    _running(monkeypatch, "generate", followed=True)
    assert bpy.ops.dualtalk.cancel.poll()
    said = _refusal("download")
    assert said.endswith(
        f"it carried on when another file was opened); wait for it to end or cancel it ({PANEL_CANCEL})"
    ), said
    assert "Esc" not in said


def test_a_cancelled_install_says_so_in_words_not_its_task_name(addon):
    """A job that does not outlive the file (none of the add-on's own now) is cancelled with its
    operator: the line says what stopped."""
    for task, words in (("deps", "installing dependencies"), ("download", "download")):
        job = SimpleNamespace(task=task, cancel=lambda: None, result=lambda: None)
        timer = bpy.context.window_manager.event_timer_add(state.TIMER_STEP, window=None)
        modal.JobOperator.cancel(SimpleNamespace(_job=job, _timer=timer, task=task), bpy.context)
        assert bpy.context.window_manager.dualtalk_status.last == f"DualTalk: {words} cancelled"


def test_the_cancel_under_a_downloads_progress_stops_the_download_not_a_generation_beside_it(
    addon, monkeypatch
):
    """A generation and a download run at once (nothing keeps them apart): the Cancel the preferences
    draw under the download's progress stops the download; the generation carries on."""
    stopped: list[str] = []
    download = SimpleNamespace(task="download", state="running", cancel=lambda: stopped.append("download"))
    monkeypatch.setitem(modal._LIVE, id(download), (download, object()))
    run = SimpleNamespace(running=True, cancel=lambda: stopped.append("generation"))
    monkeypatch.setattr(ui_run, "ACTIVE", run)
    state.set_status(bpy.context, running=True, task="download", message="downloading")
    assert bpy.ops.dualtalk.cancel(task="download") == {"FINISHED"}
    assert stopped == ["download"]
    assert bpy.ops.dualtalk.cancel() == {"FINISHED"}  # the panel's button: the generation
    assert stopped == ["download", "generation"]


def test_a_cancel_naming_no_such_job_says_so_and_stops_nothing(addon, monkeypatch):
    stopped: list[str] = []
    download = SimpleNamespace(task="download", state="running", cancel=lambda: stopped.append("download"))
    monkeypatch.setitem(modal._LIVE, id(download), (download, object()))
    with pytest.raises(
        RuntimeError, match=r"no job called 'dwnload' to cancel \(generate, deps, download or FBX export\)"
    ):
        bpy.ops.dualtalk.cancel(task="dwnload")
    assert stopped == []
