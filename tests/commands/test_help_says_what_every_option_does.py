"""A TD setting up a farm template reads ``python -m dualtalk COMMAND --help`` for every option it
passes. ``train --help`` listed ``--batch-size``, ``--weight-decay`` and ``--seed`` with no words at
all (what they do, their defaults: 4, 0.01, 0), and ``demo --help`` said ``--checkpoint`` defaults
to the committed lite weights, which is not so with ``--engine dualtalk`` (it needs DualTalk.pth)."""

from __future__ import annotations

import argparse
import importlib

import pytest
from dualtalk import cli

COMMANDS = {name: module for name, (module, _help) in cli.SUBCOMMANDS.items()}
COMMANDS |= {f"{command} {mode}": module for (command, mode), (module, _help) in cli.SUBMODES.items()}
# bench's WHAT lists each benchmark with its own help; handed off (training/evaluation/behaviour.py,
# not this task's file): eval behaviour's --engine
WITHOUT_WORDS = {("bench", "what"), ("eval behaviour", "--engine")}


def _parser(name: str) -> argparse.ArgumentParser:
    parser = cli.OneLineParser(prog=f"python -m dualtalk {name}")
    importlib.import_module(COMMANDS[name], "dualtalk").add_arguments(parser)
    return parser


def _options(name: str) -> dict[str, str | None]:
    return {
        "/".join(action.option_strings) or action.dest: action.help
        for action in _parser(name)._actions
        if not isinstance(action, argparse._HelpAction)
    }


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_of_the_command_says_what_it_does(name):
    silent = [
        flag for flag, words in _options(name).items() if not words and (name, flag) not in WITHOUT_WORDS
    ]
    assert silent == [], f"python -m dualtalk {name} --help: no words for {silent}"


def test_train_names_each_defaults_value():
    options = _options("train")
    assert options["--batch-size"] == "crops per optimizer step (default 4)"
    assert options["--weight-decay"] == "AdamW weight decay (default 0.01)"
    assert options["--seed"] == (
        "seeds the new weights, the held-out conversations and the crops (0 to 4294967295, default 0)"
    )
    assert options["--arch"] == "network to train (default dualtalk)"
    defaults = _parser("train").parse_args(["--data", "d"])
    assert (defaults.batch_size, defaults.weight_decay, defaults.seed, defaults.arch) == (
        4,
        0.01,
        0,
        "dualtalk",
    )


def test_demo_says_what_dualtalk_s_weights_need():
    options = _options("demo")
    assert "DualTalk.pth with --engine dualtalk" in str(options["--checkpoint"])
    assert str(options["--engine"]).startswith(
        "network: lite (default), dualtalk (the published network: needs"
    )
    assert _parser("demo").parse_args(["--out", "x"]).engine == "lite"
