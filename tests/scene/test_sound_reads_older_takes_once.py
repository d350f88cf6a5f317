"""A file keyed by an older DualTalk holds strips that do not record what they play: whether each is
DualTalk's is judged by the recordings the file's takes were made from, read from every take's record.
Each Generate (and Remove Take) read those records twice, once to find the animator's copies and once
to find DualTalk's own strips (session 36's closing note). Now they are read once per call."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import keying, sound
from test_users_copy_of_dialogue_strip import generate, shift_d, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def test_the_next_generate_reads_each_takes_record_once(tmp_path, monkeypatch):
    import blender_rigs as br

    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    talk, music = wav(tmp_path / "talk.wav"), wav(tmp_path / "music.wav", 4.0)
    generate(alice, bob, talk)
    older = sound.our_strips(bpy.context.scene)[0]
    copy = shift_d(older, music)
    for strip in (older, copy):  # an older DualTalk's strip and the animator's copy of it
        del strip[sound.PLAYS_PROP]
    takes = [a for a in bpy.data.actions if keying.OWNER_PROP in a.keys()]
    read: list[str] = []
    action_meta = keying.action_meta
    monkeypatch.setattr(keying, "action_meta", lambda action: read.append(action.name) or action_meta(action))
    said: list[str] = []

    removed = sound.remove_our_strips(bpy.context.scene, (alice.name, bob.name), said=said)

    assert removed == 1 and len(said) == 1 and "'my music bed'" in said[0]  # as before
    assert takes and sorted(read) == sorted(a.name for a in takes)  # each take's record read once
