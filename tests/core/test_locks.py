"""One run at a time per output (``inference/core/locks``): the lock a farm's second job finds held,
the file a ``kill -9`` left, a name at the file system's limit, a share without locks."""

from __future__ import annotations

import errno
import os
import socket

import pytest
from dualtalk.inference.core import locks
from dualtalk.inference.core.errors import DualTalkError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def test_a_second_run_on_a_held_output_is_refused_naming_the_holder(tmp_path, umask_002):
    """The second farm job stops in one line naming who holds the output; the first keeps it. The lock
    file is made for the group (0o666 less the umask: a retry landing on another user of the group
    can take it over) and is gone, with the folders made for it, once the first run ends."""
    target = tmp_path / "new" / "take"
    lock = locks.take_lock_file(target)
    with locks.locked(target, "--out", lock=lock):
        assert oct(lock.stat().st_mode & 0o777) == oct(0o664)
        with pytest.raises(DualTalkError) as err:
            with locks.locked(target, "--out", lock=lock):
                pytest.fail("ran while another run held the lock")
    line = str(err.value)
    assert line.startswith(
        f"another DualTalk run is writing {target} (pid {os.getpid()} on {socket.gethostname()}, since "
    )
    assert line.endswith("); wait for it to end, or give another --out") and "\n" not in line
    assert not (tmp_path / "new").exists()  # made only for the lock: removed again


def test_the_lock_file_sits_beside_the_real_output_as_animate_names_it(tmp_path):
    """The name ``animate``'s shots use (``.NAME.dualtalk-lock`` beside the real path), so both
    commands keep each other off one output; two spellings of one file share it."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert locks.lock_file(tmp_path / "link" / "s.blend") == tmp_path / "real" / ".s.blend.dualtalk-lock"


def test_a_name_at_the_file_system_limit_still_gets_a_lock(tmp_path):
    """A legal 255-byte output name: ``.NAME.dualtalk-lock`` would be 270 bytes ("File name too long"
    blamed on a name the user never chose). It is cut and given a hash: unique, and within 255 bytes."""
    a = tmp_path / ("é" * 120 + "a" * 10 + ".blend")  # 256 bytes: multi-byte characters are not split
    b = tmp_path / ("é" * 120 + "b" * 10 + ".blend")
    names = [locks.lock_file(p).name for p in (a, b)]
    assert names[0] != names[1]
    for name in names:
        assert len(os.fsencode(name)) <= 255 and name.startswith(".é") and name.endswith(".dualtalk-lock")
        name.encode("utf-8")  # whole characters only
    with locks.locked(a, "--out"):
        assert locks.lock_file(a).exists()
    assert list(tmp_path.iterdir()) == []


def test_a_stale_lock_file_this_user_cannot_write_is_taken_over(tmp_path, monkeypatch):
    """A ``kill -9`` left the file, made by another user of the group under a stricter umask: it is
    locked through a read-only descriptor (flock needs no write access) instead of failing every
    retry with "Permission denied"."""
    target = tmp_path / "s.blend"
    lock = locks.lock_file(target)
    lock.write_text("pid 1 on oldhost, since 2026-01-01T00:00:00Z\n")
    lock.chmod(0o444)
    real_open = os.open

    def as_another_user(path, flags, *a, **k):  # root may open anything: refuse writing as a user would
        if os.fspath(path) == os.fspath(lock) and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", as_another_user)
    ran = []
    with locks.locked(target, "--out"):
        ran.append(True)
    assert ran and not lock.exists()


def test_a_share_without_locks_warns_once_and_runs(tmp_path, monkeypatch, capsys):
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    locks.reset_lock_warning()
    ran = 0
    for name in ("a", "b"):
        with locks.locked(tmp_path / name, "--out"):
            ran += 1
    err = capsys.readouterr().err.strip().splitlines()
    assert ran == 2 and len(err) == 1 and err[0].startswith("warning: could not lock on this file system")
    assert list(tmp_path.iterdir()) == []


def _as_on_nfs(monkeypatch):
    """NFS as Linux mounts it: ``flock`` is a byte-range lock there, and an exclusive one on a file
    opened read-only fails with EBADF; a lock file of another user is opened read-only."""
    import errno
    import fcntl

    real_try, real_open = locks._try_lock, locks._open

    def try_lock(fd):
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            raise OSError(errno.EBADF, "Bad file descriptor")
        return real_try(fd)

    def open_(path):
        if os.path.exists(path) and os.stat(path).st_uid == 4242:  # "another user's" file
            return os.open(path, os.O_RDONLY), False
        return real_open(path)

    monkeypatch.setattr(locks, "_try_lock", try_lock)
    monkeypatch.setattr(locks, "_open", open_)


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="gives a file to another user (chown)")


@needs_root
def test_on_nfs_another_users_stale_lock_file_is_replaced_and_the_run_goes_on(tmp_path, monkeypatch):
    """A retry on NFS of a shot another user's killed run left a lock file for failed with "Bad file
    descriptor" until someone removed the hidden file by hand."""
    _as_on_nfs(monkeypatch)
    out = tmp_path / "shot.blend"
    stale = locks.lock_file(out)
    stale.write_text("pid 1 on farm01, since 2026-12-05T01:00:00Z\n")
    os.chown(stale, 4242, -1)
    with locks.locked(out, "--out"):
        assert stale.exists() and stale.stat().st_uid == os.getuid()  # a new file of ours
    assert not stale.exists()


@needs_root
def test_on_nfs_a_lock_another_user_holds_is_still_refused(tmp_path, monkeypatch):
    import fcntl

    _as_on_nfs(monkeypatch)
    out = tmp_path / "shot.blend"
    lock = locks.lock_file(out)
    lock.write_text("pid 7 on farm02, since 2026-12-05T01:00:00Z\n")
    os.chown(lock, 4242, -1)
    holder = os.open(lock, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # the other user's live run
    try:
        with pytest.raises(DualTalkError, match=r"another DualTalk run is writing .*pid 7 on farm02"):
            with locks.locked(out, "--out"):
                pass
        assert lock.exists()  # never removed from under its holder
    finally:
        os.close(holder)
