"""A torch that is there but does not import (its .so gone after an interrupted pip, or built for
another Python): the worker and ``dualtalk infer`` say so in one line with the next step, as an
environment problem, exit 2, not as "internal error" (a bug of ours). A failure elsewhere is still a bug.

The commonest such torch, one whose C extension is gone or was built for another Python, raises
ModuleNotFoundError ("No module named 'torch._C'"): the worker read that as a torch not installed and
sent the user back to Install Dependencies, which does not repair it (review rv39a F1), and the
command line called it an internal error, exit 1 (rv39a F2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

LIBTORCH_GONE = "libtorch_cpu.so: cannot open shared object file: No such file or directory"


@pytest.fixture
def broken_torch(tmp_path):
    """A folder that, first on the path, holds a torch whose import raises as a half-installed one does."""
    folder = tmp_path / "broken"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "__init__.py").write_text(f"raise ImportError({LIBTORCH_GONE!r})\n")
    return folder


@pytest.fixture
def torch_without_its_c_module(tmp_path):
    """A torch whose ``_C`` extension is gone (or built for another Python): its own import of it fails."""
    folder = tmp_path / "no_c"
    (folder / "torch").mkdir(parents=True)
    (folder / "torch" / "__init__.py").write_text("from torch._C import *  # noqa\n")
    return folder


def _dualtalk(args, extra_path, python=sys.executable) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(extra_path), env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [python, "-m", "dualtalk", *args], capture_output=True, text=True, timeout=120, env=env
    )


def _worker(job, extra_path, python=sys.executable) -> tuple[int, dict]:
    out = _dualtalk(["worker", "--job", str(job)], extra_path, python)
    return out.returncode, json.loads(out.stdout.strip().splitlines()[-1])


def test_generate_with_a_torch_that_does_not_import_says_what_to_do(talk, broken_torch):
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": talk.name}}))
    code, last = _worker(job, broken_torch)
    assert code == 2 and last["event"] == "error" and last["kind"] == "environment"
    message = last["message"]
    assert "internal error" not in message and "\n" not in message
    assert f"({sys.executable}) has torch but it does not import (ImportError: {LIBTORCH_GONE})" in message
    assert "Install Dependencies" in message


def test_a_torch_without_its_c_module_is_a_torch_that_does_not_import(talk, torch_without_its_c_module):
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": talk.name}}))
    code, last = _worker(job, torch_without_its_c_module)
    assert code == 2 and last["kind"] == "environment"
    message = last["message"]
    assert "\n" not in message
    assert "cannot import torch._C" not in message  # read as a torch not installed
    assert (
        f"({sys.executable}) has torch but it does not import (ModuleNotFoundError: No module named 'torch._C'); "
        in message
    )
    assert (
        f"repair it in {sys.executable}, or leave Python with torch empty and press Install Dependencies"
        in message
    )


def test_in_dualtalks_own_venv_the_line_says_to_delete_it(talk, torch_without_its_c_module, tmp_path):
    """Install Dependencies does not repair a venv whose torch pip counts as installed: the next step is
    to delete the venv DualTalk made, in the words Check Python uses (``broken_dependency.repair_advice``)."""
    from dualtalk.inference.broken_dependency import VENV_MARKER

    venv = tmp_path / "models" / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True
    )
    (venv / VENV_MARKER).write_text("made by DualTalk's Install Dependencies\n")
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": talk.name}}))
    code, last = _worker(job, torch_without_its_c_module, python=str(venv / "bin" / "python"))
    assert code == 2 and last["kind"] == "environment"
    assert last["message"].endswith(
        f"; delete {venv} (DualTalk made it) and press Install Dependencies again in the DualTalk add-on "
        "preferences"
    )


def test_in_blenders_own_python_the_line_is_what_check_python_says(
    talk, torch_without_its_c_module, tmp_path
):
    """The worker in the Python Blender bundles (``5.0/python`` beside ``5.0/scripts``): leave it as it is
    and press Install Dependencies, as Check Python says; not "leave Python with torch empty", which it is."""
    blender = tmp_path / "blender-5.0.1" / "5.0"
    (blender / "scripts" / "startup" / "bl_ui").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(blender / "python")],
        check=True,
    )
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out", "audio": {"audio": talk.name}}))
    code, last = _worker(job, torch_without_its_c_module, python=str(blender / "python" / "bin" / "python"))
    assert code == 2 and last["kind"] == "environment"
    assert last["message"].endswith(
        "; press Install Dependencies in the DualTalk add-on preferences: DualTalk then runs in a private "
        "environment (Blender's own Python is left as it is)"
    )


def test_a_module_not_installed_at_all_is_still_said_to_be_missing(monkeypatch):
    """scipy's import of a numpy this Python does not have: numpy is missing, not "scipy does not import"."""
    from dualtalk.inference.broken_dependency import broken_module

    code = compile("raise ModuleNotFoundError(\"No module named 'numpy'\", name='numpy')", "scipy.py", "exec")
    try:
        exec(code, {"__name__": "scipy"})  # as scipy's own top-level code runs
    except ModuleNotFoundError as exc:
        raised = exc
    assert broken_module(raised) == "scipy"  # numpy is installed here: scipy is what does not import
    monkeypatch.setitem(sys.modules, "numpy", None)  # a Python without numpy
    assert broken_module(raised) is None


