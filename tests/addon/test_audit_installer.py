"""The preferences' plumbing as a Blender user meets it: Install Dependencies after a failed or
cancelled venv, Cancel leaving nothing running, the offline message, Check Python's line, a
checkpoint with another sha256 already there, and a second Download press.

Every interpreter, venv and pip here is a stub script (POSIX shell or this Python): nothing is
installed and nothing reaches a network."""

from __future__ import annotations

import http.server
import os
import re
import sys
import threading
import time
from pathlib import Path

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import deps, downloads, state
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.download import download
from dualtalk.panels.preferences import DUALTALK_AP_preferences
from local_http import serve

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stubs are POSIX shell scripts")


def _script(path: Path, body: str) -> Path:
    """An executable ``#!/bin/sh`` stub (a fake interpreter or venv creator)."""
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _fake_venv(venv: Path, python_body: str) -> Path:
    """A venv whose ``bin/python`` is ``python_body`` (a shell stub) and which has pip."""
    (venv / "lib" / "python3.11" / "site-packages" / "pip").mkdir(parents=True)
    (venv / "lib" / "python3.11" / "site-packages" / "pip" / "__init__.py").write_text("")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "bin").mkdir()
    return _script(venv / "bin" / "python", python_body)


# A Debian python3 without python3-venv: venv makes bin/python, then fails because ensurepip is not there.
DEBIAN_PYTHON = """# $1=-m $2=venv [--clear] DIR
for dir; do :; done
mkdir -p "$dir/bin" && : > "$dir/bin/python" && chmod +x "$dir/bin/python"
echo "home = /usr/bin" > "$dir/pyvenv.cfg"
echo 'The virtual environment was not created successfully because ensurepip is not available.'
exit 1
"""

# A working venv module: bin/python is a stub "pip" that says it installed what it was asked for,
# and whose torch imports when the install's last step checks it (python -c: the probe's lines).
WORKING_PYTHON = """for dir; do :; done
rm -rf "$dir"; mkdir -p "$dir/bin" "$dir/lib/python3.11/site-packages/pip"
: > "$dir/lib/python3.11/site-packages/pip/__init__.py"
echo "home = /usr/bin" > "$dir/pyvenv.cfg"
printf '#!/bin/sh\\nif [ "$1" = -c ]; then echo dualtalk-probe; echo "torch 2.13.0 | numpy 1.26.4"; exit; fi\\n' > "$dir/bin/python"
printf 'echo Successfully installed dtprobe-1.0\\n' >> "$dir/bin/python"
chmod +x "$dir/bin/python"
"""


@pytest.fixture
def prefs(tmp_path):
    _scene, p = ah.fresh_scene_with_addon(tmp_path / "models")
    # Install Dependencies reaches PyPI only with Blender's Allow Online Access on (the stubs here
    # reach nothing); test_install_needs_online_access.py covers it off
    online = bpy.context.preferences.system.use_online_access
    bpy.context.preferences.system.use_online_access = True
    yield p
    bpy.context.preferences.system.use_online_access = online
    bpy.context.window_manager.dualtalk_status.running = False
    ah.disable_addon()


def _steps_run() -> list[str]:
    return [ln.split(":")[0][2:] for ln in state.INSTALL_LINES if ln.startswith("$ ")]


# 1. a failed or cancelled "create venv" ---------------------------------------------------------------
@posix_only
def test_install_works_again_after_the_venv_could_not_be_made(prefs, tmp_path, monkeypatch):
    """First Install on a Python without python3-venv says what to install; once that is fixed,
    the next Install makes the venv again instead of failing forever with 'No module named pip'."""
    venv = tmp_path / "models" / deps.VENV_NAME
    monkeypatch.setattr(sys, "executable", str(_script(tmp_path / "python3", DEBIAN_PYTHON)))
    with pytest.raises(RuntimeError, match=r"no venv module \(Debian/Ubuntu: apt install python3-venv\)"):
        bpy.ops.dualtalk.install_deps(packages="dtprobe")
    assert not venv.exists()  # the half-made venv is gone

    monkeypatch.setattr(sys, "executable", str(_script(tmp_path / "python3", WORKING_PYTHON)))
    assert bpy.ops.dualtalk.install_deps(packages="dtprobe") == {"FINISHED"}
    assert _steps_run() == ["create venv", "install packages"]
    assert deps.venv_has_pip(venv)


