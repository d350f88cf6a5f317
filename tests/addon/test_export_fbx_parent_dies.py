"""The animator's Blender dies (a crash, ``kill -9``, the OOM killer) while Export FBX runs.

The exporting Blender noticed and exited, but left its hidden staged file beside the user's and the
temp folder with the whole copy of the scene, and nothing ever removed either (review rv38f F3). Now
it removes both itself, and the next Export FBX sweeps what a dead export left, never a live one's.
The animator's Blender is played by a Python process with the add-on that starts the export and
kills itself with SIGKILL once the other Blender samples the take. Last, the other Blender runs the
file's Python drivers as the animator's does for this file, not only as its preference says.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import bpy
import pytest
import test_export_fbx_esc as esc
from dualtalk.dualtalk_blender.addon import fbx_job, fbx_leftovers
from test_export_fbx_esc import YESTERDAY, Button

pair, temp = esc.pair, esc.temp  # the Esc tests' fixtures: a keyed pair, the job's temp folder

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the animator is killed with SIGKILL")

ANIMATOR = """
import json, os, signal, sys, tempfile, time
from pathlib import Path
import bpy
import addon_helpers as ah

args = json.loads(sys.argv[1])
tempfile.tempdir = args["temp"]
scene, _prefs = ah.fresh_scene_with_addon(Path(args["models"]))
scene.render.fps = 25
a, b = ah.two_characters()
ah.setup_panel(scene, a, b, Path(args["wav"]), Path(args["ckpt"]))
with bpy.context.temp_override(scene=scene):
    taken = bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(Path(args["take"]))))
assert taken == {"FINISHED"}
scene.frame_start, scene.frame_end = 1, 3000
scene.dualtalk.fbx_per_character = args["per_character"]
from dualtalk.dualtalk_blender.addon import fbx_job

job = fbx_job.FbxExport(scene, scene.dualtalk, args["path"]).start()
end = time.monotonic() + 120
while job.poll() and job.fraction == 0.0 and time.monotonic() < end:
    time.sleep(0.05)
