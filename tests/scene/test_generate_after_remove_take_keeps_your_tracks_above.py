"""Generate again after Remove Take, with fixes of the animator's on tracks above the take (review rv37d,
finding 3).

An animator pushes a +0.3 smile fix down onto a ``Fixes`` track over the take, removes the take (the fix
keeps playing over ``Before take``) and generates a new one. The new take stacked itself on top of the
animator's tracks: the smile was the take's alone, the fix hidden, and nothing was said. Now the new
take's tracks go where the earlier take's were, under the animator's tracks, so the fix plays over it;
``Before take`` stays under the take (hidden by its rest track), and a second Remove Take reuses it.
Where Blender cannot put a track under theirs (their track at the bottom of the stack), the take goes on
top and one warning names the tracks it now hides.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers, rest_beneath
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import BASE_TRACK, remove_take
from mathutils import Quaternion
from test_remove_take_under_your_layers import SMILE, TAKE, head_fix, shot, smile, talking

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

OURS = ["DualTalk rest", "DualTalk lips+jaw", "DualTalk eyes", "DualTalk brows+cheeks"]
BENEATH = rest_beneath.TRACK  # the rest under the animator's tracks the take plays over


def generate(ann, ben):
    return apply_dialogue(ann, ben, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))


def push_down_a_fix(ann, track_name: str = "Fixes") -> list[float]:
    """+0.3 on the smile over the take, keyed in the viewport and pushed down (Combine); the take's smile."""
    key = ann.data.shape_keys
    ad = key.animation_data
    with_take = smile(ann)
    for f, v in ((1, with_take[0]), (TAKE, with_take[-1])):
        bpy.context.scene.frame_set(f)
        key.key_blocks[SMILE].value = v + 0.3
        key.key_blocks[SMILE].keyframe_insert("value", frame=f)
    fix, slot = ad.action, ad.action_slot
    track = ad.nla_tracks.new()
    track.name = track_name
    strip = track.strips.new(track_name, 1, fix)
    strip.action_slot, strip.blend_type = slot, "COMBINE"
    ad.action = None
    return with_take


def names(obj) -> list[str]:
    return [t.name for t in obj.data.shape_keys.animation_data.nla_tracks]


def test_a_new_take_goes_under_the_fixes_track_the_removed_one_played_under():
    ann, ben = shot()
    with_take = push_down_a_fix(ann)
    remove_take([ann, ben])
    assert smile(ann) == pytest.approx([0.3] * 4, abs=1e-4)

    ra, _rb, _n = generate(ann, ben)

    assert names(ann) == [BENEATH, BASE_TRACK, *OURS, "Fixes"]  # the take on top of 'Fixes' before
    assert smile(ann) == pytest.approx([v + 0.3 for v in with_take], abs=1e-4)  # the take's alone before
    assert not any("Fixes" in w for w in ra.warnings)
    assert layers.ABOVE_PROP not in ann.data.shape_keys  # used once

    remove_take([ann, ben])  # and again: one 'Before take', nothing piled up

    assert names(ann) == [BASE_TRACK, "Fixes"]
    assert smile(ann) == pytest.approx([0.3] * 4, abs=1e-4)
    assert sorted(a.name for a in bpy.data.actions if "before take" in a.name) == ["Ann before take"]


def test_a_file_removed_before_the_record_existed_puts_the_take_above_before_take():
    ann, ben = shot()
    with_take = push_down_a_fix(ann)
    remove_take([ann, ben])
    key = ann.data.shape_keys
    if "dualtalk_above_take" in key:  # layers.ABOVE_PROP: as an earlier build of this session left it
        del key["dualtalk_above_take"]

    generate(ann, ben)

    assert names(ann) == [BENEATH, BASE_TRACK, *OURS, "Fixes"]
    assert smile(ann) == pytest.approx([v + 0.3 for v in with_take], abs=1e-4)


