"""An animator opens a .blend whose record of DualTalk's turn markers (the scene's ``dualtalk_markers``)
is damaged (a script's slip, a file from elsewhere) and animates Ann and Bob again. The record used to
read as absent without a word: the earlier "DT Ann speaks" markers were taken for the animator's and
stayed, and the new take put its own beside them (closing 29, left). Now DualTalk finds its markers by
what it names them ("DT <character> speaks"), replaces them, says once that the record was damaged,
and writes a whole record again. A marker the animator made ("Cut", "DT review") or renamed from ours
stays; so do the markers of another conversation still playing in the scene."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene.apply import MARKERS_PROP, ApplyOptions, apply_dialogue, marker_records
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from test_two_pairs_one_scene import dt_markers, four_characters, talking

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

DAMAGED = {
    "not JSON": "[[",
    "an object": '{"pair": 1}',
    "a bad frame": '[{"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", Infinity]]}]',
}


def animate(a, b, start: int = 1, seed: int = 0, markers: bool = True):
    opts = ApplyOptions(start_frame=start, undo_push=False, markers=markers)
    return apply_dialogue(a, b, talking(seed, "A"), talking(seed + 1, "B"), opts)


def animators_markers(scene) -> list[tuple[str, int]]:
    return sorted((m.name, int(m.frame)) for m in scene.timeline_markers if not m.name.endswith(" speaks"))


@pytest.mark.parametrize("damage", list(DAMAGED.values()), ids=list(DAMAGED))
def test_animating_again_over_a_damaged_record_replaces_the_earlier_markers_and_says_so_once(damage):
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    first = dt_markers(scene, "Ann", "Bob")
    assert len(first) == 2
    scene.timeline_markers.new("Cut", frame=30)  # the animator's own
    scene.timeline_markers.new("DT review", frame=12)  # DualTalk's prefix, not a name DualTalk gives
    renamed = next(m for m in scene.timeline_markers if m.name == "DT Bob speaks")
    renamed.name = "Bob answers"  # one of ours, renamed: the animator's now
    mine = animators_markers(scene)
    scene[MARKERS_PROP] = damage

    rep_a, rep_b, n = animate(ann, bob, seed=7)

    now = dt_markers(scene, "Ann", "Bob")
    assert len(now) == n == 2  # this take's two (on the earlier ones' frames), not beside them
    assert animators_markers(scene) == mine and ("Bob answers", renamed.frame) in mine
    said = [w for w in rep_a.warnings + rep_b.warnings if MARKERS_PROP in w]
    assert len(said) == 1, said
    assert said[0].startswith(f"DualTalk's record {MARKERS_PROP!r} on scene {scene.name!r} is damaged (")
    assert said[0].endswith(
        'DualTalk\'s turn markers were found by their names ("DT <character> speaks") and replaced'
    )
    assert sorted((n, f) for e in marker_records(scene) for n, f in e["markers"]) == now  # whole again

    rep_a, rep_b, _n = animate(ann, bob, seed=9)  # the record is whole again: nothing more is said

    assert not [w for w in rep_a.warnings + rep_b.warnings if MARKERS_PROP in w]
    assert len(dt_markers(scene, "Ann", "Bob")) == 2 and animators_markers(scene) == mine


def test_a_damaged_record_keeps_another_conversations_markers_and_remove_take_finds_ours():
    scene = bpy.context.scene
    ann, bob, cat, dan = four_characters()
    animate(ann, bob)
    animate(cat, dan, start=200, seed=4)
    theirs = dt_markers(scene, "Cat", "Dan")
    scene.timeline_markers.new("Cut", frame=30)
    scene[MARKERS_PROP] = "[["

    _rep_a, _rep_b, n = animate(ann, bob, seed=7)

    assert len(dt_markers(scene, "Ann", "Bob")) == n == 2
    assert dt_markers(scene, "Cat", "Dan") == theirs  # Cat and Dan still play their take

    scene[MARKERS_PROP] = "[["  # damaged again before Remove Take
    report = remove_take([ann, bob], undo_push=False)

    assert report.markers == 2 and dt_markers(scene, "Ann", "Bob") == []
    assert dt_markers(scene, "Cat", "Dan") == theirs and ("Cut", 30) in animators_markers(scene)
    assert any(MARKERS_PROP in note and "removed with the take" in note for note in report.notes), (
        report.notes
    )


def test_markers_turned_off_remove_the_earlier_ones_a_damaged_record_no_longer_lists():
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    scene[MARKERS_PROP] = '{"pair": 1}'

    rep_a, _rep_b, n = animate(ann, bob, seed=7, markers=False)

    assert n == 0 and dt_markers(scene, "Ann", "Bob") == []
    assert any(w.endswith("and removed") for w in rep_a.warnings if MARKERS_PROP in w), rep_a.warnings
    assert MARKERS_PROP not in scene.keys()
