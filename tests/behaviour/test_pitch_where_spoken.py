"""A voice's pitch is measured only where its speaker speaks, and reads exactly as before there.

Review 31l F2: the behaviour layer reads both voices' pitch over the whole recording (5.9 of its
6.8 CPU-s for a 20-minute take, and again for every re-generated range), then keeps it only where
each speaker speaks. Measured only there: 4.41 -> 2.96 CPU-s for the 20-minute take's cues, every
cue identical.
"""

from __future__ import annotations

import numpy as np
import soundfile as sf
from behaviour_takes import buzzy_voice
from dualtalk.inference.audio import voice_activity
from dualtalk.inference.behaviour import cues as cues_mod
from dualtalk.inference.behaviour import dialogue_cues


def test_the_real_clip_reads_the_same_pitch_where_each_speaker_speaks(demo_clip):
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    n = min(len(a), len(b))
    for x, partner in ((a[:n], b[:n]), (b[:n], a[:n])):
        active = voice_activity(x, partner)
        t = len(active)
        everywhere = cues_mod.pitch_hz(x, t)
        spoken = cues_mod.pitch_hz(x, t, only=active)
        assert np.array_equal(spoken, np.where(active, everywhere, 0.0).astype(np.float32))
        assert (spoken > 0).sum() > 0.3 * active.sum()  # a real voice: mostly pitched where it speaks


def test_a_long_take_measures_only_the_frames_spoken(monkeypatch):
    """Five minutes (three blocks) where the speaker talks a third of the time: a third of the windows."""
    t = 5 * 60 * 25
    active = (np.arange(t) // 100) % 3 == 0
    x = buzzy_voice(active, 140.0, 3)
    windows = []
    real = cues_mod._frames

    def counted(*args, **kwargs):
        out = real(*args, **kwargs)
        windows.append(len(out))
        return out

    monkeypatch.setattr(cues_mod, "_frames", counted)
    spoken = cues_mod.pitch_hz(x, t, only=active)
    assert sum(windows) == active.sum()
    monkeypatch.setattr(cues_mod, "_frames", real)
    assert np.array_equal(spoken, np.where(active, cues_mod.pitch_hz(x, t), 0.0).astype(np.float32))
    assert abs(float(np.median(spoken[active & (spoken > 0)])) - 140.0) < 14.0  # the buzz's pitch


def test_the_conversation_cues_are_those_read_over_every_frame(demo_dialogue, monkeypatch):
    """The committed demo dialogue: every cue of both characters as when pitch was read everywhere."""
    now = dialogue_cues(demo_dialogue, demo_dialogue.num_frames)
    real = cues_mod.pitch_hz
    monkeypatch.setattr(cues_mod, "pitch_hz", lambda x, t, fps=25.0, tick=None, only=None: real(x, t, fps))
    before = dialogue_cues(demo_dialogue, demo_dialogue.num_frames)
    for got, want in zip(now, before, strict=True):
        for k in ("speaking", "loud_db", "pitch_hz", "stress", "laughter"):
            assert np.array_equal(getattr(got, k), getattr(want, k)), k
        for k in ("phrase_starts", "phrase_ends", "backchannels"):
            assert getattr(got, k) == getattr(want, k), k
