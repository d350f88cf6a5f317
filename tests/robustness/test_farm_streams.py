"""A farm's or CI box's standard streams and working folder (docs/robustness.md, "Output streams").

A job's stdout goes to a log volume that fills up, or to a reader that stops early (``| head -1``,
a log shipper that restarts); stderr the same; a daemon starts the command with a stream closed;
the folder the job was queued from is deleted before it runs. Each ends in one ``error:`` line (or,
for a reader that went away, exit 141 as Unix tools give it) and never in an internal error, and a
batch's ``--summary`` agrees with the exit status.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from robustness_util import write_stereo

PY = [sys.executable, "-m", "dualtalk"]


@pytest.fixture(scope="module")
def talk(tmp_path_factory) -> Path:
    return write_stereo(tmp_path_factory.mktemp("talk") / "talk.wav")


def _job(kit: Path, folder: Path, shots: int = 3) -> Path:
    """A job of ``shots`` quick shots (motion files given: no engine), inputs from the kit."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "defaults": {
            "blend": str(kit / "in" / "scene.blend"),
            "char_a": "Ann",
            "char_b": "Bob",
            "motion_a": str(kit / "in" / "A.npz"),
            "motion_b": str(kit / "in" / "B.npz"),
        },
        "shots": [{"name": f"s0{i}", "out": f"out/s0{i}.blend"} for i in range(1, shots + 1)],
    }
    (folder / "shots.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder / "shots.json"


def _reader_gone(args: list[str], stream: str, cwd: Path | None = None) -> tuple[int, str]:
    """Run ``python -m dualtalk ARGS`` with ``stream`` ("stdout" or "stderr") a pipe whose reader
    has already gone; returns (exit status, what the other stream said)."""
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    proc = subprocess.Popen([*PY, *args], cwd=cwd, text=True, **pipes)
    getattr(proc, stream).close()
    other = proc.stderr if stream == "stdout" else proc.stdout
    assert other is not None
    said = other.read()
    return proc.wait(timeout=60), said


def _summary(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ---- stdout on a full log volume (finding 4) ------------------------------------------------


def test_a_full_log_volume_on_stdout_is_one_line_and_the_take_is_whole(tmp_path, talk):
    out = tmp_path / "take"
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*PY, "infer", "--quiet", "--engine", "lite", "--audio", str(talk), "--out", str(out)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 74, proc.stderr  # no room: a farm retries (was 2, bad input)
    assert lines == [
        "error: could not write to stdout (No space left on device): the lines printed there are lost; "
        "the files written are whole"
    ], proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]


# ---- a stdout reader that goes away (finding 6) ---------------------------------------------


def test_infer_piped_into_a_reader_that_left_stops_quietly_with_141(tmp_path, talk):
    args = ["infer", "--quiet", "--engine", "lite", "--audio", str(talk), "--out", str(tmp_path / "take")]
    code, err = _reader_gone(args, "stdout")
    assert code == 141 and err == "", err
    assert sorted(p.name for p in (tmp_path / "take").iterdir()) == ["A.npz", "B.npz"]


def test_the_worker_whose_reader_left_stops_quietly_too(tmp_path):
    code, err = _reader_gone(["worker", "--job", str(tmp_path / "missing.json")], "stdout")
    assert code == 141 and "internal error" not in err, err


def test_a_batch_whose_stdout_reader_left_stops_and_its_summary_says_so(tmp_path, kit):
    """``animate --job ... --summary report.json | head -1``: the batch stops the Unix way after the
    shot whose result line found no reader, and the report agrees: interrupted, 141."""
    job = _job(kit, tmp_path / "job")
    code, err = _reader_gone(
        ["animate", "--quiet", "--job", str(job), "--summary", "report.json"], "stdout", job.parent
    )
    assert code == 141 and err == "", err
    report = _summary(job.parent / "report.json")
    assert (report["status"], report["exit_code"]) == ("interrupted", 141)
    assert report["error"] == "the reader of stdout has gone (broken pipe)"
    assert [s["status"] for s in report["shots"]] == ["done", "not run", "not run"]
    assert (job.parent / "out" / "s01.blend").is_file() and not (job.parent / "out" / "s02.blend").exists()


# ---- a stderr reader that goes away (finding 6b) --------------------------------------------


def test_a_batch_whose_log_shipper_left_still_renders_every_shot(tmp_path, kit):
    """Progress goes to stderr; once nobody reads it the batch drops it and goes on."""
    job = _job(kit, tmp_path / "job")
    code, out = _reader_gone(["animate", "--job", str(job), "--summary", "report.json"], "stderr", job.parent)
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines()] == ["s01", "s02", "s03"], out
    report = _summary(job.parent / "report.json")
    assert (report["status"], report["exit_code"], report["totals"]["done"]) == ("done", 0, 3)


