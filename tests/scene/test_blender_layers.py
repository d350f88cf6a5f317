"""An animator's take: named layers with keyable influence, sparse keys within the stated error,
re-generating a range under a hand-keyed fix, and the user's own animation surviving it all."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.keyreduce import evaluate_keys, reduce_keys
from dualtalk.dualtalk_blender.scene import compat, layers, range_keys
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

FPS = 25


pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def wavy_motion(frames: int, seed: int = 0) -> Motion:
    """Smooth, busy motion on every channel (head up to ~0.3 rad)."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames)[:, None] / FPS
    freq = rng.uniform(0.2, 2.0, (1, 55))
    phase = rng.uniform(0, 6.28, (1, 55))
    v = 0.5 + 0.5 * np.sin(2 * np.pi * freq * t + phase)
    v[:, 52:] = 0.3 * np.sin(2 * np.pi * freq[:, 52:] * t + phase[:, 52:])
    return Motion("arkit55", v.astype(np.float32))


def sample(obj, frames, names=("jawOpen", "mouthSmileLeft", "eyeBlinkLeft", "browInnerUp")):
    """Evaluated shape-key values and head quaternion on each frame."""
    scene = bpy.context.scene
    keys, head = [], []
    for f in frames:
        scene.frame_set(int(f))
        keys.append([obj.data.shape_keys.key_blocks[n].value for n in names])
        head.append(tuple(obj.parent.pose.bones["head"].rotation_quaternion))
    return np.array(keys), np.array(head)


def angle_deg(q1: np.ndarray, q2: np.ndarray) -> np.ndarray:
    q1 = q1 / np.linalg.norm(q1, axis=1, keepdims=True)
    q2 = q2 / np.linalg.norm(q2, axis=1, keepdims=True)
    return np.degrees(2 * np.arccos(np.clip(np.abs((q1 * q2).sum(axis=1)), 0, 1)))


def add_fixes_track(key, frame: int, offset: float) -> bpy.types.Action:
    """What an animator does: a "Fixes" NLA track on top, one additive key on jawOpen."""
    action = bpy.data.actions.new("Fixes")
    slot = action.slots.new("KEY", "Fixes")
    fc = compat.channelbag(action, slot).fcurves.new('key_blocks["jawOpen"].value')
    fc.keyframe_points.insert(frame, offset)
    track = key.animation_data.nla_tracks.new()
    track.name = "Fixes"
    strip = track.strips.new("Fixes", frame, action)
    strip.action_slot = slot
    strip.blend_type = "ADD"
    return action


def test_each_take_comes_as_named_layers_over_a_rest_track():
    obj = br.make_character("Ann")
    rep = apply_motion(obj, wavy_motion(40))
    assert rep.layers == ["lips+jaw", "head", "eyes", "brows+cheeks"]
    key, arm = obj.data.shape_keys, obj.parent
    assert [t.name for t in key.animation_data.nla_tracks] == [
        "DualTalk rest",
        "DualTalk lips+jaw",
        "DualTalk eyes",
        "DualTalk brows+cheeks",
    ]
    assert [t.name for t in arm.animation_data.nla_tracks] == ["DualTalk rest", "DualTalk head"]
    infos = layers.character_layers([key, arm])
    assert {i.layer for i in infos} == set(layers.LAYERS) and all(i.influence == 1.0 for i in infos)
    lips = {fc.data_path for fc in compat.iter_fcurves(layers.our_strips(key)["lips+jaw"].action)}
    assert 'key_blocks["jawOpen"].value' in lips and 'key_blocks["eyeBlinkLeft"].value' not in lips
    strip = layers.our_strips(arm)["head"]
    assert strip.use_animated_influence and strip.fcurves.find("influence") is not None  # keyable


