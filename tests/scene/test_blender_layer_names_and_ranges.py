"""A pipeline's naming never breaks a take: long shot (take) names and long character names key
both characters with layers of their own, and generating twice replaces only those layers."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talk(seed: int, frames: int = 30) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 1.0, (frames, 55)).astype(np.float32)
    v[:, 52:] = 0.05
    return Motion("arkit55", v)


def layer_owners(obj) -> dict[str, str]:
    """Layer -> the character its action was keyed for, over the shape keys and the rig."""
    owners = {}
    for idblock in (obj.data.shape_keys, obj.parent):
        for name, strip in layers.our_strips(idblock).items():
            owners[name] = layers.action_meta(strip.action)["character"] if strip.action else None
    return owners


def test_a_shot_with_a_long_name_keys_both_characters_and_regenerates_in_place():
    # a job file names the take after the shot: up to 40 bytes; the characters' names add to it
    take = "episode_03_scene_12_shot_0040_lipsync_v2"
    hero = br.make_character("Hero_Face_Mesh")
    side = br.make_character("Sidekick_Face", location=(1.0, 0.0, 0.0))
    options = ApplyOptions(take=take, undo_push=False)
    for seed in (0, 1):  # Generate, then Generate again with the same take
        apply_dialogue(hero, side, talk(seed), talk(seed + 10), options)
        assert layer_owners(hero) == dict.fromkeys(["rest", *layers.LAYERS], "Hero_Face_Mesh")
        assert layer_owners(side) == dict.fromkeys(["rest", *layers.LAYERS], "Sidekick_Face")
    ours = [a for a in bpy.data.actions if layers.is_ours(a)]
    assert len(ours) == 2 * 5  # the second run replaced the first, it did not pile up next to it
    bpy.context.scene.frame_set(10)
    jaw = hero.data.shape_keys.key_blocks["jawOpen"].value
    assert jaw == pytest.approx(talk(1).channel("jawOpen")[9], abs=1e-5)


def test_characters_whose_long_names_share_a_beginning_keep_their_own_layers():
    # MMD models often carry long Japanese names (3 bytes a character) that differ only at the end
    stem = "初音ミク" * 24
    left = br.make_character(stem + "_左")
    right = br.make_character(stem + "_右", location=(1.0, 0.0, 0.0))
    apply_dialogue(left, right, talk(2), talk(3), ApplyOptions(undo_push=False))
    assert set(layer_owners(left).values()) == {left.name}
    assert set(layer_owners(right).values()) == {right.name}
    scene = bpy.context.scene
    for obj, motion in ((left, talk(2)), (right, talk(3))):
        scene.frame_set(5)
        value = obj.data.shape_keys.key_blocks["jawOpen"].value
        assert value == pytest.approx(motion.channel("jawOpen")[4], abs=1e-5)


def looking(motion: Motion) -> Motion:
    """The behaviour layer's eye contact: at the partner for 10 frames, away for 10, ..."""
    motion.gaze_target = (np.arange(motion.num_frames) // 10 % 2).astype(np.int8)
    return motion


def test_regenerating_a_range_of_a_conversation_with_eye_contact_fades_linearly():
    ann = br.make_character("Ann")
    bob = br.make_character("Bob", location=(1.0, 0.0, 0.0))
    apply_dialogue(ann, bob, looking(talk(0, 80)), looking(talk(1, 80)), ApplyOptions(undo_push=False))
    scene = bpy.context.scene
    jaw = ann.data.shape_keys.key_blocks["jawOpen"]

    def played(frames):
        out = []
        for f in frames:
            scene.frame_set(int(f))
            out.append(jaw.value)
        return np.array(out)

    fade = np.arange(26, 31)  # the 4 frames before the range 30-50, and its first frame
    before = played(fade)
    new_a = looking(talk(5, 80))
    options = ApplyOptions(undo_push=False, replace_range=(30, 50), crossfade=4)
    rep_a, _rep_b, _ = apply_dialogue(ann, bob, new_a, looking(talk(6, 80)), options)
    assert rep_a.replaced == (26, 54)
    w = (fade - 26) / 4  # "blend linearly from the old curve into the new one"
    expected = (1 - w) * before + w * new_a.channel("jawOpen")[fade - 1]
    assert np.abs(played(fade) - expected).max() < 1e-5


def test_a_range_without_cross_fade_on_a_reduced_take_leaves_every_frame_outside_it():
    ann = br.make_character("Ann")
    calm = talk(0, 100)
    calm.values[:] = 0.2  # a held expression: reduced keys are a few per curve
    apply_dialogue(ann, br.make_character("Bob"), calm, calm, ApplyOptions(keys="reduced", undo_push=False))
    jaw = ann.data.shape_keys.key_blocks["jawOpen"]
    scene = bpy.context.scene

    def played():
        out = []
        for f in range(1, 101):
            scene.frame_set(f)
            out.append(jaw.value)
        return np.array(out)

    before = played()
    redo = ApplyOptions(keys="reduced", replace_range=(40, 60), crossfade=0, undo_push=False)
    apply_motion(ann, talk(5, 100), redo)
    changed = np.flatnonzero(np.abs(played() - before) > 1e-6) + 1
    assert changed.min() >= 40 and changed.max() <= 60, (changed.min(), changed.max())
