"""Generate keys its take in steps the modal's timer runs, so Blender redraws and hears Esc between them.

Review 31l F5: once the worker was done, the add-on keyed the whole take in one timer tick (7.7 s on a
10-minute take, 16.8 s on a 20-minute one) under a status line that said only "keying the take…",
and Esc was ignored ("the job is done: Esc no longer stops anything"): an animator saw a hung Blender
and could not back out. Now the line names who is keyed, how many frames and, for a long take, about
how many seconds Blender will not respond; the keying tick returns to Blender before the line is said,
so an Esc pressed while Blender keyed is heard: before the keying nothing is keyed, after it a take
keyed onto a scene that held none of DualTalk's is taken off again, leaving the scene exactly as it
was; over an earlier take (which Remove Take cannot bring back) the take stays and the line says Edit >
Undo puts the scene back. Review 31r F10 is here too: a take that leaves the range at the shot's own
says the range went back there, not that it was "extended".

fix32g: that keying tick was still one call, 4 s on a 10-minute take (9 s on 20 minutes) with the
cursor's percent the only sign of life. A long take is now keyed over several ticks (each character,
a few hundred readings of the heads at a time, each character's eyes), Blender redraws between them
with the line saying how far it is, and an Esc between two of them stops there: on a scene without
an earlier take, what was keyed so far is taken off and the scene is exactly as before Generate.
"""

from __future__ import annotations

import ast
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import ui_run
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING
from dualtalk.dualtalk_blender.scene import apply, gaze
from dualtalk.dualtalk_blender.scene.remove_take import carries_take
from dualtalk.operators import modal

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def deep_fingerprint(scene) -> dict:
    """Everything a take touches, deeper than ``ah.scene_fingerprint``: every animation slot, NLA
    track and strip, driver count, shape-key value and slider range, pose, custom property, and the
    actions, texts and sounds in the file."""

    def props(idblock) -> dict:
        return {} if idblock is None else {k: str(idblock[k]) for k in idblock.keys()}

    def anim(idblock) -> object:
        ad = getattr(idblock, "animation_data", None)
        if ad is None:
            return None
        tracks = [
            (t.name, t.mute, [(s.name, s.action.name if s.action else None) for s in t.strips])
            for t in ad.nla_tracks
        ]
        return (
            ad.action.name if ad.action else None,
            ad.action_blend_type,
            ad.action_influence,
            tracks,
            len(ad.drivers),
        )

    objects = {}
    for obj in bpy.data.objects:
        keys = obj.data.shape_keys if obj.type == "MESH" else None
        objects[obj.name] = {
            "props": props(obj),
            "anim": anim(obj),
            "data": (obj.data.name, obj.data.users) if obj.data is not None else None,
            "keys": None
            if keys is None
            else (
                anim(keys),
                props(keys),
                [(kb.name, round(kb.value, 6), kb.slider_min, kb.slider_max) for kb in keys.key_blocks],
            ),
            "pose": [
                (pb.name, tuple(pb.rotation_quaternion), tuple(pb.rotation_euler)) for pb in obj.pose.bones
            ]
            if obj.pose
            else None,
            "rot": tuple(obj.rotation_euler),
        }
    se = scene.sequence_editor
    return {
        "objects": objects,
        "scene": props(scene),
        "markers": sorted((m.name, m.frame) for m in scene.timeline_markers),
        "strips": sorted(s.name for s in se.strips) if se else [],
        "range": (scene.frame_start, scene.frame_end),
        "data": {
            kind: sorted(x.name for x in getattr(bpy.data, kind)) for kind in ("actions", "texts", "sounds")
        },
    }


def worker_done(scene, assets) -> ui_run.GenerationRun:
    """Generate pressed on Alice and Bob, its worker (the real one, a tiny engine) run to the end."""
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    run = ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()
    end = time.monotonic() + 180
    while run.step() == RUNNING:
        assert time.monotonic() < end, "the generation never ended"
        time.sleep(0.05)
    return run


class Operator:
    """The Generate button's modal operator, as Blender drives it: a timer tick or an Esc at a time."""

    def __init__(self, run) -> None:
        wm = bpy.context.window_manager
        self.said: list[tuple[set[str], str]] = []
        self.op = SimpleNamespace(
            _job=run,
            _timer=wm.event_timer_add(0.1, window=None),
            _finishing=False,
            task="generate",
            report=lambda kind, text: self.said.append((kind, text)),
            finished=lambda _context, outcome: outcome,
        )
        for name in ("_end", "_finish_step", "_failed"):
            method = getattr(modal.JobOperator, name, None)
            if method is not None:
                setattr(self.op, name, method.__get__(self.op))

    def tick(self, event: str = "TIMER") -> set[str]:
        return modal.JobOperator.modal(self.op, bpy.context, SimpleNamespace(type=event))


def status():
    return bpy.context.window_manager.dualtalk_status


