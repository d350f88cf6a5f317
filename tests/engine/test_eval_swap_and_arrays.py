"""A researcher scores takes with ``eval`` and edits motion files with numpy: the numbers belong to
the speaker the file really animates, and an edit is never silently ignored.

Before: ``eval`` scored ``A.npz`` as speaker 1 even after ``infer --swap`` (the file records the swap),
and a motion file whose ``exp``/``pose`` had been edited and re-saved was read from its untouched
``values``, so the edit scored MSE 0."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, load_motion, save_motion
from train_data import make_folder


@pytest.fixture(scope="module")
def gt(tmp_path_factory):
    """DualTalk-format ground truth: conv0_speaker{1,2}.wav + .npz (exp, pose), 3 s."""
    return make_folder(tmp_path_factory.mktemp("gt"), conversations=1, seconds=3.0)


@pytest.fixture(scope="module")
def swapped_take(tmp_path_factory, tiny_checkpoint, gt):
    """``infer --audio conv0_speaker1.wav --audio-b conv0_speaker2.wav --swap``: A is speaker 2."""
    out = tmp_path_factory.mktemp("pred") / "conv0"
    argv = ["infer", "--quiet", "--audio", str(gt / "conv0_speaker1.wav"), "--audio-b",
            str(gt / "conv0_speaker2.wav"), "--swap", "--checkpoint", str(tiny_checkpoint), "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    return out


def _score(capsys, pred, gt) -> dict:
    capsys.readouterr()
    assert main(["eval", "--pred", str(pred), "--gt", str(gt), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _refused(capsys, pred, gt) -> str:
    capsys.readouterr()
    rc = main(["eval", "--pred", str(pred), "--gt", str(gt)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def _as_perfect(take, gt, dest):
    """The swapped take's files, their record kept, with values set to the real speaker's truth:
    scored against the right speaker, every error is 0."""
    dest.mkdir(parents=True)
    for role, speaker in (("A", 2), ("B", 1)):
        m = load_motion(take / f"{role}.npz")
        truth = load_motion(gt / f"conv0_speaker{speaker}.npz")
        values = truth.values[: m.num_frames]
        values = np.concatenate([values, values[-1:].repeat(m.num_frames - len(values), 0)])
        save_motion(dest / f"{role}.npz", Motion(m.space, values, m.fps, m.speaking, m.engine,
                                                 m.checkpoint_sha256, m.role, m.start_time, m.meta))  # fmt: skip
    return dest


def test_a_perfect_swapped_take_scores_zero_error(tmp_path, swapped_take, gt, capsys):
    """A.npz holds speaker 2's character; scored as speaker 1 it read MSE > 0.1 although exact."""
    a = load_motion(swapped_take / "A.npz")  # what the file records
    assert a.role == "A" and a.meta["source"]["swap"] is True
    assert a.meta["source"]["audio_b"].endswith("conv0_speaker2.wav")
    pred = _as_perfect(swapped_take, gt, tmp_path / "pred" / "conv0")
    out = _score(capsys, pred.parent, gt)
    assert out["sequences"] == 2
    for group in ("exp", "jaw", "pose"):
        assert out["metrics"][group]["MSE"] == 0.0, group
        assert out["metrics"][group]["rPCC"] == pytest.approx(0.0, abs=1e-9)


def test_the_swapped_take_scores_as_if_its_files_were_named_by_their_speakers(
    tmp_path, swapped_take, gt, capsys
):
    named = tmp_path / "named"
    named.mkdir()
    shutil.copy(swapped_take / "A.npz", named / "conv0_speaker2.npz")
    shutil.copy(swapped_take / "B.npz", named / "conv0_speaker1.npz")
    assert _score(capsys, swapped_take.parent, gt) == _score(capsys, named, gt)


def test_a_stereo_take_made_with_swap_is_read_from_its_meta_alone(tmp_path, gt, capsys):
    """No input file names to go by (one stereo file): A with --swap is the second channel's voice,
    speaker 2; the perfect take scores 0."""
    pred = tmp_path / "pred" / "conv0"
    pred.mkdir(parents=True)
    source = {"form": "stereo", "audio": "conv0.wav", "swap": True}
    for role, speaker, name in (("A", 2, "B"), ("B", 1, "A")):
        truth = load_motion(gt / f"conv0_speaker{speaker}.npz")
        meta = {"mode": "dialogue", "source": source, "names": ["B", "A"], "name": name}
        save_motion(pred / f"{role}.npz", Motion("flame56", truth.values, role=role, meta=meta))
    out = _score(capsys, pred.parent, gt)
    assert all(out["metrics"][g]["MSE"] == 0.0 for g in ("exp", "jaw", "pose"))


def test_a_take_whose_record_contradicts_itself_is_refused(tmp_path, swapped_take, gt, capsys):
    pred = tmp_path / "pred" / "conv0"
    shutil.copytree(swapped_take, pred)
    a = load_motion(pred / "A.npz")
    a.meta["name"] = "A"  # swap true, character A, yet named as the first voice
    save_motion(pred / "A.npz", a)
    line = _refused(capsys, pred.parent, gt)
    assert "conv0/A.npz" in line and "contradicts itself" in line and "not scored" in line


