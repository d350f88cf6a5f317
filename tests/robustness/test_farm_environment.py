"""A farm's or container's environment: no home folder, a legacy locale, a job file the worker may not
read, a GPU index that is not there. Each is one ``error:`` line that says what to change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.inference.core.errors import DualTalkError
from robustness_util import assert_refused, run_cli

# ---- no home folder: a container's arbitrary user id without HOME (finding 9) -----------------


@pytest.fixture
def no_home(monkeypatch):
    """HOME unset, and the system's user list has no entry for this user (as for ``--user 4242``)."""
    import pwd

    def nobody(uid: int):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("DUALTALK_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", nobody)
    with pytest.raises(RuntimeError):
        Path.home()


def test_download_help_answers_without_a_home_folder(no_home, capsys):
    from dualtalk import cli

    with pytest.raises(SystemExit) as done:
        cli.main(["download", "--help"])
    assert done.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "~/.cache/dualtalk/DualTalk.pth" in out and "set DUALTALK_HOME or give --out" in out, out


def test_download_without_a_home_folder_says_how_to_choose_one(no_home, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, err, _ = run_cli(capsys, ["download"])
    line = assert_refused(code, err, "no default download folder")
    assert "set DUALTALK_HOME to a folder or give --out PATH" in line
    code, err, _ = run_cli(capsys, ["download", "--out", "~/models"])
    assert_refused(code, err, "argument --out: '~/models' starts with '~', but this user has no home folder")
    assert not list(tmp_path.iterdir())


# ---- a legacy locale whose file names are ASCII (finding 10) --------------------------------


def test_a_job_in_an_ascii_locale_blames_the_locale_and_its_summary_is_strict_json(tmp_path):
    """``LC_ALL=C`` with Python's UTF-8 mode off: file names are ASCII, so ``scène.blend`` cannot be
    spelled as one. The line says so (not "not valid Unicode"); the report holds no lone surrogates
    for the job folder's own bytes ``é``, which a strict JSON reader refuses."""
    folder = tmp_path / "job é"
    folder.mkdir()
    spec = {"defaults": {"blend": "scène.blend", "char_a": "Ann", "char_b": "Bob"},
            "shots": [{"name": "s01", "audio": "talk.wav", "out": "out/s01.blend"}]}  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8"))}
    env.update(LC_ALL="C", PYTHONUTF8="0")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dualtalk",
            "animate",
            "--quiet",
            "--job",
            "shots.json",
            "--summary",
            "report.json",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode("ascii").strip().splitlines()
    assert proc.returncode == 2 and len(err) == 1, err
    assert "cannot be written as a file name in this locale (its file names are ascii)" in err[0], err
    assert "PYTHONUTF8=1" in err[0] and "not valid Unicode" not in err[0]
    text = (folder / "report.json").read_text(encoding="utf-8")
    assert "\\ud" not in text.lower(), text  # no surrogate escapes at all
    report = json.loads(text)
    assert report["status"] == "refused" and report["job"].endswith("job \\xc3\\xa9/shots.json"), report[
        "job"
    ]


# ---- the worker's job file (finding 13) -----------------------------------------------------


def test_a_worker_job_file_it_may_not_read_says_permission_denied(tmp_path, monkeypatch):
    from dualtalk.inference.worker import read_job

    job = tmp_path / "j.json"
    job.write_text('{"out_dir": "o", "audio": {"audio": "a.wav"}}')
    if os.getuid() == 0:  # root reads a mode-000 file: make the read fail as it does for the farm user

        def denied(self, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_text", denied)
    else:
        job.chmod(0)
    with pytest.raises(DualTalkError) as refused:
        read_job(job)
    assert str(refused.value) == f"job file {job} cannot be opened (permission denied)"


def test_a_worker_job_path_that_is_a_folder_is_said_to_be_one(tmp_path):
    from dualtalk.inference.worker import read_job

    with pytest.raises(DualTalkError) as refused:
        read_job(tmp_path)
    assert str(refused.value) == f"job file {tmp_path} is a directory, not a file"


# ---- a GPU index on a machine without CUDA (finding 13) -------------------------------------


def test_asking_for_a_numbered_gpu_without_cuda_names_the_device_asked_for(monkeypatch):
    import torch
    from dualtalk.inference.engine import resolve_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DualTalkError) as refused:
        resolve_device("cuda:1")
    assert str(refused.value).startswith("--device cuda:1 was asked for but no CUDA GPU is available")
