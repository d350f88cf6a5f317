"""An animator's recording, range or ``--end`` that is a whole number of 25-fps frames long.

The lite encoder gives ``N // 640 + 1`` conv frames for N samples: as many as the motion frames,
except when N is a whole number of frames, where it gave one more and resampled them onto the
frames, so every frame heard its sound up to 40 ms later. The demo dialogue 4 samples shorter
(exactly 415 frames) moved A's jaw by 0.22 across the whole take, and Re-generate Preview Range,
which cuts its audio on whole frames, redrew a line's jaw by 0.25 with nothing changed (review
rv39c, F3). Now a window of whole frames ends one sample short and hears what any other cut hears.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch
from dualtalk.inference.audio import Dialogue, voice_activity
from dualtalk.inference.checkpoint import load_dualtalk
from dualtalk.inference.engine import engine_from_model, load_engine
from dualtalk.inference.generate import generate_dialogue
from dualtalk.inference.models.lite.features import ConvAudioEncoder
from dualtalk.inference.models.lite.model import LiteConfig, LiteDualTalk

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo_dialogue.flac"  # 265 604 samples
FRAME = 640  # samples per 25-fps frame at 16 kHz


@pytest.fixture(scope="module")
def lite():
    return load_engine(engine="lite", device="cpu")


@pytest.fixture(scope="module")
def recording() -> np.ndarray:
    audio, sr = sf.read(DEMO, dtype="float32")
    assert sr == 16000 and len(audio) % FRAME == 4  # 415 frames and 4 samples
    return audio


def _take(engine, audio: np.ndarray) -> np.ndarray:
    """Both characters' motion, (frames, 2, channels), from a stereo stretch of the recording."""
    a, b = np.ascontiguousarray(audio[:, 0]), np.ascontiguousarray(audio[:, 1])
    dialogue = Dialogue(a, b, voice_activity(a, partner=b), voice_activity(b, partner=a))
    motion_a, motion_b = generate_dialogue(dialogue, engine)
    return np.stack([motion_a.values, motion_b.values], axis=1)


def test_a_recording_a_few_samples_shorter_moves_the_same_on_every_frame_but_its_last(lite, recording):
    """1 sample off leaves 416 frames; 4 off leaves exactly 415, a whole number of frames: its jaw
    had moved by 0.22 mid-take (all channels 0.28). Now it differs as little as 5 off does."""
    whole = _take(lite, recording)
    for cut in (1, 4, 5):
        shorter = _take(lite, recording[: len(recording) - cut])
        n = len(shorter) - 1  # the last frame hears less sound: it may differ
        assert len(shorter) == (416 if cut == 1 else 415)
        assert np.abs(shorter[:n] - whole[:n]).max() < 0.03, cut


def test_a_range_cut_on_whole_frames_matches_the_whole_take_as_well_as_any_other_cut(lite, recording):
    """The range Re-generate Preview Range cuts for frames 200-250 of the demo take (5.8-12.16 s,
    159 whole frames): its jaw inside the range differed from the take's by 0.25, against 0.06 for
    the same cut 4 samples longer. Now both are the same."""
    whole = _take(lite, recording)
    start, end = int(5.8 * 16000), int(12.16 * 16000)
    assert (end - start) % FRAME == 0
    inside = np.arange(199, 250)  # the take's frames 200-250 (the take starts at frame 1)
    off = start // FRAME
    for extra in (0, 4):
        part = _take(lite, recording[start : end + extra])
        far = np.abs(part[inside - off] - whole[inside]).max()
        assert far < 0.1, (extra, far)


def _conv_frames_heard(engine, seconds: float, window_s: float) -> list[tuple[int, int]]:
    """(samples, frames) of every window the self encoder is handed in one take."""
    calls: list[tuple[int, int]] = []
    encode = engine.model.encode_self

    def spy(audio, frame_num, *rest):
        calls.extend((int(audio.shape[-1]), frame_num) for _ in range(audio.shape[0]))
        return encode(audio, frame_num, *rest)

    engine.model.encode_self = spy
    try:
        rng = np.random.default_rng(0)
        n = int(seconds * 16000)
        a, b = (rng.standard_normal(n).astype(np.float32) * 0.1 for _ in range(2))
        silent = np.zeros(-(-n // FRAME), dtype=bool)  # no flags: nothing ducked, one pass
        generate_dialogue(Dialogue(a, b, silent, silent), engine, rounds=1, window_s=window_s)
    finally:
        del engine.model.encode_self
    return calls


def test_every_window_of_a_long_take_gives_the_lite_encoder_one_conv_frame_per_motion_frame():
    """Inner windows are whole frames; the last window is whole only when the take is. Each is
    now read without resampling: its conv frames are its motion frames."""
    torch.manual_seed(0)
    tiny = LiteDualTalk(LiteConfig(dim=32, audio_dim=32, lstm_hidden=16, interaction_layers=1, heads=2))
    engine = engine_from_model(tiny, name="lite")
    for seconds in (8.0, 8.01):  # 200 frames exactly, and 200 frames and 160 samples
        calls = _conv_frames_heard(engine, seconds, window_s=3.0)
        assert len(calls) >= 4
        assert all(samples // FRAME + 1 == frames for samples, frames in calls), calls


def test_the_published_network_still_hears_every_sample_of_its_windows(tiny_checkpoint):
    """The cap is the lite encoder's: the published network's wav2vec2 windows are left as they were."""
    net, sha = load_dualtalk(tiny_checkpoint)
    engine = engine_from_model(net, sha256=sha)
    calls = _conv_frames_heard(engine, 8.0, window_s=3.0)
    assert calls and all(samples == frames * FRAME for samples, frames in calls), calls


def test_the_encoder_names_the_most_samples_that_keep_its_conv_frames_to_the_motion_frames():
    encoder = ConvAudioEncoder(n_mels=64, dim=8, dropout=0.0).eval()
    with torch.no_grad():
        for frames in (3, 50):
            most = encoder.most_samples(frames)
            assert most == frames * FRAME - 1
            for n, conv in ((most, frames), (most + 1, frames + 1)):
                assert encoder.convs(encoder.mel(torch.zeros(1, n)).transpose(1, 2)).shape[-1] == conv
    assert ConvAudioEncoder(n_mels=64, dim=8, reading="centre").most_samples(50) is None
