"""Crash-safe file writing: write to a sibling temp file, fsync, then rename.

Every output the project writes (.npz, .blend, .fbx, .wav, checkpoints) goes through
:func:`atomic_path` so that an interrupted job never leaves a half-written file under
the final name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import DualTalkError


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` if needed and check that we may write into it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DualTalkError(f"cannot create output directory {p}: {exc.strerror or exc}") from None
    if not p.is_dir():
        raise DualTalkError(f"output path {p} exists and is not a directory")
    if not os.access(p, os.W_OK | os.X_OK):
        raise DualTalkError(f"output directory {p} is not writable")
    return p


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike[str], suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; rename it over ``final`` on success.

    The temp name keeps the final extension (``suffix``) because some writers
    (numpy, Blender's FBX exporter) append or check extensions.
    """
    final = Path(final)
    ensure_writable_dir(final.parent if str(final.parent) else ".")
    suffix = final.suffix if suffix is None else suffix
    fd, tmp_name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=".part" + suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise DualTalkError(f"writing {final.name} produced no data")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the result the permissions a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, final)
    except OSError as exc:
        raise DualTalkError(f"could not write {final}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, streamed."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
