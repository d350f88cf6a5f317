"""A TD who runs the README's bench command with a typo in the length (`bench lite --seconds 100000`)
waited 211 s while it took 13 GB, then read "motion of 625000 frames ... is longer than four hours";
`--seconds 1e9` ended in "out of memory; try a shorter --start/--end range or a smaller --window",
flags bench does not have. Every bench length is now checked against the engine's four hours at once."""

from __future__ import annotations

import time

import pytest
from dualtalk.bench.harness import length, length_minutes
from dualtalk.cli import main

FOUR_HOURS = "(four hours: the engine refuses a longer take)"


def _refusal(argv: list[str], capsys) -> str:
    started = time.perf_counter()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's refusals end the process, as on the command line
        code = exc.code
    assert time.perf_counter() - started < 30, argv  # refused before anything is built
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, (argv, err)
    return err[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["bench", "lite", "--seconds", "100000"],
            f"argument --seconds: must be at most 14400 {FOUR_HOURS}, got 100000",
        ),
        (
            ["bench", "lite", "--seconds", "1e9"],
            f"argument --seconds: must be at most 14400 {FOUR_HOURS}, got 1e9",
        ),
        (
            ["bench", "lite", "--seconds", "inf"],
            f"argument --seconds: must be at most 14400 {FOUR_HOURS}, got inf",
        ),
        (
            ["bench", "transcript", "--seconds", "1e6"],
            f"argument --seconds: must be at most 14400 {FOUR_HOURS}",
        ),
        (["bench", "transcript", "--seconds", "-5"], "argument --seconds: must be more than 0, got -5"),
        (
            ["bench", "engine", "--compare-seconds", "1e9"],
            "argument --compare-seconds: must be at most 14400",
        ),
        (
            ["bench", "e2e", "--minutes", "1e9"],
            f"argument --minutes: must be at most 240 {FOUR_HOURS}, got 1e9",
        ),
        (
            ["bench", "fbx", "--minutes", "300"],
            f"argument --minutes: must be at most 240 {FOUR_HOURS}, got 300",
        ),
        (
            ["bench", "keying", "--minutes", "241"],
            f"argument --minutes: must be at most 240 {FOUR_HOURS}, got 241",
        ),
        (
            ["bench", "engine", "--lengths", "30,1e9"],
            f"--lengths: each must be at most 14400 {FOUR_HOURS}, got 1e9",
        ),
        (
            ["bench", "scaling", "--minutes", "1,500"],
            f"--minutes: each must be at most 240 {FOUR_HOURS}, got 500",
        ),
        (["bench", "scaling", "--minutes", "1,nan"], "--minutes: each must be more than 0, got nan"),
    ],
)
def test_a_bench_length_past_four_hours_is_refused_in_one_line_before_any_work(argv, message, capsys):
    assert _refusal(argv, capsys).startswith(f"error: {message}")


def test_the_longest_take_the_engine_takes_can_still_be_benchmarked():
    assert length("14400") == 14400.0 and length("0.5") == 0.5
    assert length_minutes("240") == 240.0 and length_minutes("0.01") == 0.01
