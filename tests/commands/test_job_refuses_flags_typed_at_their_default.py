"""A TD runs ``animate --job shots.json --behaviour-seed 0``, meaning every shot at seed 0: the
flag is not the job file's and was silently dropped (each shot ran with its own seed), because a
flag typed at its default read as not given. It is now refused in one line, as any other value is."""

from __future__ import annotations

import json

import pytest
from robustness_util import assert_refused, run_cli


@pytest.mark.parametrize(
    "flag", [["--behaviour-seed", "0"], ["--mood", "neutral"], ["--lip-release", "0.75"]]
)
def test_a_flag_typed_at_its_default_with_a_job_is_refused(tmp_path, capsys, flag):
    job = tmp_path / "shots.json"
    job.write_text(json.dumps({"shots": []}))
    code, err, _ = run_cli(capsys, ["animate", "--job", str(job), *flag])
    assert_refused(code, err, f"{flag[0]} cannot be combined with --job (put them in the job file)")
