"""A farm's batch workers, audited from a pipeline TD's seat (notes/audit_batch.md, findings 1-3, 9, 10).

* A SIGTERM that a Blender handler swallowed (Blender prints what a save, load or frame-change
  handler raises and carries on) was lost: the batch ran every shot and exited 0. Now every stage
  of a shot, and the batch after each shot, reads the signal back: exit 143, the summary says
  done / failed / not run, and the error line names the shot.
* Two workers given the same shots both wrote every set and both reported ``done``. Now a shot holds
  a lock on its .blend while it runs; the second worker fails that shot in one line and goes on.
  The lock dies with its process (``kill -9`` included) and no lock file stays after a run.
* A refused batch left the previous run's summary in place (it read as this run's results); now it
  writes a ``refused`` one. Every summary has a run id, start and end times, a status and, per
  shot, the ``warning:`` lines printed for it.
* A job shot's read-only ``out`` folder was found only at the shot's turn and named ``--out``; now
  every shot's output folders are checked before the first shot runs, and the job's field is named.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import bpy
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch, reporting, shot_run
from dualtalk.dualtalk_blender.commands.shot_state import LOCK_SUFFIX
from test_audit_jobs import DEFAULTS, job_folder

KEYED = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def write_job(folder: Path, shots: list[dict], **defaults: object) -> Path:
    (folder / "shots.json").write_text(json.dumps({"defaults": {**KEYED, **defaults}, "shots": shots}))
    return folder / "shots.json"


def three(folder: Path, **defaults: object) -> Path:
    return write_job(
        folder, [{"name": n, "out": f"out/{n}.blend"} for n in ("one", "two", "three")], **defaults
    )


def animate_job(job: Path, summary: Path | None = None, *extra: str) -> int:
    more = ["--summary", str(summary)] if summary is not None else []
    return main(["animate", "--quiet", "--job", str(job), *more, *extra])


def statuses(summary: Path) -> list[tuple[str, str]]:
    return [(s["name"], s["status"]) for s in json.loads(summary.read_text())["shots"]]


@pytest.fixture
def handler():
    """Add a Blender app handler for one test (removed after it, whatever happens)."""
    added: list[tuple[list, object]] = []

    def add(kind: str, fn):
        fn = bpy.app.handlers.persistent(fn)
        getattr(bpy.app.handlers, kind).append(fn)
        added.append((getattr(bpy.app.handlers, kind), fn))

    yield add
    for handlers, fn in added:
        if fn in handlers:
            handlers.remove(fn)


# -- 1. a signal Blender swallowed -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["save_post", "frame_change_post"])
def test_a_sigterm_a_blender_handler_swallows_still_stops_the_batch(tmp_path, capsys, handler, kind):
    """The farm pre-empted the worker while shot "two" saved its .blend (a studio add-on's save
    handler was running) or set its frame. Blender printed the interrupt and carried on: shots two
    and three were written and the batch exited 0. Now: exit 143, "two" failed (its set never went
    in place), "three" not run."""
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    sent: list[int] = []

    def preempt(*_args):
        # the first call once shot one is in place is shot two's (a real signal: the handler decides)
        if (folder / "out" / "one.blend").exists() and not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGTERM)

    handler(kind, preempt)
    capsys.readouterr()
    assert animate_job(job, report) == 143
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "error: shot two: terminated (SIGTERM)", err[-5:]
    assert statuses(report) == [("one", "done"), ("two", "failed"), ("three", "not run")]
    summary = json.loads(report.read_text())
    assert summary["status"] == "interrupted" and summary["exit_code"] == 143
    assert summary["error"] == "shot two: terminated (SIGTERM)"
    assert sorted(p.name for p in (folder / "out").iterdir()) == [".one.blend.dualtalk-done", "one.blend"]


def test_a_signal_swallowed_after_a_shots_last_stage_stops_the_batch_after_that_shot(
    tmp_path, capsys, monkeypatch
):
    """Belt and braces: wherever a signal is swallowed (here right after shot two's set went in
    place), the batch reads it back once the shot ends: two is done, three is not run, exit 130."""
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    real = shot_run.run_shot

    def run_then_swallow(shot, *args, **kwargs):
        line = real(shot, *args, **kwargs)
        if shot.name == "two":
            try:  # as Blender does with what a handler raises
                os.kill(os.getpid(), signal.SIGINT)
            except KeyboardInterrupt:
                print("Error in handler: KeyboardInterrupt", file=sys.stderr)
        return line

    monkeypatch.setattr(batch, "run_shot", run_then_swallow)
    capsys.readouterr()
    assert animate_job(job, report) == 130
    captured = capsys.readouterr()
    assert captured.err.splitlines()[-1] == "error: interrupted after shot two"
    assert [line.split(":")[0] for line in captured.out.splitlines()] == ["one", "two"]
    assert statuses(report) == [("one", "done"), ("two", "done"), ("three", "not run")]
    assert json.loads(report.read_text())["exit_code"] == 130


def test_a_single_shot_whose_save_handler_swallows_the_signal_exits_143_and_writes_nothing(
    tmp_path, capsys, handler
):
    folder = job_folder(tmp_path)
    handler("save_post", lambda *_a: os.kill(os.getpid(), signal.SIGTERM))
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend")])  # fmt: skip
    assert rc == 143
    assert capsys.readouterr().err.splitlines()[-1] == "error: terminated (SIGTERM)"
    assert not (folder / "out").exists() or sorted((folder / "out").iterdir()) == []


# -- 2. two workers on the same outputs --------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from dualtalk.dualtalk_blender.commands.shot_state import shot_lock
with shot_lock([("out", Path(sys.argv[1]))]):
    print("locked", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def other_worker():
    """Another DualTalk run holding the lock of an output, as a real process (killed after)."""
    procs: list[subprocess.Popen[str]] = []

    def start(out: Path) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(HOLDER), str(out)], stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_a_shot_another_worker_is_writing_is_busy_and_the_batch_goes_on(tmp_path, capsys, other_worker):
    """Two farm workers were given the same shots. Both wrote every set, the last writer won, and
    both summaries said done for files holding the other's take. Then the second worker's shot failed,
    exit 2 as bad input, and the scheduler re-queued both workers (review rv37b F4). Now it is
    ``busy``: one result line naming the holder, exit code 75 in the summary, the other shots run and
    the batch exits 0 (nothing was wrong with it)."""
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    two = folder / "out" / "two.blend"
    worker = other_worker(two)
    capsys.readouterr()
    assert animate_job(job, report) == 0
    said = capsys.readouterr()
    assert not [line for line in said.err.splitlines() if line.startswith("error:")], said.err
    busy = [line for line in said.out.splitlines() if line.startswith("two:")]
    assert len(busy) == 1 and re.fullmatch(
        rf"two: busy: another DualTalk run is writing {re.escape(str(two))} \(pid {worker.pid} on "
        r"\S+, since \S+Z\); left to that run",
        busy[0],
    ), busy
    assert statuses(report) == [("one", "done"), ("two", "busy"), ("three", "done")]
    summary = json.loads(report.read_text())
    assert (summary["status"], summary["exit_code"], summary["error"]) == ("done", 0, None)
    assert summary["totals"] == {"shots": 3, "done": 2, "skipped": 0, "failed": 0, "busy": 1, "not_run": 0}
    entry = summary["shots"][1]
    assert entry["exit_code"] == 75 and entry["error"].startswith(
        f"shot two: another DualTalk run is writing {two}"
    )
    assert not two.exists()
    # the other worker is killed outright: its lock goes with it, and the next run writes the shot
    worker.kill()
    worker.wait()
    assert (folder / "out" / f".two.blend{LOCK_SUFFIX}").exists()  # the file stays, the lock does not
    assert animate_job(job, report) == 0
    assert statuses(report) == [("one", "done"), ("two", "done"), ("three", "done")]
    # no lock file left; one and three (motion files, no audio: no work folder) replace the .blend
    # their record beside it says animate wrote, unchanged, without a .blend1 (before: kept each time)
    assert sorted(p.name for p in (folder / "out").iterdir()) == [
        ".one.blend.dualtalk-done", ".three.blend.dualtalk-done", ".two.blend.dualtalk-done",
        "one.blend", "three.blend", "two.blend",
    ]  # fmt: skip


def test_a_busy_shot_is_known_by_the_locks_refusal_not_by_its_words(
    tmp_path, capsys, other_worker, monkeypatch
):
    """The batch told a busy shot from a failed one by the lock message's first words, and cut the
    holder out of it at "; wait for it" (review rv38d F5): a message reworded in the lock module
    would have made a busy shot ``failed``, exit 2, and two workers re-queue each other again. The
    lock's refusal is now a type of its own: reworded, the shot is still busy, exit code 75, and its
    line carries the new words."""
    from dualtalk.inference.core import locks

    monkeypatch.setattr(locks, "HELD_LINE", "{target} is being animated elsewhere ({holder})")
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    two = folder / "out" / "two.blend"
    worker = other_worker(two)
    capsys.readouterr()
    assert animate_job(job, report) == 0
    said = capsys.readouterr()
    busy = [line for line in said.out.splitlines() if line.startswith("two:")]
    assert busy == [f"two: busy: {two} is being animated elsewhere ({busy_holder(worker)}); left to that run"]
    assert statuses(report) == [("one", "done"), ("two", "busy"), ("three", "done")]
    entry = json.loads(report.read_text())["shots"][1]
    assert entry["exit_code"] == 75 and entry["error"].startswith(f"shot two: {two} is being animated")


def test_skip_done_says_why_a_shot_runs_again_only_where_this_run_runs_it(tmp_path, capsys, other_worker):
    """Two workers resume a job with ``--skip-done`` after its settings changed. The second said
    "two: runs again: ... but its settings changed" and then "two: busy": the shot was the first
    worker's to run (review rv38d F6; during the first worker's renames it even said "its last run was
    stopped"). Now the line saying why is printed only by the run that runs the shot."""
    from test_blender_animate import two_voices

    folder = job_folder(tmp_path)
    two_voices(folder / "in" / "talk.wav", seconds=1.6)  # with its sound: a work folder, a done record
    job = three(folder, audio="in/talk.wav")
    assert animate_job(job) == 0
    three(folder, audio="in/talk.wav", start_frame=3)  # the shots' settings changed
    worker = other_worker(folder / "out" / "two.blend")
    capsys.readouterr()
    assert animate_job(job, None, "--skip-done") == 0
    said = [line.split(": ")[:2] for line in capsys.readouterr().out.splitlines()]
    assert said == [
        ["one", "runs again"], ["one", "wrote " + str(folder / "out" / "one.blend")],
        ["two", "busy"],  # before: ["two", "runs again"] first
        ["three", "runs again"], ["three", "wrote " + str(folder / "out" / "three.blend")],
    ], said  # fmt: skip
    assert worker.poll() is None


