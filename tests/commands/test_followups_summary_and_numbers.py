"""Follow-ups to the hostile-files audit (docs/robustness.md, "Follow-ups"), on the command line:

* ``animate --job J --summary -`` prints the report on stdout, after the result lines (before, a
  file named ``-`` appeared in the working folder);
* a job's 400-digit ``range`` or ``samples`` is one short line, the number cut (before, the whole
  number was printed: about 400 characters);
* ``eval audio --motion2`` refuses a complex ``pose`` in one line (before, numpy's ComplexWarning and
  the real part used);
* a take made by ``infer`` records its recording's fingerprint like ``animate``'s own takes, so
  ``animate --range`` on it refuses another recording (before, it was checked by file name only:
  a warning, then re-generated against the other audio);
* the frame-span stand-in ``TakeLength`` lives beside ``check_frame_span`` (scene/apply.py);
  ``commands/`` imports nothing from ``addon/``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from dualtalk.inference.core.motion import load_motion
from robustness_util import assert_refused, make_kit, run_cli, snapshot, two_voices

REPO = Path(__file__).resolve().parents[2]
BIG = int("9" * 400)
BIG_SHOWN = "999999999999...(400 digits)"
CHARS = ["--char-a", "Ann", "--char-b", "Bob"]


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """in/scene.blend with Ann and Bob, their 30-frame motion files in/A.npz and in/B.npz, and
    take.blend: the two keyed as a take (frames 1-30)."""
    root = make_kit(tmp_path_factory.mktemp("followups"))
    from dualtalk.cli import main

    assert main(["animate", "--quiet", "--blend", str(root / "in" / "scene.blend"), *CHARS,
                 "--motion-a", str(root / "in" / "A.npz"), "--motion-b", str(root / "in" / "B.npz"),
                 "--out", str(root / "take.blend")]) == 0  # fmt: skip
    return root


def _job(kit: Path, folder: Path, **fields: object) -> Path:
    shot = {"name": "s1", "blend": str(kit / "in" / "scene.blend"), "char_a": "Ann", "char_b": "Bob",
            "motion_a": str(kit / "in" / "A.npz"), "motion_b": str(kit / "in" / "B.npz"),
            "out": "o/s1.blend", **fields}  # fmt: skip
    job = folder / "job.json"
    job.write_text(json.dumps({"version": 1, "shots": [shot]}))
    return job


def test_summary_dash_prints_the_report_on_stdout_after_the_result_line(kit, tmp_path):
    """A farm wrapper pipes the report into its scheduler: ``--summary -``. Before, the report went
    to a file named ``-`` in the working folder and stdout held only the result line."""
    job = _job(kit, tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "dualtalk", "animate", "--job", str(job), "--summary", "-", "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result, report = proc.stdout.split("\n", 1)
    assert result.startswith("s1: wrote ")
    summary = json.loads(report)
    assert summary["totals"] == {"shots": 1, "done": 1, "skipped": 0, "failed": 0, "busy": 0, "not_run": 0}
    assert summary["shots"][0]["status"] == "done"
    assert not (tmp_path / "-").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.json", "o"]


def _no_dev_paths(monkeypatch):
    """As on Windows: no /dev/stdout to open or replace (the report must go through sys.stdout)."""
    from dualtalk.inference.core import fileio

    real_atomic, real_resolve = fileio.atomic_path, fileio.resolve_output

    def refuse(path):
        if str(path).startswith("/dev/"):
            raise OSError(2, "No such file or directory (no /dev on this system)", str(path))

    def atomic(path, *a, **k):
        refuse(path)
        return real_atomic(path, *a, **k)

    def resolve(path, *a, **k):
        refuse(path)
        return real_resolve(path, *a, **k)

    monkeypatch.setattr(fileio, "atomic_path", atomic)
    monkeypatch.setattr(fileio, "resolve_output", resolve)


def test_summary_dash_needs_no_dev_stdout_as_on_windows(kit, tmp_path, capsys, monkeypatch):
    """A Windows farm's wrapper pipes ``--summary -`` into its scheduler. Before, the report was
    written to the path /dev/stdout, which Windows does not have: the batch ran, then failed to
    report."""
    _no_dev_paths(monkeypatch)
    monkeypatch.chdir(tmp_path)
    job = _job(kit, tmp_path)
    code, err, out = run_cli(capsys, ["animate", "--quiet", "--job", str(job), "--summary", "-"])
    assert code == 0, err
    report = json.loads(out[out.index("{") :])
    assert report["totals"]["done"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.json", "o"]


def test_a_refused_job_reports_on_stdout_without_dev_stdout(tmp_path, capsys, monkeypatch):
    """A job file that cannot be read still leaves its ``refused`` report on stdout."""
    _no_dev_paths(monkeypatch)
    job = tmp_path / "job.json"
    job.write_text("{not json")
    code, err, out = run_cli(capsys, ["animate", "--quiet", "--job", str(job), "--summary", "-"])
    assert code == 2
    assert err[0].startswith("error: ")
    assert json.loads(out[out.index("{") :])["status"] == "refused"


def test_summary_dash_is_named_in_the_help():
    from dualtalk.dualtalk_blender.commands.animate import add_arguments

    parser = __import__("argparse").ArgumentParser()
    add_arguments(parser)
    (action,) = [a for a in parser._actions if "--summary" in a.option_strings]
    assert "- prints it on stdout" in action.help


def test_a_job_range_of_400_digits_is_shown_cut(kit, tmp_path, capsys):
    """Before: "range 1-9999...(400 nines) must lie within the take (frames 1-30)", a line of about
    450 characters (the message cut only each word over 200 characters, in its middle)."""
    job = _job(kit, tmp_path, blend=str(kit / "take.blend"), range=[1, BIG])
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    assert code == 2
    assert err == [
        f"error: shot s1: range 1-{BIG_SHOWN} must lie within the take (frames 1-30)",
        "error: 1 of 1 shots failed: s1 (see the errors above)",
    ]
    assert snapshot(tmp_path / "o") == {}


def test_render_samples_and_resolution_of_400_digits_are_shown_cut(kit, tmp_path, capsys):
    job = _job(kit, tmp_path, render="o/r.mp4", samples=BIG)
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--job", str(job)])
    line = assert_refused(
        code, err, f"shot 's1'.samples: render samples must be within 1..65536, got {BIG_SHOWN}"
    )
    assert len(line) < 120, line
    out = tmp_path / "out"
    argv = ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), *CHARS,
            "--motion-a", str(kit / "in" / "A.npz"), "--motion-b", str(kit / "in" / "B.npz"),
            "--out", str(out / "s.blend"), "--render", str(out / "r.mp4")]  # fmt: skip
    code, err, _ = run_cli(capsys, [*argv, "--samples", "9" * 400])
    assert_refused(code, err, f"render samples must be within 1..65536, got {BIG_SHOWN}")
    code, err, _ = run_cli(capsys, [*argv, "--resolution", f"64x{'9' * 400}"])
    assert_refused(code, err, f"render resolution must be within 8..16384 pixels, got 64x{BIG_SHOWN}")
    assert snapshot(out) == {} and snapshot(tmp_path / "o") == {}


@pytest.mark.parametrize(
    ("pose", "needle"),
    [
        (np.zeros((10, 6), np.complex64), "face.npz: 'pose' values must be real numbers (float or integer), "
         "not complex numbers (dtype complex64)"),
        (np.zeros((10, 6), bool), "not true/false flags"),
        (np.full((10, 6), 1e30), "face.npz: 'pose' values reach 1e+30, beyond ±1000"),
        (np.full((10, 6), np.nan), "face.npz: 'pose' values contain NaN or Inf"),
    ],
)  # fmt: skip
def test_eval_audio_motion2_refuses_a_pose_of_the_wrong_numbers_in_one_line(tmp_path, pose, needle):
    """``eval audio --motion2``'s reader cast the pose with ``np.asarray(..., float64)``: a complex pose
    was read as its real part after numpy's ComplexWarning. Now the array rule every reader follows."""
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.training.evaluation.cmd_audio import tracked_jaw

    path = tmp_path / "face.npz"
    np.savez(path, pose=pose, exp=np.zeros((10, 50)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning would reach the researcher's terminal
        with pytest.raises(DualTalkError) as err:
            tracked_jaw(path)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_a_real_pose_is_still_read(tmp_path):
    from dualtalk.training.evaluation.cmd_audio import tracked_jaw

    pose = np.zeros((10, 6), np.float32)
    pose[:, 3] = np.linspace(0, 0.2, 10)
    np.savez(tmp_path / "face.npz", pose=pose, exp=np.zeros((10, 50)))
    jaw = tracked_jaw(tmp_path / "face.npz")
    assert jaw.dtype == np.float64 and np.allclose(jaw, np.linspace(0, 0.2, 10), atol=1e-6)


def test_an_infer_take_records_its_recording_so_a_range_refuses_another(kit, tmp_path, capsys):
    """The TD made the take with ``infer`` and keyed its files with ``animate --motion-a/-b``; a week
    later ``--range`` with another recording of the same length. Before, ``infer``'s files recorded no
    fingerprint: a warning, then the frames re-generated against the other audio (exit 0)."""
    talk = tmp_path / "talk.wav"
    sf.write(str(talk), two_voices(4.0), 16000)
    code, err, _ = run_cli(capsys, ["infer", "--audio", str(talk), "--out", str(tmp_path / "t"),
                                    "--engine", "lite", "--device", "cpu", "--quiet"])  # fmt: skip
    assert code == 0, err
    take = tmp_path / "take.blend"
    code, err, _ = run_cli(capsys, ["animate", "--quiet", "--blend", str(kit / "in" / "scene.blend"), *CHARS,
                                    "--motion-a", str(tmp_path / "t" / "A.npz"), "--motion-b",
                                    str(tmp_path / "t" / "B.npz"), "--out", str(take)])  # fmt: skip
    assert code == 0, err
    reversed_ = tmp_path / "reversed.wav"
    sf.write(str(reversed_), two_voices(4.0)[::-1], 16000)
    out = tmp_path / "out"
    argv = ["animate", "--quiet", "--blend", str(take), *CHARS, "--range", "20-30", "--engine", "lite",
            "--device", "cpu", "--out", str(out / "fixed.blend")]  # fmt: skip
    code, err, _ = run_cli(capsys, [*argv, "--audio", str(reversed_)])
    assert_refused(
        code, err, "--range 20-30: the take was made from talk.wav from 0.00 s to 4.00 s, but reversed.wav "
        "is not that recording (the contents differ); give the same --audio and --start/--end"
    )  # fmt: skip
    assert snapshot(out) == {}
    code, err, _ = run_cli(capsys, [*argv, "--audio", str(talk)])  # the take's own: no warning
    assert code == 0 and err == [], err
    from dualtalk.inference.audio.dialogue import recording_fingerprint

    source = load_motion(tmp_path / "t" / "A.npz").meta["source"]
    assert source["fingerprint"] == recording_fingerprint([talk]) != ""


def test_take_length_lives_beside_the_frame_span_check_and_commands_import_nothing_of_the_addon():
    from dualtalk.dualtalk_blender.scene import apply

    assert apply.TakeLength(50).fps == 25 and apply.TakeLength(50, at_least=49).at_least == 49
    for path in (REPO / "dualtalk_blender" / "commands").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("addon") and not (
                    node.level >= 2 and (node.module or "").split(".")[0] == "addon"
                ), f"{path.name} imports {node.module} from the add-on"
