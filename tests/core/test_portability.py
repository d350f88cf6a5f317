"""Where Windows and macOS differ from Linux (simulated here on Linux): one file under two names (a
hard link; on macOS and Windows a name differing only in letter case), Windows locks (no open file
can be removed, a locked byte cannot be read) and a pipe reader gone as Windows reports it."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import socket
import sys
import types
from collections.abc import Iterator

import pytest
from dualtalk import cli
from dualtalk.inference.core import locks, outputs
from dualtalk.inference.core.errors import DualTalkError

# ---- one file, two names -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_an_output_that_is_another_name_of_an_input_is_refused(tmp_path):
    """``--out scene.blend`` next to ``--blend Scene.blend`` on a case-insensitive disk names the input
    itself (a hard link stands in for the second spelling): refused before any work, not replaced."""
    scene = tmp_path / "Scene.blend"
    scene.write_bytes(b"BLENDER-v500 the user's scene")
    other = tmp_path / "scene.blend"
    os.link(scene, other)
    with pytest.raises(DualTalkError) as err:
        outputs.check_write_plan([("--out", other)], [("--blend", scene)])
    assert str(err.value) == (
        f"--out {other} would overwrite the --blend {scene} (the same file under another name); "
        "choose another path"
    )


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_on_macos_and_windows_an_output_differing_from_an_input_only_in_case_is_refused(
    tmp_path, monkeypatch, platform
):
    """There ``scene.blend`` is ``Scene.blend``: judged by the name even where the disk here (Linux)
    tells them apart."""
    scene = tmp_path / "Scene.blend"
    scene.write_bytes(b"BLENDER-v500 the user's scene")
    out = tmp_path / "scene.blend"
    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(DualTalkError) as err:
        outputs.check_write_plan([("--out", out)], [("--blend", scene)])
    assert str(err.value) == (
        f"--out {out} would overwrite the --blend {scene} (the same file: names differing only in letter "
        "case name one file here); choose another path"
    )
    with pytest.raises(DualTalkError, match=r"holds the --blend \(Scene.blend\)"):
        outputs.check_write_plan([], [("--blend", scene)], folders=[("--work", str(tmp_path).upper())])


def test_on_linux_a_name_differing_only_in_case_is_another_file(tmp_path, monkeypatch):
    scene = tmp_path / "Scene.blend"
    scene.write_bytes(b"BLENDER-v500")
    monkeypatch.setattr(sys, "platform", "linux")
    outputs.check_write_plan([("--out", tmp_path / "scene.blend")], [("--blend", scene)])


CAFE_TYPED = "Caf\u00e9.blend"  # é as one code point (NFC), as typed on Linux or in a job file
CAFE_FINDER = "Cafe\u0301.blend"  # e + a combining accent (NFD), as macOS's Finder spells it


def test_on_macos_an_output_whose_accents_are_only_encoded_differently_is_the_input(tmp_path, monkeypatch):
    """APFS and HFS+ compare names after Unicode normalization: the two spellings of "Café" name one
    file there (the output would replace the user's scene); on Linux they are two files."""
    scene = tmp_path / CAFE_TYPED
    scene.write_bytes(b"BLENDER-v500 the user's scene")
    out = tmp_path / CAFE_FINDER
    monkeypatch.setattr(sys, "platform", "linux")
    outputs.check_write_plan([("--out", out)], [("--blend", scene)])
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(DualTalkError) as err:
        outputs.check_write_plan([("--out", out)], [("--blend", scene)])
    assert str(err.value) == (
        f"--out {out} would overwrite the --blend {scene} (the same file: the names differ only in how "
        "their accented letters are encoded); choose another path"
    )
    assert outputs.spelled(tmp_path / "CAF\u00c9.blend") == outputs.spelled(out)  # letter case folds too
    long = "x" * 250  # a hashed lock name: both spellings must hash alike (short ones the disk folds)
    assert locks.lock_name(CAFE_TYPED + long) == locks.lock_name(CAFE_FINDER + long)


def test_a_file_system_without_file_numbers_is_not_one_file_everywhere(tmp_path, monkeypatch):
    """``st_ino`` 0 (some Windows and network file systems) says nothing: two files are not one."""
    a, b = tmp_path / "a.blend", tmp_path / "b.blend"
    a.write_bytes(b"a")
    b.write_bytes(b"b")
    real_stat = os.stat

    def no_numbers(path, *args, **kwargs):
        st = real_stat(path, *args, **kwargs)
        return os.stat_result((st.st_mode, 0, 0, *tuple(st)[3:]))

    monkeypatch.setattr(outputs.os, "stat", no_numbers)
    outputs.check_write_plan([("--out", b)], [("--blend", a)])


# ---- Windows locks ---------------------------------------------------------------------------------


class _WindowsLocks:
    """Windows' rules, on Linux: ``msvcrt.locking`` locks bytes from the current position (owned by the
    descriptor, let go when it closes), no other descriptor may read a locked byte, and no file open
    anywhere may be removed (``os.open`` gives no FILE_SHARE_DELETE)."""

    LK_NBLCK = 2

    def __init__(self) -> None:
        self.locks: dict[tuple[int, int, int], int] = {}  # (dev, ino, offset) -> fd
        self.open_files: dict[int, tuple[int, int]] = {}  # fd -> (dev, ino)
        self.os = types.SimpleNamespace(
            **{n: getattr(os, n) for n in dir(os) if not n.startswith("__")},
        )
        self.os.name = "nt"
        self.os.open = self._open
        self.os.close = self._close
        self.os.unlink = self._unlink
        self.os.read = self._read

    def _open(self, path, flags, mode=0o777):
        fd = os.open(path, flags, mode)
        st = os.fstat(fd)
        self.open_files[fd] = (st.st_dev, st.st_ino)
        return fd

    def _close(self, fd):
        self.locks = {k: v for k, v in self.locks.items() if v != fd}
        self.open_files.pop(fd, None)
        os.close(fd)

    def _unlink(self, path):
        st = os.stat(path)
        if (st.st_dev, st.st_ino) in self.open_files.values():
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(path))
        os.unlink(path)

    def _read(self, fd, n):
        pos = os.lseek(fd, 0, os.SEEK_CUR)
        dev, ino = self.open_files[fd]
        for (d, i, at), holder in self.locks.items():
            if (d, i) == (dev, ino) and pos <= at < pos + n and holder != fd:
                raise PermissionError(errno.EACCES, "another process has locked a portion of the file")
        return os.read(fd, n)

    def locking(self, fd, mode, n):
        pos = os.lseek(fd, 0, os.SEEK_CUR)
        dev, ino = self.open_files[fd]
        if any(self.locks.get((dev, ino, pos + i), fd) != fd for i in range(n)):
            raise PermissionError(errno.EACCES, "Permission denied")
        for i in range(n):
            self.locks[(dev, ino, pos + i)] = fd


