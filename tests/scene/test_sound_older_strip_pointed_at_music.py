"""An animator opens a shot keyed before DualTalk recorded what its sound strip plays (before
2026-12-07) and points DualTalk's dialogue strip itself, not a Shift+D copy, at their music bed
(renamed "my music bed"). Session 37 took a strip alone with DualTalk's tags for the take's own,
whatever it played, so Remove Take, or the next Generate from another recording, deleted the music
without a word (review rv38d F1); before that, the next Generate kept it and said so.

Now what the strip plays decides: a file that no take of the file was made from, and not animate's
mix, is the animator's. It stays, DualTalk's tags dropped, with the line that says so. Where the takes
record no recording either (keyed before 2026-12-04), a Generate keeps it too (the new take's record
names what is the take's); Remove Take cannot tell it from the take's own strip there, and takes it
with the take, as it always did."""

from __future__ import annotations

from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from test_users_copy_of_an_older_mix_strip import _keyed_before_takes_recorded_their_recording
from test_users_copy_of_dialogue_strip import generate, strips, wav

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

KEPT = (
    "kept the sound strip 'my music bed': it plays music.wav, not the take's recording "
    "(a copy of DualTalk's strip: DualTalk's tags dropped from it)"
)


def keyed_before_strips_recorded() -> None:
    """What a DualTalk of 2026-12-04..07 left: takes that record their recording, a strip (and its
    sound) that record nothing of what it plays."""
    for strip in strips():
        del strip[sound.PLAYS_PROP]
        del strip.sound[sound.SOUND_PROP]


def older_shot(tmp_path: Path, keyed: str):
    """Alice and Bob keyed by an older DualTalk from take.wav; the animator has pointed DualTalk's
    strip at music.wav (another sound, as the sidebar's Open gives) and renamed it."""
    import blender_rigs as br

    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    take, music = wav(tmp_path / "take.wav"), wav(tmp_path / "music.wav", 4.0)
    generate(alice, bob, take)
    if keyed == "before-takes-recorded":
        _keyed_before_takes_recorded_their_recording()
        for strip in strips():
            del strip.sound[sound.SOUND_PROP]
    else:
        keyed_before_strips_recorded()
    (strip,) = strips()
    strip.sound = bpy.data.sounds.load(str(music))
    strip.name = "my music bed"
    return alice, bob, music


def the_music_bed_stays(music: Path) -> None:
    bed = [s for s in strips() if s.name == "my music bed"]
    assert len(bed) == 1, [s.name for s in strips()]
    assert Path(bpy.path.abspath(bed[0].sound.filepath)) == music
    assert not set(sound.TAGS) & set(bed[0].keys())  # the animator's strip from now on


def test_remove_take_keeps_the_strip_pointed_at_music_and_says_so(tmp_path):
    alice, bob, music = older_shot(tmp_path, "before-strips-recorded")

    report = remove_take([alice, bob], bpy.context.scene, undo_push=False)

    the_music_bed_stays(music)
    assert report.kept_strips == [KEPT]


@pytest.mark.parametrize("keyed", ["before-strips-recorded", "before-takes-recorded"])
def test_the_next_generate_from_another_recording_keeps_the_music_and_says_so(tmp_path, keyed):
    alice, bob, music = older_shot(tmp_path, keyed)
    said: list[str] = []

    generate(alice, bob, wav(tmp_path / "take2.wav"), said)

    the_music_bed_stays(music)
    assert said == [KEPT]
    ours = sound.our_strips(bpy.context.scene)
    assert [bpy.path.basename(s.sound.filepath) for s in ours] == ["take2.wav"]


def test_remove_take_in_a_file_whose_takes_record_no_recording_takes_the_strip_as_it_always_did(tmp_path):
    """Nothing in such a file says which file the take's strip played (the add-on's played the
    animator's own recording, any name): the strip with DualTalk's tags goes with the take, as
    before session 37, and Ctrl-Z brings it back. The next Generate keeps it (above)."""
    alice, bob, _music = older_shot(tmp_path, "before-takes-recorded")

    report = remove_take([alice, bob], bpy.context.scene, undo_push=False)

    assert strips() == [] and report.kept_strips == []


def test_the_sound_panels_path_pointed_at_music_is_the_animators_too(tmp_path):
    """The animator typed the music's path into the strip's sound (the sidebar's file field): the
    sound is the one DualTalk made, the file is theirs."""
    import blender_rigs as br

    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    take, music = wav(tmp_path / "take.wav"), wav(tmp_path / "music.wav", 4.0)
    generate(alice, bob, take)
    keyed_before_strips_recorded()
    (strip,) = strips()
    strip.sound.filepath = str(music)
    strip.name = "my music bed"
    said: list[str] = []

    generate(alice, bob, wav(tmp_path / "take2.wav"), said)

    the_music_bed_stays(music)
    assert said == [KEPT]
