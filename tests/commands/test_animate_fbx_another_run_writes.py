"""Two farm tasks were given one ``--fbx`` by a templating mistake, each its own ``--out``. Neither
lock stopped the other: both wrote ``common.fbx``, both exited 0 and said so, and the first one's FBX
was gone (review rv40c F1). The shot now holds its FBX's lock with its other outputs': the second
run stops at once in one line naming ``--fbx``, and the file the first run writes is left alone."""

from __future__ import annotations

import os

import pytest
from dualtalk.cli import main
from dualtalk.inference.core import locks
from test_audit_jobs import job_folder

pytestmark = pytest.mark.skipif(os.name == "nt", reason="flock")


def test_a_second_run_on_an_fbx_another_run_is_writing_stops_and_leaves_it(tmp_path, capsys):
    folder = job_folder(tmp_path)
    out = folder / "out"
    out.mkdir()
    fbx = out / "common.fbx"
    fbx.write_bytes(b"the first run's FBX")
    capsys.readouterr()
    with locks.locked(fbx, "--fbx", what="shot"):  # the first farm task, still writing it
        code = main(
            ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
             "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
             str(folder / "in" / "B.npz"), "--out", str(out / "s2.blend"), "--fbx", str(fbx)]
        )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 75, err  # another run is writing it: try again later (EX_TEMPFAIL)
    assert len(err) == 1 and err[0].startswith(f"error: another DualTalk run is writing {fbx} "), err
    assert err[0].endswith("give this shot another --fbx"), err
    assert fbx.read_bytes() == b"the first run's FBX"  # was: replaced by the second run's, exit 0
    assert sorted(p.name for p in out.iterdir()) == ["common.fbx"]
