"""A researcher scores a model that writes FLAME's 100 expression coefficients.

Before (review rv43b, finding 3): ``eval`` read the first 50 columns of ``exp`` without a word, so a
prediction whose columns 50-99 were pure noise (std 5) scored MSE 0.0 and FD ~1e-12, a perfect
prediction. Now such a prediction is refused in one line naming it under --pred (the ground truth has
the same name) and the count; columns past 50 that are all zero (a writer that pads to FLAME's 100) are
scored as the first 50. A ground truth from a 100-coefficient tracker is scored on its first 50, the
dataset's, with one warning (review rv43e finding 3: the first fix refused it, exit 2).
"""

from __future__ import annotations

import json

import numpy as np
from dualtalk.cli import main
from train_data import make_folder


def _predict(gt, pred, rest) -> None:
    """Each take's ground truth as the prediction, ``exp`` widened to 100 columns by ``rest``."""
    pred.mkdir()
    for stem in ("conv0_speaker1", "conv0_speaker2"):
        truth = np.load(gt / f"{stem}.npz")
        exp = np.concatenate([truth["exp"], rest(truth["exp"].shape)], axis=1).astype(np.float32)
        np.savez(pred / f"{stem}.npz", exp=exp, pose=truth["pose"])


def test_noise_past_50_is_refused_and_zeros_past_50_are_scored(tmp_path, capsys):
    gt = make_folder(tmp_path / "gt", conversations=1, seconds=4.0)
    rng = np.random.default_rng(0)
    _predict(gt, tmp_path / "noise", lambda shape: rng.normal(0, 5, shape))
    assert main(["eval", "--pred", str(tmp_path / "noise"), "--gt", str(gt), "--json"]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1, lines
    assert lines[0].startswith(
        "error: --pred conv0_speaker1.npz: exp has 100 coefficients and columns 50-99 hold"
    )
    assert "save exp[:, :50] to score those" in lines[0]

    _predict(gt, tmp_path / "padded", np.zeros)
    assert main(["eval", "--pred", str(tmp_path / "padded"), "--gt", str(gt), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["metrics"]["exp"]["MSE"] == 0.0 and "warning" not in err


def test_a_trackers_100_coefficient_ground_truth_is_scored_on_its_first_50(tmp_path, capsys):
    gt = make_folder(tmp_path / "gt", conversations=1, seconds=4.0)
    wide = tmp_path / "gt100"
    wide.mkdir()
    rng = np.random.default_rng(1)
    pred = tmp_path / "pred"
    pred.mkdir()
    for stem in ("conv0_speaker1", "conv0_speaker2"):
        truth = np.load(gt / f"{stem}.npz")
        extra = rng.normal(0, 0.1, (len(truth["exp"]), 50))
        np.savez(wide / f"{stem}.npz", exp=np.concatenate([truth["exp"], extra], axis=1), pose=truth["pose"])
        np.savez(pred / f"{stem}.npz", exp=truth["exp"], pose=truth["pose"])
    assert main(["eval", "--pred", str(pred), "--gt", str(wide), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["metrics"]["exp"]["MSE"] == 0.0
    assert "exp has 100 coefficients" in err and "error" not in err
