"""``python -m dualtalk.training.lite.train_lite``: a mistake is one ``error:`` line, exit 2.

A researcher pointing the trainer at the wrong folder used to get a traceback ending in
``DualTalkError``; ``--steps 0`` a ``ZeroDivisionError`` and ``--batch-size 0`` numpy's
"need at least one array to stack".
"""

from __future__ import annotations

import subprocess
import sys

import pytest
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
