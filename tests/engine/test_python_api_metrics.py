"""A researcher scores their own model's FLAME output with ``inference.metrics`` from Python, against
the DualTalk dataset's files: a prediction cut short, a NaN frame or a missing column is a one-line
DualTalkError naming the array, by the same 1 s rule ``eval`` applies to files; and the column order
(jaw before neck, the dataset's pose is [neck, jaw]) is said where the researcher reads, with the way
to build the arrays right.

(The audit that found these: a prediction 10 s short of its ground truth scored as a perfect match;
one NaN frame raised scipy's "LinAlgError: Internal error in sqrtm"; 50 columns failed with a Fréchet
message about shape (587, 0); np.concatenate([exp, pose]) put a 0.2 rad jaw error under "pose".)
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.inference import cmd_eval, metrics
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from dualtalk.inference.metrics import Sequence, sequence_metrics


@pytest.fixture
def take(rng):
    """Dataset-style arrays of a 20 s take (500 frames): exp (T, 50), pose (T, 6) = [neck, jaw]."""
    exp = rng.standard_normal((500, 50)).astype(np.float32)
    neck = 0.1 * rng.standard_normal((500, 3)).astype(np.float32)
    jaw = np.abs(0.1 * rng.standard_normal((500, 3))).astype(np.float32)
    return exp, np.concatenate([neck, jaw], 1)


def scored(pred, gt, partner=None, space="flame56"):
    return sequence_metrics(Sequence("take", pred, gt, gt if partner is None else partner), space)


def test_a_prediction_10_s_short_is_refused_not_scored_perfect(take):
    gt = Motion.from_flame(*take).values
    with pytest.raises(
        DualTalkError, match=r"^take: pred has 250 frames but gt has 500 \(10.00 s apart at 25 fps\)"
    ):
        scored(gt[:250], gt)  # was: MSE 0.0 everywhere
    with pytest.raises(DualTalkError, match=r"^take: partner has 300 frames but gt has 500"):
        scored(gt, gt, gt[:300])
    assert scored(gt[:-2], gt)["exp"]["MSE"] == 0.0  # a frame or two of rounding is fine, as in eval


def test_the_one_second_rule_is_evals_own(take):
    assert cmd_eval.same_take_length is metrics.same_take_length  # one rule in one place
    gt = Motion.from_flame(*take).values
    assert "MSE" in scored(gt[:475], gt)["exp"]  # 25 frames = 1 s at 25 fps: still the same take
    with pytest.raises(DualTalkError, match="pred has 474 frames"):
        scored(gt[:474], gt)
    at_50 = Sequence("take", gt[:450], gt, gt, fps=50.0)  # 50 frames = 1 s at 50 fps
    assert "MSE" in sequence_metrics(at_50, "flame56")["exp"]


def test_a_nan_frame_is_named_not_a_linalg_error(take):
    gt = Motion.from_flame(*take).values
    pred = gt.copy()
    pred[3, 0] = np.nan
    with pytest.raises(
        DualTalkError, match=r"^take: pred holds NaN or Inf in 1 frame\(s\), the first at frame 3$"
    ):
        scored(pred, gt)
    with pytest.raises(DualTalkError, match="take: gt holds NaN or Inf"):
        scored(gt, pred)


def test_a_wrong_column_count_says_the_order_and_how_to_build_it(take):
    exp, pose = take
    with pytest.raises(DualTalkError) as caught:
        scored(exp, Motion.from_flame(exp, pose).values)  # exp alone: 50 columns
    said = str(caught.value)
    assert said.startswith("take: pred has shape (500, 50); flame56 needs (frames, 56)")
    assert "exp 0:50, jaw 50:53, neck 53:56" in said and "Motion.from_flame(exp, pose).values" in said
    with pytest.raises(DualTalkError, match=r"pred has shape \(500, 56\); arkit55 needs \(frames, 55\)"):
        gt = Motion.from_flame(exp, pose).values
        scored(gt, gt[:, :55], gt[:, :55], space="arkit55")


def test_the_column_order_is_said_where_a_researcher_reads():
    for doc in (Sequence.__doc__, sequence_metrics.__doc__):
        assert doc is not None and "jaw" in doc and "neck" in doc and "dataset" in doc
    assert "Motion.from_flame(exp, pose).values" in Sequence.__doc__
    assert "np.concatenate([exp, pose], 1)" in Sequence.__doc__  # the trap, named


def test_arrays_built_with_from_flame_score_a_jaw_error_as_jaw(take):
    exp, pose = take
    gt = Motion.from_flame(exp, pose).values
    moved = pose.copy()
    moved[:, 3:6] += 0.2  # the jaw (the dataset's pose[:, 3:6]) off by 0.2 rad
    res = scored(Motion.from_flame(exp, moved).values, gt)
    assert res["jaw"]["MSE"] == pytest.approx(0.04, rel=1e-4) and res["pose"]["MSE"] == 0.0
