"""Where read speech falls on the 40 ms frame grid moves its lip-sync scores (diagnosis of session 40).

The lite model hears its voice in 40 ms steps (two stride-2 convs over a 10 ms mel) and the evaluator
reads each phone over the 40 ms frames it covers. The LibriVox clips one by one all start on the grid.
Joined into one take (``eval lipsync --as-one-take 2``), every clip after the first lands 10, 20 or 30 ms
off it, and the scores that rest on a handful of phones (6 /f v/, 7 rounded vowels) fall: on these clips
that, not the take's length, is most of what a long take "loses". (A take whose voice changes along it
loses for another reason, the network's take-wide band mean: measured, not pinned here.) These tests pin
the grid, so that weights or an evaluator that no longer depend on it show up here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.training.evaluation.cmd_lipsync import evaluate_lipsync
from dualtalk.training.evaluation.lipsync import find_alignments, write_alignment

SR = 16000
FRAME = SR // 25  # samples in one 40 ms motion frame
AUC_ROWS = ("fv_auc", "round_auc", "open_vs_mbp_auc")


def the_clips_moved(shared_dir: Path, folder: Path, lead: int = 0, to_whole_frames: bool = False) -> Path:
    """The LibriVox clips, each with ``lead`` samples of silence before it (its phones moved with it) and,
    with ``to_whole_frames``, silence after it up to a whole number of frames."""
    for clip in find_alignments(shared_dir / "data" / "real_speech" / "librivox"):
        audio = sf.read(clip.wav, dtype="float32")[0]
        tail = (-(lead + len(audio)) % FRAME) if to_whole_frames else 0
        moved = [replace(p, start=p.start + lead / SR, end=p.end + lead / SR) for p in clip.phones]
        padded = np.concatenate([np.zeros(lead, np.float32), audio, np.zeros(tail, np.float32)])
        write_alignment(folder, clip.stem, padded, moved, text=clip.words)
    return folder


@pytest.fixture(scope="module")
def on_the_grid(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The published run: each clip alone, starting on a frame (the same as the shared folder's clips)."""
    return evaluate_lipsync(the_clips_moved(shared_dir, tmp_path_factory.mktemp("grid")))["pooled"]["model"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="the shipped lite weights and the 40 ms evaluator: 20 ms later, F/V 0.926 -> 0.813, "
    "open vowels shut 12 % -> 19 % (session 40, long40)",
)
def test_read_speech_half_a_frame_later_scores_as_it_does_on_the_grid(shared_dir, tmp_path, on_the_grid):
    led = evaluate_lipsync(the_clips_moved(shared_dir, tmp_path, lead=FRAME // 2))["pooled"]["model"]

    for row in AUC_ROWS:
        assert led[row] == pytest.approx(on_the_grid[row], abs=0.02), row
    assert abs(led["open_closed_rate"] - on_the_grid["open_closed_rate"]) <= 1 / 42  # one open vowel


def test_a_long_take_whose_clips_start_on_whole_frames_keeps_the_clips_lips(
    shared_dir, tmp_path, on_the_grid
):
    """Joined as they come, the clips score F/V 0.889 and rounded 0.941 as one 49.5 s take; each padded to
    whole frames first, the same take keeps F/V and open/MBP within 0.01 of the clips one by one."""
    take = evaluate_lipsync(the_clips_moved(shared_dir, tmp_path, to_whole_frames=True), as_one_take=2)
    joined = take["pooled"]["model"]

    assert take["one_take"]["times"] == 2 and take["seconds"] > 49
    assert joined["closure_rate"] == 1.0
    assert joined["fv_auc"] >= on_the_grid["fv_auc"] - 0.01
    assert joined["open_vs_mbp_auc"] >= on_the_grid["open_vs_mbp_auc"] - 0.01
