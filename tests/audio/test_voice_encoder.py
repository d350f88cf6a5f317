"""The voice encoder gives the same embeddings whatever the caller's torch settings: a researcher
diarizing inside their own ``torch.autocast`` block (a notebook that runs its model in bfloat16) got a
TypeError from the diarizer, and the thread count it sets for itself is put back after."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.bench.testsignals import espeak_available
from dualtalk.inference.audio import c_rand, voice_encoder
from dualtalk.inference.audio.diarize import diarize_mix
from dualtalk.inference.audio.tts import Voice, speak

pytestmark = [
    pytest.mark.skipif(not voice_encoder.available(), reason="packaged voice encoder not installed"),
    pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed"),
]


def two_voices() -> np.ndarray:
    with c_rand.seeded():
        a = speak(
            "I walked along the river this morning and the water was high.", Voice("espeak", "en-us+m3")
        )
        b = speak(
            "We painted the kitchen on Saturday, it took much longer.", Voice("espeak", "en-us+f4", pitch=70)
        )
    gap = np.zeros(8000, np.float32)
    return np.concatenate([gap, a.audio, gap, b.audio, gap, a.audio, gap])


def test_diarizing_inside_a_callers_autocast_gives_the_same_answer():
    mix = two_voices()
    plain = diarize_mix(mix)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        inside = diarize_mix(mix)
    assert np.array_equal(inside.labels, plain.labels) and inside.meta == plain.meta


def test_the_embeddings_do_not_move_with_the_callers_thread_count():
    mix = two_voices()
    centres = np.arange(1.0, len(mix) / 16000 - 1.0, 0.5)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        two = voice_encoder.embed_windows(mix, centres)
        assert torch.get_num_threads() == 2  # the caller's count is put back
        torch.set_num_threads(1)
        one = voice_encoder.embed_windows(mix, centres)
    finally:
        torch.set_num_threads(before)
    assert two is not None and one is not None and np.array_equal(two, one)
