"""Where the motion decoded from the ducked mic is kept: all of it on the frames the duck turned down, none
on the character's own frames a few frames away, and a smooth seam between that never reaches into the
ducked frames (those are the listening frames the duck keeps quiet)."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.audio.sync import DUCK_SEAM_FRAMES, ducked_pass_weight
from dualtalk.inference.core.errors import DualTalkError


def _mask(frames: int, *spans: tuple[int, int]) -> np.ndarray:
    out = np.zeros(frames, bool)
    for a, b in spans:
        out[a:b] = True
    return out


def test_the_ducked_frames_keep_all_of_the_ducked_pass_and_frames_beyond_the_seam_none():
    ducked = _mask(60, (20, 40))
    w = ducked_pass_weight(ducked)
    assert w.dtype == np.float32 and w.shape == (60,)
    assert np.all(w[20:40] == 1.0)
    seam = DUCK_SEAM_FRAMES
    assert np.all(w[: 20 - seam] == 0.0) and np.all(w[40 + seam :] == 0.0)
    before, after = w[20 - seam : 20], w[40 : 40 + seam]
    assert np.all((before > 0) & (before < 1)) and np.all((after > 0) & (after < 1))
    assert np.all(np.diff(before) > 0) and np.all(np.diff(after) < 0)  # rises into the stretch, falls out
    assert np.allclose(before, after[::-1])  # the same seam either side


def test_a_short_gap_between_two_ducked_stretches_blends_from_both_sides():
    w = ducked_pass_weight(_mask(30, (0, 10), (13, 30)))  # a 3-frame turn between two listening stretches
    assert np.all(w[:10] == 1.0) and np.all(w[13:] == 1.0)
    assert np.all((w[10:13] > 0) & (w[10:13] < 1))
    assert w[11] < w[10] and w[11] < w[12]  # the middle of the turn is the furthest from the duck


def test_nothing_ducked_keeps_none_of_the_ducked_pass_and_a_zero_seam_cuts_hard():
    assert np.array_equal(ducked_pass_weight(_mask(12)), np.zeros(12, np.float32))
    hard = ducked_pass_weight(_mask(12, (4, 8)), seam=0)
    assert np.array_equal(hard, _mask(12, (4, 8)).astype(np.float32))


@pytest.mark.parametrize("seam", [-1, -3, float("nan")])
def test_a_seam_below_zero_frames_is_refused_in_one_line(seam):
    """seam=-1 divided by zero: a warning and NaN weights, which would have blended NaN motion."""
    with pytest.raises(DualTalkError, match=r"^the seam must be 0 frames or more, got "):
        ducked_pass_weight(_mask(12, (4, 8)), seam=seam)
