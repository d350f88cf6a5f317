"""Install Dependencies pip-installs from PyPI (or the *Package index* given): like the downloads, it
honours Blender's *Allow Online Access*. With it off the button refuses in one line, before any venv
is made or any program runs; an index on this machine (a local mirror) never reaches the internet,
so it stays allowed.

The "Python" here is a stub script that would record being run: nothing is installed and nothing
reaches a network."""

from __future__ import annotations

import os
import sys

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, state
from dualtalk.inference.core.errors import DualTalkError

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stub interpreter is a POSIX shell script")

OFFLINE = (
    "online access is disabled in Blender (Preferences > System > Network > Allow Online Access); "
    "enable it to install dependencies"
)

# A venv creator that logs each run and makes a venv whose pip says it installed what it was asked for.
PYTHON = """#!/bin/sh
echo "$@" >> "{log}"
for dir; do :; done
rm -rf "$dir"; mkdir -p "$dir/bin" "$dir/lib/python3.11/site-packages/pip"
: > "$dir/lib/python3.11/site-packages/pip/__init__.py"
echo "home = /usr/bin" > "$dir/pyvenv.cfg"
printf '#!/bin/sh\\necho "$@" >> "{log}"\\necho Successfully installed dtprobe-1.0\\n' > "$dir/bin/python"
chmod +x "$dir/bin/python"
"""


@pytest.fixture
def prefs(tmp_path, monkeypatch):
    log = tmp_path / "ran.log"
    python = tmp_path / "python3"
    python.write_text(PYTHON.format(log=log))
    python.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(python))  # the base Python the venv is made with
    online = bpy.context.preferences.system.use_online_access
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    yield p
    bpy.context.preferences.system.use_online_access = online
    bpy.context.window_manager.dualtalk_status.running = False
    ah.disable_addon()


def _press_refused(tmp_path) -> None:
    """Install Dependencies is refused in one line with nothing run or made."""
    with pytest.raises(RuntimeError) as refused:
        bpy.ops.dualtalk.install_deps(packages="dtprobe")
    message = str(refused.value).strip()
    assert OFFLINE in message and "\n" not in message
    assert not (tmp_path / "ran.log").exists()  # neither venv nor pip ran
    assert not (tmp_path / "models" / deps.VENV_NAME).exists()
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and OFFLINE in status.last  # the status line says why, not "installing"


@posix_only
@pytest.mark.parametrize("index", ["", "https://pypi.example.org/simple"])
def test_install_is_refused_in_one_line_while_online_access_is_off(prefs, tmp_path, index):
    bpy.context.preferences.system.use_online_access = False
    assert not bpy.app.online_access
    prefs.index_url = index
    _press_refused(tmp_path)
    # once the user allows online access, the same press installs
    bpy.context.preferences.system.use_online_access = True
    assert bpy.app.online_access
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    assert "Successfully installed dtprobe-1.0" in "\n".join(state.INSTALL_LINES)


@posix_only
def test_offline_a_package_index_on_this_machine_is_still_allowed(prefs, tmp_path):
    bpy.context.preferences.system.use_online_access = False
    prefs.index_url = ""  # PyPI: refused
    _press_refused(tmp_path)
    prefs.index_url = "http://127.0.0.1:8080/simple"  # a local mirror never reaches the internet
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    assert "--index-url http://127.0.0.1:8080/simple" in (tmp_path / "ran.log").read_text()
    assert deps.venv_has_pip(tmp_path / "models" / deps.VENV_NAME)


@pytest.mark.parametrize(
    ("index", "online", "allowed"),
    [
        ("", False, False),
        ("https://pypi.org/simple", False, False),
        ("http://localhost:3141/root/pypi/+simple/", False, True),
        ("http://[::1]:8080/simple", False, True),
        ("file:///srv/wheelhouse/simple", False, True),
        ("", True, True),
        ("https://pypi.org/simple", True, True),
    ],
)
def test_the_rule_itself(index, online, allowed):
    if allowed:
        deps.check_online(index, online)
    else:
        with pytest.raises(DualTalkError, match="online access is disabled"):
            deps.check_online(index, online)
