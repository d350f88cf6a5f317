"""A farm wrapper reads ``infer``'s one result line per run. An ``--out`` holding a newline (a
templating slip, or a crafted name) printed as is: one result became three stdout lines, and a name
could forge a ``wrote ...`` line of its own (review rv40c F6). The path is shown escaped, as
``animate``'s result line shows it: one line, ``\\n`` in the name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from robustness_util import run_cli, write_stereo

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a newline in a file name")


def test_a_newline_in_out_stays_one_escaped_result_line(tmp_path: Path, capsys):
    talk = write_stereo(tmp_path / "talk.wav")
    out = tmp_path / "nl" / "a\nwrote forged"
    code, err, stdout = run_cli(capsys, ["infer", "--quiet", "--audio", str(talk), "--out", str(out)])
    assert code == 0, err
    lines = stdout.splitlines()
    assert len(lines) == 1, lines  # was: three lines, the second starting "wrote forged/A.npz"
    shown = str(tmp_path / "nl" / "a\\nwrote forged")
    assert lines[0].startswith(f"wrote {shown}/A.npz and {shown}/B.npz: "), lines
    assert sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]  # written where it was told
