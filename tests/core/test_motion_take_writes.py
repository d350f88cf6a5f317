"""Writing motion files as a TD's pipeline meets it: a take re-made into the folder of an older one,
and file names near the file system's limit."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from dualtalk.inference.generate import write_dialogue


def take(frames: int, level: float) -> tuple[Motion, Motion]:
    values = np.full((frames, 55), level, np.float32)
    return Motion("arkit55", values, role="A"), Motion("arkit55", values.copy(), role="B")


def test_a_failed_rewrite_leaves_the_old_take_whole(tmp_path, monkeypatch):
    """Re-running a shot into yesterday's folder and the disk filling up while B is written used
    to leave today's A.npz beside yesterday's B.npz: two files that look like one take."""
    write_dialogue(tmp_path, *take(50, 0.1))
    syncs = []

    def full_disk(fd: int) -> None:  # a full disk often shows first when the data is synced
        syncs.append(fd)
        if len(syncs) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(fd)

    original = os.fsync
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(DualTalkError, match="No space left on device"):
        write_dialogue(tmp_path, *take(75, 0.9))
    monkeypatch.undo()

    a, b = load_motion(tmp_path / "A.npz"), load_motion(tmp_path / "B.npz")
    assert a.num_frames == b.num_frames == 50 and float(a.values.max()) == pytest.approx(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.npz", "B.npz"]  # no temporary left


def test_a_take_whose_b_cannot_be_replaced_keeps_its_old_a(tmp_path):
    """Something in B.npz's place that cannot be replaced (here a folder) refuses the whole take."""
    (tmp_path / "B.npz").mkdir()
    (tmp_path / "A.npz").write_bytes(b"yesterday")
    with pytest.raises(DualTalkError, match="could not write"):
        write_dialogue(tmp_path, *take(10, 0.5))
    assert (tmp_path / "A.npz").read_bytes() == b"yesterday"


def test_a_file_name_near_the_limit_is_written_and_one_past_it_is_one_line(tmp_path):
    """A 250-byte shot name is legal on Linux, but its temporary file's longer name was not: the
    write died with a raw OSError ("File name too long")."""
    motion = take(10, 0.5)[0]
    long = tmp_path / ("shot_" + "x" * 241 + ".npz")  # 250 bytes
    assert load_motion(save_motion(long, motion)).num_frames == 10
    with pytest.raises(DualTalkError, match="could not write .*File name too long"):
        save_motion(tmp_path / ("y" * 300 + ".npz"), motion)
    assert sorted(p.name for p in tmp_path.iterdir()) == [long.name]


def _second_rename_fails(monkeypatch) -> list:
    """os.replace works for A.npz and fails for B.npz (a network share dropping, a file locked by
    another program), after A's new file is already in place."""
    calls: list = []
    original = os.replace

    def flaky(src, dst, *a, **k):
        calls.append(dst)
        if str(dst).endswith("B.npz"):
            raise OSError(errno.EIO, "Input/output error", str(src))
        return original(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", flaky)
    return calls


def test_a_rename_failing_half_way_puts_the_old_take_back(tmp_path, monkeypatch):
    """Both new files were complete, A was renamed into place, then B's rename failed: the new A
    used to stay beside the old B. Now A is put back, and no helper file is left in the folder."""
    write_dialogue(tmp_path, *take(50, 0.1))
    before = sorted(p.name for p in tmp_path.iterdir())
    calls = _second_rename_fails(monkeypatch)
    with pytest.raises(DualTalkError, match=r"could not write .*B\.npz: Input/output error"):
        write_dialogue(tmp_path, *take(75, 0.9))
    monkeypatch.undo()
    assert any(str(c).endswith("A.npz") for c in calls)  # A really was replaced first
    a, b = load_motion(tmp_path / "A.npz"), load_motion(tmp_path / "B.npz")
    assert a.num_frames == b.num_frames == 50 and float(a.values.max()) == pytest.approx(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_first_take_whose_second_rename_fails_leaves_nothing(tmp_path, monkeypatch):
    _second_rename_fails(monkeypatch)
    with pytest.raises(DualTalkError, match="B.npz"):
        write_dialogue(tmp_path, *take(75, 0.9))
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_where_the_old_file_cannot_be_linked_aside_the_new_one_stays(tmp_path, monkeypatch):
    """A file system without hard links (FAT, some network shares): the old A cannot be kept aside,
    so when B's rename fails the new A stays in place rather than A vanishing altogether."""
    write_dialogue(tmp_path, *take(50, 0.1))

    def no_links(*a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    _second_rename_fails(monkeypatch)
    with pytest.raises(DualTalkError, match="B.npz"):
        write_dialogue(tmp_path, *take(75, 0.9))
    monkeypatch.undo()
    assert load_motion(tmp_path / "A.npz").num_frames == 75  # the new A, not nothing
    assert load_motion(tmp_path / "B.npz").num_frames == 50
