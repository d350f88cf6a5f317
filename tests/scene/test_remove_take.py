"""Remove Take, as an animator uses it: Alice and Bob were set up by hand (Alice's rig sways and nods
in its own action, played at 70 % and held forward, her lashes have a driver of the animator's, Bob
smiles on an NLA track of his own and holds a tilted head), DualTalk keyed a take over them with turn
markers and the dialogue on the sequencer; Remove Take must give back the scene exactly as it played
before, keeping everything of the animator's and leaving nothing of DualTalk's."""

from __future__ import annotations

from pathlib import Path

import addon_helpers as ah
import blender_rigs as br
import bpy
import numpy as np
import pytest
import soundfile as sf
from dualtalk.dualtalk_blender.scene import before_take, compat, layers, sound
from dualtalk.dualtalk_blender.scene.apply import MARKERS_PROP, ApplyOptions, apply_dialogue
from dualtalk.dualtalk_blender.scene.keying import is_ours
from dualtalk.dualtalk_blender.scene.remove_take import carries_take, plan_removal, remove_take
from dualtalk.inference.core.errors import DualTalkError
from dualtalk.inference.core.motion import Motion
from mathutils import Quaternion

FPS = 25
T = 60  # frames of the take
FRAMES = range(1, 81)  # the take and a stretch after it
FACE = ("jawOpen", "mouthSmileLeft", "eyeBlinkLeft", "eyeBlinkRight", "browInnerUp", "cheekPuff")

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def talking(seed: int, role: str) -> Motion:
    """Busy motion on every channel; A speaks the first half, B the second (two turn markers)."""
    rng = np.random.default_rng(seed)
    t = np.arange(T)[:, None] / FPS
    v = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.3, 2.0, (1, 55)) * t + rng.uniform(0, 6, (1, 55)))
    v[:, 52:] = 0.2 * np.sin(2 * np.pi * rng.uniform(0.2, 1.0, (1, 3)) * t)
    first = np.arange(T) < T // 2
    return Motion("arkit55", v.astype(np.float32), role=role, speaking=first if role == "A" else ~first)


def wav(folder: Path) -> Path:
    path = folder / "dialogue.wav"
    if not path.exists():
        sf.write(str(path), np.zeros(3 * 16000, np.float32), 16000)
    return path


def animators_scene(folder: Path):
    """Alice and Bob as the animator left them, before any take."""
    scene = bpy.context.scene
    alice = br.make_character("Alice", location=(-0.5, 0.0, 0.0))
    bob = br.make_character("Bob", location=(0.5, 0.0, 0.0))
    alice.data.shape_keys.key_blocks["jawOpen"].value = 0.3  # a static expression of hers

    rig = alice.parent  # her own action: a sway and a nod, at 70 %, held forward
    head = rig.pose.bones["head"]
    for frame, x, nod in ((1, -0.5, 0.0), (40, -0.3, 0.25), (80, -0.5, 0.0)):
        rig.location.x = x
        rig.keyframe_insert("location", index=0, frame=frame)
        head.rotation_quaternion = Quaternion((1.0, 0.0, 0.0), nod)
        head.keyframe_insert("rotation_quaternion", frame=frame)
    rig.animation_data.action_influence = 0.7
    rig.animation_data.action_extrapolation = "HOLD_FORWARD"

    lashes = br.make_mesh("Alice_lashes", ["eyeBlinkLeft", "eyeBlinkRight"])  # follows her face
    lashes.parent = rig
    lashes.modifiers.new("Armature", "ARMATURE").object = rig
    driver = lashes.data.shape_keys.driver_add('key_blocks["eyeBlinkRight"].value').driver  # the animator's
    driver.type = "AVERAGE"
    var = driver.variables.new()
    var.name = "sway"
    var.targets[0].id = rig
    var.targets[0].data_path = "location.x"

    bob.parent.pose.bones["head"].rotation_quaternion = Quaternion((0.0, 0.0, 1.0), 0.2)  # a held tilt
    key_b = bob.data.shape_keys
    smile = bpy.data.actions.new("Smile")  # his own track: a smile growing over the shot
    slot = smile.slots.new("KEY", "Smile")
    fc = compat.channelbag(smile, slot).fcurves.new('key_blocks["mouthSmileLeft"].value')
    fc.keyframe_points.insert(1, 0.2)
    fc.keyframe_points.insert(70, 0.8)
    track = key_b.animation_data_create().nla_tracks.new()
    track.name = "Smile"
    track.strips.new("Smile", 1, smile).action_slot = slot

    scene.timeline_markers.new("Cut", frame=30)  # the animator's marker and music
    scene.sequence_editor_create()
    music = scene.sequence_editor.strips.new_sound("Music", str(wav(folder)), 1, 1)
    assert music.get(sound.OWNER_PROP) is None
    return alice, bob