def busy_holder(worker: subprocess.Popen[str]) -> str:
    """The holder line the other worker's lock file carries (pid, host, since when)."""
    from dualtalk.inference.core.locks import lock_file

    return lock_file(Path(worker.args[-1])).read_text().strip()


def test_two_real_batches_on_the_same_shots_fail_only_where_the_other_holds_the_lock(tmp_path):
    """The audit's run: two workers started together on job files with the same outs. Whatever the
    timing, every shot is done by at least one of them, a shot fails only because the other held
    its lock, and no lock file is left. (Which shots collide depends on the timing; the collision
    itself is pinned down by the test above.)"""
    folder = job_folder(tmp_path)
    shots = [{"name": f"s{i}", "out": f"out/s{i}.blend"} for i in range(4)]
    for name in ("x", "y"):
        (folder / f"job{name}.json").write_text(json.dumps({"defaults": KEYED, "shots": shots}))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dualtalk",
                "animate",
                "--quiet",
                "--job",
                str(folder / f"job{n}.json"),
                "--summary",
                str(tmp_path / f"rep{n}.json"),
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd="/",
        )  # fmt: skip
        for n in ("x", "y")
    ]
    results = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    reports = [json.loads((tmp_path / f"rep{n}.json").read_text()) for n in ("x", "y")]
    for i in range(4):
        done = [r["shots"][i]["status"] for r in reports]
        assert "done" in done, done
        for r in reports:  # a shot is busy only because the other worker held it
            entry = r["shots"][i]
            assert entry["status"] == "done" or (
                entry["status"] == "busy" and "another DualTalk run is writing" in entry["error"]
            ), entry
    assert not [p.name for p in (folder / "out").iterdir() if p.name.endswith(LOCK_SUFFIX)]


