"""``eval behaviour`` per-minute rates: a character who barely listens gets no listening rate.

A take where B listens 1.6 s in 24 s (the shared DualTalk clip) read "112.5 blinks/min
listening" for B: three blinks over 1.6 s. That is a count, not a rate; the evaluator now
says so instead of reporting a number far outside any person's range.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import CHANNELS, SPACE_ARKIT
from dualtalk.inference.core.motion import Motion
from dualtalk.training.evaluation import behaviour as ev

FPS = 25


def _character(role: str, speaking: np.ndarray, blinks_at_s: list[float]) -> Motion:
    channels = CHANNELS[SPACE_ARKIT]
    values = np.zeros((len(speaking), len(channels)), dtype=np.float32)
    for t in blinks_at_s:
        frame = int(t * FPS)
        for name in ("eyeBlinkLeft", "eyeBlinkRight"):
            values[frame : frame + 3, channels.index(name)] = 1.0
    return Motion(space=SPACE_ARKIT, values=values, speaking=speaking, engine="lite", role=role)


def _take_where_b_listens_briefly():
    t = 24 * FPS
    b_speaks = np.ones(t, dtype=bool)
    b_speaks[5 * FPS : int(6.6 * FPS)] = False  # B listens 1.6 s, once
    a = _character("A", ~b_speaks, [])
    b = _character("B", b_speaks, [5.1, 5.7, 6.2, 12.0, 18.0])  # three blinks while listening
    return a, b


def test_a_listening_rate_over_a_moment_is_not_reported_but_its_count_is():
    a, b = _take_where_b_listens_briefly()
    row = ev.measure(ev.take_from(b, a))
    assert row["listening_min"] * 60 == pytest.approx(1.6)
    assert row["blinks_listening"] == 3
    assert row["blinks_per_min_listening"] is None  # was 112.5
    assert row["nods_per_listening_min"] is None
    # the partner, who listens 22 s, keeps its rates
    other = ev.measure(ev.take_from(a, b))
    assert other["blinks_per_min_listening"] == 0.0 and other["nods_per_listening_min"] == 0.0


def test_the_table_shows_the_count_and_the_time_instead():
    a, b = _take_where_b_listens_briefly()
    result = {"after": {"A": ev.measure(ev.take_from(a, b)), "B": ev.measure(ev.take_from(b, a))}}
    line = next(ln for ln in ev.format_table(result).splitlines() if ln.startswith("blinks/min listening"))
    assert "n/a (3 in 1.6 s)" in line and "112.5" not in line
