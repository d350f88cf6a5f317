"""A user keys motion files made earlier and adds ``--gaze off`` because the heads turned toward
each other. The flag does reach the take: it switches off the eye contact keyed in Blender (the
head turns and eye aims toward the partner). The run said it had no effect and sent the user to
re-run ``infer`` (review rv39f F5); now it says what it does, and ``--gaze 0.5``, which only shapes
the engine's take, is still named as not reaching the files."""

from __future__ import annotations

from dualtalk.cli import main
from test_audit_jobs import job_folder


def animate(folder, *flags: str) -> None:
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend"), *flags])  # fmt: skip
    assert rc == 0


def warnings_of(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]


def test_gaze_off_with_motion_files_says_it_switches_off_the_eye_contact_keyed_in_blender(tmp_path, capsys):
    folder = job_folder(tmp_path)
    capsys.readouterr()
    animate(folder, "--gaze", "off", "--mood", "animated")
    assert warnings_of(capsys) == [
        "warning: --gaze off: the eye contact keyed in Blender is off (no head turns or eye aims toward the "
        "partner); the looks in the motion files stay as they were made",
        "warning: --mood shapes the engine's take, which does not run with --motion-a/--motion-b: the motion "
        "files keep the blinks, looks and lips they were made with (make them with these settings: infer)",
    ]


def test_a_gaze_amount_with_motion_files_still_reaches_nothing_and_says_so(tmp_path, capsys):
    folder = job_folder(tmp_path)
    capsys.readouterr()
    animate(folder, "--gaze", "0.5")
    (line,) = warnings_of(capsys)
    assert line.startswith("warning: --gaze shapes the engine's take, which does not run with")


def test_a_job_shot_with_gaze_off_says_the_same(tmp_path, capsys):
    """A farm job keying motion files with ``"gaze": "off"``: the job's up-front line says what the
    setting does, as the command line does, not that it reaches nothing."""
    from test_audit_jobs import DEFAULTS, run_job

    folder = job_folder(tmp_path)
    capsys.readouterr()
    shot = {
        "name": "s1",
        "out": "out/s1.blend",
        "motion_a": "in/A.npz",
        "motion_b": "in/B.npz",
        "gaze": "off",
    }
    assert run_job(folder, {"defaults": DEFAULTS, "shots": [shot]}) == 0
    lines = warnings_of(capsys)
    assert any("gaze off: the eye contact keyed in Blender is off" in line for line in lines), lines
    assert not any("gaze shapes the engine's take" in line for line in lines), lines
