"""The add-on starts two child processes: Generate's worker (in whatever Python has torch) and Export
FBX's own Blender. Installed, the add-on is ``bl_ext.<repo>.dualtalk`` and neither child has heard of
it, so each loaded the package by hand: two strings of code passed with ``-c`` / ``--python-expr``,
copies of the steps ``package_loader.py`` already does for the build and ``animate``'s Blender entry
(takes40, closing40). Now both children run that one loader by its path. A studio installs Blender's
extensions under a user folder whose name has spaces and accents (``Blender Ünïcode 配置``): the worker
and the export still start there, from the installed copy."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from dualtalk.dualtalk_blender.addon import fbx_job, worker_client

REPO = Path(__file__).resolve().parents[2]
LOADER = REPO / "package_loader.py"
sys.path.insert(0, str(REPO / "scripts"))
import build_extension  # noqa: E402


def test_the_worker_and_the_export_run_the_package_loader_by_its_path(tmp_path):
    job = tmp_path / "job.json"
    worker = worker_client.worker_command(job, "/venv/bin/python")
    in_blender = fbx_job.child_command(job, binary="/opt/blender/blender", autoexec=False)
    in_python = fbx_job.child_command(job, binary="")

    assert worker == ["/venv/bin/python", str(LOADER), "cli", "worker", "--job", str(job)]
    assert in_python == [sys.executable, str(LOADER), "fbx-export", str(job)]
    python = in_blender.index("--python")
    assert in_blender[python + 1] == str(LOADER)
    assert in_blender[in_blender.index("--") + 1 :] == ["fbx-export", str(job)]
    for command in (worker, in_blender, in_python):  # no package-loading code of its own any more
        assert "-c" not in command and "--python-expr" not in command, command


def test_the_loader_as_a_script_refuses_in_one_line_what_it_cannot_run(tmp_path):
    """Run by a path that is not beside the package (a stray copy), or asked for an entry it does not
    know: one ``error:`` line and exit 2, as the command line refuses, not a traceback."""
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "package_loader.py").write_bytes(LOADER.read_bytes())
    unknown = subprocess.run(
        [sys.executable, str(LOADER), "render"], capture_output=True, text=True, timeout=120
    )
    elsewhere = subprocess.run(
        [sys.executable, str(stray / "package_loader.py"), "cli", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert (unknown.returncode, unknown.stderr) == (
        2,
        "error: package_loader.py runs one of cli, fbx-export; got 'render'\n",
    )
    assert (elsewhere.returncode, elsewhere.stderr) == (
        2,
        f"error: cannot load the dualtalk package from {stray}: it holds no __init__.py\n",
    )


def test_in_a_child_the_package_folder_is_not_a_folder_of_top_level_modules(monkeypatch):
    """Python puts a script's folder first on ``sys.path``; the package's root holds ``cli.py``,
    ``inference/``, ``training/``: left there, a library importing a module of one of those names
    would get ours. The loader takes its own folder off before loading anything."""
    loader = runpy.run_path(str(LOADER))
    monkeypatch.setattr(sys, "path", [str(REPO), "/usr/lib/python3/dist-packages"])
    loader["_forget_own_folder"]()
    assert sys.path == ["/usr/lib/python3/dist-packages"]
    monkeypatch.setattr(sys, "path", ["", str(REPO)])  # ``python -c``: the current folder, kept
    loader["_forget_own_folder"]()
    assert sys.path == ["", str(REPO)]


def test_blenders_arguments_before_the_dashes_are_not_the_scripts():
    loader = runpy.run_path(str(LOADER))
    arguments = loader["script_arguments"]
    blender = ["/opt/blender/blender", "--background", "--python", str(LOADER), "--", "fbx-export", "j.json"]
    assert arguments(blender) == ["fbx-export", "j.json"]
    worker = ["cli", "worker", "--job", "j.json"]
    assert arguments([str(LOADER), *worker]) == worker
    assert arguments(["/opt/blender/blender", "--background"]) == []


# Installs the zip in a user folder of its own, then, from the installed add-on: the worker (a job
# file that is not there: it must start, run the installed copy and say so in its protocol) and an
# Export FBX of two small characters (written by the loader's ``fbx-export`` in a child process).
STORY = r"""
import json, sys, time
import bpy
from importlib import import_module
zip_path, no_job, fbx = sys.argv[-3:]
res = bpy.ops.extensions.package_install_files(filepath=zip_path, repo="user_default", enable_on_install=True)
addon = "bl_ext.user_default.dualtalk.dualtalk_blender.addon."
wc, fj = import_module(addon + "worker_client"), import_module(addon + "fbx_job")
worker = wc.WorkerProcess(no_job).start()
worker.wait(120)
for name in ("Ann", "Bob"):
    bpy.ops.mesh.primitive_cube_add()
    obj = bpy.context.object
    obj.name = name
    obj.shape_key_add(name="Basis")
    obj.shape_key_add(name="jawOpen")
s = bpy.context.scene.dualtalk
s.char_a, s.char_b = bpy.data.objects["Ann"], bpy.data.objects["Bob"]
export = fj.FbxExport(bpy.context.scene, s, fbx).start()
command = fj.child_command(export.finals[0])
end = time.monotonic() + 240
while export.poll() and time.monotonic() < end:
    time.sleep(0.1)
outcome = export.result()
print("RESULT " + json.dumps({
    "op": sorted(res), "loader": str(wc.LOADER), "worker_state": worker.state, "worker_error": worker.error,
    "worker_root": (worker.events[0] if worker.events else {}).get("root"),
    "export": [outcome.ok, outcome.message], "export_command": command,
}))
"""


@pytest.fixture(scope="module")
def built_zip(tool, tmp_path_factory) -> Path:
    return build_extension.build(tool, tmp_path_factory.mktemp("dist"))


def test_installed_under_a_folder_named_with_spaces_and_accents_both_children_start(built_zip, tmp_path):
    home = tmp_path / "Blender Ünïcode 配置"
    env = {**os.environ, "HOME": str(home), "BLENDER_USER_RESOURCES": str(home / "blender")}
    env.pop("PYTHONPATH", None)  # the children find the installed copy, not the checkout
    fbx = tmp_path / "the pair.fbx"
    out = subprocess.run(
        [sys.executable, "-c", STORY, str(built_zip), str(tmp_path / "no_job.json"), str(fbx)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, out.stdout[-2000:] + out.stderr[-2000:]
    r = json.loads(line[len("RESULT ") :])
    installed = home / "blender" / "extensions" / "user_default" / "dualtalk"

    assert r["op"] == ["FINISHED"] and Path(r["loader"]) == installed / "package_loader.py"
    assert Path(r["worker_root"]) == installed  # the worker ran the installed copy, by its loader
    assert r["worker_state"] == "error" and "job file not found" in r["worker_error"], r
    assert r["export"] == [True, "exported"], r
    assert r["export_command"][1] == str(installed / "package_loader.py")  # the bpy module: this Python
    assert fbx.read_bytes().startswith(b"Kaydara FBX Binary")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Blender Ünïcode 配置", "the pair.fbx"]
