"""An animator presses Export FBX on a long take and wants it stopped: Esc.

Export FBX held Blender until the file was written (a blocking operator hears no key), so a long export
could not be stopped from the UI (session 37's leftover; docs/blender.md said "Esc cannot stop it").
From the panel's button it now runs in a Blender of its own from a copy of the file (``fbx_job``), polled
by the modal operator as Generate's worker is: Esc stops it, the user's file at the path stays as it was
and no part of the new one is left beside it; left to run, the file is put in place and read back with
ufbx. Driven headless as Blender drives the modal: one timer tick or one Esc at a time.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import fbx_job
from dualtalk.operators import generate as generate_ops
from dualtalk.operators import modal
from fbx_nodes import read_fbx_nodes

LONG = 3000  # frames the exporter samples: seconds of work, past its first progress line (250)
YESTERDAY = b"the pair exported yesterday"


@pytest.fixture
def pair(scene, assets, tmp_path):
    """Alice and Bob keyed with a take, picked in the panel, over a long scene range."""
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        taken = bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(tmp_path / "cafe")))
    assert taken == {"FINISHED"}
    scene.frame_start, scene.frame_end = 1, LONG
    return a, b


@pytest.fixture
def temp(tmp_path, monkeypatch) -> Path:
    """The job's temp folders (the copy of the .blend) go here, to see that none is left."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


class Button:
    """Export FBX's modal operator as Blender drives it after the button: a tick or an Esc at a time."""

    def __init__(self, scene, path: Path) -> None:
        wm = bpy.context.window_manager
        self.said: list[tuple[set[str], str]] = []
        cls = generate_ops.DUALTALK_OT_export_fbx
        self.op = SimpleNamespace(
            _timer=wm.event_timer_add(0.1, window=None),
            _finishing=False,
            task=cls.task,
            filepath=str(path),
            report=lambda kind, text: self.said.append((kind, text)),
        )
        for name in ("begin", "finished", "_end", "_finish_step", "_failed"):
            setattr(self.op, name, getattr(cls, name).__get__(self.op))
        with bpy.context.temp_override(scene=scene):
            self.op._job = self.op.begin(bpy.context)
        modal._LIVE[id(self.op._job)] = (self.op._job, self.op._timer)
        self.scene = scene

    def tick(self, event: str = "TIMER") -> set[str]:
        with bpy.context.temp_override(scene=self.scene):
            return generate_ops.DUALTALK_OT_export_fbx.modal(
                self.op, bpy.context, SimpleNamespace(type=event)
            )

    def until_sampling(self, within: float = 120.0) -> None:
        """Ticks until the other Blender says it samples the take's frames."""
        end = time.monotonic() + within
        while self.op._job.fraction == 0.0:
            assert self.tick() == {"RUNNING_MODAL"}, self.said
            assert time.monotonic() < end, "the export never said it was sampling"
            time.sleep(0.05)


def status():
    return bpy.context.window_manager.dualtalk_status


def test_esc_while_the_take_is_sampled_stops_the_export_and_leaves_yesterdays_file(
    scene, pair, tmp_path, temp
):
    path = tmp_path / "pair.fbx"
    path.write_bytes(YESTERDAY)
    button = Button(scene, path)
    child = button.op._job._proc
    assert "Esc cancels" in status().last
    button.until_sampling()
    assert "sampling frame" in status().last

    assert button.tick("ESC") == {"CANCELLED"}

    assert button.said == [({"WARNING"}, "DualTalk: FBX export cancelled; no file was written")]
    assert child.poll() is not None  # the other Blender is gone
    assert path.read_bytes() == YESTERDAY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "pair.fbx", "tmp"]  # no staged part
    assert list(temp.iterdir()) == []  # nor the copy of the .blend
    assert not status().running and not modal.running_jobs((fbx_job.TASK,))


def test_esc_before_the_other_blender_has_started_leaves_nothing(scene, pair, tmp_path, temp):
    path = tmp_path / "pair.fbx"
    button = Button(scene, path)

    assert button.tick("ESC") == {"CANCELLED"}

    assert not path.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "tmp"]
    assert list(temp.iterdir()) == []


def test_left_to_run_the_file_is_put_in_place_and_the_line_names_it(scene, pair, tmp_path, temp):
    scene.frame_end = 50  # the take's own range: no clip warning
    path = tmp_path / "pair.fbx"
    path.write_bytes(YESTERDAY)
    button = Button(scene, path)
    end = time.monotonic() + 180
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end
        time.sleep(0.05)

    assert ended == {"FINISHED"}, button.said
    assert button.said == [({"INFO"}, f"DualTalk: exported {path}")]
    assert status().last == f"DualTalk: exported {path}" and not status().running
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "pair.fbx", "tmp"]
    assert list(temp.iterdir()) == []
    nodes = read_fbx_nodes(path)
    assert {"Alice", "Bob"} <= {n for top in nodes["tops"].values() for n in top["names"]}
    assert len(nodes["clips"]) == 1