def test_influence_zero_on_head_leaves_the_head_at_rest_and_the_lips_unchanged():
    obj = br.make_character("Ann")
    frames = range(1, 41)
    apply_motion(obj, wavy_motion(40))
    keys_full, head_full = sample(obj, frames)
    assert angle_deg(head_full, np.tile([1.0, 0, 0, 0], (40, 1))).max() > 5.0  # the head does move

    n = layers.set_influence([obj.data.shape_keys, obj.parent], "head", 0.0)
    assert n == 1
    keys_zero, head_zero = sample(obj, frames)
    assert angle_deg(head_zero, np.tile([1.0, 0, 0, 0], (40, 1))).max() < 1e-4  # at rest, every frame
    assert np.abs(keys_zero - keys_full).max() < 1e-6  # lips, eyes and brows untouched

    # Half influence lands in between, and re-running the take keeps the animator's influence.
    apply_motion(obj, wavy_motion(40), ApplyOptions(layer_influence={"head": 0.5}))
    _, head_half = sample(obj, frames)
    ratio = (
        angle_deg(head_half, np.tile([1.0, 0, 0, 0], (40, 1)))[5:]
        / angle_deg(head_full, np.tile([1.0, 0, 0, 0], (40, 1)))[5:]
    )
    assert np.median(ratio) == pytest.approx(0.5, abs=0.05)
    apply_motion(obj, wavy_motion(40, seed=1))
    assert layers.our_strips(obj.parent)["head"].influence == pytest.approx(0.5)


def test_the_users_own_tracks_and_actions_survive_every_operation(tmp_path):
    from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx

    obj = br.make_character("Ann", ARKIT52 + ("Tail",))
    key, arm = obj.data.shape_keys, obj.parent
    key.key_blocks["Tail"].value = 0.25
    key.key_blocks["Tail"].keyframe_insert("value", frame=1)  # the user's active action
    arm.pose.bones["spine"].rotation_quaternion = Quaternion((0.9, 0.1, 0, 0)).normalized()
    arm.pose.bones["spine"].keyframe_insert("rotation_quaternion", frame=1)
    body = bpy.data.actions.new("Walk")  # the user's own NLA track underneath
    body_slot = body.slots.new("OBJECT", "Walk")
    compat.channelbag(body, body_slot).fcurves.new(
        'pose.bones["spine"].location', index=2
    ).keyframe_points.insert(1, 0.1)
    walk = arm.animation_data.nla_tracks.new()
    walk.name = "Walk"
    walk.strips.new("Walk", 1, body).action_slot = body_slot
    spare = bpy.data.actions.new("Spare")
    spare.use_fake_user = True

    def user_state():
        return (
            sorted(a.name for a in bpy.data.actions if not layers.is_ours(a)),
            [t.name for t in key.animation_data.nla_tracks if not t.name.startswith("DualTalk ")],
            [t.name for t in arm.animation_data.nla_tracks if not t.name.startswith("DualTalk ")],
        )

    apply_motion(obj, wavy_motion(60))
    add_fixes_track(key, 30, 0.2)
    arm.animation_data.action = bpy.data.actions.new("Tweak")  # the user keys on top, in the active action
    before = user_state()
    assert before[1][-1] == "Fixes" and "Walk" in before[2]
    ops = [
        lambda: apply_motion(obj, wavy_motion(60, seed=2)),
        lambda: apply_motion(obj, wavy_motion(60, seed=3), ApplyOptions(take="other", keys="reduced")),
        lambda: apply_motion(
            obj, wavy_motion(60, seed=4), ApplyOptions(take="other", replace_range=(20, 30))
        ),
        lambda: layers.set_influence([key, arm], "eyes", 0.3),
        lambda: export_fbx([obj], tmp_path / "a.fbx"),
    ]
    for op in ops:
        op()
        assert user_state() == before
        assert [t.name for t in key.animation_data.nla_tracks][-1] == "Fixes"  # still on top
        assert arm.animation_data.action.name == "Tweak"
    bpy.context.scene.frame_set(5)
    assert key.key_blocks["Tail"].value == pytest.approx(0.25, abs=1e-6)  # still playing
    assert arm.pose.bones["spine"].location.z == pytest.approx(0.1, abs=1e-6)


