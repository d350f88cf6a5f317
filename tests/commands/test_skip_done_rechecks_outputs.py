"""A TD syncs a finished batch to the render farm's share and back, and the copy of ``s1.blend`` is
cut short (a partial rsync). Night 2 runs the job with ``--skip-done``. Before, the done record held
the outputs' paths only, so the shot was skipped "with its outputs in place" and the farm met a
.blend Blender cannot open. Now a .blend that does not end as a saved one ends, or another output
whose size differs from the record's, runs the shot again, and the line says which output and why.
A .blend an artist opened and saved (their lighting pass) is theirs: the shot is still skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dualtalk.cli import main
from dualtalk.inference.core.outputs import WORK_MARKER
from test_audit_jobs import DEFAULTS, job_folder, voice


def _job(tmp_path: Path) -> Path:
    folder = job_folder(tmp_path)
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)
    defaults = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
    shot = {"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav"}
    (folder / "shots.json").write_text(json.dumps({"defaults": defaults, "shots": [shot]}))
    return folder


def _night(folder: Path, capsys) -> tuple[str, str]:
    report = folder.parent / "report.json"
    capsys.readouterr()
    code = main(
        ["animate", "--quiet", "--job", str(folder / "shots.json"), "--skip-done", "--summary", str(report)]
    )
    assert code == 0
    return json.loads(report.read_text())["shots"][0]["status"], capsys.readouterr().out


def _cut(path: Path, keep: float = 0.5) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(int(os.path.getsize(path) * keep))


def test_a_blend_cut_short_after_the_run_makes_the_shot_run_again(tmp_path, capsys):
    folder = _job(tmp_path)
    blend = folder / "out" / "s1.blend"
    assert _night(folder, capsys)[0] == "done"
    assert _night(folder, capsys)[0] == "skipped"

    _cut(blend)
    status, out = _night(folder, capsys)
    assert status == "done"
    assert "s1: runs again: done by run " in out
    assert f"but its output {blend} is cut short (not a whole .blend)" in out
    assert _night(folder, capsys)[0] == "skipped"  # the new set is whole and recorded


def test_a_work_file_of_another_size_makes_the_shot_run_again(tmp_path, capsys):
    folder = _job(tmp_path)
    wav = folder / "out" / "s1.dualtalk" / "dialogue.wav"
    assert _night(folder, capsys)[0] == "done"
    size = wav.stat().st_size
    _cut(wav)

    status, out = _night(folder, capsys)
    assert status == "done"
    assert f"but its output {wav} changed since (now {size // 2:,} bytes, {size:,} when done)" in out
    assert wav.stat().st_size == size


def test_an_older_record_without_sizes_is_judged_by_its_blend_alone(tmp_path, capsys):
    """A record from before sizes were kept still skips a whole set (no batch redone on upgrade),
    but not one whose .blend is cut short."""
    folder = _job(tmp_path)
    assert _night(folder, capsys)[0] == "done"
    marker = folder / "out" / "s1.dualtalk" / WORK_MARKER
    head, line = marker.read_text().splitlines()
    record = json.loads(line)
    record["done"].pop("sizes", None)
    marker.write_text(f"{head}\n{json.dumps(record)}\n")
    assert _night(folder, capsys)[0] == "skipped"

    marker.write_text(f"{head}\n{json.dumps(record)}\n")  # still the old record (the skip kept it)
    _cut(folder / "out" / "s1.blend")
    status, out = _night(folder, capsys)
    assert status == "done" and "is cut short (not a whole .blend)" in out


def test_an_artists_saved_edits_to_the_shot_are_kept_by_the_next_night(tmp_path, capsys):
    """The lighter opens s1.blend, adds a light and saves: the .blend is whole but of another size.
    Night 2 skips the shot and the light is still there (a run would have replaced their work)."""
    import bpy

    folder = _job(tmp_path)
    blend = folder / "out" / "s1.blend"
    assert _night(folder, capsys)[0] == "done"
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    light = bpy.data.objects.new("ArtistLight", bpy.data.lights.new("ArtistLight", "POINT"))
    bpy.context.scene.collection.objects.link(light)
    bpy.ops.wm.save_mainfile()
    bpy.ops.wm.read_homefile(use_empty=True)

    status, out = _night(folder, capsys)
    assert status == "skipped", out
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    assert "ArtistLight" in bpy.data.objects
    bpy.ops.wm.read_homefile(use_empty=True)
