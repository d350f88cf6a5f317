"""What is wrong with a path the user gave as an input file, in words that point at the fix.

``Path.is_file()`` and ``stat()`` answer "no" for a symlink loop, a folder, a pipe from
``<(...)`` or a broken link alike, and readers then said "not found", "is empty" (a pipe
has size 0) or "not an existing file". Every reader of a user's input file asks
:func:`check_input_file` first so the one-line error names the real problem.
"""

from __future__ import annotations

import ast
import errno
import os
import stat
import struct
import tokenize
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

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
# The .npy header layouts numpy reads: 1.0 (a 2-byte length), 2.0 (4 bytes) and 3.0 (2.0's layout with
# the header text in UTF-8, which numpy writes for a structured dtype with non-Latin-1 field names).
NPY_VERSIONS = ((1, 0), (2, 0), (3, 0))
_NPY_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
MAX_NPY_HEADER = 10_000  # characters: numpy's own bound for a header it reads without allow_pickle
_NPY_KEYS = {"descr", "fortran_order", "shape"}


def npy_header(fh: BinaryIO) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) an open ``.npy`` stream declares, read before numpy allocates it: a crafted file
    can claim terabytes in a few bytes, and a size check is only as good as this read. Every layout
    numpy reads is understood; anything else (a version numpy never wrote, a header that is no
    literal, a negative size) raises ValueError in words for one line, so no caller has to leave a
    file "to the real read" unchecked. A stream cut short raises EOFError or ValueError."""
    version = np.lib.format.read_magic(fh)  # ValueError: not an .npy array at all
    if version not in NPY_VERSIONS:
        said = ", ".join(f"{a}.{b}" for a, b in NPY_VERSIONS)
        raise ValueError(f".npy header version {version[0]}.{version[1]}; numpy writes {said}")
    if version in _NPY_READERS:
        shape, _fortran, dtype = _NPY_READERS[version](fh)
    else:
        shape, dtype = _utf8_header(fh)
    if any(n < 0 for n in shape):
        raise ValueError(f"the .npy header declares a negative size {tuple(shape)}")
    return tuple(shape), dtype


def _utf8_header(fh: BinaryIO) -> tuple[tuple[int, ...], np.dtype]:
    """The header of a version 3.0 ``.npy`` (after its magic), checked as numpy checks 1.0 and 2.0:
    a dict literal of exactly ``descr``, ``fortran_order`` and ``shape`` (numpy's reader for it is
    private, so it is read here)."""
    raw = fh.read(4)
    if len(raw) < 4:
        raise EOFError("the .npy header is cut short")
    (length,) = struct.unpack("<I", raw)
    if length > 4 * MAX_NPY_HEADER:  # UTF-8: at most 4 bytes a character
        raise ValueError(f"the .npy header is {length:,} bytes long; numpy reads at most {MAX_NPY_HEADER:,}")
    data = fh.read(length)
    if len(data) < length:
        raise EOFError("the .npy header is cut short")
    text = data.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if len(text) > MAX_NPY_HEADER:
        raise ValueError(
            f"the .npy header is {len(text):,} characters long; numpy reads at most {MAX_NPY_HEADER:,}"
        )
    try:
        d = ast.literal_eval(text)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        raise ValueError("the .npy header is no Python literal") from None
    if not isinstance(d, dict) or set(d) != _NPY_KEYS:
        raise ValueError("the .npy header is not numpy's (descr, fortran_order, shape)")
    shape = d["shape"]
    if not isinstance(shape, tuple) or not all(type(n) is int for n in shape):
        raise ValueError(f"the .npy header's shape is no tuple of whole numbers: {quote(shape)}")
    if not isinstance(d["fortran_order"], bool):
        raise ValueError(f"the .npy header's fortran_order is no bool: {quote(d['fortran_order'])}")
    try:
        dtype = np.lib.format.descr_to_dtype(d["descr"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the .npy header's descr is no dtype ({exc})") from None
    return shape, dtype


def npz_member_header(data: Any, key: str) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) that member ``key`` of an open npz (``np.load``'s NpzFile) declares (see
    :func:`npy_header`). A damaged member raises ValueError, OSError, KeyError or
    :data:`DAMAGED_ARRAY_FILE`; a member that is no ``.npy`` (np.load would hand its raw bytes back)
    raises ValueError."""
    if f"{key}.npy" not in data.zip.namelist():
        raise ValueError(f"{quote(key)} is no .npy array")
    with data.zip.open(f"{key}.npy") as fh:
        return npy_header(fh)


