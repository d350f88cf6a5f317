"""Ann and Bob each play a take over their own 'Blinks' track, so DualTalk holds the eye's rest on a
'DualTalk rest beneath' track under it. The animator deletes that track on both (NLA editor, X); its
action, played by nothing now, stayed in the file. Remove Take of Ann, picked by her rig, used to leave
hers there uncounted until the next save (rest42b, left undone): now it goes with her take and the
confirmation and report count it, while Bob's, whose take stays, is left for his next Generate. Ann is
named by her face mesh whichever object is picked: one finder, the add-on's Remove Take's too.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import take_back
from dualtalk.dualtalk_blender.scene import rest_beneath
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.character_face import face
from dualtalk.dualtalk_blender.scene.remove_take import plan_removal, remove_take
from test_your_animation_beside_the_take import talking, walk_and_blinks

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def _rest_actions() -> dict[str, int]:
    return {a.name: a.users for a in bpy.data.actions if rest_beneath.LAYER in a.name}


def test_remove_take_takes_the_rest_beneath_track_you_deleted_with_it_and_counts_it():
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    ann, bob = br.make_character("Ann"), br.make_character("Bob")
    for who in (ann, bob):
        walk_and_blinks(who, as_strips=True)
        apply_motion(who, talking(), ApplyOptions(start_frame=1, undo_push=False, take="v1"))
    for who in (ann, bob):
        tracks = who.data.shape_keys.animation_data.nla_tracks  # the eye's rest beneath, deleted
        tracks[rest_beneath.TRACK].lock = False
        tracks.remove(tracks[rest_beneath.TRACK])
    assert _rest_actions() == {
        "DualTalk Ann rest beneath": 0,  # the shape keys': nothing plays it
        "DualTalk Ann rest beneath.001": 1,  # the rig's, still on its track
        "DualTalk Bob rest beneath": 0,
        "DualTalk Bob rest beneath.001": 1,
    }

    rig = ann.parent
    assert face(rig) is ann and face(ann) is ann  # the rig stands for its face mesh
    lamp = bpy.data.objects.new("Lamp", bpy.data.lights.new("Lamp", "POINT"))
    assert face(lamp) is lamp  # not a character: itself, for the caller's refusal to name
    assert take_back.face is face  # the panel's Remove Take finds it by the same rule

    plan = plan_removal([rig])
    going = sorted(a.name for a in plan.actions if rest_beneath.LAYER in a.name)
    assert going == ["DualTalk Ann rest beneath", "DualTalk Ann rest beneath.001"]
    report = remove_take([rig], undo_push=False)
    assert report.characters == ["Ann"]
    assert (
        sorted(n for n in report.actions if rest_beneath.LAYER in n) == going
    )  # counted: was the rig's only
    assert f"{len(report.actions)} actions" in plan.question()
    assert _rest_actions() == {"DualTalk Bob rest beneath": 0, "DualTalk Bob rest beneath.001": 1}