def test_regenerating_a_range_changes_only_that_range_and_keeps_the_hand_fix():
    obj = br.make_character("Ann")
    key = obj.data.shape_keys
    first = wavy_motion(100, seed=0)
    apply_motion(obj, first)
    add_fixes_track(key, 50, 0.15)
    frames = np.arange(1, 101)
    before_keys, before_head = sample(obj, frames)

    second = wavy_motion(100, seed=9)
    rep = apply_motion(obj, second, ApplyOptions(replace_range=(40, 60), crossfade=4))
    assert rep.replaced == (36, 64)
    after_keys, after_head = sample(obj, frames)
    outside = (frames < 36) | (frames > 64)
    assert np.abs(after_keys[outside] - before_keys[outside]).max() < 1e-6
    assert angle_deg(after_head[outside], before_head[outside]).max() < 1e-3
    inside = (frames >= 40) & (frames <= 60)
    jaw_new = second.channel("jawOpen")[frames[inside] - 1]
    fix = 0.15
    assert np.abs(after_keys[inside, 0] - np.minimum(jaw_new + fix, 1.0)).max() < 1e-5  # new take + the fix
    assert np.abs(after_keys[inside, 0] - before_keys[inside, 0]).max() > 0.05  # it did change
    fade = (frames >= 36) & (frames < 40)
    old_jaw, new_jaw = first.channel("jawOpen")[frames[fade] - 1], second.channel("jawOpen")[frames[fade] - 1]
    w = (frames[fade] - 36) / 4
    assert np.allclose(after_keys[fade, 0], np.minimum((1 - w) * old_jaw + w * new_jaw + fix, 1.0), atol=1e-5)
    assert "Fixes" in [t.name for t in key.animation_data.nla_tracks]


def test_a_range_needs_an_existing_take_of_the_same_rig():
    obj = br.make_character("Ann")
    with pytest.raises(DualTalkError, match="animate the whole take first"):
        apply_motion(obj, wavy_motion(50), ApplyOptions(replace_range=(10, 20)))
    apply_motion(obj, wavy_motion(50))
    with pytest.raises(DualTalkError, match="not the range"):
        apply_motion(obj, wavy_motion(50), ApplyOptions(replace_range=(40, 80)))
    with pytest.raises(DualTalkError, match="between 0 and 1"):
        apply_motion(obj, wavy_motion(50), ApplyOptions(layer_influence={"head": 2.0}))
    with pytest.raises(DualTalkError, match="unknown layer"):
        apply_motion(obj, wavy_motion(50), ApplyOptions(layer_influence={"ears": 0.5}))


@pytest.fixture(scope="module")
def real_take(demo_clip):
    """A real take: the lite engine on a recorded two-person conversation."""
    import torch
    from dualtalk.inference.audio import load_dialogue
    from dualtalk.inference.engine import load_engine
    from dualtalk.inference.generate import generate_dialogue

    torch.set_num_threads(1)
    dialogue = load_dialogue(str(demo_clip["wav1"]), str(demo_clip["wav2"]))
    motion_a, _ = generate_dialogue(dialogue, load_engine(engine="lite", device="cpu"))
    return motion_a


def test_reduced_keys_stay_within_the_stated_error_on_every_frame_of_a_real_take(real_take):
    dense = br.make_character("Dense")
    sparse = br.make_character("Sparse", location=(1, 0, 0))
    apply_motion(dense, real_take)
    rep = apply_motion(sparse, real_take, ApplyOptions(keys="reduced"))
    assert rep.keys < 0.5 * rep.keys_every_frame  # far fewer keys
    assert rep.max_weight_error <= 0.01 and rep.max_rotation_error_deg <= 0.1
    names = list(ARKIT52)
    frames = range(1, real_take.num_frames + 1)
    a_keys, a_head = sample(dense, frames, names)
    b_keys, b_head = sample(sparse, frames, names)
    assert np.abs(a_keys - b_keys).max() <= 0.01 + 1e-6  # Blender's own evaluation, every frame
    assert angle_deg(a_head, b_head).max() <= 0.1 + 1e-4


