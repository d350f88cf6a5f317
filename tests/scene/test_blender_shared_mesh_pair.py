"""Two characters on one mesh (Bob made with Alt+D from Alice): both get their own face, and the
file keeps the mesh the animator made.

Both characters were given renamed copies (``Alice.001``, ``Alice.002``): the ``Alice`` mesh was
orphaned and gone on save, and Bob's face was called ``Alice.002``. Now the first character keyed
gets the copy and the other keeps the original mesh, name and all; Remove Take leaves them split.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(role: str) -> Motion:
    v = np.zeros((20, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = np.linspace(0, 1, 20) if role == "A" else 0.0
    return Motion("arkit55", v, role=role)


def test_two_characters_on_one_mesh_keep_the_original_mesh_on_one_of_them():
    alice = br.make_character("Alice", location=(-0.5, 0, 0))
    bob = br.make_character("Bob", location=(0.5, 0, 0))
    spare = bob.data
    bob.data = alice.data
    bpy.data.meshes.remove(spare)
    original = alice.data

    rep_a, rep_b, _ = apply_dialogue(alice, bob, talking("A"), talking("B"), ApplyOptions(undo_push=False))

    assert alice.data != bob.data  # each its own face: A's mouth opens, B's stays shut
    assert bob.data == original and bob.data.name == "Alice"  # was "Alice.002", "Alice" orphaned
    assert sorted(m.name for m in bpy.data.meshes) == ["Alice", "Alice.001"]
    assert all(m.users > 0 for m in bpy.data.meshes)
    assert rep_a.warnings.count("Alice: shape keys were shared with Bob; made single-user") == 1
    assert not any("shared" in w for w in rep_b.warnings) and "shares" not in rep_b.mapping
    bpy.context.scene.frame_set(20)
    assert alice.data.shape_keys.key_blocks["jawOpen"].value > 0.9
    assert bob.data.shape_keys.key_blocks["jawOpen"].value < 0.05

    remove_take([alice, bob])
    assert alice.data != bob.data and bob.data == original  # Remove Take leaves them split (docs say so)
