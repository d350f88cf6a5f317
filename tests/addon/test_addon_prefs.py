"""The preferences' actions against a web server on 127.0.0.1: download the checkpoint and
the FLAME map (sha256-checked, online-access rule honoured), create the private Python
environment from a local package index with pip's output streamed, check the Python."""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import sys
import zipfile
from pathlib import Path

import addon_helpers as ah
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.addon import deps
from dualtalk.dualtalk_blender.addon import state as jobs
from local_http import serve

CKPT = b"pretend checkpoint bytes " * 20000  # ~0.5 MB
CKPT_SHA = hashlib.sha256(CKPT).hexdigest()


def _wheel(path: Path) -> Path:
    """A minimal valid wheel for the package ``dtprobe`` (stands in for torch & co)."""
    files = {
        "dtprobe/__init__.py": b"VALUE = 42\n",
        "dtprobe-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: dtprobe\nVersion: 1.0\n",
        "dtprobe-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append("dtprobe-1.0.dist-info/RECORD,,")
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        zf.writestr("dtprobe-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / "DualTalk.pth").write_bytes(CKPT)
    np.save(root / "arkit_flame_map.npy", np.zeros((51, 103), dtype=np.float32))
    whl = _wheel(root / "dtprobe-1.0-py3-none-any.whl")
    simple = root / "simple" / "dtprobe"
    simple.mkdir(parents=True)
    sha = hashlib.sha256(whl.read_bytes()).hexdigest()
    (simple / "index.html").write_text(f'<a href="../../{whl.name}#sha256={sha}">{whl.name}</a>\n')

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    with serve(functools.partial(Quiet, directory=str(root))) as url:
        yield url


@pytest.fixture
def prefs(tmp_path):
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    online = bpy.context.preferences.system.use_online_access
    yield p
    bpy.context.preferences.system.use_online_access = online
    ah.disable_addon()


def test_checkpoint_download_is_verified_and_lands_in_the_model_folder(prefs, server, tmp_path):
    prefs.checkpoint_url = f"{server}/DualTalk.pth"
    prefs.checkpoint_sha256 = CKPT_SHA
    assert bpy.ops.dualtalk.download(what="CHECKPOINT") == {"FINISHED"}
    got = tmp_path / "models" / "DualTalk.pth"
    assert got.read_bytes() == CKPT
    status = bpy.context.window_manager.dualtalk_status
    assert not status.running and status.fraction == 1.0 and "downloaded" in status.last


def test_a_wrong_checksum_is_refused_and_nothing_is_kept(prefs, server, tmp_path):
    prefs.checkpoint_url = f"{server}/DualTalk.pth"
    prefs.checkpoint_sha256 = "0" * 64
    with pytest.raises(RuntimeError, match="sha256"):
        bpy.ops.dualtalk.download(what="CHECKPOINT")
    assert not (tmp_path / "models" / "DualTalk.pth").exists()


def test_flame_map_download_becomes_the_map_in_use(prefs, server, tmp_path):
    prefs.flame_map_url = f"{server}/arkit_flame_map.npy"
    assert bpy.ops.dualtalk.download(what="FLAME_MAP") == {"FINISHED"}
    assert Path(prefs.flame_map) == tmp_path / "models" / "arkit_flame_map.npy"
    assert np.load(prefs.flame_map).shape == (51, 103)


def test_missing_file_on_the_server_is_one_clear_error(prefs, server):
    prefs.checkpoint_url = f"{server}/nope.pth"
    with pytest.raises(RuntimeError, match="404"):
        bpy.ops.dualtalk.download(what="CHECKPOINT")


def test_online_access_off_blocks_internet_downloads(prefs, server, tmp_path):
    bpy.context.preferences.system.use_online_access = False
    assert not bpy.app.online_access
    prefs.checkpoint_url = "https://huggingface.co/ZiqiaoPeng/DualTalk/resolve/main/DualTalk.pth"
    with pytest.raises(RuntimeError, match="online access is disabled"):
        bpy.ops.dualtalk.download(what="CHECKPOINT")
    assert not any((tmp_path / "models").glob("DualTalk.pth*"))
    # A mirror on this machine never reaches the internet, so it stays allowed.
    prefs.checkpoint_url = f"{server}/DualTalk.pth"
    assert bpy.ops.dualtalk.download(what="CHECKPOINT") == {"FINISHED"}
    bpy.context.preferences.system.use_online_access = True
    assert bpy.app.online_access


def test_install_dependencies_creates_a_private_env_from_the_index(prefs, server, tmp_path, monkeypatch):
    prefs.index_url = f"{server}/simple/"
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    venv_py = deps.venv_python(tmp_path / "models" / deps.VENV_NAME)
    assert venv_py.is_file()
    lines = "\n".join(jobs.INSTALL_LINES)
    assert "create venv" in lines and "Successfully installed dtprobe-1.0" in lines  # pip output streamed
    import subprocess

    out = subprocess.run(
        [str(venv_py), "-c", "import dtprobe; print(dtprobe.VALUE)"], capture_output=True, text=True
    )
    assert out.stdout.strip() == "42"
    # Blender's own Python is preferred while it has torch; where it lacks torch the worker
    # now runs in the private environment...
    assert deps.resolve_python("", tmp_path / "models") == sys.executable
    monkeypatch.setattr(deps, "own_python_has_engine", lambda probe=True: False)
    assert deps.resolve_python("", tmp_path / "models") == str(venv_py)
    prefs.python_path = ""
    # ...and the check says what that environment still lacks.
    assert deps.resolve_python(prefs.python_path, tmp_path / "models") == str(venv_py)
    assert bpy.ops.dualtalk.check_python() == {"FINISHED"}
    assert jobs.PYTHON_CHECK == "not usable: missing torch, numpy, scipy, soundfile"
    # A package the index does not have fails with pip's own last line.
    with pytest.raises(RuntimeError, match="install packages failed"):
        bpy.ops.dualtalk.install_deps(packages="no-such-package-dt")


def test_check_python_accepts_this_interpreter(prefs):
    prefs.python_path = sys.executable
    assert bpy.ops.dualtalk.check_python() == {"FINISHED"}
    assert jobs.PYTHON_CHECK.startswith("OK") and "torch" in jobs.PYTHON_CHECK
    prefs.python_path = "/no/such/python"
    with pytest.raises(RuntimeError, match="not found"):
        bpy.ops.dualtalk.check_python()