def test_a_venv_without_pip_is_made_again(tmp_path):
    """A venv of ours left with bin/python but no pip (a failed install: it holds DualTalk's marker)
    is recreated, not reused (one the user made without pip is not: test_install_keeps_users_venv)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    deps.venv_python(venv).write_text("")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / deps.VENV_MARKER).write_text("")
    steps = deps.install_steps(venv, base_python="py")
    assert [label for label, _ in steps] == [
        "create venv",
        "install packages",
        "install voice encoder",
        deps.CHECK_STEP,
    ]
    assert steps[0][1] == ["py", "-m", "venv", "--clear", str(venv)]


def _setup_sh_no_deps() -> list[str]:
    """What scripts/setup.sh installs with ``pip install --no-deps`` (the developer's environment)."""
    setup = Path(__file__).resolve().parents[2] / "scripts" / "setup.sh"
    found = re.findall(r'pip install -q --no-deps "([^"]+)"', setup.read_text())
    assert found, "scripts/setup.sh installs nothing with --no-deps any more?"
    return found


@posix_only
def test_install_dependencies_gets_the_voice_encoder_without_its_dependencies(prefs, tmp_path, monkeypatch):
    """*Mono, automatic* needs resemblyzer's weights for its better diarizer (38 % DER, not the
    MFCC fallback's 46.9 %): Install Dependencies installs it as scripts/setup.sh does, pinned the
    same and with --no-deps (its librosa/webrtcvad are never used), after the other packages."""
    resemblyzer = [req for req in _setup_sh_no_deps() if req.startswith("resemblyzer")]
    assert resemblyzer and list(deps.NO_DEPS_PACKAGES) == resemblyzer
    steps = dict(deps.install_steps(tmp_path / "venv", base_python="py"))
    assert steps["install voice encoder"][-2:] == ["--no-deps", *resemblyzer]
    packages = steps["install packages"]
    assert "--no-deps" not in packages and set(deps.PACKAGES) <= set(packages)
    own = deps.install_steps(tmp_path / "venv", packages=("torch",))  # a set of one's own: as given
    assert [label for label, _ in own] == ["create venv", "install packages", deps.CHECK_STEP]

    monkeypatch.setattr(sys, "executable", str(_script(tmp_path / "python3", WORKING_PYTHON)))
    assert bpy.ops.dualtalk.install_deps() == {"FINISHED"}  # the button: the default set
    assert _steps_run() == ["create venv", "install packages", "install voice encoder", deps.CHECK_STEP]
    ran = next(ln for ln in state.INSTALL_LINES if ln.startswith("$ install voice encoder:"))
    assert ran.endswith(f"--no-deps {resemblyzer[0]}")


@posix_only
def test_cancelling_create_venv_leaves_no_half_made_venv(tmp_path):
    """Esc while the venv is being made: nothing of it stays, so the next Install starts clean."""
    venv = tmp_path / "models" / deps.VENV_NAME
    slow = _script(tmp_path / "python3", DEBIAN_PYTHON.replace("echo 'The", "echo made; sleep 20; echo 'The"))
    job = deps.Installer(deps.install_steps(venv, base_python=str(slow))).start()
    _until(lambda: job.poll() and "made" in job.lines)
    job.cancel()
    assert job.result().cancelled and not venv.exists()
    assert [label for label, _ in deps.install_steps(venv)][0] == "create venv"


# 2. Cancel stops everything the step started ----------------------------------------------------------
@posix_only
@pytest.mark.parametrize("label", ["create venv", "install packages"])
def test_cancel_stops_what_the_step_started(tmp_path, label):
    """venv starts ensurepip, pip starts its own children: after Cancel none of them writes on."""
    out = tmp_path / "written.txt"
    child = _script(tmp_path / "child", f"for i in $(seq 300); do echo x >> '{out}'; sleep 0.02; done\n")
    step = _script(tmp_path / "step", f"'{child}' &\necho started\nwait\n")  # the child ends by itself
    job = deps.Installer([(label, [str(step), str(tmp_path / "venv")])]).start()
    _until(lambda: job.poll() and out.exists())
    job.cancel()
    size = out.stat().st_size
    time.sleep(0.3)
    assert out.stat().st_size == size  # the grandchild is gone too
    assert job.result().cancelled


# 7. no network --------------------------------------------------------------------------------------
PIP_OFFLINE = """cat <<'EOF'
WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/torch/
ERROR: Could not find a version that satisfies the requirement torch (from versions: none)
ERROR: No matching distribution found for torch
EOF
exit 1
"""


@posix_only
def test_install_with_no_network_says_the_index_cannot_be_reached(prefs, tmp_path):
    """pip's last line blames torch; the cause is the connection lines before it."""
    _fake_venv(tmp_path / "models" / deps.VENV_NAME, PIP_OFFLINE)
    prefs.index_url = "http://127.0.0.1:9/simple"
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.install_deps(packages="torch")
    message = str(err.value).strip()
    assert "cannot reach the package index http://127.0.0.1:9/simple (offline?)" in message
    assert "No matching distribution" not in message and "\n" not in message
    assert _steps_run() == ["install packages"]  # the venv (with pip) was kept


# 6. Check Python's line ------------------------------------------------------------------------------
TORCH_PYTHON = "echo dualtalk-probe\necho 'torch 2.5.1 | numpy 1.26.4 | python 3.11.7'\n"


@posix_only
def test_check_python_line_says_what_the_last_check_found(prefs, tmp_path):
    """OK, then a typo in the path: the line beside the button no longer says OK."""
    prefs.python_path = str(_script(tmp_path / "python", TORCH_PYTHON))
    assert bpy.ops.dualtalk.check_python() == {"FINISHED"}
    assert state.PYTHON_CHECK == "OK: torch 2.5.1 | numpy 1.26.4 | python 3.11.7"
    prefs.python_path = str(tmp_path / "python-typo")
    assert state.PYTHON_CHECK == ""  # it spoke of the interpreter before
    with pytest.raises(RuntimeError, match="not found"):
        bpy.ops.dualtalk.check_python()
    assert state.PYTHON_CHECK.startswith("not usable: Python interpreter not found")


@posix_only
@pytest.mark.parametrize("body", ["exit 0\n", "echo nothing here >&2\nexit 1\n"])
def test_a_program_that_is_not_python_is_reported_as_such(prefs, tmp_path, body):
    """A wrong pick in the file browser (/bin/true) is not 'OK: ok'."""
    prefs.python_path = str(_script(tmp_path / "true", body))
    assert bpy.ops.dualtalk.check_python() == {"FINISHED"}
    assert state.PYTHON_CHECK.startswith("not usable: not a Python 3 interpreter"), state.PYTHON_CHECK


# 8. a checkpoint with another sha256 already there ---------------------------------------------------
def test_a_checkpoint_with_another_sha256_says_what_to_do_in_blender(prefs, tmp_path):
    """The add-on has no --force: it says to delete or move the file; the CLI keeps --force."""
    models = tmp_path / "models"
    models.mkdir(exist_ok=True)
    (models / "DualTalk.pth").write_bytes(b"an older copy")
    prefs.checkpoint_url = "http://127.0.0.1:9/DualTalk.pth"  # never reached: the file is there
    prefs.checkpoint_sha256 = "a" * 64
    with pytest.raises(RuntimeError) as err:
        bpy.ops.dualtalk.download(what="CHECKPOINT")
    last = bpy.context.window_manager.dualtalk_status.last
    for message in (str(err.value), last):
        assert "--force" not in message and "delete or move that file, then download again" in message
    with pytest.raises(DualTalkError, match="pass --force to download it again"):
        download(prefs.checkpoint_url, models, sha256="a" * 64)


# 9. a second Download press while one runs -----------------------------------------------------------
PAYLOAD = b"checkpoint bytes " * 4096


class _HeldServer(http.server.BaseHTTPRequestHandler):
    """Sends the file only once ``release`` is set: the first download is still running meanwhile."""

    release = threading.Event()

    def do_GET(self):
        self.release.wait(20)
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, *args):
        pass


