"""A sound recordist set the gain too hot: B's lav clipped on every loud syllable. The words and
lips read from it are worse, and before, the only hint was that --recognise called the speech "not
English". Now loading the dialogue says that B's recording is clipped and how much, once, in the
take's audio warnings (the panel's status line and ``infer``'s log); a loud but clean voice (peak
at full scale) and a quiet one say nothing."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.audio.dialogue import CLIPPED_SHARE, Dialogue, clipped_share, load_dialogue
from dualtalk.inference.audio.tts import Voice, available_engines, speak

SR = 16000


@pytest.fixture(scope="module")
def voices() -> tuple[np.ndarray, np.ndarray]:
    """A's and B's lines, one after the other, each peak-normalised to 0.5."""
    if "flite" not in available_engines():
        pytest.skip("flite not installed")
    a = speak("Maybe my brother will buy a bigger boat.", Voice("flite", "kal")).audio
    b = speak("I would love to go, but the bike is broken.", Voice("flite", "slt")).audio
    n = len(a) + len(b) + SR
    stream_a, stream_b = np.zeros(n, np.float32), np.zeros(n, np.float32)
    stream_a[: len(a)] = 0.5 * a / np.abs(a).max()
    stream_b[len(a) + SR // 2 : len(a) + SR // 2 + len(b)] = 0.5 * b / np.abs(b).max()
    return stream_a, stream_b


def test_a_clipped_voice_is_said_with_how_much_of_its_speech_clipped(voices, caplog):
    a, b = voices
    hot_b = np.clip(8.0 * b, -1.0, 1.0)  # 16x over full scale at its peak
    with caplog.at_level(logging.WARNING, logger="dualtalk.audio"):
        dialogue = Dialogue.from_arrays(a, hot_b, sample_rate=SR)
    said = [w for w in dialogue.source["warnings"] if "clipped" in w]
    assert len(said) == 1 and said[0].startswith("speaker B's recording is clipped (")
    assert "of their speech at full scale" in said[0] and "lower the gain" in said[0]
    assert said[0] in caplog.text
    assert clipped_share(hot_b, dialogue.active_b) > CLIPPED_SHARE


def test_a_loud_clean_voice_and_a_quiet_one_say_nothing(voices):
    a, b = voices
    dialogue = Dialogue.from_arrays(a / np.abs(a).max(), 0.05 * b, sample_rate=SR)  # A peaks at full scale
    assert not [w for w in dialogue.source["warnings"] if "clipped" in w]
    assert clipped_share(a / np.abs(a).max(), dialogue.active_a) < 0.001


def test_a_clipped_stereo_file_is_said_when_it_is_loaded(voices, tmp_path):
    """The file's own samples, read and resampled from 44.1 kHz as a user's recording would be."""
    from scipy.signal import resample_poly

    a, b = voices
    hot_a = np.clip(6.0 * resample_poly(a, 441, 160), -1.0, 1.0)
    clean_b = resample_poly(b, 441, 160)
    path = tmp_path / "hot.wav"
    sf.write(path, np.stack([hot_a, clean_b], axis=1), 44100, subtype="PCM_16")
    dialogue = load_dialogue(path)
    said = [w for w in dialogue.source["warnings"] if "clipped" in w]
    assert len(said) == 1 and said[0].startswith("speaker A's recording is clipped")


def test_clipping_is_counted_only_where_the_voice_speaks():
    x = np.zeros(SR * 4, np.float32)
    x[: SR // 2] = 1.0  # a clipped click before the speech starts
    active = np.zeros(100, bool)
    active[50:75] = True  # 2-3 s
    x[2 * SR : 3 * SR] = 0.3 * np.sin(np.arange(SR) * 0.2)
    assert clipped_share(x, active) == 0.0
    x[2 * SR : 2 * SR + 320] = 1.0  # 2 % of the speech's samples at full scale
    assert clipped_share(x, active) == pytest.approx(0.02)


def test_a_hot_float_file_with_peaks_above_full_scale_is_not_called_clipped(voices, tmp_path):
    """Review 29a, finding 15: a DAW's 32-bit float export made 4x hot (peaks at +6 dBFS) loses
    nothing; it was called clipped and the user told to record it again."""
    a, b = voices
    path = tmp_path / "hot_float.wav"
    sf.write(path, np.stack([4.0 * a, 4.0 * b], axis=1), SR, subtype="FLOAT")
    dialogue = load_dialogue(path)
    assert not [w for w in dialogue.source["warnings"] if "clipped" in w]
    # the same take written as 16-bit PCM is cut at full scale: that one is clipped
    pcm = tmp_path / "hot_pcm.wav"
    sf.write(pcm, np.clip(np.stack([4.0 * a, 4.0 * b], axis=1), -1, 1), SR, subtype="PCM_16")
    assert len([w for w in load_dialogue(pcm).source["warnings"] if "clipped" in w]) == 2
