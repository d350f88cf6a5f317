"""A kanji reader whose dictionary file is no plain file: ``sudachidict_core/resources/system.dic``
left as a named pipe (a tool that streams a download through one, a half-done install) or a folder.
SudachiPy opened the pipe and waited for a writer for ever: ``infer`` with a Japanese script hung at
"aligning A's lines", and a farm's SIGTERM did not end it (only SIGKILL did). Now the dictionary is
checked to be a file before SudachiPy opens it, and the run says in one line, as for a missing
dictionary, that the reader is installed but does not load, why, and to reinstall.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import kanji_reader
import pytest

REASON = """
import sys
sys.path.insert(0, sys.argv[1])
from dualtalk.inference.phonetic import script_warp
print(script_warp.foreign_writing("私は東京へ行きます。", "ja"))
"""


def _dictionary_package(root: Path) -> Path:
    """A copy of sudachidict_core's package without its dictionary file: ``root/sudachidict_core``."""
    real = pytest.importorskip("sudachidict_core")
    (root / "sudachidict_core" / "resources").mkdir(parents=True)
    shutil.copy(real.__file__, root / "sudachidict_core" / "__init__.py")
    return root / "sudachidict_core" / "resources" / "system.dic"


def _why(root: Path) -> str:
    # a child process: before the fix it never returned, and SIGTERM did not end it (run kills it)
    try:
        proc = subprocess.run(
            [sys.executable, "-c", REASON, str(root)], capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the kanji reader waited for ever on its dictionary file")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


@kanji_reader.needs_it
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_dictionary_that_is_a_named_pipe_says_it_does_not_load(tmp_path):
    os.mkfifo(_dictionary_package(tmp_path))
    why = _why(tmp_path)  # before: never returned
    assert "installed but does not load" in why and "system.dic is a named pipe" in why, why
    assert "pip install --force-reinstall sudachipy sudachidict_core" in why
    assert "\n" not in why


@kanji_reader.needs_it
def test_a_dictionary_that_is_a_folder_says_so(tmp_path):
    _dictionary_package(tmp_path).mkdir()
    why = _why(tmp_path)
    assert "installed but does not load" in why and "system.dic is a folder" in why, why