@pytest.mark.parametrize("fixture", ["broken_torch", "torch_without_its_c_module"])
def test_infer_with_a_torch_that_does_not_import_says_what_the_worker_says(talk, fixture, request):
    """``dualtalk infer`` on a farm or in a script: the same line as the worker, exit 2 (was "internal
    error (ImportError: ...); rerun with --debug for details", exit 1)."""
    folder = request.getfixturevalue(fixture)
    job = talk.parent / "job.json"
    job.write_text(json.dumps({"out_dir": "out_w", "audio": {"audio": talk.name}}))
    _code, said_by_worker = _worker(job, folder)
    out = _dualtalk(["infer", "--audio", str(talk), "--out", str(talk.parent / "out")], folder)
    err = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2, out.stderr
    assert err == [f"error: {said_by_worker['message']}"]
    assert "internal error" not in out.stderr
    assert not (talk.parent / "out").exists()


def test_an_import_error_raised_by_our_own_code_is_not_blamed_on_torch():
    """Only a failure inside the import of torch, numpy, scipy or soundfile is the environment's."""
    from dualtalk.inference.broken_dependency import failed_import

    for module, expected in (
        ("dualtalk.inference.pipeline", None),
        ("torch", "torch"),
        ("scipy.signal", "scipy"),
    ):
        code = compile(f"raise ImportError({LIBTORCH_GONE!r})", f"{module}.py", "exec")
        try:
            exec(code, {"__name__": module})  # as the import of ``module`` runs its top-level code
        except ImportError as exc:
            assert failed_import(exc) == expected


def test_infer_in_a_python_without_torch_says_to_install_it(talk):
    """A fresh Python that skipped the README's set-up: one line naming that Python and the set-up
    command, exit 2 (was "internal error (ModuleNotFoundError: No module named 'torch'); rerun with
    --debug for details", exit 1: a step the user skipped, read as a bug of ours)."""
    out_dir = talk.parent / "out_none"
    script = (
        "import sys; sys.modules['torch'] = None  # this Python has no torch\n"
        "from dualtalk.cli import main\n"
        f"raise SystemExit(main(['infer', '--audio', {str(talk)!r}, '--out', {str(out_dir)!r}]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    err = [line for line in out.stderr.splitlines() if line.strip()]
    assert out.returncode == 2, out.stderr
    assert err == [
        f"error: this Python ({sys.executable}) has no torch, which the engine needs; install DualTalk's "
        'dependencies into it (README, "Set up, run, test": bash scripts/setup.sh), or run DualTalk with '
        "the Python that has them"
    ]
    assert not out_dir.exists()


def test_a_torch_submodule_gone_is_not_a_missing_torch(monkeypatch):
    """``torch._C`` absent from an installed torch is a broken torch, never "install torch"."""
    from dualtalk.inference.broken_dependency import missing_module

    assert missing_module(ModuleNotFoundError("No module named 'torch._C'", name="torch._C")) is None
    assert missing_module(ModuleNotFoundError("No module named 'torch'", name="torch")) is None  # it is here
    monkeypatch.setitem(sys.modules, "torch", None)
    assert missing_module(ModuleNotFoundError("No module named 'torch'", name="torch")) == "torch"
    not_the_engines = ModuleNotFoundError("No module named 'yaml'", name="yaml")
    assert missing_module(not_the_engines) is None