@pytest.fixture
def windows(monkeypatch):
    win = _WindowsLocks()
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK = win.LK_NBLCK
    msvcrt.locking = win.locking
    monkeypatch.setitem(sys.modules, "msvcrt", msvcrt)
    monkeypatch.setattr(locks, "os", win.os)
    monkeypatch.setattr(locks, "sys", types.SimpleNamespace(platform="win32", stderr=sys.stderr))
    return win


def test_on_windows_the_lock_file_is_removed_when_the_run_ends(tmp_path, windows):
    take = tmp_path / "takes" / "take1"
    lock = locks.take_lock_file(take)
    with locks.locked(take, "--out", lock=lock, what="take folder"):
        assert lock.is_file()
    assert not lock.exists()
    assert not windows.open_files


def test_on_windows_a_folder_made_only_for_the_lock_goes_with_it(tmp_path, windows):
    """A run that took the lock and then stopped (refused, failed) leaves no folder behind."""
    out = tmp_path / "made_for_lock" / "shot1.blend"
    with pytest.raises(DualTalkError, match="refused later"):
        with locks.locked(out, "out"):
            assert locks.lock_file(out).is_file()
            raise DualTalkError("refused later")
    assert not out.parent.exists()


def test_on_windows_a_refused_run_names_the_holder(tmp_path, windows):
    """The byte locked lies far past the holder line, so a second run can read who holds it."""
    take = tmp_path / "take"
    lock = locks.take_lock_file(take)
    with locks.locked(take, "--out", lock=lock, what="take folder"):
        with pytest.raises(DualTalkError) as err:
            with locks.locked(take, "--out", lock=lock, what="take folder"):
                pytest.fail("ran while another run held the lock")
        assert lock.stat().st_size < 200  # the lock past the end does not grow the file
    assert f"(pid {os.getpid()} on {socket.gethostname()}, since " in str(err.value)
    assert "a run that is starting" not in str(err.value)
    assert not lock.exists()