def take(alice, bob, folder: Path, *, seed: int = 0, name: str = "take") -> None:
    """A Generate: both characters keyed, turn markers, the dialogue placed as DualTalk places it."""
    apply_dialogue(
        alice, bob, talking(seed, "A"), talking(seed + 1, "B"), ApplyOptions(take=name, undo_push=False)
    )
    sound.remove_our_strips(bpy.context.scene)
    sound.add_dialogue_strip(bpy.context.scene, wav(folder), "dialogue", 1, end_frame=1 + T)


def plays(*objs) -> np.ndarray:
    """What the scene shows on every frame: face keys, the lashes, heads and Alice's sway."""
    scene = bpy.context.scene
    lashes = bpy.data.objects["Alice_lashes"].data.shape_keys.key_blocks
    rows = []
    for f in FRAMES:
        scene.frame_set(f)
        row = []
        for obj in objs:
            row += [obj.data.shape_keys.key_blocks[k].value for k in FACE]
            row += list(obj.parent.pose.bones["head"].rotation_quaternion)
        row += [lashes["eyeBlinkLeft"].value, lashes["eyeBlinkRight"].value, objs[0].parent.location.x]
        rows.append(row)
    return np.array(rows)


def every_id():
    return [*bpy.data.objects, *bpy.data.shape_keys, *bpy.data.meshes, *bpy.data.armatures]


def tracks(idblock) -> list[str]:
    ad = idblock.animation_data
    return [t.name for t in ad.nla_tracks] if ad is not None else []


def animators_work(alice, bob):
    """Everything of the animator's that must survive, as comparable values."""
    rig_ad = alice.parent.animation_data
    lashes = bpy.data.objects["Alice_lashes"].data.shape_keys
    return {
        "actions": sorted(a.name for a in bpy.data.actions if not is_ours(a)),
        "active": (
            rig_ad.action.name,
            rig_ad.action_slot.identifier,
            rig_ad.action_blend_type,
            round(rig_ad.action_influence, 6),
            rig_ad.action_extrapolation,
        ),
        "bob tracks": [t for t in tracks(bob.data.shape_keys) if not t.startswith("DualTalk ")],
        "drivers": [(fc.data_path, fc.driver.variables[0].name) for fc in lashes.animation_data.drivers],
        "markers": sorted((m.name, m.frame) for m in bpy.context.scene.timeline_markers if m.name == "Cut"),
        "strips": sorted(
            s.name for s in bpy.context.scene.sequence_editor.strips if s.get("dualtalk") is None
        ),
    }


def no_dualtalk_left():
    scene = bpy.context.scene
    assert not [a.name for a in bpy.data.actions if is_ours(a)]
    assert not [(i.name, t) for i in every_id() for t in tracks(i) if "DualTalk" in t]
    assert not [m.name for m in scene.timeline_markers if m.name.startswith("DT ")]
    assert not sound.our_strips(scene)
    assert MARKERS_PROP not in scene.keys()
    assert not [i.name for i in every_id() if before_take.BEFORE_PROP in i.keys()]
    lashes = bpy.data.objects["Alice_lashes"].data.shape_keys
    assert [fc.data_path for fc in lashes.animation_data.drivers] == ['key_blocks["eyeBlinkRight"].value']


