"""A new user presses Ctrl-C in the first second of the demo, while Blender is starting up.

Blender's start-up registers its UI and add-ons and catches whatever they raise, so a Ctrl-C
that landed there used to be swallowed (the demo then ran to the end and wrote everything) or
left Blender half-registered: eighty lines of tracebacks and a segmentation fault. It must
stop like a Ctrl-C anywhere else: one ``error: interrupted`` line, exit 130, nothing written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("bpy")

# Ctrl-C arrives as Blender's start-up imports its UI definitions (``bl_ui``).
_CTRL_C_IN_BLENDER_STARTUP = r"""
import os, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "bl_ui":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlC())
from dualtalk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _demo_with(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A short demo run (1 s, no preview, no FBX) under ``script``, which presses Ctrl-C."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DUALTALK_DEBUG", None)
    short = ("--seconds", "1", "--preview", "none", "--no-fbx")
    return subprocess.run(
        [sys.executable, "-c", script, "demo", *args, *short],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ctrl_c_while_blender_starts_stops_the_demo_with_one_line_and_no_files(tmp_path: Path) -> None:
    out = tmp_path / "demo_out"
    proc = _demo_with(_CTRL_C_IN_BLENDER_STARTUP, "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 130, (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr.strip().splitlines() == ["error: interrupted"], proc.stderr[-2000:]
    assert not out.exists()


# Ctrl-C arrives while espeak-ng voices the first line: Python sees it inside espeak's audio
# callback, where ctypes prints the KeyboardInterrupt and carries on without that chunk of voice.
_CTRL_C_WHILE_VOICING = r"""
import os, signal, sys
from dualtalk.inference.audio import tts

on_audio = tts._Espeak._on_audio

def ctrl_c_once(self, wav, num, events):
    if not getattr(ctrl_c_once, "done", False):
        ctrl_c_once.done = True
        os.kill(os.getpid(), signal.SIGINT)
    return on_audio(self, wav, num, events)

tts._Espeak._on_audio = ctrl_c_once
from dualtalk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_the_script_is_voiced_stops_the_demo(tmp_path: Path) -> None:
    from dualtalk.inference.audio import tts

    if "espeak" not in tts.available_engines():
        pytest.skip("espeak-ng is not installed")
    out = tmp_path / "demo_out"
    proc = _demo_with(_CTRL_C_WHILE_VOICING, "--out", str(out), "--dialogue", "tts", cwd=tmp_path)
    assert proc.returncode == 130, (proc.returncode, proc.stderr[-2000:])
    assert proc.stderr.strip().splitlines()[-1] == "error: interrupted", proc.stderr[-2000:]
    assert not out.exists()  # the demo used to go on with a voice missing its first words
