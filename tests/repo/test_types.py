"""The typed code holds: mypy (with the fake-bpy-module stubs for Blender) finds no error in the
whole engine (inference/), training and evaluation (training/), the benchmarks, the UI glue
(operators/, panels/), the scene logic (dualtalk_blender/), the registration and the command line:
every room of the extension."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKED = [
    "-p",
    "dualtalk.inference",  # the whole engine: audio intake, networks, generation, behaviour, worker
    "-p",
    "dualtalk.training",  # training, the corpus and the evaluators
    "-p",
    "dualtalk.dualtalk_blender",  # all scene logic: the rig math, keying, FBX, the add-on's runs, the demo
    "-p",
    "dualtalk.operators",  # the UI glue, with Blender's stubs (fake-bpy-module)
    "-p",
    "dualtalk.panels",
    "-p",
    "dualtalk.bench",
    "-m",
    "dualtalk",  # the extension's entry, its registration tuple and the command line
    "-m",
    "dualtalk.registration",
    "-m",
    "dualtalk.cli",
    "-m",
    "dualtalk.package_loader",  # run by path by the build and by animate's Blender entry
]


def test_mypy_finds_no_errors_in_the_typed_rooms(tmp_path):
    pytest.importorskip("mypy", reason="bash scripts/setup.sh --test installs mypy")
    root = tmp_path / "root"
    root.mkdir()
    (root / "dualtalk").symlink_to(REPO, target_is_directory=True)  # the checkout imports as `dualtalk`
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), *CHECKED],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "MYPYPATH": str(root)},
        timeout=600,
    )
    assert out.returncode == 0 and "Success: no issues found" in out.stdout, (
        out.stdout[-4000:] + out.stderr[-2000:]
    )


def test_mypy_would_catch_a_type_error(tmp_path):
    """The check is real: a wrong type in a checked module is reported."""
    pytest.importorskip("mypy", reason="bash scripts/setup.sh --test installs mypy")
    bad = tmp_path / "bad.py"
    bad.write_text("from dualtalk.inference.core.timebase import frames_for\n\nx: str = frames_for(640)\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "dualtalk").symlink_to(REPO, target_is_directory=True)
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "MYPYPATH": str(root)},
        timeout=600,
    )
    assert out.returncode == 1 and "Incompatible types in assignment" in out.stdout, out.stdout[-2000:]
