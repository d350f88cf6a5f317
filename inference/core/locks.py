"""One run at a time per output: an exclusive ``flock`` on a hidden lock file beside it.

Two runs given the same output (two farm jobs with the same ``--out``, a shot re-queued while it
still runs) each wrote a whole set, the last writer won, and both reported success; two sets'
renames could even interleave, leaving ``A.npz`` from one run beside ``B.npz`` from the other. A
run now holds the lock of what it writes for as long as it runs, and a second run finds it held
and stops in one line naming the holder ("another DualTalk run is writing take (pid 812 on
render04, since 2026-12-05T00:41:07Z)") before any work.

- The kernel drops the lock when the process ends however it ends (``kill -9`` included), so a
  lock is never stale; the file itself is removed on the way out (on Windows, which removes no open
  file, just after the lock is let go). One that a ``kill -9`` left is
  taken over by the next run, also by another user of the group: the file is created
  ``0o666`` less the umask, and one that cannot be opened for writing is locked through a
  read-only descriptor.
- The lock file is ``.NAME.dualtalk-lock`` beside the real path of the output (two spellings of one
  file, one lock); a name too long for that (a legal 255-byte output name) is cut and given a hash
  of the whole name, so it stays unique and within the file system's limit.
- On a file system with no locks (``ENOLCK``, ``EOPNOTSUPP``, ``ENOSYS``: some NFS and SMB mounts)
  the run goes on unlocked and warns once (:func:`reset_lock_warning` starts a new run's count).

bpy- and torch-free: ``infer`` locks its take folder here, ``animate`` each shot's outputs
(``commands/shot_state.shot_lock``), its work folder with the take folder's lock, so an ``infer --out``
and an ``animate --work`` naming one folder keep each other out.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import socket
import stat
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import DualTalkError
from .fileio import missing_folders, remove_empty_folders
from .outputs import LOCK_SUFFIX as LOCK_SUFFIX
from .outputs import name_max, normalization_insensitive, real, spelled

NAME_MAX = 255  # bytes in one file name (ext4, XFS, btrfs, NFS, SMB)

# what a file system with no locks answers: the run goes on unlocked (one warning per run)
_NO_LOCKS = frozenset(
    n
    for n in (getattr(errno, name, None) for name in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS"))
    if n is not None
)
_warned_unlocked = False
_HELD: set[str] = set()  # the lock files this process holds now (:func:`holding`)

# the exit status of a command that found its output's lock held: EX_TEMPFAIL, "try again later",
# not bad input's 2; one value for every command that locks (infer, animate, demo, train, synth, align)
BUSY_EXIT = 75


class LockHeld(DualTalkError):
    """Another run holds the lock: its line (:func:`held_by`), and apart from it ``holder`` (who holds
    it, as its file says) and ``held`` (the line without its advice to wait; the whole line where none
    is given). A caller tells a busy output from a failure by this type, never by the words (review
    rv38d F5: a batch matched the text, and a reworded message would have turned a busy shot into a
    failed one, exit 2). Its exit status is :data:`BUSY_EXIT` wherever it ends a command: nothing is
    wrong with the input, so a farm wrapper retries instead of calling it bad input (``demo`` and the
    training commands said 2 while ``infer`` and ``animate`` said 75)."""

    exit_code = BUSY_EXIT

    def __init__(self, message: str, *, holder: str = "", held: str | None = None) -> None:
        super().__init__(message)
        self.holder = holder
        self.held = str(self) if held is None else " ".join(held.split())


# what a lock another run holds says: "another DualTalk run is writing TARGET (pid N on HOST, since
# ...)", then "; wait for it to end, or FIX"
HELD_LINE = "another DualTalk run is writing {target} ({holder})"


def held_by(target: str | os.PathLike[str], holder: str, fix: str) -> LockHeld:
    """The refusal of a run that finds ``target``'s lock held by ``holder``; ``fix``: what else to do."""
    held = HELD_LINE.format(target=os.fspath(target), holder=holder)
    return LockHeld(f"{held}; wait for it to end, or {fix}", holder=holder, held=held)


def lock_name(name: str, name_max: int = NAME_MAX) -> str:
    """The hidden lock file's name for an output named ``name``: ``.NAME.dualtalk-lock``, or, when
    that is longer than a file name may be (``name_max`` bytes: the file system's own limit, 143 on
    eCryptfs), the name cut (at a whole character) plus 16 hex digits of its sha256, so two long
    names sharing their start still get two locks."""
    full = f".{name}{LOCK_SUFFIX}"
    if len(os.fsencode(full)) <= name_max:
        return full
    # as the file system compares names: two spellings of one long name on macOS share one lock
    digest = hashlib.sha256(os.fsencode(str(spelled(Path(name))))).hexdigest()[:16]
    room = max(1, name_max - len(os.fsencode(f"..{digest}{LOCK_SUFFIX}")))
    if normalization_insensitive():  # one normal form: the two spellings are cut at one place
        name = unicodedata.normalize("NFD", name)
    cut = name[:room]  # a character is at least one byte
    while len(os.fsencode(cut)) > room:  # at a whole character: never half of a UTF-8 sequence
        cut = cut[:-1]
    return f".{cut}.{digest}{LOCK_SUFFIX}"