def test_the_action_kept_under_the_first_take_goes_under_the_new_one_too():
    ann = br.make_character("Ann", location=(-0.6, 0.0, 0.0))
    ben = br.make_character("Ben", location=(0.6, 0.0, 0.0))
    key = ann.data.shape_keys
    key.key_blocks["browInnerUp"].value = 0.5  # the animator's own action before any take
    key.key_blocks["browInnerUp"].keyframe_insert("value", frame=1)
    key.animation_data.action.name = "Ann idle"
    generate(ann, ben)
    with_take = push_down_a_fix(ann)
    remove_take([ann, ben])
    assert key.animation_data.action.name == "Ann idle"  # active again, as before the take

    generate(ann, ben)

    got = names(ann)
    kept = "Ann idle (kept by DualTalk)"
    assert got.index(kept) < got.index("DualTalk rest") < got.index("DualTalk lips+jaw") < got.index("Fixes")
    assert smile(ann) == pytest.approx([v + 0.3 for v in with_take], abs=1e-4)


def hand_smile(ann) -> None:
    """A smile of 0.8 held by hand on a Replace track at full influence, above the take."""
    ad = ann.data.shape_keys.animation_data
    hand = bpy.data.actions.new("Hand smile")
    slot = hand.slots.new("KEY", "Key")
    layers.compat.channelbag(hand, slot).fcurves.new(f'key_blocks["{SMILE}"].value').keyframe_points.insert(
        1, 0.8
    )
    track = ad.nla_tracks.new()
    track.name = "Hand smile"
    track.strips.new("Hand smile", 1, hand).action_slot = slot


def test_a_full_influence_track_of_yours_stays_above_the_next_take():
    ann, ben = shot()
    hand_smile(ann)
    remove_take([ann, ben])

    ra, _rb, _n = generate(ann, ben)

    assert names(ann) == [BENEATH, BASE_TRACK, *OURS, "Hand smile"]  # the take on top of it before
    assert smile(ann) == pytest.approx([0.8] * 4, abs=1e-4)  # the take's own smile before
    assert not any("Hand smile" in w for w in ra.warnings)


def test_a_head_fix_over_a_head_at_rest_stays_above_the_next_take():
    """The head at rest before the take: Blender's default, so the Combine nod needs nothing held under it
    to play as before; 'Before take' keeps the next take's place under it all the same."""
    ann, ben = shot()
    rig = ben.parent
    nod = Quaternion((1.0, 0.0, 0.0), 0.15)
    head_fix(rig, nod, (1,))
    remove_take([ann, ben])
    bpy.context.scene.frame_set(30)
    assert rig.pose.bones["head"].rotation_quaternion.rotation_difference(nod).angle == pytest.approx(
        0.0, abs=1e-4
    )

    generate(ann, ben)

    got = [t.name for t in rig.animation_data.nla_tracks]
    assert got[-1] == "Fixes" and "DualTalk head" in got  # the take on top of the nod before


def test_a_track_left_at_the_bottom_is_named_when_the_new_take_must_play_over_it():
    ann, ben = shot()
    hand_smile(ann)
    remove_take([ann, ben])
    ad = ann.data.shape_keys.animation_data
    ad.nla_tracks.remove(ad.nla_tracks[BASE_TRACK])  # deleted by the animator
    assert names(ann) == ["Hand smile"]  # nothing under it: Blender adds a track only above another

    ra, _rb, _n = generate(ann, ben)

    assert names(ann) == [BENEATH, "Hand smile", *OURS]
    said = [w for w in ra.warnings if "'Hand smile'" in w]
    assert len(said) == 1 and "under this take" in said[0]  # nothing was said before


@pytest.mark.parametrize("damaged", ["[Fixes", "7", '{"Fixes": 1}'])
def test_a_damaged_record_of_the_tracks_above_puts_the_take_above_before_take(damaged):
    ann, ben = shot()
    with_take = push_down_a_fix(ann)
    remove_take([ann, ben])
    ann.data.shape_keys[layers.ABOVE_PROP] = damaged  # edited by a script, or another build's

    ra, _rb, _n = generate(ann, ben)

    assert names(ann) == [BENEATH, BASE_TRACK, *OURS, "Fixes"]
    assert smile(ann) == pytest.approx([v + 0.3 for v in with_take], abs=1e-4)
    assert layers.ABOVE_PROP not in ann.data.shape_keys
