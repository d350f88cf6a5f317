"""A loud recording is never called silent: when no speech is found, the refusal says what really happened."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.core.errors import DualTalkError


def test_diarize_on_a_loud_recording_without_speech_does_not_call_it_silent(tmp_path):
    """The user ran --diarize on 3 s of room noise at -13 dBFS (the wrong file). Before, the refusal
    said "the dialogue audio is silent (peak below -80 dBFS)", sending them to look for a muted track."""
    path = tmp_path / "noise.wav"
    sf.write(path, 0.05 * np.random.default_rng(0).normal(size=3 * SAMPLE_RATE), SAMPLE_RATE)
    with pytest.raises(DualTalkError) as err:
        load_dialogue(path, diarize=True)
    msg = str(err.value)
    assert msg.startswith("--diarize found no speech in noise.wav") and "not silent" in msg
    assert "-80 dBFS" not in msg and "--turns" in msg


def test_turns_that_cover_only_the_quiet_part_say_so(tmp_path):
    """Someone talks in the first half; the turns file (from another take) marks only the silent second
    half. Before, the refusal said the audio was silent; the audio is fine, the turns do not fit it."""
    t = np.arange(3 * SAMPLE_RATE) / SAMPLE_RATE
    x = 0.3 * np.sin(2 * np.pi * 200 * t) * (1 + np.sin(2 * np.pi * 4 * t)) * (t < 1.5)
    sf.write(tmp_path / "take.wav", x, SAMPLE_RATE)
    turns = tmp_path / "take.rttm"
    turns.write_text(
        "SPEAKER take 1 1.6 0.6 <NA> <NA> tom <NA> <NA>\nSPEAKER take 1 2.3 0.6 <NA> <NA> ann <NA> <NA>\n"
    )
    with pytest.raises(DualTalkError, match=r"^the turns in take\.rttm cover only silence of take\.wav"):
        load_dialogue(tmp_path / "take.wav", turns=turns)


def test_a_really_silent_file_is_still_called_silent(tmp_path):
    """The true case keeps its message: an all-zero stereo file."""
    sf.write(tmp_path / "mute.wav", np.zeros((SAMPLE_RATE, 2)), SAMPLE_RATE)
    with pytest.raises(DualTalkError, match="the dialogue audio is silent"):
        load_dialogue(tmp_path / "mute.wav")
