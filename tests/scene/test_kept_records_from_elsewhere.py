"""An animator opens a .blend from elsewhere (a colleague's, an asset library, a script's slip) whose
scene keeps DualTalk's record of kept takes' turn markers (``dualtalk_kept_markers``) or of the takes
that played (``dualtalk_played_takes``) damaged: JSON nested 100,000 deep, a frame no timeline holds,
markers that are no [name, frame] pairs. Play Take and Remove Take read those records; they used to
read them with a plain JSON decoder (a RecursionError out of the operator, an OverflowError on the
frame). Now each reads as far as it is whole, the way every other record in a .blend is read."""

from __future__ import annotations

import json

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import take_history
from dualtalk.dualtalk_blender.scene.apply import KEPT_MARKERS_PROP, keep_marker_entry, kept_markers

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

DEEP = "[" * 100_000 + "]" * 100_000


def test_kept_markers_nested_100000_deep_read_as_none_kept():
    scene = bpy.context.scene
    scene[KEPT_MARKERS_PROP] = '{"v1": ' + DEEP + "}"

    assert kept_markers(scene) == {}


def test_a_kept_take_whose_markers_are_damaged_is_left_out_and_the_others_stay():
    scene = bpy.context.scene
    whole = {"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", 1], ["DT Bob speaks", 40]], "take": None}
    scene[KEPT_MARKERS_PROP] = json.dumps(
        {
            "v1": whole,
            "v2": {"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", 1e300]]},  # no timeline holds it
            "v3": {"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", 1, 2]]},  # not a pair
            "v4": {"pair": ["Ann", "Bob"], "markers": 5},
            "v5": "markers",
        }
    )

    assert kept_markers(scene) == {"v1": whole}

    keep_marker_entry(scene, "v6", whole)  # keeping another take rewrites the record whole

    assert sorted(json.loads(scene[KEPT_MARKERS_PROP])) == ["v1", "v6"]


def test_the_takes_that_played_nested_100000_deep_read_as_none_and_the_next_take_starts_them_again():
    scene = bpy.context.scene
    scene[take_history.HISTORY_PROP] = DEEP

    assert take_history.played(scene) == []
    assert take_history.latest(scene, ["Ann"], ["v1"]) is None

    take_history.note_played(scene, ["Ann", "Bob"], "v2")

    assert take_history.played(scene) == [{"take": "v2", "pair": ["Ann", "Bob"]}]
