"""The command line: help lists every subcommand, bad usage is one line and exit 2."""

from __future__ import annotations

import subprocess
import sys

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


def test_unknown_subcommand_is_usage_error():
    out = run_cli("frobnicate")
    assert out.returncode == 2


def test_a_reader_that_stops_early_ends_the_run_quietly():
    """``python -m dualtalk ... | head -1``: no traceback when the pipe closes, exit 141 (SIGPIPE)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dualtalk", "infer", "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait() == 141
    assert "Traceback" not in err and "BrokenPipe" not in err and err == ""
