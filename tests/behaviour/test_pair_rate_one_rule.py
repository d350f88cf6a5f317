"""A script calls the behaviour layer on a pair another tool wrote, A at 25 fps and B at 25.0002 (a rate
rounded on its way through a float32 or a text file). The scene and ``animate`` take them as one rate
(within :data:`~dualtalk.inference.core.timebase.RATE_TOLERANCE`, relative), but the layer had its own
absolute 1e-6 and refused them as "A is at 25 fps but B at 25 fps". It now checks by the same rule: the
pair goes through, a pair 1.2e-5 apart is refused with the digits that tell them apart, and the kept
cues of a recording are held to the same rule beside the motion."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from behaviour_takes import base_motion, buzzy_voice
from dualtalk.inference.audio import Dialogue
from dualtalk.inference.behaviour import apply_behaviour
from dualtalk.inference.behaviour.apply import LIP_CHANNELS
from dualtalk.inference.behaviour.recording_cues import measure
from dualtalk.inference.core.errors import DualTalkError

WITHIN, OUTSIDE = 25.0002, 25.0003  # 8e-6 and 1.2e-5 of 25: either side of the 1e-5 tolerance


@pytest.fixture(scope="module")
def take():
    """Ten seconds: A talks for four, a pause, then B for four."""
    frames = np.arange(250)
    act_a, act_b = frames < 100, (frames >= 125) & (frames < 225)
    dlg = Dialogue(buzzy_voice(act_a, 120.0, 1), buzzy_voice(act_b, 210.0, 2), act_a, act_b)
    return dlg, base_motion(dlg, "A"), base_motion(dlg, "B")


def test_rates_within_the_tolerance_are_one_pair_and_outside_are_refused_plainly(take):
    dlg, motion_a, motion_b = take
    out_a, out_b = apply_behaviour(motion_a, replace(motion_b, fps=WITHIN), dlg)  # before: refused
    lips = [motion_b.channels.index(c) for c in LIP_CHANNELS]
    assert out_b.fps == WITHIN and np.array_equal(out_b.values[:, lips], motion_b.values[:, lips])
    assert out_a.num_frames == out_b.num_frames == dlg.num_frames
    with pytest.raises(DualTalkError, match=r"^A is at 25 fps but B at 25.0003 fps: .*one frame rate"):
        apply_behaviour(motion_a, replace(motion_b, fps=OUTSIDE), dlg)

    cues = measure(dlg, 25.0)
    kept = apply_behaviour(motion_a, motion_b, dlg, cues=replace(cues, fps=WITHIN))  # before: refused
    fresh = apply_behaviour(motion_a, motion_b, dlg, cues=cues)
    for got, want in zip(kept, fresh, strict=True):
        assert np.array_equal(got.values, want.values)
    with pytest.raises(
        DualTalkError, match=r"^the recording's cues are at 25.0003 fps but the motion at 25$"
    ):
        apply_behaviour(motion_a, motion_b, dlg, cues=replace(cues, fps=OUTSIDE))
