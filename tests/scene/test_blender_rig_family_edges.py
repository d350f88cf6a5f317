"""Rigs at the edges of the presets: what an animator with an MMD, VRM or game head is told, and gets.

An animator who forces the wrong family (a job file's ``--preset arkit`` left over from the last
show, the panel's Rig setting) on an MMD rig with eye bones got a take with turning eyes and no
mouth, exit 0, not a word. A low-poly game head with a jaw bone and no shape keys was promised
"only head rotation is keyed" by the picker and then refused by every path, its jaw never looked
at. Each must now be one story: what the picker says is what Generate and ``animate`` do.
"""

from __future__ import annotations

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.cli import main
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.characters import inspect_character
from dualtalk.inference.core.channels import ARKIT52
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion, save_motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

FRAMES = 30
MMD = ("あ", "い", "う", "え", "お", "まばたき", "にこり", "困る", "怒り", "上", "びっくり")
JAW = ARKIT52.index("jawOpen")


def talking(role: str) -> Motion:
    """A speaks with a wide-open jaw and a blink; B listens with a small head turn."""
    v = np.zeros((FRAMES, 55), np.float32)
    if role == "A":
        v[:, JAW] = 0.5 + 0.5 * np.sin(np.linspace(0, 6 * np.pi, FRAMES))
        v[10:13, ARKIT52.index("eyeBlinkLeft")] = v[10:13, ARKIT52.index("eyeBlinkRight")] = 1.0
    v[:, 53] = np.linspace(0.0, 0.3, FRAMES)
    return Motion("arkit55", v, speaking=np.full(FRAMES, role == "A"), role=role)


def with_eye_bones(face):
    """Give the face's rig MMD eye bones (左目, 右目) under its head bone."""
    arm = face.parent
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    head = arm.data.edit_bones["頭"]
    for name, x in (("左目", 0.03), ("右目", -0.03)):
        eb = arm.data.edit_bones.new(name)
        eb.head, eb.tail, eb.parent = (x, -0.1, 1.6), (x, -0.15, 1.6), head
    bpy.ops.object.mode_set(mode="OBJECT")
    return face


def mmd_pair():
    a = with_eye_bones(br.make_character("Miku", MMD, head="頭", neck="首", location=(-0.5, 0, 0)))
    b = with_eye_bones(br.make_character("Luka", MMD, head="頭", neck="首", location=(0.5, 0, 0)))
    return a, b


def state() -> tuple:
    """What a refused run must leave alone."""
    return (
        sorted(a.name for a in bpy.data.actions),
        sorted((o.name, bool(o.animation_data and o.animation_data.nla_tracks)) for o in bpy.data.objects),
        sorted(m.name for m in bpy.context.scene.timeline_markers),
    )


# --- 1. a forced preset that drives none of the face's keys ---------------------------------------


def test_forcing_the_arkit_preset_on_an_mmd_rig_with_eye_bones_is_refused_naming_the_preset_that_fits():
    miku, luka = mmd_pair()
    before = state()

    with pytest.raises(DualTalkError) as info:
        apply_dialogue(miku, luka, talking("A"), talking("B"), ApplyOptions(preset="arkit", undo_push=False))

    line = str(info.value)
    assert "\n" not in line
    assert line.startswith(
        "'Miku' has no face shape keys of the 'arkit' preset (its keys: あ, い, う, え ...)"
    )
    assert "its keys fit the 'mmd' preset (11 MMD morphs)" in line  # was: a mouthless take, no word
    assert state() == before


def test_the_picker_line_of_a_forced_preset_that_fits_nothing_says_it_will_be_refused():
    miku, _luka = mmd_pair()
    line = inspect_character(miku, "arkit").summary  # was "0/52 ARKit keys, ..., eye bones: 左目, 右目"
    assert line.startswith("'Miku' has no face shape keys of the 'arkit' preset")
    assert line.endswith("; 0/52 ARKit keys, head bone: 頭, eye bones: 左目, 右目")
    assert inspect_character(miku).summary == "11/13 MMD morphs, head bone: 頭, eye bones: 左目, 右目"


