"""A long session's workers give their pipes back when they end (review 33s, the soak).

Each worker is read through two pipes (its stdout and stderr). A worker that had ended kept both
open for as long as anything still held it: Blender's list of recent operators (Adjust Last
Operation, a finished Generate's run is its ``_job``), a script that keeps each run to read its
events later, a traceback in the Python console. Three finished workers held six descriptors; a
script keeping its runs over a day of takes reached the process's limit (1024 on most Linux desktops)
and the next Generate could not start its worker ("Too many open files"). Now each pipe is closed as
soon as the worker's end of it is, whoever still holds the worker; and a worker cancelled while its
reading threads run closes them too."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from dualtalk.dualtalk_blender.addon.worker_client import CANCELLED, DONE, WorkerProcess


def fake_python(folder: Path, body: str) -> str:
    """An "interpreter" that ignores its arguments and runs ``body`` (sh) in the job's folder."""
    exe = folder / "fakepython"
    exe.write_text("#!/bin/sh\n" + body)
    exe.chmod(0o755)
    return str(exe)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled(count: int, within: float = 10.0) -> int:
    """The open descriptors once they are back to ``count`` (the reading threads end just after
    the worker), or as many as are open when ``within`` seconds have passed."""
    end = time.monotonic() + within
    while open_descriptors() > count and time.monotonic() < end:
        time.sleep(0.02)
    return open_descriptors()


def test_three_finished_workers_still_held_keep_no_pipe_open(tmp_path):
    done = json.dumps({"event": "done", "result": {"ok": True}})
    python = fake_python(tmp_path, f"echo 'some chatter' >&2\necho '{done}'\n")
    before = open_descriptors()
    kept = []  # as a script or Blender's recent operators keep the runs
    for _ in range(3):
        worker = WorkerProcess(tmp_path / "job.json", python=python).start()
        assert worker.wait(30) == DONE, worker.error
        kept.append(worker)
    assert settled(before) == before, "finished workers still hold their pipes"
    assert [w.state for w in kept] == [DONE] * 3


def test_a_cancelled_worker_still_held_keeps_no_pipe_open(tmp_path):
    python = fake_python(
        tmp_path, 'echo \'{"event": "progress", "stage": "audio", "fraction": 0.1}\'\nsleep 300\n'
    )
    before = open_descriptors()
    worker = WorkerProcess(tmp_path / "job.json", python=python).start()
    end = time.monotonic() + 30
    while worker.stage != "audio" and time.monotonic() < end:
        worker.poll()
        time.sleep(0.02)
    worker.cancel()
    assert worker.state == CANCELLED
    assert settled(before) == before, "a cancelled worker still holds its pipes"
