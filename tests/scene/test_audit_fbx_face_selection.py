"""Export FBX leaves the animator's selection and active object as they were, with either scope.

A face-only export swaps stand-ins in for the characters and hides the originals meanwhile; the
selection was read while they were hidden (a hidden object reads as unselected), so after a
Scope: Face export nothing was selected any more.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def still(role: str) -> Motion:
    v = np.zeros((20, 55), np.float32)
    v[:, 24] = np.linspace(0, 1, 20)  # jawOpen
    return Motion("arkit55", v, role=role)


@pytest.mark.parametrize("scope", ["full", "face"])
def test_export_keeps_the_selection_and_the_active_object(tmp_path, scope):
    a, b = br.make_character("Alice", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))
    apply_dialogue(a, b, still("A"), still("B"), ApplyOptions(undo_push=False))
    view_layer = bpy.context.view_layer
    for o in view_layer.objects:
        o.select_set(o in (a.parent, b))
    view_layer.objects.active = b

    export_fbx([a, b], tmp_path / "shot.fbx", scope=scope)

    assert sorted(o.name for o in view_layer.objects if o.select_get()) == ["Alice_rig", "Bob"]
    assert view_layer.objects.active == b
