"""Fixtures shared by the robustness tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from robustness_util import make_kit


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """A job folder: in/scene.blend with Ann and Bob, and their 30-frame motion files in/A.npz, in/B.npz."""
    return make_kit(tmp_path_factory.mktemp("kit"))


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny filesystem (tmpfs) that is almost full; skipped where mounting is not allowed."""
    mnt = tmp_path / "small_disk"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the simulated disk-full tests still run")
    try:
        with open(mnt / "filler.bin", "wb") as fh:  # leave ~8 KiB: enough to create files, not to finish them
            fh.write(b"\0" * (1024 * 1024 - 8 * 1024))
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
