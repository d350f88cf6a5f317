"""A farm node runs ``animate`` with ``LC_ALL=C`` and Python's UTF-8 mode off (``PYTHONUTF8=0``), on an
``--out`` named in Unicode (``ünï/shöt.blend``). The path is good UTF-8; the locale reads file names
as ASCII. The shot was refused saying its path "is not valid UTF-8", showing the good bytes as
``\\xc3\\xbc`` escapes and telling the TD to rename it (review rv40c F7). The line now shows the path's
text, names the locale as the cause and how to fix it, as a job's own check already did."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from robustness_util import make_kit, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a POSIX locale")


def test_a_utf8_out_in_an_ascii_locale_is_refused_naming_the_locale_not_the_path(tmp_path):
    folder = make_kit(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIO"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", OMP_NUM_THREADS="1")
    write_stereo(folder / "in" / "talk.wav")
    argv = ["animate", "--quiet", "--blend", "in/scene.blend", "--char-a", "Ann", "--char-b", "Bob",
            "--audio", "in/talk.wav", "--out", "ünï/shöt.blend"]  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", *argv], cwd=folder, env=env, capture_output=True, timeout=300
    )
    err = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.startswith("error")]
    assert proc.returncode == 2 and proc.stdout == b"", proc.stderr[-2000:]
    assert len(err) == 1, err
    # the text as the ASCII stream can carry it (\xfc is the letter ü), not its UTF-8 bytes (\xc3\xbc)
    assert f"work file {folder}/\\xfcn\\xef/sh\\xf6t.dualtalk/dialogue.wav: its path is UTF-8, " in err[0], (
        err
    )
    assert "this locale reads file names as" in err[0] and "set PYTHONUTF8=1 or a UTF-8 locale" in err[0], err
    assert "not valid UTF-8" not in err[0]  # was: the good path blamed, and shown as \xc3\xbc escapes
    assert not (folder / "ünï").exists()
