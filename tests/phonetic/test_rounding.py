"""Lip rounding from the voice: an /u/ rounds the lips, an /i/ and an open /a/ do not, any voice pitch."""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import rounding as rd
from dualtalk.inference.phonetic.voice_lips import shape_lips
from hypothesis import given, settings
from hypothesis import strategies as st

SR, FPS = 16000, 25
FRAME = SR // FPS
FUNNEL, PUCKER = ARKIT55.index("mouthFunnel"), ARKIT55.index("mouthPucker")
# (F1, F2, F3) in Hz of an adult male voice (Peterson & Barney's averages, rounded)
VOWELS = {"i": (270, 2290, 3010), "u": (300, 870, 2240), "a": (730, 1090, 2440), "e": (530, 1840, 2480)}


def _vowel(name: str, frames: int, pitch: float = 110.0, scale: float = 1.0) -> np.ndarray:
    """A vowel as a voice makes it: a pulse train at ``pitch`` through one resonance per formant.

    ``scale`` moves every formant (a shorter vocal tract: a child's or a higher voice)."""
    n = frames * FRAME
    y = np.zeros(n)
    y[:: int(SR / pitch)] = 1.0
    for f, bw in zip(VOWELS[name], (80, 100, 150), strict=True):
        r, theta = np.exp(-np.pi * bw / SR), 2 * np.pi * f * scale / SR
        a1, a2 = 2 * r * np.cos(theta), -r * r
        out, p1, p2 = np.zeros(n), 0.0, 0.0
        for i in range(n):  # a two-pole resonator, sample by sample
            p1, p2 = y[i] + a1 * p1 + a2 * p2, p1
            out[i] = p1
        y = out
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


def _take(order: str, frames: int = 8, **voice) -> np.ndarray:
    return np.concatenate([_vowel(v, frames, **voice) for v in order])


def _still(frames: int) -> Motion:
    values = np.zeros((frames, len(ARKIT55)), np.float32)
    values[:, ARKIT55.index("jawOpen")] = 0.3
    values[:, FUNNEL] = 0.1
    return Motion("arkit55", values, engine="lite")


def _added(motion: Motion, out: Motion) -> np.ndarray:
    return (out.values[:, FUNNEL] + out.values[:, PUCKER]) - (
        motion.values[:, FUNNEL] + motion.values[:, PUCKER]
    )


def test_the_formant_tracker_finds_a_vowels_first_two_resonances():
    f1, f2, voiced = rd.formant_tracks(_take("uia"), 24)
    assert voiced.all()
    for k, name in enumerate("uia"):
        inner = slice(8 * k + 2, 8 * k + 6)  # away from the joins
        want1, want2 = VOWELS[name][:2]
        assert np.median(f1[inner]) == pytest.approx(want1, rel=0.25)  # LPC's F1 leans to a harmonic
        assert np.median(f2[inner]) == pytest.approx(want2, rel=0.1)


def test_an_oo_rounds_the_lips_while_an_ee_and_an_open_ah_do_not():
    """ "ee-oo-ah-eh": only the /u/ (low F2, low F1) rounds; /a/ has a low F2 too but its F1 is high."""
    take = _take("iuae")
    motion = _still(32)
    out = rd.round_motion(motion, take, amount=1.0)
    added = _added(motion, out)
    ee, oo, ah, eh = (added[8 * k + 2 : 8 * k + 6] for k in range(4))
    assert oo.min() > 0.3  # more than a standard deviation's worth, at 0.6 per deviation
    assert ee.max() == 0.0 and eh.max() == 0.0 and ah.max() == 0.0
    changed = np.flatnonzero(np.any(out.values != motion.values, axis=0))
    assert set(changed) == {FUNNEL, PUCKER}  # nothing but the rounding moves
    assert np.allclose(out.values[:, FUNNEL] - motion.values[:, FUNNEL], out.values[:, PUCKER])  # half each
    assert out.meta["lip_rounding"] == 1.0 and "lip_rounding" not in motion.meta


