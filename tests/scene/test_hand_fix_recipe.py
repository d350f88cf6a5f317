"""The hand-fix recipe of docs/ui.md and docs/blender.md ("Hand fixes"), followed step by step
(review rv37a, finding 1).

The docs said "key the channel at 0 on both sides of the fix": read either way (the slider at 0 in
the viewport, or keys of value 0 in the Graph Editor) it closed the jaw on every frame of the take,
because a key over the take is an offset (Combine) and a shape key's offset of 0 is stored as 1.0.
What works, and what the docs now say: key the channel on both sides first, as it plays, without
changing it; then change it in between and key it.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import compat
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

FPS = 25
TAKE = 60
JAW = "jawOpen"
OUTSIDE = (*range(1, 16), *range(25, TAKE + 1))  # the frames beside the fix (15-25, 0.3 at 20)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str) -> Motion:
    t = np.arange(TAKE) / FPS
    v = np.zeros((TAKE, 55), np.float32)
    v[:, ARKIT52.index(JAW)] = 0.5 + 0.3 * np.sin(2 * np.pi * 1.5 * t)
    return Motion("arkit55", v, role=role)


def shot():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    return ann


def jaw(ann, frames) -> np.ndarray:
    out = []
    for f in frames:
        bpy.context.scene.frame_set(f)
        out.append(ann.data.shape_keys.key_blocks[JAW].value)
    return np.array(out)


def key_as_it_plays(ann, frame: int) -> None:
    """Go to ``frame`` and press I over the slider, changing nothing."""
    bpy.context.scene.frame_set(frame)
    ann.data.shape_keys.key_blocks[JAW].keyframe_insert("value", frame=frame)


def key_at(ann, frame: int, value: float) -> None:
    """Go to ``frame``, drag the slider to ``value``, press I."""
    bpy.context.scene.frame_set(frame)
    ann.data.shape_keys.key_blocks[JAW].value = value
    ann.data.shape_keys.key_blocks[JAW].keyframe_insert("value", frame=frame)


def test_both_sides_keyed_as_they_play_first_then_the_fix_changes_only_the_frames_between():
    ann = shot()
    take = jaw(ann, OUTSIDE)

    key_as_it_plays(ann, 15)
    key_as_it_plays(ann, 25)
    key_at(ann, 20, 0.3)

    assert jaw(ann, OUTSIDE) == pytest.approx(take, abs=1e-4)  # beside the fix: as the take plays it
    assert jaw(ann, [20]) == pytest.approx([0.3], abs=1e-4)
    (fc,) = compat.iter_fcurves(ann.data.shape_keys.animation_data.action)
    keys = [round(kp.co[1], 4) for kp in fc.keyframe_points]
    assert keys[0] == keys[2] == 1.0  # in the Graph Editor a shape key's "no change" reads 1.0


def test_keys_at_zero_on_both_sides_move_the_jaw_for_the_whole_take():
    """What the docs said before: the slider at 0 on both sides, keyed. Each is an offset of minus the
    jaw the take had there, held to the ends of the take: the jaw beside the fix no longer plays the
    take (shut wherever the take opened it less than at those frames)."""
    ann = shot()
    take = jaw(ann, OUTSIDE)

    key_at(ann, 15, 0.0)
    key_at(ann, 25, 0.0)
    key_at(ann, 20, 0.3)

    after = jaw(ann, OUTSIDE)
    assert np.abs(after - take).max() > 0.4
    assert (after < 1e-4).sum() > 10  # shut on many frames


def test_keying_the_fix_before_its_sides_carries_the_fix_onto_the_sides():
    """Why the order matters: the fix's offset holds over the whole take until the sides are keyed, so
    a side keyed after it, as it plays, keeps that offset."""
    ann = shot()
    take = jaw(ann, [40])

    key_at(ann, 20, 0.3)
    key_as_it_plays(ann, 15)
    key_as_it_plays(ann, 25)

    assert abs(jaw(ann, [40])[0] - take[0]) > 0.05


def test_side_keys_typed_to_1_in_the_graph_editor_are_no_change():
    """The way out of the zero keys: in the Graph Editor each side key's value typed to 1.0."""
    ann = shot()
    take = jaw(ann, OUTSIDE)
    key_at(ann, 15, 0.0)
    key_at(ann, 25, 0.0)
    key_at(ann, 20, 0.3)
    (fc,) = compat.iter_fcurves(ann.data.shape_keys.animation_data.action)
    for kp in fc.keyframe_points:
        if round(kp.co[0]) in (15, 25):
            kp.co[1] = 1.0  # typed in the sidebar's F-Curve > Active Keyframe > Value
    fc.update()

    assert jaw(ann, OUTSIDE) == pytest.approx(take, abs=1e-4)
