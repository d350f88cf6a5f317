"""A user tries the first instant of a two-mic recording (``--start 0 --end 0.12``): both mics hear the
same room tone there, which is no reason to call the two files one recording copied."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.dialogue import load_dialogue, same_speech
from dualtalk.inference.core.errors import DualTalkError


def test_a_short_part_of_two_real_mics_is_read_as_two_people(demo_clip):
    dialogue = load_dialogue(demo_clip["wav1"], audio_b=demo_clip["wav2"], start=0.0, end=0.12)
    assert len(dialogue.a) == len(dialogue.b) == round(0.12 * 16000)


def test_a_copied_recording_is_still_refused_from_half_a_second(tmp_path):
    import soundfile as sf

    rng = np.random.default_rng(0)
    voice = (0.2 * rng.standard_normal(16000)).astype(np.float32)
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(a, voice, 16000)
    sf.write(b, -0.5 * voice, 16000)
    with pytest.raises(DualTalkError, match="same speech"):
        load_dialogue(a, audio_b=b, start=0.0, end=0.5)
    assert same_speech(voice[:7000], voice[:7000]) == (0.0, 0)  # under half a second: not judged