def test_remove_take_from_both_plays_the_scene_exactly_as_before_the_take(tmp_path):
    alice, bob = animators_scene(tmp_path)
    before, work = plays(alice, bob), animators_work(alice, bob)
    alice_key_had_animation = alice.data.shape_keys.animation_data is not None

    take(alice, bob, tmp_path)
    assert np.abs(plays(alice, bob) - before).max() > 0.1  # the take plays over it all
    assert alice.parent.animation_data.action is None  # her action was pushed below the take
    assert [m.name for m in bpy.context.scene.timeline_markers if m.name.startswith("DT ")]

    report = remove_take([alice, bob])

    np.testing.assert_allclose(plays(alice, bob), before, atol=1e-6)
    assert animators_work(alice, bob) == work  # her action active again: same slot, blend, 70 %, forward
    no_dualtalk_left()
    assert (alice.data.shape_keys.animation_data is not None) == alice_key_had_animation
    assert report.characters == ["Alice", "Bob"] and report.takes == ["take"]
    # 6 tracks, 5 actions per character; and the rest under the animator's tracks, track and action each
    assert report.tracks == 14 and len(report.actions) == 12
    assert report.markers == 2 and report.sound_strips == 1
    assert report.restored == ["Alice_rigAction"]
    assert report.summary.startswith(
        "removed take 'take' from Alice and Bob: 14 tracks, 12 actions, 2 markers, sound strip"
    )


def test_a_second_take_then_remove_take_plays_as_before_too(tmp_path):
    alice, bob = animators_scene(tmp_path)
    before, work = plays(alice, bob), animators_work(alice, bob)
    take(alice, bob, tmp_path)
    take(alice, bob, tmp_path, seed=7)  # Generate again: the take is replaced, nothing pushed twice

    remove_take([bob, alice.parent])  # a character is its face or its rig

    np.testing.assert_allclose(plays(alice, bob), before, atol=1e-6)
    assert animators_work(alice, bob) == work
    no_dualtalk_left()


def test_an_earlier_take_kept_under_another_name_stays_in_the_file(tmp_path):
    """A take of a new name swaps new actions in and keeps the earlier one's with a fake user (so it can
    be played again); Remove Take removes the take the characters play, not those kept takes."""
    alice, bob = animators_scene(tmp_path)
    before = plays(alice, bob)
    take(alice, bob, tmp_path, name="first")
    take(alice, bob, tmp_path, seed=3, name="second")

    report = remove_take([alice, bob])

    np.testing.assert_allclose(plays(alice, bob), before, atol=1e-6)
    assert report.takes == ["second"]
    kept = [a for a in bpy.data.actions if is_ours(a)]
    assert kept and all(a.use_fake_user and a.users == 1 and "_first_" in a.name for a in kept)


def test_removing_alices_take_keeps_bobs_playing_with_its_markers_and_sound(tmp_path):
    alice, bob = animators_scene(tmp_path)
    before = plays(alice, bob)
    take(alice, bob, tmp_path)
    during = plays(alice, bob)
    markers = sorted((m.name, m.frame) for m in bpy.context.scene.timeline_markers)
    n = len(FACE) + 4  # one character's columns

    first = remove_take([alice])

    now = plays(alice, bob)
    np.testing.assert_allclose(now[:, :n], before[:, :n], atol=1e-6)  # Alice as she was
    np.testing.assert_allclose(now[:, n : 2 * n], during[:, n : 2 * n], atol=1e-6)  # Bob still talks
    assert sorted((m.name, m.frame) for m in bpy.context.scene.timeline_markers) == markers
    assert len(sound.our_strips(bpy.context.scene)) == 1
    assert first.markers == 0 and first.sound_strips == 0 and first.tracks == 7
    assert not carries_take(alice) and carries_take(bob)

    last = remove_take([bob])  # the take is gone from the scene now: its markers and sound go

    np.testing.assert_allclose(plays(alice, bob), before, atol=1e-6)
    assert last.markers == 2 and last.sound_strips == 1
    no_dualtalk_left()


