"""Takes whose values say which one plays: each character held at one level for the whole take,
read back off its jaw. For the stories of kept takes that follow faces through renames and swaps."""

from __future__ import annotations

import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from dualtalk.inference.core.motion import Motion


def generate(a, b, name: str, level_a: float, level_b: float) -> None:
    """Take ``name`` of one recording, A held at ``level_a`` and B at ``level_b``."""
    talk = np.r_[np.ones(40), np.zeros(40)].astype(np.uint8)
    apply_dialogue(
        a,
        b,
        Motion("arkit55", np.full((80, 55), level_a, np.float32), role="A", speaking=talk),
        Motion("arkit55", np.full((80, 55), level_b, np.float32), role="B", speaking=1 - talk),
        ApplyOptions(take=name, undo_push=False),
    )


def jaws(*objs, frame: int = 10) -> tuple[float, ...]:
    """Each face's jawOpen at ``frame``: the level of the take it plays."""
    bpy.context.scene.frame_set(frame)
    return tuple(round(o.data.shape_keys.key_blocks["jawOpen"].value, 3) for o in objs)


def rename(*pairs) -> None:
    """Rename each (character, new name), its rig too, through a name nobody holds (as by hand)."""
    for i, (obj, _name) in enumerate(pairs):
        rig = find_mesh_and_armature(obj)[1]
        obj.name, rig.name = f"tmp{i}", f"tmp{i}_rig"
    for obj, name in pairs:
        rig = find_mesh_and_armature(obj)[1]
        obj.name, rig.name = name, f"{name}_rig"


def on_panel(scene, a, b=None) -> None:
    """The panel's characters: ``a`` alone, or ``a`` and ``b``."""
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b


def play(scene, take: str) -> str:
    """Play Take ``take`` for the panel's characters; its status line."""
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.play_take(take=take) == {"FINISHED"}
    return str(bpy.context.window_manager.dualtalk_status.last)


def remove(scene) -> str:
    """Remove Take for the panel's characters; its status line."""
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}
    return str(bpy.context.window_manager.dualtalk_status.last)
