"""An animator keeps one Blender open all day: Generate, Remove Take, Generate again... (review 33s,
the soak). Each take puts the dialogue on the sequencer as a new sound datablock; Remove Take took the
strip off but left its sound behind with no users, one more orphan in Blender File view per removal
(30 cycles: 30 orphan sounds). Now the sound goes with the strip, as a replaced take's already did,
while a sound the animator's own strip plays stays."""

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


def talking(role: str) -> Motion:
    t = np.arange(T)[:, None] / 25.0
    values = (0.3 + 0.2 * np.sin(2 * np.pi * t + np.arange(55))).astype(np.float32)
    first = np.arange(T) < T // 2
    return Motion("arkit55", values, role=role, speaking=first if role == "A" else ~first)


def dialogue(folder: Path) -> Path:
    path = folder / "dialogue.wav"
    sf.write(str(path), np.zeros(2 * 16000, np.float32), 16000)
    return path


def generate(alice, bob, wav: Path) -> None:
    """A Generate as the panel makes it: both keyed, the dialogue strip replaced."""
    apply_dialogue(alice, bob, talking("A"), talking("B"), ApplyOptions(undo_push=False))
    pair = (alice.name, bob.name)
    sound.remove_our_strips(bpy.context.scene, pair)
    sound.add_dialogue_strip(bpy.context.scene, wav, "dialogue", 1, end_frame=1 + T, pair=pair)


def test_generate_then_remove_take_three_times_leaves_no_orphan_sound(tmp_path):
    wav = dialogue(tmp_path)
    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    for _cycle in range(3):
        generate(alice, bob, wav)
        assert len(bpy.data.sounds) == 1
        remove_take([alice, bob], bpy.context.scene, undo_push=False)
        assert [s.name for s in bpy.data.sounds] == [], "Remove Take left the take's sound behind"


def test_remove_take_keeps_the_sound_the_animators_own_strip_plays(tmp_path):
    wav = dialogue(tmp_path)
    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    scene = bpy.context.scene
    generate(alice, bob, wav)
    ours = sound.our_strips(scene)[0]
    music = scene.sequence_editor.strips.new_sound("Music", str(wav), 3, 1)
    music.sound = ours.sound  # the animator's strip plays the take's recording too
    remove_take([alice, bob], scene, undo_push=False)
    assert not sound.our_strips(scene)
    assert music.sound is not None and music.sound.name in bpy.data.sounds
    assert scene.sequence_editor.strips["Music"].sound == music.sound
