"""Which build of DualTalk this is: ``0.2.0+1a2b3c4d5e6f``, the release's version and a fingerprint of
the files the build ships.

Every build said 0.1.0 for months (review 33u F4): Blender's Extensions list showed one version for
every build (an install from a file over an installed copy says "Reinstalled" whatever the versions:
Blender 5.0's ``blender_ext.py``), a bug report could not name its build, and a take recorded its
weights but not the code that made it. The version moves by hand at each release
(``blender_manifest.toml`` and ``__init__.__version__``, which a test keeps equal); between two
releases a checkout, a patched copy and an installed extension are told apart by the fingerprint:
sha256 over the files that make the build's behaviour, by path and bytes. Which files count is the
extension build's own rule (``scripts/build_extension.py``): of what ``blender_manifest.toml``'s
``paths_exclude_pattern`` leaves in, the code (``*.py``), the two manifests
(``blender_manifest.toml``, ``pyproject.toml``) and each asset ``docs/ASSETS.md`` records under a
``## Bundled: `path``` heading (the demo's sound, the embedded weights); the build refuses any other
file, so anything else left in a checkout (a render, a ``.blend``, a downloaded checkpoint) is no
part of the build and does not count (review rv35a F6: a 2 GB render in a dev checkout cost 29 s and
2 GB of memory per take, and changed the id). Text files are read with line endings made one (a
Windows checkout is the same build); each file is read in chunks, and one over
:data:`MAX_HASHED_BYTES` counts by path and size only. Read from the files, which an installed
extension has without git; once per process, about 2 MB, a few hundredths of a second.

In a git checkout of the project those files count only if git tracks them (its index: committed or
``git add``-ed): a file nobody added is no part of the program, whatever its name. A scratch
``try.py`` dropped beside the code, an editor's or Finder's copy (``vad copy.py``,
``generate_old.py``) made every take, cache and record of that checkout another build (session 36's
leftover); a tracked file still counts by its bytes on disk, so an edit not yet committed is another
build, as it must be. The index is read here, not by running git (an add-on's Python may have none);
where there is no ``.git`` beside the code (an installed extension: the zip is the build), or its
index is not one this reader knows or does not track this very module, every shipped file counts as
before.

Printed by ``python -m dualtalk --version``, shown in the add-on's preferences, and recorded in
every take: the motion files' ``meta["build"]`` and the take record on its actions.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import re
import stat
import struct
import tomllib
from pathlib import Path
from typing import BinaryIO

from .. import __version__

VERSION = __version__
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "blender_manifest.toml"
FINGERPRINT_HEX = 12  # digits of the fingerprint a build id shows
# what a build ships besides the assets docs/ASSETS.md records (scripts/build_extension.py's rule)
CODE_SUFFIX = ".py"
MANIFESTS = frozenset({MANIFEST, "pyproject.toml"})
ASSETS_DOC = "docs/ASSETS.md"
_BUNDLED = re.compile(r"^## Bundled: `([^`]+)`[ \t]*$")  # a heading as scripts/build_extension.py reads it
TEXT = (".py", ".toml", ".md", ".txt", ".json", ".cfg", ".ini", ".yaml", ".yml", ".csv")  # CRLF read as LF
MAX_HASHED_BYTES = 64 * 1024 * 1024  # a shipped file larger than this counts by path and size
_CHUNK = 1024 * 1024
_MAX_DOC_BYTES = 1024 * 1024
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


def bundled_assets(root: Path) -> frozenset[str]:
    """The paths ``docs/ASSETS.md`` records as bundled (``## Bundled: `path```): the only files
    besides code and :data:`MANIFESTS` that a build ships (the build refuses any other)."""
    try:
        with _open_plain(root / ASSETS_DOC) as fh:
            text = fh.read(_MAX_DOC_BYTES).decode("utf-8", "replace")
    except OSError:
        return frozenset()
    return frozenset(m.group(1) for line in text.splitlines() if (m := _BUNDLED.match(line)))


def fingerprinted_files(root: Path) -> list[str]:
    """The files the fingerprint reads: of :func:`shipped_files`, the code, the two manifests and the
    recorded assets; words (``*.md``, ``LICENSE``) change no behaviour, and any other file is one
    the build refuses to ship. In a git checkout, of those only what git tracks (:func:`tracked_files`)."""
    assets = bundled_assets(root)
    counted = [
        rel for rel in shipped_files(root) if rel.endswith(CODE_SUFFIX) or rel in MANIFESTS or rel in assets
    ]
    tracked = tracked_files(root)
    return [rel for rel in counted if is_tracked(rel, tracked)]


Tracked = tuple[frozenset[str], tuple[str, ...]]  # the files git tracks, and the folders it tracks whole


def is_tracked(rel: str, tracked: Tracked | None) -> bool:
    """Whether the file at ``rel`` (from the checkout's top, with ``/``) is part of the build as git
    sees it (``tracked``: :func:`tracked_files`; None, no checkout: every file is): listed in the
    index, or under a folder a sparse index lists whole. The one rule for the build id and for the
    done record's code fingerprint (``commands/shot_state``), which repeated it (review rv38d F5)."""
    return tracked is None or rel in tracked[0] or rel.startswith(tracked[1])


_INDEX_HEADER = struct.Struct(">4sII")  # "DIRC", version, entries
_ENTRY_FIXED = 40  # ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each)
_EXTENDED_FLAG = 0x4000  # an entry with two more bytes of flags (version 3 and up)
_DIR_MODE = 0o040000  # a sparse index's entry for a whole folder (``git sparse-checkout``)
MAX_INDEX_BYTES = 64 * 1024 * 1024


def _git_dir(root: Path) -> Path | None:
    """The checkout's git folder: ``root/.git``, or where a ``.git`` file (a worktree) points."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    try:
        with _open_plain(dot) as fh:
            line = fh.read(4096).decode("utf-8", "replace").strip()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    found = Path(line[len("gitdir:") :].strip())
    return found if found.is_absolute() else root / found


def _hash_size(git_dir: Path) -> int:
    """20 (sha1) or 32 (a ``--object-format=sha256`` repository) bytes per object name."""
    common = git_dir
    try:
        with _open_plain(git_dir / "commondir") as fh:  # a worktree's config is the main checkout's
            common = git_dir / fh.read(4096).decode("utf-8", "replace").strip()
    except OSError:
        pass
    try:
        with _open_plain(common / "config") as fh:
            config = fh.read(_MAX_DOC_BYTES).decode("utf-8", "replace")
    except OSError:
        return 20
    sha256 = re.search(r"^\s*objectformat\s*=\s*sha256\s*$", config, re.IGNORECASE | re.MULTILINE)
    return 32 if sha256 else 20


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """git's offset varint (index v4's count of bytes to drop from the previous path)."""
    c = data[at]
    at += 1
    value = c & 127
    while c & 128:
        c = data[at]
        at += 1
        value = ((value + 1) << 7) | (c & 127)
    return value, at


def read_git_index(data: bytes, hash_size: int = 20) -> tuple[frozenset[str], tuple[str, ...]]:
    """The paths a git index (versions 2-4) lists, and the folders a sparse index lists whole
    (``path/``); ValueError for what is not such an index (its trailing checksum checked), or is one
    split across files."""
    if len(data) < _INDEX_HEADER.size + hash_size:
        raise ValueError("too short")
    data, trailer = data[:-hash_size], data[-hash_size:]
    if any(trailer) and hashlib.new("sha256" if hash_size == 32 else "sha1", data).digest() != trailer:
        raise ValueError("its checksum does not match (cut short or damaged)")  # zeros: index.skipHash
    signature, version, count = _INDEX_HEADER.unpack_from(data)
    if signature != b"DIRC" or version not in (2, 3, 4):
        raise ValueError(f"not a git index of version 2-4 ({signature!r}, {version})")
    files: set[str] = set()
    folders: list[str] = []
    at, previous = _INDEX_HEADER.size, b""
    for _ in range(count):
        start = at
        (mode,) = struct.unpack_from(">I", data, at + 24)
        at += _ENTRY_FIXED + hash_size
        (flags,) = struct.unpack_from(">H", data, at)
        at += 2
        if flags & _EXTENDED_FLAG and version >= 3:
            at += 2
        if version == 4:
            drop, at = _varint(data, at)
            end = data.index(b"\0", at)
            if drop > len(previous):
                raise ValueError("a path drops more than its predecessor has")
            path = previous[: len(previous) - drop] + data[at:end]
            at = end + 1
        else:
            end = data.index(b"\0", at)
            path = data[at:end]
            at = start + ((end - start + 8) & ~7)  # NUL-padded to a multiple of 8
        if at > len(data):
            raise ValueError("an entry runs past the end")
        previous = path
        name = path.decode("utf-8", "surrogateescape")
        if mode & 0o170000 == _DIR_MODE:
            folders.append(name if name.endswith("/") else name + "/")
        else:
            files.add(name)
    if data[at : at + 4] == b"link":  # a split index: the shared part lies in another file
        raise ValueError("split index")
    return frozenset(files), tuple(folders)


class IndexUnreadable(ValueError):
    """A checkout's git index that cannot be read (why, in the message): the build id then counts
    every shipped file, and the extension builder refuses to guess what git tracks."""


def read_tracked(root: Path) -> Tracked | None:
    """:func:`tracked_files`, but a checkout whose index cannot be read (damaged, a split index, over
    :data:`MAX_INDEX_BYTES`) raises :class:`IndexUnreadable`: ``scripts/build_extension.py`` reads
    what git tracks here, by the rule the build id uses, and ships nothing it cannot tell."""
    git_dir = _git_dir(root)
    if git_dir is None:
        return None
    index = git_dir / "index"
    try:
        with _open_plain(index) as fh:
            data = fh.read(MAX_INDEX_BYTES + 1)
        if len(data) > MAX_INDEX_BYTES:
            raise IndexUnreadable(f"{index} is over {MAX_INDEX_BYTES >> 20} MiB")
        files, folders = read_git_index(data, _hash_size(git_dir))
    except FileNotFoundError:  # nothing added yet: it tracks nothing, so not this project
        return None
    except IndexUnreadable:
        raise
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise IndexUnreadable(f"{index}: {exc}") from None
    own = Path(__file__).resolve().relative_to(PACKAGE_ROOT).as_posix()
    if own not in files and not own.startswith(folders):
        return None
    return files, folders


def tracked_files(root: Path) -> Tracked | None:
    """What git tracks in the checkout at ``root`` (:func:`read_git_index`): None where ``root`` has
    no ``.git`` (an installed extension), the index cannot be read, or it does not track this very
    module (``root`` is not the top of a checkout of the project: every shipped file counts)."""
    try:
        return read_tracked(root)
    except IndexUnreadable:
        return None


class _NotPlain(OSError):
    """A named pipe, socket, device or folder where a file was listed."""


def _open_plain(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is a plain file: opened without waiting (a named pipe
    would wait for a writer for ever) and checked on the open descriptor, so a file swapped for a
    pipe after the listing is refused too."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _NotPlain(str(path))
        return open(fd, "rb", buffering=0)  # noqa: SIM115 (the caller closes it)
    except BaseException:
        os.close(fd)
        raise


def file_digest(path: Path, text: bool) -> bytes:
    """sha256 of one file, read in chunks (``\\r\\n`` read as ``\\n`` when ``text``); one larger
    than :data:`MAX_HASHED_BYTES` by its size alone; ``?`` for one that cannot be read or is no
    plain file (a named pipe or socket left in the folder: reading it would wait for ever, and
    ``--version`` and the preferences with it)."""
    digest = hashlib.sha256()
    try:
        with _open_plain(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_HASHED_BYTES:
                return hashlib.sha256(b"size %d" % size).digest()
            held = b""
            while chunk := fh.read(_CHUNK):
                if text:
                    chunk = held + chunk
                    held = b"\r" if chunk.endswith(b"\r") else b""
                    chunk = chunk[: len(chunk) - len(held)].replace(b"\r\n", b"\n")
                digest.update(chunk)
            digest.update(held)
    except OSError:
        return hashlib.sha256(b"?").digest()
    return digest.digest()


def source_fingerprint(root: Path = PACKAGE_ROOT) -> str:
    """sha256 of the build (:func:`fingerprinted_files`): each path and its file's digest
    (:func:`file_digest`)."""
    digest = hashlib.sha256()
    for rel in fingerprinted_files(root):
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(file_digest(root / rel, rel.lower().endswith(TEXT)))
    return digest.hexdigest()


@functools.cache
def build_id() -> str:
    """This build: ``VERSION+FINGERPRINT`` (the first :data:`FINGERPRINT_HEX` digits), computed once
    per process."""
    return f"{VERSION}+{source_fingerprint()[:FINGERPRINT_HEX]}"


def version_line() -> str:
    """What ``python -m dualtalk --version`` prints: ``DualTalk 0.2.0 (build 0.2.0+1a2b3c4d5e6f)``."""
    return f"DualTalk {VERSION} (build {build_id()})"
