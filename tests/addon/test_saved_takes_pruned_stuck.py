"""An artist makes one old kept take's folder read-only to keep it from the pruning (or it sits on a
read-only mount). Its first file refused to go, the PermissionError left the pruning at every start
(a traceback in the console, no line), and since the oldest take is tried first, no other take was
ever pruned again; the Delete Saved Takes button raised the same. Now that take stays as it is and the
others go."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from kept_takes import keep


@pytest.fixture
def temp(private_tmp):
    return private_tmp


@contextlib.contextmanager
def _undeletable(folder: Path):
    """``folder``'s files cannot be removed: read-only for a user; immutable for root (whom
    permissions do not stop)."""
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield
        finally:
            os.chmod(folder, mode)
        return
    files = [str(p) for p in folder.iterdir()]
    if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode:
        pytest.skip("cannot make a file undeletable here (no chattr)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *files], capture_output=True)


def test_an_old_take_that_cannot_be_deleted_stays_and_the_others_are_pruned(temp):
    stuck = keep(30)  # the oldest: tried first
    old = keep(20)
    young = keep(1)
    with _undeletable(stuck):
        deleted, freed, left = saved_takes.prune_kept_takes(14)  # before: PermissionError
        assert deleted == [old] and freed > 0 and left == 1
        assert sorted(p.name for p in stuck.iterdir()) == sorted(saved_takes._TAKE_CONTENTS)  # whole
    assert saved_takes.kept_takes() == [stuck, young]


def test_delete_saved_takes_deletes_what_it_may(temp):
    stuck = keep(30)
    keep(2)
    with _undeletable(stuck):
        count, freed = saved_takes.delete_kept_takes()  # the button; before: PermissionError
    assert count == 1 and freed > 0
    assert saved_takes.kept_takes() == [stuck]
