"""A training folder with a conversation missing a file: one warning naming it, the rest trains."""

from __future__ import annotations

from dualtalk.cli import main
from train_data import make_folder


def test_a_half_copied_corpus_says_which_files_are_missing_and_trains_on_the_rest(tmp_path, capsys):
    data = make_folder(tmp_path / "corpus", conversations=3, seconds=1.2)
    (data / "conv1_speaker2.npz").unlink()  # the copy stopped half-way
    (data / "conv2_speaker1.wav").unlink()
    out = tmp_path / "run"
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--crop-seconds", "1"]
    assert main([*args, "--val-fraction", "0", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, captured.err
    assert "conv1_speaker2.npz" in warnings[0] and "conv2_speaker1.wav" in warnings[0]
    assert "on 1 conversations" in captured.out


def test_a_folder_with_only_incomplete_conversations_names_what_is_missing(tmp_path, capsys):
    data = make_folder(tmp_path / "corpus", conversations=1, seconds=1.2)
    (data / "conv0_speaker2.wav").unlink()
    assert (
        main(["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--out", str(tmp_path / "r")])
        == 2
    )
    err = capsys.readouterr().err
    assert "no conversations" in err and "conv0_speaker2.wav" in err


def test_a_speakers_motion_far_shorter_than_its_recording_is_said_not_cut_silently(tmp_path, capsys):
    """A motion file exported at another frame rate, or paired with the wrong take, is cut to the
    common length with the rest of its conversation: most of it is lost, so the run says so.
    One frame of rounding between a recording and its motion is normal and says nothing."""
    import numpy as np

    data = make_folder(tmp_path / "corpus", conversations=2, seconds=2.0)  # 50 frames each
    for name, frames in (("conv0_speaker1.npz", 20), ("conv1_speaker2.npz", 49)):
        arrays = dict(np.load(data / name))
        np.savez(data / name, **{k: v[:frames] for k, v in arrays.items()})
    args = ["train", "--data", str(data), "--config", "tiny", "--steps", "1", "--crop-seconds", "1"]
    assert main([*args, "--val-fraction", "0", "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, captured.err
    assert "conv0_speaker1.npz" in warnings[0] and "20 frames" in warnings[0] and "50" in warnings[0]
    assert "conv1_speaker2" not in warnings[0]
    assert "on 2 conversations" in captured.out
