"""A user brings their own rig: whatever its naming, DualTalk finds the right keys and bones."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import presets
from dualtalk.dualtalk_blender.rig.mapping import parse_mapping
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_motion
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52, FLAME_EXP
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def arkit_motion(frames: int = 20, seed: int = 0) -> Motion:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0, 1, (frames, 55)).astype(np.float32)
    v[:, 52:] = rng.normal(0, 0.1, (frames, 3))
    return Motion("arkit55", v, role="A")


def value_at(obj, key: str, frame: int) -> float:
    bpy.context.scene.frame_set(frame)
    return obj.data.shape_keys.key_blocks[key].value


def _variant(name: str, style: str) -> str:
    import re

    words = re.sub(r"([A-Z])", r" \1", name).split()
    if style == "underscore_lr":  # eyeBlink_L
        if words[-1] in ("Left", "Right"):
            return "".join(words[:-1]) + "_" + words[-1][0]
        return name
    if style == "pascal":  # EyeBlinkLeft
        return name[0].upper() + name[1:]
    if style == "snake":  # eye_blink_left
        return "_".join(w.lower() for w in words)
    if style == "mixamo":
        return "mixamorig:" + name
    if style == "cc":  # CC_Base_Eye_Blink_L
        return "CC_Base_" + "_".join(w[0].upper() + w[1:] for w in _variant(name, "underscore_lr").split("_"))
    return name


@pytest.mark.parametrize("style", ["plain", "underscore_lr", "pascal", "snake", "mixamo", "cc"])
def test_arkit_rig_in_any_common_spelling_gets_all_52_keys(style):
    names = [_variant(n, style) for n in ARKIT52]
    assert len(set(names)) == 52
    head = {"mixamo": "mixamorig:Head", "cc": "CC_Base_Head"}.get(style, "head")
    obj = br.make_character("Ann", names, head=head)
    report = inspect_character(obj)
    assert report.family == "arkit"
    assert report.summary == f"52/52 ARKit keys, head bone: {head}"
    motion = arkit_motion()
    apply_motion(obj, motion)
    # frame 1 + k shows motion frame k on the variant-named key
    j = ARKIT52.index("eyeBlinkLeft")
    assert value_at(obj, names[j], 6) == pytest.approx(motion.values[5, j], abs=1e-5)


def test_partial_arkit_rig_reports_what_is_missing():
    obj = br.make_character("Ben", ARKIT52[:40], armature=False)
    report = inspect_character(obj)
    assert report.matched == 40 and report.missing == list(ARKIT52[40:])
    assert report.summary == "40/52 ARKit keys, head: object rotation"


def test_flame_addon_rig_gets_expressions_jaw_neck_and_correctives():
    keys = (
        [f"Shape{i:03d}" for i in range(3)]
        + [f"Exp{i:03d}" for i in range(100)]
        + [f"Pose{i}" for i in range(1, 19)]
    )
    obj = br.make_character("Flame", keys, head="head", neck="neck", jaw="jaw", up="Y")
    report = inspect_character(obj)
    assert report.family == "flame"
    assert report.summary == "50/50 FLAME expression keys, jaw bone: jaw, neck bone: neck"
    assert len(report.flame_correctives) == 18
    rng = np.random.default_rng(1)
    v = np.zeros((10, 56), np.float32)
    v[:, :50] = rng.normal(0, 1.5, (10, 50))
    v[:, 50] = 0.2  # jaw open
    v[:, 54] = 0.3  # neck yaw
    apply_motion(obj, Motion("flame56", v), ApplyOptions(blinks="off"))
    bpy.context.scene.frame_set(4)
    kb = obj.data.shape_keys.key_blocks
    assert kb["Exp007"].value == pytest.approx(v[3, 7], abs=1e-5)
    assert kb["Exp060"].value == 0.0  # beyond the 50 the model predicts: untouched
    assert kb["Exp007"].slider_min <= v[:, 7].min() and kb["Exp007"].slider_max >= v[:, 7].max()
    arm = obj.parent
    jaw = arm.pose.bones["jaw"]
    # The add-on convention: the jaw bone's local axis-angle is the FLAME jaw pose.
    rv = (
        np.array(jaw.matrix_basis.to_quaternion().to_axis_angle()[0]) * jaw.matrix_basis.to_quaternion().angle
    )
    assert rv == pytest.approx([0.2, 0, 0], abs=1e-4)
    neck_q = arm.pose.bones["neck"].matrix_basis.to_quaternion()
    assert neck_q.angle == pytest.approx(0.3, abs=1e-4)
    # Pose10..18 = R_jaw - I (row-major): entry (1,1) = cos(0.2) - 1
    assert kb["Pose14"].value == pytest.approx(np.cos(0.2) - 1, abs=1e-4)


def test_vrm_rig_gets_visemes_and_blink_from_arkit_motion():
    obj = br.make_character(
        "Vroid",
        ["Fcl_MTH_A", "Fcl_MTH_O", "Fcl_EYE_Close", "Fcl_ALL_Joy"],
        head="J_Bip_C_Head",
        neck="J_Bip_C_Neck",
    )
    report = inspect_character(obj)
    assert report.family == "vrm" and report.head_target == "J_Bip_C_Head"
    v = np.zeros((5, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = 0.7
    v[:, ARKIT52.index("eyeBlinkLeft")] = 1.0
    v[:, ARKIT52.index("eyeBlinkRight")] = 0.5
    v[:, ARKIT52.index("mouthSmileLeft")] = 3.0  # out of range on purpose: VRM weights are clipped
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(blinks="off"))
    # a wide-open jaw is a clear 'A' (the vowels share one budget: rv39f F1)
    assert value_at(obj, "Fcl_MTH_A", 2) > 0.9
    assert value_at(obj, "Fcl_MTH_A", 2) + value_at(obj, "Fcl_MTH_O", 2) <= 1.0 + 1e-5
    assert value_at(obj, "Fcl_EYE_Close", 2) == pytest.approx(0.75, abs=1e-5)
    assert value_at(obj, "Fcl_ALL_Joy", 2) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "names",
    [("Fcl_EYE_Close", "Fcl_EYE_Close_L", "Fcl_EYE_Close_R"), ("blink", "blinkLeft", "blinkRight")],
    ids=["vroid", "vrm1"],
)
def test_a_vrm_rig_with_both_eye_and_one_eye_blinks_shuts_each_lid_once(names):
    """Every VRoid export has a both-eyes blink and one per eye: all three were keyed together,
    so a shut eye moved its lid twice as far as the model's closed shape (through the other lid)."""
    both, left, right = names
    obj = br.make_character("Vroid", ["Fcl_MTH_A", *names], head="J_Bip_C_Head", neck="J_Bip_C_Neck")
    report = inspect_character(obj)
    assert report.summary.startswith("4/16 VRM expressions")  # all three are found...
    v = np.zeros((5, 55), np.float32)
    v[:, ARKIT52.index("eyeBlinkLeft")] = 1.0
    v[:, ARKIT52.index("eyeBlinkRight")] = 0.4
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(blinks="off"))
    assert value_at(obj, left, 2) == pytest.approx(1.0) and value_at(obj, right, 2) == pytest.approx(0.4)
    assert value_at(obj, both, 2) == 0.0  # ...and the both-eyes key stays at rest


