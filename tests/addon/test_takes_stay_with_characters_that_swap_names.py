"""An animator keys takes v1 and v2 of Alice and Bob, then finds the pair was mislabelled and swaps
their names (and their rigs'), and keys v3. Since kept takes followed renamed characters by name,
the two names became one group and both faces got Alice's take: Play Take v1 set both jaws to 0.2,
Remove Take gave both v2's 0.3 (review rv39g F1). Now a take records the datablocks it keyed, and a
kept take plays on the face that keyed it, whatever it is called now; the same through a three-way
rotation of names, where a third character given a retired name does not take the old one's takes."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from level_takes import generate, jaws, play, rename


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def listed(*objs) -> list[tuple[str, bool]]:
    return [
        (t.name, t.playing)
        for t in file_takes.takes_in_file([(o, layers.character_idblocks(o)) for o in objs])
    ]


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def test_two_characters_that_swap_names_each_play_their_own_kept_takes(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    generate(a, b, "v2", 0.3, 0.8)
    rename((a, "Bob"), (b, "Alice"))  # the pair was mislabelled
    generate(a, b, "v3", 0.4, 0.9)
    assert listed(a, b) == [("v1", False), ("v2", False), ("v3", True)]

    play(scene, "v1")
    assert jaws(a, b) == (0.2, 0.7)  # was (0.2, 0.2): Bob's face played Alice's take
    play(scene, "v2")
    assert jaws(a, b) == (0.3, 0.8)

    play(scene, "v3")
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert "take 'v2' plays again" in status()
    assert jaws(a, b) == (0.3, 0.8)  # was (0.3, 0.3)
    play(scene, "v1")  # each face's v1 is still in the file, its own
    assert jaws(a, b) == (0.2, 0.7)


def test_play_take_for_one_character_after_a_swap_plays_that_face_s_own_take(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    generate(a, b, "v2", 0.3, 0.8)
    rename((a, "Bob"), (b, "Alice"))
    generate(a, b, "v3", 0.4, 0.9)
    scene.dualtalk.char_a, scene.dualtalk.char_b = b, None  # v1 for the face now called Alice alone
    play(scene, "v1")
    assert jaws(a, b) == (0.4, 0.7)  # was (0.4, 0.2): the first action recorded as Alice, face a's

    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}  # each goes back to a take before
    assert "removed take 'v3' from Bob and take 'v1' from Alice" in status()
    assert jaws(a, b) == (0.3, 0.9)  # each face's own latest take before (a: v2, not b's v1)


def test_a_three_way_rotation_of_names_keeps_each_face_s_takes(scene):
    a, b = ah.two_characters()
    c = br.make_character("Carol", location=(1.5, 0.0, 0.0))  # in the scene, never keyed
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    generate(a, b, "v2", 0.3, 0.8)
    rename((a, "Bob"), (b, "Carol"), (c, "Alice"))  # Alice -> Bob -> Carol -> Alice
    generate(a, b, "v3", 0.4, 0.9)
    rename((a, "Carol"), (b, "Alice"), (c, "Bob"))  # and round once more
    assert listed(a, b) == [("v1", False), ("v2", False), ("v3", True)]
    assert listed(c) == []  # was v1, v2, v3: the third face now called Alice took Alice's takes

    play(scene, "v1")
    assert jaws(a, b) == (0.2, 0.7)
    play(scene, "v3")
    assert jaws(a, b) == (0.4, 0.9)
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    assert jaws(a, b) == (0.2, 0.7)  # v1 played last before v3
    assert "take 'v2' stays in the file too" in status()


def duplicate(obj, name: str):
    """A copy of the character ``obj`` and of its rig, as Shift+D makes it (custom properties, the
    take's strips and a shape-key datablock of a new name with it)."""
    rig = find_mesh_and_armature(obj)[1]
    new_rig = rig.copy()
    new_rig.data = rig.data.copy()
    copy = obj.copy()
    copy.data = obj.data.copy()
    for o in (new_rig, copy):
        bpy.context.scene.collection.objects.link(o)
    copy.parent = new_rig
    copy.modifiers["Armature"].object = new_rig
    copy.name, new_rig.name = name, f"{name}_rig"
    return copy


def test_a_face_and_its_copy_made_after_a_take_each_play_their_own_takes(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    twin = duplicate(a, "Ann")  # carries Alice's ids and plays copies of her v1
    assert twin.data.shape_keys.name != a.data.shape_keys.name
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, twin
    generate(a, twin, "w1", 0.3, 0.6)
    generate(a, twin, "w2", 0.4, 0.5)

    play(scene, "w1")
    assert jaws(a, twin) == (0.3, 0.6)
    play(scene, "w2")
    assert jaws(a, twin) == (0.4, 0.5)
