"""Lip release: a closure the network holds into a loud vowel opens; real closures and pauses stay shut."""

from __future__ import annotations

import addon_helpers as ah
import numpy as np
import pytest
from dualtalk.inference import pipeline
from dualtalk.inference.core.channels import ARKIT55
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion
from dualtalk.inference.core.request import Request
from dualtalk.inference.phonetic import release as rel
from dualtalk.inference.phonetic.visemes import drawn_channels

SR, FPS = 16000, 25
FRAME = SR // FPS
JAW, CLOSE = ARKIT55.index("jawOpen"), ARKIT55.index("mouthClose")
BROW = ARKIT55.index("browInnerUp")
OPEN, SHUT = 0.5, -0.25  # apertures: a vowel and the lips pressed together


def _motion(apertures: list[float]) -> Motion:
    """A mouth that opens (jawOpen) or presses shut (mouthClose) frame by frame, brows moving too."""
    values = np.zeros((len(apertures), len(ARKIT55)), np.float32)
    for i, a in enumerate(apertures):
        values[i, JAW if a > 0 else CLOSE] = abs(a)
        values[i, BROW] = 0.1 * i
    return Motion("arkit55", values, engine="lite")


def _audio(levels_db: list[float], hz: float = 2000.0) -> np.ndarray:
    """One 40 ms frame of a tone (whole cycles) per entry, at that level in dB; -200 = silence.
    2 kHz sits where an open mouth's formants radiate; 250 Hz is where a hum with closed lips does."""
    tone = np.sin(2 * np.pi * hz * np.arange(FRAME) / SR)
    return np.concatenate([tone * (10 ** (db / 20) if db > -150 else 0.0) for db in levels_db]).astype(
        np.float32
    )


def _opening(motion: Motion) -> np.ndarray:
    return rel.aperture(motion.values, list(motion.channels))


def test_a_closure_held_into_a_loud_vowel_opens_halfway_and_the_quiet_frame_stays_shut():
    # "map": open, /m/ (quiet murmur), the network's closure spilling into "a" (loud), open
    motion = _motion([OPEN, OPEN, SHUT, SHUT, OPEN, OPEN])
    audio = _audio([-3, -3, -30, 0, 0, -3])
    out = rel.release_motion(motion, audio, amount=0.5)
    opening = _opening(out)
    assert opening[2] == pytest.approx(SHUT)  # the /m/ keeps its closure
    assert opening[3] == pytest.approx(0.5 * SHUT + 0.5 * OPEN)  # halfway to the open frame after it
    assert np.array_equal(out.values[:, BROW], motion.values[:, BROW])  # only the mouth moves
    assert out.meta["lip_release"] == 0.5 and "lip_release" not in motion.meta
    expected = motion.values[3].copy()
    expected[list(drawn_channels())] = motion.values[4, list(drawn_channels())]
    assert np.array_equal(rel.release_motion(motion, audio, amount=1.0).values[3], expected)


def test_a_vowel_left_barely_open_after_a_closure_opens_too():
    """Shut is what the evaluator calls shut: below a quarter of the take's open aperture (the median
    over frames that sound open), not only below zero. "ma": the /m/ closes, the network leaves the
    "a" 0.05 open, a tenth of a vowel's 0.5, and that frame is loud: it opens; a frame at 0.2 is open."""
    motion = _motion([OPEN, OPEN, SHUT, 0.05, OPEN, OPEN, 0.2, OPEN])
    audio = _audio([-3, -3, -30, 0, 0, -3, 0, 0])
    opening = _opening(rel.release_motion(motion, audio, amount=0.75))
    assert opening[2] == pytest.approx(SHUT)  # the closure itself stays
    assert opening[3] == pytest.approx(0.25 * 0.05 + 0.75 * OPEN)  # three quarters of the way open
    assert opening[6] == pytest.approx(0.2)  # above a quarter of 0.5: not shut, not touched
    murmur = _audio([-3, -3, -30, -30, 0, -3, 0, 0])  # the same frame, quiet: still the /m/, it stays
    assert np.array_equal(rel.release_motion(motion, murmur, amount=0.75).values, motion.values)


