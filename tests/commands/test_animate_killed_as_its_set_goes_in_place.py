"""A run killed -9 after its new set was renamed into place and before its done record was written
(review rv37b F1, repro C): the next run took animate's own .blend for the user's ("no record says
animate wrote it") and kept it, over the artist's edit kept before. With the set recorded first,
marked pending, the next run knows its own outputs: nothing is kept, nothing lost; and --skip-done
never takes a pending record for a finished set."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dualtalk.inference.core.fileio import sha256_file
from robustness_util import run_cli
from test_blender_animate import build_scene, motions, two_voices

KILLED_BEFORE_ITS_RECORD = textwrap.dedent(
    """
    import os, signal, sys
    from dualtalk.cli import main
    from dualtalk.dualtalk_blender.commands import shot_run

    def killed(*args, **kwargs):  # the set is in place; the node dies before the record
        os.kill(os.getpid(), signal.SIGKILL)

    shot_run.record_done = killed
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("pending") / "in.blend")


def _argv(scene: Path, tmp_path: Path, *extra: str) -> list[str]:
    a, b = motions(tmp_path, frames=5)
    audio = tmp_path / "talk.wav"
    if not audio.exists():
        two_voices(audio, seconds=0.2)
    return ["animate", "--quiet", "--blend", str(scene), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(a), "--motion-b", str(b), "--audio", str(audio),
            "--out", str(tmp_path / "shot.blend"), *extra]  # fmt: skip


def test_a_run_killed_before_its_record_leaves_its_outputs_known_as_its_own(scene, tmp_path, capsys):
    out = tmp_path / "shot.blend"
    assert run_cli(capsys, _argv(scene, tmp_path))[0] == 0
    with out.open("ab") as fh:  # the artist's save
        fh.write(b"ARTIST_EDIT")
    edit = sha256_file(out)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_ITS_RECORD, *_argv(scene, tmp_path, "--start-frame", "3")],
        capture_output=True, text=True, timeout=600, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert sha256_file(tmp_path / "shot.blend1") == edit  # kept before the set went in place
    ours = sha256_file(out)
    assert ours != edit

    code, err, line = run_cli(capsys, _argv(scene, tmp_path, "--start-frame", "3"))

    assert code == 0 and not err, err
    assert "kept" not in line, line  # before: "kept the shot.blend ... (no record says animate wrote it)"
    assert sorted(p.name for p in tmp_path.glob("shot.blend*")) == ["shot.blend", "shot.blend1"]
    assert sha256_file(tmp_path / "shot.blend1") == edit
