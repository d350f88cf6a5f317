"""A torch that is there but does not import (an interrupted ``pip install torch``, a wheel built for
another Python, a removed .so), in Blender's own Python or in the private environment.

The add-on used to trust a folder named torch: Blender's own Python kept the worker for good and
the private environment Install Dependencies made was never used; Check Python called the torch
"missing"; and Install Dependencies said "dependencies installed" over a venv whose torch does not
import (pip counts it installed and exits 0). Each decision is now taken by importing torch."""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import os
import sys
import zipfile
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, state
from local_http import serve

LIBTORCH_GONE = "libtorch_cpu.so: cannot open shared object file: No such file or directory"
BROKEN_INIT = f"raise ImportError({LIBTORCH_GONE!r})\n"


@pytest.fixture
def prefs(tmp_path):
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = True
    deps.forget_probes()
    yield p
    deps.forget_probes()  # no later test may inherit a check made with the broken torch
    bpy.context.preferences.system.use_online_access = online
    bpy.context.window_manager.dualtalk_status.running = False
    ah.disable_addon()


@pytest.fixture
def own_torch_broken(tmp_path, monkeypatch):
    """Blender's own Python finds a torch that raises while it imports (first on its path)."""
    folder = tmp_path / "broken"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "__init__.py").write_text(BROKEN_INIT)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH")) if p)
    )
    deps.forget_probes()


def test_blender_python_with_a_broken_torch_hands_over_to_the_private_environment(
    prefs, tmp_path, own_torch_broken
):
    venv_py = deps.venv_python(tmp_path / "models" / deps.VENV_NAME)
    venv_py.parent.mkdir(parents=True)
    venv_py.symlink_to(sys.executable)  # the private environment Install Dependencies made
    assert deps.resolve_python("", tmp_path / "models") == str(venv_py)
    # with no private environment yet, Blender's own stays (the worker and Check Python say why)
    assert deps.resolve_python("", tmp_path / "elsewhere") == sys.executable


def test_check_python_says_the_torch_is_there_but_does_not_import(prefs, tmp_path, own_torch_broken, capsys):
    assert bpy.ops.dualtalk.check_python() == {"FINISHED"}
    expected = f"not usable: torch is installed but does not import: ImportError: {LIBTORCH_GONE}"
    assert state.PYTHON_CHECK == expected
    assert "missing torch" not in state.PYTHON_CHECK
    # the warning gives the next step: the private environment, Blender's own Python left alone, in the
    # words the worker uses for the same Python (one wording: broken_dependency.repair_advice)
    said = capsys.readouterr()
    advice = (
        "press Install Dependencies in the DualTalk add-on preferences: DualTalk then runs in a private "
        "environment (Blender's own Python is left as it is)"
    )
    assert said.out.rstrip().endswith(f"; {advice}"), said.out


def _wheel(path: Path, name: str, init: str) -> Path:
    """A minimal valid pure-Python wheel of ``name`` 1.0 whose ``__init__`` is ``init``."""
    files = {
        f"{name}/__init__.py": init.encode(),
        f"{name}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n".encode(),
        f"{name}-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for file, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{file},sha256={digest},{len(data)}")
    record.append(f"{name}-1.0.dist-info/RECORD,,")
    with zipfile.ZipFile(path, "w") as zf:
        for file, data in files.items():
            zf.writestr(file, data)
        zf.writestr(f"{name}-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture
def index_with_a_broken_torch(tmp_path):
    """A package index on this machine whose torch installs fine and raises when imported."""
    root = tmp_path / "www"
    root.mkdir()
    whl = _wheel(root / "torch-1.0-py3-none-any.whl", "torch", BROKEN_INIT)
    (root / "simple" / "torch").mkdir(parents=True)
    sha = hashlib.sha256(whl.read_bytes()).hexdigest()
    (root / "simple" / "torch" / "index.html").write_text(
        f'<a href="../../{whl.name}#sha256={sha}">{whl.name}</a>\n'
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    with serve(functools.partial(Quiet, directory=str(root))) as url:
        yield f"{url}/simple/"


def test_install_dependencies_does_not_call_a_torch_that_does_not_import_installed(
    prefs, tmp_path, index_with_a_broken_torch, monkeypatch
):
    monkeypatch.delenv("PYTHONPATH", raising=False)  # the venv's own torch is the one checked
    # pip reads this index only: no machine-wide config, mirrors or wheel folders (a real torch)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    for name in [k for k in os.environ if k.startswith("PIP_") and k != "PIP_CONFIG_FILE"]:
        monkeypatch.delenv(name)
    prefs.index_url = index_with_a_broken_torch
    venv = tmp_path / "models" / deps.VENV_NAME
    with pytest.raises(RuntimeError) as failed:
        bpy.ops.dualtalk.install_deps(packages="torch==1.0")
    line = str(failed.value)
    assert "dependencies installed" not in line
    assert (
        f"but the check failed: torch is installed but does not import: ImportError: {LIBTORCH_GONE}" in line
    )
    assert f"delete {venv} (DualTalk made it) and press Install Dependencies again" in line
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and "dependencies installed" not in status.last
    assert deps.made_here(venv)  # the venv stays (the download too): only the user decides to delete it


def test_the_panel_never_waits_on_a_probe_while_it_draws(prefs, tmp_path, own_torch_broken, monkeypatch):
    """A script at Japanese made the panel's draw import torch in a child (2 s a draw after each Check
    Python; up to 2 minutes where torch hangs: review rv38h 1). The draw starts nothing: it reads the
    last answer Generate or Check Python found, else that the modules are there."""
    from dualtalk.panels.main_panel import kanji_not_read

    started: list[str] = []
    real = deps.probe_python
    monkeypatch.setattr(deps, "probe_python", lambda python: started.append(python) or real(python))

    kanji_not_read("ja")
    assert started == []

    venv_py = deps.venv_python(tmp_path / "models" / deps.VENV_NAME)
    venv_py.parent.mkdir(parents=True)
    venv_py.symlink_to(sys.executable)
    assert deps.resolve_python("", tmp_path / "models") == str(
        venv_py
    )  # Generate's own check finds it broken
    assert started == [sys.executable]
    assert deps.resolve_python("", tmp_path / "models", probe=False) == str(venv_py)  # and a draw reads that
    assert started == [sys.executable]