class _Layout:
    """Records each operator button a draw makes, with whether it can be pressed."""

    def __init__(self, log: list, enabled: bool = True) -> None:
        self.log, self.enabled = log, enabled

    def _child(self, *args, **kwargs):
        return _Layout(self.log, self.enabled)

    box = row = column = _child

    def operator(self, idname, **kwargs):
        self.log.append((idname, self.enabled))
        return type("Op", (), {})()

    def prop(self, *args, **kwargs):
        pass

    label = progress = separator = prop


class _Prefs:
    def __init__(self, prefs, layout) -> None:
        self._prefs, self.layout = prefs, layout

    def __getattr__(self, name):
        return getattr(self._prefs, name)


def test_a_second_download_press_is_refused_while_one_runs(prefs, tmp_path):
    """The first download runs: both Download buttons are greyed, pressing one anyway is refused
    in one line, and the first download ends with the whole file."""
    _HeldServer.release.clear()
    with serve(_HeldServer) as url:
        prefs.checkpoint_url = f"{url}/DualTalk.pth"
        first = downloads.DownloadJob(prefs.checkpoint_url, tmp_path / "models").start()
        state.set_status(bpy.context, running=True, task="download", message="downloading")  # as begin does
        try:
            layout = _Layout([])
            DUALTALK_AP_preferences.draw(_Prefs(prefs, layout), bpy.context)
            assert [on for op, on in layout.log if op == "dualtalk.download"] == [False, False]
            with pytest.raises(RuntimeError, match="a download is already running; wait for it"):
                bpy.ops.dualtalk.download(what="FLAME_MAP")
            with pytest.raises(DualTalkError, match="already running") as err:
                downloads.DownloadJob(prefs.checkpoint_url, tmp_path / "models").start()
            assert "\n" not in str(err.value)
        finally:
            _HeldServer.release.set()
            first.wait(20)
            state.set_status(bpy.context, running=False)
        assert first.result().ok and (tmp_path / "models" / "DualTalk.pth").read_bytes() == PAYLOAD
        assert bpy.ops.dualtalk.download(what="CHECKPOINT") == {"FINISHED"}  # free again


