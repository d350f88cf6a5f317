"""An animator cuts a two-mic take to a part where only one person talks (docs/scripting.md's example:
start 2.0, end 4.0). Both mics carry that one voice there, the partner's 24 dB down, so the two
streams correlate as highly as a copy (0.98): the part was refused as "a mono mix saved as stereo".
A part is judged on the whole recording, where both people talk; a copy (at any level, a panned mix too) is refused.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import SAMPLE_RATE, load_dialogue
from dualtalk.inference.audio.dialogue import Dialogue
from dualtalk.inference.core.errors import DualTalkError

SR = SAMPLE_RATE
TOTAL = 10.0
A_SPANS = [(0.3, 4.0), (8.0, 9.5)]  # A talks first, B answers, A closes
B_SPANS = [(4.4, 7.6)]


def two_mics(bleed_db: float, b_spans=B_SPANS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Each speaker's mic: own voice, the partner's ``bleed_db`` down and 3 ms late, a faint hiss."""
    rng = np.random.default_rng(seed)
    a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, b_spans, rng)
    g, d = 10 ** (bleed_db / 20), int(0.003 * SR)

    def late(x: np.ndarray) -> np.ndarray:
        return np.concatenate([np.zeros(d, np.float32), x[: len(x) - d]])

    def hiss() -> np.ndarray:
        return (3e-4 * rng.standard_normal(len(a))).astype(np.float32)

    return a + g * late(b) + hiss(), b + g * late(a) + hiss()


def stereo(path, a, b):
    sf.write(path, np.stack([a, b], 1).astype(np.float32), SR, subtype="FLOAT")
    return path


@pytest.mark.parametrize("bleed_db", [-24.0, -30.0, -15.0])
def test_a_part_where_only_a_talks_is_read_from_the_two_channels(tmp_path, bleed_db):
    """2-4 s of the take is A alone; B's mic hears A 15-30 dB down. A speaks, B listens (at 15 dB the
    level gap is too small to tell: the whole recording, where both talk, decides)."""
    path = stereo(tmp_path / "talk.wav", *two_mics(bleed_db))
    d = load_dialogue(path, start=2.0, end=4.0)
    assert d.source["form"] == "stereo"
    assert d.active_a.mean() > 0.8 and not d.active_b.any()
    d = load_dialogue(path, start=4.4, end=7.6)  # B's own turn: the other way round
    assert d.active_b.mean() > 0.8 and not d.active_a.any()


def test_the_same_part_from_two_files_is_read_too(tmp_path):
    mic_a, mic_b = two_mics(-24.0)
    pa, pb = tmp_path / "mic_a.wav", tmp_path / "mic_b.wav"
    sf.write(pa, mic_a, SR, subtype="FLOAT")
    sf.write(pb, mic_b, SR, subtype="FLOAT")
    d = load_dialogue(pa, audio_b=pb, start=2.0, end=4.0)
    assert d.source["form"] == "pair" and d.active_a.mean() > 0.8 and not d.active_b.any()


def test_a_whole_take_of_one_voice_on_both_mics_is_judged_as_a_copy(tmp_path):
    """B never speaks: the whole file is one voice on both streams, B's 24 dB down. Nothing in the file
    tells that from a mono mix panned to one side (below), so the whole file is refused with its way
    out (--turns), as before; only a part is read from a recording that is two mics on the whole."""
    mic_a, mic_b = two_mics(-24.0, b_spans=[])
    with pytest.raises(DualTalkError, match="same signal"):
        load_dialogue(stereo(tmp_path / "monologue.wav", mic_a, mic_b))
    with pytest.raises(DualTalkError, match="same signal"):
        Dialogue.from_arrays(mic_a, mic_b, sample_rate=SR)  # the same samples held in memory


@pytest.mark.parametrize("pan", [0.9, 1.0])  # R 22 dB and ~35 dB below L (constant-power pan)
def test_a_mono_mix_panned_to_one_side_is_refused_whole_and_in_part(tmp_path, pan):
    """An editor exports the one-mic mix of two people as stereo panned left: the right channel is the
    same two voices 22 dB down. Read as two mics, A mouthed both people (review rv40e F1: A on 88 %
    of frames, B on none, no warning). It is one signal at two levels: refused, as a whole and as a part."""
    rng = np.random.default_rng(2)
    mix = place(20.0, [(0.5, 4.0), (9.0, 13.0)], rng) + place(20.0, [(4.5, 8.5), (13.5, 19.0)], rng)
    ang = (1.0 - pan) * np.pi / 4
    left, right = np.cos(ang) * mix, max(np.sin(ang), 10 ** (-35 / 20)) * mix
    hiss = (3e-4 * rng.standard_normal((2, len(mix)))).astype(np.float32)
    path = stereo(tmp_path / "panned.wav", left + hiss[0], right + hiss[1])
    for start, end in ((None, None), (0.5, 4.0), (4.5, 8.5)):
        with pytest.raises(DualTalkError, match="mono mix saved as stereo"):
            load_dialogue(path, start=start, end=end)


@pytest.mark.parametrize("gain", [1.0, 0.25])  # a copy as it is, and at -12 dB
def test_a_part_of_a_mono_mix_saved_as_stereo_is_still_refused(tmp_path, gain):
    mic_a, mic_b = two_mics(-24.0)
    mix = mic_a + mic_b
    path = stereo(tmp_path / "dual_mono.wav", mix, gain * mix)
    for start, end in ((2.0, 4.0), (None, None)):
        with pytest.raises(DualTalkError, match="same signal"):
            load_dialogue(path, start=start, end=end)


def test_a_copy_at_any_gain_is_a_copy():
    from dualtalk.inference.audio.dialogue import copied_speech

    voice = place(4.0, [(0.2, 3.8)], np.random.default_rng(3))
    assert copied_speech(voice, 0.25 * voice) is not None  # 12 dB apart: a panned copy
    assert (
        copied_speech(voice, 0.05 * voice) is not None
    )  # 26 dB apart: still one signal (a part: the whole decides)
    other = place(4.0, [(0.2, 3.8)], np.random.default_rng(4))
    assert copied_speech(voice, other) is None  # two voices
