"""The two files of an FBX export with one file per character are named after the characters, as
a file name can hold them, and never name one file (review 32g F4)."""

from __future__ import annotations

from pathlib import Path

from dualtalk.dualtalk_blender.rig.fbx_files import per_character


def test_each_file_is_named_after_its_character_beside_the_chosen_path():
    assert per_character(Path("/out/cafe.fbx"), "Ava", "José") == (
        Path("/out/cafe_Ava.fbx"),
        Path("/out/cafe_José.fbx"),
    )


def test_characters_whose_names_a_file_cannot_hold_get_safe_names():
    a, b = per_character(Path("o.fbx"), "Ann/Head", 'Bob: "B"\t')
    assert (a.name, b.name) == ("o_Ann_Head.fbx", "o_Bob___B__.fbx")
    assert a.parent == b.parent == Path(".")


def test_names_that_would_be_one_file_carry_their_role():
    assert per_character(Path("o.fbx"), "Ann:L", "Ann/L") == (Path("o_Ann_L_A.fbx"), Path("o_Ann_L_B.fbx"))
    assert per_character(Path("o.fbx"), "Ann", "ann") == (Path("o_Ann_A.fbx"), Path("o_ann_B.fbx"))