def test_a_and_b_swapped_by_hand_are_refused_when_their_voices_say_otherwise(
    tmp_path, tiny_checkpoint, gt, capsys
):
    """A take made without --swap from conv0_speaker1/2.wav, its files then renamed A <-> B: the
    new A.npz was made from speaker 2's voice, so no name makes it speaker 1's prediction."""
    take = tmp_path / "take"
    argv = ["infer", "--quiet", "--audio", str(gt / "conv0_speaker1.wav"), "--audio-b",
            str(gt / "conv0_speaker2.wav"), "--checkpoint", str(tiny_checkpoint), "--out", str(take)]  # fmt: skip
    assert main(argv) == 0
    pred = tmp_path / "pred" / "conv0"
    pred.mkdir(parents=True)
    shutil.copy(take / "A.npz", pred / "B.npz")
    shutil.copy(take / "B.npz", pred / "A.npz")
    line = _refused(capsys, pred.parent, gt)
    assert "conv0/A.npz holds speaker 2's character" in line and "voice conv0_speaker2.wav" in line
    assert "keep the names infer wrote" in line


def test_files_renamed_where_only_the_convention_speaks_are_scored_by_name_with_a_warning(
    tmp_path, gt, capsys
):
    """A stereo take (no per-speaker file names) whose A.npz and B.npz were swapped by hand: the user's
    names are taken (A = speaker 1), and stderr says what the files record."""
    pred = tmp_path / "pred" / "conv0"
    pred.mkdir(parents=True)
    source = {"form": "stereo", "audio": "conv0.wav", "swap": False}
    for role, speaker, file in (("A", 1, "B.npz"), ("B", 2, "A.npz")):
        truth = load_motion(gt / f"conv0_speaker{speaker}.npz")
        meta = {"mode": "dialogue", "source": source, "names": ["A", "B"], "name": role}
        save_motion(pred / file, Motion("flame56", truth.values, role=role, meta=meta))
    capsys.readouterr()
    assert main(["eval", "--pred", str(pred.parent), "--gt", str(gt), "--json", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["metrics"]["exp"]["MSE"] > 0.01  # scored as named: the wrong speaker
    warnings = captured.err.strip().splitlines()
    assert len(warnings) == 2 and all(w.startswith("warning: conv0/") for w in warnings), warnings
    assert "conv0/A.npz holds character B of a take made without --swap, which is speaker 2" in warnings[0]
    assert "scored as speaker 1 by its file name" in warnings[0]


def test_a_speaker1_file_made_from_speaker_2s_voice_is_refused_with_its_right_name(
    tmp_path, swapped_take, gt, capsys
):
    pred = tmp_path / "pred"
    pred.mkdir()
    shutil.copy(swapped_take / "A.npz", pred / "conv0_speaker1.npz")  # swapped A: speaker 2's voice
    line = _refused(capsys, pred, gt)
    assert "conv0_speaker1.npz holds speaker 2's character" in line
    assert "rename it conv0_speaker2.npz" in line


# --- exp/pose beside values --------------------------------------------------------------------


def _edit_and_resave(path, **changes):
    """What a numpy script does: read every array, change some, save the npz again."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    np.savez(path, **{**arrays, **changes})


@pytest.fixture
def motion_file(tmp_path, gt):
    """Speaker 2's tracked motion written as our motion file (values + exp + pose)."""
    truth = load_motion(gt / "conv0_speaker2.npz")
    pred = tmp_path / "pred"
    pred.mkdir()
    return save_motion(pred / "conv0_speaker2.npz", Motion("flame56", truth.values, engine="test"))


def test_an_edit_of_exp_and_jaw_is_refused_not_ignored(motion_file, gt, capsys):
    """exp = 0 and jaw = 0, re-saved: ``eval`` used to read the untouched ``values`` (MSE 0)."""
    before = load_motion(motion_file)
    with np.load(motion_file) as data:  # re-saved unedited, even through float64: still read
        exp, pose = data["exp"].astype(np.float64), data["pose"].astype(np.float64)
    _edit_and_resave(motion_file, exp=exp, pose=pose)
    np.testing.assert_array_equal(load_motion(motion_file).values, before.values)
    with np.load(motion_file) as data:
        pose = data["pose"].copy()
    pose[:, 3:6] = 0.0
    _edit_and_resave(motion_file, exp=np.zeros((75, 50), np.float32), pose=pose)
    with pytest.raises(DualTalkError) as info:
        load_motion(motion_file)
    line = str(info.value)
    assert "\n" not in line and line.startswith("conv0_speaker2.npz: its exp/pose arrays disagree")
    assert "exp differs" in line and "pose differs" in line
    assert "DualTalk writes exp/pose as a copy of values and reads values" in line
    refused = _refused(capsys, motion_file.parent, gt)
    assert "conv0_speaker2.npz" in refused and "exp/pose" in refused


def test_an_edit_of_only_the_neck_names_only_pose(motion_file):
    with np.load(motion_file) as data:
        pose = data["pose"].copy()
    pose[:, 0] += 0.1
    _edit_and_resave(motion_file, pose=pose)
    with pytest.raises(DualTalkError, match=r"pose differs from values by up to 0\.1") as info:
        load_motion(motion_file)
    assert "exp differs" not in str(info.value)


def test_the_edit_counts_once_values_are_dropped_as_the_message_says(motion_file, gt, capsys):
    """The refusal says how to keep the edit: keep only exp and pose (dataset motion, read from them)."""
    with np.load(motion_file) as data:
        exp, pose = data["exp"].copy(), data["pose"].copy()
    exp[:] = 0.0
    _edit_and_resave(motion_file, exp=exp)
    with pytest.raises(DualTalkError, match="keep only exp and pose"):
        load_motion(motion_file)
    np.savez(motion_file, exp=exp, pose=pose)
    np.testing.assert_array_equal(load_motion(motion_file).exp, 0.0)
    out = _score(capsys, motion_file.parent, gt)
    assert out["metrics"]["exp"]["MSE"] > 0.01 and out["metrics"]["pose"]["MSE"] == 0.0
