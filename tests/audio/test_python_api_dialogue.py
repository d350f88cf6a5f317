"""A researcher holds a conversation in memory (read with soundfile, or made by their own code) and
animates it from Python: whatever rate, sample type or layout the arrays come in, the take is the one
the same samples give as a file, or a one-line refusal says what to pass instead.

(The audit that found these: arrays at 44.1 kHz were taken as 16 kHz, a 6 s take animated as 16.5 s;
int16 arrays went in unscaled; a stereo array was flattened or interleaved without a word.)
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.inference.audio import SAMPLE_RATE, Dialogue, load_dialogue, voice_activity
from dualtalk.inference.audio.loader import resample
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.request import Request
from dualtalk.inference.pipeline import run

A_SPANS, B_SPANS, TOTAL = [(0.3, 1.8)], [(2.1, 3.6)], 4.0


@pytest.fixture
def recording(tmp_path, rng):
    """A 4 s two-person recording as the researcher has it: a 44.1 kHz float stereo file, and the
    same conversation as a 16 kHz int16 one."""
    a, b = place(TOTAL, A_SPANS, rng), place(TOTAL, B_SPANS, rng)
    stereo = np.stack([a, b], 1)
    sf.write(tmp_path / "talk44.wav", resample(stereo.T, SAMPLE_RATE, 44100).T, 44100, subtype="FLOAT")
    sf.write(tmp_path / "talk16.wav", stereo, SAMPLE_RATE, subtype="PCM_16")
    return tmp_path


def same_streams(d: Dialogue, e: Dialogue) -> None:
    for name in ("a", "b", "active_a", "active_b"):
        np.testing.assert_array_equal(getattr(d, name), getattr(e, name), err_msg=name)


def test_a_44k_recording_read_into_memory_animates_like_its_file(recording, tmp_path):
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    dialogue = Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr)
    assert dialogue.duration == pytest.approx(TOTAL, abs=1e-3)  # not 44100 / 16000 times longer
    same_streams(dialogue, load_dialogue(recording / "talk44.wav"))
    from_file = run(Request(audio=str(recording / "talk44.wav"), engine="lite"), tmp_path / "file")
    in_memory = run(Request(engine="lite"), tmp_path / "memory", dialogue=dialogue)
    assert in_memory.motion_a.num_frames == from_file.motion_a.num_frames == 100
    np.testing.assert_array_equal(in_memory.motion_a.values, from_file.motion_a.values)
    np.testing.assert_array_equal(in_memory.motion_b.values, from_file.motion_b.values)


def test_int16_arrays_are_scaled_as_the_file_reader_scales_them(recording, tmp_path):
    pcm, sr = sf.read(recording / "talk16.wav", dtype="int16")
    from_file = load_dialogue(recording / "talk16.wav")
    # the plain constructor (16 kHz streams) scales them: no 25302-high "samples"
    plain = Dialogue(pcm[:, 0], pcm[:, 1], from_file.active_a, from_file.active_b)
    assert np.abs(plain.a).max() <= 1.0
    np.testing.assert_array_equal(plain.a, from_file.a)
    # the voice activity of int16 samples is that of the file's
    np.testing.assert_array_equal(
        voice_activity(pcm[:, 0], pcm[:, 1]), voice_activity(from_file.a, from_file.b)
    )
    same_streams(Dialogue.from_arrays(pcm[:, 0], pcm[:, 1], sample_rate=sr), from_file)


def test_big_endian_int16_read_raw_is_scaled_like_the_file(recording):
    """A big-endian ``>i2`` array (raw PCM read with np.frombuffer from an AIFF or a network stream)
    was refused, with a message that said to give int16."""
    pcm, sr = sf.read(recording / "talk16.wav", dtype="int16")
    big = pcm.astype(">i2")
    same_streams(
        Dialogue.from_arrays(big[:, 0], big[:, 1], sample_rate=sr), load_dialogue(recording / "talk16.wav")
    )


def test_int16_samples_cast_to_float_unscaled_are_refused_like_such_a_file(recording, tmp_path):
    pcm, sr = sf.read(recording / "talk16.wav", dtype="int16")
    cast = pcm.astype(np.float32)  # the usual slip: astype without / 32768
    sf.write(tmp_path / "cast.wav", cast, sr, subtype="FLOAT")
    with pytest.raises(DualTalkError, match="has samples of magnitude"):
        load_dialogue(tmp_path / "cast.wav")  # the file path refuses these samples ...
    act = np.zeros(100, bool)
    with pytest.raises(DualTalkError, match=r"divide int16 by 32768"):
        Dialogue(cast[:, 0], cast[:, 1], act, act)  # ... and so do the arrays
    with pytest.raises(
        DualTalkError, match=r"A's array has samples of magnitude .*expected audio in \[-1, 1\]"
    ):
        Dialogue.from_arrays(cast[:, 0], cast[:, 1], sample_rate=sr)


def test_a_stereo_array_is_refused_with_the_way_to_pass_it(recording):
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")  # (N, 2)
    y = resample(x.T, sr)  # (2, N) at 16 kHz
    act = np.zeros(100, bool)
    with pytest.raises(DualTalkError, match="one channel per speaker"):
        voice_activity(y, y)  # was: 200 frames of A-then-B for a 100-frame take
    with pytest.raises(DualTalkError, match="one channel per speaker"):
        Dialogue(y, y, act, act)  # was: reshape(-1) interleaved or stacked the channels
    with pytest.raises(DualTalkError, match=r"shape \(176400, 2\): give one channel per speaker"):
        Dialogue.from_arrays(x, x, sample_rate=sr)


def test_nan_samples_and_a_missing_or_odd_rate_are_refused(recording):
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    a, b = x[:, 0].copy(), x[:, 1]
    a[1000] = np.nan
    with pytest.raises(DualTalkError, match="A's array contains 1 NaN or Inf samples"):
        Dialogue.from_arrays(a, b, sample_rate=sr)
    with pytest.raises(TypeError):
        Dialogue.from_arrays(x[:, 0], x[:, 1])  # type: ignore[call-arg]  # the rate must be said
    with pytest.raises(DualTalkError, match="sample_rate must be a whole number"):
        Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=44.1)  # type: ignore[arg-type]
    with pytest.raises(DualTalkError, match="differ in length"):
        Dialogue.from_arrays(x[:, 0], x[:-10, 1], sample_rate=sr)


def test_own_voice_activity_can_be_given_per_25fps_frame(recording):
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    talks = np.zeros(100, bool)
    talks[10:40] = True
    d = Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr, active_a=talks, active_b=~talks)
    np.testing.assert_array_equal(d.active_a, talks)
    with pytest.raises(DualTalkError, match="both active_a and active_b, or neither"):
        Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr, active_a=talks)


class _Missing:
    """A missing value as pandas' nullable columns give it (pd.NA): no comparison answers yes or no."""

    def __eq__(self, other: object) -> bool:
        raise TypeError("boolean value of NA is ambiguous")

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<NA>"


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            np.full(100, np.nan),
            "active_a must be one true/false (or 1/0) per frame; got nan at frame 0 and 99 more",
        ),
        (np.full(100, 5), "active_a must be one true/false (or 1/0) per frame; got 5 at frame 0 and 99 more"),
        (
            np.r_[np.ones(50), 0.5, np.zeros(49)],
            "active_a must be one true/false (or 1/0) per frame; got 0.5 at frame 50",
        ),
        (np.ones(100, complex), "active_a must be one true/false per frame; got complex128 values"),
        (
            np.array([True] * 20 + [None] + [False] * 79, dtype=object),
            "active_a must be one true/false (or 1/0) per frame; got None at frame 20",
        ),
        (
            np.array([True] * 30 + [np.nan] * 2 + [False] * 68, dtype=object),
            "active_a must be one true/false (or 1/0) per frame; got nan at frame 30 and 1 more",
        ),
        (
            np.array([False] * 7 + [_Missing()] + [True] * 92, dtype=object),
            "active_a must be one true/false (or 1/0) per frame; got <NA> at frame 7",
        ),
    ],
    ids=["nan", "five", "a probability", "complex", "None", "object nan", "a missing value"],
)
def test_own_voice_activity_that_is_not_true_or_false_is_refused(recording, given, said):
    """A script passed a float mask with NaN gaps (or a count, or a probability): every non-zero
    value read as "speaking", and the take came out plausible but wrong (review rv38b F5)."""
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    with pytest.raises(DualTalkError) as refused:
        Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr, active_a=given, active_b=np.zeros(100, bool))
    assert str(refused.value) == said


