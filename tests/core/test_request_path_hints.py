"""A pathlib pipeline passes ``Path`` objects to ``Request``, as it does to ``run`` and ``load_speech``.

Before (review rv38c, finding 6): the runtime took ``Request(audio=Path("talk.wav"))`` but its hints said
``str | None``, so mypy flagged every such call ("incompatible type "Path"; expected "str | None"") and a
script had to wrap each path in ``str()``. Now the path fields say ``str | os.PathLike[str] | None``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from dualtalk.inference.core.request import OPTIONS, Request

REPO = Path(__file__).resolve().parents[2]


def test_every_path_option_is_hinted_as_taking_a_path_object():
    hints = typing.get_type_hints(Request)
    paths = [o.name for o in OPTIONS if o.kind == "path"]
    assert paths  # audio, audio_b, turns, transcript, checkpoint
    for name in paths:
        assert os.PathLike[str] in typing.get_args(hints[name]), (name, hints[name])


def test_mypy_takes_paths_for_the_request_s_files(tmp_path):
    pytest.importorskip("mypy", reason="bash scripts/setup.sh --test installs mypy")
    root = tmp_path / "root"
    root.mkdir()
    (root / "dualtalk").symlink_to(REPO, target_is_directory=True)
    script = tmp_path / "shots.py"
    script.write_text(
        "from pathlib import Path\n\n"
        "from dualtalk.inference.core.request import Request\n\n"
        "shot = Path('shots/010')\n"
        "Request(audio=shot / 'talk.wav', audio_b=shot / 'b.wav', turns=shot / 'turns.txt',\n"
        "        transcript=shot / 'script.txt', checkpoint=Path('DualTalk.pth'))\n"
        "Request(audio=3)  # still wrong: a number is no path\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", str(script)],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "MYPYPATH": str(root)}, timeout=300,
    )  # fmt: skip
    said = out.stdout + out.stderr
    assert 'has incompatible type "Path"' not in said, said
    assert 'shots.py:8: error: Argument "audio" to "Request" has incompatible type "int"' in said, said
    assert "Found 1 error" in said, said
