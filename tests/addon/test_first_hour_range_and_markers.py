"""An animator's first hour (notes/audit_firsthour.md): Generate says when it extends the scene's frame
range (the render range) and Remove Take puts the range back when it is still the one the take set;
Generate with *Turn markers* off takes the earlier take's turn markers away, as *Sound strip* off does
with its sound. The stories that start from the 30-frame shot with one take open it from one file
(``shot_file``), Generated once."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.apply import MARKERS_PROP, owned_markers

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory):
    return ah.write_dialogue_wav(tmp_path_factory.mktemp("long") / "long.wav", 4.0)


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def generate(scene) -> None:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.generate() == {"FINISHED"}, status()


def remove_take(scene, **kw) -> None:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take(**kw) == {"FINISHED"}, status()


def shot(scene, assets, first=1, last=30):
    """A 30-frame shot at 24 fps and a 2 s dialogue (48 frames): longer than the shot."""
    scene.render.fps = 24
    scene.frame_start, scene.frame_end = first, last
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    return a, b


def frame_range(scene) -> tuple[int, int]:
    return scene.frame_start, scene.frame_end


@pytest.fixture(scope="module")
def shot_file(assets, tmp_path_factory):
    """The 30-frame shot with a take Generated on it, saved once: (the .blend, Generate's line)."""

    def make(scene) -> str:
        shot(scene, assets)
        generate(scene)
        return status()

    path = tmp_path_factory.mktemp("shot") / "shot.blend"
    return path, ah.made_and_saved(path, assets["models"], make)


@pytest.fixture
def taken(scene, shot_file):
    """The shot with its take, opened (the add-on enabled): (scene, Generate's line)."""
    return ah.open_take(shot_file[0])[0], shot_file[1]


def test_generate_says_it_extended_the_range_and_remove_take_puts_it_back(taken):
    scene, said = taken
    assert frame_range(scene) == (1, 48)
    assert "scene range extended from 1-30 to 1-48" in said, said
    remove_take(scene)
    assert frame_range(scene) == (1, 30)
    assert "scene range back to 1-30" in status(), status()


def test_a_take_that_fits_the_shot_says_nothing_about_the_range(scene, assets):
    shot(scene, assets, 1, 100)
    generate(scene)
    assert frame_range(scene) == (1, 100) and "scene range" not in status(), status()
    remove_take(scene)
    assert frame_range(scene) == (1, 100) and "scene range" not in status(), status()


def test_a_second_longer_take_still_goes_back_to_the_shots_own_range(taken, long_wav):
    scene, _said = taken
    scene.dualtalk.audio = str(long_wav)
    generate(scene)
    assert frame_range(scene) == (1, 96)
    assert "scene range extended from 1-48 to 1-96" in status(), status()
    remove_take(scene)
    assert frame_range(scene) == (1, 30), status()


def test_a_range_the_animator_changed_since_stays_theirs(taken):
    scene, _said = taken
    scene.frame_end = 60  # the animator's own choice now
    remove_take(scene)
    assert frame_range(scene) == (1, 60)
    assert "scene range" not in status(), status()


def test_the_range_goes_back_only_once_neither_character_plays_the_take(taken):
    scene, _said = taken
    remove_take(scene, character="A")
    assert frame_range(scene) == (1, 48) and "scene range" not in status(), status()
    remove_take(scene, character="B")
    assert frame_range(scene) == (1, 30) and "scene range back to 1-30" in status(), status()


def test_a_take_that_recorded_no_range_keeps_the_range_on_removal(taken):
    """A take keyed before takes recorded the range they replaced: nothing to put back."""
    from dualtalk.dualtalk_blender.scene import before_take

    scene, _said = taken
    del scene[before_take.SCENE_RANGE_PROP]
    remove_take(scene)
    assert frame_range(scene) == (1, 48) and "scene range" not in status(), status()


def test_turn_markers_off_removes_the_earlier_takes_markers_and_keeps_the_animators(scene, assets, long_wav):
    shot(scene, assets, 1, 250)
    scene.timeline_markers.new("DT review", frame=5)  # the animator's own, whatever its name
    generate(scene)
    assert len(owned_markers(scene)) == 2
    scene.dualtalk.audio, scene.dualtalk.markers = str(long_wav), False
    generate(scene)
    assert [(m.name, m.frame) for m in scene.timeline_markers] == [("DT review", 5)]
    assert MARKERS_PROP not in scene.keys()
    assert "removed the earlier take's turn markers" in status(), status()
    generate(scene)  # nothing left to remove: nothing said
    assert "turn markers" in status() and "removed the earlier take's turn markers" not in status()
