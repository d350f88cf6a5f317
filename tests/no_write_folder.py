"""A folder that takes no new file, for the stories of farm layouts (a shot folder the artist may
write, the project folder above it not), also when the tests run as root."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def takes_no_file(folder: Path) -> Iterator[None]:
    """``folder`` takes no new file for the block: read-only for a user; immutable for root (whom
    permissions do not stop); skips the test where neither can be done."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield
        finally:
            os.chmod(folder, mode)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("cannot make a folder take no file here (no chattr)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
