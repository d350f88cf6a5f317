"""A researcher runs `bench engine` as the README prints it: three lengths, both precisions, a warm-up
and five timed runs each, which is about an hour and a half of a 2-core CPU, and nothing said so until
the table came (review rv37c, finding 8). The bench now says before the work how much dialogue it will
run and about how long that takes, and `--quick` is the one-minute check."""

from __future__ import annotations

import argparse
import json

from dualtalk.bench import bench_engine, cmd_bench
from dualtalk.cli import main


def _settings(*flags: str):
    parser = argparse.ArgumentParser()
    cmd_bench.add_arguments(parser)
    args = parser.parse_args(["engine", *flags])
    cmd_bench.resolve_runs(args, bench_engine)
    return args, bench_engine.planned(args)[0]


def test_the_readme_command_says_it_takes_about_an_hour_and_a_half_and_offers_the_quick_form():
    args, lengths = _settings()
    line = bench_engine.expected_duration(args, lengths, ["fp32", "bf16"], "cpu", 5.0)
    assert "750 s of dialogue x 2 precision(s) (fp32, bf16) x 6 run(s) (1 warm-up + 5 timed)" in line
    assert "about 1 h 3" in line, line  # 750 s x 6 runs x (0.8 + 0.41) + the comparison
    assert line.endswith("the one-minute check: bench engine --quick")


def test_the_quick_form_is_one_run_of_30_s_in_fp32_and_says_about_a_minute():
    args, lengths = _settings("--quick")
    assert (lengths, args.repeats, args.warmup) == ([30.0], 1, 0)
    line = bench_engine.expected_duration(args, lengths, ["fp32"], "cpu", 5.0)
    assert "30 s of dialogue x 1 precision(s) (fp32) x 1 run(s)" in line and "about 42 s" in line, line
    assert "--quick" not in line
    # one torch thread (OMP_NUM_THREADS=1) takes about twice the README's two
    one = bench_engine.expected_duration(args, lengths, ["fp32"], "cpu", 5.0, threads=1)
    assert "about 78 s on an idle 2-core CPU with 1 torch thread(s)" in one, one


def test_what_is_given_with_quick_is_kept():
    args, lengths = _settings("--quick", "--lengths", "5", "--repeats", "2")
    assert (lengths, args.repeats, args.warmup) == ([5.0], 2, 0)


def test_a_quick_run_says_its_work_first_then_times_one_run(capsys):
    assert main(["bench", "engine", "--tiny", "--quick", "--lengths", "5", "--no-compare", "--json"]) == 0
    captured = capsys.readouterr()
    said = [line for line in captured.err.splitlines() if line.startswith("bench engine:")]
    assert said and "5 s of dialogue x 1 precision(s) (fp32) x 1 run(s)" in said[0], captured.err
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert [(r["audio_s"], r["precision"], r["runs"]) for r in summary["runs"]] == [(5.0, "fp32", 1)]


def test_a_precision_the_bench_does_not_know_is_one_line_before_the_network_is_built(capsys):
    assert main(["bench", "engine", "--tiny", "--lengths", "5", "--precisions", "fp16"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --precisions takes fp32 and/or bf16, got 'fp16'"], err
