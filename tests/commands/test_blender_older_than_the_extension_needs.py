"""A farm node's PATH finds the distribution's Blender 3.4 before the studio's 5.0, and the TD runs
``blender -b -P dualtalk_blender/commands/animate.py -- ...``. Each failure named something else:
numpy missing from a Python that is not Blender's, the .blend "not a blend file", an internal error
(review rv40c F4). The script's first step is now the version: one line naming the Blender found and
the one needed, exit 2, before any package loads."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.commands import animate

REPO = Path(animate.__file__).resolve().parents[2]


def test_the_version_needed_is_the_manifests():
    manifest = tomllib.loads((REPO / "blender_manifest.toml").read_text(encoding="utf-8"))
    major, minor, *_ = (int(n) for n in manifest["blender_version_min"].split("."))
    assert animate.MIN_BLENDER == (major, minor)


def test_an_older_blender_is_one_line_naming_both_versions_and_this_one_runs():
    line = animate.blender_too_old((3, 4, 1), "/usr/bin/blender")
    assert line == "error: DualTalk needs Blender 5.0 or newer; this is Blender 3.4.1 (/usr/bin/blender)"
    assert animate.blender_too_old((4, 5, 3), "b").startswith("error: DualTalk needs Blender 5.0 or newer")
    assert animate.blender_too_old((5, 0, 1), "b") is None
    assert animate.blender_too_old((6, 0, 0), "b") is None


def _old_blender() -> str | None:
    """A system Blender older than 5.0 on this machine (Debian's 3.4), or None."""
    found = shutil.which("blender")
    if found is None:
        return None
    try:
        said = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    words = said.split()
    if len(words) < 2 or words[0] != "Blender":
        return None
    try:
        major = int(words[1].split(".")[0])
    except ValueError:
        return None
    return found if major < 5 else None


@pytest.mark.skipif(_old_blender() is None, reason="no Blender older than 5.0 on this machine")
def test_the_script_run_by_an_old_blender_says_so_before_anything_else(tmp_path):
    blender = _old_blender()
    assert blender is not None
    proc = subprocess.run(
        [blender, "-b", "--factory-startup", "-P", str(REPO / "dualtalk_blender" / "commands" / "animate.py"),
         "--", "--blend", str(tmp_path / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob", "--out",
         str(tmp_path / "shot.blend")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr[-2000:]  # was: numpy, "not a blend file" or an internal error
    assert errors[0].startswith("error: DualTalk needs Blender 5.0 or newer; this is Blender "), errors
    assert errors[0].endswith(f" ({blender})") or "blender" in errors[0].rsplit("(", 1)[-1], errors
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert not (tmp_path / "shot.blend").exists()