def test_the_reduction_is_a_bound_not_a_guess():
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(0, 0.02, (2000, 6)), axis=0)
    values[:, 0] = 0.3  # a constant curve collapses to its two ends
    tol = np.array([0.01, 0.01, 0.001, 0.05, 0.0, 0.02])
    keep, keyed = reduce_keys(values, tol)
    err = np.abs(evaluate_keys(keep, keyed) - values).max(axis=0)
    assert np.all(err <= tol + 1e-12)
    assert keep[:, 0].sum() == 2 and keep[:, 4].all()  # zero tolerance keeps every frame
    assert keep[:, 3].sum() < keep[:, 1].sum() < keep[:, 2].sum() < 2000


def test_a_character_in_nla_tweak_mode_is_refused_before_anything_changes():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(20))
    key = obj.data.shape_keys
    strip = layers.our_strips(key)["lips+jaw"]
    with bpy.context.temp_override(scene=bpy.context.scene):
        key.animation_data.use_tweak_mode = True  # the animator is editing our lips layer
    actions = sorted(a.name for a in bpy.data.actions)
    with pytest.raises(DualTalkError, match="tweak mode"):
        apply_motion(obj, wavy_motion(20, seed=5))
    assert sorted(a.name for a in bpy.data.actions) == actions and strip.action is not None


def test_a_new_take_somewhere_else_on_the_timeline_moves_our_strips_with_it():
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(40), ApplyOptions(start_frame=1))
    apply_motion(obj, wavy_motion(30, seed=3), ApplyOptions(take="later", start_frame=500))
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    assert (strip.frame_start, strip.frame_end) == (500, 529)
    keys, _ = sample(obj, [500, 515, 529])
    expected = wavy_motion(30, seed=3).channel("jawOpen")[[0, 15, 29]]
    assert np.abs(keys[:, 0] - expected).max() < 1e-5


def test_a_key_set_in_the_viewport_on_top_of_the_take_is_an_offset_that_survives_regeneration():
    obj = br.make_character("Ann")
    key = obj.data.shape_keys
    first = wavy_motion(50)
    apply_motion(obj, first)
    scene = bpy.context.scene
    kb = key.key_blocks["jawOpen"]
    scene.frame_set(20)
    kb.value = kb.value - 0.2  # the animator closes the mouth a little on one word and keys it
    kb.keyframe_insert("value", frame=20)
    assert key.animation_data.action is not None and not layers.is_ours(key.animation_data.action)
    jaw = first.channel("jawOpen")
    for f in (10, 20, 40):
        scene.frame_set(f)
        assert kb.value == pytest.approx(max(jaw[f - 1] - 0.2, 0.0), abs=1e-5)  # an offset, not a freeze
    second = wavy_motion(50, seed=7)
    apply_motion(obj, second)  # re-generation: the hand key stays and rides on the new take
    jaw2 = second.channel("jawOpen")
    for f in (10, 20, 40):
        scene.frame_set(f)
        assert kb.value == pytest.approx(max(jaw2[f - 1] - 0.2, 0.0), abs=1e-5)


def lips_curve(obj, name: str = "jawOpen") -> bpy.types.FCurve:
    """The curve of ``name`` in the take's lips+jaw layer (what the animator edits in tweak mode)."""
    strip = layers.our_strips(obj.data.shape_keys)["lips+jaw"]
    fc = compat.channelbag(strip.action, strip.action_slot).fcurves.find(f'key_blocks["{name}"].value')
    assert fc is not None
    return fc


