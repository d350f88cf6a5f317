"""A render farm mounts one share at ``/mnt/proj`` on some nodes and at ``/net/proj`` on others, so
the same job folder is reached by two paths (a bind mount, an automount, the folder moved or renamed:
the same here). Before, the done record was keyed by absolute paths: ``--skip-done`` ran every shot
again there ("its settings changed"), and each output was taken for "not ours" ("no record says
animate wrote it"), so every run kept one more copy of each FBX and the .blend, and an artist's edit
kept as ``s1.blend1`` was replaced by animate's own .blend (review rv37b F1). Now the settings are
digested with the outputs' paths relative to the shot's folder and the inputs by name (their contents
are fingerprinted anyway), and the record's paths are read as this run reaches the shot's folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dualtalk.cli import main
from test_audit_jobs import DEFAULTS, job_folder, voice


def _share(tmp_path: Path) -> Path:
    """The share as one node mounts it: ``mnt/job`` holding a shot with an FBX and a work folder."""
    (tmp_path / "mnt").mkdir()
    folder = job_folder(tmp_path / "mnt")
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)
    defaults = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
    shot = {"name": "s1", "out": "out/s1.blend", "fbx": "out/s1.fbx", "audio": "in/talk.wav"}
    (folder / "shots.json").write_text(json.dumps({"defaults": defaults, "shots": [shot]}))
    return folder


def _remount(folder: Path, mount: str) -> Path:
    """The same folder (the same files, the same inodes) reached under another path."""
    share = folder.parent
    other = share.with_name(mount)
    os.rename(share, other)
    return other / folder.name


def _run(folder: Path, capsys, *flags: str) -> tuple[str, str]:
    report = folder.parent.parent / "report.json"
    capsys.readouterr()
    code = main(["animate", "--quiet", "--job", str(folder / "shots.json"), *flags, "--summary", str(report)])
    assert code == 0
    return json.loads(report.read_text())["shots"][0]["status"], capsys.readouterr().out


def test_skip_done_skips_a_done_shot_reached_by_another_mount_point(tmp_path, capsys):
    folder = _share(tmp_path)
    assert _run(folder, capsys, "--skip-done")[0] == "done"

    folder = _remount(folder, "net")
    status, out = _run(folder, capsys, "--skip-done")
    assert status == "skipped", out  # before: "runs again: ... but its settings changed"
    assert "its outputs are in place" in out

    folder = _remount(folder, "mnt")  # and back, as the next node mounts it
    assert _run(folder, capsys, "--skip-done")[0] == "skipped"


def test_a_rerun_by_another_mount_point_replaces_animates_own_output_without_a_copy(tmp_path, capsys):
    folder = _share(tmp_path)
    assert _run(folder, capsys)[0] == "done"
    for mount in ("net", "mnt", "net"):
        folder = _remount(folder, mount)
        status, out = _run(folder, capsys)
        assert status == "done" and "kept the" not in out, out  # before: s1.blend1, s1.1.fbx, s1.2.fbx ...
    assert sorted(p.name for p in (folder / "out").iterdir() if not p.name.startswith(".")) == [
        "s1.blend",
        "s1.dualtalk",
        "s1.fbx",
    ]


def test_an_artists_edit_is_kept_for_what_it_is_and_never_replaced_from_another_mount_point(tmp_path, capsys):
    folder = _share(tmp_path)
    assert _run(folder, capsys)[0] == "done"
    blend = folder / "out" / "s1.blend"
    with blend.open("ab") as fh:  # the artist opened the shot and saved their edit
        fh.write(b"ARTIST_EDIT")
    edit = blend.read_bytes()

    folder = _remount(folder, "net")
    status, out = _run(folder, capsys)
    assert status == "done"
    assert "kept the s1.blend it replaced (changed since animate wrote it) as s1.blend1" in out, out
    kept = folder / "out" / "s1.blend1"
    assert kept.read_bytes() == edit

    folder = _remount(folder, "mnt")  # the next run, nothing changed, from the first node
    status, out = _run(folder, capsys)
    assert status == "done" and "kept the" not in out, (
        out
    )  # before: "no record says ...": s1.blend kept again
    assert (folder / "out" / "s1.blend1").read_bytes() == edit
    assert not (folder / "out" / "s1.blend2").exists()