def repeated_entry(archive: zipfile.ZipFile) -> str | None:
    """The first name a zip archive's directory lists twice, or None. numpy reads the last entry of
    a name and ``unzip`` the first, so such a file shows two readers two takes (the classic way to
    hide a payload); no writer of ours makes one (review rv38b note a)."""
    seen: set[str] = set()
    for info in archive.infolist():
        if info.filename in seen:
            return info.filename
        seen.add(info.filename)
    return None


def npy_file_header(path: str | os.PathLike[str]) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) an ``.npy`` file declares (see :func:`npy_header`)."""
    with open(path, "rb") as fh:
        return npy_header(fh)


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """``repr``-like quoting of a user's value, cut to ``limit`` characters (a 19 MB number stays short)."""
    text = str(value)
    if len(text) > limit:
        text = f"{text[: limit - 20]}...({len(text):,} characters)"
    return repr(text) if isinstance(value, str) else text


def _blank_ends(p: Path) -> str:
    """What the line must add when a part of the path begins or ends with a space or a tab (a path
    pasted with its blank, a job file's ``"talk.wav "``): invisible in "not found: .../talk.wav", it
    named a file the user could see was there. Where the path without those blanks exists, it is named."""
    if all(part == part.strip() for part in p.parts):
        return ""
    ends = "ends" if p.name != p.name.rstrip() else "begins" if p.name != p.name.lstrip() else ""
    said = f"the name {ends} with a blank" if ends else "a folder's name begins or ends with a blank"
    trimmed = Path(*(part.strip() or part for part in p.parts))
    there = f"; {trimmed} exists" if trimmed.exists() else ""
    return f" ({said}{there})"


def _other_unicode_form(p: Path) -> str:
    """What the line must add when the first missing part of ``p`` is in its folder under another
    Unicode spelling: a name copied from macOS is stored decomposed (NFD: ``e`` + a combining
    accent) and the same name typed on Linux is composed (NFC), or the other way round. Both look
    the same, so "not found" named a file the user could see (review rv38b F6). Said, not used: an
    output written beside it later under the typed spelling would be a second file."""
    if p.as_posix().isascii():
        return ""
    here, parts = (Path(p.parts[0]), p.parts[1:]) if p.anchor else (Path(), p.parts)
    for part in parts:
        there = here / part
        if os.path.lexists(there):
            here = there
            continue
        wanted = unicodedata.normalize("NFC", part)
        try:
            with os.scandir(here) as entries:
                match = next(
                    (e.name for e in entries if unicodedata.normalize("NFC", e.name) == wanted), None
                )
        except OSError:
            return ""
        if match is None or match == part:
            return ""
        form = (
            "in decomposed form (NFD, as macOS writes names)"
            if unicodedata.is_normalized("NFD", match)
            else "in composed form (NFC)"
            if unicodedata.is_normalized("NFC", match)
            else "in another Unicode form"
        )
        return (
            f" ({here / match} is there, its name {form}: {ascii(match)}; rename it, or give the name"
            " as the folder lists it)"
        )
    return ""


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
        blanks = _blank_ends(p)  # quoted, so that the blank shows
        said = blanks or _other_unicode_form(p)
        raise DualTalkError(f"{label} not found: {repr(str(p)) if blanks else p}{said}") from None
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
