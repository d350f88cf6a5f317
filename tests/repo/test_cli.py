"""The command line: help lists every subcommand, bad usage is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.cli import SUBCOMMANDS


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dualtalk", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_subcommands():
    out = run_cli("--help")
    assert out.returncode == 0
    for name in SUBCOMMANDS:
        assert name in out.stdout


def test_bench_help_names_every_target():
    from dualtalk.bench.cmd_bench import TARGETS

    assert all(name in SUBCOMMANDS["bench"][1] for name in TARGETS)


def test_unknown_subcommand_is_usage_error():
    out = run_cli("frobnicate")
    assert out.returncode == 2
    assert out.stderr.splitlines() == [out.stderr.strip()] and "invalid choice: 'frobnicate'" in out.stderr


def test_a_malformed_flag_is_one_error_line_pointing_at_help():
    """argparse's own refusals keep the one-line promise: no usage block, the help one flag away."""
    for args, command, message in (
        (("infer", "--rounds", "abc"), "infer", "argument --rounds: invalid int value: 'abc'"),
        (
            ("eval", "lipsync", "--bootstrap", "x"),
            "eval lipsync",
            "argument --bootstrap: invalid int value: 'x'",
        ),
        (("animate", "--range=-5-10"), "animate", "argument --range"),
        # no timed runs used to time one run quietly and report its "median"
        (("bench", "lite", "--repeats", "0"), "bench lite", "argument --repeats: must be at least 1, got 0"),
        (
            ("bench", "lite", "--seconds", "-1"),
            "bench lite",
            "argument --seconds: must be more than 0, got -1",
        ),
        (
            ("bench", "fbx", "--minutes", "nan"),
            "bench fbx",
            "argument --minutes: must be more than 0, got nan",
        ),
        (
            ("bench", "keying", "--warmup", "-1"),
            "bench keying",
            "argument --warmup: must be at least 0, got -1",
        ),
    ):
        out = run_cli(*args)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1, out.stderr
        assert lines[0].startswith(f"error: {message}")
        assert lines[0].endswith(f"(see python -m dualtalk {command} --help)")


@pytest.mark.parametrize("command", ["infer", "animate"])
def test_a_reader_that_stops_early_ends_the_run_quietly(command):
    """``python -m dualtalk ... | head -1``: no traceback when the pipe closes, exit 141 (SIGPIPE),
    whether the text fits one write (infer's help) or not (animate's, which argparse's writer cut off)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dualtalk", command, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""


@pytest.mark.parametrize(("arg", "code"), [("--help", 0), ("-h", 0), ("--bogus", 2)])
def test_the_set_up_script_answers_help_and_refuses_unknown_options_without_installing(tmp_path, arg, code):
    """``setup.sh --help`` ran the whole install (apt-get update, pip) as if no option were given.
    Here apt-get and pip cannot be reached (PATH holds only what the script needs to start and
    PYTHON is ``false``), so an install attempt fails instead of changing this machine."""
    import shutil

    repo = Path(__file__).resolve().parents[2]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "sed", "dirname", "id", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "PYTHON": "false", "HOME": str(tmp_path)}
    done = subprocess.run(
        [str(bin_dir / "bash"), str(repo / "scripts" / "setup.sh"), arg],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    if code == 0:
        assert "setup.sh --test" in done.stdout
    else:
        assert done.stderr.strip() == f"error: unknown option {arg} (use --test, or nothing)"
