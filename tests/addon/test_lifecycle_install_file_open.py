"""File > Open (or New, Revert) while Install Dependencies or Download runs. Neither has anything to
do with the open .blend: a 900 MB torch install must not be thrown away because an animator opened
a shot. Blender ends every running modal operator on a file load (``wm_window_match_init`` calls its
``cancel``); the install and the download used to be cancelled with it, the line saying so vanished
with the old window manager and the preferences kept pip's last line as if frozen. Now both carry on
(followed from a timer as a Generate run is, ``operators/modal.py``) and end as they would under
their button: one line, the cached Python check forgotten, the FLAME map filled in.

The pip step is a stub (this Python) and the download a loopback server: nothing is installed and
nothing leaves the machine."""

from __future__ import annotations

import http.server
import sys
import threading
import time
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, panel_settings, state
from dualtalk.operators import modal, preferences_ops
from local_http import serve


class _Button:
    """The running operator as Blender holds it while its modal timer ticks (the bpy module has no
    event loop to invoke one): the operator class's own methods on a plain object."""

    interactive = True
    _finishing = False

    def __init__(self, cls, **props) -> None:
        self._cls = cls
        self.task = cls.task
        self.reports: list[tuple[set[str], str]] = []
        for name, value in props.items():
            setattr(self, name, value)

    def report(self, kind, message) -> None:
        self.reports.append((kind, message))

    def __getattr__(self, name):
        for klass in self._cls.__mro__:
            attr = vars(klass).get(name)
            if callable(attr):
                return attr.__get__(self)
        raise AttributeError(name)


def _press(cls, **props) -> _Button:
    """What ``JobOperator.invoke`` does: the job started, a window timer, the job in ``_LIVE``."""
    op = _Button(cls, **props)
    assert op._start(bpy.context), bpy.context.window_manager.dualtalk_status.last
    op._timer = bpy.context.window_manager.event_timer_add(state.TIMER_STEP, window=None)
    modal._LIVE[id(op._job)] = (op._job, op._timer)
    return op


def _open_another_file(op: _Button, path: Path) -> None:
    """File > Open with Load UI (Blender's default): the running operator's ``cancel`` first, then
    the file is read, with a new window manager."""
    op.cancel(bpy.context)
    bpy.ops.wm.open_mainfile(filepath=str(path))


