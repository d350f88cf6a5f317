"""An animator copies characters: Shift+D of a face and its rig, Scene > New > Full Copy for a second
shot, the same asset appended twice for two conversations. Blender copies the id each datablock got
when a take first keyed it, so each copy held its original's id, and a take the copy keyed counted
as the original's wherever the two were not asked about together: Remove Take in shot 1 played shot
2's take, Play Take on Alice played her copy's, and Remove Take deleted the copy's kept take (review
rv40b F1). Now a copy is told apart from its original wherever it is (the datablock its id was given
to keeps its name; a copy gets its own id when it is first keyed), and each keeps its own takes,
through saving and reopening and in a file keyed before copies got ids of their own."""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.scene import layers
from dualtalk.dualtalk_blender.scene.characters import find_mesh_and_armature
from test_takes_stay_with_characters_that_swap_names import generate, listed, play, status


@pytest.fixture
def scene(tmp_path):
    sc, _ = ah.fresh_scene_with_addon(tmp_path / "models")
    yield sc
    ah.disable_addon()


def jaws(scene, *objs, frame: int = 10) -> tuple[float, ...]:
    scene.frame_set(frame)
    return tuple(round(o.data.shape_keys.key_blocks["jawOpen"].value, 3) for o in objs)


def shift_d(obj):
    """Shift+D of the face and its rig: Blender's own operator on its own selection (no context
    override: with one, bpy 5.0.1 gives the original the new mesh), as the animator presses it."""
    rig = find_mesh_and_armature(obj)[1]
    for o in bpy.context.view_layer.objects:
        o.select_set(False)
    obj.select_set(True)
    rig.select_set(True)
    bpy.context.view_layer.objects.active = obj
    mesh, before = obj.data, set(bpy.data.objects)
    assert bpy.ops.object.duplicate(linked=False) == {"FINISHED"}
    assert obj.data == mesh  # the original keeps its own mesh and shape keys
    return next(o for o in bpy.data.objects if o not in before and o.type == "MESH")


def remove_take(scene) -> None:
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.dualtalk.remove_take() == {"FINISHED"}


def full_copy(scene):
    """Scene > New > Full Copy; the copy's panel picks the copied characters, as the animator would."""
    with bpy.context.temp_override(scene=scene):
        assert bpy.ops.scene.new(type="FULL_COPY") == {"FINISHED"}
    copy = next(s for s in bpy.data.scenes if s != scene)
    a, b = (
        next(o for o in copy.objects if o.type == "MESH" and o.name.startswith(n)) for n in ("Alice", "Bob")
    )
    copy.dualtalk.char_a, copy.dualtalk.char_b = a, b
    return copy, a, b