def test_own_voice_activity_as_ones_and_zeros_is_read_as_true_and_false(recording):
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    talks = np.zeros(100, np.float32)
    talks[10:40] = 1.0
    d = Dialogue.from_arrays(
        x[:, 0], x[:, 1], sample_rate=sr, active_a=talks, active_b=(1 - talks).astype(np.uint8)
    )
    np.testing.assert_array_equal(d.active_a, talks.astype(bool))
    np.testing.assert_array_equal(d.active_b, ~talks.astype(bool))


def test_own_voice_activity_as_python_items_is_read_as_true_and_false(recording):
    """A pandas "boolean" column's ``to_numpy()`` (or ``np.array(..., dtype=object)``) holds Python
    bools: read until this session, then refused whole as "object values" (review rv38f F5)."""
    x, sr = sf.read(recording / "talk44.wav", dtype="float32")
    talks = np.zeros(100, bool)
    talks[10:40] = True
    items = np.array(list(talks), dtype=object)  # numpy bools
    python = np.array([bool(t) for t in talks], dtype=object)
    numbers_ = np.array([int(t) for t in ~talks], dtype=object)  # 1 and 0 as Python ints
    d = Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr, active_a=python, active_b=numbers_)
    np.testing.assert_array_equal(d.active_a, talks)
    np.testing.assert_array_equal(d.active_b, ~talks)
    assert d.active_a.dtype == bool and d.active_b.dtype == bool
    d = Dialogue.from_arrays(x[:, 0], x[:, 1], sample_rate=sr, active_a=items, active_b=~talks)
    np.testing.assert_array_equal(d.active_a, talks)
