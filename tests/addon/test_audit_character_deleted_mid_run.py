"""The animator presses Generate for Alice and Bob and keeps working while the engine runs in the
background: Bob is deleted (the Delete key, an undo, a script), sometimes a new object of another type
takes his name, or his face mesh goes. When the take comes back the status line says what happened to
which character (not "choose both characters", the line for someone who never chose them), neither
character is keyed (Alice is not left half-animated), the scene is as the animator left it, and the
take is kept in a folder that the line names, with the call that keys it once a character is chosen
again."""

from __future__ import annotations

import ast
import re
import shutil
import time
from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import pytest
from dualtalk.dualtalk_blender.addon import panel_settings, saved_takes, ui_run
from dualtalk.dualtalk_blender.addon.worker_client import RUNNING
from dualtalk.dualtalk_blender.scene.layers import take_actions

# one worker run per job: the stories wait on the same take (addon_helpers.replay_workers)
pytestmark = pytest.mark.usefixtures("replayed_workers")


def _generate(scene, a, b, assets) -> ui_run.GenerationRun:
    """Generate pressed with ``a`` and ``b`` chosen: the worker runs in the background."""
    ah.setup_panel(scene, a, b, assets["wav"], assets["ckpt"])
    prefs = bpy.context.preferences.addons["dualtalk"].preferences
    return ui_run.GenerationRun(scene, scene.dualtalk, prefs).start()


def _take_comes_back(run: ui_run.GenerationRun) -> str:
    deadline = time.monotonic() + 180
    while run.step() == RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.worker is not None and run.worker.state == "done", run.worker and run.worker.error
    outcome = run.finish()
    assert not outcome.ok, outcome.message
    assert "\n" not in outcome.message and "choose both characters" not in outcome.message
    return outcome.message


def _kept_folder(message: str) -> Path:
    """The folder the line names, from the call it gives to key the take."""
    found = re.search(r"bpy\.ops\.dualtalk\.apply_take\(directory=('[^']*')\)", message)
    assert found, message
    folder = Path(ast.literal_eval(found.group(1)))
    assert (folder / "A.npz").is_file() and (folder / "B.npz").is_file(), message
    return folder


def _keyed(obj) -> bool:
    keys = obj.data.shape_keys if obj.type == "MESH" else None
    return bool(obj.animation_data or (keys is not None and (keys.animation_data or take_actions(keys))))


def test_bob_deleted_with_the_delete_key_is_named_and_his_take_is_kept_for_his_stand_in(scene, assets):
    alice, bob = ah.two_characters()
    run = _generate(scene, alice, bob, assets)
    with bpy.context.temp_override(scene=scene):  # select Bob in the viewport and press X
        bpy.ops.object.select_all(action="DESELECT")
        bob.select_set(True)
        assert bpy.ops.object.delete() == {"FINISHED"}
    assert bob.name not in scene.objects  # gone from the scene (the picker alone still holds him)
    before = ah.scene_fingerprint(scene)

    message = _take_comes_back(run)

    assert "character B 'Bob' was deleted while generating" in message, message
    assert "neither character was keyed" in message
    assert ah.scene_fingerprint(scene) == before
    assert not _keyed(alice) and not _keyed(bob)  # nothing keyed on the object the animator deleted
    folder = _kept_folder(message)
    assert not run.work_dir.exists()
    try:
        # The animator brings in a stand-in, chooses it as B and keys the kept take, no second run.
        stand_in = br.make_character("Bobby", location=(0.5, 0.0, 0.0))
        scene.dualtalk.char_b = stand_in
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
        assert "DualTalk: animated" in bpy.context.window_manager.dualtalk_status.last
        assert take_actions(alice.data.shape_keys) and take_actions(stand_in.data.shape_keys)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    ("pick", "newcomer"),
    [("Bob", "EMPTY"), ("Bob_rig", "MESH")],
    ids=["mesh-freed-empty-takes-its-name", "armature-freed-mesh-takes-its-name"],
)
def test_a_character_freed_and_its_name_taken_by_another_kind_of_object_is_named(
    scene, assets, pick, newcomer
):
    alice, _bob = ah.two_characters()
    chosen = bpy.data.objects[pick]  # B is the face mesh, or the armature with the face under it
    run = _generate(scene, alice, chosen, assets)
    bpy.data.objects.remove(chosen)  # an undo (or a script) frees it: the picker is left empty
    data = None if newcomer == "EMPTY" else bpy.data.meshes.new("plain")  # no shape keys, no rig
    other = bpy.data.objects.new(pick, data)
    scene.collection.objects.link(other)
    assert other.name == pick and other.type == newcomer
    before = ah.scene_fingerprint(scene)

    message = _take_comes_back(run)

    assert f"character B {pick!r} was deleted while generating" in message, message
    assert ah.scene_fingerprint(scene) == before
    assert not _keyed(alice) and not _keyed(other)  # the newcomer is not mistaken for the character
    shutil.rmtree(_kept_folder(message))


