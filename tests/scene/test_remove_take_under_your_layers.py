"""Remove Take under layers of the animator's own above the take (review rv37a, finding 2).

An animator keys a fix in the viewport over the take (the active action, Combine: an offset from the
take) and pushes it down onto a ``Fixes`` track above DualTalk's, as Blender animators keep their
fixes; another keeps a hand-animated smile on a track of its own at 50 %. Remove Take left those
tracks blending with Blender's default (1.0 for a shape key) instead of the values before the take:
the +0.3 smile fix read 1.0 on every frame, the 50 % smile of 0.8 read 0.9 where 0.4 was expected.
Now a track of theirs, ``Before take``, holds the values before the take under them, and the report
says so.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.dualtalk_blender.scene.remove_take import BASE_TRACK, remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

FPS = 25
TAKE = 60
SMILE = "mouthSmileLeft"
FRAMES = (1, 20, 45, 60)

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str) -> Motion:
    t = np.arange(TAKE) / FPS
    v = np.zeros((TAKE, 55), np.float32)
    v[:, ARKIT52.index(SMILE)] = 0.3 + 0.2 * np.sin(2 * np.pi * t)
    v[:, ARKIT52.index("jawOpen")] = 0.4 + 0.3 * np.sin(2 * np.pi * 2 * t)
    return Motion("arkit55", v, role=role)


def shot(ben_head: Quaternion | None = None):
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    if ben_head is not None:  # a tilt he held before the take
        ben.parent.pose.bones["head"].rotation_quaternion = ben_head
    apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    return ann, ben


def smile(obj) -> list[float]:
    out = []
    for f in FRAMES:
        bpy.context.scene.frame_set(f)
        out.append(obj.data.shape_keys.key_blocks[SMILE].value)
    return out


def test_a_fix_pushed_down_onto_a_fixes_track_stays_a_fix_once_the_take_is_removed():
    ann, ben = shot()
    key = ann.data.shape_keys
    ad = key.animation_data
    with_take = smile(ann)
    for f, v in ((1, with_take[0]), (TAKE, with_take[-1])):  # +0.3 over the take in the viewport:
        bpy.context.scene.frame_set(f)  # the active action, Combine (an offset from the take)
        key.key_blocks[SMILE].value = v + 0.3
        key.key_blocks[SMILE].keyframe_insert("value", frame=f)
    fix, slot = ad.action, ad.action_slot
    assert ad.action_blend_type == "COMBINE"
    track = ad.nla_tracks.new()  # NLA Push Down, as the animator does it: a track above ours
    track.name = "Fixes"
    strip = track.strips.new("Fixes", 1, fix)
    strip.action_slot, strip.blend_type = slot, "COMBINE"
    ad.action = None
    assert smile(ann) == pytest.approx([v + 0.3 for v in with_take], abs=1e-4)

    report = remove_take([ann, ben])

    assert smile(ann) == pytest.approx([0.3] * len(FRAMES), abs=1e-4)  # 1.0 on every frame before
    assert [t.name for t in ad.nla_tracks] == [BASE_TRACK, "Fixes"]
    assert [s.action for s in ad.nla_tracks["Fixes"].strips] == [fix]  # the fix itself never edited
    assert not [a.name for a in bpy.data.actions if is_ours(a)]
    assert not layers.our_tracks(key)
    assert f"'Fixes' on the shape keys of 'Ann' blends over what the take keyed ({SMILE})" in report.summary
    assert f"the track {BASE_TRACK!r} now holds the values before the take under it" in report.summary


def test_a_hand_layer_at_half_influence_blends_over_the_values_before_the_take():
    ann, ben = shot()
    key = ann.data.shape_keys
    ad = key.animation_data
    hand = bpy.data.actions.new("HandSmile")  # a smile of 0.8, on a track of its own at 50 %
    slot = hand.slots.new("KEY", "Face")
    fc = layers.compat.channelbag(hand, slot).fcurves.new(f'key_blocks["{SMILE}"].value')
    fc.keyframe_points.insert(1, 0.8)
    fc.keyframe_points.insert(TAKE, 0.8)
    track = ad.nla_tracks.new()
    track.name = "Hand smile"
    strip = track.strips.new("Hand smile", 1, hand)
    strip.action_slot, strip.blend_type = slot, "REPLACE"
    layers.key_influence(strip, 0.5)  # as the NLA editor's Animated Influence, dialled to 0.5

    remove_take([ann, ben])

    assert smile(ann) == pytest.approx([0.4] * len(FRAMES), abs=1e-4)  # 0.8 x 0.5 over 0; 0.9 before
    bpy.context.scene.frame_set(30)
    assert key.key_blocks["jawOpen"].value == pytest.approx(0.0, abs=1e-6)  # only what the layer blends over


def hand_smile(ad, value: float = 0.8):
    """A smile held by hand on a Replace track of its own, full influence, on top of the stack."""
    hand = bpy.data.actions.new("HandSmile")
    slot = hand.slots.new("KEY", "Face")
    fc = layers.compat.channelbag(hand, slot).fcurves.new(f'key_blocks["{SMILE}"].value')
    fc.keyframe_points.insert(1, value)
    track = ad.nla_tracks.new()
    track.name = "Hand smile"
    track.strips.new("Hand smile", 1, hand).action_slot = slot


def test_a_layer_of_yours_at_full_influence_over_a_track_of_yours_gets_nothing_under_it():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    key = ann.data.shape_keys
    idle = bpy.data.actions.new("Idle")  # a track of the animator's under the take, from before it
    slot = idle.slots.new("KEY", "Face")
    layers.compat.channelbag(idle, slot).fcurves.new(
        'key_blocks["browInnerUp"].value'
    ).keyframe_points.insert(1, 0.2)
    ad = key.animation_data_create()
    track = ad.nla_tracks.new()
    track.name = "Idle"
    track.strips.new("Idle", 1, idle).action_slot = slot
    apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    hand_smile(ad)

    report = remove_take([ann, ben])

    assert smile(ann) == pytest.approx([0.8] * len(FRAMES), abs=1e-4)
    assert [t.name for t in ad.nla_tracks] == ["Idle", "Hand smile"]  # the next take goes between them
    assert BASE_TRACK not in report.summary


def test_a_layer_of_yours_at_full_influence_at_the_bottom_keeps_a_place_under_it_for_the_next_take():
    """With our rest track at the bottom, nothing of the animator's would stay under 'Hand smile', and
    Blender adds a track only above another: the next take played over it (review rv37d, finding 3).
    'Before take' holds the smile's value before the take under it; the smile plays 0.8 as before."""
    ann, ben = shot()
    ad = ann.data.shape_keys.animation_data
    hand_smile(ad)

    report = remove_take([ann, ben])

    assert smile(ann) == pytest.approx([0.8] * len(FRAMES), abs=1e-4)
    assert [t.name for t in ad.nla_tracks] == [BASE_TRACK, "Hand smile"]
    assert (
        f"the track {BASE_TRACK!r} now holds the values before the take ({SMILE}) under 'Hand smile' on the "
        "shape keys of 'Ann', which plays as before; the next take goes under them again" in report.summary
    )


