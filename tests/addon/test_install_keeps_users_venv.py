"""An animator keeps the checkpoint in a project folder, chosen as the add-on's Model folder, and made
a Python environment of their own there with ``uv venv venv`` (uv makes venvs without pip), with a
package they tuned installed into it. They press Install Dependencies. Before, the add-on took "a venv
without pip" for a half-made venv of its own: ``python -m venv --clear`` emptied it (their package
gone), and a failed or cancelled step removed the whole folder (review rv36a G8). Now only a venv
DualTalk made (it holds DualTalk's marker from its first moment) is ever cleared or removed; the
user's is left as it is, with one line saying what to do.

The interpreters here are stub scripts: nothing is installed and nothing reaches a network."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, state
from dualtalk.inference.core.errors import DualTalkError

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stubs are POSIX shell scripts")

# A venv module that works: it makes the venv (emptying it first when given --clear, as venv does),
# with a bin/python that says it installed what it was asked for.
VENV_MODULE = """for dir; do :; done
[ "$3" = "--clear" ] && rm -rf "$dir"/* "$dir"/.[!.]*
mkdir -p "$dir/bin" "$dir/lib/python3.11/site-packages/pip"
: > "$dir/lib/python3.11/site-packages/pip/__init__.py"
echo "home = /usr/bin" > "$dir/pyvenv.cfg"
printf '#!/bin/sh\\necho Successfully installed dtprobe-1.0\\n' > "$dir/bin/python"
chmod +x "$dir/bin/python"
"""


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _uv_venv(venv: Path) -> Path:
    """What ``uv venv`` leaves: pyvenv.cfg and a python, no pip; and the user's own package."""
    (venv / "bin").mkdir(parents=True)
    _script(venv / "bin" / "python", "exit 0\n")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nuv = 0.5.0\n")
    package = venv / "lib" / "python3.11" / "site-packages" / "my_tuned_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("TUNED = True\n")
    return package


@pytest.fixture
def prefs(tmp_path, monkeypatch):
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = True
    monkeypatch.setattr(sys, "executable", str(_script(tmp_path / "python3", VENV_MODULE)))
    yield p
    bpy.context.preferences.system.use_online_access = online
    bpy.context.window_manager.dualtalk_status.running = False
    ah.disable_addon()


@posix_only
def test_install_dependencies_leaves_a_uv_venv_and_its_packages_alone(prefs, tmp_path):
    venv = tmp_path / "models" / deps.VENV_NAME
    package = _uv_venv(venv)
    state.INSTALL_LINES.clear()
    with pytest.raises(RuntimeError, match=r"has no pip and DualTalk did not make it .*Python with torch"):
        bpy.ops.dualtalk.install_deps(packages="dtprobe")
    assert (package / "__init__.py").read_text() == "TUNED = True\n"
    assert not [ln for ln in state.INSTALL_LINES if ln.startswith("$ ")]  # nothing was run on it
    assert not deps.made_here(venv)


def test_the_line_says_what_to_do(tmp_path):
    venv = tmp_path / "venv"
    _uv_venv(venv)
    with pytest.raises(DualTalkError) as refused:
        deps.install_steps(venv, base_python="py")
    line = str(refused.value)
    assert "\n" not in line and str(venv) in line
    assert "set Python with torch to its Python" in line and "ensurepip" in line


@posix_only
def test_a_venv_dualtalk_made_carries_its_marker_and_is_made_again_when_half_made(prefs, tmp_path):
    """The add-on's own venv still starts over when a failed install left it without pip."""
    venv = tmp_path / "models" / deps.VENV_NAME
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    assert deps.made_here(venv) and deps.venv_has_pip(venv)  # marked, though venv started afresh

    for pip in venv.glob("lib/python*/site-packages/pip"):  # a later install broke off half-way
        (pip / "__init__.py").unlink()
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    ran = [ln for ln in state.INSTALL_LINES if ln.startswith("$ create venv:")]
    assert ran and "--clear" in ran[0]
    assert deps.made_here(venv) and deps.venv_has_pip(venv)


@posix_only
def test_a_failed_venv_step_removes_only_a_venv_of_its_own(tmp_path):
    """A create-venv step that fails removes the folder it made; a folder of the user's there stays."""
    failing = _script(tmp_path / "python3", 'for dir; do :; done\nmkdir -p "$dir/bin"\nexit 1\n')
    new = tmp_path / "new" / deps.VENV_NAME
    job = deps.Installer([(deps.CREATE_VENV, [str(failing), "-m", "venv", str(new)])]).start()
    assert job.wait(30) == "error" and not new.exists()

    users = tmp_path / "users" / deps.VENV_NAME
    package = _uv_venv(users)
    job = deps.Installer([(deps.CREATE_VENV, [str(failing), "-m", "venv", "--clear", str(users)])]).start()
    assert job.wait(30) == "error"
    assert (package / "__init__.py").read_text() == "TUNED = True\n"
