"""An animator wants a music bed under the dialogue. In the sequencer they duplicate DualTalk's dialogue
strip (Shift+D: the copy carries the strip's custom properties, DualTalk's tags included), move it to
channel 5, point it at their music and turn it down. Before, the next Generate (or ``animate`` on the
file, or Remove Take) took the copy for DualTalk's own by its tags and deleted it, silently: the music,
its channel and volume gone (review rv36a G7; docs/blender.md promises "Your own sound strips stay").

Now a strip is DualTalk's only while it still plays what DualTalk put there: the copy playing music
stays, DualTalk's tags are dropped from it, and one line says so. A copy still playing the take's
recording goes with the take (it would play the replaced take's sound), and a strip made by an older
DualTalk, which recorded nothing of what it plays, is still replaced when it plays the take's file."""

from __future__ import annotations

from pathlib import Path

import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.scene import sound
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

T = 40


def talking(role: str, recording: Path) -> Motion:
    t = np.arange(T)[:, None] / 25.0
    values = (0.3 + 0.2 * np.sin(2 * np.pi * t + np.arange(55))).astype(np.float32)
    first = np.arange(T) < T // 2
    source = {"audio": str(recording), "end": T / 25.0}
    return Motion(
        "arkit55", values, role=role, speaking=first if role == "A" else ~first, meta={"source": source}
    )


def wav(path: Path, seconds: float = 2.0) -> Path:
    sf.write(str(path), np.zeros(int(seconds * 16000), np.float32), 16000)
    return path


@pytest.fixture
def shot(tmp_path):
    """Alice and Bob, a recording, the music; the first Generate done."""
    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    (tmp_path / "take").mkdir()
    talk, music = wav(tmp_path / "take" / "talk.wav"), wav(tmp_path / "music.wav", 4.0)
    generate(alice, bob, talk)
    return alice, bob, talk, music


def generate(alice, bob, recording: Path, said: list[str] | None = None) -> None:
    """A Generate as the panel makes it: both keyed (an older DualTalk's strips record what they play
    first, ``sound.record_older_strips``), the take's recording put on the sequencer."""
    apply_dialogue(
        alice, bob, talking("A", recording), talking("B", recording), ApplyOptions(undo_push=False)
    )
    pair = (alice.name, bob.name)
    sound.remove_our_strips(bpy.context.scene, pair, **({} if said is None else {"said": said}))
    sound.add_dialogue_strip(bpy.context.scene, recording, "dialogue", 1, end_frame=1 + T, pair=pair)


def strips() -> list:
    return list(bpy.context.scene.sequence_editor.strips)


def shift_d(strip, music: Path | None):
    """What Shift+D then pointing the copy at another file gives: a strip with the same custom
    properties, playing ``music`` (its own sound datablock) on channel 5 at 0.3; ``None``: the copy
    left playing the strip's own sound (Shift+D shares it)."""
    top = bpy.context.scene.sequence_editor.strips
    copy = top.new_sound("my music bed", str(music or strip.sound.filepath), 5, 1)
    if music is None:
        made = copy.sound
        copy.sound = strip.sound
        bpy.data.sounds.remove(made)
    for key, value in strip.items():
        copy[key] = value
    copy.volume = 0.3
    return copy


def _the_music_bed(music: Path) -> None:
    bed = [s for s in strips() if s.name == "my music bed"]
    assert len(bed) == 1, [s.name for s in strips()]
    assert (Path(bpy.path.abspath(bed[0].sound.filepath)), bed[0].channel, round(bed[0].volume, 2)) == (
        music,
        5,
        0.3,
    )
    assert not any(key.startswith("dualtalk") for key in bed[0].keys())  # the animator's strip now


def test_the_next_generate_keeps_the_animators_copy_playing_their_music(shot, capsys):
    alice, bob, talk, music = shot
    shift_d(sound.our_strips(bpy.context.scene)[0], music)

    generate(alice, bob, talk)

    _the_music_bed(music)
    ours = sound.our_strips(bpy.context.scene)
    assert [Path(s.sound.filepath).name for s in ours] == ["talk.wav"]  # the new take's, one
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "DualTalk: kept the sound strip 'my music bed': it plays music.wav, not the take's recording "
        "(a copy of DualTalk's strip: DualTalk's tags dropped from it)"
    ]


def test_remove_take_keeps_the_copy_and_says_so(shot):
    alice, bob, _talk, music = shot
    shift_d(sound.our_strips(bpy.context.scene)[0], music)

    report = remove_take([alice, bob], bpy.context.scene, undo_push=False)

    assert [s.name for s in strips()] == ["my music bed"]  # the take's own strip went
    _the_music_bed(music)
    assert "kept the sound strip 'my music bed': it plays music.wav" in report.summary


def test_a_copy_still_playing_the_takes_recording_goes_with_the_take(shot):
    alice, bob, talk, _music = shot
    shift_d(sound.our_strips(bpy.context.scene)[0], None)
    said: list[str] = []

    generate(alice, bob, talk, said)

    assert said == [] and len(strips()) == 1  # the replaced take's sound does not play on


def test_the_record_holds_across_a_save_with_relative_paths(shot, tmp_path):
    """A .blend stores the take's sound ``//``-relative: reopened, the strip is still DualTalk's and
    the next take replaces it (a path read as a Windows share would make it the user's)."""
    alice, bob, talk, music = shot
    ours = sound.our_strips(bpy.context.scene)[0]
    shift_d(ours, music)
    blend = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    ours.sound.filepath = sound.blend_relative(bpy, talk)
    assert ours.sound.filepath == "//take/talk.wav"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))

    alice, bob = bpy.data.objects["Alice"], bpy.data.objects["Bob"]
    generate(alice, bob, talk)
    _the_music_bed(music)
    assert len(sound.our_strips(bpy.context.scene)) == 1


def _older_build(strip) -> None:
    """What an older DualTalk left: its tags, no record of what the strip plays."""
    del strip[sound.PLAYS_PROP]


def test_an_older_builds_strip_is_still_replaced_and_an_older_copy_of_it_kept(shot):
    alice, bob, talk, music = shot
    older = sound.our_strips(bpy.context.scene)[0]
    copy = shift_d(older, music)
    _older_build(older)
    _older_build(copy)

    said: list[str] = []
    generate(alice, bob, talk, said)

    _the_music_bed(music)  # it plays no file a take here was made from
    assert said and "'my music bed'" in said[0]
    ours = sound.our_strips(bpy.context.scene)
    assert len(ours) == 1 and sound.PLAYS_PROP in ours[0].keys()  # the older strip replaced


def test_the_add_ons_generate_says_it_kept_the_copy_with_the_takes_warnings(shot):
    """The panel's Generate places the take's sound through ``take_sound.place_sound_strips``: the line
    goes with the take's warnings to the status line and the Info editor, not only to the console."""
    from dualtalk.dualtalk_blender.addon.take_sound import TakeSound, place_sound_strips

    alice, bob, talk, music = shot
    shift_d(sound.our_strips(bpy.context.scene)[0], music)
    said: list[str] = []

    place_sound_strips(
        bpy.context.scene, TakeSound((str(talk),)), 0.0, 1, frames=T, pair=(alice.name, bob.name), said=said
    )

    _the_music_bed(music)
    assert len(said) == 1 and said[0].startswith("kept the sound strip 'my music bed': it plays music.wav")
