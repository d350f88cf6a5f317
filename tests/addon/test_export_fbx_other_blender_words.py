"""Export FBX from the panel has another Blender write the file (``fbx_job``). When that Blender cannot
even load DualTalk (the extension removed or updated while Blender runs, a Blender without numpy), Blender
prints the failed script's traceback to stdout, not stderr, and the panel said only "stopped (exit code
1)" (review rv38g 4). Now the line quotes the exception and names the Blender that was started. The copy
it reads is saved uncompressed (rv38g 5: seconds of a frozen Blender on a heavy scene)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import test_export_fbx_esc as esc
from dualtalk.dualtalk_blender.addon import fbx_job
from test_export_fbx_esc import Button

pair, temp = esc.pair, esc.temp  # the Esc story's fixtures: a keyed pair over 3,000 frames, a private temp

# What Blender 3.4.1 printed (stdout; stderr was empty) for a --python-expr whose package is gone
BLENDER_SAID = """Blender 3.4.1
Error: Python: Traceback (most recent call last):
  File "<string>", line 4, in <module>
  File "<frozen importlib._bootstrap_external>", line 936, in exec_module
FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/dualtalk/__init__.py'

Error: script failed, expr: 'import importlib.util as u, sys
mod = u.module_from_spec(spec); spec.loader.exec_module(mod)', exiting.
"""


def _a_blender_saying(tmp_path: Path, said: str, code: int) -> Path:
    """A stand-in for a Blender binary that prints ``said`` to stdout and exits with ``code``."""
    script = tmp_path / "blender.py"
    script.write_text(f"import sys\nsys.stdout.write({said!r})\nsys.exit({code})\n", encoding="utf-8")
    return script


def _ended(button: Button) -> set[str]:
    end = time.monotonic() + 120
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end, button.said
        time.sleep(0.05)
    return ended


def _run_with(monkeypatch, tmp_path: Path, scene, said: str) -> list[tuple[set[str], str]]:
    script = _a_blender_saying(tmp_path, said, 1)
    monkeypatch.setattr(fbx_job, "child_command", lambda job_path: [sys.executable, str(script)])
    path = tmp_path / "pair.fbx"
    button = Button(scene, path)
    assert _ended(button) == {"CANCELLED"}
    assert not path.exists()
    return button.said


def test_a_blender_that_cannot_load_dualtalk_is_named_with_the_error_it_printed(
    scene, pair, tmp_path, temp, monkeypatch
):
    said = _run_with(monkeypatch, tmp_path, scene, BLENDER_SAID)

    assert said == [
        (
            {"ERROR"},
            f"DualTalk: the Blender writing the FBX file (Blender 3.4.1 at {sys.executable}) stopped "
            "(exit code 1): FileNotFoundError: [Errno 2] No such file or directory: "
            "'/nonexistent/dualtalk/__init__.py'",
        )
    ]
    assert list(temp.iterdir()) == []


def test_a_module_missing_in_the_other_blender_is_tied_to_that_blender(
    scene, pair, tmp_path, temp, monkeypatch
):
    no_numpy = (
        "Blender 3.4.1\n"
        '{"event": "start", "pid": 1}\n'
        '{"event": "error", "kind": "internal", "message": "ModuleNotFoundError: No module named \'numpy\'"}\n'
    )
    said = _run_with(monkeypatch, tmp_path, scene, no_numpy)

    assert said == [
        (
            {"ERROR"},
            f"DualTalk: the Blender writing the FBX file (Blender 3.4.1 at {sys.executable}) failed: "
            "ModuleNotFoundError: No module named 'numpy'",
        )
    ]


# What Blender 3.4.1 printed (stdout) for a --python script it could not open: the loader's path, once
# the extension is removed or updated while Blender runs (the export now runs package_loader.py by path)
LOADER_GONE = """Blender 3.4.1
Error: Python: OSError: Python file "/gone/dualtalk/package_loader.py" could not be opened: No such file or directory

Error: script failed, file: '/gone/dualtalk/package_loader.py', exiting.
"""


def test_a_blender_that_cannot_open_the_package_s_loader_says_which_file(
    scene, pair, tmp_path, temp, monkeypatch
):
    said = _run_with(monkeypatch, tmp_path, scene, LOADER_GONE)

    assert said == [
        (
            {"ERROR"},
            f"DualTalk: the Blender writing the FBX file (Blender 3.4.1 at {sys.executable}) stopped "
            '(exit code 1): OSError: Python file "/gone/dualtalk/package_loader.py" could not be opened: '
            "No such file or directory",
        )
    ]  # was: "... stopped (exit code 1)", the reason left out
    assert list(temp.iterdir()) == []


def test_the_copy_the_other_blender_reads_is_not_compressed(scene, pair, tmp_path, temp):
    button = Button(scene, tmp_path / "pair.fbx")
    (copy,) = temp.glob("dualtalk_fbx_*/scene.blend")
    assert copy.read_bytes()[:7] == b"BLENDER"  # zstd would start b"\x28\xb5\x2f\xfd"
    button.tick("ESC")
