"""The scene's frame range follows the take that set it (review 30a, finding 7).

A take at 25 fps extended the shot's 1-250 to 1-400; the animator switched the scene to 24 fps and
generated again: the take now ends at 384, but "extend" only ever grew the range, so playback,
render and FBX carried a silent frozen tail to 400. While the range is still the one a DualTalk take
set, a new take now extends the shot's own range instead; a range the animator set since is kept,
and said when it runs past the take.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import before_take
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str, frames: int) -> Motion:
    t = np.arange(frames) / 25.0
    v = np.zeros((frames, 55), np.float32)
    v[:, 17] = 0.5 + 0.4 * np.sin(2 * np.pi * 2.0 * t)  # jawOpen
    return Motion("arkit55", v, role=role)


def shot() -> tuple[bpy.types.Object, bpy.types.Object]:
    scene = bpy.context.scene
    scene.frame_start, scene.frame_end = 1, 250  # the shot's own range
    return br.make_character("Ann", location=(-0.6, 0, 0)), br.make_character("Ben", location=(0.6, 0, 0))


def generate(ann, ben, frames: int = 400) -> list[str]:
    options = ApplyOptions(undo_push=False, gaze=False)
    rep_a, rep_b, _ = apply_dialogue(ann, ben, talking("A", frames), talking("B", frames), options)
    return rep_a.warnings + rep_b.warnings


def scene_range() -> tuple[int, int]:
    scene = bpy.context.scene
    return scene.frame_start, scene.frame_end


def test_a_take_keyed_again_at_24_fps_shrinks_the_range_its_25_fps_take_set():
    ann, ben = shot()
    generate(ann, ben)
    assert scene_range() == (1, 400)

    bpy.context.scene.render.fps = 24
    warnings = generate(ann, ben)

    assert scene_range() == (1, 384)  # was 1-400: 16 frames of still faces after the sound
    assert not [w for w in warnings if "scene range" in w], warnings
    assert before_take.scene_range_record(bpy.context.scene)["before"] == [1, 250]  # Remove Take's way back


def test_a_shorter_take_goes_back_to_the_shots_own_range_not_below_it():
    ann, ben = shot()
    generate(ann, ben)
    generate(ann, ben, frames=200)
    assert scene_range() == (1, 250)


def test_a_range_the_animator_set_since_is_kept_and_said_when_longer_than_the_take():
    ann, ben = shot()
    generate(ann, ben)
    bpy.context.scene.frame_end = 410  # a tail for the cut, set by hand

    bpy.context.scene.render.fps = 24
    warnings = generate(ann, ben)

    assert scene_range() == (1, 410)
    said = [w for w in warnings if "scene range" in w]
    assert said == [
        "scene range 1-410 is longer than the take (1-384): kept as you set it, so the faces hold still "
        "outside the take"
    ], warnings
    assert [w for w in generate(ann, ben) if "scene range" in w] == []  # said once: the range is theirs now


def test_one_character_keyed_from_a_script_follows_too():
    ann, ben = shot()
    options = ApplyOptions(undo_push=False, gaze=False)
    apply_motion(ann, talking("A", 400), options)
    assert scene_range() == (1, 400)
    bpy.context.scene.render.fps = 24
    apply_motion(ann, talking("A", 400), options)
    assert scene_range() == (1, 384)


def test_another_conversations_take_keeps_the_range_it_extended():
    ann, ben = shot()
    generate(ann, ben)  # 1-400
    cat, dan = br.make_character("Cat", location=(2, 0, 0)), br.make_character("Dan", location=(3, 0, 0))

    generate(cat, dan, frames=200)

    assert scene_range() == (1, 400)  # Ann and Ben still talk to 400
