"""Mouths should move when their owner talks, not when the partner's voice leaks into the mic."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import espeak, espeak_available, frames_of, place
from dualtalk.inference.audio import voice_activity
from dualtalk.inference.audio.vad import clean_activity, silero_available

A_SPANS = [(0.5, 2.0), (4.0, 5.5), (8.0, 9.0)]
B_SPANS = [(2.3, 3.7), (5.8, 7.6)]
TOTAL = 10.0


def agreement(pred: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean(pred == truth))


def test_frame_count_follows_the_contract():
    for n in (0, 1, 639, 640, 641, 16000, 16001):
        assert len(voice_activity(np.zeros(n, dtype=np.float32))) == int(np.ceil(n / 16000 * 25))


def test_speech_bursts_are_found_where_they_are(rng):
    x = place(TOTAL, A_SPANS, rng)
    act = voice_activity(x)
    assert agreement(act, frames_of(A_SPANS, TOTAL)) > 0.95


def test_silence_and_steady_room_noise_are_not_speech(rng):
    assert not voice_activity(np.zeros(16000 * 3, dtype=np.float32)).any()
    hiss = (0.003 * rng.standard_normal(16000 * 3)).astype(np.float32)
    assert voice_activity(hiss).mean() < 0.05


def test_quiet_speaker_over_room_noise(rng):
    x = place(TOTAL, A_SPANS, rng, level=0.03) + (0.001 * rng.standard_normal(int(TOTAL * 16000))).astype(
        np.float32
    )
    assert agreement(voice_activity(x), frames_of(A_SPANS, TOTAL)) > 0.93


@pytest.mark.parametrize("bleed_db", [-30.0, -20.0, -12.0])
def test_partner_bleed_does_not_open_the_listeners_mouth(rng, bleed_db):
    g = 10 ** (bleed_db / 20)
    clean_a, clean_b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    mic_a = clean_a + g * clean_b
    mic_b = clean_b + g * clean_a
    truth_a, truth_b = frames_of(A_SPANS, TOTAL), frames_of(B_SPANS, TOTAL)
    act_a, act_b = voice_activity(mic_a, mic_b), voice_activity(mic_b, mic_a)
    # while only B talks, A's channel carries B's voice, yet A must stay a listener
    only_b = truth_b & ~truth_a
    assert act_a[only_b].mean() < 0.05
    assert act_b[truth_a & ~truth_b].mean() < 0.05
    assert agreement(act_a, truth_a) > 0.93 and agreement(act_b, truth_b) > 0.93


def test_without_the_partner_bleed_does_fire(rng):
    """The bleed test above can fail: without the partner stream the leak is heard as speech."""
    clean_a, clean_b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    mic_a = clean_a + 10 ** (-12 / 20) * clean_b
    only_b = frames_of(B_SPANS, TOTAL) & ~frames_of(A_SPANS, TOTAL)
    assert voice_activity(mic_a)[only_b].mean() > 0.5


def test_both_talking_at_once_is_kept_for_both(rng):
    spans_a, spans_b = [(1.0, 4.0)], [(3.0, 6.0)]
    g = 10 ** (-20 / 20)
    ca, cb = place(7.0, spans_a, rng), place(7.0, spans_b, rng)
    act_a, act_b = voice_activity(ca + g * cb, cb + g * ca), voice_activity(cb + g * ca, ca + g * cb)
    overlap = frames_of([(3.1, 3.9)], 7.0)
    assert act_a[overlap].all() and act_b[overlap].all()


def test_short_pauses_are_bridged_and_clicks_dropped():
    m = np.zeros(50, dtype=bool)
    m[5:15] = True
    m[17:30] = True  # 80 ms pause between words: bridged
    m[40] = True  # a lone 40 ms click: dropped
    out = clean_activity(m)
    assert out[15:17].all() and not out[38:43].any()


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng not installed")
def test_real_synthetic_speech_is_detected_and_trailing_silence_is_not():
    say = espeak("The bridge was closed, so we took the ferry instead.")
    x = np.concatenate([np.zeros(8000, np.float32), say, np.zeros(16000, np.float32)])
    act = voice_activity(x)
    assert not act[:10].any() and not act[-20:].any()
    voiced = act[14 : 12 + int(len(say) / 640)]
    assert voiced.mean() > 0.7


def test_silero_method_agrees_on_speech_and_falls_back_cleanly(rng):
    x = place(TOTAL, A_SPANS, rng)
    act = voice_activity(x, method="silero")
    assert len(act) == 250
    if not silero_available():
        assert np.array_equal(act, voice_activity(x))
    with pytest.raises(ValueError, match="unknown VAD method"):
        voice_activity(x, method="magic")


def test_real_clip_activity_follows_the_tracked_jaw(demo_clip):
    """Speaker 2 of the real clip was face-tracked: its jaw moves far more while our VAD says it speaks."""
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    act_b = voice_activity(b, a)
    jaw = np.load(demo_clip["npz2"])["pose"][:, 3]
    speed = np.abs(np.diff(jaw, prepend=jaw[0]))
    t = min(len(speed), len(act_b))
    speaking, listening = speed[:t][act_b[:t]], speed[:t][~act_b[:t]]
    assert len(listening) > 25 and len(speaking) > 25
    assert speaking.mean() > 2.5 * listening.mean()


@pytest.mark.parametrize("gain_db", [-30.0, -45.0])
def test_a_quiet_take_finds_the_same_speech(rng, gain_db):
    """A 32-bit float recorder's take often peaks near -40 dBFS: the same speech and bleed, only
    quieter, must give the same activity, not a floor that hides most of it."""
    g, bleed = 10 ** (gain_db / 20), 10 ** (-20 / 20)
    clean_a, clean_b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    mic_a, mic_b = clean_a + bleed * clean_b, clean_b + bleed * clean_a
    for x, partner, spans in ((mic_a, mic_b, A_SPANS), (mic_b, mic_a, B_SPANS)):
        loud = voice_activity(x, partner)
        quiet = voice_activity(g * x, g * partner)
        assert agreement(quiet, loud) > 0.97
        assert agreement(quiet, frames_of(spans, TOTAL)) > 0.93
    assert agreement(voice_activity(g * clean_a), frames_of(A_SPANS, TOTAL)) > 0.95


def test_a_real_meeting_recorded_quieter_keeps_its_speech(shared_dir):
    """The AMI far-field mixes already sit at -30 to -50 dBFS; 20 dB less gain (a lower preamp
    setting) must not turn the talkers into listeners (a fixed -55 dBFS floor kept 6-18 % of it)."""
    ami = shared_dir / "data" / "real_speech" / "ami_meetings"
    if not ami.is_dir():
        pytest.skip("no AMI excerpts in ../shared")
    same = []
    for name in ("dev00", "trn00", "trn05", "trn08"):
        x, _ = sf.read(ami / f"{name}.wav", dtype="float32")
        loud, quiet = voice_activity(x), voice_activity(x * 0.1)
        assert loud.mean() > 0.3
        same.append(np.sum(loud & quiet) / np.sum(loud))
    assert min(same) > 0.6 and np.mean(same) > 0.85, same
