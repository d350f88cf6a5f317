"""An animator opens a shot keyed before DualTalk recorded what its sound strip plays (before
2026-12-07) and generates the take again from a new recording (a re-record of the lines). The new
take's record names only the new recording, so the earlier take's strip, playing the old one, was
taken for the animator's copy of DualTalk's strip: kept, its tags dropped, "a copy of DualTalk's
strip" said, and both recordings played over each other (found while mending session 36's
leftovers). The takes' records still name the old recording before the new take is keyed: the strip
records then what it plays (``sound.record_older_strips``), and the next take replaces it.

Where the takes record no recording either (keyed before 2026-12-04), nothing says whether the strip
plays the earlier take's recording or the animator's music (review rv38d F1: session 37 took every
such strip for the take's, and deleted the music): it is kept, and the line says which file it plays."""

from __future__ import annotations

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import sound
from test_users_copy_of_an_older_mix_strip import _keyed_before_takes_recorded_their_recording
from test_users_copy_of_dialogue_strip import generate, strips, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def _characters():
    import blender_rigs as br

    return br.make_character("Alice", location=(-0.5, 0.0, 0.0)), br.make_character(
        "Bob", location=(0.5, 0.0, 0.0)
    )


def test_the_earlier_takes_strip_goes_when_the_take_is_made_again_from_another_recording(tmp_path):
    alice, bob = _characters()
    old, new = wav(tmp_path / "first_session.wav"), wav(tmp_path / "re_record.wav")
    generate(alice, bob, old)
    for strip in strips():  # keyed 2026-12-04..07: the strip and its sound record nothing
        del strip[sound.PLAYS_PROP]
        del strip.sound[sound.SOUND_PROP]
    said: list[str] = []

    generate(alice, bob, new, said)

    assert said == []
    assert [bpy.path.basename(s.sound.filepath) for s in strips()] == ["re_record.wav"]
    assert sound.PLAYS_PROP in strips()[0].keys()


def test_where_the_takes_record_no_recording_the_earlier_strip_is_kept_and_said(tmp_path):
    alice, bob = _characters()
    old, new = wav(tmp_path / "first_session.wav"), wav(tmp_path / "re_record.wav")
    generate(alice, bob, old)
    _keyed_before_takes_recorded_their_recording()
    for strip in strips():
        del strip.sound[sound.SOUND_PROP]
    said: list[str] = []

    generate(alice, bob, new, said)

    assert said == [
        "kept the sound strip 'DualTalk dialogue': it plays first_session.wav, not the take's recording "
        "(a copy of DualTalk's strip: DualTalk's tags dropped from it)"
    ]
    assert sorted(bpy.path.basename(s.sound.filepath) for s in strips()) == [
        "first_session.wav",
        "re_record.wav",
    ]
