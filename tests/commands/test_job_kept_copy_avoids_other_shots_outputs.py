"""A job's shot ``a`` exports ``a.fbx`` over the animator's hand-keyed ``a.fbx`` and keeps theirs as
``a.1.fbx``; shot ``b`` of the same job exports ``a.1.fbx`` (a version the layout named so). Before,
``b`` then found the animator's file at its output and kept it again, as ``a.1.1.fbx``: their work
under a name that says it is a copy of ``b``'s, and ``a``'s summary listing ``b``'s output as what it
kept (session 36's closing note). Now a copy a shot keeps never takes a name another shot of its job
will write: ``a`` keeps theirs as ``a.2.fbx``, and ``b`` writes ``a.1.fbx`` as a new file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import shot_state
from dualtalk.dualtalk_blender.commands.jobs import load_jobs
from dualtalk.inference.core.fileio import sha256_file
from test_blender_animate import build_scene, motions


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    return build_scene(tmp_path_factory.mktemp("kept_names") / "in.blend")


def _job(folder: Path, scene: Path) -> Path:
    a, b = motions(folder, frames=5)
    shots = [
        {"name": "a", "out": "a.blend", "fbx": "a.fbx"},
        {"name": "b", "out": "b.blend", "fbx": "a.1.fbx"},
    ]
    defaults = {"blend": str(scene), "char_a": "Ann", "char_b": "Bob", "motion_a": a.name, "motion_b": b.name}
    (folder / "shots.json").write_text(json.dumps({"defaults": defaults, "shots": shots}), encoding="utf-8")
    return folder / "shots.json"


def test_a_kept_copy_never_takes_the_name_another_shot_writes(scene, tmp_path, capsys):
    job = _job(tmp_path, scene)
    theirs = tmp_path / "a.fbx"
    theirs.write_bytes(b"hand keyed" * 100)
    was = sha256_file(theirs)
    summary = tmp_path / "report.json"

    assert main(["animate", "--quiet", "--job", str(job), "--summary", str(summary)]) == 0

    line = capsys.readouterr().out
    assert "; kept the a.fbx it replaced (no record says animate wrote it) as a.2.fbx" in line, line
    assert sha256_file(tmp_path / "a.2.fbx") == was
    assert (tmp_path / "a.1.fbx").read_bytes().startswith(b"Kaydara FBX Binary")  # b's own export
    assert not list(tmp_path.glob("a.1.*.fbx")) and "kept the a.1.fbx" not in line
    a, b = json.loads(summary.read_text(encoding="utf-8"))["shots"]
    assert str(tmp_path / "a.2.fbx") in a["outputs"] and str(tmp_path / "a.1.fbx") in b["outputs"]


def test_what_the_job_writes_is_not_a_setting_of_its_shots(scene, tmp_path):
    """The plan of the job's outputs says where a copy goes, not how a shot is made: a shot's
    settings fingerprint (--skip-done's) is the same in a job of one shot or of two."""
    job = _job(tmp_path, scene)
    both = load_jobs(job)
    spec = json.loads(job.read_text(encoding="utf-8"))
    spec["shots"] = spec["shots"][:1]
    job.write_text(json.dumps(spec), encoding="utf-8")
    alone = load_jobs(job)

    assert shot_state.settings_digest(both[0]) == shot_state.settings_digest(alone[0])
