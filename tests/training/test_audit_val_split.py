"""Asking for a validation split of one conversation: one warning says there is none, and why.

A single conversation cannot be held out whole and still leave something to train on, and a
crop of the training conversation would only measure memorisation. The run trains on it
without validation, and says so in one line instead of quietly dropping the request.
"""

from __future__ import annotations

import logging

import pytest
from dualtalk.cli import main
from dualtalk.training.dataset import DualTalkDataset, load_conversations, split_conversations
from train_data import make_folder


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_researcher_with_one_conversation_asking_for_validation_is_told_there_is_none(tmp_path, caplog):
    """The trainer's documented recipe, ``split_conversations(load_conversations(data), 0.1)``,
    on a folder holding one recorded conversation."""
    convs = load_conversations(make_folder(tmp_path / "one", conversations=1, seconds=1.2))
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        train_c, val_c = split_conversations(convs, 0.1, seed=0)
    assert [c.stem for c in train_c] == ["conv0"] and val_c == []
    said = _warnings(caplog)
    assert len(said) == 1 and "\n" not in said[0], said
    assert said[0].startswith(
        "--val-fraction 0.1 needs at least two conversations; this data has one (conv0)"
    )
    assert "training without validation" in said[0]


def test_a_large_validation_share_of_one_conversation_still_trains_on_it(tmp_path, caplog):
    """--val-fraction 0.6 used to hold the only conversation out, leaving "dataset has no
    conversations" to explain it; now the conversation trains and the warning says why."""
    convs = load_conversations(make_folder(tmp_path / "one", conversations=1, seconds=1.2))
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        train_c, val_c = split_conversations(convs, 0.6, seed=0)
    assert len(train_c) == 1 and val_c == []
    assert len(DualTalkDataset(train_c, crop_frames=25)) > 0
    assert any("--val-fraction 0.6 needs at least two conversations" in m for m in _warnings(caplog))


def test_no_warning_when_validation_is_off_or_possible(tmp_path, caplog):
    one = load_conversations(make_folder(tmp_path / "one", conversations=1, seconds=1.2))
    two = load_conversations(make_folder(tmp_path / "two", conversations=2, seconds=1.2))
    with caplog.at_level(logging.WARNING, logger="dualtalk"):
        assert split_conversations(one, 0.0) == (one, [])
        train_c, val_c = split_conversations(two, 0.1, seed=0)
    assert len(train_c) == 1 and len(val_c) == 1
    assert _warnings(caplog) == []


def test_train_on_one_conversation_with_val_fraction_prints_one_warning_line(tmp_path, capsys):
    data = make_folder(tmp_path / "one", conversations=1, seconds=1.2)
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--crop-seconds", "1"]
    assert main([*args, "--val-fraction", "0.1", "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: --val-fraction 0.1 needs at least two conversations; this data has one (conv0): "
        "training without validation (give --val-data DIR to validate on another folder)"
    ], captured.err
    assert "validating on 0" in captured.out


def test_validating_on_conversations_that_also_train_is_one_warning(tmp_path, capsys):
    """--val-data pointed at the training folder, or at a copy of some of its conversations,
    measures memorisation: the best weights would be picked by how well the run recalls its
    own data. Another folder of other conversations says nothing."""
    import shutil

    data = make_folder(tmp_path / "train", conversations=2, seconds=1.2)
    held_out = make_folder(tmp_path / "test", conversations=1, seconds=1.2, seed=7)
    for part in ("speaker1.wav", "speaker1.npz", "speaker2.wav", "speaker2.npz"):
        shutil.copy(data / f"conv1_{part}", held_out / f"copied_{part}")
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--crop-seconds", "1"]
    for i, (val, shared) in enumerate(((data, "2 of 2"), (held_out, "1 of 2"))):
        assert main([*args, "--val-data", str(val), "--out", str(tmp_path / f"run{i}")]) == 0
        err = capsys.readouterr().err
        warnings = [line for line in err.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1 and f"--val-data: {shared} validation conversations" in warnings[0], err
    for copied in held_out.glob("copied_*"):  # now only other conversations
        copied.unlink()
    assert main([*args, "--val-data", str(held_out), "--out", str(tmp_path / "run2")]) == 0
    assert "warning:" not in capsys.readouterr().err
