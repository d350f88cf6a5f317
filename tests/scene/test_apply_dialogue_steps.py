"""Keying a take in steps (the add-on's Generate: one step per timer tick) keys what one call keys.

Review 31l F5, fix32g: a 10-minute take was keyed by one call on Blender's main thread (about 4 s,
9 s for 20 minutes): Blender drew nothing and heard nothing meanwhile. ``apply_dialogue_steps``
yields after each character's keys, every few hundred readings of the heads for eye contact and
after each character's eyes, and Blender draws the scene between two steps: it must be the scene as
the animator left it then (their frame, a hidden rig hidden, skinned meshes on, their own head key
playing), not the state the heads are read in, and the keys at the end must be the ones one
``apply_dialogue`` call writes.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import apply as ap
from dualtalk.dualtalk_blender.scene import gaze
from dualtalk.inference.core.motion import Motion

T = 120  # 4.8 s at 25 fps

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def motion(role: str) -> Motion:
    """A take with eye contact: the head nods and turns, the eyes go to the partner and away."""
    t = np.arange(T) / 25.0
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = np.radians(5.0) * np.sin(2 * np.pi * (0.7 if role == "A" else 0.4) * t)
    v[:, 53] = np.radians(7.0) * np.sin(2 * np.pi * 0.3 * t)
    v[:, 24] = 0.3 + 0.2 * np.sin(2 * np.pi * 2.0 * t)  # the jaw
    target = ((np.arange(T) // 30) % 2 == (0 if role == "A" else 1)).astype(np.int8)
    direction = np.zeros((T, 2), np.float32)
    direction[target == 0] = (15.0, -8.0)
    speaking = np.arange(T) < T // 2 if role == "A" else np.arange(T) >= T // 2
    return Motion("arkit55", v, role=role, speaking=speaking, gaze_target=target, gaze_dir=direction)


def shot() -> tuple[bpy.types.Object, bpy.types.Object]:
    """Two characters: B walks (the heads are checked inside the gaps), the animator's own key turns
    A's head (muted while the heads are read), B's rig is switched off in the viewports (shown while
    they are read), and the animator looks at frame 7."""
    scene = bpy.context.scene
    a = br.make_character("A", location=(-0.5, 0.0, 0.0))
    b = br.make_character("B", location=(0.5, 0.0, 0.0))
    rig_b = b.parent
    rig_b.keyframe_insert("location", frame=1)
    rig_b.location.x += 0.4
    rig_b.keyframe_insert("location", frame=T)
    head = a.parent.pose.bones["head"]
    head.rotation_mode = "XYZ"
    head.rotation_euler = (0.1, 0.0, 0.05)
    head.keyframe_insert("rotation_euler", frame=1)
    rig_b.hide_viewport = True
    scene.frame_set(7)
    return a, b


def drawn(scene) -> tuple:
    """What Blender draws from: the frame, what is hidden, the animator's curves muted or not."""
    muted = [
        (action.name, fc.data_path, fc.array_index, fc.mute)
        for action in bpy.data.actions
        for fc in ap.compat.iter_fcurves(action, None)
    ]
    return (
        scene.frame_current,
        scene.frame_subframe,
        sorted((o.name, o.hide_viewport) for o in scene.objects),
        sorted(m for m in muted if not m[0].startswith("DualTalk")),  # the animator's
        scene.render.frame_map_old,
        scene.render.frame_map_new,
    )


def keys() -> dict:
    """Every key DualTalk wrote: per action and curve, its points and handles."""
    out = {}
    for action in bpy.data.actions:
        for fc in ap.compat.iter_fcurves(action, None):
            points = np.array([(*k.co, *k.handle_left, *k.handle_right) for k in fc.keyframe_points])
            out[(action.name, fc.data_path, fc.array_index)] = points
    return out


def options() -> ap.ApplyOptions:
    return ap.ApplyOptions(start_frame=1, head_turn=0.3).replace(undo_push=False)


def test_a_take_keyed_in_steps_keys_what_one_call_keys_and_the_scene_is_drawn_as_it_was_between_steps(
    monkeypatch,
):
    monkeypatch.setattr(gaze, "READS_PER_STEP", 4)  # a 5 s take read in many steps, as 10 minutes are
    a, b = shot()
    ap.apply_dialogue(a, b, motion("A"), motion("B"), options())
    once = keys()
    assert any("eyeLook" in path for _action, path, _i in once)  # the eyes were aimed

    br.reset()
    bpy.context.scene.render.fps = 25
    scene = bpy.context.scene
    a, b = shot()
    before = drawn(scene)
    steps = ap.apply_dialogue_steps(a, b, motion("A"), motion("B"), options(), pauses=True)
    taken = 0
    while True:
        try:
            next(steps)
        except StopIteration as done:
            rep_a, rep_b, _markers = done.value
            break
        taken += 1
        assert drawn(scene) == before, f"after step {taken}"  # Blender redraws here
        bpy.context.view_layer.update()
    assert taken >= 8, taken  # each character, the heads' readings in several steps, each one's eyes
    assert rep_a.frames == rep_b.frames == T
    stepped = keys()
    assert stepped.keys() == once.keys()
    for name, points in once.items():
        assert np.array_equal(stepped[name], points), name
    assert drawn(scene)[:3] == before[:3]


def test_closing_the_steps_half_way_leaves_nothing_of_the_heads_reading_on(monkeypatch):
    """An Esc between two steps closes them (the add-on then takes off what was keyed, Remove Take's
    way: tests/addon/test_generate_keys_in_steps.py): the scene is drawn as the animator left it."""
    monkeypatch.setattr(gaze, "READS_PER_STEP", 4)
    scene = bpy.context.scene
    a, b = shot()
    before = drawn(scene)
    steps = ap.apply_dialogue_steps(a, b, motion("A"), motion("B"), options(), pauses=True)
    for _ in range(4):  # A and B keyed, the heads being read
        next(steps)
    steps.close()
    assert drawn(scene) == before
