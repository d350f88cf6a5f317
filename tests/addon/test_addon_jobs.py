"""Every background job of the add-on has one shape (start / poll / progress / cancel / result), so
one modal operator drives the Generate run, the dependency installer and the download alike."""

from __future__ import annotations

import sys
import time

import pytest
from dualtalk.dualtalk_blender.addon import deps, downloads, ui_run
from dualtalk.dualtalk_blender.addon.job import Job, Outcome

JOB_CLASSES = (ui_run.GenerationRun, deps.Installer, downloads.DownloadJob)


@pytest.mark.parametrize("cls", JOB_CLASSES, ids=lambda c: c.__name__)
def test_each_job_class_speaks_the_one_protocol(cls):
    members = [m for m in ("start", "poll", "progress", "cancel", "result") if not hasattr(cls, m)]
    assert not members, f"{cls.__name__} lacks {members}"
    assert isinstance(
        cls.task if isinstance(cls.task, str) else cls.__dataclass_fields__["task"].default, str
    )


def drive(job: Job, timeout: float = 60.0) -> Outcome:
    """What the modal operator does, without Blender's event loop."""
    job.start()
    seen = []
    end = time.monotonic() + timeout
    while job.poll() and time.monotonic() < end:
        seen.append(job.progress)
        time.sleep(0.02)
    assert all(0.0 <= f <= 1.0 and isinstance(m, str) for f, m in seen)
    return job.result()


def test_an_installer_runs_its_steps_and_reports_one_outcome():
    ok = deps.Installer([("say hello", [sys.executable, "-c", "print('hello')"])])
    outcome = drive(ok)
    assert outcome == Outcome(True, "dependencies installed") and "hello" in "\n".join(ok.lines)
    failing = deps.Installer([("fail", [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"])])
    outcome = drive(failing)
    assert not outcome.ok and not outcome.cancelled and "exit code 3" in outcome.message


def test_a_cancelled_installer_says_so():
    job = deps.Installer([("sleep", [sys.executable, "-c", "import time; time.sleep(30)"])]).start()
    assert job.poll()
    job.cancel()
    assert not job.poll()
    outcome = job.result()
    assert outcome.cancelled and not outcome.ok


def test_a_failed_download_is_one_line(tmp_path):
    job = downloads.DownloadJob("http://127.0.0.1:9/DualTalk.pth", tmp_path)
    outcome = drive(job)
    assert not outcome.ok and outcome.message and "\n" not in outcome.message
