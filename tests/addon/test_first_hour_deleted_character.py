"""An animator's first hour (notes/audit_firsthour.md): character B (mesh and rig) deleted with X. The
picker still holds it, but the panel now says it is gone, in Generate's words, instead of reading it as
a head-less rig, and its layers are no longer listed."""

from __future__ import annotations

from types import SimpleNamespace

import addon_helpers as ah
import bpy
import numpy as np
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion
from dualtalk.panels.main_panel import DUALTALK_PT_main
from test_addon_panel import FakeLayout

GONE = "not in this scene (deleted?); choose it again"


def labels(scene) -> list[str]:
    layout = FakeLayout()
    ctx = SimpleNamespace(scene=scene, window_manager=bpy.context.window_manager)
    DUALTALK_PT_main.draw(SimpleNamespace(layout=layout), ctx)
    return [e[1] for e in layout.log if e[0] == "label"]


def test_a_character_deleted_with_x_reads_as_gone_in_the_panel(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    m = Motion("arkit55", np.full((10, 55), 0.2, np.float32))
    apply_dialogue(a, b, m, m, ApplyOptions(undo_push=False))
    before = labels(scene)
    assert before.count("52/52 ARKit keys, head bone: head") == 2 and "Bob" in before

    bpy.ops.object.select_all(action="DESELECT")
    b.select_set(True)
    b.parent.select_set(True)
    bpy.ops.object.delete()
    assert scene.dualtalk.char_b == b  # the picker still holds it

    after = labels(scene)
    assert after.count("52/52 ARKit keys, head bone: head") == 1  # A, as before
    assert GONE in after and not any("object rotation" in line for line in after), after
    assert "Alice" in after and "Bob" not in after  # the Layers list skips B
