"""A user runs the README's demo into a folder named like a real project folder.

``python -m dualtalk demo --out "Shot 12 – café"`` ends with an ``open it:`` line; the user pastes
it into their shell to open the scene. That line must name the .blend as one shell word, even when
the folder has spaces, an apostrophe or non-ASCII letters in its name.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

pytest.importorskip("bpy")

from test_demo import _demo  # noqa: E402  (the demo as a user runs it: a subprocess)


def test_the_open_it_line_pastes_into_a_shell_when_the_folder_has_spaces_and_accents(tmp_path):
    out = tmp_path / "Shot 12 – café's take"
    proc = _demo(
        "--out",
        str(out),
        "--dialogue",
        "file",
        "--seconds",
        "1",
        "--preview",
        "none",
        "--no-fbx",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "demo.blend").is_file()

    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("open it:")]
    assert len(lines) == 1, proc.stdout
    words = shlex.split(lines[0].removeprefix("open it:"))
    assert words[0] == "blender"
    assert words[1:] == [str(out / "demo.blend")], lines[0]  # one argument: the scene the demo wrote
    assert Path(words[1]).is_file()


def test_a_plain_folder_name_still_reads_plainly(tmp_path):
    # no quotes where none are needed: the line stays the path a user expects to see
    from dualtalk.dualtalk_blender.demo.cmd_demo import shell_quote

    plain = tmp_path / "demo_out" / "demo.blend"
    assert shell_quote(plain) == str(plain)
    assert shlex.split(shell_quote(tmp_path / "a b" / "demo.blend")) == [str(tmp_path / "a b" / "demo.blend")]
