"""docs/python.md, run as written: a researcher pastes each of its Python blocks into a notebook whose
folder holds ``talk.wav``, and each runs and prints what the page says it prints; README's Python API
section points there; ``help(Request)`` lists every option with its help text (units included)."""

from __future__ import annotations

import re
from pathlib import Path

import addon_helpers as ah
import pytest
from dualtalk.inference.core.request import OPTIONS, Request

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "python.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_exists_and_readmes_python_section_points_to_it():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.partition("\n## Python API\n")[2].split("\n## ", 1)[0]
    assert "(docs/python.md)" in section
    assert len(blocks()) >= 4


@pytest.mark.parametrize("index", range(len(blocks())))
def test_each_block_runs_as_pasted(index, tmp_path, monkeypatch, capsys):
    ah.write_dialogue_wav(tmp_path / "talk.wav", seconds=4.0)
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks()[index], f"docs/python.md block {index + 1}", "exec"), {})
    said = capsys.readouterr().out
    for shown in re.findall(r"print\(.*?\)\s+# (.+)", blocks()[index]):  # "# (frames, 55) at 25.0" etc.
        if shown.startswith(("(", "--")):
            expected = shown.replace("frames", "100").strip()
            assert expected in said, f"block {index + 1} printed {said!r}, the page says {shown!r}"


def test_help_of_request_lists_each_option_with_its_help():
    doc = Request.__doc__ or ""
    for option in OPTIONS:
        assert f"    {option.name} = " in doc and option.help in doc, option.name
    assert "seconds" in doc and "DualTalkError" in doc
