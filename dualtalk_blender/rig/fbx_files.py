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
    be one file: both then carry their role too, ``OUT_Ann_L_A.fbx`` and ``OUT_Ann_L_B.fbx``."""
    safe_a, safe_b = safe_name(name_a), safe_name(name_b)
    if unicodedata.normalize("NFC", safe_a).casefold() == unicodedata.normalize("NFC", safe_b).casefold():
        safe_a, safe_b = f"{safe_a}_A", f"{safe_b}_B"
    return path.with_name(f"{path.stem}_{safe_a}{path.suffix}"), path.with_name(
        f"{path.stem}_{safe_b}{path.suffix}"
    )
