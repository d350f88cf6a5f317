"""An animator keys takes v1 and v2 of Alice and Bob, renames Alice to Anna (and her rig) and keys v3
under the new name. Before, every earlier take was stranded (review rv39c F1): the list still showed
v1 and v2, Play Take refused them ("the file holds no take 'v1' of Anna") and Remove Take of v3 put
both characters back to before DualTalk. Now a take records the names its character's earlier takes
were keyed under, so the takes follow the character: Play plays them, Remove Take plays the one
before, through any number of renames."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.addon import file_takes
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from test_remove_take_plays_the_kept_take import scene  # noqa: F401 (a fixture: a scene with the add-on)
from test_remove_take_plays_the_kept_take import take as generate  # take name of one recording


def listed(*objs) -> list[tuple[str, bool, tuple[str, ...]]]:
    """What *Takes in this file* lists: (take, playing, held only by)."""
    takes = file_takes.takes_in_file([(o, layers.character_idblocks(o)) for o in objs])
    return [(t.name, t.playing, getattr(t, "only", ())) for t in takes]  # (no `only` before rv39c)


def playing(obj) -> str:
    return str(layers.take_meta(obj)["take"])


def jaw(obj, frame: int = 10) -> float:
    bpy.context.scene.frame_set(frame)
    return round(obj.data.shape_keys.key_blocks["jawOpen"].value, 5)


def rename(obj, name: str) -> None:
    rig = find_mesh_and_armature(obj)[1]
    obj.name, rig.name = name, f"{name}_rig"


def status() -> str:
    return bpy.context.window_manager.dualtalk_status.last


def test_takes_keyed_before_a_rename_play_and_come_back_after_a_take_under_the_new_name(scene):  # noqa: F811
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    was_v1 = jaw(a)
    generate(a, b, "v2", 0.3)
    rename(a, "Anna")
    generate(a, b, "v3", 0.4)
    assert listed(a, b) == [("v1", False, ()), ("v2", False, ()), ("v3", True, ())]

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}  # was refused: no take 'v1' of Anna
    assert (playing(a), playing(b)) == ("v1", "v1") and jaw(a) == was_v1
    assert status().startswith("DualTalk: Anna and Bob play take 'v1'")

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v3") == {"FINISHED"}
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}  # was: both back to before DualTalk
    assert (playing(a), playing(b)) == ("v1", "v1")
    assert "removed take 'v3' from Anna and Bob" in status() and "take 'v1' plays again" in status()
    assert "take 'v2' stays in the file too" in status()
    assert not [x for x in bpy.data.actions if x.name.startswith("DualTalk_v3_")]


def test_takes_follow_a_character_renamed_twice_with_an_old_take_playing_in_between(scene):  # noqa: F811
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    rename(a, "Anna")
    generate(a, b, "v2", 0.3)  # records that Anna's takes were keyed as Alice before
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}  # a take recorded as Alice plays
    rename(a, "Ava")
    generate(a, b, "v3", 0.4)  # v2 (as Anna) is tied to v1's Alice only through v2's own record
    assert [t[:2] for t in listed(a, b)] == [("v1", False), ("v2", False), ("v3", True)]

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v2") == {"FINISHED"}
    assert (playing(a), playing(b)) == ("v2", "v2")
    assert file_takes.kept_not_playing([a]) == ["v1", "v3"]
