"""The add-on's worker job file: what it may write, and what it must refuse in one line.

A job whose ``result`` names the recording used to finish "done" and leave the user's
audio replaced by the result JSON; an ``out_dir`` given as a list wrote into a folder
called "['x']"; a NUL in a path ended as an "internal error" with a trace.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.worker import read_job


@pytest.fixture
def job_folder(tmp_path):
    sr = 16000
    t = np.arange(2 * sr) / sr
    talk = np.stack(
        [0.3 * np.sin(2 * np.pi * 200 * t) * (t < 1), 0.3 * np.sin(2 * np.pi * 150 * t) * (t >= 1)], 1
    )
    sf.write(tmp_path / "talk.wav", talk.astype(np.float32), sr)
    (tmp_path / "scene.txt").write_text("A: hello\nB: hi\n")
    return tmp_path


def _job(folder, **fields):
    job = folder / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": "talk.wav"}, **fields}))
    return job


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"result": "talk.wav"}, "would overwrite the input audio"),
        ({"result": "job.json"}, "would overwrite the job file"),
        (
            {"result": "scene.txt", "audio": {"audio": "talk.wav", "transcript": "scene.txt"}},
            "input transcript",
        ),
        ({"out_dir": "."}, None),  # out_dir beside the inputs is fine while A.npz/B.npz are not inputs
    ],
)
def test_a_job_cannot_write_its_result_or_motion_over_what_it_reads(job_folder, fields, message):
    job = _job(job_folder, **fields)
    if message is None:
        assert read_job(job)["out_dir"] == job_folder
        return
    with pytest.raises(DualTalkError, match=message):
        read_job(job)


def test_motion_files_over_an_input_are_refused(job_folder):
    (job_folder / "A.npz").write_bytes(b"")
    job = _job(job_folder, out_dir=".", audio={"audio": "A.npz"})
    with pytest.raises(DualTalkError, match="out_dir .*A.npz would overwrite the input audio"):
        read_job(job)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"out_dir": ["x"]}, "'out_dir' must be a path"),
        ({"result": 5}, "'result' must be a path"),
        ({"out_dir": "o\u0000x"}, "'out_dir' must be a path"),
        ({"audio": {"audio": "talk\u0000.wav"}}, "audio.audio: a path may not hold a NUL character"),
    ],
)
def test_paths_of_the_wrong_kind_are_one_line_errors(job_folder, fields, message):
    with pytest.raises(DualTalkError, match=message):
        read_job(_job(job_folder, **fields))


def test_the_worker_reports_the_refusal_as_a_user_error_and_keeps_the_recording(job_folder):
    before = (job_folder / "talk.wav").read_bytes()
    job = _job(job_folder, result="talk.wav")
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "worker", "--job", str(job)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == 2 and last["event"] == "error" and last["kind"] == "user"
    assert "would overwrite the input audio" in last["message"]
    assert (job_folder / "talk.wav").read_bytes() == before
    assert not (job_folder / "out").exists()