@pytest.fixture
def pair(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    return alice, bob


def test_the_line_names_the_keying_and_blender_gets_the_window_back_before_the_take_is_said(
    scene, assets, pair, monkeypatch
):
    # this Blender keys slowly (as a 20-minute take does): the line says how long it will not respond
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1}, raising=False)
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 600.0)  # and its tick keys the whole take
    run = worker_done(scene, assets)
    op = Operator(run)

    assert op.tick() == {"RUNNING_MODAL"}  # the worker is done: the line first, Blender redraws
    assert status().running
    assert status().message.startswith("keying the take onto Alice and Bob (48 frames, about 5 s;")
    assert "Blender does not respond until then" in status().message
    assert not bpy.data.actions  # nothing keyed yet

    assert op.tick() == {"RUNNING_MODAL"}  # keyed; Blender gets the window back before the line
    assert bpy.data.actions and status().running and not op.said
    assert ui_run.generation_running()  # no second Generate, Remove Take or Apply Take in between

    assert op.tick() == {"FINISHED"}
    assert op.said[0][1].startswith("DualTalk: animated ") and not status().running
    assert not ui_run.generation_running()
    # a 2 s take's fixed cost is no pace: the next long take's estimate is not made from it
    assert ui_run._PACE == {False: 0.1, True: 0.1}


def test_esc_before_the_keying_keys_nothing(scene, assets, pair):
    before = deep_fingerprint(scene)
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}  # "keying the take onto Alice and Bob…" is drawn

    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [({"WARNING"}, "DualTalk: cancelled before keying; the scene was not changed")]
    assert deep_fingerprint(scene) == before
    assert not run.work_dir.exists() and not ui_run.generation_running()


def test_esc_pressed_while_blender_keyed_leaves_the_scene_as_it_was(scene, assets, pair):
    alice, _bob = pair
    # the animator's own animation on Alice's face: Remove Take's way back puts it back as it was
    keys = alice.data.shape_keys
    keys.key_blocks["jawOpen"].value = 0.2
    keys.key_blocks["jawOpen"].keyframe_insert("value", frame=1)
    scene.frame_end = 20  # shorter than the take: the take extends the range
    before = deep_fingerprint(scene)
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert op.tick() == {"RUNNING_MODAL"}  # Blender keyed the take; the Esc pressed meanwhile comes now
    assert deep_fingerprint(scene) != before

    assert op.tick("ESC") == {"CANCELLED"}
    ((kind, line),) = op.said
    assert kind == {"WARNING"}
    assert line == (
        "DualTalk: cancelled while keying; the take was taken off again and the scene is as it was "
        "before Generate"
    )
    assert deep_fingerprint(scene) == before
    assert not status().running and status().last == line


def test_esc_too_late_over_an_earlier_take_keeps_the_take_and_says_undo(scene, assets, pair):
    first = worker_done(scene, assets)
    assert first.finish().ok  # an earlier take: Remove Take would take it off too
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert op.tick() == {"RUNNING_MODAL"}

    assert op.tick("ESC") == {"FINISHED"}  # an undo step: Edit > Undo has something to undo
    ((kind, line),) = op.said
    assert kind == {"INFO"}
    assert line.startswith("DualTalk: Esc came while Blender was keying, too late to stop it")
    assert "animated lite engine, 48 frames" in line
    assert line.endswith("Edit > Undo puts the scene back as it was before Generate")


def test_a_take_that_puts_the_range_back_to_the_shots_says_so(scene, assets, pair, tmp_path):
    """animate fits the range to its take (here 1-48 in a 1-100 shot); the panel's take extends from
    the shot's own range, back to 1-100: not "extended from 1-48 to 1-100"."""
    from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
    from dualtalk.inference.core.motion import load_motion

    alice, bob = pair
    scene.frame_start, scene.frame_end = 1, 100
    take = ah.write_two_second_take(tmp_path / "take")
    motions = [load_motion(take / f"{role}.npz") for role in "AB"]
    apply_dialogue(alice, bob, *motions, ApplyOptions(frame_range="fit", undo_push=False), scene=scene)
    assert (scene.frame_start, scene.frame_end) == (1, 48)

    run = worker_done(scene, assets)
    outcome = run.finish()
    assert outcome.ok, outcome.message
    assert (scene.frame_start, scene.frame_end) == (1, 100)
    assert "scene range back to the shot's 1-100 (the take ends at 48)" in outcome.message
    assert "extended" not in outcome.message


@pytest.fixture
def slow_keying(monkeypatch):
    """This Blender keys slowly, as a long take does: a tick runs one step, the heads are read a few
    at a time (a 10-minute take reads hundreds between two steps)."""
    monkeypatch.setattr(ui_run, "_PACE", {False: 0.1, True: 0.1})
    monkeypatch.setattr(ui_run, "TICK_SECONDS", 0.0)
    monkeypatch.setattr(gaze, "READS_PER_STEP", 2)