staged = [str(p) for p in job._staged]
print(json.dumps({"child": job._proc.pid, "staged": staged, "there": [os.path.exists(p) for p in staged],
                  "folder": str(job._folder), "sampling": job.fraction > 0.0}), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def animator_dies_while_exporting(assets, tmp_path: Path, temp: Path, per_character: bool = False) -> dict:
    args = {
        "temp": str(temp),
        "models": str(assets["models"]),
        "wav": str(assets["wav"]),
        "ckpt": str(assets["ckpt"]),
        "take": str(tmp_path / "cafe"),
        "path": str(tmp_path / "pair.fbx"),
        "per_character": per_character,
    }
    import dualtalk

    where = [str(Path(dualtalk.__file__).parents[1]), str(Path(__file__).parents[1])]  # dualtalk, helpers
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*where, os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run(
        [sys.executable, "-c", ANIMATOR, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert out.returncode == -signal.SIGKILL, out.stderr[-2000:]
    said = json.loads(out.stdout.strip().splitlines()[-1])
    assert said["sampling"] and all(said["there"]), said  # it died mid-export, its files staged
    end = time.monotonic() + 30
    while not gone(said["child"]):
        assert time.monotonic() < end, "the exporting Blender outlived the animator's"
        time.sleep(0.1)
    return said


def test_the_exporting_blender_removes_its_staged_file_and_the_copy_when_the_animators_dies(
    assets, tmp_path, temp
):
    path = tmp_path / "pair.fbx"
    path.write_bytes(YESTERDAY)

    said = animator_dies_while_exporting(assets, tmp_path, temp)

    assert path.read_bytes() == YESTERDAY
    # no staged part, nor the lock file the dead Blender held beside the file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "pair.fbx", "tmp"]
    assert not Path(said["folder"]).exists() and list(temp.iterdir()) == []  # nor the copy of the .blend


def test_one_file_per_character_leaves_neither_staged_file(assets, tmp_path, temp):
    animator_dies_while_exporting(assets, tmp_path, temp, per_character=True)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "tmp"]
    assert list(temp.iterdir()) == []


def dead_export(temp: Path, beside: Path, *, live: bool) -> tuple[Path, Path, int]:
    """A job folder and its staged file as an export whose Blenders are gone (or, ``live``, still
    running: its owner lock held) leaves them; the lock's descriptor (-1 when let go)."""
    folder = temp / f"{fbx_leftovers.FOLDER_PREFIX}k3j9x2ab"
    folder.mkdir()
    (folder / "scene.blend").write_bytes(b"BLENDER-v500" + bytes(4096))
    staged = beside / ".pair.q7w2e9rt.part.fbx"
    staged.write_bytes(b"")
    (beside / "..pair.q7w2e9rt.part.z1x2c3v4.part.fbx").write_bytes(b"half an FBX")
    (folder / "job.json").write_text(json.dumps({"files": [{"path": str(staged)}]}), encoding="utf-8")
    fd = fbx_leftovers.hold_owner(folder)
    if not live:
        os.close(fd)
        fd = -1
    return folder, staged, fd


def test_the_next_export_sweeps_what_a_dead_export_left_and_writes_the_file(scene, pair, tmp_path, temp):
    scene.frame_end = 50
    path = tmp_path / "pair.fbx"
    folder, staged, _fd = dead_export(temp, tmp_path, live=False)
    orphan = tmp_path / ".pair.m4n5b6v7.part.fbx"  # its temp folder went with a reboot: no job lists it
    orphan.write_bytes(b"")
    other = tmp_path / ".pair_Alice.a1s2d3f4.part.fbx"  # another file's staged name: not this one's
    other.write_bytes(b"")

    button = Button(scene, path)
    assert not folder.exists() and not staged.exists() and not orphan.exists()
    end = time.monotonic() + 180
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end
        time.sleep(0.05)

    assert ended == {"FINISHED"}, button.said
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "cafe", "pair.fbx", "tmp"]
    assert list(temp.iterdir()) == []


def test_a_live_exports_folder_and_staged_file_are_left_alone(tmp_path, temp):
    """Its owner lock held (the Blender exporting it runs): the sweep takes neither."""
    folder, staged, fd = dead_export(temp, tmp_path, live=True)
    try:
        fbx_leftovers.sweep([tmp_path / "pair.fbx"])
        assert folder.exists() and staged.exists()
        assert (tmp_path / "..pair.q7w2e9rt.part.z1x2c3v4.part.fbx").exists()
    finally:
        os.close(fd)
    fbx_leftovers.sweep([tmp_path / "pair.fbx"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"] and list(temp.iterdir()) == []


def test_a_second_blender_exporting_the_same_file_is_refused_in_one_line(scene, pair, tmp_path, temp):
    from dualtalk.inference.core import locks
    from dualtalk.inference.core.errors import DualTalkError

    path = tmp_path / "pair.fbx"
    with (
        locks.locked(path, "FBX file"),
        pytest.raises(DualTalkError, match="another DualTalk run is writing"),
    ):
        Button(scene, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "tmp"] and list(temp.iterdir()) == []


def rig_driven(python: bool) -> None:
    """An empty file with one scripted driver: Python (needs auto-run) or a simple expression."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    obj = bpy.data.objects.new("Rig", None)
    bpy.context.scene.collection.objects.link(obj)
    driver = obj.driver_add("location", 0).driver
    driver.type = "SCRIPTED"
    driver.expression = "bpy.context.scene.frame_current * 0.5" if python else "frame * 0.5"


@pytest.mark.parametrize(
    ("fail", "quiet", "preference", "python_driver", "runs"),
    [
        (False, False, True, False, True),  # the preference on: scripts run
        (True, False, True, True, False),  # on, but this file's were blocked (an excluded path)
        (False, True, True, True, False),  # blocked, the warning dismissed
        (False, False, False, True, True),  # off, but "Allow Execution" pressed: its driver ran
        (True, False, False, True, False),  # off and blocked
        (False, False, False, False, False),  # off and nothing to run: as the preference says
    ],
)
def test_the_other_blender_runs_the_files_python_as_the_animators_does(
    fail, quiet, preference, python_driver, runs
):
    from types import SimpleNamespace

    rig_driven(python_driver)
    app = SimpleNamespace(autoexec_fail=fail, autoexec_fail_quiet=quiet)
    prefs = SimpleNamespace(filepaths=SimpleNamespace(use_scripts_auto_execute=preference))

    assert fbx_job.runs_scripts_here(app, prefs, bpy.data) is runs


@pytest.mark.parametrize(
    ("preference", "python_driver", "flag"),
    [
        (True, False, "--enable-autoexec"),
        (False, True, "--enable-autoexec"),  # its Python driver ran here: allowed for this file
        (False, False, "--disable-autoexec"),
    ],
)
def test_the_other_blenders_command_line_follows_this_blender(tmp_path, preference, python_driver, flag):
    """In this Blender nothing was blocked (``bpy.app.autoexec_fail`` is False)."""
    rig_driven(python_driver)
    filepaths = bpy.context.preferences.filepaths
    before = filepaths.use_scripts_auto_execute
    filepaths.use_scripts_auto_execute = preference
    try:
        assert not bpy.app.autoexec_fail
        cmd = fbx_job.child_command(tmp_path / "job.json", binary="/opt/blender/blender")
    finally:
        filepaths.use_scripts_auto_execute = before
    assert cmd[3] == flag
