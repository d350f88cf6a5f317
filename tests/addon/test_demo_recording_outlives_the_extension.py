"""A new user makes a first take from the demo voices that ship inside the installed extension
(``assets/demo_dialogue.flac``). Blender deletes that folder on uninstall and replaces it on update,
and the take's sound strip pointed into it: the take went silent (review rv38e F4). Now the strip
plays a copy beside the saved .blend (``//demo_dialogue.flac``, what the animator can find and ship),
or for an unsaved file one in DualTalk's folder; a user's own file of that name is never replaced,
and Generate says where the copy is. A developer's checkout (a ``.git`` beside the code) keeps its
files where they are.

Here a folder without ``.git`` plays the installed extension (``take_sound.ADDON_ROOT``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import bpy
import pytest
from dualtalk.dualtalk_blender.addon import take_sound

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo_dialogue.flac"


@pytest.fixture
def installed(tmp_path, monkeypatch) -> Path:
    """An installed extension's folder holding the demo recording, as the zip unpacks it."""
    root = tmp_path / "extensions" / "user_default" / "dualtalk"
    (root / "assets").mkdir(parents=True)
    shutil.copyfile(DEMO, root / "assets" / DEMO.name)
    monkeypatch.setattr(take_sound, "ADDON_ROOT", root)
    return root


def _strip_sound(scene) -> str:
    (strip,) = scene.sequence_editor.strips
    return strip.sound.filepath


def test_a_take_of_the_demo_voices_still_plays_after_the_extension_is_uninstalled(scene, installed, tmp_path):
    shot = tmp_path / "shot"
    shot.mkdir()
    bpy.ops.wm.save_as_mainfile(filepath=str(shot / "take.blend"))
    scene = bpy.context.scene
    said: list[str] = []
    sound = take_sound.TakeSound((str(installed / "assets" / DEMO.name),))
    assert take_sound.place_sound_strips(scene, sound, 0.0, 1, frames=100, said=said) == ["DualTalk dialogue"]

    assert (
        _strip_sound(scene) == "//demo_dialogue.flac"
    )  # before: //../extensions/.../assets/demo_dialogue.flac
    assert (shot / DEMO.name).read_bytes() == DEMO.read_bytes()
    assert len(said) == 1 and "inside the installed extension" in said[0] and str(shot) in said[0], said
    bpy.ops.wm.save_mainfile()

    shutil.rmtree(installed)  # uninstalled
    bpy.ops.wm.open_mainfile(filepath=str(shot / "take.blend"))
    assert os.path.isfile(bpy.path.abspath(_strip_sound(bpy.context.scene)))


def test_the_demo_in_an_unsaved_file_plays_from_dualtalks_folder_and_is_copied_once(scene, installed):
    demo = str(installed / "assets" / DEMO.name)
    take_sound.place_sound_strips(scene, take_sound.TakeSound((demo,)), 0.0, 1)
    take_sound.place_sound_strips(scene, take_sound.TakeSound((demo,)), 0.0, 1)  # Generate again
    kept = Path(os.environ["DUALTALK_HOME"]) / "recordings"
    assert _strip_sound(scene) == str(kept / DEMO.name)
    assert sorted(p.name for p in kept.iterdir()) == [DEMO.name]


def test_a_users_own_file_of_that_name_beside_the_blend_is_never_replaced(scene, installed, tmp_path):
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "take.blend"))
    theirs = tmp_path / DEMO.name
    theirs.write_bytes(b"the animator's own take of the scene")
    take_sound.place_sound_strips(
        bpy.context.scene, take_sound.TakeSound((str(installed / "assets" / DEMO.name),)), 0.0, 1
    )
    assert theirs.read_bytes() == b"the animator's own take of the scene"
    assert _strip_sound(bpy.context.scene) == "//demo_dialogue-2.flac"
    assert (tmp_path / "demo_dialogue-2.flac").read_bytes() == DEMO.read_bytes()


def test_a_folder_that_takes_no_file_keeps_the_extensions_file_and_says_so(scene, installed, monkeypatch):
    monkeypatch.setenv("DUALTALK_HOME", str(installed / "assets" / DEMO.name))  # a file: no folder there
    said: list[str] = []
    demo = str(installed / "assets" / DEMO.name)
    take_sound.place_sound_strips(scene, take_sound.TakeSound((demo,)), 0.0, 1, said=said)
    assert _strip_sound(scene) == demo
    assert len(said) == 1 and "could not be copied out" in said[0], said


def test_a_recording_in_a_developers_checkout_stays_where_it_is(scene, installed):
    (installed / ".git").mkdir()  # a checkout: the developer's files, not Blender's to delete
    demo = str(installed / "assets" / DEMO.name)
    take_sound.place_sound_strips(scene, take_sound.TakeSound((demo,)), 0.0, 1)
    assert _strip_sound(scene) == demo
    assert not (Path(os.environ["DUALTALK_HOME"]) / "recordings").exists()
