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


def test_a_name_as_long_as_blender_allows_is_shortened_on_a_character_boundary():
    """Blender takes a 255-byte object name; ``OUT_<name>.fbx`` then passed a file system's 255 bytes
    and the shot was refused as "name too long" (review rv43c F5)."""
    from dualtalk.inference.core.outputs import too_long

    long_b, accented = "C" * 254, "Ré" * 100  # 'é' is two bytes: a cut may not split it
    a, b = per_character(Path("/shots/s01/o.fbx"), "Ava", long_b)
    assert (a.name, b.name) == ("o_Ava.fbx", f"o_{'C' * 249}.fbx")
    assert len(b.name.encode()) == 255 and too_long(b) is None
    _, c = per_character(Path("o.fbx"), "Ava", accented)
    assert len(c.name.encode()) <= 255 and c.name.startswith("o_Ré") and "\ufffd" not in c.name
    assert c.name == f"o_{accented.encode()[:249].decode(errors='ignore')}.fbx"

    # two names that differ only past the cut still get two files, each carrying its role
    x, y = per_character(Path("o.fbx"), long_b + "x", long_b + "y")
    assert x != y and (x.name[-6:], y.name[-6:]) == ("_A.fbx", "_B.fbx")
    assert max(len(x.name.encode()), len(y.name.encode())) == 255

    # an OUT whose own name leaves no room is left whole for the length check to name
    over = Path("p" * 260 + ".fbx")
    assert per_character(over, "Ava", long_b)[1].name == f"{over.stem}_{long_b}.fbx"
