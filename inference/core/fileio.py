"""Crash-safe file writing: write to a sibling temp file, fsync, then rename.

Every output the project writes (.npz, .blend, .fbx, .wav, checkpoints) goes through
:func:`atomic_path` so that an interrupted job never leaves a half-written file under
the final name.

What is at an output path decides how it is written, one rule for every writer
(:func:`resolve_output`): a regular file (or nothing) is replaced atomically; a symbolic link
to a regular file keeps the link and its target is replaced atomically; a pipe (FIFO), a
terminal or another character device, and our own descriptors (``/dev/stdout``,
``/dev/fd/N``) are written into once the file is complete, never replaced; a block
device, a socket or another special file is refused.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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


def not_its_own_file(st: os.stat_result) -> str | None:
    """What a file with status ``st`` (its ``lstat``) is when it is not a regular file of its own, in
    words ("a symbolic link", ...); None when it is one. A name in a shared folder (a farm's
    ``$DUALTALK_HOME``, a download's resume file) may have been planted there by someone else."""
    if stat.S_ISLNK(st.st_mode):
        return "a symbolic link"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_nlink > 1:
        return "a hard link to another file"
    return None


def missing_folders(folder: str | os.PathLike[str]) -> list[Path]:
    """The folders up to ``folder`` that do not exist yet, deepest first (what a ``mkdir -p`` makes),
    so a run that fails can take back the folders it made itself (:func:`remove_empty_folders`)."""
    out: list[Path] = []
    p = Path(folder)
    while not os.path.lexists(p) and p != p.parent:
        out.append(p)
        p = p.parent
    return out


def remove_empty_folders(folders: Sequence[Path]) -> None:
    """Remove ``folders`` (deepest first) that are still empty; one holding anything (another run's
    files) stays, and so do the folders above it."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def ensure_writable_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` if needed and check, by making a file there, that we may write into it. When a
    folder cannot be made (a name too long, no room), the ones made on the way are removed again."""
    p = Path(path)
    made = missing_folders(p)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        remove_empty_folders([f for f in made if os.path.lexists(f)])  # those made before it failed
        raise DualTalkError(f"cannot create output directory {p}: {exc.strerror or exc}") from None
    if not p.is_dir():
        raise DualTalkError(f"output path {p} exists and is not a directory")
    why = cannot_write(p)
    if why is not None:
        raise DualTalkError(f"output directory {p} {why}; choose another folder")
    return p


def read_only(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is one this user may not write, so a run must not replace it: a
    plain ``open(path, "w")`` would refuse it (a take the TD marked read-only, another user's 0644
    file); for root, whom the system lets write anything, a file with no write bit at all. False
    where nothing (or no regular file) is there: the other checks speak for those."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if getattr(os, "geteuid", lambda: -1)() == 0:
        return not st.st_mode & 0o222
    effective = os.access in os.supports_effective_ids
    return not os.access(path, os.W_OK, effective_ids=effective)


def _keep_permissions(tmp: Path, final: Path) -> None:
    """Give the new file ``tmp`` what a file replaced at ``final`` had: its permission bits (a
    group-shared 0664 take stays 0664) and, where this user may set it, its group. With nothing
    there, the bits a plain ``open()`` would give under the umask (mkstemp makes 0600)."""
    try:
        st = os.stat(final)
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        os.chmod(tmp, plain_mode())
        return
    if hasattr(os, "chown") and os.stat(tmp).st_gid != st.st_gid:
        with contextlib.suppress(OSError):  # only a member of the group (or root) may
            os.chown(tmp, -1, st.st_gid)
    os.chmod(tmp, stat.S_IMODE(st.st_mode) & 0o777)  # after chown, which may clear bits


@dataclass(frozen=True)
class Output:
    """Where a write to ``path`` goes (:func:`resolve_output`)."""

    path: Path  # as the caller named it: messages say this
    file: Path  # the file replaced atomically: ``path``, or the file a symbolic link there points to
    fd: int | None = None  # our own open descriptor ``path`` names (/dev/stdout, /dev/fd/N): written into
    stream: bool = False  # a pipe (FIFO) or a character device (a terminal, /dev/null): written into

    @property
    def streamed(self) -> bool:
        """Written straight into once complete, never replaced (it cannot be renamed over)."""
        return self.fd is not None or self.stream


def resolve_output(path: str | os.PathLike[str], label: str | None = None) -> Output:
    """What writing ``path`` means, the one rule :func:`atomic_paths` and the up-front checks
    (``outputs.check_target``) share. Replacing whatever is there broke links (``/dev/stdout`` as
    root became a regular file for the whole system), pipes and a user's own symbolic links.

    Refused in one line (``label`` leads it): a block device, a socket or another special file, a
    symbolic link loop, and a broken link whose target's folder does not exist.
    """
    p = Path(path)
    name = f"{label} {p}" if label else str(p)
    fd = _own_descriptor(p)
    if fd is not None:
        return Output(p, p, fd=fd)
    try:
        mode = os.stat(p).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DualTalkError(f"{name} is a symbolic link loop; give a file name") from None
        if exc.errno == errno.ENOENT and os.path.islink(p):  # a broken link: its target is written
            target = Path(os.path.realpath(p))
            if not target.parent.is_dir():
                raise DualTalkError(
                    f"{name} is a broken link (it points to {os.readlink(p)}, whose folder does not exist)"
                ) from None
            return Output(p, target)
        return Output(p, p)  # nothing there (or unreadable): the writer or the folder check says why
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Output(p, p, stream=True)
    if stat.S_ISREG(mode):
        return Output(p, Path(os.path.realpath(p)) if os.path.islink(p) else p)
    if stat.S_ISDIR(mode):
        return Output(p, p)  # refused by the callers, in their words ("is a folder")
    what = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "a special file"
    raise DualTalkError(
        f"{name} is {what}; give a file name (a pipe or a terminal is written into, not replaced)"
    )


_FD_FOLDER = re.compile(r"/proc/(\d+)(?:/task/\d+)?/fd")


def _own_descriptor(path: Path) -> int | None:
    """The descriptor of this process that ``path`` names through ``/proc/self/fd`` or ``/dev/fd``
    (``/dev/stdout`` is a link to ``/proc/self/fd/1``), if it is open. Opening such a path again would
    reach what the descriptor points to *now*: stderr while Blender's output is sent there (the CLI
    does that with descriptor 1), or a log file truncated from its start."""
    p = os.path.abspath(path)
    for _ in range(40):  # the kernel follows at most 40 links
        folder, name = os.path.split(p)
        folder = os.path.realpath(folder)
        if name.isascii() and name.isdigit():
            m = _FD_FOLDER.fullmatch(folder)
            if (m is not None and int(m.group(1)) == os.getpid()) or folder == "/dev/fd":
                try:
                    os.fstat(int(name))
                except OSError:
                    return None
                return int(name)
        here = os.path.join(folder, name)
        if not os.path.islink(here):
            return None
        p = os.path.join(folder, os.readlink(here))
    return None


def _stream(tmp: Path, out: Output) -> None:
    """Write the finished ``tmp`` into a pipe, a terminal or one of our descriptors."""
    with open(tmp, "rb") as src:
        if out.fd in (1, 2):  # through Python's stream: the CLI keeps the real stdout there
            stream = sys.stdout if out.fd == 1 else sys.stderr
            stream.flush()
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                shutil.copyfileobj(src, buffer)
                buffer.flush()
            else:
                stream.write(src.read().decode("utf-8", errors="replace"))
                stream.flush()
        elif out.fd is not None:
            while block := src.read(1 << 20):
                view = memoryview(block)
                while view:
                    view = view[os.write(out.fd, view) :]
        else:  # O_TRUNC does nothing to a pipe or a device; opening a pipe waits for its reader
            with open(out.path, "wb") as dst:
                shutil.copyfileobj(src, dst)


def disk_trouble(folder: str | os.PathLike[str], size: int = 1 << 20) -> str | None:
    """Why a file of ``size`` bytes cannot be written in ``folder`` now ("No space left on device",
    "Disk quota exceeded", an I/O error), found by writing one (random bytes: a compressing file
    system stores zeros in no space) and syncing it; None when it can. For writers that report
    success on a full disk (Blender's image writer leaves 0-byte frames) or blame something else
    (FFmpeg's "could not initialize streams")."""
    try:
        with tempfile.TemporaryFile(dir=folder) as fh:
            fh.write(os.urandom(max(1, size)))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


# how staged names are made (read back by .stale_parts, which removes what a killed run left): a
# final's stem is cut to STEM_CUT characters, an engine's scratch folder starts with SCRATCH_PREFIX
STEM_CUT = 64
SCRATCH_PREFIX = ".engine."


@contextlib.contextmanager
def atomic_path(
    final: str | os.PathLike[str], suffix: str | None = None, *, prefix: str | None = None
) -> Iterator[Path]:
    """Yield a temporary path next to ``final``; rename it over ``final`` on success.

    The temp name keeps the final extension (``suffix``) because some writers
    (numpy, Blender's FBX exporter) append or check extensions. ``prefix``: the temp name's start
    in place of ``.STEM.`` (a writer that reads characters of the name, as Blender's render output
    reads ``#`` and ``{...}``, gets a name made without the user's text).
    """
    with atomic_paths([final], suffix, prefix=prefix) as (tmp,):
        yield tmp


def write_sound(
    path: str | os.PathLike[str], data: object, rate: int, *, suffix: str | None = None, **options: object
) -> Path:
    """``data`` written at ``path`` as a 16-bit sound file by soundfile (``options``: its ``format``,
    ``subtype``), atomically (:func:`atomic_path`). A write that fails (a full disk: libsndfile says
    only "System error.") is one line with the disk's own error (:func:`disk_trouble`)."""
    import soundfile as sf

    with atomic_path(path, suffix=suffix) as tmp:
        # bytes on POSIX: soundfile encodes a str strictly, and a name may hold bytes that are not
        # UTF-8 -- a legal file name Blender writes
        target = str(tmp) if os.name == "nt" else os.fsencode(tmp)
        try:
            sf.write(target, data, rate, **options)
        except sf.SoundFileRuntimeError as exc:  # LibsndfileError: "System error." hides ENOSPC
            size = 2 * int(getattr(data, "size", 0)) + 44  # the file's size (16-bit samples), tried
            why = disk_trouble(tmp.parent, max(1 << 16, size))
            raise DualTalkError(f"could not write {path}: {why or exc}") from None
    return Path(path)


@contextlib.contextmanager
def atomic_paths(
    finals: Sequence[str | os.PathLike[str]], suffix: str | None = None, *, prefix: str | None = None
) -> Iterator[list[Path]]:
    """:func:`atomic_path` for files that belong together (a take's A.npz and B.npz): all are
    written and synced before the first rename, so a failure or Ctrl-C while writing leaves every
    old file in place, never new ones beside old ones that look like one set.

    Each path is taken by :func:`resolve_output`: a link to a file keeps the link (its target is
    replaced), a pipe or a terminal is written into after the set's renames (its temporary lies in
    the system's temp folder), a device or socket is refused before anything is written.

    A file replaced keeps its permission bits and group (:func:`_keep_permissions`); one this user
    may not write (:func:`read_only`) is refused before anything is written, as ``open()`` would:
    renaming over it would drop its protection without a word."""
    paths = [Path(f) for f in finals]
    tmps: list[Path] = []
    outs: list[Output] = []
    current: Path | None = None  # the output being worked on, for the message
    try:
        for current in paths:
            out = resolve_output(current)
            if not out.streamed and read_only(out.file):
                raise DualTalkError(f"{current} is read-only; remove it or make it writable")
            outs.append(out)
            if out.streamed:
                folder = Path(tempfile.gettempdir())
            else:
                folder = out.file.parent
                ensure_writable_dir(folder if str(folder) else ".")
            ext = current.suffix if suffix is None else suffix
            # the stem is cut: a name near the file system's 255-byte limit still gets a temporary
            start = f".{current.stem[:STEM_CUT]}." if prefix is None else prefix
            fd, name = tempfile.mkstemp(prefix=start, suffix=".part" + ext, dir=folder)
            os.close(fd)
            tmps.append(Path(name))
        current = None
        yield tmps
        for current, out, tmp in zip(paths, outs, tmps, strict=True):
            if not tmp.exists() or tmp.stat().st_size == 0:
                raise DualTalkError(f"writing {current.name} produced no data")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            if out.streamed:  # mkstemp creates 0600; give the result what a plain open() would
                os.chmod(tmp, plain_mode())
            else:
                _keep_permissions(tmp, out.file)
            if not out.streamed and out.file.is_dir():  # the one rename that would fail: find it first
                raise OSError(errno.EISDIR, "a folder is in its place")
        current = None
        files = [(out.file, tmp) for out, tmp in zip(outs, tmps, strict=True) if not out.streamed]
        replace_all([f for f, _ in files], [t for _, t in files])
        for out, tmp in zip(outs, tmps, strict=True):
            if out.streamed:  # after the renames: what went into a pipe cannot be taken back
                current = out.path
                _stream(tmp, out)
        current = None
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
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, suffix=".part", dir=inside))
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


