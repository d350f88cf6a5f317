"""The animator presses Export FBX on a workstation whose temp folder is read-only (a locked-down
mount) or already full. The export first makes a folder of its own there, before it saves the copy
of the file the other Blender reads; that step failed with only "could not start FBX export:
[Errno 30] Read-only file system: '/tmp/dualtalk_fbx_x'", naming a folder the animator never made
(closing38). Now every step in the temp folder says which folder it is, why, and how to move it
(``TMPDIR``, ``TEMP`` on Windows); nothing is left there, and no FBX file is written."""

from __future__ import annotations

import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import addon_helpers as ah
import pytest
from dualtalk.dualtalk_blender.addon import fbx_job
from dualtalk.inference.core.errors import DualTalkError

VARIABLE = "TEMP" if os.name == "nt" else "TMPDIR"


@pytest.fixture
def pair(scene, assets):
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    return scene


def _export_refused(scene, fbx: Path) -> str:
    with pytest.raises(DualTalkError) as err:
        fbx_job.FbxExport(scene, scene.dualtalk, str(fbx)).start()
    line = str(err.value)
    assert "\n" not in line and "Errno" not in line
    assert not fbx.exists() and os.listdir(fbx.parent) == []
    return line


@pytest.fixture
def disk(tmp_path, monkeypatch) -> Iterator[Path]:
    """A real 1 MiB tmpfs as the temp folder (root on Linux only)."""
    if os.name == "nt" or os.geteuid() != 0:
        pytest.skip("mounts a tmpfs (root, Linux)")
    folder = tmp_path / "tmpdisk"
    folder.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _out(tmp_path: Path) -> Path:
    out = tmp_path / "exports"
    out.mkdir()
    return out / "pair.fbx"


def test_a_read_only_temp_folder_is_named_with_how_to_move_it(pair, tmp_path, disk):
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)

    line = _export_refused(pair, _out(tmp_path))

    # was: could not start FBX export: [Errno 30] Read-only file system: '.../tmpdisk/dualtalk_fbx_x'
    assert line == (
        f"could not make a folder for the export in the temp folder {disk}: Read-only file system "
        f"(make it writable or set {VARIABLE})"
    )


def test_a_temp_folder_with_no_room_for_the_copy_says_how_little_is_left(pair, tmp_path, disk):
    st = os.statvfs(disk)
    with open(disk / "filler.bin", "wb") as fh:
        fh.write(b"\1" * (st.f_bavail * st.f_frsize - 4 * 4096))

    line = _export_refused(pair, _out(tmp_path))

    assert line.startswith(f"could not save a copy of the file for the export in the temp folder {disk}: ")
    # 16 KB left, less the page of the job file written before the copy (review rv39b 3)
    assert line.endswith(f"; 12.0 KB free there (free space there or set {VARIABLE})")
    assert sorted(os.listdir(disk)) == ["filler.bin"]


def test_a_full_disk_refusing_the_exports_folder_is_named(pair, tmp_path, monkeypatch):
    """A full ext4 or NTFS volume refuses even a new folder (simulated: no mount needed)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    fbx = _out(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    mkdir = os.mkdir

    def no_room(path, *args, **kwargs):
        if Path(path).parent == temp:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", no_room)

    line = _export_refused(pair, fbx)

    assert line.startswith(f"could not make a folder for the export in the temp folder {temp}: ")
    assert os.strerror(errno.ENOSPC) in line
    assert line.endswith(f" (free space there or set {VARIABLE})")


def test_no_usable_temp_folder_at_all_says_which_variable_to_set(pair, tmp_path, monkeypatch):
    def none_usable():
        raise FileNotFoundError(errno.ENOENT, "No usable temporary directory found in ['/tmp', '/var/tmp']")

    monkeypatch.setattr(tempfile, "gettempdir", none_usable)

    line = _export_refused(pair, _out(tmp_path))

    assert line.startswith("could not find a temp folder to save a copy of the file for the export in (")
    assert line.endswith(f"set {VARIABLE} to a folder with room")