def test_every_closure_keeps_at_least_one_shut_frame_even_when_all_of_it_is_loud():
    motion = _motion([OPEN, SHUT, SHUT, SHUT, OPEN, SHUT, OPEN])
    audio = _audio([0, -1, -8, -2, 0, 0, 0])  # a loud voice throughout
    opening = _opening(rel.release_motion(motion, audio, amount=1.0))
    assert opening[2] == pytest.approx(SHUT)  # the quietest frame of the long closure
    assert opening[1] == pytest.approx(OPEN) and opening[3] == pytest.approx(OPEN)  # each to its nearest side
    assert opening[5] == pytest.approx(SHUT)  # a one-frame closure is never touched


def test_pauses_and_closures_at_the_ends_of_the_take_are_left_alone():
    motion = _motion([SHUT, SHUT, OPEN, SHUT, SHUT, SHUT, OPEN, SHUT, SHUT])
    audio = _audio([0, 0, 0, -200, -200, -200, 0, 0, 0])  # loud ends, a silent pause in the middle
    out = rel.release_motion(motion, audio, amount=1.0)
    assert np.array_equal(out.values, motion.values)


def test_a_hum_with_the_lips_together_keeps_its_closure_however_loud():
    """A listener's "mm-hmm" is loud but radiates almost nothing at 1-4 kHz: it is not an open mouth."""
    motion = _motion([OPEN, SHUT, SHUT, SHUT, OPEN])
    hum = np.concatenate([_audio([0], 2000.0), _audio([0, 0, 0], 250.0), _audio([0], 2000.0)])
    assert np.array_equal(rel.release_motion(motion, hum, amount=1.0).values, motion.values)
    vowel = _audio([0, 0, -30, 0, 0])  # the same run over a sounding vowel does open
    assert _opening(rel.release_motion(motion, vowel, amount=1.0))[1] == pytest.approx(OPEN)


def test_no_amount_and_flame_motion_come_back_unchanged():
    motion = _motion([OPEN, SHUT, SHUT, OPEN])
    audio = _audio([0, 0, 0, 0])
    off = rel.release_motion(motion, audio, amount=0.0)  # values as they are; the amount recorded
    assert np.array_equal(off.values, motion.values) and off.meta["lip_release"] == 0.0
    flame = Motion("flame56", np.zeros((4, 56), np.float32), engine="dualtalk")
    assert rel.release_motion(flame, audio) is flame


def test_the_1_to_4_khz_level_is_read_per_frame_against_the_takes_own():
    audio = _audio([0] * 20 + [-10, -20, -200])  # mostly speech at one level
    db = rel.frame_band_db(audio, 25)  # two frames past the end of the audio
    assert np.abs(db[:20]).max() < 1e-3
    assert db[20] == pytest.approx(-10, abs=1e-3) and db[21] == pytest.approx(-20, abs=1e-3)
    assert db[22] == db[23] == db[24] == -200.0
    assert np.array_equal(rel.frame_band_db(np.zeros(3200, np.float32), 4), np.full(4, -200.0))
    assert rel.frame_band_db(audio, 0).shape == (0,)


def test_the_pipeline_releases_each_character_against_its_own_voice(tmp_path):
    wav = ah.write_dialogue_wav(tmp_path / "talk.wav")
    request = Request(
        audio=str(wav), engine="lite", rounds=1, blinks="off", gaze="off", head="off", brows="off",
        lip_rounding=0.0,
    )  # fmt: skip
    held = pipeline.run(request.replace(lip_release=0.0), tmp_path / "held")
    released = pipeline.run(request.replace(lip_release=1.0), tmp_path / "released")
    for who, audio in (("A", held.dialogue.a), ("B", held.dialogue.b)):
        before, after = (
            load_motion(tmp_path / "held" / f"{who}.npz"),
            load_motion(tmp_path / "released" / f"{who}.npz"),
        )
        expected = rel.release_values(
            before.values, list(before.channels), rel.frame_band_db(audio, before.num_frames), 1.0
        )
        np.testing.assert_allclose(after.values, expected, atol=1e-6)
        assert after.meta["lip_release"] == 1.0 and before.meta["lip_release"] == 0.0
    assert released.motion_a.meta["lip_release"] == 1.0


def test_a_lip_release_outside_0_to_1_is_refused_in_one_line(tmp_path, capsys):
    from dualtalk.cli import main

    with pytest.raises(DualTalkError, match="--lip-release must be between 0 and 1, got 1.5"):
        Request(audio="talk.wav", lip_release=1.5).validate()
    assert main(["infer", "--audio", "missing.wav", "--lip-release", "-1", "--out", str(tmp_path / "o")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error")]
    assert err == ["error: --lip-release must be between 0 and 1, got -1"]
    assert not (tmp_path / "o").exists()
