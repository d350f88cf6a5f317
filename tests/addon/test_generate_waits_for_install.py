"""An animator presses Install Dependencies (or a Download) in the add-on's preferences and, while pip
replaces torch, goes back to the 3D Viewport to press Generate. Generate waits: a worker started now
could import a half-installed torch, and both jobs would write the one status line, so the panel
would draw the generation's Cancel and the install's by turns in the same place (a click could stop
the wrong job). Generate and Re-generate Preview Range are greyed with one sentence that names the
Cancel that stops the install wherever it runs (a script's ``bpy.ops.dualtalk.generate()`` gets it
as its error, and nothing starts); the panel shows the install's progress with its one Cancel. Once
the install or download ends, or is cancelled, Generate is free again. The same holds after another
file was opened while the install carried on.

The pip step is a stub (this Python) and the download a loopback server: nothing is installed and
nothing leaves the machine."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.addon import state, translations, ui_run
from dualtalk.operators import modal, preferences_ops
from dualtalk.panels import main_panel
from local_http import serve
from test_followed_install_cancelled_from_panel import (
    PANEL_CANCEL,
    _draw_panel,
    _panel_cancels,
    _pip_working,
    _progress_lines,
    _refusal,
    prefs,
    shot,
)
from test_lifecycle_install_file_open import _follow_until_done, _HeldMap, _open_another_file, _press, _until

__all__ = ["prefs", "shot"]  # the fixtures, shared with the stories of the install's own Cancel

TICK = type("Tick", (), {"type": "TIMER"})()  # the install's window timer


def _pip_collecting_torch(monkeypatch):
    """Install Dependencies pressed; pip has printed its first line and works on."""
    _pip_working(monkeypatch)
    op = _press(preferences_ops.DUALTALK_OT_install_deps, packages="")
    _until(lambda: op._job.poll() and "Collecting torch" in state.INSTALL_LINES)
    return op


def _generate_waits_for(task: str) -> str:
    """Generate and Re-generate are greyed, say why in one whole sentence (the tooltip's and a
    script's error), and pressing them starts nothing: the status still shows the running job."""
    status = bpy.context.window_manager.dualtalk_status
    before = (status.task, status.message)
    said = _refusal("generate").partition(".poll() ")[2]  # after "Operator bpy.ops.dualtalk.generate.poll() "
    assert _refusal("regenerate_range").partition(".poll() ")[2] == said
    assert not bpy.ops.dualtalk.generate.poll() and not bpy.ops.dualtalk.regenerate_range.poll()
    assert ui_run.ACTIVE is None and not ui_run.generation_running()  # no worker was started
    assert (status.task, status.message) == before and status.task == task
    assert said.endswith(f"wait for it to end or cancel it ({PANEL_CANCEL})"), said  # whole, not cut
    for table in translations.TRANSLATIONS.values():  # the tooltip in Japanese and Chinese too
        assert (translations.DEFAULT, said) in table, said
    return said


def _panel_shows_only_the_jobs_cancel(task: str, progress: str) -> dict:
    log = _draw_panel()
    assert _progress_lines(log) == [progress]
    assert _panel_cancels(log) == [{"task": task}]  # the install's, never a generation's beside it
    (cancel,) = _panel_cancels(log)
    return cancel


def test_generate_waits_while_an_install_runs_and_is_free_once_it_is_cancelled(prefs, monkeypatch):
    op = _pip_collecting_torch(monkeypatch)
    assert op.modal(bpy.context, TICK) == {"RUNNING_MODAL"}  # its window timer shows pip's line

    said = _generate_waits_for("deps")
    assert said.startswith("an install is running") and "half-installed" in said, said
    assert "Esc" not in said  # Esc reaches only the Preferences window the install was started from
    cancel = _panel_shows_only_the_jobs_cancel("deps", "installing dependencies: Collecting torch")
    assert op.modal(bpy.context, TICK) == {"RUNNING_MODAL"}  # ticks go on: the panel stays the same
    assert _panel_shows_only_the_jobs_cancel("deps", "installing dependencies: Collecting torch") == cancel

    assert bpy.ops.dualtalk.cancel(**cancel) == {"FINISHED"}
    assert op.modal(bpy.context, TICK) == {"CANCELLED"}
    assert op._job.state == "cancelled"
    assert bpy.ops.dualtalk.generate.poll() and bpy.ops.dualtalk.regenerate_range.poll()
    log = _draw_panel()
    assert _panel_cancels(log) == [] and "dualtalk.generate" in [e[1] for e in log if e[0] == "button"]


def test_generate_waits_for_an_install_that_carried_on_into_another_file(prefs, shot, monkeypatch, capsys):
    op = _pip_collecting_torch(monkeypatch)
    installer = op._job
    _open_another_file(op, shot)  # the shot opens; the install carries on with no operator

    # at once, before the follow timer has put the install back in the opened file's status
    assert not bpy.ops.dualtalk.generate.poll() and not bpy.ops.dualtalk.regenerate_range.poll()
    modal.poll_followed()
    said = _generate_waits_for("deps")
    assert said == modal.WAIT_FOR_SETUP["deps"]  # as under its button: the panel's Cancel works in both
    cancel = _panel_shows_only_the_jobs_cancel("deps", "installing dependencies: Collecting torch")

    assert bpy.ops.dualtalk.cancel(**cancel) == {"FINISHED"}
    _follow_until_done(timeout=10.0)
    assert installer.state == "cancelled" and installer._proc.poll() is not None
    assert bpy.context.window_manager.dualtalk_status.last == "DualTalk: installing dependencies cancelled"
    assert bpy.ops.dualtalk.generate.poll() and bpy.ops.dualtalk.regenerate_range.poll()


def test_generate_waits_while_a_download_runs_and_is_free_once_it_ends(prefs):
    _HeldMap.release.clear()
    with serve(_HeldMap) as url:
        prefs.flame_map_url, prefs.flame_map_sha256, prefs.flame_map = f"{url}/arkit_flame.npy", "", ""
        op = _press(preferences_ops.DUALTALK_OT_download, what="FLAME_MAP")
        try:
            assert op.modal(bpy.context, TICK) == {"RUNNING_MODAL"}  # half the map is sent, the rest held
            said = _generate_waits_for("download")
            assert said.startswith("a download is running;") and "Esc" not in said, said
            (line,) = _progress_lines(_draw_panel())
            assert line.startswith("downloading: "), line
        finally:
            _HeldMap.release.set()
        _until(lambda: op.modal(bpy.context, TICK) != {"RUNNING_MODAL"}, timeout=20.0)

    assert prefs.flame_map.endswith("arkit_flame.npy")  # the download ended as it does
    assert bpy.ops.dualtalk.generate.poll() and bpy.ops.dualtalk.regenerate_range.poll()


def test_the_panel_names_the_job_in_the_interfaces_language_and_keeps_pips_line(prefs, monkeypatch):
    """With the interface in Japanese, the progress row's words are the add-on's translation; pip's
    line after them stays as pip wrote it (the bpy module has no languages: a stand-in lookup)."""
    japanese = {"installing dependencies": "依存関係をインストール中"}
    monkeypatch.setattr(main_panel, "iface_", lambda text: japanese.get(text, text))
    op = _pip_collecting_torch(monkeypatch)
    assert op.modal(bpy.context, TICK) == {"RUNNING_MODAL"}
    assert _progress_lines(_draw_panel()) == ["依存関係をインストール中: Collecting torch"]


@pytest.mark.parametrize("task", ["deps", "download"])
def test_each_setup_job_is_named_once_for_the_panel_the_lines_and_the_generate_refusal(task):
    """One list of the preferences' jobs (``state.SETUP_WORDS``): a job added there gets the panel's
    row and Cancel, its words in the lines and Generate's refusal (a sentence that names it)."""
    assert modal.SETUP_TASKS is state.SETUP_TASKS and main_panel.SETUP_TASKS is state.SETUP_TASKS
    assert modal.task_words(task) == state.SETUP_WORDS[task].line
    assert task in modal.WAIT_FOR_SETUP and len(modal.WAIT_FOR_SETUP[task]) < 200
