"""An animator opens a shot keyed before DualTalk recorded what its sound strip plays (before
2026-12-07) and generates the take again from a new recording (a re-record of the lines). The new
take's record names only the new recording, so the earlier take's strip, playing the old one, was
taken for the animator's copy of DualTalk's strip: kept, its tags dropped, "a copy of DualTalk's
strip" said, and both recordings played over each other (found while mending session 36's
leftovers). A take puts one strip per stream and pair, and a copy has its original beside it: a
strip alone with its tags is the take's own, and the next take replaces it."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import sound
from test_users_copy_of_an_older_mix_strip import _keyed_before_takes_recorded_their_recording
from test_users_copy_of_dialogue_strip import generate, strips, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


@pytest.mark.parametrize("keyed", ["before-strips-recorded", "before-takes-recorded"])
def test_the_earlier_takes_strip_goes_when_the_take_is_made_again_from_another_recording(tmp_path, keyed):
    import blender_rigs as br

    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    old, new = wav(tmp_path / "first_session.wav"), wav(tmp_path / "re_record.wav")
    generate(alice, bob, old)
    if keyed == "before-takes-recorded":
        _keyed_before_takes_recorded_their_recording()
    else:
        for strip in strips():
            del strip[sound.PLAYS_PROP]
    said: list[str] = []

    generate(alice, bob, new, said)

    assert said == []
    assert [bpy.path.basename(s.sound.filepath) for s in strips()] == ["re_record.wav"]
    assert sound.PLAYS_PROP in strips()[0].keys()
