"""The same sound on both speakers' channels is nobody's speech.

A stereo take has one speaker per channel. A music intro, a jingle or a bed mixed onto both channels
of a podcast export sounds alike on both, at about the same level: neither character may mouth it.
A partner's voice bleeding into the other mic is different: a quieter copy (often delayed), and it
must keep its own speaker talking.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import frames_of, place
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue, voice_activity
from dualtalk.inference.core.errors import DualTalkError

SR = SAMPLE_RATE
A_SPANS = [(0.5, 2.5), (5.0, 7.0), (9.5, 11.0)]
B_SPANS = [(2.8, 4.6), (7.3, 9.2)]
TOTAL = 12.0
INTRO = 8.0


def music(seconds, rng):
    """Chords with a slow swell and a little noise: loud, not steady, not speech."""
    t = np.arange(int(seconds * SR)) / SR
    x = sum(
        0.1 * np.sin(2 * np.pi * f * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 1.5 * t + i))
        for i, f in enumerate((196, 247, 294, 392))
    )
    return (x + 0.02 * rng.standard_normal(len(t))).astype(np.float32)


def mics(rng, bleed_db=-20.0, delay=48):
    a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    g = 10 ** (bleed_db / 20)

    def late(x):
        return np.concatenate([np.zeros(delay, np.float32), x[: len(x) - delay]])

    hiss = lambda: (3e-4 * rng.standard_normal(len(a))).astype(np.float32)  # noqa: E731
    return a + g * late(b) + hiss(), b + g * late(a) + hiss()


def shared_lines(d):
    return [w for w in d.source["warnings"] if "both channels" in w]


def test_a_music_intro_on_both_channels_is_silence_for_both_characters(tmp_path, rng):
    """A podcast export opens with 8 s of music on both channels, then the hosts talk, one per channel:
    nobody speaks during the music, one warning says how long was treated as silence, and the talk
    afterwards is found as before."""
    intro = music(INTRO, rng)
    mic_a, mic_b = mics(rng)
    path = tmp_path / "episode.wav"
    sf.write(path, np.stack([np.concatenate([intro, mic_a]), np.concatenate([0.9 * intro, mic_b])], 1), SR)
    d = load_dialogue(path)
    n = int(INTRO * 25)
    assert not d.active_a[:n].any() and not d.active_b[:n].any()
    lines = shared_lines(d)
    assert len(lines) == 1, d.source["warnings"]
    seconds = float(re.match(r"([\d.]+) s of identical content on both channels", lines[0]).group(1))
    assert 7.0 <= seconds <= 8.5 and "treated as silence" in lines[0]
    for act, spans in ((d.active_a, A_SPANS), (d.active_b, B_SPANS)):
        assert np.mean(act[n:] == frames_of(spans, TOTAL)) > 0.93


def test_the_same_bed_in_both_speakers_files_is_silence_too(tmp_path, rng):
    """Two lavalier files that both picked up the PA's walk-in music: the same rule applies."""
    intro = music(INTRO, rng)
    mic_a, mic_b = mics(rng)
    pa, pb = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(pa, np.concatenate([0.8 * intro, mic_a]), SR)
    sf.write(pb, np.concatenate([np.concatenate([np.zeros(16, np.float32), intro[:-16]]), mic_b]), SR)
    d = load_dialogue(pa, pb)
    n = int(INTRO * 25)
    assert not d.active_a[:n].any() and not d.active_b[:n].any() and len(shared_lines(d)) == 1


@pytest.mark.parametrize(("bleed_db", "delay"), [(-20.0, 48), (-12.0, 0), (-8.0, 16)])
def test_two_mic_bleed_keeps_every_speech_frame(tmp_path, rng, bleed_db, delay):
    """A two-mic take whose mics hear the partner (a quieter copy: delayed or not, even a strong one at
    -8 dB) loses no speech frame and gives no warning."""
    mic_a, mic_b = mics(rng, bleed_db, delay)
    path = tmp_path / "take.wav"
    sf.write(path, np.stack([mic_a, mic_b], 1), SR, subtype="FLOAT")
    d = load_dialogue(path)
    np.testing.assert_array_equal(d.active_a, voice_activity(mic_a, mic_b))
    np.testing.assert_array_equal(d.active_b, voice_activity(mic_b, mic_a))
    assert shared_lines(d) == []


def test_a_mono_mix_saved_as_stereo_is_still_refused(tmp_path, rng):
    """A mono mix copied to both channels keeps its own one-line refusal (it needs --turns or
    --diarize), even when it opens with music."""
    mix = np.sum(mics(rng, -60.0), axis=0)
    path = tmp_path / "dual_mono.wav"
    x = np.concatenate([music(INTRO, rng), mix])
    sf.write(path, np.stack([x, x], 1), SR)
    with pytest.raises(DualTalkError, match="same signal"):
        load_dialogue(path)


def test_the_network_does_not_hear_the_music_either(tmp_path, rng, monkeypatch):
    """Flags off were not enough: the model heard the intro and moved A's jaw through half of it. It
    now hears silence there (faded, no click), while the take's own sound keeps its music."""
    from dualtalk.inference import generate
    from dualtalk.inference.engine import load_engine

    intro = music(INTRO, rng)
    mic_a, mic_b = mics(rng)
    path = tmp_path / "episode.wav"
    sf.write(path, np.stack([np.concatenate([intro, mic_a]), np.concatenate([0.9 * intro, mic_b])], 1), SR)
    d = load_dialogue(path)
    heard = []
    real = generate.normalize_speech
    monkeypatch.setattr(generate, "normalize_speech", lambda x: heard.append(np.array(x)) or real(x))

    motion_a, _motion_b = generate.generate_dialogue(d, load_engine(engine="lite"), rounds=1)

    start, end = d.source["shared_spans"][0]
    inside = slice(int((start + 0.05) * SR), int((end - 0.05) * SR))
    for stream in heard:
        assert np.abs(stream[inside]).max() == 0.0
    talk = slice(int((INTRO + 1) * SR), None)
    np.testing.assert_array_equal(heard[0][talk], np.asarray(d.a, np.float32)[talk])  # speech untouched
    assert np.abs(np.asarray(d.a)[inside]).max() > 0.05  # the take's sound keeps the music
    jaw = motion_a.values[:, motion_a.channels.index("jawOpen")]
    listening = ~d.active_a
    assert (
        jaw[: int(INTRO * 25) - 3].mean()
        <= jaw[int(INTRO * 25) :][listening[int(INTRO * 25) :]].mean() + 0.02
    )