def test_a_strip_of_the_animators_keeps_the_action_it_plays(tmp_path):
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    key = bob.data.shape_keys
    lips = layers.our_strips(key)["lips+jaw"]
    mine = key.animation_data.nla_tracks.new()  # the animator keeps Bob's lips on a track of theirs
    mine.name = "Keep lips"
    strip = mine.strips.new("Keep lips", 1, lips.action)
    strip.action_slot = lips.action_slot
    strip.mute = True
    kept_name = lips.action.name

    report = remove_take([alice, bob])

    assert kept_name not in report.actions and bpy.data.actions.get(kept_name) is not None
    assert strip.action.name == kept_name and tracks(key) == ["Smile", "Keep lips"]
    assert len(report.actions) == 11


def test_hand_fixes_keyed_over_the_take_stay_and_so_does_the_kept_action_under_them(tmp_path):
    """Keys set in the viewport over the take went into a new active action of the animator's: it stays
    active (Combine, as it was keyed), and the action DualTalk kept stays on its track under it."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    rig = alice.parent
    rig.location.z = 0.1
    rig.keyframe_insert("location", index=2, frame=10)  # a hand fix, in a new active action
    fix = rig.animation_data.action
    assert fix is not None and not is_ours(fix)

    report = remove_take([alice, bob])

    assert rig.animation_data.action == fix and rig.animation_data.action_blend_type == "COMBINE"
    assert tracks(rig) == ["Alice_rigAction (kept by DualTalk)"]
    assert report.restored == [] and "'Alice_rigAction' stays on its track" in report.summary
    assert not [a.name for a in bpy.data.actions if is_ours(a)]


def test_a_jaw_fix_keyed_over_the_take_stays_a_fix_once_the_take_is_removed(tmp_path):
    """Review 26, finding 2. Bob had no animation; the take set his shape keys' blend to Combine, so
    the animator's viewport key (+0.3 jaw at frame 20) is an offset from the take. Remove Take left that
    key as it was: with nothing under it Blender adds a Combine key to the shape key's default, 1.0,
    and his jaw stood wide open on every frame. Now the fix counts from the jaw before the take (0),
    the blend is Replace again, and the line says so."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    key = bob.data.shape_keys
    for track in list(key.animation_data.nla_tracks):  # Bob's face had no animation of its own
        if not track.name.startswith("DualTalk"):
            key.animation_data.nla_tracks.remove(track)
    scene = bpy.context.scene
    scene.frame_set(20)
    jaw = key.key_blocks["jawOpen"]
    jaw.value += 0.3
    jaw.keyframe_insert("value", frame=20)  # Blender stores the take's offset: 1.3 under Combine
    fix = key.animation_data.action
    assert key.animation_data.action_blend_type == "COMBINE"

    report = remove_take([alice, bob])

    assert key.animation_data.action == fix and key.animation_data.action_blend_type == "REPLACE"
    for frame in (1, 20, 60):
        scene.frame_set(frame)
        assert jaw.value == pytest.approx(0.3, abs=1e-5)  # the fix, over the jaw at rest (0)
    assert (
        f"{fix.name!r} on the shape keys of 'Bob' was keyed over the take (Combine: offsets from it); its keys "
        "on 1 shape key now count from their values before the take, blend Replace"
    ) in report.summary, report.summary


