"""A farm mounts one share at ``/mnt/proj`` on one node and ``/data/share/proj`` on another; a shot's
``work`` folder is on the node's local disk (``/scratch/work``), outside the share. The done record
names its files as the node that wrote it reached them, and a later run reads them onto its own path
to the shot's folder. A path outside the share was taken one folder off where the two mounts differ in
depth (``/data/scratch/work``), so the summary left out the ``recognised.edited.txt`` the run had
kept (review rv38d F7). Now only what lies under the part of the two paths that differs is moved."""

from __future__ import annotations

from pathlib import Path

from dualtalk.dualtalk_blender.commands.jobs import Shot
from dualtalk.dualtalk_blender.commands.shot_state import here, kept_files


def shot_at(out: Path, work: Path | None = None) -> Shot:
    return Shot(name="s01", blend=out.with_name("in.blend"), char_a="Ann", char_b="Bob", out=out, work=work)


def test_a_work_folder_outside_the_share_is_found_where_it_is_by_a_deeper_mount(tmp_path):
    (tmp_path / "mnt" / "proj" / "s01").mkdir(parents=True)
    (tmp_path / "data" / "share").mkdir(parents=True)
    (tmp_path / "data" / "share" / "proj").symlink_to(tmp_path / "mnt" / "proj")  # the other node's mount
    work = tmp_path / "scratch" / "work"
    work.mkdir(parents=True)
    (work / "recognised.edited.txt").write_text("the TD's corrected words")
    record = {
        "blend_path": str(tmp_path / "mnt" / "proj" / "s01" / "s01.blend"),
        "kept": [str(work / "recognised.edited.txt")],
    }
    shot = shot_at(tmp_path / "data" / "share" / "proj" / "s01" / "s01.blend", work)

    assert kept_files(shot, record) == [work / "recognised.edited.txt"]  # before: []


def test_what_lies_in_the_share_is_read_by_this_mount_and_what_lies_outside_stays():
    record = {"blend_path": "/mnt/proj/s01/s01.blend"}
    shot = shot_at(Path("/data/share/proj/s01/s01.blend"))
    assert here(shot, record, "/mnt/proj/s01/s01.fbx") == "/data/share/proj/s01/s01.fbx"
    assert here(shot, record, "/mnt/proj/fbx/s01.fbx") == "/data/share/proj/fbx/s01.fbx"
    assert here(shot, record, "/scratch/work/A.npz") == "/scratch/work/A.npz"  # before: /data/scratch/...
    same = shot_at(Path("/mnt/proj/s01/s01.blend"))
    assert here(same, record, "/scratch/work/A.npz") == "/scratch/work/A.npz"


def test_a_moved_job_folder_takes_its_shot_folders_neighbours_along():
    """The job folder moved and the shot folder renamed: the two paths end in nothing alike, and a file
    beside the shot's folder is read beside it, as before."""
    record = {"blend_path": "/mnt/proj/jobA/s01/s01.blend"}
    shot = shot_at(Path("/net/jobB/s01_v2/s01.blend"))
    assert (
        here(shot, record, "/mnt/proj/jobA/s01/s01.dualtalk/A.npz") == "/net/jobB/s01_v2/s01.dualtalk/A.npz"
    )
    assert here(shot, record, "/mnt/proj/jobA/fbx/s01.fbx") == "/net/jobB/fbx/s01.fbx"
    moved = shot_at(Path("/mnt/proj/jobB/s01/s01.blend"))  # moved, not renamed: the job's folder differs
    assert here(moved, record, "/mnt/proj/jobA/fbx/s01.fbx") == "/mnt/proj/jobB/fbx/s01.fbx"
