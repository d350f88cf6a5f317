"""A TD keys three shots from motion files made earlier; the job's defaults still name the
``transcript`` the takes were drawn from, and one shot's script has since been moved away. The job
that ran the night before now failed that shot before the first shot ran ("transcript not found"),
though nothing reads a transcript when the engine does not run: the same shot as one command ran, and
neither said the transcript was ignored (review rv38d F2). Now a job checks up front only the files a
shot's run reads, by the rule the warning follows, and both say in one line that the file is ignored."""

from __future__ import annotations

import json

from dualtalk.cli import main
from test_audit_jobs import DEFAULTS, job_folder

KEYED = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
IGNORED = (
    "transcript shapes the engine's take, which does not run with motion_a/motion_b: the motion files "
    "keep the blinks, looks and lips they were made with (make them with these settings: infer)"
)


def test_a_job_shot_keyed_from_motion_files_runs_without_the_transcript_it_names(tmp_path, capsys):
    folder = job_folder(tmp_path)
    shots = [
        {"name": "one", "out": "out/one.blend", "transcript": "in/missing_script.txt"},
        {"name": "two", "out": "out/two.blend"},
    ]
    (folder / "shots.json").write_text(json.dumps({"defaults": KEYED, "shots": shots}))
    report = tmp_path / "report.json"
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--job", str(folder / "shots.json"), "--summary", str(report)])

    err = capsys.readouterr().err
    assert rc == 0, err  # before: 2, "error: shot one: transcript not found: ..."
    summary = json.loads(report.read_text())
    assert [(s["name"], s["status"]) for s in summary["shots"]] == [("one", "done"), ("two", "done")]
    assert err.splitlines() == [f"warning: shot 'one': {IGNORED}"]
    assert summary["shots"][0]["warnings"] == [f"shot 'one': {IGNORED}"]
    assert summary["shots"][1]["warnings"] == []


def test_a_done_shot_with_its_sound_is_skipped_though_the_transcript_it_names_is_gone(tmp_path, capsys):
    """The same shot with its sound has a done record: it fingerprinted the transcript the shot never
    reads, as "" once the file was gone, and ``--skip-done`` ran the shot again every night ("an input
    changed"). The record now holds the files the run reads, by the same rule: skipped."""
    from test_blender_animate import two_voices

    folder = job_folder(tmp_path)
    two_voices(folder / "in" / "talk.wav", seconds=1.6)
    shot = {"name": "one", "out": "out/one.blend", "audio": "in/talk.wav", "transcript": "in/gone.txt"}
    (folder / "shots.json").write_text(json.dumps({"defaults": KEYED, "shots": [shot]}))
    argv = ["animate", "--quiet", "--job", str(folder / "shots.json"), "--skip-done"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("one: skipped: done by run "), (
        out
    )  # before: "one: runs again: ... an input changed"


def test_the_same_shot_as_one_command_says_its_transcript_is_ignored(tmp_path, capsys):
    folder = job_folder(tmp_path)
    argv = ["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
            "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
            str(folder / "in" / "B.npz"), "--transcript", str(folder / "nope.txt"),
            "--out", str(folder / "out" / "x.blend")]  # fmt: skip
    capsys.readouterr()
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 0, err
    said = IGNORED.replace("transcript shapes", "--transcript shapes").replace(
        "motion_a/motion_b", "--motion-a/--motion-b"
    )
    assert err.splitlines() == [f"warning: {said}"]  # before: nothing said


def test_a_job_shot_keyed_from_motion_files_runs_without_the_checkpoint_it_names(tmp_path, capsys):
    """The warning said the checkpoint was ignored while the shot failed "checkpoint file not found"
    for it (review rv38d F2, its shot ``two``)."""
    folder = job_folder(tmp_path)
    shots = [{"name": "two", "out": "out/two.blend", "checkpoint": "in/missing.pt"}]
    (folder / "shots.json").write_text(json.dumps({"defaults": KEYED, "shots": shots}))
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--job", str(folder / "shots.json")])

    err = capsys.readouterr().err
    assert rc == 0, err
    assert len(err.splitlines()) == 1 and "checkpoint" in err and "does not run" in err, err
    assert (folder / "out" / "two.blend").is_file()
