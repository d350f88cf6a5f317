"""An animator keeps two takes of Alice and Bob (v1, v2), saves, and reopens the file another day.
Tidying the Outliner, they rename the faces' shape-key datablocks ("Key", "Key.001": Blender's own
names) after the characters. The takes are found by the ids on those datablocks, not their names,
and a take keyed after the rename names its slot after the new name: the take list, Play Take,
a new take kept beside the others and Remove Take back through all of them still give each face
its own takes, and the last Remove Take leaves the faces as before DualTalk."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from level_takes import generate, jaws, on_panel, play, remove


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def listed(*objs) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [
        (t.name, t.playing, t.only)
        for t in file_takes.takes_in_file([(o, layers.character_idblocks(o)) for o in objs])
    ]


@pytest.fixture
def reopened(scene, tmp_path):
    """v1 (Alice 0.2, Bob 0.7) and v2 (0.3, 0.8) kept, saved and opened again; the faces' shape-key
    datablocks then renamed by hand."""
    a, b = ah.two_characters()
    on_panel(scene, a, b)
    generate(a, b, "v1", 0.2, 0.7)
    generate(a, b, "v2", 0.3, 0.8)
    path = tmp_path / "takes.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    scene, a, b = ah.open_take(path)
    a.data.shape_keys.name, b.data.shape_keys.name = "Alice face", "Bob face"
    on_panel(scene, a, b)
    return scene, a, b


def test_the_take_list_and_play_take_follow_the_renamed_shape_keys(reopened):
    scene, a, b = reopened

    assert listed(a, b) == [("v1", False, ()), ("v2", True, ())]
    assert listed(a) == [("v1", False, ()), ("v2", True, ())]
    play(scene, "v1")
    assert jaws(a, b) == (0.2, 0.7)


def test_a_take_keyed_after_the_rename_sits_beside_the_kept_ones_and_remove_take_goes_back(reopened):
    scene, a, b = reopened
    play(scene, "v1")
    generate(a, b, "v3", 0.4, 0.9)  # a new take, its slots named after the renamed datablocks
    assert listed(a, b) == [("v1", False, ()), ("v2", False, ()), ("v3", True, ())]

    play(scene, "v2")
    assert jaws(a, b) == (0.3, 0.8)
    play(scene, "v3")
    assert "take 'v2' plays again" in remove(scene)
    assert jaws(a, b) == (0.3, 0.8)
    assert "take 'v1' plays again" in remove(scene)
    assert jaws(a, b) == (0.2, 0.7)
    remove(scene)  # the last one: back to before DualTalk

    assert listed(a, b) == []
    assert jaws(a, b) == (0.0, 0.0)
    assert layers.ID_PROP not in a.data.shape_keys.keys()


def test_one_face_alone_after_the_rename_plays_and_removes_its_own_take(reopened):
    scene, a, b = reopened
    on_panel(scene, b)
    play(scene, "v1")  # Bob alone back to v1
    assert jaws(a, b) == (0.3, 0.7)

    on_panel(scene, a, b)
    line = remove(scene)  # a mix: each back to the take it played before

    assert "Alice plays take 'v1' again and Bob plays take 'v2' again" in line
    assert jaws(a, b) == (0.2, 0.8)
