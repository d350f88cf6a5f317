"""``python -m dualtalk ARGV`` run in the test's own process, through ``cli.main`` (as
``robustness_util.run_cli``, for tests without ``capsys``): the exit code and what it wrote, as a
``subprocess.CompletedProcess``, without a Python, torch and the engine started again for each run
of a test that makes many. A test that is about the process itself (signals, ``--help`` through the
real entry point, an exit during shutdown) still starts one."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from collections.abc import Callable
from pathlib import Path


def run_dualtalk(
    *argv: object, cwd: str | os.PathLike[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """What ``subprocess.run([sys.executable, "-m", "dualtalk", *argv], cwd=cwd, capture_output=True,
    text=True)`` returns, run here."""
    from dualtalk import cli

    return run_main(cli.main, *argv, cwd=cwd)


def run_main(
    main: Callable[[list[str]], int], *argv: object, cwd: str | os.PathLike[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A command's ``main(argv)`` (what ``python -m <its module>`` runs) here, with what it wrote to
    stdout and stderr; argparse's refusals (SystemExit) give their exit code."""
    args = [str(a) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(Path(cwd)))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            code = main(args)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
