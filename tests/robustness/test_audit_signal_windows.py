"""Ctrl-C and SIGTERM at the worst moments a farm can pick: between the renames that put a set of
outputs in place, inside Blender's start-up, and after the run has finished while Python shuts down.
Each used to leave a mixed set, a segfault, or a finished shot marked failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dualtalk.inference.core import fileio, interrupts


def test_a_signal_between_the_renames_of_a_set_waits_until_the_whole_set_is_new(tmp_path, monkeypatch):
    """A new A.npz beside the old B.npz (or a new .blend over the old audio) looked like one take."""
    a, b = tmp_path / "A.npz", tmp_path / "B.npz"
    a.write_bytes(b"old A")
    b.write_bytes(b"old B")
    real_replace = os.replace
    renamed: list[str] = []

    def replace_then_sigterm(src, dst):
        real_replace(src, dst)
        renamed.append(Path(dst).name)
        if len(renamed) == 1:
            os.kill(os.getpid(), signal.SIGTERM)  # a real signal, handled by the CLI's handler

    monkeypatch.setattr(fileio.os, "replace", replace_then_sigterm)
    with interrupts.handle_signals(), pytest.raises(interrupts.Terminated):
        with fileio.atomic_paths([a, b]) as (ta, tb):
            ta.write_bytes(b"new A")
            tb.write_bytes(b"new B")
    assert (a.read_bytes(), b.read_bytes()) == (b"new A", b"new B")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["A.npz", "B.npz"]  # no temp or set-aside copy


def test_held_delivers_the_signal_after_the_block_and_only_once():
    with interrupts.handle_signals():
        done = []
        with pytest.raises(KeyboardInterrupt):
            with interrupts.held():
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)
                done.append("the block ran to its end")
        assert done == ["the block ran to its end"]
        assert interrupts.received() == signal.SIGINT


def _child(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True, timeout=300
    )


def test_ctrl_c_while_animate_starts_blender_lets_blender_finish_starting(kit, tmp_path):
    """An interrupt inside ``import bpy`` left Blender half-registered: a traceback and a segfault
    (exit 139) instead of one line and 130. Here the Ctrl-C arrives as the import begins."""
    marker = tmp_path / "bpy_started"
    src = kit / "in"
    argv = ["animate", "--quiet", "--blend", str(src / "scene.blend"), "--char-a", "Ann", "--char-b", "Bob",
            "--motion-a", str(src / "A.npz"), "--motion-b", str(src / "B.npz"),
            "--out", str(tmp_path / "out" / "shot.blend")]  # fmt: skip
    script = f"""
        import builtins, os, signal, sys
        real_import = builtins.__import__
        def ctrl_c_as_blender_starts(name, *args, **kwargs):
            if name == "bpy" and "bpy" not in sys.modules:
                os.kill(os.getpid(), signal.SIGINT)
                module = real_import(name, *args, **kwargs)
                open({str(marker)!r}, "w").close()  # Blender finished starting before the interrupt
                return module
            return real_import(name, *args, **kwargs)
        builtins.__import__ = ctrl_c_as_blender_starts
        from dualtalk import cli
        sys.exit(cli.main(sys.argv[1:]))
    """
    res = _child(script, *argv)
    assert res.returncode == 130, res.stderr[-2000:]
    assert [line for line in res.stderr.splitlines() if line.startswith("error:")] == ["error: interrupted"]
    assert marker.exists()
    assert not (tmp_path / "out" / "shot.blend").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_python_shuts_down_keeps_the_finished_runs_exit_code(tmp_path, sig):
    """The run had ended (here: refused, exit 2) and a farm's signal came during the ~0.7 s of
    Blender's teardown: the process died by the signal and the job was marked failed for it."""
    script = f"""
        import atexit, os, runpy, sys
        atexit.register(lambda: os.kill(os.getpid(), {int(sig)}))  # during the interpreter's shutdown
        sys.argv = ["dualtalk", "infer", "--audio", {str(tmp_path / "missing.wav")!r}, "--out", {str(tmp_path / "o")!r}]
        runpy.run_module("dualtalk", run_name="__main__")
    """
    res = _child(script)
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    assert res.stderr.strip().splitlines()[-1].startswith("error:")
    assert "Traceback" not in res.stderr


def test_a_failed_first_run_leaves_another_runs_files_in_the_work_folder_marked(tmp_path):
    """Two runs to the same new work folder: the failing one removed the folder's marker while the
    other was writing into it, and every later run refused the folder as not DualTalk's."""
    from dualtalk.dualtalk_blender.commands.shot_run import _work_files
    from dualtalk.inference.core.errors import DualTalkError
    from dualtalk.inference.core.outputs import WORK_MARKER

    work = tmp_path / "shot_work"
    with pytest.raises(DualTalkError), _work_files(work, engine=False):
        (work / "dialogue.wav").write_bytes(b"the other run's mix")
        raise DualTalkError("this run failed")
    assert (work / WORK_MARKER).exists() and (work / "dialogue.wav").exists()
    with pytest.raises(DualTalkError), _work_files(tmp_path / "alone", engine=False):
        raise DualTalkError("a failed first run alone")
    assert not (tmp_path / "alone").exists()  # still leaves no folder behind


def test_a_handler_the_host_installed_in_c_is_left_in_place(tmp_path, monkeypatch):
    """Inside Blender the Ctrl-C handler is Blender's own, installed in C: Python reads it as None and
    cannot put it back. Holding signals across the add-on's first file write replaced it with the
    default, so afterwards one Ctrl-C in Blender's terminal killed Blender and the unsaved scene."""
    real_getsignal = signal.getsignal
    monkeypatch.setattr(
        signal, "getsignal", lambda sig: None if sig == signal.SIGINT else real_getsignal(sig)
    )
    touched: list[int] = []
    real_signal = signal.signal
    monkeypatch.setattr(
        signal, "signal", lambda sig, handler: touched.append(sig) or real_signal(sig, handler)
    )
    before = real_getsignal(signal.SIGTERM)
    with interrupts.held():
        (tmp_path / "job.json").write_text("{}")  # the add-on's job file, written while signals are held
    assert signal.SIGINT not in touched  # Blender's handler stays Blender's
    assert signal.SIGTERM in touched and real_getsignal(signal.SIGTERM) is before  # held and put back