def test_a_long_keying_goes_in_steps_and_the_line_says_how_far_it_is(scene, assets, pair, slow_keying):
    run = worker_done(scene, assets)
    assert run._frames() == (48, True)  # the eyes are aimed: the heads are read back
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}  # "keying the take onto Alice and Bob (48 frames, about 5 s; ..."
    lines, fractions = [], []
    while (ended := op.tick()) == {"RUNNING_MODAL"}:
        lines.append(status().message)
        fractions.append(status().fraction)
    assert ended == {"FINISHED"} and op.said[0][1].startswith("DualTalk: animated lite engine, 48 frames")

    assert len(lines) >= 6, lines  # A, B, the heads in steps, A's eyes, B's eyes, keyed
    assert lines[0] == (
        "keying the take onto Alice and Bob: 4 % (Alice: working out the keys); Esc takes it off again"
    ), lines[0]
    assert any("% (aiming the eyes: frame " in line for line in lines)
    assert lines[-1] == ui_run.KEYED
    assert fractions == sorted(fractions) and 0.85 <= fractions[0] and fractions[-1] < 1.0


@pytest.mark.parametrize("steps", [2, 6], ids=["after-alice", "while-aiming"])
def test_esc_between_two_keying_steps_leaves_the_scene_exactly_as_it_was(
    scene, assets, pair, slow_keying, steps
):
    alice, bob = pair
    keys = alice.data.shape_keys  # the animator's own animation on Alice's face stays as it was
    keys.key_blocks["jawOpen"].value = 0.2
    keys.key_blocks["jawOpen"].keyframe_insert("value", frame=1)
    scene.frame_end = 20  # shorter than the take: the take extends the range
    before = deep_fingerprint(scene)
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    for _ in range(steps):
        assert op.tick() == {"RUNNING_MODAL"}
    assert carries_take(alice) and (steps > 1 or not carries_take(bob))  # keyed in part
    assert deep_fingerprint(scene) != before and scene.frame_end > 20

    assert op.tick("ESC") == {"CANCELLED"}
    assert op.said == [
        (
            {"WARNING"},
            "DualTalk: cancelled while keying; the take was taken off again and the scene is as it was "
            "before Generate",
        )
    ]
    assert deep_fingerprint(scene) == before
    assert not status().running and not ui_run.generation_running() and not run.work_dir.exists()


def test_esc_between_steps_over_an_earlier_take_keys_it_to_the_end_and_says_undo(
    scene, assets, pair, slow_keying
):
    first = worker_done(scene, assets)
    assert first.finish().ok  # an earlier take, rewritten in place: nothing to go back to
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert op.tick() == {"RUNNING_MODAL"}  # one step: Alice keyed
    assert "Esc takes it off" not in status().message

    assert op.tick("ESC") == {"FINISHED"}
    ((kind, line),) = op.said
    assert kind == {"INFO"}
    assert line.startswith("DualTalk: Esc came while Blender was keying, too late to stop it")
    assert "animated lite engine, 48 frames" in line and "turn markers" in line


def test_another_file_opened_between_two_keying_steps_keeps_the_take_in_a_folder(
    scene, assets, pair, slow_keying, tmp_path
):
    """A script (or Blender) opening a file between two steps: the steps' scene is gone; they are
    never resumed on it, and the take is kept to apply again, as a take finished after the file
    closed is."""
    other = tmp_path / "other_shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(other), copy=True)
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick() == {"RUNNING_MODAL"}
    assert op.tick() == {"RUNNING_MODAL"}  # one step: Alice keyed

    ah.blender_ends_the_operator(run)
    bpy.ops.wm.open_mainfile(filepath=str(other))
    ah.follow_until_done()

    line = status().last
    assert line.startswith(
        "DualTalk: the scene was closed while its take was keyed; the take for Alice & Bob"
    ), line
    found = re.search(r"apply_take\(directory=('[^']*')\)", line)
    assert found, line
    folder = Path(ast.literal_eval(found.group(1)))
    try:
        assert (folder / "A.npz").is_file() and not run.work_dir.exists()
        assert not ui_run.generation_running()
        assert not apply._TAKE_RANGES  # the next take's range is worked out as ever
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_while_the_take_is_keyed_in_steps_the_animators_input_waits(scene, assets, pair, slow_keying):
    """Between two steps Blender redraws, but an undo, a deleted character or another file would pull
    the scene from under the next step: keys and clicks wait until the take is keyed; Esc is heard."""
    run = worker_done(scene, assets)
    op = Operator(run)
    assert op.tick("LEFTMOUSE") == {"PASS_THROUGH"}  # the engine's part: Blender is the animator's
    assert op.tick() == {"RUNNING_MODAL"}  # "keying the take onto Alice and Bob…"
    assert op.tick() == {"RUNNING_MODAL"}  # Alice keyed
    for event in ("Z", "LEFTMOUSE", "MOUSEMOVE"):  # Ctrl+Z, a click in the outliner, ...
        assert op.tick(event) == {"RUNNING_MODAL"}
    assert op.tick("ESC") == {"CANCELLED"}