def test_animate_with_a_leftover_preset_exits_with_one_line_and_writes_nothing(tmp_path, capsys):
    mmd_pair()
    rc, out = animate_saved(tmp_path, "Miku", "Luka", "--preset", "vrm")
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0  # was 0, with a take whose shape keys had no animation at all
    assert err == [
        "error: 'Miku' has no face shape keys of the 'vrm' preset (its keys: あ, い, う, え ...); its keys fit "
        "the 'mmd' preset (11 MMD morphs): choose that or auto; pick the face mesh, another preset, or map "
        "its keys with a custom map (docs/blender.md, Custom maps)"
    ]
    assert not out.exists()


def test_generate_in_the_panel_with_rig_set_to_arkit_on_an_mmd_rig_is_refused_and_changes_nothing(tmp_path):
    from dualtalk.dualtalk_blender.addon import pickers, ui_run

    assets = ah.addon_assets(tmp_path)
    scene, _prefs = ah.fresh_scene_with_addon(assets["models"])
    try:
        bpy.context.scene.render.fps = 25
        miku, luka = mmd_pair()
        ah.setup_panel(scene, miku, luka, assets["wav"], assets["ckpt"])
        scene.dualtalk.preset = "arkit"
        assert pickers.character_summary(miku, "arkit").startswith(
            "'Miku' has no face shape keys of the 'arkit'"
        )
        before = ah.scene_fingerprint(scene)
        with bpy.context.temp_override(scene=scene), pytest.raises(RuntimeError, match="'arkit' preset"):
            bpy.ops.dualtalk.generate()  # was {'FINISHED'}: a lip-less take
        assert ui_run.ACTIVE is None
        assert ah.scene_fingerprint(scene) == before
    finally:
        ah.disable_addon()


# --- 2. a game head: a jaw bone and no shape keys -------------------------------------------------


def animate_saved(tmp_path, char_a: str, char_b: str, *flags: str):
    """The scene saved as shot.blend, then ``animate`` of the two talking motions into out/shot.blend:
    (exit code, out path)."""
    bpy.ops.wm.save_as_mainfile(filepath=str(tmp_path / "shot.blend"))
    a = save_motion(tmp_path / "A.npz", talking("A"))
    b = save_motion(tmp_path / "B.npz", talking("B"))
    out = tmp_path / "out" / "shot.blend"
    rc = main(["animate", "--quiet", "--blend", str(tmp_path / "shot.blend"), "--char-a", char_a,
               "--char-b", char_b, "--motion-a", str(a), "--motion-b", str(b), "--out", str(out), *flags])  # fmt: skip
    return rc, out


def jaw_pair():
    a = br.make_character("Grunt", (), jaw="jaw", location=(-0.5, 0, 0))
    b = br.make_character("Ogre", (), jaw="jaw", location=(0.5, 0, 0))
    return a, b


def jaw_angles(face, frames) -> np.ndarray:
    """The jaw bone's turn from rest (degrees) at each frame, as Blender plays it."""
    scene = bpy.context.scene
    out = []
    for f in frames:
        scene.frame_set(f)
        out.append(np.degrees(face.parent.pose.bones["jaw"].matrix_basis.to_quaternion().angle))
    return np.array(out)


def test_a_keyless_head_with_a_jaw_bone_opens_its_mouth_with_the_jaw_and_says_so_up_front():
    grunt, ogre = jaw_pair()
    report = inspect_character(grunt)
    # was: "no known shape keys, head bone: head" and "only head rotation is keyed", then refused
    assert report.summary == "no shape keys (the jaw bone opens the mouth), head bone: head, jaw bone: jaw"
    assert report.warnings == [
        "Grunt: no shape keys; the jaw bone 'jaw' opens the mouth and the head turns, but blinks, brows "
        "and smiles need shape keys and are dropped (a custom map can drive more bones: docs/blender.md, "
        "Custom maps)"
    ]

    rep_a, rep_b, _ = apply_dialogue(grunt, ogre, talking("A"), talking("B"), ApplyOptions(undo_push=False))

    angles = jaw_angles(grunt, range(1, FRAMES + 1))
    assert angles.max() > 15.0 and angles.min() < 5.0  # the mouth opens and shuts with the speech
    assert jaw_angles(ogre, range(1, FRAMES + 1)).max() < 1.0  # the listener's stays shut
    head = grunt.parent.pose.bones["head"]
    bpy.context.scene.frame_set(FRAMES)
    assert head.matrix_basis.to_quaternion().angle > 0.05  # the head motion is keyed too
    assert any("blinks, brows and smiles" in w for w in rep_a.warnings)
    assert rep_a.mapping.startswith("no shape keys (the jaw bone opens the mouth)")


