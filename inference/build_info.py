"""Which build of DualTalk this is: ``0.2.0+1a2b3c4d5e6f``, the release's version and a fingerprint of
the files the build ships.

Every build said 0.1.0 for months (review 33u F4): Blender's Extensions list showed one version for
every build (an install from a file over an installed copy says "Reinstalled" whatever the versions:
Blender 5.0's ``blender_ext.py``), a bug report could not name its build, and a take recorded its
weights but not the code that made it. The version moves by hand at each release
(``blender_manifest.toml`` and ``__init__.__version__``, which a test keeps equal); between two
releases a checkout, a patched copy and an installed extension are told apart by the fingerprint:
sha256 over every file the extension zip ships (what ``blender_manifest.toml``'s
``paths_exclude_pattern`` leaves in), by path and bytes, line endings made one (a Windows checkout is
the same build), less the files that only say words (``*.md``, ``LICENSE``). Read from the files, not
from git, which an installed extension does not have; once per process, about 4 MB (the embedded
weights included), a few hundredths of a second.

Printed by ``python -m dualtalk --version``, shown in the add-on's preferences, and recorded in
every take: the motion files' ``meta["build"]`` and the take record on its actions.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import stat
import tomllib
from pathlib import Path

from .. import __version__

VERSION = __version__
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "blender_manifest.toml"
FINGERPRINT_HEX = 12  # digits of the fingerprint a build id shows
WORDS_ONLY = ("*.md", "LICENSE")  # shipped files that change no behaviour
# what the manifest leaves out when it cannot be read (its own list as of 0.2.0)
_DEFAULT_EXCLUDE = (
    "__pycache__/",
    "*.pyc",
    ".*",
    "/tests/",
    "/bench/",
    "/training/",
    "/docs/*",
    "!/docs/ASSETS.md",
    "/scripts/",
    "/build/",
    "/dist/",
    "/out/",
    "/demo_out/",
    "*.part",
    "*.part.*",
    "*.egg-info/",
)


def exclude_patterns(root: Path) -> tuple[str, ...]:
    """The manifest's ``[build] paths_exclude_pattern`` (what the extension zip leaves out)."""
    try:
        data = tomllib.loads((root / MANIFEST).read_text(encoding="utf-8"))
        patterns = data["build"]["paths_exclude_pattern"]
    except (OSError, ValueError, KeyError, TypeError):
        return _DEFAULT_EXCLUDE
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        return _DEFAULT_EXCLUDE
    return tuple(patterns)


def _matches(pattern: str, rel: str, is_dir: bool) -> bool:
    """One gitignore-style pattern as Blender's extension builder reads it: a trailing ``/`` matches
    folders only, a leading ``/`` (or a ``/`` inside) anchors it at the root, else it matches a name
    at any depth."""
    if pattern.endswith("/"):
        if not is_dir:
            return False
        pattern = pattern[:-1]
    if pattern.startswith("/") or "/" in pattern:
        return fnmatch.fnmatchcase(rel, pattern.lstrip("/"))
    return fnmatch.fnmatchcase(rel.rpartition("/")[2], pattern)


def excluded(rel: str, is_dir: bool, patterns: tuple[str, ...]) -> bool:
    """Whether the zip leaves ``rel`` (a path from the root, with ``/``) out: the last pattern that
    matches decides, a ``!`` one taking it back in."""
    out = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _matches(pattern[1:] if negated else pattern, rel, is_dir):
            out = not negated
    return out


def shipped_files(root: Path) -> list[str]:
    """The files under ``root`` the extension zip holds, as paths from the root with ``/``, sorted."""
    patterns = exclude_patterns(root)
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder).relative_to(root).as_posix()
        prefix = "" if here == "." else here + "/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not excluded(prefix + d, True, patterns) and not os.path.islink(os.path.join(folder, d))
        )
        found += [prefix + f for f in files if not excluded(prefix + f, False, patterns)]
    return sorted(found)


def source_fingerprint(root: Path = PACKAGE_ROOT) -> str:
    """sha256 of the build's shipped files (:func:`shipped_files` less :data:`WORDS_ONLY`): each
    path and its bytes, ``\\r\\n`` read as ``\\n``. A file that cannot be read counts as ``?``, and so
    does one that is no plain file (a named pipe or socket left in the folder: reading it would wait
    for ever, and ``--version`` and the preferences with it)."""
    digest = hashlib.sha256()
    for rel in shipped_files(root):
        name = rel.rpartition("/")[2]
        if any(fnmatch.fnmatchcase(name, w) for w in WORDS_ONLY):
            continue
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if not stat.S_ISREG(os.stat(root / rel).st_mode):
                raise IsADirectoryError(rel)  # (counted as one that cannot be read)
            data = (root / rel).read_bytes()
        except OSError:
            data = b"?"
        digest.update(hashlib.sha256(data.replace(b"\r\n", b"\n")).digest())
    return digest.hexdigest()


@functools.cache
def build_id() -> str:
    """This build: ``VERSION+FINGERPRINT`` (the first :data:`FINGERPRINT_HEX` digits), computed once
    per process."""
    return f"{VERSION}+{source_fingerprint()[:FINGERPRINT_HEX]}"


def version_line() -> str:
    """What ``python -m dualtalk --version`` prints: ``DualTalk 0.2.0 (build 0.2.0+1a2b3c4d5e6f)``."""
    return f"DualTalk {VERSION} (build {build_id()})"
