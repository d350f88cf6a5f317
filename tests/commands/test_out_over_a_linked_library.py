"""A set dresser's shot links its props from ``//props.blend``; the TD types ``--out props.blend``
(one tab-completion too far). The run replaced the library with the animated shot: the input scene,
and every scene of the studio that links that file, opened with their props missing, and only
``props.blend1`` was left. Now the run stops as soon as the scene is open, before any work, in one
line naming the library and what the scene links from it; the library is left as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import bpy
from dualtalk.cli import main
from dualtalk.inference.core.fileio import sha256_file
from test_audit_jobs import job_folder


def _shot_linking_props(folder: Path) -> tuple[Path, Path]:
    """``in/props.blend`` (a cube "SetPiece") and ``in/shot.blend``: the test scene plus SetPiece
    linked from ``//props.blend``."""
    props, shot = folder / "in" / "props.blend", folder / "in" / "shot.blend"
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.mesh.primitive_cube_add()
    bpy.context.object.name = "SetPiece"
    bpy.ops.wm.save_as_mainfile(filepath=str(props))
    bpy.ops.wm.open_mainfile(filepath=str(folder / "in" / "scene.blend"))
    with bpy.data.libraries.load(str(props), link=True, relative=True) as (_src, dst):
        dst.objects = ["SetPiece"]
    bpy.context.scene.collection.objects.link(dst.objects[0])
    bpy.ops.wm.save_as_mainfile(filepath=str(shot))
    return props, shot


def _error_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]


def test_out_at_the_library_the_scene_links_is_refused_and_the_library_kept(tmp_path, capsys):
    folder = job_folder(tmp_path)
    props, shot = _shot_linking_props(folder)
    before = sha256_file(props)
    capsys.readouterr()
    code = main(["animate", "--quiet", "--blend", str(shot), "--char-a", "Ann", "--char-b", "Bob",
                 "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
                 "--out", str(props)])  # fmt: skip
    assert code == 2
    assert _error_lines(capsys) == [
        f"error: --out {props} is a library shot.blend links (SetPiece): writing it would break that scene "
        "and every other that links it; choose another path"
    ]
    assert sha256_file(props) == before
    assert not props.with_suffix(".blend1").exists()


def test_a_link_to_the_library_is_the_library(tmp_path, capsys):
    folder = job_folder(tmp_path)
    props, shot = _shot_linking_props(folder)
    alias = tmp_path / "latest.blend"
    os.symlink(props, alias)
    before = sha256_file(props)
    capsys.readouterr()
    code = main(["animate", "--quiet", "--blend", str(shot), "--char-a", "Ann", "--char-b", "Bob",
                 "--motion-a", str(folder / "in" / "A.npz"), "--motion-b", str(folder / "in" / "B.npz"),
                 "--out", str(alias)])  # fmt: skip
    assert code == 2
    assert _error_lines(capsys)[0].startswith(
        f"error: --out {alias} is a library shot.blend links (SetPiece)"
    )
    assert sha256_file(props) == before


def test_a_job_shot_whose_out_is_its_scenes_library_fails_alone(tmp_path, capsys):
    folder = job_folder(tmp_path)
    props, _shot = _shot_linking_props(folder)
    before = sha256_file(props)
    keyed = {"char_a": "Ann", "char_b": "Bob", "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
    spec = {
        "shots": [
            {"name": "s1", "blend": "in/shot.blend", "out": "in/props.blend", **keyed},
            {"name": "s2", "blend": "in/shot.blend", "out": "out/s2.blend", **keyed},
        ]
    }
    (folder / "shots.json").write_text(json.dumps(spec))
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 2
    err = _error_lines(capsys)  # at its turn, or before the first shot where the job opens scenes first
    assert err[0].startswith(f"error: shot s1: out {props} is a library shot.blend ")
    assert "links (SetPiece): writing it would break that scene and every other that links it;" in err[0]
    assert err[-1] == "error: 1 of 2 shots failed: s1 (see the errors above)"
    assert sha256_file(props) == before
    assert (folder / "out" / "s2.blend").is_file()