def head_fix(rig, nod: Quaternion, frames: tuple[int, ...]) -> None:
    """A nod the animator keyed on the head at ``frames``, pushed down onto a ``Fixes`` track (Combine)."""
    fix = bpy.data.actions.new("HeadFix")
    slot = fix.slots.new("OBJECT", "Rig")
    bag = layers.compat.channelbag(fix, slot)
    for i in range(4):
        fc = bag.fcurves.new('pose.bones["head"].rotation_quaternion', index=i)
        for frame in frames:
            fc.keyframe_points.insert(frame, nod[i])
    track = rig.animation_data.nla_tracks.new()
    track.name = "Fixes"
    strip = track.strips.new("Fixes", 1, fix)
    strip.action_slot, strip.blend_type = slot, "COMBINE"


def test_a_head_fix_on_a_fixes_track_turns_from_the_tilt_the_head_held_before_the_take():
    """Ben's head was held tilted before the take; a nod fix on a Fixes track (Combine: a turn from
    what is below it) turned it from rest once the take was gone, the tilt lost; now from the tilt."""
    tilt = Quaternion((0.0, 0.0, 1.0), 0.2)
    ann, ben = shot(ben_head=tilt)
    rig = ben.parent
    nod = Quaternion((1.0, 0.0, 0.0), 0.15)
    head_fix(rig, nod, (1, TAKE))

    report = remove_take([ann, ben])

    head = rig.pose.bones["head"]
    for frame in (1, 30, 60):
        bpy.context.scene.frame_set(frame)
        assert head.rotation_quaternion.rotation_difference(tilt @ nod).angle == pytest.approx(0.0, abs=1e-4)
    assert "'Fixes' on 'Ben_rig' blends over what the take keyed (head rotation_quaternion)" in report.summary
