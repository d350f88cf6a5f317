"""Proof that a .blend Blender just saved is complete, before it replaces anything.

On a full disk Blender's compressed writer can report "Saved" while the file stops at
the last block that fitted. A complete file ends with the zstd seek-table footer
(compressed) or the ``ENDB`` block (uncompressed); anything else is refused so that
:func:`~dualtalk.inference.core.fileio.atomic_path` never renames a truncated file into place.
"""

from __future__ import annotations

import os
from pathlib import Path

from ...inference.core.errors import DualTalkError

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SEEKABLE_FOOTER = b"\xb1\xea\x92\x8f"  # zstd seekable format: last 4 bytes of a whole file


def blend_is_complete(path: str | os.PathLike[str]) -> bool:
    p = Path(path)
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(12)
            fh.seek(max(0, size - 64))
            tail = fh.read()
    except OSError:
        return False
    if head.startswith(_ZSTD_MAGIC):
        return tail.endswith(_SEEKABLE_FOOTER)
    if head.startswith(b"BLENDER"):
        return b"ENDB" in tail
    return False


def save_copy_checked(bpy, tmp: Path, final: Path, quiet=None) -> None:
    """``save_as_mainfile(copy=True)`` to ``tmp``; one-line error if Blender fails or the file is cut short."""
    import contextlib

    try:
        with quiet() if quiet is not None else contextlib.nullcontext():
            bpy.ops.wm.save_as_mainfile(filepath=str(tmp), copy=True, relative_remap=True, compress=True)
    except RuntimeError as exc:
        reason = " ".join(str(exc).replace("Error:", " ").split()) or "Blender could not save"
        raise DualTalkError(f"could not write {final}: {reason}") from None
    if not blend_is_complete(tmp):
        raise DualTalkError(f"could not write {final}: the saved file is incomplete (is the disk full?)")
