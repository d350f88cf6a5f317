"""A researcher scores predictions whose files do not quite line up with the ground truth.

A prediction made at another frame rate, or the same speaker predicted twice (a
``_speaker1.npz`` left beside a dialogue run's ``A.npz``), must be refused in one line,
not scored into a plausible-looking table.
"""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from train_data import make_folder


@pytest.fixture
def gt_dir(tmp_path):
    return make_folder(tmp_path / "gt", conversations=1, seconds=2.0)


def _refused(capsys, pred, gt_dir) -> str:
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    return lines[0]


def test_a_prediction_at_another_frame_rate_is_refused_not_paired_frame_by_frame(gt_dir, tmp_path, capsys):
    pred = tmp_path / "pred30"
    pred.mkdir()
    for f in sorted(gt_dir.glob("*.npz")):
        truth = load_motion(f).values  # 2 s at 25 fps
        at30 = truth[np.minimum(np.arange(60) * 25 // 30, len(truth) - 1)]  # the same 2 s at 30 fps
        save_motion(pred / f.name, Motion(space="flame56", values=at30, engine="test", fps=30.0))
    line = _refused(capsys, pred, gt_dir)
    assert "30 fps" in line and "25 fps" in line


def test_the_same_speaker_predicted_twice_is_refused_not_counted_twice(gt_dir, tmp_path, capsys):
    pred = tmp_path / "pred"
    pred.mkdir()
    for f in sorted(gt_dir.glob("*.npz")):
        save_motion(pred / f.name, Motion(space="flame56", values=load_motion(f).values, engine="test"))
    zeros = np.zeros_like(load_motion(gt_dir / "conv0_speaker1.npz").values)
    save_motion(pred / "conv0" / "A.npz", Motion(space="flame56", values=zeros, engine="test"))
    line = _refused(capsys, pred, gt_dir)
    assert "conv0/A.npz" in line and "conv0_speaker1.npz" in line


def test_predictions_at_the_ground_truths_rate_are_still_scored(gt_dir, tmp_path, capsys):
    pred = tmp_path / "pred"
    pred.mkdir()
    for f in sorted(gt_dir.glob("*.npz")):
        np.save(pred / f"{f.stem}.npy", load_motion(f).values)  # a bare array: no rate of its own
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 0
    assert '"sequences": 2' in capsys.readouterr().out


def test_a_partner_file_from_a_shorter_take_is_refused_not_used_to_cut_the_scores(gt_dir, tmp_path, capsys):
    """P-FD and rPCC pair each frame with the partner's: a 0.5 s partner would silently cut a 2 s take."""
    short_gt = tmp_path / "gt_short"
    short_gt.mkdir()
    for f in sorted(gt_dir.glob("*.npz")):
        values = load_motion(f).values
        if f.name.endswith("_speaker2.npz"):
            values = values[: len(values) // 4]
        save_motion(short_gt / f.name, Motion(space="flame56", values=values, engine="dataset"))
    pred = tmp_path / "pred"
    pred.mkdir()
    np.save(pred / "conv0_speaker1.npy", load_motion(gt_dir / "conv0_speaker1.npz").values)
    line = _refused(capsys, pred, short_gt)
    assert "conv0_speaker2.npz" in line and "same take" in line


def test_a_prediction_file_given_for_the_folder_is_named_as_a_file(gt_dir, tmp_path, capsys):
    """`eval --pred take.npz` said "prediction folder not found" about a file that is there."""
    one = tmp_path / "take_speaker1.npz"
    save_motion(one, Motion("flame56", np.zeros((10, 56), np.float32)))
    assert main(["eval", "--pred", str(one), "--gt", str(gt_dir)]) == 2
    assert (
        capsys.readouterr().err
        == f"error: --pred {one} is a file; give the folder that holds the prediction files\n"
    )