def _until(condition, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def _follow_until_done(timeout: float = 60.0) -> None:
    """The persistent app timer, ticked as Blender's event loop would."""
    end = time.monotonic() + timeout
    while modal.poll_followed() is not None:
        assert time.monotonic() < end, "the followed job never ended"
        time.sleep(0.05)


@pytest.fixture
def prefs(tmp_path):
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = True  # nothing here leaves loopback
    yield p
    bpy.context.preferences.system.use_online_access = online
    modal.stop_live_jobs()  # a job a failed test left running: no pip stub or thread outlives it
    ah.disable_addon()


def _said(capsys) -> list[str]:
    return [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("DualTalk:")]


def test_an_install_carries_on_when_another_file_is_opened(prefs, tmp_path, monkeypatch, capsys):
    go, finished = tmp_path / "go", tmp_path / "pip_finished"
    pip = (  # stands in for pip fetching torch: a line, then it works until told to finish
        "import pathlib, time\n"
        "print('Collecting torch', flush=True)\n"
        "end = time.monotonic() + 60\n"
        f"while not pathlib.Path({str(go)!r}).exists() and time.monotonic() < end: time.sleep(0.02)\n"
        "print('Successfully installed torch-2.5.1', flush=True)\n"
        f"pathlib.Path({str(finished)!r}).write_text('ok')\n"
    )
    monkeypatch.setattr(
        deps, "install_steps", lambda venv_dir, **kw: [("install packages", [sys.executable, "-c", pip])]
    )
    deps.probe_python(str(tmp_path / "no_python"))  # a cached check: a new install must forget it
    other = tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    venv = panel_settings.model_dir(prefs) / deps.VENV_NAME

    op = _press(preferences_ops.DUALTALK_OT_install_deps, packages="")
    installer = op._job
    try:
        _until(lambda: installer.poll() and "Collecting torch" in state.INSTALL_LINES)
        _open_another_file(op, other)

        assert installer.state == "running"  # pip was not killed with the operator
        # the buttons stay refused at once, before the follow timer has shown the install again
        assert not bpy.ops.dualtalk.install_deps.poll()
        assert not bpy.ops.dualtalk.download.poll()
        modal.poll_followed()  # the timer's first tick in the opened file
        status = bpy.context.window_manager.dualtalk_status
        assert (status.running, status.task) == (True, "deps")

        go.write_text("")
        _follow_until_done()
    finally:
        go.write_text("")

    said = _said(capsys)
    assert said == [f"DualTalk: dependencies installed in {venv}"]
    assert finished.read_text() == "ok"
    status = bpy.context.window_manager.dualtalk_status
    assert status.last == said[0] and not status.running
    assert list(state.INSTALL_LINES)[-1] == "Successfully installed torch-2.5.1"  # not frozen
    assert deps.probe_python.cache_info().currsize == 0  # as the button's own end does
    assert bpy.ops.dualtalk.install_deps.poll() and bpy.ops.dualtalk.download.poll()


PAYLOAD = bytes(range(256)) * 256  # 64 KiB


class _HeldMap(http.server.BaseHTTPRequestHandler):
    """Sends the headers and half the map, then the rest once released."""

    release = threading.Event()

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        half = len(PAYLOAD) // 2
        self.wfile.write(PAYLOAD[:half])
        self.wfile.flush()
        self.release.wait(30)
        self.wfile.write(PAYLOAD[half:])

    def log_message(self, *args):
        pass


def test_a_flame_map_download_carries_on_when_another_file_is_opened(prefs, tmp_path, capsys):
    other = tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    _HeldMap.release.clear()
    with serve(_HeldMap) as url:
        prefs.flame_map_url, prefs.flame_map_sha256, prefs.flame_map = f"{url}/arkit_flame.npy", "", ""
        op = _press(preferences_ops.DUALTALK_OT_download, what="FLAME_MAP")
        job = op._job
        try:
            _open_another_file(op, other)
            assert not bpy.ops.dualtalk.download.poll()  # not free while the first one still reads
            assert not bpy.ops.dualtalk.install_deps.poll()
            modal.poll_followed()
            status = bpy.context.window_manager.dualtalk_status
            assert (status.running, status.task) == (True, "download")
        finally:
            _HeldMap.release.set()
        _follow_until_done()

    said = _said(capsys)
    dest = panel_settings.model_dir(prefs) / "arkit_flame.npy"
    assert said == [f"DualTalk: downloaded {dest}"]
    assert job.path == dest and dest.read_bytes() == PAYLOAD
    assert prefs.flame_map == str(dest)  # as the button's own end does
    status = bpy.context.window_manager.dualtalk_status
    assert status.last == said[0] and not status.running
    assert bpy.ops.dualtalk.download.poll()


def test_an_install_carried_on_after_a_file_load_can_still_be_cancelled(prefs, tmp_path, monkeypatch, capsys):
    """Esc no longer reaches it (its operator ended with the old file): the Cancel under its progress
    in the preferences stops pip, and one line says so."""
    pip = "import time\nprint('Collecting torch', flush=True)\ntime.sleep(60)\n"
    monkeypatch.setattr(
        deps, "install_steps", lambda venv_dir, **kw: [("install packages", [sys.executable, "-c", pip])]
    )
    other = tmp_path / "shot2.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    op = _press(preferences_ops.DUALTALK_OT_install_deps, packages="")
    installer = op._job
    _until(lambda: installer.poll() and "Collecting torch" in state.INSTALL_LINES)
    _open_another_file(op, other)
    modal.poll_followed()
    assert bpy.ops.dualtalk.cancel.poll()
    assert bpy.ops.dualtalk.cancel() == {"FINISHED"}
    _follow_until_done(timeout=10.0)
    assert installer.state == "cancelled" and installer._proc.poll() is not None  # pip stopped
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and status.last == "DualTalk: installing dependencies cancelled", status.last
    assert bpy.ops.dualtalk.install_deps.poll() and not bpy.ops.dualtalk.cancel.poll()
