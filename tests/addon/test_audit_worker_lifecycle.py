"""The background worker's life as an animator meets it: Cancel, a worker that dies or prints
odd progress, and the add-on disabled while a job still runs."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon.worker_client import CANCELLED, CRASHED, DONE, ERROR, WorkerProcess


def fake_python(folder: Path, body: str) -> str:
    """An "interpreter" that ignores its arguments and runs ``body`` (sh) in the job's folder."""
    exe = folder / "fakepython"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(0o755)
    return str(exe)


def test_cancel_also_stops_what_the_worker_started(tmp_path):
    """The animator cancelled while the worker ran a helper program (flite voices a text-to-speech
    dialogue, the aligner looks up words). Before, only the worker was stopped: the helper ran on,
    orphaned, after Cancel."""
    python = fake_python(
        tmp_path,
        "sleep 300 &\n"
        "echo $! > helper.pid\n"
        'echo \'{"event": "progress", "stage": "audio", "fraction": 0.1, "message": "voices"}\'\n'
        "wait\n",
    )
    w = WorkerProcess(tmp_path / "job.json", python=python).start()
    end = time.monotonic() + 30
    while w.stage != "audio" and time.monotonic() < end:
        w.poll()
        time.sleep(0.02)
    assert w.stage == "audio", w.error
    helper = int((tmp_path / "helper.pid").read_text())
    w.cancel()
    assert w.state == CANCELLED
    assert ah.process_gone(w.pid) and ah.process_gone(helper), "the worker's helper outlived Cancel"


def test_a_worker_killed_for_memory_says_so(tmp_path):
    """The system ran out of memory and killed the worker (SIGKILL). Before, the animator read only
    "the worker crashed (exit code -9)", a number that says nothing about what to do."""
    python = fake_python(
        tmp_path,
        'echo \'{"event": "progress", "stage": "engine", "fraction": 0.5, "message": "A"}\'\nkill -9 $$\n',
    )
    w = WorkerProcess(tmp_path / "job.json", python=python).start()
    assert w.wait(30) == CRASHED
    assert w.error.startswith("the worker crashed (exit code -9): killed by SIGKILL")
    assert "out of memory" in w.error and "\n" not in w.error


def test_a_progress_line_without_a_number_keeps_the_bar_where_it_was(tmp_path):
    """A worker reported a fraction of NaN (a 0/0 in some stage's count). Before, the progress bar
    took NaN as its value; it must keep the last real fraction."""
    python = fake_python(
        tmp_path,
        'echo \'{"event": "progress", "stage": "engine", "fraction": 0.4}\'\n'
        'echo \'{"event": "progress", "stage": "engine", "fraction": NaN}\'\n'
        'echo \'{"event": "error", "kind": "user", "message": "audio file not found: x.wav"}\'\n'
        "exit 2\n",
    )
    w = WorkerProcess(tmp_path / "job.json", python=python).start()
    assert w.wait(30) == ERROR
    assert w.fraction == 0.4


def test_a_crash_after_the_result_was_written_keeps_the_result(tmp_path):
    """The worker finished and said "done", then its interpreter crashed while shutting down (a
    known torch/CUDA teardown fault). Before, the whole take was thrown away as a crash."""
    result = {"protocol": 1, "ok": True, "a": str(tmp_path / "A.npz"), "b": str(tmp_path / "B.npz")}
    python = fake_python(
        tmp_path, f"echo '{json.dumps({'event': 'done', 'result': result})}'\nkill -SEGV $$\n"
    )
    w = WorkerProcess(tmp_path / "job.json", python=python).start()
    assert w.wait(30) == DONE
    assert w.result == result and w.returncode != 0


def _start_like_the_panel(begin):
    """What the modal operator does when the animator presses its button (no event loop here)."""
    from dualtalk.operators.modal import JobOperator

    op = SimpleNamespace(begin=begin, report=lambda *args: None)
    assert JobOperator._start(op, bpy.context)
    return op._job


def test_disabling_the_addon_during_install_dependencies_stops_pip(scene):
    """The animator pressed Install Dependencies, then disabled the add-on while pip still ran.
    Before, Blender dropped the modal operator without cancelling it: pip ran on, orphaned."""
    from dualtalk.dualtalk_blender.addon import deps

    pip = deps.Installer([("install", [sys.executable, "-c", "import time; time.sleep(120)"])])
    job = _start_like_the_panel(lambda context: pip.start())
    assert job.poll()
    pid = pip._proc.pid
    ah.disable_addon()
    assert ah.process_gone(pid), "pip outlived the add-on"
    assert pip.state == "cancelled"


def test_disabling_the_addon_during_generate_leaves_no_worker_and_no_temp_folder(scene, assets, monkeypatch):
    """The animator pressed Generate, then disabled the add-on while the worker ran. Before, the
    worker was stopped but its temp folder (job file, partial motion files) stayed behind."""
    from dualtalk.dualtalk_blender.addon import ui_run

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@engine")
    prefs = bpy.context.preferences.addons[ah.ADDON].preferences
    run = _start_like_the_panel(lambda context: ui_run.GenerationRun(scene, scene.dualtalk, prefs).start())
    assert run.running and run.work_dir.exists()
    ah.disable_addon()
    assert ah.process_gone(run.worker.pid), "the worker outlived the add-on"
    assert not run.work_dir.exists(), "the run's temp folder was left behind"


def test_a_worker_whose_blender_died_stops_too(tmp_path):
    """Blender crashed (or was killed) while the worker ran. Before, the worker computed on for
    nobody, an orphan (or hung forever when it was stuck)."""
    import os
    import signal
    import subprocess

    job = tmp_path / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": "d.wav"}}))
    blender = subprocess.Popen(  # stands in for Blender: starts a worker, then is killed
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from dualtalk.dualtalk_blender.addon.worker_client import WorkerProcess\n"
            "w = WorkerProcess(sys.argv[1]).start()\n"
            "print(w.pid, flush=True)\n"
            "while w.stage != 'start':\n"
            "    w.poll(); time.sleep(0.05)\n"
            "print('stalled', flush=True)\n"
            "time.sleep(300)\n",
            str(job),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "DUALTALK_WORKER_FAULT": "hang@start"},
    )
    worker = 0
    try:
        worker = int(blender.stdout.readline())
        assert blender.stdout.readline().strip() == "stalled"
        blender.send_signal(signal.SIGKILL)
        blender.wait(10)
        assert ah.process_gone(worker, within=20), "the worker outlived its Blender"
    finally:
        blender.kill()
        if worker and ah.process_alive(worker):
            os.kill(worker, signal.SIGKILL)


def test_generate_without_room_for_its_job_files_is_one_clear_line(scene, assets, tmp_path, monkeypatch):
    """The temp folder was gone (or full) when the animator pressed Generate. Before, Blender showed
    a Python traceback instead of one line saying what went wrong."""
    import tempfile

    import pytest

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    before = ah.scene_fingerprint(scene)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no such folder"))
    with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.generate()
    message = str(err.value)
    assert "DualTalk: could not start generate" in message and "no such folder" in message
    assert "Traceback" not in message
    assert ah.scene_fingerprint(scene) == before
