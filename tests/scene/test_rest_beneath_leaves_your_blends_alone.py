"""The rest DualTalk holds under the animator's tracks never changes what their strips play (review rv42d).

The 'DualTalk rest beneath' track holds the eye open under their 'Blinks' track, so muting it leaves the
eye at rest, not shut. A strip of theirs that blends (a 50 % influence, Add) mixes its value with what is
under it: over a gap in 'Blinks' that was our rest, not Blender's default, so their half blink read 0.0
instead of 0.5, and a strip they added after the first take kept doing so after the next Generate. The
head held the pose the playhead happened to show at Generate once their walk was muted, and a character
linked from a library as an override got a rebuilt library track that the file put back beside ours on
reopening. Now a channel any strip of theirs blends is never held, what is held is decided again at each
Generate, a bone holds its rest pose, and an overridden character is left as it was and said.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers, rest_beneath
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from test_your_animation_beside_the_take import pose, talking, walk_and_blinks

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def generate(ann, take):
    return apply_motion(ann, talking(), ApplyOptions(start_frame=1, undo_push=False, take=take))


def eye(ann, frame):
    return pose(ann, frame)[1]


def stack(idblock):
    return [t.name for t in idblock.animation_data.nla_tracks]


def half_blink_over_a_gap(ann):
    """'Blinks' stops at 60 and plays nothing after; a track above plays the blink at 50 % over 70-100."""
    ad = ann.data.shape_keys.animation_data
    first = ad.nla_tracks["Blinks"].strips[0]
    first.action_frame_end, first.extrapolation = 60, "NOTHING"
    upper = ad.nla_tracks.new(prev=ad.nla_tracks["Blinks"])
    upper.name = "Half blink"
    half = upper.strips.new("Half blink", 70, first.action)
    half.action_frame_start, half.action_frame_end = 80, 110  # the blink at 90, played at 80
    half.extrapolation = "NOTHING"
    layers.key_influence(half, 0.5)


def test_a_half_blink_over_a_gap_in_your_track_plays_as_before_the_take():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    half_blink_over_a_gap(ann)
    before = [eye(ann, f) for f in (65, 75, 80, 85, 105)]

    generate(ann, "v1")  # frames 1-50

    assert before == [1.0, 0.5, 1.0, 0.5, 1.0]  # 50 % of Blender's default, and of the blink at 80
    assert [eye(ann, f) for f in (65, 75, 80, 85, 105)] == before  # was 1.0, 0.0, 0.5, 0.0, 1.0
    assert rest_beneath.beneath_track(ann.data.shape_keys) is None
    assert stack(ann.data.shape_keys)[:2] == ["Blinks", "Half blink"]

    tracks = ann.data.shape_keys.animation_data.nla_tracks  # 'Blinks' now holds its last pose on: no gap
    tracks["Blinks"].strips[0].extrapolation = "HOLD_FORWARD"
    before = [eye(ann, f) for f in (65, 75, 80, 85, 105)]
    generate(ann, "v2")

    assert [eye(ann, f) for f in (65, 75, 80, 85, 105)] == before  # the half blink over 'Blinks'
    assert stack(ann.data.shape_keys)[:2] == [rest_beneath.TRACK, "Blinks"]  # so the rest goes under
    tracks["Blinks"].mute = True
    assert eye(ann, 65) == 0.0  # at rest, not Blender's default (1.0)


def test_a_blending_strip_added_after_the_first_take_plays_as_blender_plays_it_after_the_next():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    generate(ann, "v1")
    keys = ann.data.shape_keys
    assert stack(keys)[:2] == [rest_beneath.TRACK, "Blinks"]  # the eye held open under 'Blinks'

    track = keys.animation_data.nla_tracks["Blinks"]  # the blink at 30, then 60 % of the one at 90
    first = track.strips[0]
    first.action_frame_end = 60
    late = track.strips.new("Late blink", 70, first.action)
    late.action_frame_start, late.action_frame_end = 80, 100
    layers.key_influence(late, 0.6)
    generate(ann, "v2")

    # 40 % of Blender's default, as rest42's story gives when the strip is there before the first take
    assert [eye(ann, f) for f in (70, 75, 80)] == pytest.approx([0.4, 0.4, 1.0])  # was 0.0, 0.0, 0.6
    assert rest_beneath.beneath_track(keys) is None  # nothing left to hold: 'Blinks' at the bottom again
    assert [(s.name, s.action.name) for s in keys.animation_data.nla_tracks[0].strips] == [
        ("Blinks", "AnnAction"),
        ("Late blink", "AnnAction"),
    ]


def test_muting_your_walk_leaves_the_head_at_its_rest_pose_whatever_frame_generate_ran_on():
    ann = br.make_character("Ann")
    bpy.context.scene.frame_start, bpy.context.scene.frame_end = 1, 120
    walk_and_blinks(ann, as_strips=True)
    bpy.context.scene.frame_set(11)  # the walk nods the head +0.05 here

    generate(ann, "v1")
    ann.parent.animation_data.nla_tracks["Walk"].mute = True

    for frame in (70, 100):  # outside the take: was (0.999, 0.05, 0, 0), frozen at frame 11's nod
        bpy.context.scene.frame_set(frame)
        assert tuple(ann.parent.pose.bones["head"].rotation_quaternion) == (1.0, 0.0, 0.0, 0.0)

    tracks = ann.data.shape_keys.animation_data.nla_tracks  # they delete the eye's rest beneath ...
    tracks[rest_beneath.TRACK].lock = False
    tracks.remove(tracks[rest_beneath.TRACK])
    generate(ann, "v2")  # ... it is made again, and the action it played goes (it stayed, the new one '.001')
    assert sorted(a.name for a in bpy.data.actions if "rest beneath" in a.name) == [
        "DualTalk Ann rest beneath",
        "DualTalk Ann rest beneath.001",  # the rig's
    ]
    assert all(a.users == 1 for a in bpy.data.actions if "rest beneath" in a.name)


def test_a_character_linked_as_a_library_override_keeps_your_tracks_as_they_were(tmp_path):
    ann = br.make_character("Ann")
    walk_and_blinks(ann, as_strips=True)
    shelf = bpy.data.collections.new("AnnCol")
    bpy.context.scene.collection.children.link(shelf)
    for obj in (ann, ann.parent):
        for col in list(obj.users_collection):
            col.objects.unlink(obj)
        shelf.objects.link(obj)
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "lib.blend"))
    br.reset()
    bpy.context.scene.render.fps = 25
    with bpy.data.libraries.load(str(tmp_path / "lib.blend"), link=True) as (_src, dst):
        dst.collections = ["AnnCol"]
    made = dst.collections[0].override_hierarchy_create(
        bpy.context.scene, bpy.context.view_layer, do_fully_editable=True
    )
    ann = next(o for o in made.all_objects if o.type == "MESH")
    ann.data.override_create(remap_local_usages=True)  # Make > Selected & Content: the mesh, its keys too
    keys = ann.data.shape_keys

    warnings = generate(ann, "v1").warnings
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "shot.blend"))
    ann = bpy.data.objects["Ann"]
    keys = ann.data.shape_keys

    assert stack(keys)[0] == "Blinks" and stack(ann.parent)[0] == "Walk"  # not rebuilt: the file's own
    assert [s.action.name for s in keys.animation_data.nla_tracks["Blinks"].strips] == ["AnnAction"]
    said = [w for w in warnings if "holds no rest under it" in w]  # not the rig: a bone rests muted
    assert len(said) == 1 and "'Blinks' on the shape keys of 'Ann' comes from a library" in said[0], warnings
    remove_take([ann], undo_push=False)
    assert stack(keys) == ["Blinks"]  # was a locked 'DualTalk rest beneath' copy of it left beside it
