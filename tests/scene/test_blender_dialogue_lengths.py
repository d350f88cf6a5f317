"""Two characters whose motion files come from separate runs (paper mode animates one character at a
time) need not be the same length: both still get eye contact, each over its own take."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.gaze import EYE_LOOK
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def with_eye_contact(frames: int, seed: int) -> Motion:
    """A behaviour-layer take: at the partner for 10 frames, away for 10, ..."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 0.6, (frames, 55)).astype(np.float32)
    v[:, 52:] = 0.02
    v[:, [ARKIT52.index(n) for n in EYE_LOOK]] = 0.0  # eyes straight ahead until aimed
    target = (np.arange(frames) // 10 % 2).astype(np.int8)
    return Motion("arkit55", v, gaze_target=target, gaze_dir=np.zeros((frames, 2), np.float32))


@pytest.mark.parametrize("frames_a, frames_b", [(40, 60), (60, 40)])
def test_takes_of_different_lengths_both_get_eye_contact(frames_a, frames_b):
    bpy.context.scene.render.fps = 30
    ann = br.make_character("Ann", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    rep_a, rep_b, _ = apply_dialogue(
        ann, bob, with_eye_contact(frames_a, 0), with_eye_contact(frames_b, 1), ApplyOptions(undo_push=False)
    )
    assert (rep_a.frames, rep_b.frames) == (frames_a * 30 // 25, frames_b * 30 // 25)
    scene = bpy.context.scene
    for obj, rep in ((ann, rep_a), (bob, rep_b)):
        looks = (
            obj.data.shape_keys.key_blocks["eyeLookInLeft"],
            obj.data.shape_keys.key_blocks["eyeLookOutLeft"],
        )
        scene.frame_set(rep.first_frame + 18)  # motion frame 15, a partner frame: eyes on the other head
        assert max(kb.value for kb in looks) > 0.05, obj.name
