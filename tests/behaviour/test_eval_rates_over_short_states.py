"""``eval behaviour`` per-minute rates: a character who barely listens gets no listening rate.

A take where B listens 1.6 s in 24 s (the shared DualTalk clip) read "112.5 blinks/min
listening" for B: three blinks over 1.6 s. That is a count, not a rate; the evaluator now
says so instead of reporting a number far outside any person's range.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import CHANNELS, HEAD, SPACE_ARKIT
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


def _take_where_a_says_one_word():
    """A speaks once for 0.6 s (frames 250-265) in 24 s and listens the rest: eyes always on B,
    head still while speaking and swaying while listening (a ratio of listening/speaking of ~10)."""
    t = 24 * FPS
    a_speaks = np.zeros(t, dtype=bool)
    a_speaks[250:265] = True
    a = _character("A", a_speaks, [3.0, 9.0, 15.0, 21.0])
    head = [a.channels.index(c) for c in HEAD]
    sway = np.radians(1.0) * np.sin(np.arange(t)[:, None] / 9.0 + np.arange(3))
    a.values[:, head] = np.where(a_speaks[:, None], np.radians(0.1) * sway / np.radians(1.0), sway)
    a.gaze_target = np.ones(t, dtype=np.int8)
    b = _character("B", ~a_speaks, [4.0, 10.0, 16.0, 22.0])
    b.gaze_target = np.ones(t, dtype=np.int8)
    return a, b


def test_a_speakers_numbers_over_one_word_are_not_judged_or_pooled():
    """On held-out AMI excerpts, a character who said one 0.6 s word got a listening/speaking head
    ratio of 1.31/0.57/4.04 and eyes on the partner 100 % "while speaking": the take and the pooled
    row missed targets on 15 frames. Every number of a state, not just its per-minute rates, now
    needs 10 s of that state: left out (None), not judged, not pooled, shown with its seconds."""
    a, b = _take_where_a_says_one_word()
    row = ev.measure(ev.take_from(a, b))
    assert row["speaking_min"] * 60 == pytest.approx(0.6)
    for key in ("head_std_speaking", "head_sharpness_speaking", "head_ratio_listen_speak", "gaze_speaking"):
        assert row[key] is None, key
    assert row["head_std_listening"] is not None and row["gaze_listening"] == 1.0  # 23.4 s: kept
    # the same numbers, as they were measured before, are not judged on a row that says 0.6 s
    judged = {**row, "head_ratio_listen_speak": [1.31, 0.57, 4.04], "gaze_speaking": 1.0}
    assert not [m for m in ev.missed_targets(judged) if "speaking" in m], ev.missed_targets(judged)
    # pooled with B (who speaks 23.4 s), eyes on partner speaking is B's alone
    b_row = ev.measure(ev.take_from(b, a))
    pooled = ev.pooled({"before": {"A": row, "B": b_row}, "after": {"A": row, "B": b_row}})["after"]
    assert pooled["gaze_speaking"] == b_row["gaze_speaking"]
    assert pooled["head_std_speaking"] == pytest.approx(b_row["head_std_speaking"])
    table = ev.format_table({"after": {"A": row, "B": b_row}})
    ratio = next(ln for ln in table.splitlines() if ln.startswith("listening/speaking head ratio"))
    assert "n/a (speaking 0.6 s)" in ratio
    gaze = next(ln for ln in table.splitlines() if ln.startswith("eyes on partner, speaking"))
    assert "n/a (0.6 s)" in gaze and gaze.count("1.00") == 1  # B, who speaks 23.4 s, keeps its share
