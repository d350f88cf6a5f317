"""A run killed -9 while it wrote its shot's record (the millisecond between the record's hidden
temporary and its rename: review rv38d F7). The temporary stayed beside the user's .blend, or in the
work folder, for good: the next run swept the staged outputs and not the record's. Now the record is
written under the name the stager gives a staged copy of it, and the shot's next run, holding its
locks, removes it with the rest; another shot's record in the same folder is not touched."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from robustness_util import run_cli
from test_blender_animate import build_scene, motions, two_voices

KILLED_IN_ITS_RECORD = textwrap.dedent(
    """
    import os, signal, sys
    from dualtalk.cli import main

    RECORDS = (".shot.blend.dualtalk-done", ".dualtalk-work")
    real = os.replace

    def replace(src, dst, *args, **kwargs):  # the record's temporary is written; the node dies
        if os.path.basename(os.fspath(dst)) in RECORDS and ".part" in os.path.basename(os.fspath(src)):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst, *args, **kwargs)

    os.replace = replace
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("record") / "in.blend")


def _argv(scene: Path, tmp_path: Path, audio: bool) -> list[str]:
    a, b = motions(tmp_path, frames=5)
    sound: list[str] = []
    if audio:  # a shot with a work folder: its record is the folder's marker
        two_voices(tmp_path / "talk.wav", seconds=0.2)
        sound = ["--audio", str(tmp_path / "talk.wav")]
    return ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), *sound,
            "--out", str(tmp_path / "out" / "shot.blend")]  # fmt: skip


def _hidden_parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".part" in p.name)


@pytest.mark.parametrize("audio", [False, True], ids=["record beside the blend", "work folder marker"])
def test_the_next_run_removes_the_record_a_killed_run_was_writing(scene, tmp_path, capsys, audio):
    out = tmp_path / "out"
    out.mkdir()
    other = out / "..other.blend.abcdefgh.part.dualtalk-done"  # another shot's, mid-write: not ours
    other.write_text("another shot's record")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IN_ITS_RECORD, *_argv(scene, tmp_path, audio)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr[-2000:]
    left = _hidden_parts(out)  # the pending record's temporary, beside the staged set it names
    assert any(("dualtalk-done" in n and n != other.name) or "dualtalk-work" in n for n in left), left

    code, err, _line = run_cli(capsys, _argv(scene, tmp_path, audio))

    assert code == 0 and not err, err
    assert _hidden_parts(out) == [other.name]  # before: the killed run's record temporary stayed
    assert other.read_text() == "another shot's record"
