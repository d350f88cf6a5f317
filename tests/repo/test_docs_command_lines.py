"""Every ``python -m dualtalk ...`` line the README, the model card and docs/ show is one the command
line accepts: a reader who pastes it never meets "unrecognized arguments" for a flag that was renamed.
Placeholders (``N``, ``OUT.blend``, ``$i``) and optional groups (``[--json]``) are read as a reader would."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shlex
from pathlib import Path

import pytest
from dualtalk import cli

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", REPO / "MODEL_CARD.md", *sorted((REPO / "docs").glob("*.md"))]
# a value a reader replaces: OUT, N, $i, train/synth
PLACEHOLDER = re.compile(r"invalid (?:int|float|choice)[^']*'([A-Z][A-Z_0-9]*|\$\w+|[a-z]+/[a-z]+)'")


def command_lines(text: str) -> list[tuple[int, str]]:
    """(line number, arguments after ``python -m dualtalk``) of each command the text shows."""
    text = re.sub(r"\\\n\s*", " ", text)  # a command continued over lines
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"python -m dualtalk ([^`\n]*)", line):
            cmd = re.split(r"\s#\s|\s(?:&&|;|>|2>|\|\s*(?:tail|head|grep|tee|python))\s", m.group(1))[0]
            while (group := re.search(r"\[([^\[\]]*)\]", cmd)) is not None:  # [A | B]: A, as a reader picks
                cmd = f"{cmd[: group.start()]} {group.group(1).split('|')[0]} {cmd[group.end() :]}"
            found.append((number, cmd))
    return found


def refusal(cmd: str) -> str | None:
    """The CLI's own parsers on ``cmd``: the error line, or None when it parses (or only misses
    arguments prose leaves out, or only a placeholder's value is not a number)."""
    argv = [t for t in shlex.split(cmd) if t not in ("...", "…")]
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            known, rest = cli.build_parser().parse_known_args(argv)
            if known.command is None:
                return None
            module_name = cli.SUBCOMMANDS[known.command][0]
            if rest and (known.command, rest[0]) in cli.SUBMODES:
                module_name, rest = cli.SUBMODES[(known.command, rest[0])][0], rest[1:]
            sub = cli.OneLineParser(prog=f"python -m dualtalk {known.command}")
            importlib.import_module(module_name, "dualtalk").add_arguments(sub)
            sub.parse_args(rest)
    except SystemExit as exc:
        line = (err.getvalue().strip().splitlines() or [""])[-1]
        if exc.code in (0, None) or "required" in line or PLACEHOLDER.search(line):
            return None
        return line
    return None


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_line_the_docs_show_is_accepted(doc):
    lines = command_lines(doc.read_text(encoding="utf-8"))
    refused = [f"{doc.name}:{n}: {cmd.strip()} -> {why}" for n, cmd in lines if (why := refusal(cmd))]
    assert not refused, "\n".join(refused)


def test_a_renamed_flag_in_the_docs_would_be_caught():
    text = "Run\n\n    python -m dualtalk infer --audio talk.wav --out take --lips-release 0.5\n"
    [(number, cmd)] = command_lines(text)
    assert number == 3 and "unrecognized arguments: --lips-release" in (refusal(cmd) or "")
    assert refusal("eval lipsync --aligned DIR [--bootstrap N]".replace("[", "").replace("]", "")) is None
    assert "invalid choice" in (refusal("bench fast") or "")