def test_a_head_fix_keyed_over_the_take_stays_a_fix_over_the_tilt_the_head_held_before(tmp_path):
    """Bob's head was held tilted before the take (0.2 rad); the animator keyed a nod fix on it over
    the take (Combine: the quaternion is a turn from the take). Without the take Blender turned the
    head from rest, so the tilt was gone wherever the fix played. Now the fix turns from the tilt."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    rig = bob.parent
    tilt = Quaternion((0.0, 0.0, 1.0), 0.2)
    nod = Quaternion((1.0, 0.0, 0.0), 0.15)
    fix = bpy.data.actions.new("HeadFix")
    slot = fix.slots.new("OBJECT", "Rig")
    bag = compat.channelbag(fix, slot)
    for i in range(4):
        fc = bag.fcurves.new('pose.bones["head"].rotation_quaternion', index=i)
        fc.keyframe_points.insert(1, nod[i])
        fc.keyframe_points.insert(60, nod[i])
    ad = rig.animation_data
    assert ad.action_blend_type == "COMBINE"
    ad.action, ad.action_slot = fix, slot

    report = remove_take([alice, bob])

    assert ad.action == fix and ad.action_blend_type == "REPLACE"
    head = rig.pose.bones["head"]
    for frame in (1, 30, 60):
        bpy.context.scene.frame_set(frame)
        assert head.rotation_quaternion.rotation_difference(tilt @ nod).angle == pytest.approx(0.0, abs=1e-4)
    assert (
        "'HeadFix' on 'Bob_rig' was keyed over the take (Combine: offsets from it); its keys on 1 bone (head) "
        "now count from their values before the take, blend Replace"
    ) in report.summary, report.summary


def test_an_euler_head_fix_keyed_over_the_take_turns_from_the_angle_held_before(tmp_path):
    """The same with a head in XYZ Euler: the fix's angles add to the 0.2 rad turn it held."""
    alice, bob = animators_scene(tmp_path)
    rig = bob.parent
    head = rig.pose.bones["head"]
    head.rotation_mode = "XYZ"
    head.rotation_euler = (0.0, 0.0, 0.2)
    take(alice, bob, tmp_path)
    fix = bpy.data.actions.new("HeadFix")
    slot = fix.slots.new("OBJECT", "Rig")
    bag = compat.channelbag(fix, slot)
    for i, angle in enumerate((0.15, 0.0, 0.0)):
        fc = bag.fcurves.new('pose.bones["head"].rotation_euler', index=i)
        fc.keyframe_points.insert(1, angle)
        fc.keyframe_points.insert(60, angle)
    rig.animation_data.action, rig.animation_data.action_slot = fix, slot

    report = remove_take([alice, bob])

    bpy.context.scene.frame_set(30)
    assert tuple(head.rotation_euler) == pytest.approx((0.15, 0.0, 0.2), abs=1e-5)
    assert "its keys on 1 bone (head) now count from their values before the take" in report.summary


def test_a_head_fix_whose_quaternion_curves_are_keyed_apart_is_left_and_said(tmp_path):
    """Only W and X of the fix are keyed where Y and Z are not: no product of quaternions keeps
    those keys, so they stay as keyed and the line says why."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    rig = bob.parent
    fix = bpy.data.actions.new("HeadFix")
    slot = fix.slots.new("OBJECT", "Rig")
    bag = compat.channelbag(fix, slot)
    for i, frames in enumerate(((1, 60), (1, 60), (1,), (1,))):
        fc = bag.fcurves.new('pose.bones["head"].rotation_quaternion', index=i)
        for frame in frames:
            fc.keyframe_points.insert(frame, 1.0 if i == 0 else 0.0)
    rig.animation_data.action, rig.animation_data.action_slot = fix, slot

    report = remove_take([alice, bob])

    assert [kp.co[1] for kp in bag.fcurves[0].keyframe_points] == pytest.approx([1.0, 1.0])
    assert "the rotation keys of bone 'head' on 'Bob_rig' are left as they are" in report.summary, (
        report.summary
    )


def jaw_fix(*faces):
    """One fix action (+0.2 jaw: 1.2 under Combine) made the active action of each face's shape keys."""
    fix = bpy.data.actions.new("JawFix")
    slot = fix.slots.new("KEY", "Face")
    fc = compat.channelbag(fix, slot).fcurves.new('key_blocks["jawOpen"].value')
    fc.keyframe_points.insert(1, 1.2)
    fc.keyframe_points.insert(60, 1.2)
    for face in faces:
        ad = face.data.shape_keys.animation_data
        ad.action, ad.action_slot = fix, slot
    return fix, fc