def test_the_face_mesh_under_a_chosen_armature_deleted_and_its_name_taken_by_an_empty_is_named(scene, assets):
    alice, face = ah.two_characters()
    rig = face.parent
    run = _generate(scene, alice, rig, assets)  # B is Bob's armature, his face the mesh under it
    bpy.data.objects.remove(face)
    empty = bpy.data.objects.new("Bob", None)  # a new object of another type, under the rig, named Bob
    scene.collection.objects.link(empty)
    empty.parent = rig
    before = ah.scene_fingerprint(scene)

    message = _take_comes_back(run)

    assert "character B 'Bob_rig' lost its face mesh or rig while generating" in message, message
    assert ah.scene_fingerprint(scene) == before
    assert not _keyed(alice) and not _keyed(rig) and not _keyed(empty)
    shutil.rmtree(_kept_folder(message))


def test_pressing_generate_again_after_deleting_bob_asks_to_choose_him_again(scene, assets):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    with bpy.context.temp_override(scene=scene):  # X in the viewport: unlinked, still in the picker
        bpy.ops.object.select_all(action="DESELECT")
        bob.select_set(True)
        assert bpy.ops.object.delete() == {"FINISHED"}
    assert scene.dualtalk.char_b == bob
    with pytest.raises(ui_run.DualTalkError) as err:
        panel_settings.check_characters(scene.dualtalk)
    assert str(err.value) == f"character B 'Bob' is not in scene {scene.name!r} (deleted?); choose it again"
    assert not _keyed(alice) and not _keyed(bob)


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({}, "holds no take: A.npz and B.npz not found"),
        ({"A.npz": b"PK\x03\x04 not a motion file"}, "holds no take: B.npz not found"),
        ({"A.npz": b"not a motion file", "B.npz": b"neither"}, "A.npz"),
    ],
    ids=["empty-folder", "half-a-take", "broken-files"],
)
def test_applying_a_folder_that_holds_no_usable_take_is_one_line_and_keys_nothing(
    scene, assets, tmp_path, files, words
):
    alice, bob = ah.two_characters()
    ah.setup_panel(scene, alice, bob, assets["wav"], assets["ckpt"])
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    before = ah.scene_fingerprint(scene)
    with pytest.raises(ui_run.DualTalkError) as err:
        saved_takes.apply_take(scene, scene.dualtalk, str(tmp_path))
    assert "\n" not in str(err.value) and words in str(err.value), err.value
    assert ah.scene_fingerprint(scene) == before and not _keyed(alice) and not _keyed(bob)
    with pytest.raises(ui_run.DualTalkError, match="choose the folder of the take"):
        saved_takes.apply_take(scene, scene.dualtalk, "")


def test_a_scene_deleted_while_generating_keeps_its_take_for_another_scene(scene, assets):
    """The animator generates in a second scene ("Shot 2") and deletes that scene before the take
    comes back. Nothing can be keyed there, but the take is kept, and keying it onto the same
    characters in the first scene needs no second run."""
    alice, bob = ah.two_characters()
    shot2 = bpy.data.scenes.new("Shot 2")
    for obj in (alice, bob):
        shot2.collection.objects.link(obj)
    run = _generate(shot2, alice, bob, assets)
    bpy.data.scenes.remove(shot2)

    message = _take_comes_back(run)

    assert "the scene was closed or deleted during generation; nothing was applied" in message
    assert not _keyed(alice) and not _keyed(bob)
    folder = _kept_folder(message)
    assert not run.work_dir.exists()
    try:
        scene.dualtalk.char_a, scene.dualtalk.char_b = alice, bob
        with bpy.context.temp_override(scene=scene):
            assert bpy.ops.dualtalk.apply_take(directory=str(folder)) == {"FINISHED"}
        assert take_actions(alice.data.shape_keys) and take_actions(bob.data.shape_keys)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
