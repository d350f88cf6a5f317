"""A temp folder shared with other local users (``/tmp`` where ``fs.protected_symlinks`` is 0, a
farm's shared scratch as ``TMPDIR``): between the moment the pruning (or Delete Saved Takes) listed
an old kept take and the moment it removed it, another user renamed the take's folder away and put
a symlink to a project of ours in its place. The removal followed it: the project's A.npz, B.npz and
result.json were deleted (review rv35a F2). Now the take's folder is opened without following a
symlink and its files removed through that folder: a symlink in its place is not a take, and left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from kept_takes import keep

PROJECT = ("A.npz", "B.npz", "result.json", "shot.blend")


@pytest.fixture
def temp(private_tmp):
    return private_tmp


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder of ours whose files are named as a take's are."""
    folder = tmp_path / "project"
    folder.mkdir()
    for name in PROJECT:
        (folder / name).write_text(f"precious {name}")
    return folder


def _swapped_after_listing(monkeypatch, take: Path, project: Path) -> Path:
    """Another user's swap, just after the take was listed and sized: the take's folder renamed away,
    a symlink to ``project`` under its name. Returns where the take went."""
    moved = take.parent / "moved_away"
    measured = saved_takes.takes_size

    def swap_then_size(folders: list[Path]) -> int:
        size = measured(folders)
        if take.is_dir() and not take.is_symlink():
            os.rename(take, moved)
            os.symlink(project, take)
        return size

    monkeypatch.setattr(saved_takes, "takes_size", swap_then_size)
    return moved


def test_the_pruning_leaves_a_project_a_take_was_swapped_for(temp, project, monkeypatch):
    take = keep(30)
    moved = _swapped_after_listing(monkeypatch, take, project)

    deleted, freed, left = saved_takes.prune_kept_takes(14)

    assert sorted(p.name for p in project.iterdir()) == sorted(PROJECT)  # before: only shot.blend
    assert all((project / n).read_text() == f"precious {n}" for n in PROJECT)
    assert (deleted, freed, left) == ([], 0, 1)
    assert take.is_symlink() and sorted(p.name for p in moved.iterdir()) == ["A.npz", "B.npz", "result.json"]


def test_delete_saved_takes_leaves_a_project_a_take_was_swapped_for(temp, project, monkeypatch):
    take = keep(0)
    _swapped_after_listing(monkeypatch, take, project)

    assert saved_takes.delete_kept_takes() == (0, 0)  # before: (1, ...), the project's files gone

    assert sorted(p.name for p in project.iterdir()) == sorted(PROJECT)
    assert take.is_symlink()


def test_a_take_not_swapped_still_goes(temp):
    old, young = keep(30), keep(1)
    deleted, freed, left = saved_takes.prune_kept_takes(14)
    assert deleted == [old] and freed > 2000 and left == 0 and not old.exists()
    assert saved_takes.delete_kept_takes()[0] == 1 and not young.exists()
