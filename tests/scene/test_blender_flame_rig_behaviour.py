"""A FLAME add-on rig in a conversation: its eye bones follow the behaviour layer's gaze, and
its blinks and brows reach the expression keys through the user's ARKit->FLAME map."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion, check_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.motion import Motion

T = 40
FLAME_KEYS = [f"Exp{i:03d}" for i in range(100)]


pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def flame_character() -> bpy.types.Object:
    """The FLAME Blender add-on's layout: Exp keys, neck/jaw bones and left_eye/right_eye bones."""
    obj = br.make_character("Flame", FLAME_KEYS, head="head", neck="neck", jaw="jaw", up="Y")
    arm = obj.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    for name, x in (("left_eye", 0.03), ("right_eye", -0.03)):
        b = arm.data.edit_bones.new(name)
        b.head, b.tail, b.parent = (x, 1.62, 0.08), (x, 1.62, 0.12), arm.data.edit_bones["head"]
    bpy.ops.object.mode_set(mode="OBJECT")
    return obj


def layered_flame_motion() -> Motion:
    """FLAME motion as the behaviour layer leaves it: eyes to the character's left on frames
    10-19, one blink on frames 25-27, all carried by the ARKit overlay."""
    names = ("eyeBlinkLeft", "eyeBlinkRight", "eyeLookOutLeft", "eyeLookInRight")
    overlay = np.zeros((T, len(names)), np.float32)
    overlay[25:28, 0:2] = 1.0
    overlay[10:20, 2:4] = 0.8
    return Motion(
        "flame56", np.zeros((T, 56), np.float32), role="A", overlay_channels=names, overlay=overlay,
        meta={"behaviour": {"seed": 0}},
    )  # fmt: skip


def eye_angle(obj, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return float(obj.parent.pose.bones["left_eye"].matrix_basis.to_quaternion().angle)


def test_a_flame_rigs_eye_bones_follow_the_layers_gaze():
    obj = flame_character()
    report = check_character(obj, ApplyOptions())
    assert report.family == "flame" and report.eye_bones == ("left_eye", "right_eye")
    rep = apply_motion(obj, layered_flame_motion(), ApplyOptions(start_frame=1))
    assert eye_angle(obj, 15) == pytest.approx(0.8 * 0.5, abs=1e-3)  # eyeLookOut 1 = 0.5 rad
    assert eye_angle(obj, 5) == pytest.approx(0.0, abs=1e-6)
    # no map: the blink cannot reach FLAME expressions, and the user is told so in one line
    assert any("need an ARKit->FLAME map" in w for w in rep.warnings)
    bpy.context.scene.frame_set(27)
    assert all(kb.value == 0.0 for kb in obj.data.shape_keys.key_blocks[1:51])


def test_with_a_map_the_layers_blink_moves_the_flame_expression_keys(tmp_path):
    rng = np.random.default_rng(3)
    matrix = np.zeros((51, 103))
    blink_row = rng.normal(0, 1.0, 50)
    matrix[ARKIT52.index("eyeBlinkLeft"), :50] = blink_row  # what closing the left lid is in FLAME
    path = tmp_path / "arkit2flame.npy"
    np.save(path, matrix)
    obj = flame_character()
    rep = apply_motion(obj, layered_flame_motion(), ApplyOptions(start_frame=1, flame_map=str(path)))
    assert not any("need an ARKit->FLAME map" in w for w in rep.warnings)
    kb = obj.data.shape_keys.key_blocks
    bpy.context.scene.frame_set(27)  # motion frame 26: mid-blink
    assert [kb[f"Exp{i:03d}"].value for i in range(50)] == pytest.approx(blink_row, abs=1e-4)
    bpy.context.scene.frame_set(5)
    assert all(abs(kb[f"Exp{i:03d}"].value) < 1e-6 for i in range(50))
    assert eye_angle(obj, 15) > 0.3  # and the eyes still turn


def test_in_a_dialogue_a_flame_rig_looks_at_its_partner_with_its_eye_bones():
    import math

    from dualtalk.dualtalk_blender.scene.apply import apply_dialogue

    a = flame_character()
    b = br.make_character("B", ARKIT52, location=(-1.0, -1.2, 0.0))
    b.parent.rotation_euler = (0.0, 0.0, math.radians(150.0))
    partner = np.zeros(T, bool)
    partner[5:35] = True
    ma = Motion(
        "flame56", np.zeros((T, 56), np.float32), role="A", gaze_target=partner.astype(np.int8),
        gaze_dir=np.zeros((T, 2), np.float32), meta={"behaviour": {"seed": 0}},
    )  # fmt: skip
    mb = Motion("arkit55", np.zeros((T, 55), np.float32), role="B", gaze_target=partner.astype(np.int8),
                gaze_dir=np.zeros((T, 2), np.float32), meta={"behaviour": {"seed": 0}})  # fmt: skip
    apply_dialogue(a, b, ma, mb, ApplyOptions(start_frame=1, head_turn=0.0))
    # B stands off A's axis: on partner frames A's eyes turn toward it, elsewhere they rest
    assert eye_angle(a, 20) > math.radians(5.0)
    assert eye_angle(a, 38) == pytest.approx(0.0, abs=1e-3)
