"""A developer's checkout (or an unpacked add-on) with a named pipe in it, left by a tool that talks
through one: ``python -m dualtalk --version`` and the add-on's preferences read every shipped file to
name the build, and reading the pipe waited for ever (Blender hung on opening its preferences). Now
a file that is no plain file counts as one that cannot be read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FINGERPRINT = """
import sys
from pathlib import Path
from dualtalk.inference import build_info
print(build_info.source_fingerprint(Path(sys.argv[1])))
"""


def _fingerprint(root: Path) -> str:
    # a child process: before the fix the read never returned, and the test must end all the same
    proc = subprocess.run(
        [sys.executable, "-c", FINGERPRINT, str(root)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_in_the_build_counts_as_unreadable_and_the_build_is_named(tmp_path):
    root = tmp_path / "dualtalk"
    root.mkdir()
    (root / "blender_manifest.toml").write_text((REPO / "blender_manifest.toml").read_text())
    (root / "a.py").write_text("print('a')\n")
    os.mkfifo(root / "pipe.py")
    try:
        with_pipe = _fingerprint(root)  # before: never returned (the child timed out)
    except subprocess.TimeoutExpired:
        pytest.fail("naming the build waited for ever on a named pipe")
    assert len(with_pipe) == 64
    os.unlink(root / "pipe.py")
    (root / "pipe.py").mkdir()  # the same name, now a folder: not shipped, so another build
    assert _fingerprint(root) != with_pipe
