"""A re-generated part says so while it reads the whole recording for the behaviour layer, and a
cancel there is heard.

Review 31l F2/F4: a part (``infer --start/--end``, ``animate --range``, the add-on's Re-generate
Preview Range) reads the whole recording again so it blinks and nods at the seconds the whole take
does; on a 20-minute take that is about 3 s (loaded box) with the bar on "behaviour: 0%" and no word
of why. The reading is now lines of the behaviour stage.
"""

from __future__ import annotations

import addon_helpers as ah
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.progress import Recorder
from dualtalk.inference.core.request import Request

CONTEXT = "reading the whole recording for context"


class CancelAt(Recorder):
    """Cancels when a line containing ``words`` is said (Esc in the add-on, Ctrl-C in a terminal)."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        if self.words in message:
            self.cancel()
        super().update(stage, fraction, message)


@pytest.fixture
def part(tmp_path):
    """Seconds 1 to 3 of a four-second two-voice recording."""
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=4.0)
    return Request(audio=str(wav), engine="lite", rounds=1, start=1.0, end=3.0)


def test_a_part_says_it_reads_the_whole_recording_under_the_behaviour_stage(part, tmp_path):
    progress = Recorder()
    take = pipeline.run(part, tmp_path / "take", progress=progress)
    assert take.motion_a.num_frames == 50
    context = [(s, f, m) for s, f, m in progress.events if CONTEXT in m]
    assert context, progress.events
    assert {s for s, _, _ in context} == {"behaviour"}, context
    # said after the layer's first line and before it reads the voices, the bar never going back
    stages = [s for s, _, _ in progress.events]
    first = progress.events.index(context[0])
    assert stages[first - 1] == "behaviour" and progress.events[first - 1][1] == 0.0
    behaviour = [f for s, f, _ in progress.events if s == "behaviour"]
    assert behaviour == sorted(behaviour), behaviour
    # the loader's own steps show through (reading, voice activity, the whole recording's summary)
    said = " | ".join(m for _, _, m in context)
    for words in (f"{CONTEXT}: reading audio", f"{CONTEXT}: voice activity", f"{CONTEXT}: 4.00 s from"):
        assert words in said, said


def test_a_whole_take_reads_its_recording_once(tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=4.0)
    progress = Recorder()
    pipeline.run(Request(audio=str(wav), engine="lite", rounds=1), tmp_path / "take", progress=progress)
    assert not [m for _, _, m in progress.events if CONTEXT in m]


def test_a_cancel_while_reading_the_whole_recording_is_heard_there(part, tmp_path):
    progress = CancelAt(f"{CONTEXT}: reading audio")
    with pytest.raises(CancelledError):
        pipeline.run(part, tmp_path / "take", progress=progress)
    assert CONTEXT in progress.events[-1][2] and progress.events[-1][0] == "behaviour"
    assert not (tmp_path / "take" / "A.npz").exists()