def test_a_single_shot_with_its_progress_reader_gone_is_written(tmp_path, kit):
    out = tmp_path / "s.blend"
    args = ["animate", "--blend", str(kit / "in" / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz"), "--out", str(out)]  # fmt: skip
    code, said = _reader_gone(args, "stderr")
    assert code == 0 and said.startswith(f"wrote {out}"), said
    assert out.is_file()


def test_a_progress_bar_on_a_stream_that_fails_is_dropped_not_raised(monkeypatch):
    from dualtalk.inference.core.progress import ConsoleBar

    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    bar = ConsoleBar(Gone())
    bar.update("engine", 0.5, "half")  # the render goes on
    bar.update("engine", 1.0, "done")
    assert bar.dropped
    monkeypatch.setattr(sys, "stderr", None)  # a process started without fd 2
    ConsoleBar().update("engine", 0.5, "half")


# ---- streams closed at start (finding 7) ----------------------------------------------------


@pytest.mark.parametrize("closed", [">&-", "2>&-", "<&- >&- 2>&-"])
def test_animate_started_with_a_stream_closed_writes_its_scene(tmp_path, kit, closed):
    out = tmp_path / "s.blend"
    cmd = " ".join(
        [
            *(f"'{a}'" for a in PY),
            "animate --blend",
            f"'{kit / 'in' / 'scene.blend'}'",
            "--char-a Ann --char-b Bob",
            f"--motion-a '{kit / 'in' / 'A.npz'}' --motion-b '{kit / 'in' / 'B.npz'}'",
            f"--out '{out}'",
            closed,
        ]
    )
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "internal error" not in said, said
    assert out.is_file()


def test_infer_with_stderr_closed_writes_its_take(tmp_path, talk):
    out = tmp_path / "take"
    cmd = f"'{sys.executable}' -m dualtalk infer --engine lite --audio '{talk}' --out '{out}' 2>&-"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith(f"wrote {out}/A.npz"), proc.stdout
    assert sorted(p.name for p in out.iterdir()) == ["A.npz", "B.npz"]


def test_quieting_blender_needs_no_python_stdout(monkeypatch):
    """Inside Blender on Windows (no console) or a process started without fd 1, ``sys.stdout`` is None."""
    from dualtalk.dualtalk_blender.scene import blendio

    monkeypatch.setattr(sys, "stdout", None)
    with blendio.quiet_stdout():
        os.write(1, b"")
    with blendio.quiet_native_output():
        pass


# ---- the working folder deleted while the job waited (finding 8) ----------------------------


def test_a_deleted_working_folder_is_one_line_before_any_work(tmp_path, talk):
    gone, out = tmp_path / "queued_from", tmp_path / "take"
    gone.mkdir()
    cmd = f"cd '{gone}' && rmdir '{gone}' && exec '{sys.executable}' -m dualtalk infer --audio '{talk}' --out '{out}'"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: the current folder no longer exists (was it deleted while this job waited?); "
        "cd to an existing folder and run again"
    ], proc.stderr[-2000:]
    assert proc.stdout == "" and not out.exists()
