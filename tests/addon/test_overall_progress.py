"""The Generate progress bar crosses the whole run once, and says what Blender is doing at the end.

Before, the bar took each worker stage's own fraction: it ran to full during encode, dropped back to
0.25 for generate, to 0 for lips, sat at 0 through behaviour and writing, so on a long recording it
never told the user how far along the run was. And once the worker was done, the status said "done"
at 100 % while Blender keyed the take on its UI thread (20 s for a 20-minute take, the window dead);
now it says "keying the take onto …" first, Blender redraws, and the take is keyed on the next timer
tick (test_generate_keys_in_steps: what that line says, and Esc meanwhile).
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING, WorkerProcess

# What the worker printed for a 20-minute recording (the audit's log), in order.
EVENTS = [
    ("start", 0.0, "loading modules"),
    ("engine", 0.0, "loading weights"),
    ("engine", 1.0, "lite on cpu"),
    ("audio", 0.0, "reading audio"),
    ("audio", 0.5, "voice activity"),
    ("audio", 1.0, "30000 frames"),
    ("encode", 0.023, "window 1/43"),
    ("encode", 0.512, "window 22/43"),
    ("encode", 0.988, "window 43/43"),
    ("generate", 0.25, "round 1/2: A"),
    ("generate", 0.5, "round 1/2: B"),
    ("generate", 1.0, "round 2/2: B"),
    ("lips", 0.0, "shaping A's lips"),
    ("lips", 0.5, "shaping B's lips"),
    ("behaviour", 0.0, "blinks, gaze, head and brows"),
    ("write", 0.0, "writing the motion files"),
]


def the_panel_reading(worker: WorkerProcess) -> tuple[float, str]:
    """What the add-on's status bar shows for a run with this worker (``GenerationRun.progress``)."""
    run = ui_run.GenerationRun.__new__(ui_run.GenerationRun)
    run.worker = worker
    return run.progress


def test_the_bar_moves_once_through_the_whole_run_and_names_each_stage(tmp_path):
    worker = WorkerProcess(tmp_path / "job.json")
    shown = []
    for stage, fraction, message in EVENTS:
        worker._handle({"event": "progress", "stage": stage, "fraction": fraction, "message": message})
        shown.append(the_panel_reading(worker))
    fractions = [f for f, _m in shown]
    assert all(b >= a for a, b in zip(fractions, fractions[1:], strict=False)), fractions  # never back
    assert [m for _f, m in shown][7] == "encode: window 22/43"  # the stage is still named
    by_stage = {stage: f for (stage, _fr, _m), (f, _msg) in zip(EVENTS, shown, strict=True)}
    assert by_stage["encode"] < 0.4 < by_stage["generate"]  # generate is the longest stage
    assert 0.6 < by_stage["write"] < 0.9  # most of the way, with the keying still to come


def test_a_finished_worker_reads_keying_the_take_not_done_at_full(tmp_path):
    """The worker printed "done"; what is left is keying the take in Blender."""
    python = tmp_path / "fake_python"
    lines = [json.dumps({"event": "progress", "stage": "write", "fraction": 0.0, "message": "writing"})]
    lines.append(json.dumps({"event": "done", "result": {"ok": True}}))
    python.write_text("#!/bin/sh\n" + "".join(f"echo '{line}'\n" for line in lines))
    python.chmod(0o755)
    worker = WorkerProcess(tmp_path / "job.json", python=str(python)).start()
    assert worker.wait(30) == "done"
    fraction, message = the_panel_reading(worker)
    assert message == "keying the take…"
    assert 0.6 < fraction < 1.0


def test_the_status_says_keying_the_take_before_blender_keys_it(scene, assets):
    """The interactive Generate (window timer): the tick that finds the worker done shows "keying the
    take onto …" and returns, so Blender redraws; the next tick keys the take, with that line showing,
    and returns again (Blender redraws and hears an Esc pressed meanwhile: test_generate_keys_in_steps);
    the tick after says the take's line."""
    from dualtalk.operators import modal

    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    end = time.monotonic() + 120
    while run.step() == RUNNING:
        assert time.monotonic() < end, "the generation never ended"
        time.sleep(0.05)
    status = bpy.context.window_manager.dualtalk_status
    keyed_while: list[tuple[str, float, bool]] = []
    apply = run._apply

    def keying(result, *args):
        keyed_while.append((status.message, status.fraction, status.running))
        return apply(result, *args)

    run._apply = keying
    wm = bpy.context.window_manager
    said: list[str] = []
    op = SimpleNamespace(
        _job=run,
        _timer=wm.event_timer_add(0.1, window=None),
        task="generate",
        report=lambda _kind, text: said.append(text),
        finished=lambda _context, outcome: outcome,
    )
    for name in ("_end", "_finish_step", "_failed"):
        setattr(op, name, getattr(modal.JobOperator, name).__get__(op))

    first = modal.JobOperator.modal(op, bpy.context, SimpleNamespace(type="TIMER"))
    assert first == {"RUNNING_MODAL"} and not keyed_while  # shown, not keyed yet
    showing = "keying the take onto Alice and Bob (48 frames"
    assert status.running and status.message.startswith(showing) and status.fraction < 1.0

    assert modal.JobOperator.modal(op, bpy.context, SimpleNamespace(type="TIMER")) == {"RUNNING_MODAL"}
    ((message, fraction, running),) = keyed_while  # what the status bar showed while Blender keyed
    assert message.startswith(showing) and running and fraction < 1.0
    assert status.running and not said  # keyed: the line comes on the next tick

    assert modal.JobOperator.modal(op, bpy.context, SimpleNamespace(type="TIMER")) == {"FINISHED"}
    assert not status.running and status.fraction == 1.0 and said and "animated" in said[0]
