"""Only the takes the add-on kept are pruned or deleted (review rv35a F7). A folder the user made in
the temp folder with a name like a kept take's (``infer --out $TMPDIR/dualtalk_take_interview``,
which holds A.npz and B.npz but no result.json, or a ``dualtalk_take_*`` folder still empty) was
listed as a kept take: pruned after 14 days, and Delete Saved Takes removed it at once. A kept take
is recognised by what the add-on has always written into it: a ``result.json`` naming the folder's
own A.npz and B.npz; a take kept by an older build (no record of its file or characters) still is."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from kept_takes import DAY, age, keep


@pytest.fixture
def temp(private_tmp):
    return private_tmp


def _users_folders(temp, take):
    """An ``infer --out`` folder, an empty one and a copy of a kept take, all named like kept takes."""
    interview = temp / "dualtalk_take_interview"
    interview.mkdir()
    for name in saved_takes.TAKE_FILES:
        shutil.copy(take / name, interview / name)
    empty = temp / "dualtalk_take_empty"
    empty.mkdir()
    copy = temp / "dualtalk_take_copy"
    shutil.copytree(take, copy)  # its result.json names the original's files
    for folder in (interview, empty, copy):
        age(folder, 30)
    return interview, empty, copy


def test_only_the_takes_the_addon_kept_are_pruned(temp):
    older_builds = keep(30)  # result.json as every build wrote it: a, b, engine
    assert set(json.loads((older_builds / "result.json").read_text())) == {"a", "b", "engine"}
    users = _users_folders(temp, older_builds)

    assert saved_takes.kept_takes() == [older_builds]  # before: all four
    deleted, _freed, _left = saved_takes.prune_kept_takes(14, now=time.time() + DAY)

    assert deleted == [older_builds] and not older_builds.exists()
    interview, empty, copy = users
    assert sorted(p.name for p in interview.iterdir()) == ["A.npz", "B.npz"]
    assert empty.is_dir() and sorted(p.name for p in copy.iterdir()) == ["A.npz", "B.npz", "result.json"]


def test_delete_saved_takes_leaves_the_users_folders(temp):
    kept = keep(0)
    users = _users_folders(temp, kept)

    count, _freed = saved_takes.delete_kept_takes()

    assert count == 1 and not kept.exists()  # before: 4, the user's folders gone
    assert all(folder.is_dir() for folder in users)


def test_a_kept_take_whose_record_cannot_be_read_is_left_alone(temp):
    damaged = keep(30)
    (damaged / "result.json").write_text("{ cut sh", encoding="utf-8")
    age(damaged, 30)
    assert saved_takes.kept_takes() == []
    assert saved_takes.prune_kept_takes(14) == ([], 0, 0) and damaged.is_dir()
