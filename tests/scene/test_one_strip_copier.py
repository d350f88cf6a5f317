"""One strip copier for both places DualTalk rebuilds a strip one track over.

The animator's bottom track rebuilt above the rest beneath it is copied whole and compared setting by
setting; a layer of ours lifted one place up, or the animator's kept action moved under a new take, has
always been given the settings that decide what plays. Two copiers did that (rest_beneath's and
layers'), the second a subset of the first, drifting apart: layers' set the blend in before auto blend,
which put it back to 0 (a moved strip lost its 2-frame blend in). Now one does both, each copying the
settings it did, in one order.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import rest_beneath

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def test_a_rebuilt_track_gets_every_setting_and_a_moved_layer_what_decides_what_plays():
    keys = br.make_character("Ann", armature=False).data.shape_keys
    ad = keys.animation_data_create()
    action = bpy.data.actions.new("Blinks")
    was, ad.use_nla, ad.action = ad.action, False, action
    keys.key_blocks["eyeBlinkLeft"].keyframe_insert("value", frame=1)
    keys.key_blocks["eyeBlinkLeft"].keyframe_insert("value", frame=40)
    ad.action, ad.use_nla = was, True
    theirs = ad.nla_tracks.new().strips.new("Blinks", 10, action)
    theirs.blend_type, theirs.extrapolation, theirs.blend_in = "ADD", "HOLD_FORWARD", 2.0
    theirs.use_sync_length, theirs.select, theirs.use_animated_time_cyclic = False, True, True
    theirs.use_animated_influence = True
    curve = theirs.fcurves.find("influence")
    curve.keyframe_points.clear()
    curve.keyframe_points.insert(10, 0.2)
    curve.keyframe_points.insert(30, 0.9)
    curve.extrapolation, curve.lock = "LINEAR", True

    exact = ad.nla_tracks.new().strips.new("Blinks.exact", 10, action)
    rest_beneath.copy_strip(theirs, exact)
    moved = ad.nla_tracks.new().strips.new("Blinks.moved", 10, action)
    moved.select = False
    rest_beneath.copy_strip(theirs, moved, exact=False)

    assert rest_beneath._differs(theirs, exact) == ""  # every setting, the influence curve's own too
    for copy in (exact, moved):
        assert (copy.blend_type, copy.extrapolation, copy.blend_in) == (
            "ADD",
            "HOLD_FORWARD",
            2.0,
        )  # moved: was 0.0
        assert (copy.frame_start, copy.frame_end) == (theirs.frame_start, theirs.frame_end)
        played = copy.fcurves.find("influence")
        assert [c for k in played.keyframe_points for c in k.co] == pytest.approx([10.0, 0.2, 30.0, 0.9])
    assert (moved.use_sync_length, moved.select, moved.use_animated_time_cyclic) == (
        True,
        False,
        False,
    )  # new strip's
    assert moved.fcurves.find("influence").lock is False  # what the moves never copied, as before
