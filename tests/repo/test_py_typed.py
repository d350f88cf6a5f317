"""A pipeline TD type-checks their own script against an installed DualTalk.

Before (review rv38c, finding 3): the package shipped no ``py.typed``, so mypy skipped every import
from it ("module is installed, but missing library stubs or py.typed marker") and 6 of 7 deliberate
mistakes in the script went unseen. Now the empty PEP 561 marker sits at the package root and is in
the package data, so an installed layout carries it and mypy reads the hints.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_marker_is_at_the_package_root_empty_and_in_the_package_data():
    marker = REPO / "py.typed"
    assert marker.is_file() and marker.stat().st_size == 0
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in data["tool"]["setuptools"]["package-data"]["dualtalk"]


def test_mypy_checks_a_users_call_into_the_installed_package(tmp_path):
    """An installed layout (the package in a site-packages folder, no MYPYPATH): the wrong type the
    script passes is reported, where before mypy gave up on the import."""
    pytest.importorskip("mypy", reason="bash scripts/setup.sh --test installs mypy")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "dualtalk").symlink_to(REPO, target_is_directory=True)
    script = tmp_path / "shot.py"
    script.write_text(
        "from dualtalk.inference.core.request import Request\n\nRequest(audio='talk.wav', lip_release='0.5')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--python-executable", str(python), script.name],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    said = out.stdout + out.stderr
    assert "import-untyped" not in said and "import-not-found" not in said, said
    assert 'Argument "lip_release" to "Request" has incompatible type "str"; expected "float"' in said, said