def lock_file(target: str | os.PathLike[str]) -> Path:
    """The hidden lock file of an output: beside its real path (two spellings of one file, one lock)."""
    where = real(target)
    return where.parent / lock_name(where.name, name_max(where))


TAKE_LOCK = f".take{LOCK_SUFFIX}"


def take_lock_file(folder: str | os.PathLike[str]) -> Path:
    """The lock file of a take folder's set (``A.npz``, ``B.npz``): inside the folder's real path, so
    it needs no write access to the folder above (``infer --out .``)."""
    return real(folder) / TAKE_LOCK


def reset_lock_warning() -> None:
    """A new run: its first output on a file system without locks warns again."""
    global _warned_unlocked
    _warned_unlocked = False


def _warn_unlocked(exc: OSError, what: str) -> None:
    global _warned_unlocked
    if _warned_unlocked:
        return
    _warned_unlocked = True
    print(
        f"warning: could not lock on this file system ({exc.strerror or exc}); two runs writing the same "
        f"{what} are not kept apart",
        file=sys.stderr,
        flush=True,
    )


def _key(lock: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.realpath(lock))


def holding(lock: str | os.PathLike[str]) -> bool:
    """Whether this process holds the lock file ``lock`` now (:func:`locked` took it and has not let
    it go): for code below the ``with`` that did not get its answer. A run that went on unlocked
    holds none. Asked of the lock itself, not of the holder line in its file, which is for the
    message only and may name another run (a file of another user's run this run could only
    open read-only keeps that run's line)."""
    return _key(lock) in _HELD


def _holder(fd: int) -> str:
    """Who holds a lock, as its file says (written once the lock was taken; maybe not yet)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode(errors="replace").strip()
    except OSError:
        text = ""
    return text or "a run that is starting"


# Windows locks a byte range, and no other handle may read a locked byte: the byte locked is far past
# the holder line at the start, so a refused run can still read who holds the lock (Windows locks
# past the end of a file; the file stays a line long)
WIN_LOCK_BYTE = 1 << 30


def _try_lock(fd: int) -> bool:
    """Take the lock: True, False when another run holds it; raises the OSError of a file system
    with no locks (:data:`_NO_LOCKS`) and of any other failure."""
    if sys.platform == "win32":  # no flock; msvcrt's lock also ends with the process
        import msvcrt

        os.lseek(fd, WIN_LOCK_BYTE, os.SEEK_SET)  # msvcrt.locking locks from the current position
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


try_lock = _try_lock  # public for the add-on's export leftovers (addon/fbx_leftovers): one lock rule


def _refuse_planted(path: Path) -> None:
    """A lock file must be a regular file of its own: a symbolic link (or a hard link, a pipe, a
    folder) planted at its name in a shared folder would have its target truncated and overwritten
    by the holder line. Refused in one line before anything is opened for writing."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    _refuse_stat(path, st)


def _refuse_stat(path: Path, st: os.stat_result) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise DualTalkError(f"{path} is a symbolic link; remove it")
    if not stat.S_ISREG(st.st_mode):
        raise DualTalkError(f"{path} is not a regular file (a DualTalk lock is one); remove it")
    if st.st_nlink > 1:  # some file systems report 0
        raise DualTalkError(f"{path} is a hard link to another file ({st.st_nlink} names); remove it")


def _open(path: Path) -> tuple[int, bool]:
    """The lock file opened (created ``0o666`` less the umask), and whether for writing. A file left
    by another user's run that we may not write (made under a stricter umask) is opened read-only:
    ``flock`` needs no write access, and its holder line is then left as it is. Never through a
    link (``O_NOFOLLOW``), and only a regular file with one name is kept open (:func:`_refuse_stat`)."""
    _refuse_planted(path)
    flags = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd, writable = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o666), True
    except PermissionError:
        if not os.path.isfile(path) or os.path.islink(path):
            raise
        fd, writable = os.open(path, os.O_RDONLY | flags), False
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link planted after the check above
            raise DualTalkError(f"{path} is a symbolic link; remove it") from None
        raise
    try:
        _refuse_stat(path, os.fstat(fd))
    except DualTalkError:
        os.close(fd)
        raise
    return fd, writable


