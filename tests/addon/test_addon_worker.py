"""The background worker the add-on talks to: its job file, its JSON-lines protocol, its
result files, and how the client reports crashes and stray output."""

from __future__ import annotations

import json
import subprocess
import sys

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon.worker_client import CRASHED, DONE, ERROR, WorkerProcess, _parse
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import load_motion
from dualtalk.inference.worker import read_job


def test_job_paths_resolve_against_the_job_folder(tmp_path):
    job = tmp_path / "jobs" / "j.json"
    job.parent.mkdir()
    job.write_text(
        json.dumps({"out_dir": "out", "audio": {"audio": "../talk.wav"}, "engine": {"checkpoint": "m.pt"}})
    )
    j = read_job(job)
    assert j["out_dir"] == tmp_path / "jobs" / "out"
    assert j["result"] == tmp_path / "jobs" / "out" / "result.json"
    assert j["audio"]["audio"] == str(tmp_path / "talk.wav")
    assert j["engine"] == {
        "checkpoint": str(tmp_path / "jobs" / "m.pt"),
        "engine": "auto",
        "device": "auto",
        "precision": "fp32",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not readable JSON"),
        ("[1, 2]", "must hold a JSON object"),
        ('{"audio": {"audio": "a.wav"}}', "no out_dir"),
        ('{"out_dir": "o"}', "names no audio"),
        ('{"out_dir": "o", "audio": {"audio": "a.wav", "volume": 11}}', "unknown keys: volume"),
        ('{"out_dir": "o", "audio": "a.wav"}', "must be an object"),
    ],
)
def test_bad_job_files_are_one_line_errors(tmp_path, text, message):
    job = tmp_path / "j.json"
    job.write_text(text)
    with pytest.raises(DualTalkError, match=message):
        read_job(job)


def test_worker_cli_speaks_only_json_and_ends_with_an_error_line(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "worker", "--job", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    events = [json.loads(line) for line in out.stdout.splitlines()]  # every line parses
    assert out.returncode == 2
    assert events[0]["event"] == "start" and events[-1] == {
        "event": "error",
        "kind": "user",
        "message": f"job file not found: {tmp_path / 'missing.json'}",
    }


def test_worker_writes_both_motions_and_a_result(tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "d.wav")
    ckpt = ah.write_tiny_lite(tmp_path / "tiny.pt")
    job = tmp_path / "job.json"
    job.write_text(
        json.dumps(
            {
                "out_dir": "out",
                "audio": {"audio": "d.wav"},
                "engine": {"checkpoint": "tiny.pt", "device": "cpu"},
                "generate": {"rounds": 1},
            }
        )
    )
    w = WorkerProcess(job).start()
    assert w.wait(300) == DONE, w.error
    stages = [e["stage"] for e in w.events if e["event"] == "progress"]
    assert stages[0] == "start" and "audio" in stages and "engine" in stages
    assert w.fraction == 1.0
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert result == w.result and result["engine"] == "lite" and result["frames"] == 50
    a, b = load_motion(result["a"]), load_motion(result["b"])
    assert a.num_frames == b.num_frames == 50 and a.role == "A" and b.role == "B"
    assert a.checkpoint_sha256 == result["checkpoint_sha256"] != ""
    assert a.speaking[:20].mean() > 0.5 and b.speaking[-20:].mean() > 0.5  # A talks first, then B
    assert str(ckpt) and wav.exists()


def test_a_dying_interpreter_is_reported_with_its_last_words(tmp_path):
    fake = tmp_path / "fakepython"
    fake.write_text("#!/bin/sh\necho 'Fatal Python error: boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    w = WorkerProcess(tmp_path / "job.json", python=str(fake)).start()
    assert w.wait(60) == CRASHED
    assert w.error == "the worker crashed (exit code 3): Fatal Python error: boom"


def test_a_missing_interpreter_is_reported(tmp_path):
    w = WorkerProcess(tmp_path / "job.json", python=str(tmp_path / "nope")).start()
    assert w.state == CRASHED and "could not start the worker" in w.error


def test_stray_output_is_not_mistaken_for_protocol(tmp_path):
    fake = tmp_path / "chatty"
    fake.write_text(
        "#!/bin/sh\n"
        "echo 'Some library says hello'\n"
        'echo \'{"event": "progress", "stage": "audio", "fraction": 0.5, "message": "half"}\'\n'
        "echo '{not json'\n"
        'echo \'{"event": "error", "kind": "user", "message": "audio file not found: x.wav"}\'\n'
        "exit 2\n"
    )
    fake.chmod(0o755)
    w = WorkerProcess(tmp_path / "job.json", python=str(fake)).start()
    assert w.wait(60) == ERROR
    assert w.error == "audio file not found: x.wav"
    assert [e["event"] for e in w.events] == ["progress", "error"]
    assert "Some library says hello" in w.stderr_tail
    assert _parse("[]") is None and _parse('{"no": "event"}') is None


def test_a_python_without_torch_gets_told_how_to_fix_it(tmp_path):
    import venv

    venv.EnvBuilder(with_pip=False).create(tmp_path / "bare")  # no numpy, no torch
    from dualtalk.dualtalk_blender.addon.deps import venv_python

    job = tmp_path / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": "d.wav"}}))
    w = WorkerProcess(job, python=str(venv_python(tmp_path / "bare"))).start()
    assert w.wait(60) == ERROR
    assert "cannot import" in w.error and "Install Dependencies" in w.error


def test_a_worker_killed_from_outside_is_reported_as_a_crash(tmp_path, monkeypatch):
    import os
    import signal
    import time

    job = tmp_path / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": "d.wav"}}))
    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@start")
    w = WorkerProcess(job).start()
    deadline = time.monotonic() + 60
    while w.stage != "start" and time.monotonic() < deadline:
        w.poll()
        time.sleep(0.05)
    os.kill(w.pid, signal.SIGKILL)  # e.g. the out-of-memory killer
    assert w.wait(30) == CRASHED
    assert w.error.startswith(f"the worker crashed (exit code {-signal.SIGKILL})")
    assert not (tmp_path / "out" / "result.json").exists()
