"""Export FBX with Scope: Face on characters that live in a library .blend.

A studio keeps its characters in a library file. The animator brings Hero into the shot with
File > Link, or links him and makes a Library Override (and, as DualTalk asks before keying him,
makes his face's data local), keys a dialogue, and exports. Scope: Full wrote the file; Scope: Face,
the lighter file for engines that take facial animation alone, stopped with a Python traceback
(Blender cannot rename a linked object, nor enter Edit Mode on a copy of an override), and the
headless ``animate --fbx-scope face`` exited with "internal error".

The face file must now be written for them too, under the names the Full file gives the same
characters, playing the same keys and head turn, and the shot, the overrides and the library file
on disk must be left exactly as they were.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.bench.fbx_readback import max_difference, read_fbx
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue, apply_motion
from dualtalk.dualtalk_blender.scene.fbx_export import check_exportable, export_fbx
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

FRAMES = 20
JAW = ARKIT52.index("jawOpen")


def talking(role: str = "A") -> Motion:
    """The jaw opens over the take while the head turns: both must reach the file."""
    v = np.zeros((FRAMES, 55), np.float32)
    v[:, JAW] = np.linspace(0.0, 1.0, FRAMES)
    v[:, 53] = np.linspace(0.0, 0.5, FRAMES)  # a yaw sweep
    return Motion("arkit55", v, speaking=np.arange(FRAMES) < FRAMES // 2, role=role)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def character_library(path: Path, *, keyed: bool) -> Path:
    """The studio's library: Hero (a face mesh on a small head rig) in the collection Hero_coll;
    ``keyed``: a take was keyed on him in the library itself."""
    hero = br.make_character("Hero")
    if keyed:
        apply_motion(hero, talking(), ApplyOptions(undo_push=False, gaze=False))
    collection = bpy.data.collections.new("Hero_coll")
    bpy.context.scene.collection.children.link(collection)
    for obj in (hero, hero.parent):
        bpy.context.scene.collection.objects.unlink(obj)
        collection.objects.link(obj)
    bpy.ops.wm.save_as_mainfile(filepath=str(path), copy=True)
    br.reset()  # a new, unsaved shot
    scene = bpy.context.scene
    scene.render.fps = 25
    scene.frame_start, scene.frame_end = 1, FRAMES
    return path


def link_objects(library: Path) -> Any:
    """File > Link of Hero's objects: read-only in the shot. Returns his face."""
    with bpy.data.libraries.load(str(library), link=True) as (_, linked):
        linked.objects = ["Hero", "Hero_rig"]
    for obj in linked.objects:
        bpy.context.scene.collection.objects.link(obj)
    return next(o for o in linked.objects if o.type == "MESH")


def make_override(library: Path) -> Any:
    """File > Link of Hero_coll, then Object > Library Override > Make. Returns his face (the
    override object; its mesh data is still the library's)."""
    with bpy.data.libraries.load(str(library), link=True) as (_, linked):
        linked.collections = ["Hero_coll"]
    instance = bpy.data.objects.new("Hero_coll", None)
    instance.instance_type = "COLLECTION"
    instance.instance_collection = linked.collections[0]
    bpy.context.scene.collection.objects.link(instance)
    bpy.context.view_layer.objects.active = instance
    instance.select_set(True)
    with bpy.context.temp_override(active_object=instance, object=instance, selected_objects=[instance]):
        assert bpy.ops.object.make_override_library() == {"FINISHED"}
    return next(o for o in bpy.data.objects if o.name == "Hero" and o.override_library is not None)


def make_face_data_local(face: Any) -> Any:
    """Object > Relations > Make Local > Selected Objects and Data, as DualTalk asks before keying."""
    with bpy.context.temp_override(
        active_object=face, object=face, selected_objects=[face], selected_editable_objects=[face]
    ):
        assert bpy.ops.object.make_local(type="SELECT_OBDATA") == {"FINISHED"}
    return face


def shot_state() -> dict[str, Any]:
    """What an export may touch meanwhile: every object's name, library, override, data, parent,
    hiding, selection and Armature target; bones, key mutes, and how many datablocks exist."""
    view_layer = bpy.context.view_layer

    def where(idb: Any) -> str:
        return idb.library.filepath if idb.library is not None else ""

    return {
        "objects": sorted(
            (
                o.name,
                where(o),
                o.override_library is not None,
                (o.data.name, where(o.data)) if o.data is not None else None,
                o.parent.name if o.parent is not None else None,
                o.hide_viewport,
                o.hide_get(),
                o.select_get() if o.name in view_layer.objects else None,
                [(m.name, m.object.name, m.show_viewport) for m in o.modifiers if m.type == "ARMATURE"],
            )
            for o in bpy.data.objects
        ),
        "bones": sorted((a.name, where(a), sorted(b.name for b in a.bones)) for a in bpy.data.armatures),
        "mutes": sorted((k.name, where(k), [kb.mute for kb in k.key_blocks]) for k in bpy.data.shape_keys),
        "counts": [len(c) for c in (bpy.data.objects, bpy.data.armatures, bpy.data.meshes, bpy.data.actions)],
        "active": view_layer.objects.active.name if view_layer.objects.active else None,
    }