# -- 3. the summary: refused batches, times, run ids, warnings ---------------------------------------


def test_a_refused_batch_replaces_the_previous_runs_summary(tmp_path, capsys):
    """The scheduler read report.json after exit 2 and saw last night's "done 3": the refused
    batch had left it in place. Now a refused batch writes its own report (status refused, the
    error line, no shots), and each report carries its run id and times."""
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    capsys.readouterr()
    assert animate_job(job, report) == 0
    first = json.loads(report.read_text())
    assert (first["version"], first["status"], first["error"], first["exit_code"]) == (3, "done", None, 0)
    assert STAMP.fullmatch(first["started"]) and STAMP.fullmatch(first["finished"])
    assert first["started"] <= first["finished"] and first["run_id"]

    spec = json.loads(job.read_text())
    spec["defaults"]["smoothin"] = 1  # a typo: the whole batch is refused
    job.write_text(json.dumps(spec))
    capsys.readouterr()
    assert animate_job(job, report) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: defaults: unknown field(s) smoothin (did you mean smoothing?)"
    refused = json.loads(report.read_text())
    assert refused["status"] == "refused" and refused["error"] == err.removeprefix("error: ")
    assert refused["exit_code"] == 2 and refused["shots"] == []
    assert refused["totals"] == {"shots": 0, "done": 0, "skipped": 0, "failed": 0, "busy": 0, "not_run": 0}
    assert refused["run_id"] != first["run_id"] and refused["job"] == str(job)
    assert STAMP.fullmatch(refused["started"]) and STAMP.fullmatch(refused["finished"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job", "report.json"]  # no temporary left


@pytest.mark.parametrize("what", ["a missing job file", "a job file that is not JSON"])
def test_a_job_file_that_cannot_be_read_still_gets_its_refused_summary(tmp_path, capsys, what):
    job = tmp_path / "shots.json"
    if what != "a missing job file":
        job.write_text("{not json")
    report = tmp_path / "report.json"
    capsys.readouterr()
    assert animate_job(job, report) == 2
    err = capsys.readouterr().err.strip()
    data = json.loads(report.read_text())
    assert data["status"] == "refused" and "error: " + data["error"] == err and "\n" not in err


def test_a_refused_batch_never_overwrites_a_file_that_is_not_a_summary(tmp_path, capsys):
    """With the job file unreadable its inputs are unknown: a --summary path holding anything but an
    earlier report (here the TD's notes, or the job file itself) is left as it is."""
    job = tmp_path / "shots.json"
    job.write_text("{not json")
    notes = tmp_path / "notes.txt"
    notes.write_text("the TD's notes\n")
    for target in (notes, job):
        before = target.read_bytes()
        capsys.readouterr()
        assert animate_job(job, target) == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert target.read_bytes() == before


def test_each_shot_in_the_summary_lists_its_warning_lines(tmp_path, capsys, monkeypatch):
    """The warnings ("resolution applies only with render; ignored") were only on stderr."""
    from dualtalk.dualtalk_blender.scene import fbx_export

    monkeypatch.setattr(fbx_export, "left_out_modifiers", lambda objs, scope="full": ["Ann: Mirror left out"])
    folder = job_folder(tmp_path)
    job = write_job(
        folder,
        [
            {"name": "one", "out": "out/one.blend", "resolution": [640, 360]},
            {"name": "two", "out": "out/two.blend", "fbx": "out/two.fbx"},
            {"name": "three", "out": "out/three.blend"},
        ],
    )
    report = tmp_path / "report.json"
    capsys.readouterr()
    assert animate_job(job, report) == 0
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    shots = json.loads(report.read_text())["shots"]
    assert shots[0]["warnings"] == ["shot 'one': resolution applies only with render; ignored"]
    assert shots[1]["warnings"] == ["shot 'two': Ann: Mirror left out"]
    assert shots[2]["warnings"] == []
    assert sorted("warning: " + w for s in shots for w in s["warnings"]) == sorted(printed)


# -- 10. output folders checked up front, named by their job field -----------------------------------


def test_a_shot_whose_out_folder_cannot_be_made_fails_before_the_first_shot_runs(
    tmp_path, capsys, monkeypatch
):
    """Shot three's out folder could not be created (a file stands where it goes; a read-only mount
    reads the same). It failed only at its turn, hours later, and the line said ``--out``, a flag the
    job file has not. Now it fails before shot one starts, naming the field ``out``."""
    folder = job_folder(tmp_path)
    (folder / "blocker").write_text("not a folder")
    job = write_job(
        folder,
        [
            {"name": "one", "out": "out/one.blend"},
            {"name": "two", "out": "out/two.blend"},
            {"name": "three", "out": "blocker/three.blend"},
        ],  # fmt: skip
    )
    ran: list[tuple[str, str]] = []  # each shot started, and what stderr held by then
    real = shot_run.run_shot

    def spy(shot, *args, **kwargs):
        ran.append((shot.name, capsys.readouterr().err))
        return real(shot, *args, **kwargs)

    monkeypatch.setattr(batch, "run_shot", spy)
    report = tmp_path / "report.json"
    capsys.readouterr()
    assert animate_job(job, report) == 2
    line = (
        f"error: shot three: out {folder}/blocker/three.blend cannot be created: {folder}/blocker is a "
        "file, not a folder"
    )
    assert [name for name, _ in ran] == ["one", "two"]  # three never started ...
    assert ran[0][1].splitlines() == [line]  # ... and was refused before shot one began
    assert (
        capsys.readouterr().err.splitlines()[-1] == "error: 1 of 3 shots failed: three (see the errors above)"
    )
    assert statuses(report) == [("one", "done"), ("two", "done"), ("three", "failed")]


def test_a_signal_between_two_shots_names_the_shot_it_came_before(tmp_path, capsys, monkeypatch):
    folder = job_folder(tmp_path)
    job = three(folder)
    report = tmp_path / "report.json"
    real = reporting.ShotProgress.update

    def update(self, stage, fraction, message=""):
        if self.name == "two" and stage == "job":  # shot one is done, shot two not started
            os.kill(os.getpid(), signal.SIGINT)
        real(self, stage, fraction, message)

    monkeypatch.setattr(reporting.ShotProgress, "update", update)
    capsys.readouterr()
    assert animate_job(job, report) == 130
    assert capsys.readouterr().err.splitlines()[-1] == "error: interrupted before shot two"
    assert statuses(report) == [("one", "done"), ("two", "not run"), ("three", "not run")]


def test_a_warning_from_deep_in_the_engine_names_its_shot_on_stderr(tmp_path, capsys, monkeypatch):
    """The audio loader's warnings ("talk.wav: the file stops at 3.1 s ...") printed without the
    shot's name, so in an overnight log no one could tell which shot's audio was cut off."""
    import logging

    from dualtalk.dualtalk_blender.scene import fbx_export

    def loader_warns(objs, scope="full"):  # any warning of a package module during the shot
        logging.getLogger("dualtalk.inference.audio.loader").warning("%s: cut off", "talk.wav")
        return []

    monkeypatch.setattr(fbx_export, "left_out_modifiers", loader_warns)
    folder = job_folder(tmp_path)
    job = write_job(
        folder,
        [
            {"name": "one", "out": "out/one.blend"},
            {"name": "two", "out": "out/two.blend", "fbx": "out/two.fbx"},
        ],
    )
    report = tmp_path / "report.json"
    capsys.readouterr()
    assert animate_job(job, report) == 0
    printed = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert printed == ["warning: shot 'two': talk.wav: cut off"]
    shots = json.loads(report.read_text())["shots"]
    assert [s["warnings"] for s in shots] == [[], ["shot 'two': talk.wav: cut off"]]


def test_skip_done_says_why_a_shot_runs_again_before_its_long_work(tmp_path, capsys, monkeypatch):
    """The line saying why ``--skip-done`` runs a shot again came only after the shot had run (hours
    of rendering; never, where the node died meanwhile: review rv38h 3). It is said as soon as this
    run holds the shot, before the engine and the render."""
    from dualtalk.dualtalk_blender.commands import shot_run
    from test_blender_animate import two_voices

    folder = job_folder(tmp_path)
    two_voices(folder / "in" / "talk.wav", seconds=1.6)
    job = three(folder, audio="in/talk.wav")
    assert animate_job(job) == 0
    three(folder, audio="in/talk.wav", start_frame=3)  # the shots' settings changed
    at_work: list[str] = []  # what the log said when each shot's long work began
    real = shot_run._run_locked
    monkeypatch.setattr(
        shot_run, "_run_locked", lambda *a, **k: at_work.append(capsys.readouterr().out) or real(*a, **k)
    )
    capsys.readouterr()

    assert animate_job(job, None, "--skip-done") == 0

    assert [said.splitlines()[-1].split(": ")[:2] for said in at_work] == [["one", "runs again"]] + [
        [name, "runs again"] for name in ("two", "three")
    ], at_work
