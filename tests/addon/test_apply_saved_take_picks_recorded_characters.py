"""The animator kept a take of Alice and Bob (Bob was deleted while Generate ran, or another shot was
opened) and set the panel up for the next shot with Carol, or A and B the other way round. Pressing
Apply Saved Take puts the take back where it belongs: on Alice and Bob, A and B as the take records
them, and the panel now picks them, in the same one undo step as the keys. Only when they are no
longer in the scene (deleted, renamed) or cannot be keyed (linked from a library) does the take go
onto the panel's picks, and the line says whom it was made for and why they were not picked. A take
that records no characters (an older version's, ``infer --out``) keys the panel's picks, as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene.layers import take_actions
from test_linked_characters_up_front import link_objects, write_library

MADE_FOR = "the characters the take was made for"


def _kept_take(folder: Path, wav: Path, characters=("Alice", "Bob")) -> Path:
    """A take kept for ``characters``: A speaks the first second, B the second one."""
    ah.write_two_second_take(folder)
    kept: dict = {"engine": "lite", "start_time": 0.0, "audio_files": [str(wav)]}
    if characters is not None:
        kept["characters"] = characters if isinstance(characters, str) else list(characters)
    (folder / "result.json").write_text(json.dumps(kept), encoding="utf-8")
    return folder


def _apply(folder: Path) -> str:
    """Apply Saved Take, as the button runs it; the status line."""
    assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
    return bpy.context.window_manager.dualtalk_status.last


def _keyed(obj) -> bool:
    return bool(take_actions(obj.data.shape_keys))


def _speakers(scene) -> list[str]:
    """Who the turn markers say speaks, in timeline order ("DT Alice speaks" -> "Alice")."""
    marks = sorted((m.frame, m.name) for m in scene.timeline_markers if m.name.startswith("DT "))
    return [name.removeprefix("DT ").removesuffix(" speaks") for _frame, name in marks]


def test_a_take_of_alice_and_bob_applied_while_the_panel_picks_carol_goes_to_alice_and_bob(
    scene, assets, tmp_path
):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])  # the next shot, set up since
    take = _kept_take(tmp_path / "take", assets["wav"])

    line = _apply(take)

    assert f"keyed Alice and Bob, {MADE_FOR} (the panel now picks Alice for A)" in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)
    assert _keyed(alice) and _keyed(bob) and not _keyed(carol)
    # applied again, the panel already picks them: nothing more to say or change
    line = _apply(take)
    assert "made for" not in line and "the panel now picks" not in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)


def test_a_and_b_exchanged_in_the_panel_still_give_alice_the_first_voice(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, bob, alice, assets["wav"], assets["ckpt"])

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    assert f"keyed Alice and Bob, {MADE_FOR} (the panel now picks Alice for A and Bob for B)" in line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)
    assert _speakers(scene)[:2] == ["Alice", "Bob"], _speakers(scene)  # A's voice is Alice's


def test_one_undo_puts_back_both_the_picks_and_the_keys(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, alice, carol, assets["wav"], assets["ckpt"])
    take = _kept_take(tmp_path / "take", assets["wav"])
    bpy.ops.ed.undo_push(message="set up the next shot")

    assert f"{MADE_FOR} (the panel now picks Bob for B)" in _apply(take)
    # the step Blender's window manager records after an operator with UNDO (headless bpy records none)
    bpy.ops.ed.undo_push(message="Apply Take")
    bpy.ops.ed.undo()  # Ctrl+Z, once

    s = bpy.context.scene.dualtalk  # an undo reloads the data: the objects afresh
    assert (s.char_a.name, s.char_b.name) == ("Alice", "Carol")
    assert not any(_keyed(bpy.data.objects[n]) for n in ("Alice", "Bob", "Carol"))


def test_in_a_new_file_with_no_one_picked_the_take_finds_its_characters_once_it_can_be_keyed(
    scene, assets, tmp_path
):
    alice, bob = ah.two_characters()
    take = _kept_take(tmp_path / "take", assets["wav"])
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    scene.dualtalk.char_a = scene.dualtalk.char_b = None
    scene.dualtalk.map = str(tmp_path / "moved_map.json")  # a custom map file not found here

    with pytest.raises(RuntimeError, match="custom map not found"):  # the operator's error report
        bpy.ops.dualtalk.apply_take(directory=str(take))
    said = bpy.context.window_manager.dualtalk_status.last
    assert "custom map" in said and said.count("custom map") == 1, said  # refused once, in one line
    assert scene.dualtalk.char_a is None and scene.dualtalk.char_b is None  # the picks as they were
    assert not _keyed(alice) and not _keyed(bob)

    scene.dualtalk.map = ""  # the animator clears it
    line = _apply(take)

    assert f"keyed Alice and Bob, {MADE_FOR} (the panel now picks Alice for A and Bob for B)" in line
    assert _keyed(alice) and _keyed(bob)


def test_bob_deleted_since_keys_the_panels_picks_and_says_whom_it_was_made_for(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, alice, carol, assets["wav"], assets["ckpt"])  # Carol stands in for Bob
    bpy.data.objects.remove(bob)

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    said = f"keyed Alice and Carol, the panel's picks (the take was made for Alice and Bob: Bob is not in scene {scene.name!r})"
    assert said in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, carol)
    assert _keyed(alice) and _keyed(carol)


def test_both_renamed_since_are_not_looked_for_under_their_new_names(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    alice.name, bob.name = "Alice v2", "Bob v2"
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    said = f"the panel's picks (the take was made for Alice and Bob: Alice and Bob are not in scene {scene.name!r})"
    assert f"keyed Carol and Bob v2, {said}" in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)
    assert _keyed(carol) and _keyed(bob) and not _keyed(alice)


def test_alice_linked_from_a_library_read_only_is_not_picked_and_the_line_says_why(scene, assets, tmp_path):
    linked = link_objects(write_library(tmp_path / "library.blend", "Alice"), "Alice")
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    assert "keyed Carol and Bob, the panel's picks (the take was made for Alice and Bob: " in line, line
    assert "'Alice' is linked from" in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)
    assert _keyed(carol) and _keyed(bob) and linked.library is not None


def test_a_local_alice_beside_a_linked_one_of_the_same_name_is_the_one_picked(scene, assets, tmp_path):
    linked = link_objects(write_library(tmp_path / "library.blend", "Alice"), "Alice")
    alice, bob = ah.two_characters()  # local, named "Alice" too: a linked name is the library's own
    assert alice.name == linked.name == "Alice" and alice != linked
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    assert f"keyed Alice and Bob, {MADE_FOR} (the panel now picks Alice for A)" in line, line
    assert scene.dualtalk.char_a == alice and _keyed(alice)


def test_a_take_whose_record_of_its_characters_is_bad_keys_the_panels_picks_without_a_word(
    scene, assets, tmp_path
):
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])
    for i, bad in enumerate((None, ["Alice"], "Alice & Bob", ["Alice", 5], ["Alice", "Alice"], [])):
        line = _apply(_kept_take(tmp_path / f"take{i}", assets["wav"], characters=bad))

        assert line.startswith("DualTalk: animated lite engine, "), (bad, line)
        assert "made for" not in line and "the panel now picks" not in line, (bad, line)
        assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)
    assert not _keyed(alice)


def _made_in(take: Path, blend_file: str) -> Path:
    """The kept take's record of the file it was made in (Generate writes it)."""
    kept = json.loads((take / "result.json").read_text(encoding="utf-8"))
    (take / "result.json").write_text(json.dumps({**kept, "blend_file": blend_file}), encoding="utf-8")
    return take


