"""A copy of the checkout as the extension builder reads it, for build tests that plant files in it."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# the checkout's own tools and run outputs: never read by the builder, and slow to copy
LEFT_OUT = ("tests", "training", "bench", "scripts", "dist", "build", "out", "demo_out")


def copy_checkout(tmp_path: Path) -> Path:
    """``tmp_path/dualtalk``: the checkout less tests, training, bench, scripts, caches and dot files."""
    src = tmp_path / "dualtalk"
    shutil.copytree(
        REPO,
        src,
        ignore=lambda folder, names: [
            n
            for n in names
            if n.startswith(".")
            or n == "__pycache__"
            or n.endswith(".egg-info")
            or (Path(folder) == REPO and n in LEFT_OUT)
        ],
    )
    return src
