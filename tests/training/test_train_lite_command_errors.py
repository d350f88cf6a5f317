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
