"""A motion file came back from a colleague's tool with its recorded part's end mangled (-1e300, or
7 s on a 4 s take). animate --audio reads the part the take was made from out of that record; before,
the user, who typed no --end, was told "--end (-1e+300 s) must be after --start (0 s)" or "--end 7 s
is past the end of talk.wav". A recorded end that disagrees with the motion's own frames by more than
half a second is damaged: the frames say where the part ends."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.core.take_record import audio_record


def _take(end: object, start: float = 2.0) -> Motion:
    source = {"audio": "/takes/talk.wav", "start": start, "end": end, "fingerprint": "abc"}
    return Motion(space="arkit55", values=np.zeros((100, len(ARKIT55)), np.float32), start_time=start,
                  meta={"source": source})  # fmt: skip


@pytest.mark.parametrize("end", [-1e300, 7.0, 1e300, 0.0, float("nan"), "6", True, None])
def test_a_damaged_recorded_end_is_where_the_frames_end(end):
    record = audio_record(_take(end))
    assert record is not None and record["start"] == 2.0 and record["end"] == pytest.approx(6.0)


def test_a_recorded_end_within_a_frame_of_the_frames_is_kept():
    assert audio_record(_take(5.98))["end"] == 5.98  # the audio's own end, inside the last frame