def soften_by_hand(fc: bpy.types.FCurve) -> None:
    """What an animator does in tweak mode: select all, Interpolation > Bezier, then drag one handle."""
    for kp in fc.keyframe_points:
        kp.interpolation = "BEZIER"
    fc.update()
    kp = fc.keyframe_points[len(fc.keyframe_points) * 3 // 4]
    kp.handle_right_type = "FREE"
    kp.handle_right = (kp.co[0] + 2.0, kp.co[1] + 0.3)


def jaw_on(obj, frames) -> np.ndarray:
    scene = bpy.context.scene
    out = []
    for f in frames:
        scene.frame_set(int(f))
        out.append(obj.data.shape_keys.key_blocks["jawOpen"].value)
    return np.array(out)


@pytest.mark.parametrize("keys", ["every-frame", "reduced"])
def test_regenerating_a_range_keeps_the_animators_curved_keys_outside_it(keys):
    """The animator softened the lips with Bezier keys and a dragged handle; re-doing frames 40-60
    must leave every other frame, and those keys' interpolation and handles, as they were."""
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(120), ApplyOptions(keys=keys))
    fc = lips_curve(obj)
    soften_by_hand(fc)
    frames = np.arange(1, 121)
    before = jaw_on(obj, frames)
    hand = [
        (kp.co[0], kp.handle_right[:], kp.handle_right_type) for kp in fc.keyframe_points if kp.co[0] > 80
    ]

    rep = apply_motion(obj, wavy_motion(120, seed=9), ApplyOptions(replace_range=(40, 60), keys=keys))
    lo, hi = rep.replaced
    after = jaw_on(obj, frames)
    outside = (frames < lo) | (frames > hi)
    assert np.abs(after[outside] - before[outside]).max() < 1e-5
    assert (
        np.abs(after[(frames >= 40) & (frames <= 60)] - before[(frames >= 40) & (frames <= 60)]).max() > 0.05
    )
    far = [kp for kp in fc.keyframe_points if kp.co[0] > 80]
    assert [(kp.co[0], kp.handle_right[:], kp.handle_right_type) for kp in far] == hand
    assert {kp.interpolation for kp in far} == {"BEZIER"}


def test_a_take_put_back_after_a_temporary_write_keeps_its_curved_keys():
    """A range with eye contact keys the motion un-turned for a moment and puts the take back
    (:func:`range_keys.kept`); the animator's Bezier keys come back as they were, not straightened."""
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(60), ApplyOptions(keys="reduced"))
    fc = lips_curve(obj)
    soften_by_hand(fc)
    frames = np.arange(1, 61)
    before = jaw_on(obj, frames)
    with range_keys.kept([obj]):
        apply_motion(obj, wavy_motion(60, seed=4), ApplyOptions(replace_range=(1, 60), crossfade=0))
    assert np.abs(jaw_on(obj, frames) - before).max() < 1e-6
    assert {kp.interpolation for kp in fc.keyframe_points} == {"BEZIER"}


def test_regenerating_a_range_under_a_noise_modifier_does_not_add_the_noise_twice():
    """The animator gave the jaw some jitter with a Noise modifier on the lips layer's curve; a range
    re-done elsewhere must keep the frames outside it, not bake the jitter into keys under it."""
    obj = br.make_character("Ann")
    apply_motion(obj, wavy_motion(120), ApplyOptions(keys="reduced"))
    noise = lips_curve(obj).modifiers.new("NOISE")
    noise.strength, noise.scale = 0.3, 2.0
    frames = np.arange(1, 121)
    before = jaw_on(obj, frames)
    rep = apply_motion(obj, wavy_motion(120, seed=9), ApplyOptions(replace_range=(40, 60), keys="reduced"))
    lo, hi = rep.replaced
    outside = (frames < lo) | (frames > hi)
    assert np.abs(jaw_on(obj, frames)[outside] - before[outside]).max() < 1e-5
