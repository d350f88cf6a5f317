"""Blender reads a file path that starts with ``//`` beside the open .blend. DualTalk's command lines
read a typed ``//abs`` as one slash (tests/robustness/test_double_slash_and_shell_paths.py); the
places that hand Blender a path to write (the .blend saved, the FBX exporter) refuse one that still
starts with ``//`` from a Python caller, in one line, before Blender writes anything beside the open
file. ``download --out`` reads its path as every other command's path flag (a literal ``$HOME``
refused, not made as a folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.blendio import save_copy_checked
from dualtalk.inference.core.errors import DualTalkError


def test_download_out_with_a_literal_home_is_refused_in_one_line_and_makes_nothing(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk", "download", "--out", "$HOME/models"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert out.returncode == 2
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert "'$HOME' is not expanded" in lines[-1], out.stderr
    assert list(tmp_path.iterdir()) == []  # no folder named $HOME


def test_saving_a_copy_to_a_double_slash_path_is_refused_before_blender_writes_beside_the_blend(tmp_path):
    bpy.ops.wm.read_homefile(use_empty=True)
    opened = tmp_path / "shots" / "open.blend"
    opened.parent.mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(opened))
    before = sorted(p.name for p in opened.parent.rglob("*"))
    target = Path("//" + str(tmp_path / "out" / "copy.blend").lstrip("/"))

    with pytest.raises(DualTalkError, match="beside the .blend"):
        save_copy_checked(bpy, target, target)

    assert sorted(p.name for p in opened.parent.rglob("*")) == before