def test_remove_take_in_shot_one_never_plays_the_take_of_its_full_copy(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    shot2, a2, b2 = full_copy(scene)
    with bpy.context.temp_override(scene=shot2):
        generate(a2, b2, "shot2", 0.9, 0.1)
    assert listed(a, b) == [("v1", True)]  # was shot2 (not playing), v1

    remove_take(scene)

    assert "removed take 'v1' from Alice and Bob" in status() and "plays again" not in status()
    assert jaws(scene, a, b) == (0.0, 0.0)  # was (0.9, 0.1): shot 2's take
    assert jaws(shot2, a2, b2) == (0.9, 0.1)
    remove_take(shot2)  # shot 2's own take is still there to remove
    assert "removed take 'shot2' from Alice.001 and Bob.001: 12 tracks, 10 actions" in status()


def test_a_shift_d_copy_paired_with_someone_else_keeps_its_takes_from_the_original(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    twin = shift_d(a)
    carl = br.make_character("Carl", location=(2.0, 0.0, 0.0))
    scene.dualtalk.char_a, scene.dualtalk.char_b = twin, carl
    generate(twin, carl, "c1", 0.9, 0.1)
    generate(twin, carl, "c2", 0.8, 0.15)

    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    assert listed(a, b) == [("v1", True)]  # was c1 (Alice only), c2 (Alice only), v1
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, None
    with pytest.raises(RuntimeError, match="the file holds no take 'c1' of Alice"):
        play(scene, "c1")  # was played: Alice's jaw 0.9, the copy's
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    remove_take(scene)
    assert "removed take 'v1' from Alice and Bob: 12 tracks, 10 actions" in status()

    scene.dualtalk.char_a, scene.dualtalk.char_b = twin, carl
    play(scene, "c1")  # was refused: the copy's c1 had been deleted with Alice's
    assert jaws(scene, twin, carl) == (0.9, 0.1)


def test_a_face_and_its_copy_keyed_together_each_plays_its_own_take_alone(scene):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    twin = shift_d(a)
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, twin
    generate(a, twin, "w1", 0.3, 0.6)
    generate(a, twin, "w2", 0.4, 0.5)

    assert [t for t, _p in listed(twin)] == ["w1", "w2"]  # was v1, w1, w2
    scene.dualtalk.char_a, scene.dualtalk.char_b = twin, None
    play(scene, "w1")
    assert jaws(scene, a, twin) == (0.4, 0.6)  # was (0.4, 0.3): Alice's w1 on the copy
    scene.dualtalk.char_a = a
    play(scene, "w1")
    assert jaws(scene, a, twin) == (0.3, 0.6)


def test_one_asset_appended_twice_keeps_each_conversation_s_takes(scene, tmp_path):
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    scene.dualtalk.char_a, scene.dualtalk.char_b = ann, ben
    generate(ann, ben, "test", 0.5, 0.5)
    assets = tmp_path / "assets.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(assets), copy=True)
    ah.disable_addon()
    scene, _ = ah.fresh_scene_with_addon(tmp_path / "models")

    def append_pair():
        before = set(bpy.data.objects)
        with bpy.data.libraries.load(str(assets), link=False) as (src, dst):
            dst.objects = list(src.objects)
        for o in dst.objects:
            scene.collection.objects.link(o)
        new = [o for o in bpy.data.objects if o not in before and o.type == "MESH"]
        return tuple(next(o for o in new if o.name.startswith(n)) for n in ("Ann", "Ben"))

    a1, b1 = append_pair()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a1, b1
    generate(a1, b1, "shot1", 0.2, 0.7)
    a2, b2 = append_pair()
    generate(a2, b2, "shot2", 0.9, 0.1)

    assert listed(a1, b1) == [("shot1", True), ("test", False)]  # was shot1, shot2, test
    remove_take(scene)
    assert "take 'test' plays again" in status()  # was 'shot2'
    assert jaws(scene, a1, b1) == (0.5, 0.5) and jaws(scene, a2, b2) == (0.9, 0.1)


def test_copies_stay_apart_after_saving_and_reopening_and_leave_no_id_behind(scene, tmp_path):
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    shot2, a2, b2 = full_copy(scene)
    with bpy.context.temp_override(scene=shot2):
        generate(a2, b2, "shot2", 0.9, 0.1)
    path = tmp_path / "two_shots.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    bpy.ops.wm.open_mainfile(filepath=str(path))
    scene, shot2 = bpy.data.scenes["Scene"], bpy.data.scenes["Scene.001"]
    a, b, a2, b2 = (bpy.data.objects[n] for n in ("Alice", "Bob", "Alice.001", "Bob.001"))

    assert listed(a, b) == [("v1", True)] and listed(a2, b2) == [("shot2", True)]
    remove_take(scene)
    remove_take(shot2)
    assert jaws(scene, a, b) == (0.0, 0.0) and jaws(shot2, a2, b2) == (0.0, 0.0)
    for obj in (a, b, a2, b2):  # back to before DualTalk: no id of ours on anything
        for idblock in (*layers.character_idblocks(obj), obj.data):
            assert not [k for k in idblock.keys() if k.startswith("dualtalk_id")], idblock.name


def test_a_copy_keyed_before_copies_got_their_own_ids_still_plays_its_own_take(scene, monkeypatch, tmp_path):
    """A file keyed by session 39's build, saved and reopened: the copy keyed with its original's id
    (and no datablock noted its name), its take telling them apart only by its shape keys' name."""
    a, b = ah.two_characters()
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, b
    generate(a, b, "v1", 0.2, 0.7)
    twin = shift_d(a)
    with monkeypatch.context() as before:
        before.setattr(layers, "is_copy", lambda _idblock, _held: False, raising=False)
        generate(a, twin, "w1", 0.3, 0.6)
    for idblock in (*bpy.data.objects, *bpy.data.shape_keys):
        idblock.pop("dualtalk_id_of", None)
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "copies.blend"))
    bpy.ops.wm.open_mainfile(filepath=str(tmp_path / "copies.blend"))
    scene = bpy.context.scene
    a, twin = bpy.data.objects["Alice"], bpy.data.objects["Alice.001"]
    assert twin.data.shape_keys["dualtalk_id"] == a.data.shape_keys["dualtalk_id"]

    assert [t for t, _p in listed(twin)] == ["w1"]  # was v1, w1
    scene.dualtalk.char_a, scene.dualtalk.char_b = twin, None
    play(scene, "w1")
    assert jaws(scene, a, twin) == (0.3, 0.6)  # its own, not Alice's 0.3
    scene.dualtalk.char_a, scene.dualtalk.char_b = a, twin
    generate(a, twin, "w2", 0.4, 0.5)  # today's keying: the copy gets an id of its own
    assert twin.data.shape_keys["dualtalk_id"] != a.data.shape_keys["dualtalk_id"]
    assert [t for t, _p in listed(twin)] == ["w1", "w2"] and [t for t, _p in listed(a)] == ["v1", "w1", "w2"]
    scene.dualtalk.char_a, scene.dualtalk.char_b = twin, None
    play(scene, "w1")
    assert jaws(scene, a, twin) == (0.4, 0.6)
    scene.dualtalk.char_a = a
    play(scene, "w1")
    assert jaws(scene, a, twin) == (0.3, 0.6)
