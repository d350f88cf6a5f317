"""A farm's reports live on a volume that filled up overnight. Tonight's batch could not write its
``running`` report, said so in a warning and ran on; killed (or failing at its end), it left last
night's report in place: ``done``, exit code 0, for a run that never finished (review rv40c F2).
Now a batch whose report cannot be written before its first shot removes the stale one (an unlink
needs no free space) and stops in one line before any work: no file claims a success that did not
happen, and no hours are spent on shots whose report cannot be kept."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from robustness_util import make_kit, run_cli

pytestmark = pytest.mark.skipif(os.name == "nt", reason="a tmpfs")


@pytest.fixture
def reports(tmp_path) -> Iterator[Path]:
    """A real 64 KiB tmpfs with room for names (a file can be made, none can grow) once filled."""
    mnt = tmp_path / "reports"
    mnt.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,nr_inodes=64", "tmpfs", str(mnt)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _fill(volume: Path) -> None:
    """Take the volume's last free bytes."""
    with open(volume / "filler.bin", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_report_volume_full_at_the_start_leaves_no_stale_done_and_runs_no_shot(tmp_path, capsys, reports):
    folder = make_kit(tmp_path)
    defaults = {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob",
                "motion_a": "in/A.npz", "motion_b": "in/B.npz"}  # fmt: skip
    job = folder / "shots.json"
    job.write_text(json.dumps({"defaults": defaults, "shots": [{"name": "one", "out": "out/one.blend"}]}))
    report = reports / "report.json"
    last_night = {"version": 3, "job": str(job), "run_id": "last-night", "status": "done", "exit_code": 0}
    report.write_text(json.dumps({**last_night, "totals": {"shots": 1, "done": 1}, "shots": []}))
    _fill(reports)

    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job), "--summary", str(report)])

    assert code == 74, err  # no room: a farm retries (was 2, bad input)
    assert len(err) == 1 and err[0].startswith("error: could not write "), err
    assert "No space left on device" in err[0] and "no shot was run" in err[0], err
    assert not report.exists()  # was: last night's "done", exit code 0, after this run failed
    assert not (folder / "out" / "one.blend").exists()
    assert [p.name for p in reports.iterdir() if p.name.startswith(".")] == []
