"""Loading a take band-passes each of its two streams once, finds the same voices, and says how far it is.

Review 31l F3/F4: loading a 20-minute stereo take band-passed its two 19.2 M-sample streams 17 times
(``vad.frame_levels``: voice activity against the partner's bleed, the cough/click check, the quiet-mic
test), 5.0 CPU-s of loading, with one "voice activity" line that sat still for 12.6 s (wall, on a
loaded box). Each stream's levels are now measured once and handed down: 17 -> 3 band-passes (the third
is the quieter stream raised to its partner's level), 5.0 -> 2.5 CPU-s, the voices and warnings the
same, and each step of voice activity is a line on the bar where a cancel is heard.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import vad
from dualtalk.inference.audio.dialogue import (
    Dialogue,
    _drop_shared,
    _quiet_stream_warnings,
    load_dialogue,
)
from dualtalk.inference.core.errors import CancelledError
from dualtalk.inference.core.progress import Recorder

A_SPANS = [(0.5, 2.0), (4.0, 5.5), (8.0, 9.0), (11.0, 13.5), (16.0, 17.2)]
B_SPANS = [(2.3, 3.7), (5.8, 7.6), (9.5, 10.6), (14.0, 15.5), (17.5, 19.0)]
TOTAL = 20.0


@pytest.fixture
def band_passes(monkeypatch):
    """Counts ``vad.frame_levels`` calls by the samples they band-pass (a digest of the stream)."""
    seen: Counter[str] = Counter()
    real = vad.frame_levels

    def counted(x, *args, **kwargs):
        arr = np.ascontiguousarray(np.asarray(x).reshape(-1))
        seen[hashlib.blake2b(arr.tobytes(), digest_size=12).hexdigest()] += 1
        return real(x, *args, **kwargs)

    monkeypatch.setattr(vad, "frame_levels", counted)
    return seen


def stereo_take(tmp_path, a, b, name="take.wav"):
    path = tmp_path / name
    sf.write(path, np.stack([a, b], axis=1), 16000, subtype="FLOAT")
    return path


def the_old_way(a, b):
    """What loading did before: each function measuring the levels it needs itself."""
    warnings: list[str] = []
    source: dict = {}
    act_a, act_b = vad.voice_activity(a, b), vad.voice_activity(b, a)
    act_a, act_b = _drop_shared(a, b, act_a, act_b, warnings, source)
    warnings += _quiet_stream_warnings(a, b, act_a, act_b)
    return act_a, act_b, warnings, source


def conversation(rng, quiet_b_db=0.0, bleed_db=25.0):
    hiss = lambda: (3e-5 * rng.standard_normal(int(TOTAL * 16000))).astype(np.float32)  # noqa: E731
    own_a, own_b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    bleed = np.float32(10 ** (-bleed_db / 20))  # each lavalier hears the other voice this far down
    a = own_a + bleed * own_b + hiss()
    b = np.float32(10 ** (-quiet_b_db / 20)) * (own_b + bleed * own_a) + hiss()  # B's preamp set low
    return a.astype(np.float32), b.astype(np.float32)


def test_the_real_clip_as_a_stereo_take_is_band_passed_once_per_stream(demo_clip, tmp_path, band_passes):
    """The shared DualTalk clip, speaker 1 on the left, speaker 2 on the right: each stream's levels
    are measured once (17 times each before), and the voices are those the old way finds."""
    a, _ = sf.read(demo_clip["wav1"], dtype="float32")
    b, _ = sf.read(demo_clip["wav2"], dtype="float32")
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    dlg = load_dialogue(stereo_take(tmp_path, a, b))
    assert max(band_passes.values()) == 1, band_passes
    assert sum(band_passes.values()) <= 3
    band_passes.clear()
    act_a, act_b, warnings, source = the_old_way(dlg.a, dlg.b)
    assert np.array_equal(dlg.active_a, act_a) and np.array_equal(dlg.active_b, act_b)
    assert dlg.active_a.any() and dlg.active_b.any()
    assert [w for w in dlg.source["warnings"] if w in warnings] == warnings


@pytest.mark.parametrize(("quiet_b_db", "bleed_db", "streams"), [(0.0, 25.0, 2), (40.0, 50.0, 3)])
def test_a_synthetic_conversation_with_bleed_finds_the_same_voices(
    rng, tmp_path, band_passes, quiet_b_db, bleed_db, streams
):
    """Two lavaliers hearing each other 25 dB down and set alike; then B's preamp 40 dB low (bleed 50
    dB down): the quiet-mic test raises B to A's level, a third stream, band-passed once too."""
    a, b = conversation(rng, quiet_b_db, bleed_db)
    dlg = load_dialogue(stereo_take(tmp_path, a, b))
    assert max(band_passes.values()) == 1, band_passes
    assert len(band_passes) == streams
    act_a, act_b, warnings, _ = the_old_way(dlg.a, dlg.b)
    assert np.array_equal(dlg.active_a, act_a) and np.array_equal(dlg.active_b, act_b)
    assert dlg.source["warnings"] == warnings
    assert dlg.active_a.mean() > 0.2 and dlg.active_b.mean() > 0.2


