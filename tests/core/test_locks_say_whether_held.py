"""A caller of ``locks.locked`` that removes what a dead run left (the render's sweep) must know
whether it holds the lock: on a file system without locks the run goes on unlocked, and a stage it
finds may be a live run's on another node. ``locked`` said nothing (``as`` gave None), so the render
read the lock file's holder line instead, which names this run only where it could write it. Now
``with locked(...) as held`` answers, and ``locks.holding`` answers the same below the ``with``."""

from __future__ import annotations

import errno
import fcntl
import os

import pytest
from dualtalk.inference.core import locks

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def test_a_run_that_takes_the_lock_is_told_it_holds_it(tmp_path):
    target = tmp_path / "take"
    lock = locks.lock_file(target)
    with locks.locked(target, "--out") as held:
        assert held is True  # was: None
        assert locks.holding(lock)
        with locks.locked(tmp_path / "other", "--out"):  # another output's lock is another answer
            assert locks.holding(lock) and locks.holding(locks.lock_file(tmp_path / "other"))
    assert not locks.holding(lock)  # let go at the end of the block


def test_every_lock_of_a_shot_held_is_one_answer(tmp_path):
    outs = [("out", tmp_path / "take"), ("render", tmp_path / "shot.mp4")]
    with locks.locked_all(outs) as held:
        assert held is True
        assert all(locks.holding(locks.lock_file(p)) for _label, p in outs)


def test_a_run_on_a_file_system_without_locks_is_told_it_holds_none(tmp_path, monkeypatch, capfd):
    def flock(*_args, **_kwargs):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", flock)  # an SMB or NFS mount without lockd
    locks.reset_lock_warning()
    try:
        target = tmp_path / "take"
        with locks.locked(target, "--out") as held:
            assert held is False
            assert not locks.holding(locks.lock_file(target))
        with locks.locked_all([("out", target)]) as held_all:
            assert held_all is False
    finally:
        locks.reset_lock_warning()
    assert "could not lock on this file system" in capfd.readouterr().err
