"""A pipeline TD's render farm (review rv37b, findings F2 and F6).

* F2: a worker killed with ``kill -9`` (the node's out-of-memory killer, a hard stop) left the
  previous run's ``--summary`` in place: the farm read ``"status": "done"``, exit code 0 and the old
  outputs for a run that never finished. Now the report is written, whole, with status ``running``
  before the first shot and again after each: a killed run leaves its own report, saying how far it
  got, never the last run's.
* F6: a missing audio file or a character not in the scene in shot 12 was found after 11 shots had
  run (hours on a farm). Now every shot is checked as at its turn before the first shot runs, its
  characters looked up in its .blend (their names read without loading it, the file opened only to
  say what it holds when one is missing: test_job_reads_each_blend_once): one line naming the shot,
  and the other shots still run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch
from test_audit_jobs import job_folder
from test_batch_signals_locks_and_summary import three, write_job

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from dualtalk.cli import main
    from dualtalk.dualtalk_blender.commands import batch
    real = batch.run_shot

    def run_shot(shot, *args, **kwargs):
        if shot.name == sys.argv[1]:  # the node's OOM killer, mid-shot: no clean-up runs
            os.kill(os.getpid(), signal.SIGKILL)
        return real(shot, *args, **kwargs)

    batch.run_shot = run_shot
    sys.exit(main(["animate", "--quiet", "--job", sys.argv[2], "--summary", sys.argv[3]]))
    """
)


def _killed_in(shot: str, job: Path, report: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, shot, str(job), str(report)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )


def test_a_run_killed_mid_job_leaves_its_own_running_report_not_the_last_runs_done(tmp_path, capsys):
    """Last night's run wrote ``report.json``: done. Tonight's is killed -9 in shot two. Before, the
    file still said done, exit code 0, last night's run id. Now it says ``running``, tonight's run id,
    no exit code and no end time, shot one done (reported after it ended), two and three not run."""
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    assert main(["animate", "--quiet", "--job", str(job), "--summary", str(report)]) == 0
    last_night = json.loads(report.read_text())
    assert last_night["status"] == "done"

    killed = _killed_in("two", job, report)

    assert killed.returncode == -9, killed.stderr[-2000:]
    now = json.loads(report.read_text())
    assert now["run_id"] != last_night["run_id"]
    assert (now["status"], now["exit_code"], now["finished"], now["error"]) == ("running", None, None, None)
    assert [(s["name"], s["status"]) for s in now["shots"]] == [
        ("one", "done"),
        ("two", "not run"),
        ("three", "not run"),
    ]
    assert now["totals"]["done"] == 1 and now["totals"]["not_run"] == 2
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # replaced whole


def test_a_run_killed_in_its_first_shot_says_running_with_every_shot_not_run(tmp_path):
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps({"version": 3, "job": str(job), "status": "done", "totals": {}, "shots": []})
    )

    killed = _killed_in("one", job, report)

    assert killed.returncode == -9, killed.stderr[-2000:]
    now = json.loads(report.read_text())
    assert now["status"] == "running" and now["exit_code"] is None
    assert [s["status"] for s in now["shots"]] == ["not run"] * 3


def test_a_missing_audio_file_and_a_misspelt_character_fail_their_shots_before_any_shot_runs(
    tmp_path, capsys, monkeypatch
):
    """Shot ``s3`` names an audio file that is not there and shot ``s4`` a character ``Bobb`` the
    scene does not hold. Before, both were found at their turn, after s1 and s2 had run. Now both
    lines come before the first shot runs, each naming its shot; s1 and s2 still run, exit 2."""
    folder = job_folder(tmp_path)
    shots = [
        {"name": "s1", "out": "out/s1.blend"},
        {"name": "s2", "out": "out/s2.blend"},
        {"name": "s3", "out": "out/s3.blend", "audio": "in/s3_take2.wav"},
        {"name": "s4", "out": "out/s4.blend", "char_b": "Bobb"},
    ]
    job = write_job(folder, shots)
    report = tmp_path / "report.json"
    real = batch.run_shot
    ran: list[str] = []
    said_before_the_first_shot: list[str] = []

    def run_shot(shot, *args, **kwargs):
        if not ran:
            said_before_the_first_shot.extend(capsys.readouterr().err.splitlines())
        ran.append(shot.name)
        return real(shot, *args, **kwargs)

    monkeypatch.setattr(batch, "run_shot", run_shot)
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(job), "--summary", str(report)]) == 2

    assert ran == ["s1", "s2"]
    errors = [line for line in said_before_the_first_shot if line.startswith("error:")]
    assert len(errors) == 2, said_before_the_first_shot
    assert errors[0].startswith("error: shot s3: ") and "not found" in errors[0], errors
    assert str(folder / "in" / "s3_take2.wav") in errors[0]
    assert errors[1].startswith("error: shot s4: character B 'Bobb' is not in the scene"), errors
    summary = json.loads(report.read_text())
    assert [(s["name"], s["status"], s["seconds"]) for s in summary["shots"]][2:] == [
        ("s3", "failed", None),
        ("s4", "failed", None),
    ]
    assert summary["error"] == "2 of 4 shots failed: s3, s4 (see the errors above)"
