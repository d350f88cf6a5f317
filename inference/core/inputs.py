"""What is wrong with a path the user gave as an input file, in words that point at the fix.

``Path.is_file()`` and ``stat()`` answer "no" for a symlink loop, a folder, a pipe from
``<(...)`` or a broken link alike, and readers then said "not found", "is empty" (a pipe
has size 0) or "not an existing file". Every reader of a user's input file asks
:func:`check_input_file` first so the one-line error names the real problem.
"""

from __future__ import annotations

import errno
import os
import stat
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .errors import DualTalkError
from .outputs import permission_denied

MAX_QUOTED = 80  # characters of a user's value quoted in an error line

# What reading a damaged .npy/.npz raises besides ValueError and OSError: zip damage (BadZipFile,
# zlib.error, EOFError; NotImplementedError for an unknown zip version; RuntimeError for an entry
# flagged as encrypted) and an .npy header that is no Python literal (TokenError, SyntaxError).
DAMAGED_ARRAY_FILE = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, tokenize.TokenError, SyntaxError,
)  # fmt: skip
_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def npz_member_header(data: Any, key: str) -> tuple[tuple[int, ...], np.dtype] | None:
    """(shape, dtype) that member ``key`` of an open npz (``np.load``'s NpzFile) declares, read before
    numpy allocates it: a crafted file can claim terabytes in a few bytes. None for a header layout
    newer than 2.0. A damaged member raises ValueError, OSError, KeyError or :data:`DAMAGED_ARRAY_FILE`."""
    with data.zip.open(f"{key}.npy") as fh:
        version = np.lib.format.read_magic(fh)
        if version not in _NPY_HEADERS:
            return None
        shape, _fortran, dtype = _NPY_HEADERS[version](fh)
    return tuple(shape), dtype


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """``repr``-like quoting of a user's value, cut to ``limit`` characters (a 19 MB number stays short)."""
    text = str(value)
    if len(text) > limit:
        text = f"{text[: limit - 20]}...({len(text):,} characters)"
    return repr(text) if isinstance(value, str) else text


def check_input_file(path: str | os.PathLike[str], label: str, *, allow_empty: bool = False) -> Path:
    """``path`` as a readable regular file, or one :class:`DualTalkError` saying what it is instead."""
    if path is None or str(path) == "":
        raise DualTalkError(f"no {label} given")
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DualTalkError(f"{label} {p} is a symbolic link loop (it points back to itself)") from None
        if exc.errno == errno.ENAMETOOLONG:
            raise DualTalkError(f"{label} path is too long: {quote(str(p))}") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise permission_denied(label, p) from None
        if p.is_symlink():
            target = os.readlink(p)
            raise DualTalkError(
                f"{label} {p} is a broken link (it points to {target}, which does not exist)"
            ) from None
        if exc.errno == errno.ENOTDIR:
            raise DualTalkError(
                f"{label} not found: {p} (a part of the path is a file, not a folder)"
            ) from None
        raise DualTalkError(f"{label} not found: {p}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DualTalkError(f"{label} {p} is a directory, not a file")
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode) or stat.S_ISCHR(st.st_mode):
        kind = "a pipe" if stat.S_ISFIFO(st.st_mode) else "not a regular file"
        raise DualTalkError(
            f"{label} {p} is {kind} (like <(...) in a shell); save it to a file first and give that file"
        )
    if not stat.S_ISREG(st.st_mode):
        raise DualTalkError(f"{label} {p} is not a regular file")
    if not os.access(p, os.R_OK):
        raise DualTalkError(f"{label} {p} cannot be opened (permission denied)")
    if st.st_size == 0 and not allow_empty:
        raise DualTalkError(f"{label} {p.name} is empty (0 bytes)")
    return p
