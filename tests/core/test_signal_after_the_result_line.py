"""A farm's scheduler sends SIGTERM just as a finished run prints its result line (review 29a,
finding 17). The run's own handlers were taken down before the shutdown handler went in, so in that
gap the default handler killed the process (returncode -15) while `--summary` said done, exit 0.
Now the process's run installs its shutdown handling while its own handlers are still in place: a
signal from the run's end on exits at once with the run's own code."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the extension root, imported as dualtalk from beside it

# the moment after main returns, before anything else runs: the gap the review hit
AFTER_MAIN = """
import os, signal, sys, time
from dualtalk import cli
code = cli.main([], exiting=True)  # prints the help and returns 0
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(10)
sys.exit(99)  # never reached: the signal ends the process with the run's code
"""


def test_a_sigterm_right_after_the_run_exits_with_the_runs_own_code():
    done = subprocess.run([sys.executable, "-c", AFTER_MAIN], capture_output=True, text=True, timeout=120,
                          cwd=REPO.parent)  # fmt: skip
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert "dual-speaker talking heads" in done.stdout


def test_a_run_inside_a_python_program_leaves_its_handlers_as_they_were():
    """Without ``exiting`` (tests, an embedding program) the run puts the old handlers back."""
    from dualtalk import cli

    before = signal.getsignal(signal.SIGTERM)
    assert cli.main([]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
