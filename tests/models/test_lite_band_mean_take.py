"""Mia records half a long take on her lavalier and the rest on the desk mic (12 dB quieter, the
treble cut): today her words on the desk mic do not reach the lite network as they do in that half
alone (session 40, issue #13; measured, not fixed).

The lite front end removes each mel band's mean over everything one encoder call hears (a clip, or a
30 s window of a long take), so over a take whose mic or voice changes one stretch's mean sets another
stretch's level and colour. The synthetic held-out English clips joined into one 178 s take lose F/V
0.911 -> 0.875 and rounding 0.851 -> 0.827 against the clips one by one; the same take with every
other 14 s stretch through this desk mic loses F/V 0.911 -> 0.836. A mean over the 8 s around each
frame (training's crop) made these features exact and gave the mic take back F/V 0.901, but the
first take (a voice, accent or rate change every 2 s) only 0.879 / 0.827, so by its decision rule it
was not shipped (fix40_norm40). The strict xfail turns into a failure when the front end stops
reading the whole input's mean: then update MODEL_CARD's long-take bullet and these tests.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from dualtalk.inference.audio import load_speech
from dualtalk.inference.models.lite.features import LogMel
from scipy.signal import lfilter

HOP = 160  # samples per mel frame (100 Hz)
CROP = 800  # mel frames in one of training's crops (train_lite --frames 200 at 25 fps: 8 s)
REACH = CROP // 2 + 2  # frames of a half that a crop around them would take past its edge


def desk_mic(voice: np.ndarray) -> np.ndarray:
    """The same voice 12 dB quieter through a one-pole low-pass (a duller mic further away)."""
    dull = lfilter([0.35], [1.0, -0.65], voice)
    return (dull * 10 ** (-12 / 20)).astype(np.float32)


@pytest.fixture(scope="module")
def mia(demo_clip) -> dict[str, np.ndarray]:
    voice = load_speech(demo_clip["wav1"])
    n = len(voice) // 640 * 640  # whole frames, so the halves meet on the mel grid
    lavalier, desk = voice[:n], desk_mic(voice[:n])
    return {"lavalier": lavalier, "desk": desk, "take": np.concatenate([lavalier, desk])}


def _features(audio: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return LogMel()(torch.from_numpy(audio)[None])[0].numpy()


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="issue #13: one band mean over the whole input (features.LogMel); the desk half's words "
    "read up to 0.51 off their own (fix40_norm40)",
)
def test_her_words_on_the_desk_mic_read_as_they_do_in_that_half_alone(mia):
    take, alone = _features(mia["take"]), _features(mia["desk"])
    start = len(mia["lavalier"]) // HOP
    inner = np.arange(REACH, len(alone) - REACH)  # frames 4 s from the desk half's start and end
    assert len(inner) > 1000  # 10 s of her speech to compare
    assert np.abs(take[start + inner] - alone[inner]).max() < 1e-3


def test_one_mean_over_the_take_moves_every_frame_of_a_half_by_the_mics_difference(mia):
    """The finding itself: each band of the lavalier half is shifted by about half the two mics'
    difference in that band, the same for every frame, so its words read quieter and duller."""
    take, alone = _features(mia["take"]), _features(mia["lavalier"])
    shift = (take[: len(alone)] - alone)[:-2]  # the last two frames' STFT also hears the desk half
    per_band = np.median(shift, axis=0)
    assert np.abs(per_band).mean() > 0.25  # log power / 4: over 4 dB (today 0.43, 7.5 dB)
    assert np.abs(shift - per_band).max() < 1e-3  # a constant per band: a mean, not the sound


def test_a_clip_of_eight_seconds_or_less_reads_against_its_own_plain_mean(rng):
    """LibriVox's 3-7 s clips and training's 8 s crops: each band minus its mean over the clip."""
    mel = LogMel()
    x = torch.from_numpy(rng.standard_normal((2, (CROP - 1) * HOP)).astype(np.float32))
    with torch.no_grad():
        logmel = mel._logmel(x)
        plain = ((logmel - logmel.mean(dim=-1, keepdim=True)) / 4.0).transpose(1, 2)
        assert logmel.shape[-1] == CROP
        assert torch.equal(mel(x), plain)