def without_own_tracks(face) -> None:
    """The face had no animation of its own before the take (so its fix is rebased)."""
    key = face.data.shape_keys
    for track in list(key.animation_data.nla_tracks):
        if not track.name.startswith("DualTalk"):
            key.animation_data.nla_tracks.remove(track)


def jaw_at(face, frames=(1, 30, 60)) -> list[float]:
    out = []
    for frame in frames:
        bpy.context.scene.frame_set(frame)
        out.append(face.data.shape_keys.key_blocks["jawOpen"].value)
    return out


def test_a_fix_action_two_faces_share_stays_for_the_face_that_keeps_its_take(tmp_path):
    """Review 26b, finding 3: one fix action (+0.2 jaw) is the active Combine action of both faces.
    Moving its keys for Bob's removal moved Alice's fix over her remaining take too (0.2 -> -0.8),
    and removing both moved them twice. Then the shared action was left as it was, and Bob's jaw
    stood at 1.2 without his take (closing 29, left). Now Alice keeps the action as it is, over her
    take; Bob plays a copy of it, moved to count from his jaw before the take: +0.2 over 0."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    without_own_tracks(bob)
    fix, fc = jaw_fix(alice, bob)
    alices = jaw_at(alice)

    report = remove_take([bob])

    assert [kp.co[1] for kp in fc.keyframe_points] == pytest.approx([1.2, 1.2])
    assert jaw_at(alice) == pytest.approx(alices) and alice.data.shape_keys.animation_data.action == fix
    copy = bob.data.shape_keys.animation_data.action
    assert copy.name == "JawFix (Bob)" and copy.users == 1
    assert jaw_at(bob) == pytest.approx([0.2, 0.2, 0.2], abs=1e-5)
    assert (
        "'JawFix' on the shape keys of 'Bob' was keyed over the take (Combine: offsets from it) and also plays "
        "on the shape keys of 'Alice', so it stays as it is there; a copy of it, 'JawFix (Bob)', now plays on "
        "the shape keys of 'Bob', its keys on 1 shape key counting from their values before the take, blend "
        "Replace"
    ) in report.notes, report.notes

    report = remove_take([alice])  # hers alone now: moved in place, from her 0.3 before the take

    assert alice.data.shape_keys.animation_data.action == fix
    assert jaw_at(alice) == pytest.approx([0.5, 0.5, 0.5], abs=1e-5)
    assert jaw_at(bob) == pytest.approx([0.2, 0.2, 0.2], abs=1e-5)


def test_a_fix_action_both_faces_share_is_moved_once_for_faces_alike_and_copied_for_one_that_differs(
    tmp_path,
):
    """Both faces play the +0.2 jaw fix and lose their take together. Alice's jaw stood at 0.3 before
    the take and Bob's at 0: one action cannot count from both, so Alice keeps it (moved to 0.5) and
    Bob plays a copy (0.2). Had both stood at 0, the one action is moved once and stays shared."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    without_own_tracks(bob)
    fix, _fc = jaw_fix(alice, bob)

    report = remove_take([alice, bob])

    assert alice.data.shape_keys.animation_data.action == fix
    assert bob.data.shape_keys.animation_data.action.name == "JawFix (Bob)"
    assert jaw_at(alice) == pytest.approx([0.5, 0.5, 0.5], abs=1e-5)
    assert jaw_at(bob) == pytest.approx([0.2, 0.2, 0.2], abs=1e-5)
    assert any(
        n.startswith("'JawFix' on the shape keys of 'Bob' was keyed over the take (Combine: offsets from it) and "
                     "also plays on the shape keys of 'Alice', whose values before the take differ (moved for those)")
        for n in report.notes
    ), report.notes  # fmt: skip


