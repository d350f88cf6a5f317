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
