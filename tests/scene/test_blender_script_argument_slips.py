"""A TD's script slips: object names from a shot list, a slider value read from a text file.

``apply_dialogue("Alice", bob, ...)`` and ``export_fbx(["Alice"], ...)`` escaped as
``AttributeError: 'str' object has no attribute 'type'``, and ``layers.set_influence(..., "0.5")``
as a numpy TypeError; ``set_influence(["Alice"], ...)`` said ``no DualTalk take on 'str'``. Each is now
one line that says what to pass instead, and the scene is left as it was.
"""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import export_fbx
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

NAME_HINT = "got the name 'Alice', not an object: bpy.data.objects['Alice']"


def talking(role: str) -> Motion:
    v = np.zeros((20, 55), np.float32)
    v[:, 24] = np.linspace(0, 1, 20)
    return Motion("arkit55", v, role=role)


def pair():
    return br.make_character("Alice", location=(-0.5, 0, 0)), br.make_character("Bob", location=(0.5, 0, 0))


def one_line(call) -> str:
    actions = sorted(a.name for a in bpy.data.actions)
    with pytest.raises(DualTalkError) as info:
        call()
    assert "\n" not in str(info.value)
    assert sorted(a.name for a in bpy.data.actions) == actions  # nothing keyed
    return str(info.value)


def test_names_from_a_shot_list_instead_of_objects_are_one_line_saying_how_to_get_the_object(tmp_path):
    _alice, bob = pair()
    opts = ApplyOptions(undo_push=False)
    assert one_line(lambda: apply_dialogue("Alice", bob, talking("A"), talking("B"), opts)) == NAME_HINT
    assert one_line(lambda: apply_dialogue(bob, "Alice", talking("A"), talking("B"), opts)) == NAME_HINT
    assert one_line(lambda: apply_motion("Alice", talking("A"), opts)) == NAME_HINT
    assert one_line(lambda: export_fbx(["Alice"], tmp_path / "y.fbx")) == NAME_HINT
    assert one_line(lambda: export_fbx("Alice", tmp_path / "y.fbx")) == NAME_HINT
    assert not (tmp_path / "y.fbx").exists()
    assert one_line(lambda: apply_motion(42, talking("A"), opts)) == (
        "expected a character object (its mesh or armature), got int"
    )


def test_a_layer_influence_read_as_text_is_one_line_and_the_take_keeps_its_value():
    alice, bob = pair()
    apply_dialogue(alice, bob, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    before = [(i.layer, i.influence) for i in layers.character_layers(layers.character_idblocks(alice))]

    assert one_line(lambda: layers.set_influence([alice, bob], "head", "0.5")) == (
        "layer influence must be a number, got '0.5'"
    )
    assert one_line(lambda: layers.set_influence([alice, bob], "head", None)) == (
        "layer influence must be a number, got None"
    )
    assert (
        one_line(lambda: layers.set_influence(["Alice"], "head", 0.5)) == NAME_HINT
    )  # was "no take on 'str'"
    assert [
        (i.layer, i.influence) for i in layers.character_layers(layers.character_idblocks(alice))
    ] == before
    assert layers.set_influence(alice, "head", 0.5) >= 1  # one character, not in a list: works
