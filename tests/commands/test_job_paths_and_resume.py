"""Job file paths as a TD types them, and resuming a batch (notes/audit_batch.md, findings 4 and 7).

* ``"out": "~/x.blend"`` made a folder literally named ``~`` in the job folder (an ``rm -rf ~``
  waiting to happen), ``$OUT/x.blend`` a folder named ``$OUT``, and ``out\\x.blend`` one file with a
  backslash in its name, all with exit 0; the same forms as inputs failed per shot at run time. Job
  paths are taken as written, so these are now refused up front in one line naming shot and field.
* A re-run redid every shot. ``--skip-done`` skips a shot an earlier run finished from the same
  inputs and settings whose outputs are all in place; anything changed, and the shot runs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch, shot_run
from dualtalk.dualtalk_blender.commands.jobs import parse_jobs
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.fileio import sha256_file
from dualtalk.inference.core.outputs import WORK_MARKER
from test_audit_jobs import DEFAULTS, job_folder, voice

# -- 4. "~", "$VAR" and backslashes ------------------------------------------------------------------

SHOT = {"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav"}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("out", "~/x.blend", "'~' is not expanded"),
        ("out", "$OUT/x.blend", "'$OUT' is not expanded"),
        ("out", "${OUT}/x.blend", "'${OUT}' is not expanded"),
        ("out", "%OUT%/x.blend", "'%OUT%' is not expanded"),
        ("out", "out\\x.blend", "a backslash is not a folder separator"),
        ("fbx", "~/x.fbx", "'~' is not expanded"),
        ("work", "$WORK", "'$WORK' is not expanded"),
        ("render", "renders\\s1.mp4", "a backslash is not a folder separator"),
        ("audio", "~/talk.wav", "'~' is not expanded"),
        ("audio", "$SHOTS/talk.wav", "'$SHOTS' is not expanded"),
        ("audio", "C:\\audio\\talk.wav", "a backslash is not a folder separator"),
        ("blend", "~/scene.blend", "'~' is not expanded"),
        ("map", "maps\\rig.json", "a backslash is not a folder separator"),
    ],
)
def test_paths_a_shell_would_expand_are_refused_naming_the_shot_and_field(tmp_path, field, value, says):
    with pytest.raises(DualTalkError) as refused:
        parse_jobs({"defaults": DEFAULTS, "shots": [{**SHOT, field: value}]}, tmp_path)
    line = str(refused.value)
    assert line.startswith(f"shot 's1'.{field}: {says} in job paths ({value!r}); give a path relative to")
    assert "\n" not in line
    if field in ("out", "fbx", "work", "render"):
        assert "or an absolute path" not in line  # outputs must stay inside the job folder
    assert ("with '/' between folders" in line) == ("backslash" in says)


def test_a_windows_drive_input_is_refused_up_front_not_joined_to_the_job_folder(tmp_path):
    """``C:/audio/talk.wav`` was read as relative here: "audio file not found: JOB/C:/audio/..."."""
    if os.name == "nt":
        pytest.skip("a drive path is an absolute path on Windows")
    with pytest.raises(DualTalkError, match=r"^shot 's1'\.audio: 'C:/audio/talk\.wav' is a Windows path"):
        parse_jobs({"defaults": DEFAULTS, "shots": [{**SHOT, "audio": "C:/audio/talk.wav"}]}, tmp_path)


@pytest.mark.parametrize("ok", ["take$5.wav", "a~b.wav", "100%.wav", "in/talk.wav"])
def test_names_that_only_look_alike_are_still_files(tmp_path, ok):
    (shot,) = parse_jobs({"defaults": DEFAULTS, "shots": [{**SHOT, "audio": ok}]}, tmp_path)
    assert shot.audio == tmp_path / ok


def test_a_tilde_out_writes_no_tilde_folder(tmp_path, capsys):
    """The audit's run: exit 0 and a folder named ``~`` beside the job file. Now exit 2, one line,
    and nothing is made."""
    folder = job_folder(tmp_path)
    spec = {"defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
            "shots": [{"name": "s1", "out": "~/x.blend"}]}  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    before = sorted(p.name for p in folder.iterdir())
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: shot 's1'.out: '~' is not expanded in job paths") and "\n" not in err
    assert sorted(p.name for p in folder.iterdir()) == before


# -- 7. --skip-done -----------------------------------------------------------------------------------


def with_dialogue(tmp_path: Path) -> tuple[Path, dict]:
    """A job of two shots keying given motion files with their own recordings (each shot has a
    work folder holding its dialogue.wav, and so its done record)."""
    folder = job_folder(tmp_path)
    voice(folder / "in" / "one.wav", 140)
    voice(folder / "in" / "two.wav", 220)
    spec = {
        "defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
        "shots": [
            {"name": "one", "out": "out/one.blend", "audio": "in/one.wav", "fbx": "out/one.fbx"},
            {"name": "two", "out": "out/two.blend", "audio": "in/two.wav"},
        ],
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    return folder, spec


def run(folder: Path, *extra: str) -> tuple[int, dict]:
    report = folder.parent / "report.json"
    code = main(["animate", "--quiet", "--job", str(folder / "shots.json"), "--summary", str(report), *extra])
    return code, json.loads(report.read_text())


def hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): sha256_file(p) for p in sorted((folder / "out").rglob("*")) if p.is_file()
    }


def test_skip_done_skips_shots_finished_from_the_same_inputs_and_runs_the_rest(tmp_path, capsys):
    folder, spec = with_dialogue(tmp_path)
    assert run(folder)[0] == 0
    first = hashes(folder)
    capsys.readouterr()
    code, report = run(folder, "--skip-done")
    assert code == 0 and report["skip_done"] is True
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "skipped"), ("two", "skipped")]
    assert report["totals"] == {"shots": 2, "done": 0, "skipped": 2, "failed": 0, "busy": 0, "not_run": 0}
    out = folder / "out"
    assert report["shots"][0]["outputs"] == [str(out / "one.blend"), str(out / "one.fbx"),
                                             str(out / "one.dualtalk" / "dialogue.wav")]  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[:2] for line in lines] == [["one", " skipped"], ["two", " skipped"]]
    assert hashes(folder) == first  # nothing rewritten

    # the recording of shot two was re-cut: two runs again, one is still skipped
    voice(folder / "in" / "two.wav", 300)
    code, report = run(folder, "--skip-done")
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "skipped"), ("two", "done")]
    second = hashes(folder)
    assert second["out/one.blend"] == first["out/one.blend"]
    assert second["out/two.dualtalk/dialogue.wav"] != first["out/two.dualtalk/dialogue.wav"]

    # a setting changed for one (smoothing) and two lost its .blend: both run
    spec["shots"][0]["smoothing"] = 1.0
    (folder / "shots.json").write_text(json.dumps(spec))
    (out / "two.blend").unlink()
    code, report = run(folder, "--skip-done")
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "done"), ("two", "done")]

    # without the flag every shot runs again, as before
    code, report = run(folder)
    assert code == 0 and [s["status"] for s in report["shots"]] == ["done", "done"]


def test_a_set_replaced_by_a_run_that_died_before_recording_it_is_not_skipped(tmp_path, monkeypatch):
    """Night 1 made shot one with smoothing 0. Night 2 (smoothing 1) put its new set in place and
    was killed before it recorded it. Night 3 asks for smoothing 0 again with --skip-done: the
    files on disk are night 2's, so the shot must run (its record went before the set changed)."""
    folder, spec = with_dialogue(tmp_path)
    assert run(folder)[0] == 0
    spec["shots"][0]["smoothing"] = 1.0
    (folder / "shots.json").write_text(json.dumps(spec))

    def killed(shot, run_id, *_words):
        raise KeyboardInterrupt  # the set is in place; the record is never written

    monkeypatch.setattr(shot_run, "record_done", killed)
    assert run(folder)[0] == 130
    monkeypatch.undo()
    del spec["shots"][0]["smoothing"]
    (folder / "shots.json").write_text(json.dumps(spec))
    code, report = run(folder, "--skip-done")
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "done"), ("two", "skipped")]
    marker = (folder / "out" / "one.dualtalk" / WORK_MARKER).read_text()
    assert marker.startswith("DualTalk writes its intermediate files") and '"done"' in marker


