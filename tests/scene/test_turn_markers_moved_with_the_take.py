"""An editor slides the whole take 12 frames later: the characters' DualTalk strips, the sound strip and
the turn markers. DualTalk matched its markers by exact name and frame, so the moved ones read as the
animator's: the next take put its own beside them (4 markers for 2 turns) and Remove Take left them
behind ("0 markers", review rv37a F4). Now DualTalk's markers are found by the names its record lists
wherever they were moved (the whole take, or one marker nudged onto a cut); a marker the animator made
under another name, renamed from ours, or added under our name away from the take's, stays."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import MARKERS_PROP, ApplyOptions, apply_dialogue, marker_records
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from test_two_pairs_one_scene import dt_markers, four_characters, talking

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def animate(a, b, seed: int = 0, start: int = 1):
    opts = ApplyOptions(start_frame=start, undo_push=False)
    return apply_dialogue(a, b, talking(seed, "A"), talking(seed + 1, "B"), opts)


def slide_markers(scene, frames: int) -> None:
    for marker in scene.timeline_markers:
        marker.frame += frames


def animators_markers(scene) -> list[tuple[str, int]]:
    return sorted((m.name, int(m.frame)) for m in scene.timeline_markers if not m.name.endswith(" speaks"))


def test_animating_again_after_the_markers_were_slid_replaces_them_instead_of_doubling_them():
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    made = dt_markers(scene, "Ann", "Bob")
    assert len(made) == 2
    slide_markers(scene, 12)
    scene.timeline_markers.new("Cut", frame=30)  # the animator's own
    scene.timeline_markers.new("DT Ann speaks", frame=100)  # the animator's, under our name, far away

    _a, _b, n = animate(ann, bob, seed=7)

    now = [m for m in dt_markers(scene, "Ann", "Bob") if m != ("DT Ann speaks", 100)]
    assert len(now) == n == 2, dt_markers(scene, "Ann", "Bob")  # was 4: the slid pair stayed beside
    assert ("DT Ann speaks", 100) in dt_markers(scene, "Ann")  # theirs stays
    assert animators_markers(scene) == [("Cut", 30)]


def test_remove_take_finds_slid_and_nudged_markers_and_leaves_the_animators():
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    slide_markers(scene, 12)
    nudged = next(m for m in scene.timeline_markers if m.name == "DT Bob speaks")
    nudged.frame += 3  # onto a cut
    scene.timeline_markers.new("Cut", frame=45)

    report = remove_take([ann, bob], scene)

    assert report.markers == 2  # was 0
    assert dt_markers(scene, "Ann", "Bob") == []
    assert animators_markers(scene) == [("Cut", 45)]
    assert MARKERS_PROP not in scene.keys()


def test_a_marker_renamed_from_ours_is_the_animators_wherever_it_sits():
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    slide_markers(scene, 12)
    renamed = next(m for m in scene.timeline_markers if m.name == "DT Ann speaks")
    renamed.name = "Ann's line"

    _a, _b, n = animate(ann, bob, seed=7)

    assert len(dt_markers(scene, "Ann", "Bob")) == n == 2
    assert animators_markers(scene) == [("Ann's line", 13)]


def test_the_record_follows_a_slid_take_and_says_how_far():
    from dualtalk.dualtalk_blender.scene import marker_places

    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    before = marker_records(scene)[0]
    slide_markers(scene, 12)

    entry = marker_records(scene)[0]

    assert entry["markers"] == [[n, f + 12] for n, f in before["markers"]]
    assert marker_places.moved(entry["take"]) == 12
    scene.timeline_markers[0].frame += 2  # one nudged: still ours, no longer one slide
    assert marker_places.moved(marker_records(scene)[0]["take"]) == 0


def test_a_whole_take_follows_its_strips_only_where_both_characters_moved_together():
    from dualtalk.dualtalk_blender.scene.range_plan import moved_start

    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    assert moved_start([ann, bob]) is None  # not moved: the scene's start, as before

    for obj in (ann, bob):
        for idblock in layers.character_idblocks(obj):
            for layer, strip in layers.our_strips(idblock).items():
                if layer != layers.REST:  # the rest track is locked
                    strip.frame_start_ui += 12
    moved = moved_start([ann, bob])
    assert moved is not None and (moved.start, moved.offset) == (13, 12)

    for layer, strip in layers.our_strips(ann.data.shape_keys).items():
        if layer != layers.REST:
            strip.frame_start_ui += 5  # Ann's face alone: no one place the take plays
    moved = moved_start([ann, bob])
    assert moved is not None and moved.start is None and "moved" in moved.why and "Ann" in moved.why


def test_locate_keeps_each_scene_marker_for_one_entry():
    from dualtalk.dualtalk_blender.scene import marker_places

    records = [
        {"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", 1], ["DT Bob speaks", 30]], "take": None},
        {"pair": ["Cat", "Dan"], "markers": [["DT Cat speaks", 200]], "take": {"take": "t"}},
    ]
    scene = [("DT Ann speaks", 13), ("DT Bob speaks", 42), ("DT Cat speaks", 200), ("DT Ann speaks", 90)]

    found = marker_places.locate(records, scene)

    assert found[0]["markers"] == [["DT Ann speaks", 13], ["DT Bob speaks", 42]]  # not the one at 90
    assert found[1]["markers"] == [["DT Cat speaks", 200]] and found[1]["take"] == {"take": "t"}


def test_remove_take_leaves_the_animators_bookmarks_named_like_ours_after_ours_were_deleted():
    """Review rv37d F2: the animator deleted both turn markers (turns they did not want) and keeps two
    bookmarks named like ours far away. Remove Take took the one at 500 as ours and deleted it."""
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    for marker in list(scene.timeline_markers):
        scene.timeline_markers.remove(marker)
    scene.timeline_markers.new("DT Ann speaks", frame=500)
    scene.timeline_markers.new("DT Ann speaks", frame=700)

    report = remove_take([ann, bob], scene)

    assert report.markers == 0  # was 1
    assert dt_markers(scene, "Ann", "Bob") == [("DT Ann speaks", 500), ("DT Ann speaks", 700)]


def test_one_of_ours_deleted_and_a_bookmark_of_that_name_far_away_stays_through_generate_and_remove():
    scene = bpy.context.scene
    ann, bob, _cat, _dan = four_characters()
    animate(ann, bob)
    ours = next(m for m in scene.timeline_markers if m.name == "DT Ann speaks")
    theirs = ("DT Ann speaks", int(ours.frame) + 400)
    scene.timeline_markers.remove(ours)
    scene.timeline_markers.new(theirs[0], frame=theirs[1])

    _a, _b, n = animate(ann, bob, seed=7)

    assert len(dt_markers(scene, "Ann", "Bob")) == n + 1 and theirs in dt_markers(scene, "Ann")
    report = remove_take([ann, bob], scene)
    assert report.markers == n  # the take's own, not the bookmark
    assert dt_markers(scene, "Ann", "Bob") == [theirs]


def test_locate_counts_a_deleted_marker_gone_rather_than_taking_a_far_one_of_its_name():
    from dualtalk.dualtalk_blender.scene import marker_places

    turns = [["DT Ann speaks", 1], ["DT Bob speaks", 30], ["DT Ann speaks", 60], ["DT Bob speaks", 90]]
    records = [{"pair": ["Ann", "Bob"], "markers": turns, "take": {"take": "t"}}]
    scene = [("DT Ann speaks", 1), ("DT Bob speaks", 30), ("DT Bob speaks", 90), ("DT Ann speaks", 500)]

    found = marker_places.locate(records, scene)[0]

    assert found["markers"] == [["DT Ann speaks", 1], ["DT Bob speaks", 30], ["DT Bob speaks", 90]]
    slid = [(n, f + 12) for n, f in scene[:3]] + [("DT Ann speaks", 512)]  # the same, the whole take slid 12
    found = marker_places.locate(records, slid)[0]
    assert found["markers"] == [["DT Ann speaks", 13], ["DT Bob speaks", 42], ["DT Bob speaks", 102]]
    assert marker_places.moved(found["take"]) == 12
    lone = [{"pair": ["Ann", "Bob"], "markers": [["DT Ann speaks", 1], ["DT Bob speaks", 101]], "take": None}]
    assert marker_places.locate(lone, [("DT Ann speaks", 500)])[0]["markers"] == []  # both of ours deleted


def long_take(turns: int) -> list[list]:
    """A long conversation's turn markers: Ann and Bob take turns, one every 20-40 frames."""
    frames, frame = [], 1
    for k in range(2 * turns):
        frames.append(["DT Ann speaks" if k % 2 == 0 else "DT Bob speaks", frame])
        frame += 20 + (k * 7) % 21
    return frames