def assert_face_file_is_the_full_files_face(face_file: Path, full_file: Path, faces: list[str]) -> dict:
    """The face file holds the named faces with the rigs and bones the Full file gives them, under
    the same names, and plays the same keys and head turn on every frame."""
    face, full = read_fbx(face_file, fps=25, frames=FRAMES), read_fbx(full_file, fps=25, frames=FRAMES)
    assert set(face["nodes"]) <= set(full["nodes"])
    assert set(face["shapes"]) <= set(full["shapes"])
    assert max_difference(face, full) < 1e-5
    names = {name.split("/", 1)[1] for name in face["nodes"]}
    assert set(faces) <= names and "head" in names
    return face


def assert_the_take_plays(read: dict, deformer: str) -> None:
    np.testing.assert_allclose(read["shapes"][f"{deformer}/jawOpen"], np.linspace(0, 1, FRAMES), atol=1e-4)
    head = next(rows for name, rows in read["nodes"].items() if name.endswith("/head"))
    assert np.abs(head[-1, 3:7] - head[0, 3:7]).max() > 0.1  # the head turned


def test_a_library_override_keyed_in_the_shot_exports_its_face(tmp_path):
    library = character_library(tmp_path / "characters.blend", keyed=False)
    before_on_disk = sha256(library)
    hero = make_face_data_local(make_override(library))
    ann = br.make_character("Ann", location=(1.0, 0.0, 0.0))
    apply_dialogue(ann, hero, talking("A"), talking("B"), ApplyOptions(undo_push=False, gaze=False))
    export_fbx([ann, hero], tmp_path / "full.fbx", scope="full")
    before = shot_state()

    export_fbx([ann, hero], tmp_path / "face.fbx", scope="face")  # was: "Unable to execute 'Edit Mode'"

    assert shot_state() == before
    assert hero.parent.override_library is not None  # still the animator's override, untouched
    read = assert_face_file_is_the_full_files_face(
        tmp_path / "face.fbx", tmp_path / "full.fbx", ["Ann", "Ann_rig", "Hero", "Hero_rig"]
    )
    assert_the_take_plays(read, "Hero")
    assert sha256(library) == before_on_disk


@pytest.mark.parametrize(
    ("bring_in", "names"),
    [
        (link_objects, ["Hero_L_characters.blend", "Hero_rig_L_characters.blend"]),
        (make_override, ["Hero", "Hero_rig"]),
    ],
    ids=["linked", "library-override"],
)
def test_a_character_keyed_in_its_library_exports_its_face_under_the_full_files_names(
    tmp_path, bring_in: Callable[[Path], Any], names: list[str]
):
    # Blender's exporter names a linked object after its library too; the face file must agree
    library = character_library(tmp_path / "characters.blend", keyed=True)
    before_on_disk = sha256(library)
    hero = bring_in(library)
    export_fbx([hero], tmp_path / "full.fbx", scope="full")
    before = shot_state()

    export_fbx([hero], tmp_path / "face.fbx", scope="face")  # was a traceback, no file

    assert shot_state() == before
    read = assert_face_file_is_the_full_files_face(tmp_path / "face.fbx", tmp_path / "full.fbx", names)
    assert_the_take_plays(read, "Hero")
    assert sha256(library) == before_on_disk


def test_animate_writes_the_face_fbx_of_a_library_override(tmp_path, capsys):
    library = character_library(tmp_path / "characters.blend", keyed=False)
    before_on_disk = sha256(library)
    make_face_data_local(make_override(library))
    br.make_character("Ann", location=(1.0, 0.0, 0.0))
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    a = save_motion(tmp_path / "A.npz", talking("A"))
    b = save_motion(tmp_path / "B.npz", talking("B"))
    out, fbx = tmp_path / "out" / "shot.blend", tmp_path / "out" / "shot.fbx"

    rc = main(["animate", "--quiet", "--blend", str(tmp_path / "shot.blend"), "--char-a", "Ann",
               "--char-b", "Hero_rig", "--motion-a", str(a), "--motion-b", str(b), "--out", str(out),
               "--fbx", str(fbx), "--fbx-scope", "face"])  # fmt: skip

    assert rc == 0, capsys.readouterr().err  # was 1: "internal error (RuntimeError: ... 'Edit Mode'"
    read = read_fbx(fbx, fps=25, frames=FRAMES)
    assert {"Ann", "Hero", "Hero_rig", "head"} <= {name.split("/", 1)[1] for name in read["nodes"]}
    assert np.ptp(read["shapes"]["Hero/jawOpen"]) > 0.5
    assert sha256(library) == before_on_disk


def test_a_linked_character_is_refused_in_one_line_where_the_exporter_cannot_name_its_stand_in(
    tmp_path, monkeypatch
):
    # a later Blender whose exporter names objects some other way: nothing may be half-written
    from io_scene_fbx import fbx_utils

    library = character_library(tmp_path / "characters.blend", keyed=True)
    before_on_disk = sha256(library)
    hero = link_objects(library)
    before = shot_state()
    monkeypatch.delattr(fbx_utils, "get_bid_name")

    with pytest.raises(DualTalkError) as checked:  # the check animate and the panel run first
        check_exportable([hero], "face")
    with pytest.raises(DualTalkError) as exported:
        export_fbx([hero], tmp_path / "face.fbx", scope="face")

    for refusal in (checked, exported):
        message = str(refusal.value)
        assert "\n" not in message and "'Hero" in message and "linked from characters.blend" in message
        assert message.endswith("export with Scope: Full (--fbx-scope full)")
    assert not list(tmp_path.glob("*.fbx*"))
    assert shot_state() == before
    assert sha256(library) == before_on_disk