def test_a_shot_without_a_work_folder_always_runs(tmp_path):
    """Motion files given and no audio: the shot writes no work files, and its record beside its
    .blend says only what it wrote (not its inputs or settings); --skip-done runs it again (the
    keying only: no engine). The earlier one.blend is animate's own, unchanged: replaced, not kept."""
    folder = job_folder(tmp_path)
    spec = {"defaults": {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"},
            "shots": [{"name": "one", "out": "out/one.blend"}]}  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    assert run(folder)[0] == 0
    code, report = run(folder, "--skip-done")
    assert code == 0 and report["shots"][0]["status"] == "done"
    assert sorted(p.name for p in (folder / "out").iterdir()) == [".one.blend.dualtalk-done", "one.blend"]


def test_skip_done_needs_a_job_file(tmp_path, capsys):
    folder = job_folder(tmp_path)
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend"), "--skip-done"])  # fmt: skip
    assert rc == 2
    assert capsys.readouterr().err.strip() == (
        "error: --skip-done needs --job JOBS.json (a single shot always runs)"
    )
    assert not (folder / "out").exists()


def test_a_shot_another_worker_finished_meanwhile_is_skipped_at_its_turn(tmp_path, monkeypatch):
    """Two workers share a job with --skip-done. While this one runs shot one, the other finishes
    shot two: this one skips two when its turn comes instead of doing it again."""
    import subprocess
    import sys

    folder, spec = with_dialogue(tmp_path)
    (folder / "only_two.json").write_text(json.dumps({**spec, "shots": spec["shots"][1:]}))
    real = shot_run.run_shot

    def while_one_runs(shot, *args, **kwargs):
        if shot.name == "one":
            other = subprocess.run(
                [sys.executable, "-m", "dualtalk", "animate", "--quiet", "--job", str(folder / "only_two.json")],
                capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert other.returncode == 0, other.stderr
        return real(shot, *args, **kwargs)

    monkeypatch.setattr(batch, "run_shot", while_one_runs)
    code, report = run(folder, "--skip-done")
    assert code == 0
    assert [(s["name"], s["status"]) for s in report["shots"]] == [("one", "done"), ("two", "skipped")]
