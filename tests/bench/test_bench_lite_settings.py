"""A TD timing the lite engine reads `bench lite`'s table and JSON as measured facts. `--threads -1` ran
the engine's choice without a word, `--threads 999` ran 999 threads, `--load-nice 50` was reported as
"nice 50" while the kernel ran the load at 19, and `--json` said `"target_s": 2.0` for a 10 s take that
was judged against 0.33 s (review 26c, findings 4 and 5)."""

from __future__ import annotations

import json
import os
import sys

import pytest
from dualtalk.bench import bench_lite
from dualtalk.cli import main
from dualtalk.inference.core.errors import DualTalkError


def _refusal(argv: list[str], capsys) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's refusals end the process, as on the command line
        code = exc.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, (argv, err)
    return err[0]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--threads", "-1", "must be 0 (the engine's own choice) to"),
        ("--threads", "999", "must be 0 (the engine's own choice) to"),
        ("--threads", str(4 * (os.cpu_count() or 1) + 1), "(4 per CPU), got"),
        ("--load-nice", "50", "must be -20 to 19 (the kernel's niceness range), got 50"),
        ("--load-nice", "-21", "must be -20 to 19 (the kernel's niceness range), got -21"),
    ],
)
def test_a_thread_count_or_niceness_the_machine_would_not_run_is_one_line(flag, value, message, capsys):
    argv = ["bench", "lite", "--seconds", "5", "--no-load", "--repeats", "1", "--warmup", "0", flag, value]
    line = _refusal(argv, capsys)
    assert line.startswith(f"error: argument {flag}: ") and message in line, line


def test_the_json_target_is_the_threshold_the_take_was_judged_against(capsys):
    argv = ["bench", "lite", "--seconds", "10", "--no-load", "--repeats", "1", "--warmup", "0", "--json"]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["seconds_audio"] == 10.0
    assert summary["target_s"] == pytest.approx(2.0 * 10 / 60)  # 0.33 s, not the 60 s take's 2 s
    assert summary["target_s_per_60s"] == 2.0
    assert summary["meets_target"] == (summary["median_s"] <= summary["target_s"])


def test_a_background_load_that_did_not_start_is_not_timed_as_busy(monkeypatch):
    # a spinner that exits at once (as `os.nice(-5)` does without root) leaves the machine idle
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(DualTalkError, match="the background load did not start"):
        with bench_lite.background_load(1, -5):
            pytest.fail("the busy timing ran with no load")
