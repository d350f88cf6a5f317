"""``python -m dualtalk.training.lite.train_lite``: a mistake is one ``error:`` line, exit 2.

A researcher pointing the trainer at the wrong folder used to get a traceback ending in
``DualTalkError``; ``--steps 0`` a ``ZeroDivisionError`` and ``--batch-size 0`` numpy's
"need at least one array to stack".
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_in_process import run_main
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.training.lite import train_lite


@pytest.mark.parametrize("flag", ["--steps", "--batch-size", "--frames"])
def test_a_count_below_one_is_refused_before_any_work(tmp_path, flag):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(DualTalkError, match=f"{flag} must be at least 1, got 0"):
        train_lite.main(["--data", str(tmp_path / "corpus"), "--out", str(tmp_path / "run"), flag, "0"])
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--steps", "0"], "error: --steps must be at least 1, got 0"),
        (["--steps", "1"], "error: no <stem>_speaker1.wav files in"),
    ],
)
def test_the_command_prints_one_error_line_not_a_traceback(tmp_path, extra, message):
    (tmp_path / "corpus").mkdir()
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk.training.lite.train_lite", "--data", str(tmp_path / "corpus"),
         "--out", str(tmp_path / "run"), *extra],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and out.stderr.startswith(message)
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_weights_are_never_saved_over_the_corpus_or_the_starting_weights(tmp_path):
    """A run saves lite.pt into --out as it goes: the corpus folder, a file, or a folder whose
    lite.pt is the --init weights would be written over; each is refused before any work."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with pytest.raises(DualTalkError, match="is the corpus folder"):
        train_lite.main(["--data", str(corpus), "--out", str(corpus / ".")])
    assert list(corpus.iterdir()) == []

    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    with pytest.raises(DualTalkError, match="is a file"):
        train_lite.main(["--data", str(corpus), "--out", str(notes)])
    assert notes.read_text() == "mine"

    run = tmp_path / "run"
    run.mkdir()
    weights = run / "lite.pt"
    weights.write_bytes(b"last week's weights")
    with pytest.raises(DualTalkError, match="would be overwritten"):
        train_lite.main(["--data", str(corpus), "--out", str(run), "--init", str(weights)])
    assert weights.read_bytes() == b"last week's weights"
    assert sorted(p.name for p in run.iterdir()) == ["lite.pt"]


def test_a_folder_is_made_only_once_the_corpus_is_found(tmp_path):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(DualTalkError, match="no <stem>_speaker1.wav files"):
        train_lite.main(["--data", str(tmp_path / "corpus"), "--out", str(tmp_path / "run")])
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        # review 26c, finding 8: 100 s was a numpy traceback after the run folder was made; -100 s trained
        ("--audio-advance-ms", "100000", "--audio-advance-ms must be between -200 and 200, got 100000"),
        ("--audio-advance-ms", "-100000", "--audio-advance-ms must be between -200 and 200, got -100000"),
        ("--audio-advance-ms", "nan", "--audio-advance-ms must be between -200 and 200, got nan"),
        # finding 9: numpy's "expected non-negative integer"; the words of `dualtalk train --seed`
        ("--seed", "-4", "--seed must be between 0 and 4294967295, got -4"),
        ("--seed", "4294967296", "--seed must be between 0 and 4294967295, got 4294967296"),
        # finding 10: a negative weight rewards error on those frames, and trained to the end
        ("--contact-weight", "-1", "--contact-weight must be 0 or more, got -1"),
        ("--round-weight", "-2", "--round-weight must be 0 or more, got -2"),
        ("--bce-weight", "-1", "--bce-weight must be 0 or more, got -1"),
        ("--contact-weight", "inf", "--contact-weight must be 0 or more, got inf"),
        # the other numbers: --limit -2 quietly dropped the last two dialogues
        ("--limit", "-2", "--limit must be at least 1, got -2"),
        ("--limit", "0", "--limit must be at least 1, got 0"),
        ("--refine-dim", "0", "--refine-dim must be at least 1, got 0"),
    ],
)
def test_an_out_of_range_setting_is_one_line_and_writes_nothing(tmp_path, flag, value, message):
    (tmp_path / "corpus").mkdir()
    # the command's cli() in this process (cli_in_process): twelve refusals, not twelve torch imports;
    # the command line itself is run above
    out = run_main(train_lite.cli, "--data", tmp_path / "corpus", "--out", tmp_path / "run", "--steps", "1",
                   "--contact-head", flag, value)  # fmt: skip
    assert (out.returncode, out.stderr) == (2, f"error: {message}\n")
    assert not (tmp_path / "run").exists()


def test_the_audio_advance_bounds_are_in_the_help():
    out = subprocess.run(
        [sys.executable, "-m", "dualtalk.training.lite.train_lite", "--help"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "-200 to 200 ms" in " ".join(out.stdout.split())