def test_a_second_export_waits_for_the_first(scene, pair, tmp_path, temp):
    button = Button(scene, tmp_path / "pair.fbx")
    with bpy.context.temp_override(scene=scene):
        assert not generate_ops.DUALTALK_OT_export_fbx.poll(bpy.context)
    button.tick("ESC")
    with bpy.context.temp_override(scene=scene):
        assert generate_ops.DUALTALK_OT_export_fbx.poll(bpy.context)


def test_the_panels_cancel_stops_it_too(scene, pair, tmp_path, temp):
    path = tmp_path / "pair.fbx"
    button = Button(scene, path)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.cancel() == {"FINISHED"}
    assert button.tick() == {"CANCELLED"}
    assert not path.exists() and list(temp.iterdir()) == []


def test_one_file_per_character_esc_leaves_neither_and_left_to_run_writes_both(scene, pair, tmp_path, temp):
    scene.dualtalk.fbx_per_character = True
    path = tmp_path / "pair.fbx"
    button = Button(scene, path)
    button.until_sampling()
    assert button.tick("ESC") == {"CANCELLED"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "tmp"]

    scene.frame_end = 50
    button = Button(scene, path)
    end = time.monotonic() + 180
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end
        time.sleep(0.05)
    alice, bob = tmp_path / "pair_Alice.fbx", tmp_path / "pair_Bob.fbx"
    assert ended == {"FINISHED"} and button.said == [({"INFO"}, f"DualTalk: exported {alice} and {bob}")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "pair_Alice.fbx", "pair_Bob.fbx", "tmp"]


def test_the_other_blender_killed_says_so_and_leaves_yesterdays_file(scene, pair, tmp_path, temp):
    """Killed outright (out of memory, kill -9) while it writes: no rename, nothing of it left."""
    import os
    import signal

    path = tmp_path / "pair.fbx"
    path.write_bytes(YESTERDAY)
    button = Button(scene, path)
    button.until_sampling()
    os.kill(button.op._job._proc.pid, signal.SIGKILL)
    end = time.monotonic() + 60
    while (ended := button.tick()) == {"RUNNING_MODAL"}:
        assert time.monotonic() < end
        time.sleep(0.05)

    assert ended == {"CANCELLED"}
    assert button.said == [
        ({"ERROR"}, "DualTalk: the Blender writing the FBX file stopped (exit code -9)")
    ], button.said
    assert path.read_bytes() == YESTERDAY
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "pair.fbx", "tmp"]
    assert list(temp.iterdir()) == []


def test_in_blender_the_export_runs_in_blenders_own_binary_reading_its_arguments_after_the_dashes(tmp_path):
    """Blender's binary is started in the background with factory settings; Blender hands the script
    (the package's loader, by its path) its whole command line, and the script reads only what follows
    ``--`` (run here by this Python, with Blender's own command line as its ``sys.argv``)."""
    import json
    import subprocess
    import sys

    job = tmp_path / "job.json"
    cmd = fbx_job.child_command(job, binary="/opt/blender/blender", autoexec=False)
    assert cmd[:4] == ["/opt/blender/blender", "--background", "--factory-startup", "--disable-autoexec"]
    script = cmd[cmd.index("--python") + 1]
    as_blender = [
        sys.executable,
        "-c",
        # as Blender runs a --python file: its own argv kept whole (runpy would put the script's path first)
        "import sys; sys.argv = sys.argv[1:]; path = sys.argv[sys.argv.index('--python') + 1]; "
        "exec(compile(open(path).read(), path, 'exec'), {'__name__': '__main__', '__file__': path})",
        *cmd,
    ]
    assert script.endswith("package_loader.py")
    out = subprocess.run(as_blender, capture_output=True, text=True, timeout=120)
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert last["event"] == "error" and "job.json" in last["message"], out  # its job file, read: not there
    assert fbx_job.child_command(job, binary="/opt/blender/blender", autoexec=True)[3] == "--enable-autoexec"


def test_what_the_export_would_refuse_is_refused_before_the_copy_is_saved(scene, pair, tmp_path, temp):
    from dualtalk.inference.core.errors import DualTalkError

    with pytest.raises(DualTalkError, match=r"folder .*nope does not exist; create it first"):
        Button(scene, tmp_path / "nope" / "pair.fbx")
    with pytest.raises(DualTalkError, match="FBX output must end in .fbx, got pair.obj"):
        Button(scene, tmp_path / "pair.obj")
    assert list(temp.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["cafe", "tmp"]
    assert not modal.running_jobs((fbx_job.TASK,))
