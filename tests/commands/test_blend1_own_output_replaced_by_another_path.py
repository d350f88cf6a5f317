"""An artist opens a farm shot and saves their edit: Blender keeps animate's own .blend as ``s1.blend1``
(Save Versions). The next run reaches the share by another mount point. Only an ``s1.blend1`` holding
animate's own earlier output may be replaced (a738317); the record naming it was read by its absolute
path, so from the other mount point the artist's edit went to ``s1.blend2`` beside a stale copy of
animate's own output. Now the record is read as this run reaches the folder (shot_state.own_blend)."""

from __future__ import annotations

import json
import os
import shutil

from dualtalk.cli import main
from test_audit_jobs import DEFAULTS, job_folder, voice


def test_an_artists_save_from_another_mount_point_replaces_blenders_backup_of_animates_output(
    tmp_path, capsys
):
    (tmp_path / "mnt").mkdir()
    folder = job_folder(tmp_path / "mnt")
    voice(folder / "in" / "talk.wav", 180, seconds=1.2)
    defaults = {**DEFAULTS, "motion_a": "in/A.npz", "motion_b": "in/B.npz"}
    shot = {"name": "s1", "out": "out/s1.blend", "audio": "in/talk.wav"}
    (folder / "shots.json").write_text(json.dumps({"defaults": defaults, "shots": [shot]}))
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 0
    blend = folder / "out" / "s1.blend"
    shutil.copy2(blend, blend.with_name("s1.blend1"))  # Blender's backup of animate's own file at the save
    with blend.open("ab") as fh:
        fh.write(b"ARTIST_EDIT")
    edit = blend.read_bytes()

    os.rename(tmp_path / "mnt", tmp_path / "net")
    folder = tmp_path / "net" / "job"
    capsys.readouterr()
    assert main(["animate", "--quiet", "--job", str(folder / "shots.json")]) == 0
    out = capsys.readouterr().out
    assert "(the earlier s1.blend1, animate's own output, replaced)" in out, out
    assert (folder / "out" / "s1.blend1").read_bytes() == edit
    assert not (folder / "out" / "s1.blend2").exists()  # before: the edit here, s1.blend1 a stale copy
