"""Which recording (or any file) these bytes are, cheaply: :func:`recording_fingerprint`.

Here in ``core`` (it needs only the standard library) so that what only compares files -- the done
record of an ``animate`` shot made from motion files, a take's recording check -- does not import the
audio intake (numpy, scipy's loops, the decoders: 0.16-0.45 s a process, fix37 kept37).
:mod:`..audio.dialogue` still names it for its callers.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FINGERPRINT_WHOLE = 16 << 20  # files up to 16 MiB are read whole
FINGERPRINT_SLICES = 16  # longer ones: slices spread over the file, its first and last bytes included
FINGERPRINT_SLICE = 64 << 10
_FINGERPRINTS: dict[tuple[tuple[str, int, int, int, int], ...], str] = {}  # by the files' identity


def recording_fingerprint(paths: list[Path]) -> str:
    """Which recording(s) these files hold, cheaply: sha256 over each file's size and bytes -- a file
    up to 16 MiB whole, a longer one as 16 slices of 64 KiB spread over it (its header and its end
    included) -- so a range of an hour-long take reads 1 MiB, not the recording again. Another
    recording, another cut or export of it, or a file cut short differ; the same file moved, copied
    or renamed does not. "" when a file cannot be read (the take's audio then goes unchecked).

    :func:`..audio.dialogue.load_dialogue` records it in every take's source (``source["fingerprint"]``); a range's
    check and its run in one process read the files once (kept by path, size, inode and times)."""
    try:
        stats = [(os.path.realpath(p), os.stat(p)) for p in paths]
    except OSError:
        return ""
    key = tuple((r, st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns) for r, st in stats)
    if key in _FINGERPRINTS:
        return _FINGERPRINTS[key]
    digest = hashlib.sha256()
    try:
        for path in paths:
            with open(path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                digest.update(f"{size}:".encode())
                if size <= FINGERPRINT_WHOLE:
                    while block := fh.read(1 << 20):
                        digest.update(block)
                    continue
                for k in range(FINGERPRINT_SLICES):
                    fh.seek((size - FINGERPRINT_SLICE) * k // (FINGERPRINT_SLICES - 1))
                    digest.update(fh.read(FINGERPRINT_SLICE))
    except OSError:
        return ""
    if len(_FINGERPRINTS) >= 8:
        _FINGERPRINTS.clear()
    _FINGERPRINTS[key] = found = "sha256-v1:" + digest.hexdigest()[:32]
    return found
