"""An animator keeps take v1, keys v2, renames Alice's shape key jawOpen to JawOpen_hero and plays v1
again. Blender renames the curves of the actions a datablock plays, not those of a take kept in the
file: before, v1 came back animating a jawOpen that no longer exists, so the jaw stopped moving, and
no later Play or Generate said why (review rv39c F2). Now Play Take renames the kept take's curves as
Blender renamed the playing ones: the jaw plays v1's values, and the next Generate says the rename,
as it does without a Play."""

from __future__ import annotations

import addon_helpers as ah
import bpy
from dualtalk.dualtalk_blender.scene import compat, layers
from test_remove_take_plays_the_kept_take import scene  # noqa: F401 (a fixture: a scene with the add-on)
from test_remove_take_plays_the_kept_take import take as generate  # take name of one recording

NEW = "JawOpen_hero"


def jaw(obj, name: str, frames=(5, 20, 35)) -> list[float]:
    out = []
    for f in frames:
        bpy.context.scene.frame_set(f)
        out.append(round(obj.data.shape_keys.key_blocks[name].value, 5))
    return out


def jaw_paths(obj, take: str) -> set[str]:
    """The jaw curves of ``take``'s actions of ``obj``'s shape keys (its lips and rest layers)."""
    out: set[str] = set()
    for action in bpy.data.actions:
        if action.name.startswith(f"DualTalk_{take}_{obj.name} "):
            for slot in action.slots:
                if slot.target_id_type == "KEY":
                    out |= {
                        fc.data_path
                        for fc in compat.iter_fcurves(action, slot)
                        if "jawOpen" in fc.data_path or NEW in fc.data_path
                    }
    return out


def test_a_kept_take_played_after_a_shape_key_rename_moves_the_renamed_key(scene):  # noqa: F811
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    v1 = jaw(a, "jawOpen")
    generate(a, b, "v2", 0.5)
    v2 = jaw(a, "jawOpen")
    assert v1 != v2
    a.data.shape_keys.key_blocks["jawOpen"].name = NEW  # Blender renames v2's curves (it plays), not v1's

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    assert jaw(a, NEW) == v1  # was: v2's last value, held still
    assert jaw_paths(a, "v1") == {f'key_blocks["{NEW}"].value'}
    key = a.data.shape_keys
    assert [(r.old, r.new) for r in layers.renamed_channels(key)] == [
        ('key_blocks["jawOpen"].value', f'key_blocks["{NEW}"].value')
    ]  # what the next Generate says (was: nothing, the rename invisible for good)

    with bpy.context.temp_override(scene=scene):  # and back: v2's curves, renamed by Blender, still play
        assert bpy.ops.dualtalk.play_take(take="v2") == {"FINISHED"}
    assert jaw(a, NEW) == v2


def test_a_key_renamed_back_leaves_the_kept_take_as_it_was(scene):  # noqa: F811
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2)
    v1 = jaw(a, "jawOpen")
    generate(a, b, "v2", 0.5)
    blocks = a.data.shape_keys.key_blocks
    blocks["jawOpen"].name = NEW
    blocks[NEW].name = "jawOpen"  # a rename undone before any Play: nothing to follow

    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take="v1") == {"FINISHED"}
    assert jaw(a, "jawOpen") == v1
    assert jaw_paths(a, "v1") == {'key_blocks["jawOpen"].value'}
