"""The keying stories share their worker runs (``addon_helpers.replay_workers``): a job a file has seen
before is answered from its record instead of running the engine again. The answer must be what the
worker said and wrote, in the new run's own folder; a new job (a fault a story plants in the worker's
environment makes one), or one that failed, runs for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import addon_helpers as ah
from dualtalk.dualtalk_blender.addon import worker_client

# A stand-in interpreter for the worker: counts its runs, writes a take file into the run folder and
# says where, on stdout and stderr (and a file in a folder of its own); a job asking it to fail exits 3.
FAKE_WORKER = """#!{python}
import json, sys
from pathlib import Path
job = Path(sys.argv[sys.argv.index("--job") + 1])
with open({count!r}, "a") as f:
    f.write("ran\\n")
asked = json.loads(job.read_text())
(job.parent / "A.npz").write_bytes(asked["take"].encode())
(job.parent / "words").mkdir()
(job.parent / "words" / "A.txt").write_text("hello")
print(json.dumps({{"event": "done", "a": str(job.parent / "A.npz")}}), flush=True)
print("engine: lite", file=sys.stderr)
sys.exit(3 if asked.get("fail") else 0)
"""


def _job(folder: Path, **job) -> Path:
    folder.mkdir()
    return worker_client.write_job(folder / "job.json", job)


def _worker(job: Path, python: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        worker_client.worker_command(job, python), capture_output=True, text=True, timeout=60
    )


def test_a_job_seen_before_is_answered_from_its_record_in_the_new_run_folder(tmp_path, monkeypatch):
    count = tmp_path / "runs.txt"
    python = tmp_path / "fake_python"
    python.write_text(FAKE_WORKER.format(python=sys.executable, count=str(count)))
    python.chmod(0o755)
    records = ah.replay_workers(monkeypatch, tmp_path / "records")

    first = _worker(_job(tmp_path / "run1", take="alice and bob"), str(python))
    again = _worker(_job(tmp_path / "run2", take="alice and bob"), str(python))

    assert count.read_text().count("ran") == 1  # the second run was answered from the record
    assert first.returncode == again.returncode == 0
    assert json.loads(again.stdout) == {"event": "done", "a": str(tmp_path / "run2" / "A.npz")}
    assert again.stderr == first.stderr == "engine: lite\n"
    assert (tmp_path / "run2" / "A.npz").read_text() == "alice and bob"
    assert (tmp_path / "run2" / "words" / "A.txt").read_text() == "hello"
    assert (records / "replayed.log").read_text().count("\n") == 1

    other = _worker(_job(tmp_path / "run3", take="carol"), str(python))  # another job: the worker runs
    assert count.read_text().count("ran") == 2 and (tmp_path / "run3" / "A.npz").read_text() == "carol"
    assert json.loads(other.stdout)["a"] == str(tmp_path / "run3" / "A.npz")

    monkeypatch.setenv("DUALTALK_WORKER_FAULT", "hang@generate")  # a story's planted fault: another job
    _worker(_job(tmp_path / "run6", take="alice and bob"), str(python))
    assert count.read_text().count("ran") == 3
    monkeypatch.delenv("DUALTALK_WORKER_FAULT")

    for n in (4, 5):  # a run that failed is never answered again: each runs and fails as the worker did
        failed = _worker(_job(tmp_path / f"run{n}", take="x", fail=True), str(python))
        assert failed.returncode == 3
    assert count.read_text().count("ran") == 5

    talk = tmp_path / "talk.wav"  # a job naming an input file: the same path, rewritten, is a new job
    talk.write_bytes(b"first recording")
    _worker(_job(tmp_path / "run7", take="dana", audio=str(talk)), str(python))
    _worker(_job(tmp_path / "run8", take="dana", audio=str(talk)), str(python))
    assert count.read_text().count("ran") == 6  # answered from the record: the file is as it was
    talk.write_bytes(b"a re-cut recording")
    _worker(_job(tmp_path / "run9", take="dana", audio=str(talk)), str(python))
    assert count.read_text().count("ran") == 7