@pytest.mark.parametrize("up", ["Z", "Y"])
def test_a_rig_without_a_jaw_key_opens_its_mouth_with_its_jaw_bone(up):
    """51 of 52 ARKit keys and a jaw bone: the jaw never moved, and nothing said why."""
    obj = br.make_character("Grunt", [k for k in ARKIT52 if k != "jawOpen"], jaw="jaw", up=up)
    report = inspect_character(obj)
    assert "jaw bone: jaw" in report.summary and "eye bones" not in report.summary
    assert any("no jawOpen key; the jaw bone 'jaw' opens the mouth" in w for w in report.warnings)
    v = np.zeros((5, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = [0.0, 0.5, 1.0, 0.5, 0.0]
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(blinks="off"))
    arm, down = obj.parent, np.array([0.0, 0.0, -1.0] if up == "Z" else [0.0, -1.0, 0.0])
    drops = []
    for frame in (1, 3):
        bpy.context.scene.frame_set(frame)
        bone = arm.pose.bones["jaw"]
        chin = np.array(arm.matrix_world @ bone.tail) - np.array(arm.matrix_world @ bone.head)
        drops.append(float(np.degrees(np.arcsin(chin @ down / np.linalg.norm(chin)))))
    assert drops[0] == pytest.approx(0.0, abs=1e-3)
    assert drops[1] == pytest.approx(np.degrees(0.45), abs=0.5)  # the chin goes down, ~26 degrees


@pytest.mark.parametrize(
    "keys",
    [list(ARKIT52), ["aa", "ih", "ou", "ee", "oh", "blink"]],
    ids=["arkit-with-jawOpen", "vrm-visemes"],
)
def test_a_jaw_bone_stays_still_where_keys_already_open_the_mouth(keys):
    obj = br.make_character("Both", keys, jaw="jaw")
    report = inspect_character(obj)
    assert not any(d.bone == "jaw" for d in report.bones) and "jaw bone" not in report.summary


def test_vrm1_expression_names_are_recognised():
    obj = br.make_character("V1", ["aa", "ih", "ou", "ee", "oh", "blink", "happy"], armature=False)
    assert inspect_character(obj).summary.startswith("7/16 VRM expressions")


def test_mmd_rig_gets_japanese_morphs():
    obj = br.make_character(
        "Miku", ["あ", "い", "う", "え", "お", "まばたき", "にこり"], head="頭", neck="首"
    )
    report = inspect_character(obj)
    assert report.family == "mmd" and report.head_target == "頭"
    v = np.zeros((5, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = 0.5
    v[:, ARKIT52.index("mouthFunnel")] = 1.0
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(blinks="off"))
    vowels = [value_at(obj, k, 3) for k in ("あ", "い", "う", "え", "お")]
    assert vowels[4] > 0.7 and sum(vowels) == pytest.approx(1.0, abs=1e-5)  # an open, rounded 'o'


def test_custom_map_mixes_channels_into_keys_and_drives_a_jaw_bone():
    obj = br.make_character("Robot", ["MouthOpen", "Smile"], jaw="Jaw")
    cmap = parse_mapping(
        {
            "map": {
                "jawOpen": [
                    {"key": "MouthOpen", "weight": 2.0},
                    {"bone": "Jaw", "axis": "-X", "weight": 0.5},
                ],
                "mouthSmileLeft": {"key": "Smile", "weight": 0.5},
                "mouthSmileRight": {"key": "Smile", "weight": 0.5},
            },
            "head": "head",
        }
    )
    report = inspect_character(obj, mapping=cmap)
    assert report.summary == "custom map: 3/3 targets, head bone: head"
    v = np.zeros((4, 55), np.float32)
    v[:, ARKIT52.index("jawOpen")] = 0.8
    v[:, ARKIT52.index("mouthSmileLeft")] = 0.2
    v[:, ARKIT52.index("mouthSmileRight")] = 0.6
    apply_motion(obj, Motion("arkit55", v), ApplyOptions(mapping=cmap))
    assert value_at(obj, "MouthOpen", 2) == pytest.approx(1.6, abs=1e-5)
    assert obj.data.shape_keys.key_blocks["MouthOpen"].slider_max >= 1.6  # widened
    assert value_at(obj, "Smile", 2) == pytest.approx(0.4, abs=1e-5)
    q = obj.parent.pose.bones["Jaw"].matrix_basis.to_quaternion()
    axis, angle = q.to_axis_angle()
    assert angle == pytest.approx(0.4, abs=1e-4) and axis.x == pytest.approx(-1.0, abs=1e-4)


def test_a_map_entry_on_the_reference_key_says_it_cannot_be_animated_not_that_it_is_missing():
    obj = br.make_character("Robot", ["MouthOpen"])
    cmap = parse_mapping({"map": {"jawOpen": {"key": "MouthOpen"}, "mouthSmileLeft": {"key": "Basis"}}})
    warnings = inspect_character(obj, mapping=cmap).warnings
    assert any("targets 'Basis', the reference shape key" in w for w in warnings), warnings
    assert not any("missing on this rig" in w for w in warnings), warnings


def test_custom_map_file_is_read_from_a_path(tmp_path):
    path = tmp_path / "map.json"
    path.write_text('{"map": {"jawOpen": "Open"}}', encoding="utf-8")
    obj = br.make_character("P", ["Open"], armature=False)
    rep = apply_motion(obj, arkit_motion(), ApplyOptions(mapping=str(path)))
    assert rep.mapping.startswith("custom map: 1/1")


@pytest.mark.parametrize(
    "bad, message",
    [
        ([], "top level"),
        ({"map": {}}, "non-empty"),
        ({"map": {"jawopen": "X"}}, "did you mean 'jawOpen'"),
        ({"map": {"jawOpen": {"key": "X", "weight": float("nan")}}}, "finite"),
        ({"map": {"jawOpen": {"bone": "Jaw"}}}, "axis"),
        ({"map": {"jawOpen": {"bone": "Jaw", "axis": "W"}}}, "axis"),
        ({"map": {"jawOpen": {"key": "A", "bone": "B"}}}, "exactly one"),
        ({"map": {"head_rx": "X"}}, "head rotation"),
        ({"map": {"jawOpen": "X"}, "version": 2}, "version"),
        ({"map": {"jawOpen": "X"}, "extra": 1}, "unknown field"),
        ({"map": {"jawOpen": "x" * 70}}, "63-byte"),
    ],
)
def test_bad_custom_maps_are_refused_with_one_clear_line(bad, message):
    with pytest.raises(DualTalkError) as info:
        parse_mapping(bad)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_two_characters_sharing_one_key_block_are_made_single_user():
    a = br.make_character("A", armature=False)
    b = bpy.data.objects.new("B", a.data)  # linked duplicate: same mesh, same Key
    bpy.context.scene.collection.objects.link(b)
    assert inspect_character(a).shared_with == ["B"]
    with pytest.raises(DualTalkError, match="shares its mesh"):
        apply_motion(a, arkit_motion(), ApplyOptions(single_user="refuse"))
    assert a.data.shape_keys.animation_data is None  # refused: nothing changed
    rep_a = apply_motion(a, arkit_motion(seed=1))
    rep_b = apply_motion(b, arkit_motion(seed=2))
    assert a.data is not b.data and a.data.shape_keys is not b.data.shape_keys
    assert any("single-user" in w for w in rep_a.warnings)
    assert rep_b.action != rep_a.action
    assert value_at(a, "jawOpen", 3) != pytest.approx(value_at(b, "jawOpen", 3))


def test_bone_lookup_normalises_rig_conventions():
    assert (
        presets.find_bone(["Hips", "mixamorig:Neck", "mixamorig:Head"], presets.HEAD_BONES)
        == "mixamorig:Head"
    )
    assert presets.find_bone(["DEF-spine", "DEF-head"], presets.HEAD_BONES) == "DEF-head"
    assert presets.flame_exp_index("Exp012") == 12 and presets.flame_exp_index("Expression") is None
    assert len(FLAME_EXP) == 50


def test_map_space_must_be_a_known_name():
    for space in ([], {"x": 1}, "flame99"):
        with pytest.raises(DualTalkError, match="unknown space"):
            parse_mapping({"space": space, "map": {"jawOpen": "X"}})
