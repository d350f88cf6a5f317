"""Crash-safe file writing: write to a sibling temp file, fsync, then rename.

Every output the project writes (.npz, .blend, .fbx, .wav, checkpoints) goes through
:func:`atomic_path` so that an interrupted job never leaves a half-written file under
the final name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import DualTalkError


def cannot_write(folder: str | os.PathLike[str]) -> str | None:
    """Why nothing can be created in ``folder`` (None: it can). The permission bits say yes to
    root everywhere, also where no file can be made (/proc, /sys, a read-only mount seen as
    writable), so a nameless temporary file is made and dropped at once to be sure."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return "is not writable"
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"does not take new files ({exc.strerror or exc})"
    return None


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` if needed and check, by making a file there, that we may write into it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DualTalkError(f"cannot create output directory {p}: {exc.strerror or exc}") from None
    if not p.is_dir():
        raise DualTalkError(f"output path {p} exists and is not a directory")
    why = cannot_write(p)
    if why is not None:
        raise DualTalkError(f"output directory {p} {why}; choose another folder")
    return p


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike[str], suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; rename it over ``final`` on success.

    The temp name keeps the final extension (``suffix``) because some writers
    (numpy, Blender's FBX exporter) append or check extensions.
    """
    with atomic_paths([final], suffix) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_paths(finals: Sequence[str | os.PathLike[str]], suffix: str | None = None) -> Iterator[list[Path]]:
    """:func:`atomic_path` for files that belong together (a take's A.npz and B.npz): all are
    written and synced before the first rename, so a failure or Ctrl-C while writing leaves every
    old file in place, never new ones beside old ones that look like one set."""
    paths = [Path(f) for f in finals]
    tmps: list[Path] = []
    current: Path | None = None  # the output being worked on, for the message
    try:
        for current in paths:
            ensure_writable_dir(current.parent if str(current.parent) else ".")
            ext = current.suffix if suffix is None else suffix
            # the stem is cut: a name near the file system's 255-byte limit still gets a temporary
            fd, name = tempfile.mkstemp(
                prefix=f".{current.stem[:64]}.", suffix=".part" + ext, dir=current.parent
            )
            os.close(fd)
            tmps.append(Path(name))
        current = None
        yield tmps
        for current, tmp in zip(paths, tmps, strict=True):
            if not tmp.exists() or tmp.stat().st_size == 0:
                raise DualTalkError(f"writing {current.name} produced no data")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            # mkstemp creates 0600; give the result the permissions a plain open() would.
            os.chmod(tmp, 0o666 & ~_umask())
            if current.is_dir():  # the one rename that would fail on this file system: find it first
                raise OSError(errno.EISDIR, "a folder is in its place")
        current = None
        _replace_all(paths, tmps)
    except OSError as exc:
        if current is None:  # the writer failed: name the output whose temporary it was writing
            by_tmp = {str(t): f for t, f in zip(tmps, paths, strict=True)}
            current = by_tmp.get(str(exc.filename), paths[0])
        raise DualTalkError(f"could not write {current}: {exc.strerror or exc}") from None
    finally:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()


@contextlib.contextmanager
def staged_set(finals: Sequence[str | os.PathLike[str]]) -> Iterator[dict[Path, Path]]:
    """:func:`atomic_paths` as a map from each final path to its hidden staged sibling, for a
    command's whole set of outputs; a :class:`DualTalkError` naming a staged file (the writers name
    what they wrote) names the user's file instead."""
    paths = [Path(f) for f in finals]
    with atomic_paths(paths) as tmps:
        staged = dict(zip(paths, tmps, strict=True))
        try:
            yield staged
        except DualTalkError as exc:
            message = final_names(str(exc), staged)
            if message == str(exc):
                raise
            raise type(exc)(message) from None


@contextlib.contextmanager
def scratch_folder(inside: Path) -> Iterator[Path]:
    """A hidden folder in ``inside`` where an engine writes its take before the files are moved to
    their staged names; removed whatever happens. A message naming it names ``inside`` instead."""
    scratch = Path(tempfile.mkdtemp(prefix=".engine.", suffix=".part", dir=inside))
    try:
        yield scratch
    except DualTalkError as exc:
        if str(scratch) not in str(exc):
            raise
        raise type(exc)(str(exc).replace(str(scratch), str(inside))) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # only the scratch folder made above


def final_names(text: str, staged: dict[Path, Path]) -> str:
    """``text`` with each staged path (or bare file name) replaced by its final one."""
    for final, tmp in staged.items():
        text = text.replace(str(tmp), str(final)).replace(tmp.name, final.name)
    return text


def _replace_all(paths: list[Path], tmps: list[Path]) -> None:
    """Rename each temporary over its final path; if one rename fails, the ones already renamed
    are undone (each old file was hard-linked aside first), so the set is all old or all new.
    Ctrl-C and SIGTERM wait until the set is in place (a new .blend beside the old audio otherwise)."""
    from .interrupts import held

    with held():
        _replace_set(paths, tmps)


def _replace_set(paths: list[Path], tmps: list[Path]) -> None:
    olds: list[Path | None] = []
    existed = [os.path.lexists(p) for p in paths]
    try:
        for path in paths:
            olds.append(_link_aside(path))
        renamed = 0
        try:
            for path, tmp in zip(paths, tmps, strict=True):
                os.replace(tmp, path)
                renamed += 1
        except OSError as exc:
            for path, old, was in zip(paths[:renamed], olds[:renamed], existed[:renamed], strict=True):
                with contextlib.suppress(OSError):
                    if old is not None:
                        os.replace(old, path)
                    elif not was:  # new where nothing was: gone again
                        path.unlink()
                    # an old file that could not be linked aside: the new one stays (never nothing)
            exc.filename = str(tmps[renamed])  # names the output in the caller's message
            raise
    finally:
        for old in olds:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()


def _link_aside(path: Path) -> Path | None:
    """A second name for ``path``'s current file (a hard link: no copy), to put back if a later
    rename of its set fails; None where there is no file (or the file system has no hard links,
    the one case where a failed set can still end mixed)."""
    if not path.is_file() or path.is_symlink():
        return None
    for _ in range(3):
        aside = path.with_name(f".{path.stem[:64]}.{os.urandom(4).hex()}.old{path.suffix}")
        try:
            os.link(path, aside)
            return aside
        except FileExistsError:
            continue
        except OSError:
            return None
    return None


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
