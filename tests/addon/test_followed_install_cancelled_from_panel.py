"""An animator presses Install Dependencies (or a Download) in the add-on's preferences, then opens
a shot while torch installs. The install carries on (``operators/modal.py`` follows it) and Esc no
longer reaches it; the animator looks in the 3D Viewport's DualTalk panel, not in the preferences.
The panel shows the running install's or download's progress line with a Cancel for that job
(``dualtalk.cancel`` with its task), as it shows a running Generate; pressing it stops the job
with its usual line. The same holds while the job still runs under its button, and the greyed
buttons' reason names that Cancel.

The panel is drawn without a window (the bpy module has none) into a layout that keeps each
button's properties, so the Cancel found there is invoked exactly as drawn. The pip step is a stub
(this Python) and the download a loopback server: nothing is installed and nothing leaves the
machine."""

from __future__ import annotations

import http.server
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, state
from dualtalk.operators import modal, preferences_ops
from dualtalk.panels.main_panel import DUALTALK_PT_main
from local_http import serve
from test_addon_panel import FakeLayout
from test_lifecycle_install_file_open import _follow_until_done, _open_another_file, _press, _until, prefs

__all__ = ["prefs", "shot"]  # the install stories' fixture, and this module's own (shared on)

PIP_WORKING = "import time\nprint('Collecting torch', flush=True)\ntime.sleep(60)\n"  # pip fetching torch
PANEL_CANCEL = "Cancel under its progress in the 3D Viewport's DualTalk panel or the add-on's preferences"


class _PanelLayout(FakeLayout):
    """:class:`FakeLayout` that also keeps what each button was given (``cancel.task = ...``)."""

    def _child(self, *a, **k):
        return _PanelLayout(self.log)

    box = row = column = _child

    def operator(self, idname, **kw):
        super().operator(idname, **kw)
        props = SimpleNamespace()
        self.log.append(("button", idname, props))
        return props