def _until(condition, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


# 8. what the install asks pip for, and a Model folder that takes no new file (review rv38e F7, F8) ---------
def test_install_dependencies_asks_for_the_torch_the_project_is_tested_on():
    """The button installed whatever torch was newest on the day; scripts/setup.sh pins the one the
    numbers are measured on, and the two must agree."""
    setup = (Path(deps.__file__).parents[2] / "scripts" / "setup.sh").read_text(encoding="utf-8")
    pinned = re.search(r'"torch==([0-9.]+)"', setup)

    assert pinned and deps.TORCH in deps.PACKAGES
    release = ".".join(pinned.group(1).split(".")[:2])
    assert deps.TORCH == f"torch=={release}.*"


PIP_SEES_ENV = 'echo "PIP_USER=${PIP_USER:-unset}"\n'


@posix_only
def test_a_pip_config_asking_for_user_installs_does_not_reach_the_venvs_pip(tmp_path, monkeypatch):
    """pip with ``user = true`` in its config (or PIP_USER=1) refused to install into the venv
    ("Can not perform a '--user' install"); the venv is never a user install."""
    monkeypatch.setenv("PIP_USER", "1")
    pip = _script(tmp_path / "pip", PIP_SEES_ENV)
    job = deps.Installer([("install packages", [str(pip)])]).start()
    _until(lambda: not job.poll())

    assert "PIP_USER=0" in job.lines


VENV_NOT_PERMITTED = (
    "for last; do :; done\necho \"Error: [Errno 1] Operation not permitted: '$last'\" >&2\nexit 1\n"
)


@posix_only
def test_a_model_folder_that_takes_no_new_file_says_to_choose_another(tmp_path):
    """venv's own words ("Operation not permitted: .../venv") gave no next step."""
    python = _script(tmp_path / "python3", VENV_NOT_PERMITTED)
    job = deps.Installer(
        deps.install_steps(tmp_path / "ro" / deps.VENV_NAME, base_python=str(python))
    ).start()
    _until(lambda: not job.poll())

    assert f"cannot create the private environment in {tmp_path / 'ro'}" in job.error, job.error
    assert job.error.endswith("choose another Model folder you can write to")
