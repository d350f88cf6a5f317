"""A farm job whose third shot's .blend a colleague saved in a newer Blender: since the up-front check
reads object names without opening each file, that file was refused only at its turn, after the
shots before it had rendered (review rv38f F2). Its header says which Blender saved it; the check
reads that too, opens such a file, and the shot fails before the first shot runs, in the same line."""

from __future__ import annotations

import json
import shutil

import bpy
from dualtalk.cli import main
from dualtalk.dualtalk_blender.commands import batch
from dualtalk.dualtalk_blender.scene.blendio import saved_release
from test_audit_jobs import DEFAULTS, job_folder

KEYED = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}


def _newer(path, release: bytes = b"0700"):
    bpy.ops.wm.open_mainfile(filepath=str(path))
    bpy.ops.wm.save_as_mainfile(filepath=str(path), compress=False)
    data = bytearray(path.read_bytes())
    data[13:17] = release  # BLENDER17-01v0500 -> v0700
    path.write_bytes(bytes(data))
    bpy.ops.wm.read_homefile(use_empty=True)  # not the file open in this session (its names read so)


def test_a_shots_blend_from_a_newer_blender_fails_it_before_the_first_shot(tmp_path, capsys, monkeypatch):
    folder = job_folder(tmp_path)
    for name in ("s1", "s3"):
        shutil.copy(folder / "in" / "scene.blend", folder / "in" / f"{name}.blend")
    _newer(folder / "in" / "s3.blend")
    shots = [{"name": n, "blend": f"in/{n}.blend", "out": f"out/{n}.blend"} for n in ("s1", "s3")]
    (folder / "shots.json").write_text(json.dumps({"defaults": KEYED, "shots": shots}))
    said: list[str] = []  # what was said when each shot's turn came
    real = batch.run_shot
    monkeypatch.setattr(
        batch, "run_shot", lambda shot, *a, **k: said.append(capsys.readouterr().err) or real(shot, *a, **k)
    )
    capsys.readouterr()

    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 2

    assert len(said) == 1 and said[0].startswith("error: shot s3: s3.blend was saved by a newer"), said
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "error: 1 of 2 shots failed: s3 (see the errors above)", err
    assert not (folder / "out" / "s3.blend").exists() and (folder / "out" / "s1.blend").is_file()


def test_the_header_says_which_blender_saved_a_file_compressed_or_not(tmp_path):
    plain, packed = tmp_path / "plain.blend", tmp_path / "packed.blend"
    bpy.ops.wm.read_homefile(use_empty=True)
    bpy.ops.wm.save_as_mainfile(filepath=str(plain), compress=False)
    bpy.ops.wm.save_as_mainfile(filepath=str(packed), compress=True)
    (tmp_path / "old.blend").write_bytes(b"BLENDER-v405REND" + bytes(48))
    (tmp_path / "x.blend").write_bytes(b"not a blend file")
    major, minor = bpy.app.version_file[:2]

    assert saved_release(plain) == saved_release(packed) == major * 100 + minor
    assert saved_release(tmp_path / "old.blend") == 405
    assert saved_release(tmp_path / "x.blend") is None and saved_release(tmp_path / "none.blend") is None