def _replace_stale(fd: int, path: Path, target: str | os.PathLike[str], fix: str) -> None:
    """A lock file this user may only read, on a file system (NFS) whose ``flock`` needs write access
    for an exclusive lock: a shared lock still tells whether a run holds it. Held: the usual refusal.
    Not held (a killed run's leftover of another user in the group): removed while the shared lock
    keeps any run that opened it from taking it, so the next open makes a new file of ours."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise held_by(target, _holder(fd), fix) from None
    except OSError as exc:
        raise DualTalkError(f"cannot lock {target}: {exc.strerror or exc} ({path})") from None
    try:
        os.unlink(path)
    except OSError as exc:
        raise DualTalkError(
            f"cannot lock {target}: the lock file a stopped run of another user left cannot be replaced "
            f"({exc.strerror or exc}); remove {path}"
        ) from None


@contextlib.contextmanager
def locked(
    target: str | os.PathLike[str],
    label: str,
    *,
    lock: str | os.PathLike[str] | None = None,
    fix: str | None = None,
    what: str = "output",
) -> Iterator[bool]:
    """Hold the lock of ``target`` for the block (``lock``: its lock file, by default
    :func:`lock_file`); held by another run, one :class:`LockHeld` line (:func:`held_by`): "another
    DualTalk run is writing TARGET (pid N on HOST, since ...); wait for it to end, or FIX" (``fix`` by default
    "give another LABEL"). Folders made only for the lock file are removed again on the way out.

    ``with locked(...) as held``: True where the block holds the lock, False where the file system
    has no locks and the run goes on unlocked (warned once): a caller that removes what a dead run
    left (the render's sweep) does so only when True; :func:`holding` answers the same below it."""
    path = Path(lock) if lock is not None else lock_file(target)
    fix = fix if fix is not None else f"give another {label}"
    made = missing_folders(path.parent)
    fd = -1
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DualTalkError(f"cannot lock {target}: {exc.strerror or exc} ({path})") from None
        while True:
            try:
                fd, writable = _open(path)
            except DualTalkError as exc:  # something planted at the lock's name: nothing written
                raise DualTalkError(f"cannot lock {target}: {exc}") from None
            except OSError as exc:
                raise DualTalkError(f"cannot lock {target}: {exc.strerror or exc} ({path})") from None
            try:
                taken = _try_lock(fd)
            except OSError as exc:
                if exc.errno == errno.EBADF and not writable and os.name == "posix":
                    try:  # NFS: an exclusive lock needs write access to another user's stale file
                        _replace_stale(fd, path, target, fix)
                    finally:
                        os.close(fd)
                        fd = -1
                    continue  # the stale file is gone: open (create) and lock a new one
                os.close(fd)
                fd = -1
                if exc.errno not in _NO_LOCKS:
                    raise DualTalkError(f"cannot lock {target}: {exc.strerror or exc} ({path})") from None
                _warn_unlocked(exc, what)  # the run goes on unlocked; the file it made is not left behind
                with contextlib.suppress(OSError):
                    os.unlink(path)
                break
            if not taken:
                holder = _holder(fd)
                os.close(fd)
                fd = -1
                raise held_by(target, holder, fix)
            # the holder before us may have removed the file between our open and our lock: then the
            # lock is on a file nobody else will open, and the one at the path is what counts
            try:
                same = os.path.samestat(os.fstat(fd), os.lstat(path))
            except OSError:
                same = False
            if same:
                break
            os.close(fd)
            fd = -1
        if fd >= 0 and writable:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            with contextlib.suppress(OSError):  # who holds it is for the message only
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
                os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {stamp}\n".encode())
        if fd >= 0:
            _HELD.add(_key(path))
        yield fd >= 0
    finally:
        if fd >= 0:
            _HELD.discard(_key(path))
            if os.name == "nt":  # Windows removes no file that is open (ours included): close first;
                # a run that has it open makes the unlink fail harmlessly, and its samestat check
                # above covers a file removed between its open and its lock
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(path)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(path)  # while still held: a run waiting on it then retries on a new file
                os.close(fd)
        remove_empty_folders(made)  # folders made only for the lock (a first run that failed leaves none)


@contextlib.contextmanager
def locked_all(
    targets: Sequence[tuple[str, str | os.PathLike[str]]],
    *,
    fix: str | None = None,
    what: str = "output",
    take_folders: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[bool]:
    """Hold the lock of each ``(label, output)`` for the block (one lock per lock file: two spellings
    of one output are taken once); ``fix`` and ``what`` as for :func:`locked`, ``{label}`` in ``fix``
    standing for the output's label ("give this shot another {label}"). An output among
    ``take_folders`` is locked as ``infer`` locks its take folder (:func:`take_lock_file`), so an
    ``animate`` work folder and an ``infer --out`` naming one folder keep each other out. Gives
    whether every lock is held (False: the file system has no locks, :func:`locked`)."""
    seen: set[Path] = set()
    takes = {real(f) for f in take_folders}
    held = True
    with contextlib.ExitStack() as stack:
        for label, target in targets:
            key = take_lock_file(target) if real(target) in takes else lock_file(target)
            if key not in seen:
                seen.add(key)
                how = None if fix is None else fix.replace("{label}", label)
                held = stack.enter_context(locked(target, label, lock=key, fix=how, what=what)) and held
        yield held
