"""A researcher's `eval` runs out of memory on a small machine. Before, every command said "try a
shorter --start/--end range or a smaller --window", options `eval` and `bench` do not have. Now the
engine's commands (infer, animate) keep that advice and the others say what can help."""

from __future__ import annotations

import importlib

import pytest
from dualtalk import cli


@pytest.mark.parametrize(
    ("command", "advice"),
    [
        ("infer", "try a shorter --start/--end range or a smaller --window"),
        ("eval", "close other programs or run it on a machine with more memory"),
        ("bench", "close other programs or run it on a machine with more memory"),
    ],
)
def test_out_of_memory_advice_fits_the_command(command, advice, monkeypatch, capsys):
    module = importlib.import_module(cli.SUBCOMMANDS[command][0], "dualtalk")

    def no_memory(args):
        raise MemoryError

    monkeypatch.setattr(module, "run", no_memory)
    monkeypatch.setattr(module, "add_arguments", lambda parser: None)
    assert cli.main([command]) == 1
    assert capsys.readouterr().err.strip() == f"error: out of memory; {advice}"