def test_a_take_made_in_another_file_keys_the_stand_ins_the_panel_picks(scene, assets, tmp_path):
    """shot_v001.blend kept a take of Alice and Bob; in shot_v002 the animator picked stand-ins (Carol
    for A) on purpose. The take goes onto the panel's picks and the line says where it was made."""
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])
    take = _made_in(_kept_take(tmp_path / "take", assets["wav"]), str(tmp_path / "shot_v001.blend"))

    line = _apply(take)

    said = "keyed Carol and Bob, the panel's picks (the take was made for Alice and Bob in shot_v001.blend)"
    assert said in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)
    assert _keyed(carol) and not _keyed(alice)


def test_a_take_made_in_another_file_with_no_one_picked_finds_its_characters(scene, assets, tmp_path):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, None, None, assets["wav"], assets["ckpt"])
    take = _made_in(_kept_take(tmp_path / "take", assets["wav"]), str(tmp_path / "shot_v001.blend"))

    assert f"keyed Alice and Bob, {MADE_FOR}" in _apply(take)
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)


def test_alice_in_an_excluded_collection_is_not_picked_and_the_line_says_why(scene, assets, tmp_path):
    """Alice was put away in a collection excluded from the view layer: she does not get the keys."""
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    stored = bpy.data.collections.new("Stored")
    scene.collection.children.link(stored)
    for obj in (alice, *alice.children_recursive):
        for coll in list(obj.users_collection):
            coll.objects.unlink(obj)
        stored.objects.link(obj)
    bpy.context.view_layer.layer_collection.children["Stored"].exclude = True
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])

    line = _apply(_kept_take(tmp_path / "take", assets["wav"]))

    assert "the panel's picks (the take was made for Alice and Bob: 'Alice' is in no view layer" in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (carol, bob)
    assert not _keyed(alice)


@pytest.mark.parametrize("failure", [RuntimeError("disk gone"), None])
def test_picks_go_back_only_when_nothing_was_keyed(scene, assets, tmp_path, monkeypatch, failure):
    """A refusal while keying (nothing keyed: the checks come first) puts the panel's picks back; an
    unexpected failure in the middle of keying leaves them on the take's characters, which may hold
    some of its keys, so the panel shows whom it touched."""
    from dualtalk.dualtalk_blender.addon import saved_takes
    from dualtalk.inference.core.errors import DualTalkError

    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])

    def fails(*_args, **_kwargs):
        raise failure if failure is not None else DualTalkError("refused by a check")

    monkeypatch.setattr(saved_takes, "key_take", fails)
    with pytest.raises(type(failure) if failure is not None else DualTalkError):
        saved_takes.apply_take(scene, scene.dualtalk, str(_kept_take(tmp_path / "take", assets["wav"])))

    expected = (alice, bob) if failure is not None else (carol, bob)
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == expected


@pytest.mark.parametrize("blend_file", [42, None, ["shot.blend"], {"path": "shot.blend"}])
def test_a_damaged_record_of_the_file_is_read_as_made_here(scene, assets, tmp_path, blend_file):
    """A result.json whose blend_file is not a path (edited by hand, another tool's) neither stops
    the take nor counts as another file: the take goes back to its characters, in one line."""
    alice, bob = ah.two_characters()
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    ah.setup_panel(scene, carol, bob, assets["wav"], assets["ckpt"])
    take = _kept_take(tmp_path / "take", assets["wav"])
    kept = json.loads((take / "result.json").read_text(encoding="utf-8"))
    (take / "result.json").write_text(json.dumps({**kept, "blend_file": blend_file}), encoding="utf-8")

    line = _apply(take)

    assert f"keyed Alice and Bob, {MADE_FOR} (the panel now picks Alice for A)" in line, line
    assert (scene.dualtalk.char_a, scene.dualtalk.char_b) == (alice, bob)
