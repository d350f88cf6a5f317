"""A benchmark run with a bad setting must say so in one line, exit 2, before it measures anything:
`bench keying --fps 0` timed a 1 fps take and printed it as the scene's."""

from __future__ import annotations

import pytest
from dualtalk.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["bench", "keying", "--fps", "0"], "argument --fps: must be 1 to 1000, got 0"),
        (["bench", "keying", "--fps", "-25"], "argument --fps: must be 1 to 1000, got -25"),
        (["bench", "fbx", "--fps", "x"], "argument --fps: expected a whole number, got 'x'"),
        (["bench", "keying", "--sample-frames", "0"], "argument --sample-frames: must be at least 1, got 0"),
        (
            ["bench", "fbx", "--variants", "bogus", "--minutes", "0.01"],
            "--variants: unknown bogus; choose from stock",
        ),
    ],
)
def test_a_bad_bench_setting_is_one_line_and_exit_2(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's refusals end the process, as on the command line
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {message}"), err
