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

if args.get("die_in_save"):  # killed (out of memory) once the copy is written, before the export starts
    from dualtalk.dualtalk_blender.scene import blendio

    saved = blendio.save_job_copy

    def dies(bpy_, copy):
        saved(bpy_, copy)
        os.kill(os.getpid(), signal.SIGKILL)

    blendio.save_job_copy = dies
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
    out = animator_killed(assets, tmp_path, temp, per_character=per_character)
    said = json.loads(out.stdout.strip().splitlines()[-1])
    assert said["sampling"] and all(said["there"]), said  # it died mid-export, its files staged
    end = time.monotonic() + 30
    while not gone(said["child"]):
        assert time.monotonic() < end, "the exporting Blender outlived the animator's"
        time.sleep(0.1)
    return said


def animator_killed(assets, folder: Path, temp: Path, **how: bool) -> subprocess.CompletedProcess[str]:
    """The animator's Blender exports ``folder``/pair.fbx (its take in ``folder``/cafe) and is killed."""
    args = {
        "temp": str(temp),
        "models": str(assets["models"]),
        "wav": str(assets["wav"]),
        "ckpt": str(assets["ckpt"]),
        "take": str(folder / "cafe"),
        "path": str(folder / "pair.fbx"),
        "per_character": False,
        **how,
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
    return out


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


def test_a_crash_while_the_copy_is_saved_is_swept_by_the_next_export_of_another_file(
    assets, scene, pair, tmp_path, temp
):
    """The copy's save is the slow step, where a heavy scene runs out of memory: the animator's Blender
    dies there, before any other Blender was started. Its staged file and the lock beside the user's
    file stayed for good once the animator exported elsewhere (no job file named them: rv39b 3)."""
    died = tmp_path / "died"
    died.mkdir()
    (died / "pair.fbx").write_bytes(YESTERDAY)
    animator_killed(assets, died, temp, die_in_save=True)
    assert {p.name for p in died.iterdir()} > {"pair.fbx", ".pair.fbx.dualtalk-lock"}  # what it left

    scene.frame_end = 50
    button = Button(scene, tmp_path / "other.fbx")
    end = time.monotonic() + 180
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end
        time.sleep(0.05)

    assert ended == {"FINISHED"}, button.said
    assert sorted(p.name for p in died.iterdir()) == ["cafe", "pair.fbx"]
    assert (died / "pair.fbx").read_bytes() == YESTERDAY and list(temp.iterdir()) == []


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


PYTHON = "bpy.context.scene.frame_current * 0.5"  # Blender runs it only in a file it trusts
MATH = "[var][0] * 0.5"  # not a simple expression, but math alone: Blender runs it untrusted too


def rig_driven(expression: str | None, tmp_path: Path | None = None, *, trusted: bool = False) -> None:
    """A file with one scripted driver (``expression``; None: none). Given ``tmp_path``, it is saved
    and opened again, as the animator opens it: ``trusted`` as after the info bar's *Allow
    Execution* (its Python runs), else with auto-run off (blocked as it loads)."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.context.preferences.filepaths.use_scripts_auto_execute = False
    obj = bpy.data.objects.new("Rig", None)
    bpy.context.scene.collection.objects.link(obj)
    if expression is not None:
        driver = obj.driver_add("location", 0).driver
        driver.type = "SCRIPTED"
        var = driver.variables.new()
        var.targets[0].id, var.targets[0].data_path = obj, "scale.y"
        driver.expression = expression
    if tmp_path is not None:
        bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "rig.blend"))
        bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "rig.blend"), use_scripts=trusted)


def flag_for_the_other_blender(tmp_path: Path) -> str:
    return fbx_job.child_command(tmp_path / "job.json", binary="/opt/blender/blender")[3]


@pytest.fixture
def auto_run_off():
    """The preference off, as Blender ships; this process's Blender left as it was found."""
    yield
    bpy.ops.wm.read_factory_settings(use_empty=True)


def test_with_auto_run_on_the_other_blender_runs_the_files_python(tmp_path, auto_run_off):
    rig_driven(PYTHON)
    bpy.context.preferences.filepaths.use_scripts_auto_execute = True
    assert flag_for_the_other_blender(tmp_path) == "--enable-autoexec"


def test_where_this_blender_blocked_the_files_python_so_does_the_other(tmp_path, auto_run_off):
    """Auto-run off and the file opened as is: its Python driver was blocked as it loaded."""
    rig_driven(PYTHON, tmp_path)
    assert bpy.app.autoexec_fail
    assert flag_for_the_other_blender(tmp_path) == "--disable-autoexec"


def test_after_allow_execution_the_other_blender_runs_the_files_python_too(tmp_path, auto_run_off):
    rig_driven(PYTHON, tmp_path, trusted=True)
    assert flag_for_the_other_blender(tmp_path) == "--enable-autoexec"
    assert bpy.data.objects["Rig"].location.x == pytest.approx(0.5)  # it ran here: frame 1 * 0.5


def test_a_python_driver_this_blender_has_not_evaluated_yet_is_not_taken_for_trust(tmp_path, auto_run_off):
    """Auto-run off and a Python driver added (or appended) in this session: nothing was blocked yet,
    which said nothing; the export now evaluates it first, Blender blocks it, and so does the other
    Blender (it was started with --enable-autoexec: review rv39b 2)."""
    rig_driven(PYTHON)
    assert not bpy.app.autoexec_fail  # as the export starts: not evaluated yet
    assert flag_for_the_other_blender(tmp_path) == "--disable-autoexec"
    assert bpy.app.autoexec_fail  # it is blocked here as well, as on the next frame it would be


def test_a_text_registered_in_this_session_never_counts_as_trust(tmp_path, auto_run_off):
    """A Rigify rig's ``rig_ui.py`` appended, or Register ticked now: Blender runs it only at the next
    load, and only in a trusted file; with auto-run off the other Blender must not run it."""
    rig_driven(None)
    text = bpy.data.texts.new("rig_ui.py")
    text.write("print('the rig UI')\n")
    text.use_module = True
    assert flag_for_the_other_blender(tmp_path) == "--disable-autoexec"


def test_a_driver_of_math_alone_is_no_evidence_of_trust(tmp_path, auto_run_off):
    """Blender runs a driver of math on its variables in an untrusted file too (there as here):
    that it ran says nothing about the file's other Python."""
    rig_driven(MATH, tmp_path)
    assert not bpy.app.autoexec_fail
    assert flag_for_the_other_blender(tmp_path) == "--disable-autoexec"
    assert not bpy.app.autoexec_fail