def _draw_panel() -> list:
    """The 3D Viewport's DualTalk panel, as the open file's window would draw it now."""
    layout = _PanelLayout()
    ctx = SimpleNamespace(scene=bpy.context.scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return layout.log


def _panel_cancels(log: list) -> list[dict]:
    """The properties of each Cancel the panel draws."""
    return [vars(entry[2]) for entry in log if entry[0] == "button" and entry[1] == "dualtalk.cancel"]


def _progress_lines(log: list) -> list[str]:
    return [entry[1] for entry in log if entry[0] == "progress"]


def _refusal(name: str) -> str:
    """Why ``bpy.ops.dualtalk.<name>`` is greyed (what its tooltip and a script's error say)."""
    with pytest.raises(RuntimeError) as err:
        getattr(bpy.ops.dualtalk, name)()
    return str(err.value).strip().splitlines()[-1]


@pytest.fixture
def shot(tmp_path) -> Path:
    """Another .blend to open while the job runs."""
    other = tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    return other


def _pip_working(monkeypatch) -> None:
    monkeypatch.setattr(
        deps,
        "install_steps",
        lambda venv_dir, **kw: [("install packages", [sys.executable, "-c", PIP_WORKING])],
    )


def test_an_install_carried_on_into_another_file_is_cancelled_from_the_3d_viewport_panel(
    prefs, shot, monkeypatch, capsys
):
    _pip_working(monkeypatch)
    op = _press(preferences_ops.DUALTALK_OT_install_deps, packages="")
    installer = op._job
    _until(lambda: installer.poll() and "Collecting torch" in state.INSTALL_LINES)
    _open_another_file(op, shot)  # the shot opens; the install carries on with no operator (no Esc)
    modal.poll_followed()  # the follow timer's first tick in the opened file

    log = _draw_panel()
    assert _progress_lines(log) == ["installing dependencies: Collecting torch"]
    assert _panel_cancels(log) == [{"task": "deps"}]  # this job's Cancel, not a generation's
    assert "dualtalk.generate" in [e[1] for e in log if e[0] == "button"]  # drawn, greyed (its poll refuses)
    said = _refusal("install_deps")  # the greyed button names the Cancel the panel shows, whole
    assert said.endswith(f"wait for it to end or cancel it ({PANEL_CANCEL})") and "Esc" not in said, said

    (cancel,) = _panel_cancels(log)
    assert bpy.ops.dualtalk.cancel(**cancel) == {"FINISHED"}
    _follow_until_done(timeout=10.0)

    assert installer.state == "cancelled" and installer._proc.poll() is not None  # pip stopped
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and status.last == "DualTalk: installing dependencies cancelled", status.last
    assert [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")] == [status.last]
    log = _draw_panel()  # the panel is free again, and says what happened
    assert _panel_cancels(log) == [] and _progress_lines(log) == []
    assert ("label", "DualTalk: installing dependencies cancelled") in log
    assert bpy.ops.dualtalk.install_deps.poll()


def test_an_install_under_its_button_is_cancelled_from_the_3d_viewport_panel(prefs, monkeypatch):
    """Before any file is opened: the panel's Cancel stops it too, and its operator ends it with
    the same line as Esc or the preferences' Cancel."""
    _pip_working(monkeypatch)
    op = _press(preferences_ops.DUALTALK_OT_install_deps, packages="")
    installer = op._job
    _until(lambda: installer.poll() and "Collecting torch" in state.INSTALL_LINES)
    tick = SimpleNamespace(type="TIMER")
    assert op.modal(bpy.context, tick) == {"RUNNING_MODAL"}  # its window timer shows pip's line

    log = _draw_panel()
    assert _progress_lines(log) == ["installing dependencies: Collecting torch"]
    assert _panel_cancels(log) == [{"task": "deps"}]
    said = _refusal("download")
    assert said.endswith(f"cancel it ({PANEL_CANCEL}, or Esc in the window it was started from)"), said

    (cancel,) = _panel_cancels(log)
    assert bpy.ops.dualtalk.cancel(**cancel) == {"FINISHED"}
    assert op.modal(bpy.context, tick) == {"CANCELLED"}  # the next tick ends it
    assert installer.state == "cancelled" and installer._proc.poll() is not None
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and status.last == "DualTalk: installing dependencies cancelled", status.last
    assert op.reports == [({"WARNING"}, "DualTalk: installing dependencies cancelled")]
    assert _panel_cancels(_draw_panel()) == []


class _SlowServer(http.server.BaseHTTPRequestHandler):
    """A large checkpoint sent slowly (64 KiB every 10 ms) until the client hangs up."""

    stop = threading.Event()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(256 << 20))
        self.end_headers()
        block = bytes(64 << 10)
        try:
            while not self.stop.is_set():
                self.wfile.write(block)
                time.sleep(0.01)
        except OSError:  # the download was cancelled: it hung up
            pass

    def log_message(self, *args):
        pass


def test_a_download_carried_on_into_another_file_is_cancelled_from_the_3d_viewport_panel(prefs, shot, capsys):
    _SlowServer.stop.clear()
    with serve(_SlowServer) as url:
        prefs.checkpoint_url, prefs.checkpoint_sha256 = f"{url}/DualTalk.pth", ""
        op = _press(preferences_ops.DUALTALK_OT_download, what="CHECKPOINT")
        job = op._job
        try:
            _until(lambda: job.fraction > 0.0)
            _open_another_file(op, shot)
            modal.poll_followed()

            log = _draw_panel()
            (line,) = _progress_lines(log)
            assert line.startswith("downloading: ") and "MB" in line, line  # "downloading: 1.0 / 268.4 MB"
            assert _panel_cancels(log) == [{"task": "download"}]
            said = _refusal("download")
            assert "it carried on when another file was opened" in said, said
            assert said.endswith(f"cancel it ({PANEL_CANCEL})"), said

            (cancel,) = _panel_cancels(log)
            assert bpy.ops.dualtalk.cancel(**cancel) == {"FINISHED"}
            _follow_until_done(timeout=20.0)
        finally:
            _SlowServer.stop.set()

    assert job.state == "cancelled"
    status = bpy.context.window_manager.dualtalk_status
    line = "DualTalk: download cancelled; run it again to resume"
    assert not status.running and status.last == line, status.last
    assert [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")] == [line]
    assert _panel_cancels(_draw_panel()) == [] and bpy.ops.dualtalk.download.poll()
