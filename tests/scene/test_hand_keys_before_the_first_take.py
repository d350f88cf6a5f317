"""An animator blocks Ann's head by hand (two keys) before her first take, then generates. The take's
head layer plays over those keys (they are whole poses, kept under the take on their own NLA track, as
Remove Take can put them back): the report says so in one line (which bone, how many keys, where they
went, how to see them again), where the head used to change with no word. Keys on a bone the take
does not move (the spine) play on as before, unremarked."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.motion import Motion

T = 50

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def nodding() -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, 52] = 0.1 * np.sin(np.arange(T) / 4.0)
    return Motion("arkit55", v)


def key_bone(rig, bone: str) -> str:
    head = rig.pose.bones[bone]
    for frame, tilt in ((10, 0.2), (30, -0.2)):
        head.rotation_quaternion = (0.98, tilt, 0.0, 0.0)
        head.keyframe_insert("rotation_quaternion", frame=frame)
    return rig.animation_data.action.name


def test_the_take_says_it_plays_over_head_keys_made_before_it():
    ann = br.make_character("Ann")
    blocked = key_bone(ann.parent, "head")

    rep = apply_motion(ann, nodding(), ApplyOptions(start_frame=1, undo_push=False))

    said = [w for w in rep.warnings if "bone head" in w]
    assert len(said) == 1, rep.warnings
    line = said[0]
    assert line.startswith(f"Ann: your keys on bone head in {blocked!r} (2 keyed frames)"), line
    assert f"'{blocked} (kept by DualTalk)'" in line and "DualTalk head layer" in line, line
    assert "Remove Take" in line, line
    tracks = [t.name for t in ann.parent.animation_data.nla_tracks]
    assert tracks[:2] == ["DualTalk rest beneath", f"{blocked} (kept by DualTalk)"]  # kept, under the take


def test_keys_on_a_bone_the_take_does_not_move_are_not_mentioned():
    ann = br.make_character("Ann")
    key_bone(ann.parent, "spine")

    rep = apply_motion(ann, nodding(), ApplyOptions(start_frame=1, undo_push=False))

    assert not [w for w in rep.warnings if "your keys" in w], rep.warnings
    bpy.context.scene.frame_set(10)
    assert ann.parent.pose.bones["spine"].rotation_quaternion[1] == pytest.approx(0.2, abs=1e-3)
