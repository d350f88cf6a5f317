"""Two lavalier mics: each character's mic also hears the other, 20-40 dB down. The English aligner
used to place the script's words on that bleed (a line of A's found in B's turn, in A's mic), so the
words covered too little of A's speech, or fitted B's voice badly, and both characters kept the
engine's lips with a script that was right. The aligner now hears the partner's bleed turned down."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.tts import Voice, available_engines, speak
from dualtalk.inference.audio.vad import bleed_frames, voice_activity, without_bleed
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.phonetic import transcript as tr

SR = 16000
LINES = (
    ("A", "My mother bought a warm coat for the long voyage home."),
    ("B", "Please pass me the blue cup by the window."),
    ("A", "Maybe we should bring the map with us."),
    ("B", "Bob said he would buy a bigger boat."),
)


def _scene(bleed_db: float) -> tuple[np.ndarray, np.ndarray]:
    """A's and B's mics (flite voices taking turns, 0.9 s apart), each also hearing the other
    ``bleed_db`` down and 10 ms late."""
    a, b = [np.zeros(SR // 2, np.float32)], [np.zeros(SR // 2, np.float32)]
    for who, text in LINES:
        audio = speak(text, Voice("flite", "rms" if who == "A" else "slt")).audio
        gap = np.zeros(int(0.9 * SR), np.float32)
        mine, other = (a, b) if who == "A" else (b, a)
        mine += [audio, gap]
        other += [np.zeros_like(audio), gap]
    clean_a, clean_b = np.concatenate(a), np.concatenate(b)
    gain, late = 10 ** (bleed_db / 20), int(0.01 * SR)
    mic_a = clean_a + gain * np.pad(clean_b, (late, 0))[: len(clean_b)]
    mic_b = clean_b + gain * np.pad(clean_a, (late, 0))[: len(clean_a)]
    return mic_a.astype(np.float32), mic_b.astype(np.float32)


def _engine(mic: np.ndarray, partner: np.ndarray) -> Motion:
    speaking = voice_activity(mic, partner)
    return Motion("arkit55", np.full((len(speaking), 55), 0.2, np.float32), speaking=speaking, engine="lite")


@pytest.fixture(scope="module", params=[-20.0, -30.0, -40.0], ids=lambda db: f"bleed {db:g} dB")
def mics(request):
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    pytest.importorskip("pocketsphinx")
    return _scene(request.param)


def test_both_characters_are_drawn_from_a_right_script_despite_the_bleed(mics):
    mic_a, mic_b = mics
    script = [tr.Line(k + 1, who, text) for k, (who, text) in enumerate(LINES)]
    _a, _b, report = tr.apply_transcript(
        script, ("A", "B"), mic_a, mic_b, _engine(mic_a, mic_b), _engine(mic_b, mic_a)
    )
    for key, who in (("a", "A"), ("b", "B")):
        words = sum(len(text.split()) for tag, text in LINES if tag == who)
        assert "error" not in report[key], report[key].get("error")
        assert report[key]["aligned"] == report[key]["words"] == words


def test_the_aligner_hears_the_bleed_turned_down_and_the_voice_as_it_is(mics):
    mic_a, mic_b = mics
    bleed = bleed_frames(mic_a, mic_b)
    assert bleed is not None and bleed.any()
    heard = without_bleed(mic_a, mic_b)
    assert heard.shape == mic_a.shape
    hop = SR // 100
    own = ~bleed[: len(mic_a) // hop]
    frames = heard[: len(own) * hop].reshape(-1, hop)
    raw = mic_a[: len(own) * hop].reshape(-1, hop)
    inner = own & np.roll(own, 1) & np.roll(own, -1)  # away from a ramp
    assert np.allclose(frames[inner], raw[inner])  # A's own speech untouched
    quiet = bleed & np.roll(bleed, 1) & np.roll(bleed, -1)
    assert (
        np.abs(frames[quiet[: len(frames)]]).max() <= 0.011 * np.abs(raw[quiet[: len(frames)]]).max() + 1e-7
    )


def test_a_take_without_bleed_is_aligned_on_its_own_samples():
    quiet = np.zeros(SR, np.float32)
    voice = np.random.default_rng(0).normal(0, 0.1, SR).astype(np.float32)
    assert bleed_frames(voice, None) is None
    assert np.array_equal(without_bleed(voice, quiet), voice)
