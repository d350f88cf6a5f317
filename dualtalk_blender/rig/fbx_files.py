"""The file names of an FBX export with one file per character (``--fbx-per-character``, the panel's
"One File per Character"): ``OUT.fbx`` becomes ``OUT_<A>.fbx`` and ``OUT_<B>.fbx``.

Unreal's skeletal-mesh import wants one root per skeleton, and a file with both characters holds
two; one file per character gives each its own (review 32g F4). The names are known before any
scene is opened (the character names a shot or the panel gives), so every check on the FBX path
(write plan, same-file and too-long checks, ``--skip-done``'s outputs) sees both files.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

# what Windows (and a path) cannot hold in a file name, plus the space, which pipelines split on
_UNSAFE = set('/\\:*?"<>| ')
# one file name's limit (ext4, XFS, APFS; NTFS counts UTF-16 units, never more than the bytes)
FILE_NAME_BYTES = 255


def safe_name(name: str) -> str:
    """A character's object name as part of a file name: each path separator, character Windows
    refuses, space, control or format character, and lone surrogate as ``_``; letters of every
    script stay (``José`` stays ``José``). Nothing left (an empty name) gives ``character``."""
    text = "".join(
        "_" if c in _UNSAFE or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") else c for c in name
    )
    return text or "character"


def per_character(path: Path, name_a: str, name_b: str) -> tuple[Path, Path]:
    """``OUT.fbx`` -> ``(OUT_<A>.fbx, OUT_<B>.fbx)`` beside it. Two names that read the same once
    made safe (``Ann.L`` / ``Ann:L``, or ``Ann`` / ``ann`` on a file system that ignores case) would
    be one file: both then carry their role too, ``OUT_Ann_L_A.fbx`` and ``OUT_Ann_L_B.fbx``.

    A character's name is shortened on a character boundary where the file name would pass the
    255 bytes a file system takes (Blender allows 255-byte object names; the whole name was refused
    as "name too long", review rv43c F5), as its layer actions' names are; two names alike once
    shortened carry their role as well. An ``OUT`` whose own name leaves no room is left to the
    length check, which names it."""
    stem, suffix = path.stem, path.suffix
    room = FILE_NAME_BYTES - len(f"{stem}_{suffix}".encode())
    safe_a, safe_b = (_cut(safe_name(n), room) for n in (name_a, name_b))
    if _alike(safe_a, safe_b):
        safe_a, safe_b = (f"{_cut(n, room - len('_A'))}_{role}" for n, role in ((safe_a, "A"), (safe_b, "B")))
    return path.with_name(f"{stem}_{safe_a}{suffix}"), path.with_name(f"{stem}_{safe_b}{suffix}")


def _cut(name: str, room: int) -> str:
    """``name`` within ``room`` UTF-8 bytes, cut on a character boundary; as it is when it fits or
    when there is no room at all (the length check then refuses the path in one line)."""
    if room < 1 or len(name.encode()) <= room:
        return name
    return name.encode()[:room].decode(errors="ignore")


def _alike(a: str, b: str) -> bool:
    """Whether two safe names would be one file (a file system that ignores case or composition)."""
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()