def test_the_same_voices_from_arrays_and_from_two_files(rng, tmp_path, band_passes):
    """``Dialogue.from_arrays`` and a take given as two files (``--audio-b``) measure each stream once."""
    a, b = conversation(rng)
    dlg = Dialogue.from_arrays(a, b, sample_rate=16000)
    assert max(band_passes.values()) == 1
    assert np.array_equal(dlg.active_a, vad.voice_activity(a, b))
    band_passes.clear()
    sf.write(tmp_path / "a.wav", a, 16000, subtype="FLOAT")
    sf.write(tmp_path / "b.wav", b, 16000, subtype="FLOAT")
    pair = load_dialogue(tmp_path / "a.wav", tmp_path / "b.wav")
    assert max(band_passes.values()) == 1
    assert np.array_equal(pair.active_a, dlg.active_a) and np.array_equal(pair.active_b, dlg.active_b)


def test_levels_given_for_another_stream_are_not_used(rng):
    """A partner that ends early is padded with silence before its levels count; levels of the wrong
    length are refused rather than read against the wrong frames."""
    a, b = conversation(rng)
    short = b[: len(b) // 2]
    level_a, level_short = vad.stream_levels(a, short)
    assert np.array_equal(
        vad.voice_activity(a, short, level=level_a, partner_level=level_short), vad.voice_activity(a, short)
    )
    with pytest.raises(ValueError, match="frame levels"):
        vad.voice_activity(a, b, level=level_short)
    level_b = vad.frame_levels(b)
    assert vad.quieter_than_partner(a, b, vad.voice_activity(a, b), level=level_a, partner_level=level_b) == (
        vad.quieter_than_partner(a, b, vad.voice_activity(a, b))
    )


def test_voice_activity_moves_the_bar_step_by_step(rng, tmp_path):
    """The "audio" stage says each step of voice activity (levels, each voice, the quiet-mic test)
    instead of one line that sat still for 12.6 s on a 20-minute take."""
    a, b = conversation(rng)
    rec = Recorder()
    load_dialogue(stereo_take(tmp_path, a, b), progress=rec)
    inside = [(f, m) for s, f, m in rec.events if s == "audio" and 0.5 <= f < 1.0]
    assert len(inside) >= 6, rec.events
    fractions = [f for f, _ in inside]
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert all(m.startswith("voice activity") for _, m in inside)


class CancelAt(Recorder):
    """Cancels when a line containing ``word`` is said (the user pressed Esc or Ctrl-C there)."""

    def __init__(self, word: str) -> None:
        super().__init__()
        self.word = word

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        if self.word in message:
            self.cancel()
        super().update(stage, fraction, message)


def test_a_cancel_during_voice_activity_is_heard_before_the_next_step(rng, tmp_path, band_passes):
    a, b = conversation(rng)
    rec = CancelAt("B against A's bleed")
    with pytest.raises(CancelledError):
        load_dialogue(stereo_take(tmp_path, a, b), progress=rec)
    assert "B against A's bleed" in rec.events[-1][2]
    assert sum(band_passes.values()) == 2  # the two streams' levels, and nothing after the cancel
