"""``bench soak``, the leak check a TD re-runs after a change: the same batch job run again and again
in one process, what the process holds measured after each round (review 33s). Here only its
mechanics, on the smallest job: a row per round, every measure in the summary, a clear refusal of a
single round (nothing to compare)."""

from __future__ import annotations

import json

from cli_in_process import run_dualtalk


def test_a_small_soak_reports_each_round_and_the_growth_after_the_first():
    done = run_dualtalk(
        "bench", "soak", "--shots", "1", "--rounds", "2", "--seconds", "2", "--no-fbx", "--json"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    summary = json.loads(lines[-1])
    assert summary["bench"] == "soak" and [r["round"] for r in summary["rounds_measured"]] == [1, 2]
    measured = set(summary["per_round_after_first"])
    assert {"rss_mb", "threads", "temp_files", "out_files", "actions", "sounds"} <= measured
    assert all(isinstance(v, int | float) for v in summary["per_round_after_first"].values())
    assert (
        lines[0] == "## bench soak"
        and sum(line.startswith("| 1 ") or line.startswith("| 2 ") for line in lines) == 2
    )
    assert summary["rounds_measured"][0]["out_files"] >= 1  # the shot's .blend and its work folder


def test_one_round_is_refused_as_nothing_to_compare():
    done = run_dualtalk("bench", "soak", "--rounds", "1")
    assert done.returncode == 2 and "argument --rounds: must be 2 to 1000, got 1" in done.stderr
