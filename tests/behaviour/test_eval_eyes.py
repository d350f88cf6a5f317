"""Review rv39e F3 in ``eval behaviour``: the eye flicks, the 35 deg one-frame jumps and the take
ending on a new look were found by hand, as review 30b's darts were; the evaluator now measures them."""

from __future__ import annotations

import numpy as np
from dualtalk.training.evaluation import behaviour as ev

FPS = 25


def test_eval_behaviour_names_flicks_fast_shifts_and_a_take_ending_mid_move():
    """``eval behaviour`` had no eye measure: these were found by hand. A take with a 4-frame look
    across the partner, a 35 deg one-frame shift and a blink starting on its last frame now misses
    three targets by name."""
    from dualtalk.inference.core.channels import CHANNELS, SPACE_ARKIT
    from dualtalk.inference.core.motion import Motion

    t = 40 * FPS
    gaze = np.zeros((t, 2), dtype=np.float32)
    gaze[100:200] = [-18.0, 0.0]
    gaze[200:204] = [15.0, -10.0]  # the flick: 4 frames on the far side
    gaze[500:600] = [30.0, -18.0]  # 35 deg in one frame from the partner's face, and back
    values = np.zeros((t, len(CHANNELS[SPACE_ARKIT])), dtype=np.float32)
    for name in ("eyeBlinkLeft", "eyeBlinkRight"):
        values[t - 1, CHANNELS[SPACE_ARKIT].index(name)] = 0.6  # a blink starts on the last frame
    speaking = np.zeros(t, dtype=bool)
    speaking[: t // 2] = True
    on = (np.abs(gaze).sum(axis=1) == 0).astype(np.int8)
    m = Motion(SPACE_ARKIT, values, speaking=speaking, engine="lite", role="A", gaze_target=on, gaze_dir=gaze)
    partner = Motion(SPACE_ARKIT, values.copy(), speaking=~speaking, engine="lite", role="B")
    row = ev.measure(ev.take_from(m, partner))
    assert row["short_fixations"] == 1 and row["ends_mid_move"] == 1
    assert round(row["eye_largest_step"], 1) == 35.0 and round(row["eye_peak_speed"]) == 875
    pooled = ev.pooled({"before": {"A": row}, "after": {"A": row}})["after"]
    missed = ev.missed_targets(pooled)
    assert any(x.startswith("eye fixations under 0.2 s/min") for x in missed), missed
    assert any(x.startswith("largest eye step (deg/s) (874.6") for x in missed), missed
    assert any(x.startswith("takes ending on a new look or blink (1") for x in missed), missed
    table = ev.format_suite(
        {"seeds": 1, "takes": {"t": {"before": pooled, "after": pooled, "lips_identical": True}}}
    )
    assert "| 1.5, 35.0 (875/s), 1 of 1 |" in table