# ---- a reader gone, as Windows says it -----------------------------------------------------------


class _GonePipe(io.RawIOBase):
    """The write end of a pipe whose reader has gone, failing as a Windows write does: EINVAL."""

    def __init__(self, fd: int) -> None:
        self.fd, self.gone = fd, True

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, b) -> int:
        if self.gone:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return len(b)  # (the test is over: what is left is dropped)


@pytest.fixture
def pipe():
    r, w = os.pipe()
    os.close(r)
    yield w
    os.close(w)


@contextlib.contextmanager
def _results(fd: int) -> Iterator[cli._ResultLines]:
    raw = _GonePipe(fd)
    results = cli._ResultLines(io.BufferedWriter(raw), encoding="utf-8", line_buffering=True)
    try:
        yield results
    finally:
        raw.gone = False
        results.close()


def test_on_windows_a_pipe_write_failing_with_einval_is_the_reader_gone(pipe, monkeypatch):
    """``... | more`` quit early: the quiet 141 of a reader gone, not "could not write to stdout"."""
    monkeypatch.setattr(sys, "platform", "win32")
    with _results(pipe) as results:
        with pytest.raises(BrokenPipeError):
            results.write("shot s1: done\n")
        assert results.failed


def test_einval_elsewhere_is_stdout_lost(pipe, tmp_path, monkeypatch):
    """On Linux and macOS, and on Windows for a file (not a pipe), EINVAL is a real failure to write."""
    from dualtalk.inference.core.progress import StdoutLost

    with _results(pipe) as results, pytest.raises(StdoutLost, match="could not write to stdout"):
        results.write("x\n")
    monkeypatch.setattr(sys, "platform", "win32")
    with open(tmp_path / "log.txt", "wb") as f, _results(f.fileno()) as results, pytest.raises(StdoutLost):
        results.write("x\n")


def test_a_stream_is_not_a_file_that_would_be_overwritten():
    """``/dev/stdout`` and ``/dev/stdin`` on one terminal (or one pipe) are one device, not one file
    the run would replace: no identity to compare."""
    r, w = os.pipe()
    try:
        assert os.path.samestat(os.fstat(r), os.fstat(w))
        assert outputs.identity(f"/dev/fd/{w}") is None
        assert not outputs.same_file(outputs.identity(f"/dev/fd/{w}"), outputs.identity(f"/dev/fd/{r}"))
    finally:
        os.close(r)
        os.close(w)


def test_two_spellings_of_one_long_output_share_one_lock_where_case_folds(monkeypatch):
    """On macOS ``Take_<long>.blend`` and ``take_<long>.blend`` are one file; their hashed lock names
    differed, so two runs writing it under the two spellings both got a lock."""
    from dualtalk.inference.core import locks, outputs

    monkeypatch.setattr(outputs.sys, "platform", "darwin")
    long = "x" * 250 + ".blend"
    assert locks.lock_name("Take_" + long).casefold() == locks.lock_name("take_" + long).casefold()
