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
