"""The one timebase: frames of audio line up with motion frames at any frame rate."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.timebase import audio_frames, frames_for


def test_each_motion_frame_holds_its_own_40_ms_of_audio():
    audio = np.arange(1600, dtype=np.float32)  # 0.1 s: two whole frames and a quarter of a third
    rows = audio_frames(audio, frames_for(audio.size))
    assert rows.shape == (3, 640)
    assert np.array_equal(rows[0], np.arange(640)) and np.array_equal(rows[1], np.arange(640, 1280))
    assert np.array_equal(rows[2, :320], np.arange(1280, 1600)) and not rows[2, 320:].any()


@pytest.mark.parametrize("fps", [24.0, 29.97, 30.0])
def test_frame_edges_follow_the_frame_times_at_any_rate(fps):
    audio = np.arange(16000, dtype=np.float64)  # one second
    rows = audio_frames(audio, 5, fps=fps)
    for i in range(5):
        start = round(i * 16000 / fps)
        assert rows[i, 0] == start  # each frame starts at its own time, rounded once
    assert rows.shape[1] == int(np.ceil(16000 / fps))


def test_frames_past_the_end_and_no_frames_are_silence_and_empty():
    rows = audio_frames(np.ones(100), 3)
    assert rows[0, :100].all() and not rows[0, 100:].any() and not rows[1:].any()
    assert audio_frames(np.ones(100), 0).shape == (0, 640)
