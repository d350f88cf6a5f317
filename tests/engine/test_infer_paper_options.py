"""``infer`` as a researcher runs paper mode: options it cannot honour are refused, not dropped."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from dualtalk.bench.testsignals import place
from dualtalk.cli import main
from dualtalk.inference.core.motion import Motion, save_motion
from dualtalk.inference.core.timebase import FPS, SAMPLE_RATE

SECONDS = 3.0


@pytest.fixture
def paper_inputs(tmp_path, rng):
    """Self and partner voices (3 s each) and the partner's captured ARKit motion."""
    sf.write(tmp_path / "self.wav", place(SECONDS, [(0.2, 1.4)], rng), SAMPLE_RATE)
    sf.write(tmp_path / "partner.wav", place(SECONDS, [(1.6, 2.8)], rng), SAMPLE_RATE)
    frames = int(SECONDS * FPS)
    captured = Motion(space="arkit55", values=np.zeros((frames, 55), np.float32), fps=float(FPS))
    save_motion(tmp_path / "partner.npz", captured)
    return tmp_path


def paper_argv(d, *extra: str) -> list[str]:
    return ["infer", "--quiet", "--audio", str(d / "self.wav"), "--partner-audio", str(d / "partner.wav"),
            "--partner-motion", str(d / "partner.npz"), "--out", str(d / "pred.npz"), *extra]  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [
        ["--blinks", "2"],
        ["--mood", "friendly"],
        ["--head", "off", "--behaviour-seed", "7"],
        ["--lip-release", "0"],
        ["--lip-rounding", "1"],
        ["--transcript-language", "es"],  # a transcript's language: paper mode draws no lips from one
        ["--transcript-language-b", "en"],  # B's own script language (review rv38a F2)
    ],
)
def test_paper_mode_refuses_behaviour_and_lip_options_it_would_ignore(paper_inputs, capsys, extra):
    rc = main(paper_argv(paper_inputs, *extra))
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2, err
    assert len(err) == 1 and err[0].startswith("error: ") and extra[0] in err[0], err
    assert "paper mode" in err[0]
    assert not (paper_inputs / "pred.npz").exists()


def test_paper_mode_still_runs_with_the_defaults_spelled_out(paper_inputs, capsys):
    rc = main(paper_argv(paper_inputs, "--lip-release", "0.75", "--mood", "neutral", "--window", "2"))
    assert rc == 0, capsys.readouterr().err
    assert (paper_inputs / "pred.npz").exists()


def test_the_refusal_reads_as_a_sentence_for_one_option_or_several(paper_inputs, capsys):
    main(paper_argv(paper_inputs, "--mood", "friendly"))
    one = capsys.readouterr().err.strip()
    main(paper_argv(paper_inputs, "--head", "off", "--behaviour-seed", "7"))
    two = capsys.readouterr().err.strip()
    assert one == "error: --mood applies only to dialogue mode, not to paper mode (--partner-audio)"
    assert (
        two
        == "error: --behaviour-seed, --head apply only to dialogue mode, not to paper mode (--partner-audio)"
    )


def test_paper_mode_refuses_a_recorder_offset_it_would_ignore(paper_inputs, capsys):
    """--offset-b shifts the second file of a dialogue; paper mode has no second file to shift."""
    assert main(paper_argv(paper_inputs, "--offset-b", "2")) != 0
    assert capsys.readouterr().err.strip() == (
        "error: --offset-b applies only to dialogue mode, not to paper mode (--partner-audio)"
    )
