"""A user scores a folder of predictions against the DualTalk ground truth from the shell."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from train_data import make_folder


@pytest.fixture
def gt_dir(tmp_path):
    return make_folder(tmp_path / "gt", conversations=2, seconds=3.0)


def _predict(gt_dir, pred_dir, *, noise=0.0, form="motion", seed=0):
    """Write a prediction per ground-truth file: the truth plus noise."""
    rng = np.random.default_rng(seed)
    pred_dir.mkdir(parents=True, exist_ok=True)
    for f in sorted(gt_dir.glob("*.npz")):
        values = load_motion(f).values + noise * rng.standard_normal((75, 56)).astype(np.float32)
        if form == "npy":
            np.save(pred_dir / f"{f.stem}.npy", values)
        else:
            save_motion(pred_dir / f.name, Motion(space="flame56", values=values, engine="test"))
    return pred_dir


def test_perfect_predictions_score_zero_error(gt_dir, tmp_path, capsys):
    pred = _predict(gt_dir, tmp_path / "pred")
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sequences"] == 4 and out["space"] == "flame56"
    for group in ("exp", "jaw", "pose"):
        assert out["metrics"][group]["MSE"] == 0.0
        assert out["metrics"][group]["FD"] == pytest.approx(0.0, abs=1e-5)
        assert out["metrics"][group]["rPCC"] == pytest.approx(0.0, abs=1e-9)


def test_noisier_predictions_score_worse_and_the_table_is_readable(gt_dir, tmp_path, capsys):
    good = _predict(gt_dir, tmp_path / "good", noise=0.05, form="npy")
    bad = _predict(gt_dir, tmp_path / "bad", noise=0.5, form="npy")
    scores = {}
    for name, d in (("good", good), ("bad", bad)):
        assert main(["eval", "--pred", str(d), "--gt", str(gt_dir), "--json"]) == 0
        scores[name] = json.loads(capsys.readouterr().out)["metrics"]
    for group in ("exp", "jaw", "pose"):
        assert scores["bad"][group]["MSE"] > 10 * scores["good"][group]["MSE"]
        assert scores["bad"][group]["FD"] > scores["good"][group]["FD"]
        assert scores["bad"][group]["P-FD"] > scores["good"][group]["P-FD"]
    assert main(["eval", "--pred", str(good), "--gt", str(gt_dir)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["metric", "exp", "jaw", "pose"]
    assert [line.split()[0] for line in table[2:7]] == ["FD", "P-FD", "MSE", "SID", "rPCC"]


def test_missing_ground_truth_is_one_clear_line(gt_dir, tmp_path, capsys):
    pred = _predict(gt_dir, tmp_path / "pred")
    shutil.copy(pred / "conv0_speaker1.npz", pred / "stray_speaker1.npz")
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no ground truth") and "stray_speaker1.npz" in err and "\n" not in err


def test_a_take_with_only_one_speakers_ground_truth_names_the_file_it_lacks(gt_dir, tmp_path, capsys):
    # the shared DualTalk clip holds one speaker's tracked FLAME: the partner's file is what is missing
    pred = _predict(gt_dir, tmp_path / "pred")
    stems = sorted(f.stem for f in gt_dir.glob("*_speaker1.npz"))
    (gt_dir / f"{stems[0]}.npz").unlink()
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"lacks {stems[0]}.npz" in err and "\n" not in err


def test_lite_predictions_against_flame_ground_truth_say_the_spaces_first(gt_dir, tmp_path, capsys):
    pred = tmp_path / "pred"
    pred.mkdir()
    for f in sorted(gt_dir.glob("*.npz")):
        save_motion(
            pred / f.name, Motion(space="arkit55", values=np.zeros((75, 55), np.float32), engine="lite")
        )
    stems = sorted(f.stem for f in gt_dir.glob("*_speaker1.npz"))
    (gt_dir / f"{stems[0]}.npz").unlink()  # a partner missing too: the spaces are still what to fix first
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert "is arkit55 but its ground truth" in err and "flame56" in err and "\n" not in err


def test_empty_or_wrong_inputs_are_refused(gt_dir, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["eval", "--pred", str(tmp_path / "empty"), "--gt", str(gt_dir)]) == 2
    assert "no predictions" in capsys.readouterr().err
    assert main(["eval", "--pred", str(tmp_path / "nope"), "--gt", str(gt_dir)]) == 2
    assert "not found" in capsys.readouterr().err
    bad = tmp_path / "bad"
    bad.mkdir()
    np.save(bad / "conv0_speaker1.npy", np.zeros((75, 7), np.float32))
    assert main(["eval", "--pred", str(bad), "--gt", str(gt_dir)]) == 2
    assert "(frames, 56)" in capsys.readouterr().err
    (bad / "conv0_speaker1.npy").write_bytes(b"\x93NUMPY garbage")
    assert main(["eval", "--pred", str(bad), "--gt", str(gt_dir)]) == 2
    assert "conv0_speaker1.npy" in capsys.readouterr().err
    arkit = tmp_path / "arkit"
    arkit.mkdir()
    save_motion(arkit / "conv0_speaker1.npz", Motion(space="arkit55", values=np.zeros((75, 55))))
    assert main(["eval", "--pred", str(arkit), "--gt", str(gt_dir)]) == 2
    assert "one motion space at a time" in capsys.readouterr().err


def test_real_clip_scored_against_itself(demo_clip, tmp_path, capsys):
    """The shipped DualTalk clip has only speaker 2's motion: score it with a neutral partner."""
    gt = tmp_path / "gt"
    gt.mkdir()
    shutil.copy(demo_clip["npz2"], gt / "clip_speaker2.npz")
    real = load_motion(demo_clip["npz2"])
    save_motion(gt / "clip_speaker1.npz", Motion(space="flame56", values=np.zeros_like(real.values)))
    pred = tmp_path / "pred"
    pred.mkdir()
    smoothed = real.values.copy()
    smoothed[1:-1] = (real.values[:-2] + real.values[1:-1] + real.values[2:]) / 3
    np.save(pred / "clip_speaker2.npy", smoothed)
    assert main(["eval", "--pred", str(pred), "--gt", str(gt), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)["metrics"]
    assert 0 < m["exp"]["MSE"] < 0.1 and m["exp"]["SID"] > 3.0  # smoothing keeps variety


def test_dialogue_mode_output_folders_are_scored_as_speaker_pairs(gt_dir, tmp_path, capsys):
    pred = tmp_path / "pred"
    for stem in ("conv0", "conv1"):
        for who, name in (("1", "A"), ("2", "B")):
            values = load_motion(gt_dir / f"{stem}_speaker{who}.npz").values
            save_motion(pred / stem / f"{name}.npz", Motion(space="flame56", values=values, role=name))
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sequences"] == 4 and out["metrics"]["exp"]["MSE"] == 0.0
    # Swapping the characters is caught: A is scored against speaker 1.
    (pred / "conv0" / "A.npz").replace(pred / "conv0" / "tmp.npz")
    (pred / "conv0" / "B.npz").replace(pred / "conv0" / "A.npz")
    (pred / "conv0" / "tmp.npz").replace(pred / "conv0" / "B.npz")
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["exp"]["MSE"] > 0.01


def test_train_then_infer_then_eval_end_to_end(tmp_path, capsys):
    """The whole research loop from the shell: train a (tiny) model, predict, score."""
    data = make_folder(tmp_path / "data", conversations=2, seconds=1.2)
    run = tmp_path / "run"
    train_args = ["train", "--data", str(data), "--config", "tiny", "--steps", "2", "--crop-seconds", "1"]
    assert main([*train_args, "--out", str(run)]) == 0
    ckpt = str(run / "DualTalk.pth")
    pred = tmp_path / "pred"
    # Dialogue mode: both characters from audio alone.
    a, b = str(data / "conv0_speaker1.wav"), str(data / "conv0_speaker2.wav")
    assert (
        main(
            [
                "infer",
                "--audio",
                a,
                "--audio-b",
                b,
                "--checkpoint",
                ckpt,
                "--out",
                str(pred / "conv0"),
                "--quiet",
            ]
        )
        == 0
    )
    # Paper mode: one character given the partner's captured motion.
    partner = str(data / "conv1_speaker2.npz")
    argv = [
        "infer",
        "--audio",
        str(data / "conv1_speaker1.wav"),
        "--partner-audio",
        str(data / "conv1_speaker2.wav"),
    ]
    assert (
        main(
            [
                *argv,
                "--partner-motion",
                partner,
                "--checkpoint",
                ckpt,
                "--out",
                str(pred / "conv1_speaker1.npz"),
                "--quiet",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["eval", "--pred", str(pred), "--gt", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sequences"] == 3
    for group in ("exp", "jaw", "pose"):
        assert all(np.isfinite(v) for v in out["metrics"][group].values())
        assert out["metrics"][group]["MSE"] > 0 and out["metrics"][group]["SID"] >= 0


def test_a_long_scoring_says_how_far_it_is_on_stderr_and_quiet_silences_it(gt_dir, tmp_path, capsys):
    """An hour of takes is minutes of clustering; the table used to be the first sign of life."""
    pred = _predict(gt_dir, tmp_path / "pred", noise=0.1)
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["sequences"] == 4  # the results alone on stdout
    lines = captured.err.strip().splitlines()
    assert lines[0] == "eval: 0% scoring 4 sequences" and lines[-1] == "eval: 100% scoring 4 sequences"
    assert main(["eval", "--pred", str(pred), "--gt", str(gt_dir), "--json", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