def test_a_game_head_with_only_body_correctives_opens_its_mouth_with_the_jaw_too():
    """Review 27d, 4: the same head with one corrective key ("Fat") was refused, though without it the
    jaw keyed it; keys of no face family are no face keys."""
    grunt = br.make_character("Grunt", ("Fat",), jaw="jaw", location=(-0.5, 0, 0))
    ogre = br.make_character("Ogre", (), jaw="jaw", location=(0.5, 0, 0))
    report = inspect_character(grunt)
    assert report.refusal is None
    assert (
        report.summary == "no face shape keys (the jaw bone opens the mouth), head bone: head, jaw bone: jaw"
    )
    assert report.warnings[0].startswith("Grunt: no face shape keys; the jaw bone 'jaw' opens the mouth")
    apply_dialogue(grunt, ogre, talking("A"), talking("B"), ApplyOptions(undo_push=False))
    assert jaw_angles(grunt, range(1, FRAMES + 1)).max() > 15.0
    assert grunt.data.shape_keys.key_blocks["Fat"].value == 0.0  # the corrective is left alone


def test_animate_keys_a_keyless_jaw_rig(tmp_path, capsys):
    jaw_pair()
    rc, out = animate_saved(tmp_path, "Grunt", "Ogre")
    err = capsys.readouterr().err
    assert rc == 0, err  # was 2: "has no face shape keys DualTalk knows (it has no shape keys)"
    assert "Grunt: no shape keys; the jaw bone 'jaw' opens the mouth" in err
    bpy.ops.wm.open_mainfile(filepath=str(out))
    assert jaw_angles(bpy.data.objects["Grunt"], range(1, FRAMES + 1)).max() > 15.0


def test_forcing_a_preset_on_a_keyless_jaw_rig_is_refused_and_says_auto_would_use_the_jaw():
    grunt, ogre = jaw_pair()
    with pytest.raises(DualTalkError) as info:
        apply_dialogue(grunt, ogre, talking("A"), talking("B"), ApplyOptions(preset="vrm", undo_push=False))
    assert str(info.value) == (
        "'Grunt' has no face shape keys of the 'vrm' preset (it has no shape keys); auto opens its mouth with "
        "its jaw bone 'jaw'; pick the face mesh, another preset, or map its jaw bone 'jaw' with a custom map "
        "(docs/blender.md, Custom maps)"
    )


def test_a_keyless_head_without_a_jaw_bone_is_refused_by_the_picker_line_and_names_the_bone_map():
    rock = br.make_character("Rock", ())
    line = inspect_character(rock).summary  # was "no known shape keys, head bone: head": no refusal said
    assert line == (
        "'Rock' has no face shape keys DualTalk knows (it has no shape keys); pick the face mesh, another "
        "preset, or map a mouth bone with a custom map (docs/blender.md, Custom maps); no known shape keys, "
        "head bone: head"
    )


def test_the_keyless_body_of_a_rig_whose_face_has_keys_is_not_keyed_as_a_jaw_head():
    # the animator picked the body, not the face beside it: refused with "pick the face mesh"
    face = br.make_character("Face", jaw="jaw")
    body = br.make_mesh("Body", ())
    body.parent = face.parent
    body.modifiers.new("Armature", "ARMATURE").object = face.parent
    report = inspect_character(body)
    assert report.refusal is not None and "pick the face mesh" in report.refusal
    assert inspect_character(face.parent).mesh == face


# --- 5. two families on one face; a VRChat avatar's own visemes -----------------------------------