def test_a_higher_voice_rounds_the_same_vowels_alike():
    """Formants are read against the take's own: a voice with formants 25 % higher rounds the same /u/."""
    low = _added(_still(32), rd.round_motion(_still(32), _take("iuae"), 1.0))
    high = _added(_still(32), rd.round_motion(_still(32), _take("iuae", pitch=220.0, scale=1.25), 1.0))
    inner = slice(10, 14)
    assert high[inner].min() > 0.3
    assert high[inner].mean() == pytest.approx(low[inner].mean(), abs=0.15)


def test_the_rounding_rises_and_falls_over_a_syllable_instead_of_flickering():
    added = _added(_still(32), rd.round_motion(_still(32), _take("iuae"), 1.0))
    oo = added[9:15]
    assert np.ptp(oo) < 0.1 * oo.mean()  # steady through the held vowel
    assert 0 < added[8] < added[9] and 0 < added[15] < added[14]  # a frame's ramp at each edge


def test_the_amount_scales_it_and_a_weight_never_passes_one():
    take = _take("iuae")
    half = _added(_still(32), rd.round_motion(_still(32), take, 0.5))
    full = _added(_still(32), rd.round_motion(_still(32), take, 1.0))
    np.testing.assert_allclose(full, 2 * half, atol=1e-6)
    saturated = _still(32)
    saturated.values[:, PUCKER] = 0.95
    assert rd.round_motion(saturated, take, 1.0).values[:, PUCKER].max() == pytest.approx(1.0)


def test_silence_noise_and_frames_past_the_audio_add_nothing():
    silent = np.zeros(16 * FRAME, np.float32)
    assert rd.rounding_depth(silent, 16).max() == 0.0
    depth = rd.rounding_depth(_take("iu"), 24)  # 8 frames past the end of the audio
    assert depth[17:].max() == 0.0 and depth[8:16].max() > 0.0
    assert rd.rounding_depth(_take("iu"), 0).shape == (0,)


def test_a_silent_listener_rounds_nothing_from_its_room_noise():
    """The depth reads the character's own speech: noise on a listener's channel is not a voice."""
    rng = np.random.default_rng(0)
    room = (1e-3 * rng.standard_normal(250 * FRAME)).astype(np.float32)  # 10 s of a quiet room
    assert rd.rounding_depth(room, 250).max() > 0.5  # read as a voice, noise has "formants" too
    assert rd.rounding_depth(room, 250, active=np.zeros(250, bool)).max() == 0.0
    talk = _take("iuae")
    speaking = np.zeros(32, bool)
    speaking[:24] = True  # "ee-oo-ah" said, then the channel goes on without the character
    depth = rd.rounding_depth(talk, 32, active=speaking)
    alone = rd.rounding_depth(talk[: 24 * FRAME], 24)  # as if the take were only what it said
    np.testing.assert_allclose(depth[:24], alone)
    assert depth[10:14].min() > 0.3 and depth[24:].max() == 0.0
    out = shape_lips(_still(250), room, 0.5, 0.5, active=np.zeros(250, bool))
    assert np.array_equal(out.values, _still(250).values)


def test_no_amount_and_flame_motion_come_back_unchanged():
    take = _take("iu")
    motion = _still(16)
    off = rd.round_motion(motion, take, amount=0.0)  # values as they are; the amount recorded
    assert np.array_equal(off.values, motion.values) and off.meta["lip_rounding"] == 0.0
    flame = Motion("flame56", np.zeros((16, 56), np.float32), engine="dualtalk")
    assert rd.round_motion(flame, take) is flame
    assert shape_lips(flame, take, 0.5, 0.5) is flame


