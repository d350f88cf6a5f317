"""A pipeline TD sets ``samples``/``resolution`` in a job file for the renders of an overnight
batch. On the command line ``--samples`` without ``--render`` says it is ignored; in a job file a
shot without ``render`` dropped them without a word, so a shot the TD believed rendered at the
batch's settings had simply no render. Now each such shot gets one warning that names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dualtalk.cli import main
from test_audit_jobs import job_folder


def run_job(folder: Path, spec: dict) -> int:
    (folder / "shots.json").write_text(json.dumps(spec))
    return main(["animate", "--quiet", "--job", str(folder / "shots.json")])


def test_job_shots_with_render_settings_but_no_render_are_warned_about_by_name(tmp_path, capsys, monkeypatch):
    from dualtalk.dualtalk_blender.scene import render

    rendered = []

    def fake_render(scene, output, *, resolution=None, samples=None, progress=None, lock=True, **_more):
        rendered.append((Path(output).name, resolution, samples))
        return Path(output)

    monkeypatch.setattr(render, "render_shot", fake_render)
    folder = job_folder(tmp_path)
    spec = {
        "defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                     "motion_b": "in/B.npz", "samples": 64},
        "shots": [
            {"name": "wide", "out": "out/wide.blend", "render": "out/wide_frames", "resolution": [640, 360]},
            {"name": "close", "out": "out/close.blend"},
            {"name": "insert", "out": "out/insert.blend", "resolution": [320, 180], "render": False},
        ],
    }  # fmt: skip
    capsys.readouterr()  # Blender's "Saved" line from building the scene
    assert run_job(folder, spec) == 0
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines()] == ["wide", "close", "insert"]
    warnings = [line for line in captured.err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: shot 'close': samples applies only with render; ignored",
        "warning: shot 'insert': resolution and samples apply only with render; ignored",
    ]
    assert rendered == [("wide_frames", (640, 360), 64)]  # the shot with a render used them


def test_the_command_line_still_names_its_flags(tmp_path, capsys):
    """The same rule on the command line, in the CLI's own words (one run, one warning)."""
    folder = job_folder(tmp_path)
    capsys.readouterr()
    rc = main(["animate", "--quiet", "--blend", str(folder / "in" / "scene.blend"), "--char-a", "Ann",
               "--char-b", "Bob", "--motion-a", str(folder / "in" / "A.npz"), "--motion-b",
               str(folder / "in" / "B.npz"), "--out", str(folder / "out" / "x.blend"),
               "--samples", "8", "--resolution", "64x32"])  # fmt: skip
    assert rc == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        "warning: --resolution and --samples apply only with --render; ignored"
    ]


@pytest.mark.parametrize("samples", [0, True])
def test_bad_render_settings_in_a_shot_without_render_are_still_refused(tmp_path, capsys, samples):
    """A warning is not a pass for a bad value: one error line, nothing written."""
    folder = job_folder(tmp_path)
    spec = {"defaults": {"blend": "in/scene.blend", "char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz",
                         "motion_b": "in/B.npz"},
            "shots": [{"name": "close", "out": "out/close.blend", "samples": samples}]}  # fmt: skip
    capsys.readouterr()
    assert run_job(folder, spec) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "samples" in err
    assert not (folder / "out").exists()