def test_a_fix_action_faces_alike_share_is_moved_once_and_stays_shared(tmp_path):
    alice, bob = animators_scene(tmp_path)
    alice.data.shape_keys.key_blocks["jawOpen"].value = 0.0  # both jaws at rest before the take
    take(alice, bob, tmp_path)
    without_own_tracks(bob)
    fix, _fc = jaw_fix(alice, bob)
    actions = len(bpy.data.actions)

    remove_take([alice, bob])

    for face in (alice, bob):
        assert face.data.shape_keys.animation_data.action == fix
        assert jaw_at(face) == pytest.approx([0.2, 0.2, 0.2], abs=1e-5)  # moved once, not twice (-0.8)
    assert not [a.name for a in bpy.data.actions if a.name.startswith("JawFix (")]
    assert len(bpy.data.actions) < actions


def test_a_fix_action_linked_from_a_library_is_never_edited(tmp_path):
    """Bob's fix comes from the studio's library file (linked, read-only). Remove Take leaves the
    library's action and file as they are; Bob plays a local copy, moved to count from his jaw before
    the take, and the note says so. It used to leave his jaw at 1.2 (wide open) without a word of
    what to do but undo."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    without_own_tracks(bob)
    made, _fc = jaw_fix()
    library = tmp_path / "studio_fixes.blend"
    bpy.data.libraries.write(str(library), {made}, fake_user=True)
    bpy.data.actions.remove(made)
    written = library.read_bytes()
    with bpy.data.libraries.load(str(library), link=True) as (_src, linked):
        linked.actions = ["JawFix"]
    fix = linked.actions[0]
    assert fix.library is not None
    ad = bob.data.shape_keys.animation_data
    ad.action, ad.action_slot = fix, fix.slots[0]
    assert jaw_at(bob, (30,))[0] > 0.3  # the take plus the fix

    report = remove_take([bob])

    keys = [kp.co[1] for fc in compat.iter_fcurves(fix) for kp in fc.keyframe_points]
    assert keys == pytest.approx([1.2, 1.2]) and library.read_bytes() == written
    copy = ad.action
    assert copy.library is None and copy.name == "JawFix (Bob)"
    assert jaw_at(bob) == pytest.approx([0.2, 0.2, 0.2], abs=1e-5)
    said = [n for n in report.notes if n.startswith("'JawFix' on the shape keys of 'Bob'")]
    assert said and f"is linked from {fix.library.filepath}, which DualTalk never edits" in said[0], (
        report.notes
    )
    assert "a copy of it, 'JawFix (Bob)', now plays on the shape keys of 'Bob'" in said[0]


def test_a_take_keyed_before_the_record_comes_back_to_its_rest_values(tmp_path):
    """A take keyed by an earlier DualTalk recorded neither the values before it nor how the pushed
    action played: the properties go back to the take's rest track (shape keys 0, bones the pose
    they held at the first take), the pushed action becomes active again with Blender's Replace blend."""
    alice, bob = animators_scene(tmp_path)
    before, work = plays(alice, bob), animators_work(alice, bob)
    take(alice, bob, tmp_path)
    for idblock in every_id():  # as an older DualTalk left it
        if before_take.BEFORE_PROP in idblock.keys():
            del idblock[before_take.BEFORE_PROP]

    remove_take([alice, bob])

    now = plays(alice, bob)
    jaw = FACE.index("jawOpen")
    np.testing.assert_allclose(now[:, jaw], 0.0, atol=1e-6)  # her static 0.3 was never recorded: rest
    others = np.ones(now.shape[1], bool)
    others[jaw] = False
    np.testing.assert_allclose(now[:, others], before[:, others], atol=1e-6)
    assert animators_work(alice, bob) == work
    no_dualtalk_left()


def state(alice, bob):
    """The scene fingerprint plus every track and record (a refusal must change none of them)."""
    return (
        ah.scene_fingerprint(bpy.context.scene),
        [(i.name, tracks(i), i.get(before_take.BEFORE_PROP)) for i in every_id()],
        bpy.context.scene.get(MARKERS_PROP),
    )


