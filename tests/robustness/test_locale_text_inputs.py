"""A text file from an old editor, refused in a locale whose streams are ASCII (review 33x): one
``error:`` line the stream can hold, exit 2, naming the line, the word and the fix; nothing written.
A real process: the point is what its own stderr can encode."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import soundfile as sf


def test_a_latin1_turns_file_in_an_ascii_locale_is_one_escaped_line_with_the_fix(tmp_path):
    rng = np.random.default_rng(0)
    sf.write(tmp_path / "mix.wav", 0.1 * rng.standard_normal(16000 * 3), 16000, subtype="PCM_16")
    srt = "1\r\n00:00:00,000 --> 00:00:01,500\r\nJosé: hola\r\n\r\n2\r\n00:00:01,500 --> 00:00:03,000\r\nMaría: sí\r\n"
    (tmp_path / "turns.srt").write_bytes(srt.encode("cp1252"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIO"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="ascii", OMP_NUM_THREADS="1")
    argv = ["infer", "--quiet", "--audio", "mix.wav", "--turns", "turns.srt", "--out", "take"]
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", *argv], cwd=tmp_path, env=env, capture_output=True, timeout=120
    )
    err = proc.stderr.decode("ascii").splitlines()  # ASCII only: the stream holds nothing else
    assert proc.returncode == 2 and proc.stdout == b"" and len(err) == 1, err
    assert err[0] == (
        "error: turns.srt is not UTF-8 text (line 3, byte 0xE9: 'Jos\\xe9:' if it was saved as Windows-1252 / "
        "Latin-1); save it as UTF-8 (most editors: Save As, encoding UTF-8) and try again"
    )
    assert not (tmp_path / "take").exists()