VROID = (
    "Fcl_MTH_A",
    "Fcl_MTH_I",
    "Fcl_MTH_U",
    "Fcl_MTH_E",
    "Fcl_MTH_O",
    "Fcl_EYE_Close_L",
    "Fcl_EYE_Close_R",
)
EYE_TRACKING = tuple(n for n in ARKIT52 if n.startswith(("eye", "brow", "cheek", "nose")) or n == "jawOpen")


def test_a_vroid_face_with_arkit_eye_tracking_says_its_visemes_are_not_keyed_and_which_preset_would():
    face = br.make_character("Vee", VROID + EYE_TRACKING, head="J_Bip_C_Head", neck="J_Bip_C_Neck")
    report = inspect_character(face)
    assert report.family == "arkit"  # 25 ARKit keys outnumber 7 VRoid ones
    # was: not a word, and Fcl_MTH_U/O (the rounding the hinge-only ARKit mouth lacks) never moved
    assert (
        "Vee: its 7 VRM expressions (Fcl_MTH_A, Fcl_MTH_I, Fcl_MTH_U, Fcl_MTH_E, Fcl_MTH_O, Fcl_EYE_Close_L "
        "and 1 more) are not keyed: the 'arkit' preset drives its 25 ARKit keys; the 'vrm' preset "
        "(--preset vrm, the panel's Rig) would drive them instead"
    ) in report.warnings
    forced = inspect_character(face, "vrm")  # the other way round: the eye tracking is named
    assert any(w.startswith("Vee: its 25 ARKit keys (") for w in forced.warnings)


VRCHAT = (
    "vrc.blink_left", "vrc.blink_right", "vrc.lowerlid_left", "vrc.lowerlid_right", "vrc.v_sil", "vrc.v_pp",
    "vrc.v_ff", "vrc.v_th", "vrc.v_dd", "vrc.v_kk", "vrc.v_ch", "vrc.v_ss", "vrc.v_nn", "vrc.v_rr", "vrc.v_aa",
    "vrc.v_e", "vrc.v_ih", "vrc.v_oh", "vrc.v_ou",
)  # fmt: skip


def test_a_vrchat_avatar_closes_its_lips_with_the_pp_viseme_on_a_bilabial_and_is_called_what_it_is():
    from dualtalk.dualtalk_blender.scene.apply import apply_motion

    avatar = br.make_character("Kiko", VRCHAT, head="Head", neck="Neck")
    report = inspect_character(avatar)
    assert report.summary == "12/13 VRChat keys, head bone: Head"  # was "7/16 VRM expressions"
    assert report.warnings == [
        "Kiko: VRChat visemes vrc.v_dd, vrc.v_kk, vrc.v_ch, vrc.v_ss, vrc.v_nn, vrc.v_rr are not keyed: they "
        "are tongue and teeth shapes no ARKit channel describes (the vowel visemes and vrc.v_pp, vrc.v_ff, "
        "vrc.v_th carry the mouth)"
    ]
    v = np.zeros((3, 55), np.float32)
    v[0, JAW] = 0.6  # "pa": the vowel
    v[1, ARKIT52.index("mouthClose")] = 0.3  # "b": lips pressed shut, the jaw nearly closed
    v[1, ARKIT52.index("mouthPressLeft")] = v[1, ARKIT52.index("mouthPressRight")] = 0.2
    v[1, JAW] = 0.03
    apply_motion(avatar, Motion("arkit55", v), ApplyOptions(blinks="off", smoothing=0, undo_push=False))

    def at(key: str, frame: int) -> float:
        bpy.context.scene.frame_set(frame)
        return avatar.data.shape_keys.key_blocks[key].value

    assert at("vrc.v_pp", 2) > 0.5 and at("vrc.v_aa", 2) < 0.1  # was 0.0 throughout: lips never met
    assert at("vrc.v_pp", 1) < 0.05 and at("vrc.v_aa", 1) > 0.5
    assert at("vrc.v_ff", 2) == 0.0  # a closure is no f/v


def test_a_vrm_model_is_still_measured_against_the_16_vrm_expressions():
    face = br.make_character("Vivi", ("aa", "ih", "ou", "ee", "oh", "blink", "happy"), armature=False)
    assert inspect_character(face).summary.startswith("7/16 VRM expressions")
    assert not any("not keyed" in w for w in inspect_character(face).warnings)