def test_a_character_without_a_take_is_refused_and_nothing_changes(tmp_path):
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    carol = br.make_character("Carol", location=(1.5, 0.0, 0.0))
    was = state(alice, bob)
    with pytest.raises(DualTalkError) as refused:
        remove_take([alice, carol])
    assert str(refused.value) == "'Carol' carries no DualTalk take; there is nothing to remove"
    assert state(alice, bob) == was and carries_take(alice)


def test_tweak_mode_is_refused_and_nothing_changes(tmp_path):
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    key = bob.data.shape_keys
    with bpy.context.temp_override(scene=bpy.context.scene):
        key.animation_data.use_tweak_mode = True  # the animator is editing Bob's lips layer
    was = state(alice, bob)
    with pytest.raises(DualTalkError, match="tweak mode") as refused:
        remove_take([alice, bob])
    assert "'Bob'" in str(refused.value) and "\n" not in str(refused.value)
    assert state(alice, bob) == was


def test_a_linked_character_is_refused_and_nothing_changes(tmp_path):
    hero = br.make_character("Hero")
    apply_dialogue(
        hero, br.make_character("Extra"), talking(0, "A"), talking(1, "B"), ApplyOptions(undo_push=False)
    )
    library = tmp_path / "hero.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(library), copy=True)
    br.reset()
    with bpy.data.libraries.load(str(library), link=True) as (_, linked):
        linked.objects = ["Hero", "Hero_rig"]
    for obj in linked.objects:
        bpy.context.scene.collection.objects.link(obj)
    face = next(o for o in linked.objects if o.type == "MESH")
    assert carries_take(face)
    actions = sorted(a.name for a in bpy.data.actions)
    with pytest.raises(DualTalkError, match="linked from") as refused:
        plan_removal([face])
    assert "'Hero'" in str(refused.value)
    with pytest.raises(DualTalkError, match="linked from"):
        remove_take([face])
    assert sorted(a.name for a in bpy.data.actions) == actions and carries_take(face)


def test_the_plan_names_what_goes_before_anything_is_removed(tmp_path):
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path)
    was = state(alice, bob)
    plan = plan_removal([alice, bob])
    assert state(alice, bob) == was  # planning writes nothing
    assert plan.question() == (
        "Remove take 'take' from Alice and Bob: 14 tracks, 12 actions, 2 markers, sound strip; "
        "'Alice_rigAction' plays again as before. Your own tracks, actions and keys stay."
    )


def test_removing_one_dialogue_leaves_the_other_dialogues_markers_and_sound(tmp_path):
    """Two conversations in one scene, both from frame 1: Alice and Bob's take, then Carl and Dana's
    (the last Generate, whose recording the scene holds). Removing Alice and Bob's take removes
    their own turn markers and leaves Carl and Dana's sound strip and markers; it used to delete the
    strip, as it starts on the same frame (and Carl and Dana's take used to delete Alice and Bob's
    markers, so there were none of theirs left to remove)."""
    alice, bob = animators_scene(tmp_path)
    take(alice, bob, tmp_path, name="one")
    carl, dana = br.make_character("Carl", location=(-3, 0, 0)), br.make_character("Dana", location=(3, 0, 0))
    take(carl, dana, tmp_path, seed=5, name="two")
    scene = bpy.context.scene
    markers = sorted((m.name, m.frame) for m in scene.timeline_markers)
    theirs = [m for m in markers if not m[0].startswith(("DT Alice", "DT Bob"))]  # and the animator's "Cut"
    assert len(markers) - len(theirs) == 2  # each pair keeps its own turn markers
    strips = [s.name for s in sound.our_strips(scene)]

    report = remove_take([alice, bob])

    assert report.sound_strips == 0 and report.markers == 2
    assert [s.name for s in sound.our_strips(scene)] == strips
    assert sorted((m.name, m.frame) for m in scene.timeline_markers) == theirs
    assert carries_take(carl) and carries_take(dana) and not carries_take(alice)