def replace_all(paths: list[Path], tmps: list[Path]) -> None:
    """Rename each temporary over its final path; if one rename fails, the ones already renamed
    are undone (each old file was hard-linked aside first), so the set is all old or all new.
    Ctrl-C and SIGTERM wait until the set is in place (a new .blend beside the old audio otherwise)."""
    from .interrupts import held

    with held():
        _replace_set(paths, tmps)


def _replace_set(paths: list[Path], tmps: list[Path]) -> None:
    olds: list[Path | None] = []
    existed = [os.path.lexists(p) for p in paths]
    journal: Path | None = None
    try:
        for path in paths:
            olds.append(_link_aside(path))
        if len(paths) > 1:  # a SIGKILL between two renames cannot be held: the next run puts this back
            journal = _write_journal(paths, tmps, olds, existed)
        renamed = 0
        try:
            for path, tmp in zip(paths, tmps, strict=True):
                os.replace(tmp, path)
                renamed += 1
            if journal is not None:  # the set is whole: nothing to put back
                _drop(journal)
                journal = None
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
        if journal is not None:  # put back above (or a failure before any rename): nothing to redo
            _drop(journal)
        for old in olds:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()


def _drop(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


JOURNAL_SUFFIX = ".dualtalk-set"  # beside a set's first file while its renames run: what to put back


def journal_file(first: Path) -> Path:
    """Where the journal of a set whose first file is ``first`` lies while the set is renamed into
    place (:func:`recover_set`): hidden, beside it."""
    return first.with_name(f".{first.name[: STEM_CUT * 3]}{JOURNAL_SUFFIX}")


def _write_journal(
    paths: list[Path], tmps: list[Path], olds: list[Path | None], existed: list[bool]
) -> Path | None:
    """Record, before the first rename, each file of the set: where it goes, the earlier file's link
    aside (:func:`_link_aside`), whether one was there, and the new file's identity; written whole
    and synced, so a journal that cannot be read was never acted on (no rename had run). None where
    it cannot be written (a full disk): the set is renamed as before, held against signals only."""
    entries = []
    for path, tmp, old, was in zip(paths, tmps, olds, existed, strict=True):
        st = os.stat(tmp)
        entries.append(
            {
                "path": os.fspath(path),
                "old": None if old is None else old.name,
                "was": was,
                "new": [st.st_dev, st.st_ino],
            }  # fmt: skip
        )
    journal = journal_file(paths[0])
    try:
        with open(journal, "w", encoding="utf-8", errors="surrogateescape") as fh:
            json.dump({"set": entries}, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
    except (OSError, ValueError):
        _drop(journal)
        return None
    return journal


_OLD = re.compile(r"\.(?P<stem>.*)\.[0-9a-f]{8}\.old(?P<ext>.*)")  # _link_aside's names


def _is_old_of(name: str, final: Path) -> bool:
    """Whether ``name`` is one :func:`_link_aside` gives ``final``'s earlier file."""
    found = _OLD.fullmatch(name)
    return found is not None and found["stem"] == final.stem[:64] and found["ext"] == final.suffix


def _same_inode(path: Path, ident: object) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return isinstance(ident, list) and [st.st_dev, st.st_ino] == ident


def recover_set(finals: Sequence[Path]) -> list[Path]:
    """Put back the set a run killed (SIGKILL: nothing can hold it) while renaming it into place
    left mixed: a new .blend beside the earlier dialogue.wav, a new A.npz beside the earlier B.npz
    (review rv40c F3). A journal beside any of ``finals`` names each file of that set: its earlier
    file, linked aside, is renamed back over the new one, a new file where none was is removed; a
    file that is neither (written since) is left. Then the earlier files' links aside that no run
    removed (``.NAME.XXXXXXXX.old.EXT``) go. Call only while holding the outputs' locks (the dead
    run's are free); returns the files put back."""
    restored: list[Path] = []
    for final in finals:
        journal = journal_file(final)
        try:
            with open(journal, encoding="utf-8", errors="surrogateescape") as fh:
                entries = json.load(fh)["set"]
        except FileNotFoundError:
            continue
        except (OSError, ValueError, KeyError, TypeError):
            entries = []  # written only part-way: the run was killed before its first rename
        if not isinstance(entries, list):
            entries = []
        for entry in entries:
            with contextlib.suppress(OSError, KeyError, TypeError, ValueError):
                path = Path(entry["path"])
                old = path.with_name(entry["old"]) if isinstance(entry["old"], str) else None
                if old is not None and not (_is_old_of(old.name, path) and _regular(old)):
                    old = None  # a name the journal should not hold: nothing is renamed from it
                new_here = _same_inode(path, entry["new"])
                if old is not None and (new_here or not os.path.lexists(path)):
                    os.replace(old, path)
                    restored.append(path)
                elif old is None and entry["was"] is False and new_here:
                    path.unlink()  # new where nothing was: gone again
                    restored.append(path)
        _drop(journal)
    for folder, names in _olds_by_folder(finals).items():
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for name in entries:
            if any(_is_old_of(name, final) for final in names) and _regular(folder / name):
                _drop(folder / name)
    return restored


def _olds_by_folder(finals: Sequence[Path]) -> dict[Path, list[Path]]:
    by: dict[Path, list[Path]] = {}
    for final in finals:
        by.setdefault(final.parent, []).append(final)
    return by


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


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


def plain_mode(folder: bool = False) -> int:
    """The permission bits a plain ``open()`` (0o666) or ``mkdir()`` (0o777) gives under this
    process's umask: what a file or folder made through a temporary (0600, 0700) should get."""
    return (0o777 if folder else 0o666) & ~_umask()


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
