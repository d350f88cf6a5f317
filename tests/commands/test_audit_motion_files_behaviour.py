"""A TD keys motion files made earlier and adds ``--blinks off --mood animated`` to the command:
the flags shape the engine's take, which does not run with ``--motion-a/--motion-b``, so every blink
stayed and the run said nothing. Now it says which settings did not reach the files."""

from __future__ import annotations

import json

from dualtalk.cli import main
from test_audit_jobs import job_folder


def test_behaviour_flags_with_given_motion_files_are_named_as_not_reaching_them(tmp_path, capsys):
    folder = job_folder(tmp_path)
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend"),
               "--blinks", "off", "--mood", "animated", "--lip-release", "0.2"])  # fmt: skip
    assert rc == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: --lip-release, --blinks, --mood shape the engine's take, which does not run with "
        "--motion-a/--motion-b: the motion files keep the blinks, looks and lips they were made with "
        "(make them with these settings: infer)"
    ]


def test_a_job_shot_names_its_keys_and_a_shot_without_them_says_nothing(tmp_path, capsys):
    folder = job_folder(tmp_path)
    spec = {
        "defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz"},
        "shots": [{"name": "calm", "out": "out/calm.blend", "mood": "serious"}, {"name": "plain", "out": "out/p.blend"}],
    }  # fmt: skip
    (folder / "shots.json").write_text(json.dumps(spec))
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: shot 'calm': mood shapes the engine's take, which does not run with motion_a/motion_b: "
        "the motion files keep the blinks, looks and lips they were made with (make them with these "
        "settings: infer)"
    ]
