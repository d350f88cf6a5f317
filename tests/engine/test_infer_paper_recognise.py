"""A researcher adds ``--recognise`` to a paper-mode run (``--partner-audio`` + ``--partner-motion``).
Paper mode writes the network's output as it is and draws no lips from words, so the flag is refused in
the one line ``--transcript`` gets there (before, it was dropped: exit 0 and no words recognised)."""

from __future__ import annotations

from dualtalk.cli import main
from test_infer_paper_options import paper_argv, paper_inputs  # noqa: F401  # the fixture, by name


def test_paper_mode_refuses_recognise_as_it_refuses_a_transcript(paper_inputs, capsys):  # noqa: F811
    rc = main(paper_argv(paper_inputs, "--recognise"))
    err = capsys.readouterr().err.strip()
    assert rc == 2
    assert err == "error: --recognise applies only to dialogue mode, not to paper mode (--partner-audio)"
    assert not (paper_inputs / "pred.npz").exists()
