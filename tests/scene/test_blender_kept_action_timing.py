"""The animator's own animation, pushed below the take the first time DualTalk keys a character,
plays exactly where it did: a first key on a sub-frame or before frame 0 does not move it."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talk(frames: int = 40) -> Motion:
    v = np.full((frames, 55), 0.2, np.float32)
    v[:, 52:] = 0.05
    return Motion("arkit55", v)


def sway(frames) -> np.ndarray:
    scene = bpy.context.scene
    out = []
    for f in frames:
        scene.frame_set(int(np.floor(f)), subframe=float(f - np.floor(f)))
        out.append(scene.objects["Ann_rig"].location.x)
    return np.array(out)


@pytest.mark.parametrize("first_key", [12.5, -3.5, 7.0])
def test_the_users_body_sway_keeps_its_timing_under_the_take(first_key):
    obj = br.make_character("Ann")
    rig = obj.parent
    for frame, x in ((first_key, 0.0), (first_key + 10, 1.0), (first_key + 20, 0.0)):  # a sway, keyed by hand
        rig.location.x = x
        rig.keyframe_insert("location", index=0, frame=frame)
    frames = first_key + np.arange(0.0, 20.0, 2.5)
    before = sway(frames)
    rep = apply_motion(obj, talk(), ApplyOptions(undo_push=False))
    assert rep.kept_actions  # the sway now plays on its own track below the take
    assert rig.animation_data.action is None
    assert np.abs(sway(frames) - before).max() < 1e-6


@pytest.mark.parametrize("beyond", ["CYCLES", "NOISE", "LINEAR"])
def test_the_users_idle_loop_keeps_playing_past_its_keys_under_the_take(beyond):
    """A breathing loop keyed once with a Cycles modifier (or Noise, or linear extrapolation) plays
    on every frame as the active action; pushed below the take it must not stop after its last key."""
    from dualtalk.dualtalk_blender.scene import compat

    obj = br.make_character("Ann")
    rig = obj.parent
    for frame, x in ((1, 0.0), (13, 1.0), (25, 0.0)):  # one breath, keyed by hand
        rig.location.x = x
        rig.keyframe_insert("location", index=0, frame=frame)
    (fc,) = compat.assigned_fcurves(rig)
    if beyond == "LINEAR":
        fc.extrapolation = "LINEAR"
    else:
        fc.modifiers.new(beyond)
    frames = np.arange(1.0, 200.0, 3.5)
    before = sway(frames)
    scene_end = bpy.context.scene.frame_end
    apply_motion(obj, talk(100), ApplyOptions(undo_push=False))
    assert rig.animation_data.action is None
    assert np.abs(sway(frames) - before).max() < 1e-5
    # over the shot, not to Blender's last frame: an FBX export with NLA strips bakes every frame
    kept = [s for t in rig.animation_data.nla_tracks for s in t.strips if "kept by DualTalk" in t.name]
    assert kept and max(s.frame_end for s in kept) <= max(scene_end, 101) + 1
