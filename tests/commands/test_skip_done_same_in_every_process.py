"""A TD resumes last night's batch with ``--skip-done``: nothing changed, so every done shot is
skipped. Each run is a new process, and Python orders a set of names differently in each one
(``PYTHONHASHSEED``): the shot's settings digest wrote the set of options the job file names in that
order, so a shot with ``audio`` + ``turns`` + ``speaker_a`` got one of several digests and ran again
about five times in six, reported as ``done`` (review rv35b F8). The digest must be one text in every
process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import jobs, shot_state

# each shot names a different set of options: one file, two files, a turns file with its speaker
JOB = {
    "version": 1,
    "defaults": {"blend": "in/layout.blend", "char_a": "Ava", "char_b": "Ben", "fbx": True},
    "shots": [
        {"name": "one_file", "audio": "in/a.wav", "out": "out/one.blend"},
        {"name": "two_files", "audio": "in/a.wav", "audio_b": "in/b.wav", "out": "out/two.blend"},
        {
            "name": "turns",
            "audio": "in/meeting.wav",
            "turns": "in/meeting.rttm",
            "speaker_a": "MEE012",
            "preset": "arkit",
            "take": "night",
            "out": "out/turns.blend",
        },
    ],
}

PROBE = """
import json, sys
from pathlib import Path
from dualtalk.dualtalk_blender.commands import jobs, shot_state
job = Path(sys.argv[1])
shots = jobs.parse_jobs(json.loads(job.read_text()), job.parent)
print(json.dumps({s.name: shot_state.settings_digest(s) for s in shots}))
"""


def _digests(job: Path, seed: int) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(job)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_shot_has_one_settings_digest_in_every_process(tmp_path):
    job = tmp_path / "shots.json"
    job.write_text(json.dumps(JOB))
    here = {s.name: shot_state.settings_digest(s) for s in jobs.load_jobs(job)}
    # four processes, four string-hash seeds: a set written in hash order differs between them
    for seed in (1, 2, 3, 4):
        assert _digests(job, seed) == here, f"PYTHONHASHSEED={seed}"


def test_the_settings_still_tell_shots_apart(tmp_path):
    """Canonical is not blind: naming one more option (``take``) or another value is another digest."""
    (shot,) = jobs.parse_jobs({**JOB, "shots": JOB["shots"][2:]}, tmp_path)
    digest = shot_state.settings_digest(shot)
    untaken = {k: v for k, v in JOB["shots"][2].items() if k != "take"}
    (other,) = jobs.parse_jobs({**JOB, "shots": [untaken]}, tmp_path)
    assert shot_state.settings_digest(other) != digest
    (calmer,) = jobs.parse_jobs({**JOB, "shots": [{**JOB["shots"][2], "preset": "flame"}]}, tmp_path)
    assert shot_state.settings_digest(calmer) != digest


def test_a_setting_with_no_one_text_form_is_refused_not_hashed(tmp_path):
    """A field added to a shot later whose text depends on the process (an object's address) fails
    here, not in a farm: the digest takes only plain values, paths and sets."""
    (shot,) = jobs.parse_jobs({**JOB, "shots": JOB["shots"][:1]}, tmp_path)
    shot.work = object()  # type: ignore[assignment]
    with pytest.raises(TypeError, match="no one text form"):
        shot_state.settings_digest(shot)
