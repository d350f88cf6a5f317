"""An animator tidies the NLA editor, renames "DualTalk lips+jaw" to "Ann lips", and later removes the
take. Remove Take found our tracks by their names only: it said "removed" while "Ann lips" stayed and
the face kept talking the old take (review 31a, finding 2). A renamed track of ours goes with the take;
a track of the animator's own playing our lips (a moment repeated by hand) stays theirs."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

T = 50
JAW = ARKIT52.index("jawOpen")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(phase: float, role: str) -> Motion:
    t = np.arange(T) / 25
    v = np.zeros((T, 55), np.float32)
    v[:, JAW] = 0.5 + 0.4 * np.sin(2 * np.pi * 1.3 * t + phase)
    v[:, 52] = 0.1 * np.sin(2 * np.pi * 0.5 * t + phase)
    first = np.arange(T) < T // 2
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def jaw_played(face) -> np.ndarray:
    out = []
    for f in range(1, T + 1):
        bpy.context.scene.frame_set(f)
        out.append(face.data.shape_keys.key_blocks["jawOpen"].value)
    return np.array(out)


def take(ann, ben, phase: float) -> None:
    apply_dialogue(ann, ben, talking(phase, "A"), talking(phase + 1, "B"), ApplyOptions(undo_push=False))


def test_remove_take_removes_the_lips_track_the_animator_renamed():
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    ann.data.shape_keys.key_blocks["jawOpen"].value = 0.1  # her jaw before the take
    take(ann, ben, 0.0)
    key = ann.data.shape_keys
    key.animation_data.nla_tracks["DualTalk lips+jaw"].name = "Ann lips"
    assert np.ptp(jaw_played(ann)) > 0.5  # talking

    report = remove_take([ann, ben], undo_push=False)

    assert report.tracks == 12
    assert key.animation_data is None or not len(key.animation_data.nla_tracks)
    assert jaw_played(ann) == pytest.approx(np.full(T, 0.1), abs=1e-6)  # as before the take, still
    assert not [a.name for a in bpy.data.actions if is_ours(a)]
    assert not carries_take(ann)


def test_a_take_generated_again_over_a_renamed_track_is_removed_whole():
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    take(ann, ben, 0.0)
    ann.data.shape_keys.animation_data.nla_tracks["DualTalk lips+jaw"].name = "Ann lips"
    take(ann, ben, 2.0)  # Generate again: the new lips play on "Ann lips"

    report = remove_take([ann, ben], undo_push=False)

    assert report.tracks == 12
    assert jaw_played(ann) == pytest.approx(np.zeros(T), abs=1e-6)
    assert not [a.name for a in bpy.data.actions if is_ours(a)]


def test_a_track_of_the_animators_own_playing_our_lips_stays_with_its_action():
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    take(ann, ben, 0.0)
    key = ann.data.shape_keys
    lips = key.animation_data.nla_tracks["DualTalk lips+jaw"]
    mine = key.animation_data.nla_tracks.new(prev=lips)
    mine.name = "my repeat"
    repeat = mine.strips.new("repeat", 80, lips.strips[0].action)
    repeat.action_frame_start, repeat.action_frame_end = 10, 20

    remove_take([ann, ben], undo_push=False)

    assert [t.name for t in key.animation_data.nla_tracks] == ["my repeat"]
    assert repeat.action is not None and bpy.data.actions.get(repeat.action.name) is not None
