"""The pruning and a clock that is wrong for one start (a machine that boots before its clock is
synced: no RTC battery, a VM restored from a snapshot; a user who set the date back to test
something).

A take dated ahead of the clock used to be re-dated "now" so it would age from today (review rv34
F7). With the clock a year behind at one start, that re-dated every take a year into the past, and
the next start, the clock right again, deleted a take made the day before (review rv35a F1). Now the
pruning never writes a time into the takes: a take dated ahead of the clock is simply not old, it
stays as it is and ages once the clock passes its date; the start's line says how many are dated
ahead (a hint that this clock, or the one they were made with, was wrong)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import saved_takes
from kept_takes import DAY, keep


@pytest.fixture
def temp(private_tmp):
    return private_tmp


def _dates(folder: Path) -> dict[str, float]:
    return {p.name: os.lstat(p).st_mtime for p in (folder, *folder.iterdir())}


def test_a_start_with_the_clock_a_year_behind_costs_no_take_at_the_next_start(temp):
    yesterdays = keep(1)
    dated = _dates(yesterdays)
    behind = time.time() - 365 * DAY

    assert saved_takes.prune_kept_takes(14, now=behind) == ([], 0, 0)
    assert _dates(yesterdays) == dated  # before: every file dated a year back
    assert saved_takes.dated_ahead(behind) == 1

    assert saved_takes.prune_kept_takes(14) == ([], 0, 0)  # the clock right: before, deleted
    assert sorted(p.name for p in yesterdays.iterdir()) == ["A.npz", "B.npz", "result.json"]


def test_a_take_dated_ahead_stays_as_it_is_until_the_clock_passes_its_date(temp):
    ahead = keep(-400)  # made while the clock ran 400 days fast
    dated = _dates(ahead)
    now = time.time()

    assert saved_takes.prune_kept_takes(14, now=now) == ([], 0, 0)
    assert saved_takes.prune_kept_takes(14, now=now + 15 * DAY) == ([], 0, 0)
    assert _dates(ahead) == dated and saved_takes.dated_ahead(now) == 1
    deleted, _freed, _left = saved_takes.prune_kept_takes(14, now=now + 415 * DAY)
    assert deleted == [ahead] and not ahead.exists()


def test_the_starts_line_says_how_many_takes_are_dated_ahead(temp):
    line = saved_takes.pruned_line([], 0, 0, 14, ahead=2)
    assert line.startswith("DualTalk: 2 kept takes are dated ahead of the clock, kept until it passes")
    assert saved_takes.pruned_line([], 0, 0, 14) == ""
    old = temp / "dualtalk_take_x"
    one = saved_takes.pruned_line([old], 2_000_000, 0, 14, ahead=1)
    assert "deleted 1 kept take older than 14 days (2.0 MB)" in one and "; 1 kept take is dated ahead" in one
