"""The behaviour stage moves its bar while it reads both voices, and a cancel there is heard.

Review 31l F4: on a 20-minute take the behaviour layer took 13.2 s (wall, loaded box) with only its
0 % and 100 % lines; most of it is reading each voice's loudness and pitch over the whole recording,
which already runs in two-minute blocks. Each block is now a line of the "behaviour" stage.
"""

from __future__ import annotations

import numpy as np
import pytest
from behaviour_takes import base_motion, buzzy_voice
from dualtalk.inference.audio import Dialogue
from dualtalk.inference.behaviour import apply_behaviour
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.progress import Recorder

MINUTES = 5  # three two-minute blocks per voice


@pytest.fixture(scope="module")
def five_minutes():
    """A five-minute conversation: A and B take 6-second turns, with a pause between."""
    t = MINUTES * 60 * 25
    turn = (np.arange(t) // 150) % 2 == 0
    pause = (np.arange(t) % 150) >= 130
    act_a, act_b = turn & ~pause, ~turn & ~pause
    dlg = Dialogue(
        buzzy_voice(act_a, 120.0, 1), buzzy_voice(act_b, 210.0, 2), act_a, act_b, names=("Ava", "Ben")
    )
    return dlg, base_motion(dlg, "A"), base_motion(dlg, "B")


def test_the_bar_moves_block_by_block_through_both_voices(five_minutes):
    dlg, motion_a, motion_b = five_minutes
    rec = Recorder()
    with_bar = apply_behaviour(motion_a, motion_b, dlg, progress=rec)
    lines = [(f, m) for s, f, m in rec.events if s == "behaviour"]
    assert len(lines) == len(rec.events) >= 12, rec.events
    fractions = [f for f, _ in lines]
    assert fractions == sorted(fractions) and 0.0 <= fractions[0] and fractions[-1] < 1.0
    said = " | ".join(m for _, m in lines)
    for words in ("reading Ava's voice: pitch: 2:00 of 5:00", "reading Ben's voice: loudness", "planning"):
        assert words in said, said
    # the bar changes nothing of the performance
    quiet = apply_behaviour(motion_a, motion_b, dlg)
    for got, want in zip(with_bar, quiet, strict=True):
        assert np.array_equal(got.values, want.values) and got.meta == want.meta


class CancelAt(Recorder):
    """Cancels when a line containing ``words`` is said (Esc in the add-on, Ctrl-C in a terminal)."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        if self.words in message:
            self.cancel()
        super().update(stage, fraction, message)


def test_a_cancel_while_reading_the_second_voice_is_heard_there(five_minutes):
    dlg, motion_a, motion_b = five_minutes
    rec = CancelAt("reading Ben's voice: pitch: 2:00")
    with pytest.raises(CancelledError):
        apply_behaviour(motion_a, motion_b, dlg, progress=rec)
    assert rec.events[-1][2] == "reading Ben's voice: pitch: 2:00 of 5:00"
