"""Two entries load the checkout as the package ``dualtalk`` before anything can import it: the
extension's build (``scripts/build_extension.py`` reads ``inference/build_info.py``) and Blender
running ``dualtalk_blender/commands/animate.py`` as a script. They now share one loader,
``package_loader.py``, run by its path; a folder that is not the package is refused in one line.
The entries run in a fresh Python here, started outside the checkout, so that the loader, not an
import already made, finds the package."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def loader(monkeypatch):
    """The loader as the entries run it, in a Python where no ``dualtalk`` is imported yet."""
    monkeypatch.delitem(sys.modules, "dualtalk", raising=False)
    return runpy.run_path(str(REPO / "package_loader.py"))


def fresh_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_folder_that_is_not_the_package_is_refused_in_one_line(loader, tmp_path):
    with pytest.raises(loader["NotThePackage"]) as empty:
        loader["load_package"](tmp_path)
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")  # a package, but not this one
    with pytest.raises(ImportError) as other:
        loader["load_package"](tmp_path)

    assert str(empty.value) == f"cannot load the dualtalk package from {tmp_path}: it holds no __init__.py"
    assert str(other.value).endswith("it holds no inference/__init__.py")
    assert "\n" not in str(empty.value) + str(other.value)
    assert "dualtalk" not in sys.modules


def test_a_package_that_fails_while_loading_is_not_left_half_loaded(loader, tmp_path):
    (tmp_path / "inference").mkdir()
    (tmp_path / "inference" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "__init__.py").write_text("raise RuntimeError('broken checkout')\n", encoding="utf-8")

    with pytest.raises(RuntimeError, match="broken checkout"):
        loader["load_package"](tmp_path)

    assert "dualtalk" not in sys.modules  # the next import does not find a half-run package


def test_the_build_reads_build_info_from_its_own_checkout(tmp_path):
    script = REPO / "scripts" / "build_extension.py"
    done = fresh_python(
        "import runpy, sys\n"
        f"info = runpy.run_path({str(script)!r})['_build_info']()\n"
        "print(info.__file__)\n"
        "print(sys.modules['dualtalk'].__file__)\n",
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(REPO / "inference" / "build_info.py"), str(REPO / "__init__.py")]


def test_blender_running_the_animate_command_as_a_script_loads_its_own_checkout(tmp_path):
    entry = REPO / "dualtalk_blender" / "commands" / "animate.py"
    done = fresh_python(  # as `blender -b -P animate.py -- --help` runs it
        "import runpy, sys\n"
        f"sys.argv = [{str(entry)!r}, '--', '--help']\n"
        "try:\n"
        f"    runpy.run_path({str(entry)!r}, run_name='__main__')\n"
        "except SystemExit as end:\n"
        "    print('exit', end.code)\n"
        "print('package', sys.modules['dualtalk'].__file__)\n",
        tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "usage: python -m dualtalk animate" in done.stdout
    assert "exit 0" in done.stdout
    assert f"package {REPO / '__init__.py'}" in done.stdout
