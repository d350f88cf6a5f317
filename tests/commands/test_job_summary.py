"""A render-farm TD's morning after: ``animate --job shots.json --summary report.json`` leaves a
machine-readable report of the batch (which shots are done, which failed and why, what each wrote)
whatever happened, also when the farm stopped the batch half-way, so the farm's dashboard no
longer has to scrape stderr; and the last line of the log names the shots that failed."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene import apply
from test_audit_jobs import DEFAULTS, job_folder

KEYED = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz", "fbx": True}


def three_shots(folder: Path, **second: object) -> Path:
    """A job file of three keyed shots (.blend and FBX each); ``second`` overrides the middle one."""
    spec = {
        "defaults": KEYED,
        "shots": [
            {"name": "one", "out": "out/one.blend"},
            {"name": "two", "out": "out/two.blend", **second},
            {"name": "three", "out": "out/three.blend"},
        ],
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    return folder / "shots.json"


def animate(job: Path, summary: Path) -> int:
    return main(["animate", "--quiet", "--job", str(job), "--summary", str(summary)])


def test_the_summary_says_which_shot_failed_why_and_what_the_others_wrote(tmp_path, capsys):
    """Shot "two" named a character missing from the scene. The farm only had the exit status
    and a log to grep; now the summary lists every shot in job order with its status, the error
    line the TD saw, and the files each done shot put in place, and the log's last line names
    the failed shot instead of "see the errors above"."""
    folder = job_folder(tmp_path)
    job = three_shots(folder, char_b="Ghost")
    report = tmp_path / "reports" / "summary.json"
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    assert animate(job, report) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert err[-1] == "error: 1 of 3 shots failed: two (see the errors above)"
    summary = json.loads(report.read_text())
    shots = summary["shots"]
    assert [(s["name"], s["status"]) for s in shots] == [
        ("one", "done"),
        ("two", "failed"),
        ("three", "done"),
    ]
    assert shots[1]["error"] == err[0].removeprefix("error: ")
    assert shots[1]["error"].startswith("shot two: character B 'Ghost' is not in the scene")
    assert [s["exit_code"] for s in shots] == [None, 2, None]
    out = folder / "out"
    assert shots[0]["outputs"] == [str(out / "one.blend"), str(out / "one.fbx")]
    assert shots[2]["outputs"] == [str(out / "three.blend"), str(out / "three.fbx")]
    assert shots[1]["outputs"] == [] and not (out / "two.blend").exists()
    assert all(Path(p).is_file() for s in shots for p in s["outputs"])
    # the missing character is found before the first shot runs (review rv37b F6): "two" never ran
    assert [isinstance(s["seconds"], float) and s["seconds"] >= 0 for s in shots] == [True, False, True]
    assert shots[1]["seconds"] is None
    assert summary["totals"] == {"shots": 3, "done": 2, "skipped": 0, "failed": 1, "busy": 0, "not_run": 0}
    assert summary["exit_code"] == 2
    assert os.listdir(report.parent) == ["summary.json"], "written atomically: no temp file left"


@pytest.mark.parametrize(
    ("sig", "code", "words"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)
def test_a_batch_the_farm_stops_half_way_still_leaves_its_summary(
    tmp_path, capsys, monkeypatch, sig, code, words
):
    """The farm's scheduler pre-empted the batch (SIGTERM) while shot "two" was keying, or the TD
    pressed Ctrl-C. The summary is written all the same: "one" done, "two" failed with the line
    the TD saw, "three" not run, so the re-queue knows exactly which shots to run again."""
    folder = job_folder(tmp_path)
    job = three_shots(folder)
    report = tmp_path / "summary.json"
    real_apply = apply.apply_dialogue

    def preempted(obj_a, obj_b, motion_a, motion_b, options, **kw):
        if options.take == "two":  # a real signal, so the handler decides, not a test double
            os.kill(os.getpid(), sig)
        return real_apply(obj_a, obj_b, motion_a, motion_b, options, **kw)

    monkeypatch.setattr(apply, "apply_dialogue", preempted)
    capsys.readouterr()
    assert animate(job, report) == code
    assert capsys.readouterr().err.splitlines()[-1] == f"error: shot two: {words}"  # names the shot it cut
    summary = json.loads(report.read_text())
    shots = summary["shots"]
    assert [(s["name"], s["status"]) for s in shots] == [
        ("one", "done"),
        ("two", "failed"),
        ("three", "not run"),
    ]
    assert shots[1]["error"] == f"shot two: {words}" and shots[1]["exit_code"] == code
    assert shots[2]["error"] is None and shots[2]["seconds"] is None and shots[2]["outputs"] == []
    assert [Path(p).name for p in shots[0]["outputs"]] == ["one.blend", "one.fbx"]
    assert sorted(p.name for p in (folder / "out").iterdir()) == [
        ".one.blend.dualtalk-done",
        "one.blend",
        "one.fbx",
    ]
    assert summary["totals"] == {"shots": 3, "done": 1, "skipped": 0, "failed": 1, "busy": 0, "not_run": 1}
    assert summary["exit_code"] == code


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("job/out/frames/summary.json", "error: --summary {d}/out/frames/summary.json lies inside"),
        ("job/out/one.blend", "error: --summary {d}/out/one.blend is the same path as the out of shot 'one'"),
        ("job/in/scene.blend", "error: --summary {d}/in/scene.blend would overwrite the input"),
        ("job/shots.json", "error: --summary {d}/shots.json would overwrite the job file"),
        ("job/out", "error: --summary {d}/out would hold the out of shot 'one'"),
        ("job/in", "error: --summary {d}/in is a folder; give a file name"),
    ],
    ids=["in-a-render-folder", "a-shots-out", "an-input", "the-job-file", "a-shots-folder", "a-folder"],
)
def test_a_summary_path_that_collides_is_refused_before_any_work(tmp_path, capsys, where, message):
    """The TD pointed ``--summary`` into shot one's frames folder (which then held a file that is
    not a frame, refused by every re-render), at a shot's .blend, at the scene or at the job file
    itself: found at the end, the report replaced a finished output or an input after hours of
    work. Now it is one line, exit 2, before the first shot runs."""
    folder = job_folder(tmp_path)
    job = three_shots(folder)
    spec = json.loads(job.read_text())
    spec["shots"][0]["render"] = "out/frames"
    job.write_text(json.dumps(spec))
    capsys.readouterr()
    assert animate(job, tmp_path / where) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith(message.format(d=folder)) and "\n" not in err, err
    assert captured.out == "" and not (folder / "out").exists()


def test_a_summary_without_a_job_file_is_refused_in_one_line(tmp_path, capsys):
    """A single shot's result is its exit status and its one result line; a ``--summary`` there
    would silently be ignored, so it is refused before any work."""
    folder = job_folder(tmp_path)
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend"),
               "--summary", str(tmp_path / "summary.json")])  # fmt: skip
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: --summary needs --job JOBS.json (a single shot reports through its exit status)"
    assert not (folder / "out").exists() and not (tmp_path / "summary.json").exists()
