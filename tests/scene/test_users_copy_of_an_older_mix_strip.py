"""A shot animated before 2026-12-04: its .blend plays animate's mix (``OUT.dualtalk/dialogue.wav``)
from a strip that records nothing of what it plays, and its takes record no recording. The animator
opened it, duplicated the dialogue strip (Shift+D copies DualTalk's tags) and pointed the copy at
their music bed. Remove Take took every tagged strip for DualTalk's in such a file and deleted the
music with the take's strip (session 36's closing note; a Generate keys the new take first, whose
record names its recording, so it told them apart already). A take puts one strip per stream and
pair, so a strip of the same tags beside the one playing animate's mix, playing another file, is
the animator's copy: it now stays. A copy of a strip playing the recording itself still cannot be
told apart (test_users_copy_of_dialogue_strip.py)."""

from __future__ import annotations

import json
from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import keying, sound
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from test_users_copy_of_dialogue_strip import generate, shift_d, strips, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def _keyed_before_takes_recorded_their_recording() -> None:
    """What a DualTalk of before 2026-12-04 left: strips with no record of what they play, takes
    with no record of their recording."""
    for strip in sound.users_copies(bpy.context.scene) + sound.our_strips(bpy.context.scene):
        if sound.PLAYS_PROP in strip.keys():
            del strip[sound.PLAYS_PROP]
    for action in bpy.data.actions:
        if keying.OWNER_PROP in action.keys():
            meta = json.loads(action[keying.OWNER_PROP])
            meta.pop("audio", None)
            action[keying.OWNER_PROP] = json.dumps(meta)


@pytest.fixture
def older_shot(tmp_path):
    """Alice and Bob as animate keyed them before 2026-12-04, playing its mix."""
    import blender_rigs as br

    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    (tmp_path / "shot.dualtalk").mkdir()
    mix, music = wav(tmp_path / "shot.dualtalk" / "dialogue.wav"), wav(tmp_path / "music.wav", 4.0)
    generate(alice, bob, mix)
    return alice, bob, mix, music


def test_remove_take_keeps_the_animators_copy_beside_animates_older_mix_strip(older_shot):
    alice, bob, _mix, music = older_shot
    shift_d(sound.our_strips(bpy.context.scene)[0], music)
    _keyed_before_takes_recorded_their_recording()

    report = remove_take([alice, bob], bpy.context.scene, undo_push=False)

    bed = strips()
    assert [s.name for s in bed] == ["my music bed"]  # the take's own strip went
    assert not set(sound.TAGS) & set(bed[0].keys())  # the animator's from now on
    assert report.kept_strips and "'my music bed'" in report.kept_strips[0]  # and said
    assert (Path(bpy.path.abspath(bed[0].sound.filepath)), bed[0].channel, round(bed[0].volume, 2)) == (
        music,
        5,
        0.3,
    )


def test_a_copy_still_playing_the_older_mix_goes_with_the_take(older_shot):
    alice, bob, _mix, _music = older_shot
    shift_d(sound.our_strips(bpy.context.scene)[0], None)  # Shift+D: the same sound, the take's mix
    _keyed_before_takes_recorded_their_recording()

    remove_take([alice, bob], bpy.context.scene, undo_push=False)

    assert strips() == []  # the removed take's sound does not play on