def test_a_long_take_slid_12_frames_is_found_moved():
    """Review rv37d F5: past 1,000 turns per speaker the shift was not weighed, so a slid take read
    as not moved (Play Take and the record did not follow the slide)."""
    from dualtalk.dualtalk_blender.scene import marker_places

    turns = long_take(1500)
    records = [{"pair": ["Ann", "Bob"], "markers": turns, "take": {"take": "t"}}]

    found = marker_places.locate(records, [(n, f + 12) for n, f in turns])[0]

    assert marker_places.moved(found["take"]) == 12  # was 0
    assert found["markers"] == [[n, f + 12] for n, f in turns]


def test_a_long_take_slid_far_with_markers_deleted_at_both_ends_is_found_moved():
    from dualtalk.dualtalk_blender.scene import marker_places

    turns = long_take(1500)
    records = [{"pair": ["Ann", "Bob"], "markers": turns, "take": {"take": "t"}}]
    kept = turns[3:-2]  # the animator deleted turns at both ends, then slid the rest 600 frames
    scene = [(n, f + 600) for n, f in kept] + [("DT Ann speaks", 5)]  # and a bookmark of theirs

    found = marker_places.locate(records, scene)[0]

    assert marker_places.moved(found["take"]) == 600
    assert found["markers"] == [[n, f + 600] for n, f in kept]
