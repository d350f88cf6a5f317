"""A pipeline script compares two takes of Alice and Bob and removes the one it does not want with
``remove_take`` (the Python API). The scene keeps which takes played, latest last (the take the
panel's Remove Take plays again, scene/take_history.py); the script's removal left the removed take
in that history (only the panel's Remove Take forgot it), and a scene with every take removed kept a
history naming takes nobody plays. Now the scene-level removal forgets it, and the panel's own
forgetting after it changes nothing further."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene import take_history
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.remove_take import remove_take
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.0, 0.6, (40, 55)).astype(np.float32)
    v[:, 52:] = 0.0
    first = np.arange(40) < 20
    return Motion("arkit55", v, role=role, speaking=first if role == "A" else ~first)


def generate(a, b, name: str, seed: int = 0) -> None:
    apply_dialogue(a, b, talking(seed, "A"), talking(seed + 1, "B"), ApplyOptions(take=name, undo_push=False))


def takes_played(scene) -> list[str]:
    return [e["take"] for e in take_history.played(scene)]


def test_removing_the_second_take_from_python_leaves_only_the_first_in_the_history():
    scene = bpy.context.scene
    alice, bob = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    generate(alice, bob, "v1")
    generate(alice, bob, "v2", seed=2)
    assert takes_played(scene) == ["v1", "v2"]
    remove_take([alice, bob], scene, undo_push=False)
    assert takes_played(scene) == ["v1"]  # before: ["v1", "v2"], v2's actions already deleted


def test_removing_the_only_take_leaves_the_scene_without_a_history():
    scene = bpy.context.scene
    alice, bob = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    generate(alice, bob, "take")
    assert take_history.HISTORY_PROP in scene
    remove_take(iter([alice, bob]), scene, undo_push=False)  # any iterable, as the API takes
    assert take_history.HISTORY_PROP not in scene  # the scene as before any take


def test_another_pairs_take_of_the_same_name_stays_in_the_history():
    scene = bpy.context.scene
    alice, bob = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    carol, dan = (
        br.make_character("Carol", location=(3.0, 0.0, 0.0)),
        br.make_character("Dan", location=(4.0, 0.0, 0.0)),
    )
    generate(alice, bob, "take")
    generate(carol, dan, "take", seed=4)
    remove_take([alice, bob], scene, undo_push=False)
    assert [(e["take"], sorted(e["pair"])) for e in take_history.played(scene)] == [
        ("take", ["Carol", "Dan"])
    ]
    before = scene[take_history.HISTORY_PROP]
    take_history.forget(scene, {"Alice", "Bob"}, "take")  # the panel's Remove Take forgets it again after
    assert scene[take_history.HISTORY_PROP] == before
