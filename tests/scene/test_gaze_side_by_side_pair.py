"""A VTuber pair stands side by side, both facing the camera, 1 m apart, and their take has eye
contact. Before, eye contact turned both heads about 73 deg toward each other for the whole take,
profile to the camera, without a word. Now they glance: the head turns at most 20 deg (half of it
held between looks), the eyes do the rest short of their corners, and the take's report says it
once, with the setting that turns them fully; ``side_by_side="turn"`` does, and a pair face to face
is keyed as before."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.gaze import EYE_LOOK
from dualtalk.inference.core.motion import Motion

T = 150  # 6 s at 25 fps
PARTNER = np.r_[np.ones(60, bool), np.zeros(40, bool), np.ones(50, bool)]  # looks at, away, at

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def motion(role: str) -> Motion:
    direction = np.zeros((T, 2), np.float32)
    direction[~PARTNER] = (15.0, -8.0)  # away: to the side and down
    return Motion(
        "arkit55", np.zeros((T, 55), np.float32), role=role,
        gaze_target=PARTNER.astype(np.int8), gaze_dir=direction,
    )  # fmt: skip


def pair(facing_each_other: bool = False) -> tuple[bpy.types.Object, bpy.types.Object]:
    """Ann and Bob 1 m apart, both facing the camera (-Y), or turned to face each other."""
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    if facing_each_other:
        ann.parent.rotation_euler[2], bob.parent.rotation_euler[2] = math.radians(90), math.radians(-90)
    return ann, bob


def keyed(ann, bob, **options):
    """Each character's head yaw from its body (deg, per frame) and largest eyeLook weight."""
    reports = apply_dialogue(ann, bob, motion("A"), motion("B"), ApplyOptions(start_frame=1, **options))[:2]
    out = []
    for face in (ann, bob):
        arm, yaw, look = face.parent, [], []
        rest = np.array(arm.data.bones["head"].matrix_local)[:3, :3].T @ np.array([0.0, -1.0, 0.0])
        for f in range(1, T + 1):
            bpy.context.scene.frame_set(f)
            forward = np.array(arm.pose.bones["head"].matrix)[:3, :3] @ rest  # in the rig: -Y ahead
            yaw.append(math.degrees(math.atan2(forward[0], -forward[1])))
            look.append(max(face.data.shape_keys.key_blocks[n].value for n in EYE_LOOK))
        out.append((np.abs(yaw), max(look)))
    return reports, out


def test_a_pair_side_by_side_glances_and_says_so_once_and_turn_turns_them_fully():
    ann, bob = pair()
    reports, heads = keyed(ann, bob)
    line = (
        "Ann and Bob face the same way (side by side): their heads turn at most 20 deg toward each other "
        "and the eyes glance the rest; --side-by-side turn turns them to face each other"
    )
    assert [r.notes for r in reports] == [[line], [line]]  # the take's line says it once (deduplicated)
    assert [r.warnings for r in reports] == [[], []]  # a staging, not a fault
    for yaw, look in heads:
        assert yaw.max() <= 20.5, yaw.max()  # was ~73 deg, the whole take
        assert yaw[20:40].min() > 18.0  # on a partner look: the whole glance
        assert 8.0 < yaw[78:84].mean() < 12.5  # looking away: half of it held
        assert 0.5 < look <= 0.9  # the eyes do the rest, off their corners
    # the setting that turns them fully: as before this change, and nothing said
    reports, heads = keyed(ann, bob, side_by_side="turn")
    assert [r.notes for r in reports] == [[], []]
    assert all(yaw[20:40].min() > 70.0 for yaw, _look in heads)


def test_a_pair_face_to_face_is_keyed_as_before():
    ann, bob = pair(facing_each_other=True)
    reports, heads = keyed(ann, bob)
    assert [r.notes for r in reports] == [[], []]
    _reports, turned = keyed(ann, bob, side_by_side="turn")
    for (yaw, look), (yaw_turn, look_turn) in zip(heads, turned, strict=True):
        np.testing.assert_allclose(yaw, yaw_turn, atol=1e-6)
        assert look == pytest.approx(look_turn)


def test_a_range_of_the_take_keeps_the_way_the_take_turned_them():
    """A range re-generated later turns the heads as the take did (a take keyed before this setting
    existed turned them fully): a range that glanced inside a fully turned take jumped ~50 deg at its
    cross-fades. A flag typed with another value is refused, one left out takes the take's."""
    import json

    from dualtalk.dualtalk_blender.commands.shot_range import _take_keying
    from dualtalk.dualtalk_blender.scene import range_plan, records
    from dualtalk.inference.core.errors import DualTalkError

    ann, bob = pair()
    keyed(ann, bob, side_by_side="turn")
    assert range_plan.take_keyed((ann, bob))["side_by_side"] == "turn"
    options, said = ApplyOptions(), []  # the range's flags: --side-by-side left out
    _take_keying(options, (ann, bob), "--range 40-60", said, frozenset())
    assert options.side_by_side == "turn"
    assert said == ["--range 40-60 is keyed with the take's own settings: --side-by-side turn"]
    with pytest.raises(
        DualTalkError, match=r"the take was keyed with --side-by-side turn, not glance; leave"
    ):
        _take_keying(ApplyOptions(), (ann, bob), "--range 40-60", [], frozenset({"side_by_side"}))
    # a take recorded before the setting: turned fully; a value DualTalk never writes is damage
    old = {"take_id": "t1", "keys": "every-frame", "intensities": {}, "smoothing": 0, "head_turn": 0.15}
    assert records.keyed_record(json.dumps(old))["side_by_side"] == "turn"
    with pytest.raises(records.DamagedRecord, match="its 'side_by_side' is \"sideways\""):
        records.keyed_record(json.dumps({**old, "side_by_side": "sideways"}))
