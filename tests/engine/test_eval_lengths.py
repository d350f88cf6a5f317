"""A researcher scores predictions whose length does not match the ground truth's take."""

from __future__ import annotations

import json

import numpy as np
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from train_data import make_folder


def _predict_part(gt_dir, pred_dir, first: int, last: int) -> None:
    """Dialogue-mode output (pred/<stem>/A.npz, B.npz) of frames first..last of each take, as
    ``infer --start/--end`` writes it: the truth of that stretch, starting at its own time."""
    for stem in ("conv0", "conv1"):
        for role, who in (("A", 1), ("B", 2)):
            values = load_motion(gt_dir / f"{stem}_speaker{who}.npz").values[first:last]
            motion = Motion(space="flame56", values=values, engine="test", start_time=first / 25.0)
            save_motion(pred_dir / stem / f"{role}.npz", motion)


def test_a_part_of_the_take_is_refused_not_scored_against_the_takes_start(tmp_path, capsys):
    gt = make_folder(tmp_path / "gt", conversations=2, seconds=4.0)  # 100 frames per take
    _predict_part(gt, tmp_path / "pred", 50, 90)
    rc = main(["eval", "--pred", str(tmp_path / "pred"), "--gt", str(gt), "--json"])
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert rc == 2 and captured.out == "", captured.out
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "conv0/A.npz has 40 frames" in err[0] and "conv0_speaker1.npz has 100" in err[0]


def test_a_frame_or_two_of_rounding_is_still_scored(tmp_path, capsys):
    gt = make_folder(tmp_path / "gt", conversations=2, seconds=4.0)
    _predict_part(gt, tmp_path / "pred", 0, 99)  # the dataset's 587 frames for 588 of audio, say
    assert main(["eval", "--pred", str(tmp_path / "pred"), "--gt", str(gt), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sequences"] == 4
    assert np.isclose(out["metrics"]["exp"]["MSE"], 0.0)
