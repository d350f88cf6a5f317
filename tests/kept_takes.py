"""Takes the add-on keeps in the temp folder, made and aged for the pruning stories: each holds two
small motion files, let go as by a Blender that has ended since, and dated ``days_old`` ago."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from dualtalk.dualtalk_blender.addon import saved_takes

DAY = 86400.0


def motion_file(size: int = 1000) -> str:
    """A stand-in motion file of ``size`` bytes in the temp folder (as the worker leaves one)."""
    fd, name = tempfile.mkstemp(suffix=".npz")
    with open(fd, "wb") as fh:
        fh.write(b"x" * size)
    return name


def keep(days_old: float = 0.0, size: int = 1000, **origin: str) -> Path:
    """A kept take ``days_old`` days old (negative: dated ahead of the clock); ``origin``: its
    record's extra fields (``blend_file``)."""
    folder = saved_takes.keep_take(
        {"a": motion_file(size), "b": motion_file(size), "engine": "lite", **origin}
    )
    assert folder is not None
    saved_takes._let_go(folder)  # as kept by a Blender that has ended since
    age(folder, days_old)
    return folder


def age(path: Path, days_old: float) -> None:
    """Date ``path`` (a file, or a folder and its files) ``days_old`` days ago."""
    when = time.time() - days_old * DAY
    for p in (*path.iterdir(), path) if path.is_dir() else (path,):
        os.utime(p, (when, when))
