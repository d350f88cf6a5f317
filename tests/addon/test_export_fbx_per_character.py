"""An animator exports the pair for Unreal, whose skeletal-mesh import wants one root per skeleton:
the panel's Export FBX wrote both characters into one file, each rig its own root (review 32g F4).
With "One File per Character" it writes ``NAME_Alice.fbx`` and ``NAME_Bob.fbx`` beside the chosen
path, each holding one character, one rig and the take's clip, and the status line names both.
An export that fails on the second character leaves the pair as it was. Read back with ufbx."""

from __future__ import annotations

import addon_helpers as ah
import bpy
import pytest
from fbx_nodes import read_fbx_nodes


def test_one_file_per_character_writes_each_character_alone_and_names_both(scene, assets, tmp_path):
    scene.render.fps = 25
    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.apply_take(directory=str(ah.write_two_second_take(tmp_path / "cafe"))) == {
            "FINISHED"
        }
    scene.frame_end = 50
    scene.dualtalk.fbx_per_character = True
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx")) == {"FINISHED"}
    alice, bob = tmp_path / "pair_Alice.fbx", tmp_path / "pair_Bob.fbx"
    assert not (tmp_path / "pair.fbx").exists()
    assert bpy.context.window_manager.dualtalk_status.last == f"DualTalk: exported {alice} and {bob}"
    assert sorted(p.name for p in tmp_path.glob("*.fbx")) == ["pair_Alice.fbx", "pair_Bob.fbx"]  # no parts
    clips = []
    for path, own, other in ((alice, "Alice", "Bob"), (bob, "Bob", "Alice")):
        got = read_fbx_nodes(path)
        names = [n for top in got["tops"].values() for n in top["names"]]
        rigs = [name for name, top in got["tops"].items() if top["bones"]]
        assert own in names and not [n for n in names if other in n], names
        assert len(rigs) == 1, rigs  # one skeleton root per file
        clips += got["clips"]
    assert len(clips) == 2 and clips[0] == clips[1] and clips[0] != "Scene"  # the take's clip in each


def test_an_export_that_fails_on_the_second_character_leaves_the_earlier_pair_as_it_was(
    scene, assets, tmp_path, monkeypatch
):
    from dualtalk.dualtalk_blender.scene import fbx_export
    from dualtalk.inference.core.errors import DualTalkError

    a, b = ah.two_characters()
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.fbx_per_character = True
    earlier = tmp_path / "pair_Alice.fbx"
    earlier.write_bytes(b"the pair exported yesterday")
    real, calls = fbx_export.export_fbx, []

    def disk_full_on_b(objects, path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise DualTalkError(f"could not write {path}: No space left on device")
        return real(objects, path, **kwargs)

    monkeypatch.setattr(fbx_export, "export_fbx", disk_full_on_b)
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.export_fbx(filepath=str(tmp_path / "pair.fbx"))
    assert "No space left on device" in str(err.value) and len(calls) == 2
    assert earlier.read_bytes() == b"the pair exported yesterday"  # A's new file never replaced it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pair_Alice.fbx"]  # no B, no staged parts


def test_a_file_name_left_no_room_for_a_character_name_is_refused_by_name(scene, assets, tmp_path):
    # a character's name is shortened to fit beside a long FBX name (rig/test_fbx_files.py); a chosen
    # name that leaves no room at all is refused, naming the file it would have written
    a, b = ah.two_characters()
    b.name = "B" * 63  # Blender's longest object name
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    scene.dualtalk.fbx_per_character = True
    chosen = tmp_path / ("x" * 250 + ".fbx")  # a name the system takes, with no byte left for "_<name>"
    with pytest.raises(RuntimeError) as err:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.dualtalk.export_fbx(filepath=str(chosen))
    said = str(err.value).strip()
    assert said.startswith("Error: DualTalk: FBX file xxx"), said  # the report cuts a long word's middle
    assert "x_Alice.fbx: name too long (260 bytes" in said, said  # the first file it would write
    assert "choose a shorter FBX path" in said and "internal error" not in said
    assert not list(tmp_path.iterdir())
