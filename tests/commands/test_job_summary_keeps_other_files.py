"""A TD points ``--summary`` at the wrong file: the studio's budget sheet, or a take's recording.
The report was written as the batch started, replacing that file whole with no backup, even when
the batch was stopped a second later. Now the path is refused before any shot runs, in one line,
and the file is left as it was; a path holding an earlier report is still replaced."""

from __future__ import annotations

import json

import pytest
from dualtalk.cli import main
from test_audit_jobs import DEFAULTS, job_folder, voice

KEYED = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}


def _job(folder):
    spec = {"defaults": KEYED, "shots": [{"name": "one", "out": "out/one.blend"}]}
    (folder / "shots.json").write_text(json.dumps(spec))
    return folder / "shots.json"


def _animate(job, summary) -> int:
    return main(["animate", "--quiet", "--job", str(job), "--summary", str(summary)])


@pytest.mark.parametrize("kind", ["the user's JSON", "a recording"])
def test_a_summary_path_holding_another_file_is_refused_before_any_shot(tmp_path, capsys, kind):
    folder = job_folder(tmp_path)
    job = _job(folder)
    if kind == "a recording":
        theirs = voice(tmp_path / "take.wav", 220.0)
    else:
        theirs = tmp_path / "report.json"
        theirs.write_text('{"my": "budget sheet"}\n')
    before = theirs.read_bytes()
    capsys.readouterr()
    assert _animate(job, theirs) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"error: --summary {theirs} holds a file that is not a DualTalk summary; choose another path "
        "(or remove that file)"
    ]
    assert theirs.read_bytes() == before
    assert not (folder / "out").exists(), "refused before any shot ran"


def test_an_earlier_report_at_the_summary_path_is_still_replaced(tmp_path, capsys):
    folder = job_folder(tmp_path)
    job = _job(folder)
    report = tmp_path / "report.json"
    assert _animate(job, report) == 0
    first = json.loads(report.read_text())
    assert _animate(job, report) == 0
    second = json.loads(report.read_text())
    assert second["status"] == "done" and second["run_id"] != first["run_id"]
