"""The paper's metrics on inputs whose answers can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.metrics import (
    Sequence,
    evaluate_sequences,
    format_table,
    frechet_distance,
    kmeans,
    mse,
    paired_frechet_distance,
    pcc,
    rpcc,
    sequence_metrics,
    sid,
)


def test_identical_motion_scores_perfectly(rng):
    x = rng.standard_normal((300, 5))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)
    assert mse(x, x) == 0.0
    assert rpcc(x, x, rng.standard_normal((300, 5))) == 0.0


def test_fd_of_a_shifted_copy_is_the_squared_shift(rng):
    # Same covariance, means apart by (1, 2, 2): FD = 1 + 4 + 4 = 9.
    x = rng.standard_normal((500, 3))
    assert frechet_distance(x + np.array([1.0, 2.0, 2.0]), x) == pytest.approx(9.0, rel=1e-6)


def test_fd_of_scaled_gaussians_matches_the_closed_form():
    # 1-D: FD = (m1 - m2)^2 + (s1 - s2)^2 with s the standard deviations.
    base = np.linspace(-1, 1, 201)[:, None]
    base = (base - base.mean()) / base.std(ddof=1)  # unit sample variance
    a, b = 3.0 * base + 1.0, 1.0 * base
    assert frechet_distance(a, b) == pytest.approx(1.0 + (3.0 - 1.0) ** 2, rel=1e-6)


def test_paired_fd_sees_a_reaction_at_the_wrong_time_that_fd_misses(rng):
    partner = np.repeat(np.array([0.0, 1.0] * 10), 10)[:, None] + 0.01 * rng.standard_normal((200, 1))
    gt = partner.copy()  # the character mirrors the partner
    late = np.roll(gt, 10, axis=0)  # same motion, half a turn late
    assert frechet_distance(late, gt) == pytest.approx(0.0, abs=1e-3)
    assert paired_frechet_distance(late, gt, partner) > 0.3
    assert paired_frechet_distance(gt, gt, partner) == pytest.approx(0.0, abs=1e-6)


def test_mse_by_hand():
    assert mse(np.ones((4, 2)), np.zeros((4, 2))) == 1.0
    assert mse(np.array([[0.0, 2.0]]), np.array([[0.0, 0.0]])) == 2.0


def test_sid_counts_how_many_ground_truth_clusters_the_prediction_visits():
    # Ground truth visits 4 well-separated poses equally; k=4 recovers them exactly.
    poses = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    gt = np.repeat(poses, 25, axis=0)
    assert sid(gt, gt, 4) == pytest.approx(2.0, abs=1e-4)  # log2(4) bits
    assert sid(np.repeat(poses[:2], 50, axis=0), gt, 4) == pytest.approx(1.0, abs=1e-4)
    assert sid(np.zeros((100, 2)), gt, 4) == pytest.approx(0.0, abs=1e-4)  # frozen face
    # The published script's argument order clusters the prediction instead.
    assert sid(np.zeros((100, 2)), gt, 4, fit="pred") == pytest.approx(0.0, abs=1e-4)
    assert sid(gt, np.zeros((100, 2)), 4, fit="pred") == pytest.approx(0.0, abs=1e-4)


def test_kmeans_never_asks_for_more_clusters_than_distinct_frames():
    assert kmeans(np.zeros((50, 3)), 40).shape == (1, 3)


def test_pcc_and_rpcc_by_hand():
    a = np.arange(10.0)
    assert pcc(a, 2 * a + 1) == pytest.approx(1.0)
    assert pcc(a, -a) == pytest.approx(-1.0)
    assert pcc(a, np.ones(10)) == 0.0  # constant: defined as no correlation
    # gt follows the partner (pcc 1), the prediction mirrors it (pcc -1): rPCC = 2.
    assert rpcc(-a, a, a) == pytest.approx(2.0)


def test_sequence_metrics_cover_every_group_and_metric(rng):
    gt = rng.standard_normal((120, 56)).astype(np.float32)
    partner = rng.standard_normal((130, 56)).astype(np.float32)  # longer: trimmed
    res = sequence_metrics(Sequence("s", gt.copy(), gt, partner), "flame56")
    assert set(res) == {"exp", "jaw", "pose"}
    for group in res.values():
        assert set(group) == {"FD", "P-FD", "MSE", "SID", "rPCC"}
        assert group["MSE"] == 0.0 and group["rPCC"] == 0.0 and group["FD"] < 1e-6
    ark = sequence_metrics(Sequence("s", gt[:, :55], gt[:, :55], partner[:, :55]), "arkit55")
    assert set(ark) == {"blendshapes", "head"}


def test_averages_over_sequences_and_prints_a_table(rng):
    gt = rng.standard_normal((60, 56))
    seqs = [
        Sequence("a", gt, gt, gt),
        Sequence("b", gt + np.r_[np.full(50, 2.0), np.zeros(6)], gt, gt),  # exp MSE 4
    ]
    res = evaluate_sequences(seqs, "flame56")
    assert res["exp"]["MSE"] == pytest.approx(2.0)
    assert res["exp"]["FD"] == pytest.approx(0.5 * 50 * 4.0, rel=1e-5)
    assert res["jaw"]["MSE"] == 0.0
    table = format_table(res, 2)
    assert table.splitlines()[0].split() == ["metric", "exp", "jaw", "pose"]
    assert "P-FD" in table and "2 sequences" in table


def test_too_short_or_unknown_inputs_are_user_errors():
    with pytest.raises(DualTalkError):
        sequence_metrics(Sequence("s", np.zeros((1, 56)), np.zeros((1, 56)), np.zeros((1, 56))), "flame56")
    with pytest.raises(DualTalkError):
        evaluate_sequences([], "flame56")
