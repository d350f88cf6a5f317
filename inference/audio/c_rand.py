"""The C library's ``rand()`` held at a fixed state for a block of speech synthesis.

espeak-ng draws the breath noise of its breathy voice variants (``f2``, ``f3``, ``f5``, ...) from the
C library's ``rand()``, whose state belongs to the whole process (a private copy of the library, as
:mod:`.tts` loads for each utterance, still calls the one C library). So the same line in such a
voice came out with other noise after anything else in the process had drawn from it: every
earlier breathy utterance, a test before. :func:`seeded` makes the block start from ``seed`` (1 is
the state a new process starts with, as ``espeak-ng`` run on its own) and, with glibc, puts the
process's own sequence back after it.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys
from collections.abc import Iterator

_GLIBC_STATE_BYTES = 128  # glibc's default state size (a degree-31 generator): initstate(1) = a new process


@functools.lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    """The C library the process's other libraries call, or None where it cannot be reached."""
    if sys.platform == "win32":  # each DLL may bring its own C runtime: no one rand() to hold
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.srand.argtypes = [ctypes.c_uint]
    except (OSError, AttributeError):
        return None
    if hasattr(libc, "gnu_get_libc_version"):
        libc.initstate.argtypes = [ctypes.c_uint, ctypes.c_void_p, ctypes.c_size_t]
        libc.initstate.restype = ctypes.c_void_p
        libc.setstate.argtypes = [ctypes.c_void_p]
        libc.setstate.restype = ctypes.c_void_p
    return libc


@contextlib.contextmanager
def seeded(seed: int = 1) -> Iterator[None]:
    """``rand()`` starts from ``seed`` inside the block. With glibc (``rand()`` is ``random()``
    there) the block draws from a state of its own and the process's is put back after; elsewhere
    ``srand(seed)`` is called (the process's sequence restarts from it)."""
    libc = _libc()
    if libc is None:
        yield
        return
    if not hasattr(libc, "gnu_get_libc_version"):
        libc.srand(seed)
        yield
        return
    state = ctypes.create_string_buffer(_GLIBC_STATE_BYTES)
    before = libc.initstate(seed, state, _GLIBC_STATE_BYTES)
    try:
        yield
    finally:
        libc.setstate(before)
