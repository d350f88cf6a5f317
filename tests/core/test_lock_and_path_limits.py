"""Limits that are not Linux's everywhere: eCryptfs names stop at 143 bytes, macOS paths at 1024, and
Windows has no SIGPIPE. A legal output name must still get its lock file, a too-long path must be
named before the engine runs, and a reader that left must not turn into an internal error."""

from __future__ import annotations

import os
import signal

from dualtalk.inference.core import locks, outputs


def test_a_lock_file_fits_a_file_system_with_short_names(tmp_path, monkeypatch):
    name = "shot_" + "x" * 130 + ".blend"  # 141 bytes: legal on eCryptfs (143), its lock name is not
    monkeypatch.setattr(os, "pathconf", lambda _folder, _what: 143)
    lock = locks.lock_file(tmp_path / name)
    assert len(os.fsencode(lock.name)) <= 143
    assert lock.name.startswith(".shot_xxx") and lock.name.endswith(locks.LOCK_SUFFIX)


def test_a_path_too_long_for_macos_is_named_there(tmp_path, monkeypatch):
    deep = str(tmp_path / "/".join(["f" * 100] * 12) / "take.blend")  # about 1.2 kB: fine on Linux
    assert outputs.too_long(deep) is None
    monkeypatch.setattr(outputs.sys, "platform", "darwin")
    said = outputs.too_long(deep)
    assert said is not None and said.startswith("path too long") and "1024 per path" in said


def test_a_reader_that_left_ends_with_141_where_there_is_no_sigpipe(monkeypatch, capsys):
    from dualtalk import cli

    def reader_gone(_argv):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.delattr(signal, "SIGPIPE")  # as on Windows
    monkeypatch.setattr(cli, "_main", reader_gone)
    saved = os.dup(1)
    try:
        assert cli.main(["eval", "--help"]) == 141
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class FakeWinreg:
    """Windows' registry as ``winreg`` reads it, holding only the LongPathsEnabled policy."""

    HKEY_LOCAL_MACHINE = object()

    def __init__(self, enabled: int | None) -> None:
        self.enabled = enabled

    def OpenKey(self, root, name):  # noqa: N802 - winreg's spelling
        import contextlib

        assert root is self.HKEY_LOCAL_MACHINE and name == r"SYSTEM\CurrentControlSet\Control\FileSystem"
        return contextlib.nullcontext("key")

    def QueryValueEx(self, key, name):  # noqa: N802 - winreg's spelling
        if self.enabled is None:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self.enabled, 4


def test_an_output_past_windows_260_characters_is_named_before_the_run(monkeypatch):
    """Windows had no up-front length check: a too-long output failed after the whole generation."""
    import sys

    deep = "C:\\Users\\anim\\" + "\\".join(["shots_of_the_long_sequence"] * 9) + "\\take.blend"  # 267
    monkeypatch.setattr(outputs.os, "name", "nt")
    monkeypatch.setattr(
        outputs.os.path, "abspath", lambda p: os.fspath(p)
    )  # a Windows path is absolute there
    for policy in (None, 0):  # no LongPathsEnabled value, or 0: the system refuses past 259
        monkeypatch.setitem(sys.modules, "winreg", FakeWinreg(policy))
        said = outputs.too_long(deep)
        assert said is not None and said.startswith(
            f"path too long ({len(deep)} characters; Windows allows 259"
        )
    monkeypatch.setitem(sys.modules, "winreg", FakeWinreg(1))  # long paths on: the system judges
    assert outputs.too_long(deep) is None
    monkeypatch.setitem(sys.modules, "winreg", FakeWinreg(0))
    assert outputs.too_long("\\\\?\\" + deep) is None  # the \\?\ spelling has no 260 limit
    assert outputs.too_long("C:\\shots\\take.blend") is None


def test_a_windows_name_is_counted_in_utf16_units_not_bytes(monkeypatch):
    import sys

    monkeypatch.setattr(outputs.os, "name", "nt")
    monkeypatch.setattr(outputs.os.path, "abspath", lambda p: os.fspath(p))
    monkeypatch.setitem(sys.modules, "winreg", FakeWinreg(1))
    japanese = "テ" * 200 + ".blend"  # 206 units (618 bytes: too long on Linux, fine on Windows)
    assert outputs.too_long("C:\\shots\\" + japanese) is None
    emoji = "🎬" * 130 + ".wav"  # 264 units (each a surrogate pair): over 255
    said = outputs.too_long("C:\\shots\\" + emoji)
    assert said == "name too long (264 characters; Windows allows 255 per name)"
