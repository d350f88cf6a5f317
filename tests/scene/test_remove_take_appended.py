"""An animator brings Ann and Ben, with their take, into a new shot by File > Append (or links them,
makes a library override and then Make Local): everything is local now, yet Remove Take refused
with "... come from its library (a library override); remove the take in the library file", for
ever, and there was no library file to go to (review 31a, finding 1). A real library override of
linked characters is still refused in one line."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, remove_take
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

T = 50
NAMES = ("Ann_rig", "Ann", "Ben_rig", "Ben")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str) -> Motion:
    rng = np.random.default_rng(seed)
    t = np.arange(T)[:, None] / 25
    v = 0.5 + 0.4 * np.sin(2 * np.pi * rng.uniform(0.3, 2.0, (1, 55)) * t)
    v[:, 52:] = 0.2 * np.sin(2 * np.pi * 0.5 * t)
    first = np.arange(T) < T // 2
    return Motion("arkit55", v.astype(np.float32), role=role, speaking=first if role == "A" else ~first)


def shot_with_a_take(tmp_path):
    """The earlier shot's file: Ann and Ben with a take."""
    ann, ben = br.make_character("Ann"), br.make_character("Ben", location=(1.0, 0.0, 0.0))
    apply_dialogue(ann, ben, talking(0, "A"), talking(1, "B"), ApplyOptions(undo_push=False))
    path = tmp_path / "shot_010.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path), copy=True)
    br.reset()
    bpy.context.scene.render.fps = 25
    return path


def no_take_left(faces) -> None:
    assert not [a.name for a in bpy.data.actions if is_ours(a)]
    for face in faces:
        assert not carries_take(face)
        for idblock in (face.data.shape_keys, face.parent):
            ad = idblock.animation_data
            assert ad is None or not [t.name for t in ad.nla_tracks if t.name.startswith("DualTalk")]


def test_characters_appended_with_their_take_can_lose_it(tmp_path):
    path = shot_with_a_take(tmp_path)
    bpy.ops.wm.append(directory=f"{path}/Object/", files=[{"name": n} for n in NAMES])
    faces = [bpy.data.objects["Ann"], bpy.data.objects["Ben"]]
    assert all(o.library is None and o.override_library is None for o in bpy.data.objects)
    assert carries_take(faces[0]) and carries_take(faces[1])

    report = remove_take(faces, undo_push=False)

    assert report.summary.startswith("removed take 'take' from Ann and Ben: 12 tracks, 10 actions")
    no_take_left(faces)


def test_characters_made_local_after_a_library_override_can_lose_their_take(tmp_path):
    path = shot_with_a_take(tmp_path)
    scene = bpy.context.scene
    with bpy.data.libraries.load(str(path), link=True) as (_, linked):
        linked.objects = list(NAMES)
    for obj in linked.objects:
        scene.collection.objects.link(obj)
    for obj in list(linked.objects):
        obj.override_hierarchy_create(scene, bpy.context.view_layer)
    for data in (
        bpy.data.objects,
        bpy.data.meshes,
        bpy.data.armatures,
        bpy.data.shape_keys,
        bpy.data.actions,
    ):
        for idblock in list(data):
            if idblock.library is not None or idblock.override_library is not None:
                idblock.make_local()
    faces = [o for o in scene.objects if o.type == "MESH" and o.data.shape_keys is not None]
    faces = [f for f in faces if f.data.shape_keys.animation_data is not None]
    assert faces and all(f.library is None and f.override_library is None for f in faces)
    assert all(carries_take(f) for f in faces)

    remove_take(faces, undo_push=False)

    for face in faces:
        assert not carries_take(face)


def test_a_real_library_override_is_still_refused_and_nothing_changes(tmp_path):
    path = shot_with_a_take(tmp_path)
    scene = bpy.context.scene
    with bpy.data.libraries.load(str(path), link=True) as (_, linked):
        linked.objects = list(NAMES)
    for obj in linked.objects:
        scene.collection.objects.link(obj)
    for obj in list(linked.objects):
        obj.override_hierarchy_create(scene, bpy.context.view_layer)
    faces = [o for o in scene.objects if o.type == "MESH" and o.override_library is not None]
    assert faces
    actions = sorted(a.name for a in bpy.data.actions)

    with pytest.raises(DualTalkError, match="cannot lose its take|come from its library"):
        remove_take(faces, undo_push=False)

    assert sorted(a.name for a in bpy.data.actions) == actions
