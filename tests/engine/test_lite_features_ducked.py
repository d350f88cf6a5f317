"""Ava's lavalier is turned down 20 dB for the network while only Ben talks (his bleed on her mic):
her own sentences must still reach the lite network as they did before the duck.

The lite front end removes each band's mean over the window it hears. Measured over a stream whose
listening half is 20 dB quieter, that mean drops and Ava's own speech read 8-10 dB louder: her
speaking jaw rose 5-11 % (fix31f's follow-up). The self encoder is now given the stream as recorded
for its band means (the reference the network was trained with), so her own frames give the same
features; a take that is not ducked is read exactly as before.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.inference.audio import Dialogue, load_speech
from dualtalk.inference.audio.normalize import normalize_speech
from dualtalk.inference.audio.sync import duck_bleed
from dualtalk.inference.engine import load_engine
from dualtalk.inference.generate import generate_dialogue
from dualtalk.inference.models.lite.features import LogMel
from scipy.ndimage import binary_dilation

BLEED = 10 ** (-30 / 20)
FAR = 12  # frames (0.48 s) from any ducked frame: beyond the conv encoder's reach (~0.25 s)


@pytest.fixture(scope="module")
def ava(demo_clip) -> dict:
    a, b = load_speech(demo_clip["wav1"]), load_speech(demo_clip["wav2"])
    n = min(len(a), len(b))
    d = Dialogue.from_arrays(a[:n] + BLEED * b[:n], b[:n] + BLEED * a[:n], sample_rate=16000)
    recorded = normalize_speech(d.a)
    ducked = duck_bleed(recorded, d.active_a, d.active_b)
    ducked_frames = d.active_b & ~d.active_a
    own = d.active_a & ~binary_dilation(ducked_frames, iterations=FAR)
    assert own.sum() > 30 and ducked_frames.sum() > 200  # Ava has sentences away from Ben's turns
    return {"recorded": recorded, "ducked": ducked, "own": own, "frames": d.num_frames}


def _self_features(audio: np.ndarray, frames: int, reference: np.ndarray | None = None) -> np.ndarray:
    model = load_engine(engine="lite").model
    ref = None if reference is None else torch.from_numpy(reference)[None]
    with torch.no_grad():
        return model.encode_self(torch.from_numpy(audio)[None], frames, ref)[0].numpy()


def test_her_own_sentences_give_the_features_they_gave_before_the_duck(ava):
    before = _self_features(ava["recorded"], ava["frames"])
    after = _self_features(ava["ducked"], ava["frames"], reference=ava["recorded"])
    own = ava["own"]
    assert np.abs(after[own] - before[own]).max() < 1e-3


def test_read_against_its_own_means_the_ducked_stream_shifts_her_speech(ava):
    """Why the reference: the ducked stream's own band means move her features (the bug)."""
    before = _self_features(ava["recorded"], ava["frames"])
    alone = _self_features(ava["ducked"], ava["frames"])
    own = ava["own"]
    assert np.abs(alone[own] - before[own]).mean() > 0.05


def test_a_stream_that_was_not_ducked_reads_exactly_as_before(rng):
    """A take without a duck (one voice, --turns, LibriVox) gives byte-identical features."""
    mel = LogMel()
    x = torch.from_numpy(rng.standard_normal((2, 48000)).astype(np.float32))
    assert torch.equal(mel(x, reference=x.clone()), mel(x))


def test_a_silent_listeners_noisy_mic_keeps_its_mouth_shut(demo_clip, rng):
    """Ava talks; Ben never does, his mic only hears the room (-60 dBFS hiss). His stream is ducked
    wherever she speaks; read against its own band means, the hiss in her pauses sounded 20 dB louder
    than the rest of his stream and his jaw opened there (network's jaw p90 0.38; 0.009 before the
    duck existed, 0.011 now)."""
    ava = load_speech(demo_clip["wav1"])
    hiss = (rng.standard_normal(len(ava)) * 10 ** (-60 / 20)).astype(np.float32)
    d = Dialogue.from_arrays(ava, hiss, sample_rate=16000)
    assert not d.active_b.any() and d.active_a.mean() > 0.3
    _, ben = generate_dialogue(d, load_engine(engine="lite"))
    jaw = ben.values[:, ben.channels.index("jawOpen")]
    assert np.percentile(jaw, 90) < 0.05
