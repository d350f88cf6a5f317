"""Bob's animator picked Ann's idle actions for Bob's face and rig. In Blender 5 an action made for
another datablock gets no slot, so on Bob they play nothing. Keying a take moves them onto
"<action> (kept by DualTalk)" tracks below the take; Bob must still play nothing of Ann's idle
(his own channels stay as they were), while the actions stay on those tracks for the animator to
give a slot later."""

from __future__ import annotations

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.motion import Motion

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)

FRAMES = (1, 20, 40)


def talk(frames: int = 50) -> tuple[Motion, Motion]:
    v = np.full((frames, 55), 0.2, np.float32)
    v[:, 52:] = 0.05
    speaking = np.arange(frames) < frames // 2
    return Motion("arkit55", v, speaking=speaking), Motion("arkit55", v, speaking=~speaking)


def ann_and_bob_sharing_anns_idle():
    """Ann's idle: her 'Custom' key and her rig's sway. Bob's face and rig are given the same
    actions without a slot, as picking them in Bob's Action editor does."""
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    for obj in (ann, bob):
        obj.shape_key_add(name="Custom", from_mix=False).value = 0.0
    custom = ann.data.shape_keys.key_blocks["Custom"]
    for frame, value in ((1, 0.1), (40, 0.9)):
        custom.value = value
        custom.keyframe_insert("value", frame=frame)
    for frame, x in ((1, 0.0), (40, 0.5)):
        ann.parent.location.x = x
        ann.parent.keyframe_insert("location", index=0, frame=frame)
    face_idle = ann.data.shape_keys.animation_data.action
    face_idle.name = "AnnFaceIdle"
    sway = ann.parent.animation_data.action
    sway.name = "AnnSway"
    bob.data.shape_keys.animation_data_create().action = face_idle
    bob.parent.animation_data_create().action = sway
    return ann, bob


def played(obj) -> list[tuple[float, float]]:
    """What plays on the character's own channels: its 'Custom' key and its rig's x position."""
    out = []
    for frame in FRAMES:
        bpy.context.scene.frame_set(frame)
        out.append(
            (round(obj.data.shape_keys.key_blocks["Custom"].value, 4), round(obj.parent.location.x, 4))
        )
    return out


def kept_strip(idblock, action_name: str):
    track = idblock.animation_data.nla_tracks[f"{action_name} (kept by DualTalk)"]
    (strip,) = track.strips
    return strip


def test_actions_that_played_nothing_on_bob_still_play_nothing_under_the_take(tmp_path):
    ann, bob = ann_and_bob_sharing_anns_idle()
    assert bob.data.shape_keys.animation_data.action_slot is None  # Blender gave it none
    assert bob.parent.animation_data.action_slot is None
    bob_before, ann_before = played(bob), played(ann)
    assert bob_before == [(0.0, 1.0)] * 3  # Bob is still: Ann's idle does not play on him

    _rep_a, rep_b, _markers = apply_dialogue(ann, bob, *talk(), ApplyOptions(undo_push=False))

    assert sorted(rep_b.kept_actions) == ["AnnFaceIdle", "AnnSway"]
    assert played(bob) == bob_before  # was Ann's idle: Custom 0.1 -> 0.9 and the sway
    assert played(ann) == ann_before  # Ann's own idle keeps playing under her take
    # the actions are kept where the animator finds them, on Bob's tracks, with no slot
    for idblock, name in ((bob.data.shape_keys, "AnnFaceIdle"), (bob.parent, "AnnSway")):
        strip = kept_strip(idblock, name)
        assert strip.action.name == name and strip.action_slot is None

    # saved and opened again, they still play nothing
    path = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(path))
    bpy.ops.wm.open_mainfile(filepath=str(path))
    bob = bpy.data.objects["Bob"]
    assert played(bob) == bob_before
    assert kept_strip(bob.data.shape_keys, "AnnFaceIdle").action_slot is None

    # a second take never pushes again and changes nothing of Bob's own channels
    ann = bpy.data.objects["Ann"]
    apply_dialogue(ann, bob, *talk(), ApplyOptions(undo_push=False, take="take2"))
    assert played(bob) == bob_before


def test_the_animator_can_still_give_the_kept_action_a_slot_and_it_plays():
    ann, bob = ann_and_bob_sharing_anns_idle()
    apply_dialogue(ann, bob, *talk(), ApplyOptions(undo_push=False))
    strip = kept_strip(bob.data.shape_keys, "AnnFaceIdle")
    assert strip.action_slot is None and played(bob)[1][0] == 0.0
    strip.action_slot = strip.action.slots[0]  # the strip's Slot in the NLA editor's sidebar
    # Bob's Custom key is not one the take keys, so Ann's idle now shows through on him
    assert [custom for custom, _x in played(bob)] == [custom for custom, _x in played(ann)]
    assert played(bob)[0][0] == 0.1
