"""``eval`` on an hour of motion: the SID clustering labels frames in bounded blocks, same labels.

The audit measured 1.70 GB peak for a 60-minute ``eval``: ``metrics.assign`` built one (N, k, d)
float64 array (1.44 GB) on each of up to 100 k-means passes.
"""

from __future__ import annotations

import numpy as np
from dualtalk.inference import metrics


def whole(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The labels as worked out in one piece (the code before)."""
    return ((np.asarray(x, np.float64)[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1)


def test_labels_in_blocks_equal_the_labels_in_one_piece(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5003, 50)).astype(np.float32)
    centres = rng.standard_normal((40, 50))
    want = whole(x, centres)
    monkeypatch.setattr(metrics, "ASSIGN_BYTES", 40 * 50 * 8 * 97)  # blocks of 97 rows, a ragged last one
    np.testing.assert_array_equal(metrics.assign(x, centres), want)
    gt = rng.standard_normal((3000, 8))
    pred = gt + 0.3 * rng.standard_normal(gt.shape)
    small = metrics.sid(pred, gt, 10)
    monkeypatch.setattr(metrics, "ASSIGN_BYTES", 1 << 30)
    assert metrics.sid(pred, gt, 10) == small


def test_many_frames_are_labelled_without_a_temporary_the_size_of_frames_times_centres():
    """20,000 frames x 40 centres x 50 channels was a 320 MB difference array (1.44 GB at an hour);
    now each block is bounded, whatever the length."""
    import tracemalloc

    x = np.zeros((20_000, 50), np.float32)
    centres = np.ones((40, 50))
    tracemalloc.start()
    try:
        labels = metrics.assign(x, centres)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(labels) == 20_000
    assert peak < 128 << 20, peak  # blocks of 32 MB (difference and its square) + x as float64


def test_scoring_says_which_sequence_and_group_it_is_on():
    """``eval`` printed nothing for minutes on an hour of motion; each metric group now reports."""
    from dualtalk.inference.core.channels import SPACE_ARKIT
    from dualtalk.inference.core.progress import Recorder

    rng = np.random.default_rng(1)
    seqs = []
    for name in ("one", "two"):
        gt = rng.uniform(0, 1, (300, 55))
        seqs.append(
            metrics.Sequence(name, gt + 0.1 * rng.standard_normal(gt.shape), gt, rng.uniform(0, 1, gt.shape))
        )
    rec = Recorder()
    quiet = metrics.evaluate_sequences(seqs, SPACE_ARKIT)
    assert metrics.evaluate_sequences(seqs, SPACE_ARKIT, progress=rec) == quiet
    messages = [m for _s, _f, m in rec.events]
    groups = len(metrics.GROUPS[SPACE_ARKIT])
    assert (
        len(rec.events) == 2 * groups + 1
        and messages[0].startswith("one: ")
        and messages[groups].startswith("two: ")
    )
    fractions = [f for _s, f, _m in rec.events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