def test_the_pipeline_rounds_each_character_from_its_own_speech(tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    request = Request(
        audio=str(wav), engine="lite", rounds=1, blinks="off", gaze="off", head="off", brows="off"
    )
    plain = pipeline.run(request.replace(lip_rounding=0.0), tmp_path / "plain")
    pipeline.run(request.replace(lip_rounding=1.0), tmp_path / "rounded")
    dialogue = plain.dialogue
    for who, audio, active in (("A", dialogue.a, dialogue.active_a), ("B", dialogue.b, dialogue.active_b)):
        before = load_motion(tmp_path / "plain" / f"{who}.npz")
        after = load_motion(tmp_path / "rounded" / f"{who}.npz")
        depth = rd.rounding_depth(audio, before.num_frames, active=active)  # each reads its own speech only
        assert depth[~np.convolve(active, np.ones(3), mode="same").astype(bool)].max() == 0.0
        expected = rd.round_values(before.values, list(before.channels), depth, 1.0)
        np.testing.assert_allclose(after.values, expected, atol=1e-6)
        assert after.meta["lip_rounding"] == 1.0 and before.meta["lip_rounding"] == 0.0


def test_a_lip_rounding_outside_0_to_1_is_refused_in_one_line(tmp_path, capsys):
    from dualtalk.cli import main

    with pytest.raises(DualTalkError, match="--lip-rounding must be between 0 and 1, got 2"):
        Request(audio="talk.wav", lip_rounding=2.0).validate()
    assert (
        main(["infer", "--audio", "missing.wav", "--lip-rounding", "nan", "--out", str(tmp_path / "o")]) == 2
    )
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert err == ["error: --lip-rounding must be between 0 and 1, got nan"]
    assert not (tmp_path / "o").exists()


@given(
    frames=st.integers(1, 40),
    kind=st.sampled_from(["silence", "noise", "tone", "clipped", "dc", "vowels"]),
    level=st.floats(1e-6, 1.0),
    seed=st.integers(0, 2**16),
)
@settings(max_examples=60, deadline=None)
def test_any_sound_of_any_length_gives_weights_in_range_and_moves_only_the_rounding(
    frames, kind, level, seed
):
    rng = np.random.default_rng(seed)
    n = frames * FRAME + int(rng.integers(-FRAME + 1, FRAME))  # the audio need not end on a frame
    t = np.arange(max(n, 1)) / SR
    audio = {
        "silence": np.zeros_like(t),
        "noise": rng.standard_normal(t.size),
        "tone": np.sin(2 * np.pi * 440.0 * t),
        "clipped": np.clip(50.0 * rng.standard_normal(t.size), -1.0, 1.0),
        "dc": np.ones_like(t),
        "vowels": np.resize(_take("uia", 2), t.size).astype(np.float64),
    }[kind]
    motion = _still(frames)
    motion.values[:, PUCKER] = rng.uniform(0.0, 1.0, frames)
    active = rng.uniform(size=frames) < 0.7
    out = rd.round_motion(motion, (level * audio).astype(np.float32), 1.0, active=active)
    assert np.isfinite(out.values).all() and out.values.min() >= 0.0 and out.values.max() <= 1.0
    assert set(np.flatnonzero(np.any(out.values != motion.values, axis=0))) <= {FUNNEL, PUCKER}
    near_speech = np.convolve(active, np.ones(3), mode="same")[:frames].astype(bool)
    assert (_added(motion, out)[~near_speech] <= 1e-6).all()  # no rounding a frame away from its speech


def test_a_long_take_is_analysed_in_pieces_with_the_same_result(monkeypatch):
    """A 40 min take's spectra, built all at once, took 1.3 GB on top of the take; in one-minute
    pieces memory stays flat, and every frame's formants (and "voiced", judged on the whole
    take's level) come out as before."""
    import tracemalloc

    rounding = rd  # the module, patched below

    x = np.random.default_rng(0).normal(size=16000 * 300).astype(np.float32) * 0.1  # 5 min
    x[: 16000 * 60] *= 0.05  # a quiet first minute: "voiced" must still be judged take-wide
    tracemalloc.start()
    try:
        pieces = rounding.formant_tracks(x, 300 * 25)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 130e6, peak / 1e6  # all at once: 230 MB for these 5 min
    monkeypatch.setattr(rounding, "FORMANT_CHUNK_FRAMES", 10**9)
    whole = rounding.formant_tracks(x, 300 * 25)
    for a, b in zip(pieces, whole, strict=True):
        assert np.array_equal(a, b, equal_nan=True)
    assert not pieces[2][: 60 * 25].any() and pieces[2][60 * 25 :].mean() > 0.5
