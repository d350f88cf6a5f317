"""The scene's history of played takes (``scene/take_history.py``) says which take Remove Take plays
again. Its entries now name each face by its shape keys' id as well as its name: after two characters
swap names, each face finds its own entries; an entry from a file made before (names only) is still
found by name, and removing one face's take leaves its partner's entry of that take."""

from __future__ import annotations

import json

import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers, take_history
from level_takes import rename

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def keyed_faces():
    """Alice and Bob, each face's shape keys given the id a first take gives them."""
    a, b = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    for face in (a, b):
        layers.datablock_id(face.data.shape_keys)
    return a, b


def test_after_a_swap_each_face_finds_the_take_it_played_not_the_one_its_old_name_played():
    scene = bpy.context.scene
    a, b = keyed_faces()
    take_history.note_played(scene, ["Alice", "Bob"], "v1")
    take_history.note_played(scene, ["Alice"], "v2")  # face a alone
    rename((a, "Bob"), (b, "Alice"))
    both = {"Alice", "Bob"}  # the names a swap leaves each face known by

    assert take_history.latest(scene, both, ["v1", "v2"], [take_history.face_id(a)]) == "v2"
    assert take_history.latest(scene, both, ["v1", "v2"], [take_history.face_id(b)]) == "v1"


def test_forgetting_one_face_s_take_keeps_its_partner_s_entry_of_it():
    scene = bpy.context.scene
    a, b = keyed_faces()
    take_history.note_played(scene, ["Alice", "Bob"], "v1")
    take_history.note_played(scene, ["Alice", "Bob"], "v2")

    take_history.forget(scene, {"Alice", "Bob"}, "v1", [take_history.face_id(a)])

    assert take_history.latest(scene, {"Bob"}, ["v1"], [take_history.face_id(b)]) == "v1"
    assert take_history.latest(scene, {"Alice"}, ["v1"], [take_history.face_id(a)]) is None


def test_a_history_from_before_ids_is_still_read_by_name():
    scene = bpy.context.scene
    a, _b = keyed_faces()
    scene[take_history.HISTORY_PROP] = json.dumps(
        [{"take": "v2", "pair": ["Alice", "Bob"]}, {"take": "v1", "pair": ["Bob"]}]
    )

    assert take_history.latest(scene, {"Alice"}, ["v1", "v2"], [take_history.face_id(a)]) == "v2"
    take_history.note_played(scene, ["Alice"], "v2")  # Play v2 for Alice alone: Bob's part stays
    assert [(e["take"], e["pair"]) for e in take_history.played(scene)] == [
        ("v2", ["Bob"]),
        ("v1", ["Bob"]),
        ("v2", ["Alice"]),
    ]


def test_an_entry_made_before_the_face_s_shape_keys_had_an_id_stays_that_face_s():
    scene = bpy.context.scene
    a, b = br.make_character("Alice"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    for face in (a, b):  # a first take that keyed the mesh objects only
        layers.datablock_id(face)
    take_history.note_played(scene, ["Alice", "Bob"], "v1")
    for face in (a, b):  # a later one keyed the shape keys too
        layers.datablock_id(face.data.shape_keys)
    rename((a, "Bob"), (b, "Alice"))
    take_history.note_played(scene, ["Alice"], "v2")  # face b alone

    assert take_history.latest(scene, {"Alice", "Bob"}, ["v1", "v2"], take_history.face_ids(a)) == "v1"
