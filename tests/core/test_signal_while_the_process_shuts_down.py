"""A farm sends SIGTERM (or a user Ctrl-C) in the 2-3 s a finished run takes to shut down after its
result line (review rv43c F3). CPython puts every signal with a Python handler back to the default
as the interpreter finalizes, and torch's and Blender's teardown comes after that: the finished run
was killed (-15/-2, a shell sees 143/130) with its outputs whole and no line. Now both signals are
ignored once shutdown begins, and the process ends with the run's own code.

The signals here are sent from an object's ``__del__`` as the interpreter clears its modules, which
is after the handlers were reset: the moment the review hit, reached without timing anything."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the extension root, imported as dualtalk from beside it

# Sends Ctrl-C, then SIGTERM, to its own process once the interpreter clears its modules, and
# leaves a mark that it did (so the story cannot pass with the signals never sent).
SIGNALS_AT_TEARDOWN = """
import os, signal, time
class SignalsAtTeardown:
    def __del__(self, kill=os.kill, pid=os.getpid(), sleep=time.sleep, mark={mark!r},
                sigs=(signal.SIGINT, signal.SIGTERM), opened=os.open, close=os.close):
        for sig in sigs:
            kill(pid, sig)
            sleep(0.05)  # a signal left at its default kills within this
        close(opened(mark, os.O_CREAT | os.O_WRONLY))
teardown_signals = SignalsAtTeardown()
"""


def _run(tmp_path: Path, body: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    mark = tmp_path / "signals_sent"
    script = textwrap.dedent(SIGNALS_AT_TEARDOWN.format(mark=str(mark))) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)  # fmt: skip
    return done, mark


def test_a_signal_while_python_shuts_down_after_torch_keeps_the_runs_exit_code(tmp_path):
    """``python -m dualtalk infer`` with torch loaded, as every take has it: the run ends (here it
    refuses a missing file, exit 2) and both signals come during the interpreter's teardown."""
    missing, out = tmp_path / "missing.wav", tmp_path / "take"
    done, mark = _run(
        tmp_path,
        f"""
        import runpy, sys
        import torch  # noqa: F401  (its teardown runs after Python's handlers are gone)
        sys.argv = ["dualtalk", "infer", "--audio", {str(missing)!r}, "--out", {str(out)!r}]
        runpy.run_module("dualtalk", run_name="__main__")
    """,
    )
    assert (done.returncode, mark.exists()) == (2, True), done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: audio file not found: {missing}"
    ]
    assert "Traceback" not in done.stderr


def test_blender_running_animate_as_a_script_keeps_the_runs_exit_code_through_its_teardown(tmp_path):
    """``blender -b -P dualtalk_blender/commands/animate.py -- ...`` (bpy loaded): its run did not
    set up the shutdown at all, so a signal in Blender's teardown killed the shot it had finished."""
    entry = REPO / "dualtalk_blender" / "commands" / "animate.py"
    argv = ["--blend", str(tmp_path / "missing.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--audio", str(tmp_path / "missing.wav"), "--out", str(tmp_path / "o" / "shot.blend")]  # fmt: skip
    done, mark = _run(
        tmp_path,
        f"""
        import runpy, sys
        sys.argv = [{str(entry)!r}, "--", *{argv!r}]
        try:
            runpy.run_path({str(entry)!r}, run_name="__main__")
        except SystemExit as end:  # Blender ends its script's run the same way
            print("blender loaded:", "bpy" in sys.modules)
            sys.exit(end.code)
    """,
    )
    assert (done.returncode, mark.exists()) == (2, True), done.stderr[-2000:]
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: --blend not found: {tmp_path / 'missing.blend'}"
    ]
    assert done.stdout.splitlines()[-1] == "blender loaded: True"
    assert not (tmp_path / "o").exists()
