"""The pruning of kept takes, as an artist starts Blender: from the splash, then File > Open Recent.

The pruning runs once, a second after the add-on starts. Blender opened from the splash has no file
open then, so "never the take the open .blend was made in" did not hold for the project the artist
opened next: a kept take of a project still worked on (its line said "the take is kept: Apply Saved
Take ...") was deleted once 14 days old. Now a take whose .blend was saved within those days stays.

(A take dated ahead of the clock: test_saved_takes_pruned_clock.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from kept_takes import age, keep


@pytest.fixture
def temp(private_tmp):
    return private_tmp


def _project(tmp_path: Path, name: str, saved_days_ago: float) -> Path:
    blend = tmp_path / name
    blend.write_bytes(b"BLENDER-v500")  # (only where it is and when it was saved matter here)
    age(blend, saved_days_ago)
    return blend


def test_a_take_of_a_project_saved_this_week_stays_though_no_file_is_open(temp, tmp_path):
    live = _project(tmp_path, "shot010.blend", saved_days_ago=2)
    idle = _project(tmp_path, "shot020.blend", saved_days_ago=40)
    of_live = keep(30, blend_file=str(live))
    of_idle = keep(30, blend_file=str(idle))
    of_gone = keep(30, blend_file=str(tmp_path / "deleted.blend"))
    unknown = keep(30)  # an older build's take: no record of its file

    deleted, _freed, left = saved_takes.prune_kept_takes(14)  # nothing open: keep=()

    assert of_live.is_dir() and left == 1  # before: deleted with the others
    assert sorted(deleted) == sorted([of_idle, of_gone, unknown])
    assert json.loads((of_live / "result.json").read_text())["blend_file"] == str(live)
