"""A TD's script keys twenty shots one after another in one Blender session, replacing the dialogue
strip each time (``remove_our_strips`` then ``add_dialogue_strip``, as docs/scripting.md shows): the
replaced strips' sound datablocks go with them instead of piling up as orphans in Blender File view,
while a sound the user's own strip or a speaker plays is never removed."""

from __future__ import annotations

import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.sound import add_dialogue_strip, our_strips, remove_our_strips


@pytest.fixture
def shots(fresh_scene, tmp_path):
    import soundfile as sf

    paths = []
    for i in range(3):
        paths.append(tmp_path / f"shot{i}.wav")
        sf.write(str(paths[-1]), np.zeros((8000 * (i + 1), 2), np.float32), 16000)
    return paths


def test_twenty_rekeyed_shots_leave_the_sound_count_unchanged(shots):
    scene = bpy.context.scene
    pair = ("Alice", "Bob")
    add_dialogue_strip(scene, shots[0], "dialogue", 1, pair=pair)
    count = len(bpy.data.sounds)
    for shot in range(20):
        remove_our_strips(scene, pair)
        add_dialogue_strip(scene, shots[shot % 3], "dialogue", 1, pair=pair)
    assert len(bpy.data.sounds) == count == 1
    assert [s.users for s in bpy.data.sounds] == [1] and len(our_strips(scene)) == 1


def test_a_sound_the_users_own_strip_or_a_speaker_plays_stays(shots):
    scene = bpy.context.scene
    mine = scene.sequence_editor_create().strips.new_sound("score", str(shots[0]), 1, 1)
    ours = add_dialogue_strip(scene, shots[1], "dialogue", 1)
    speaker = bpy.data.speakers.new("Radio")
    speaker.sound = ours.sound  # the user made our recording play from a speaker too
    kept = ours.sound.name
    assert remove_our_strips(scene) == 1
    assert kept in bpy.data.sounds and bpy.data.speakers["Radio"].sound.name == kept

    ours = add_dialogue_strip(scene, shots[2], "dialogue", 1)
    mine.sound = ours.sound  # the user's own strip now plays our recording
    held = ours.sound.name
    assert remove_our_strips(scene) == 1
    assert held in bpy.data.sounds and mine.sound.name == held


def test_our_strip_pointed_at_the_users_sound_is_theirs(shots):
    """Our strip made to play the user's own sound plays no take's recording: it is the user's now
    (kept, our tags dropped: test_users_copy_of_dialogue_strip), and so is that sound."""
    scene = bpy.context.scene
    mine = scene.sequence_editor_create().strips.new_sound("score", str(shots[0]), 1, 1)
    ours = add_dialogue_strip(scene, shots[1], "dialogue", 1)
    ours.sound = mine.sound
    said: list[str] = []
    assert remove_our_strips(scene, said=said) == 0 and len(said) == 1
    assert our_strips(scene) == [] and ours.sound == mine.sound
