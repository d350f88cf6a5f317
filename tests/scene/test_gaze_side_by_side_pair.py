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
from dualtalk.dualtalk_blender.scene import range_plan
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


def pair(ann_turn: float = 0.0, bob_turn: float = 0.0) -> tuple[bpy.types.Object, bpy.types.Object]:
    """Ann and Bob 1 m apart, both facing the camera (-Y), or each turned that many degrees toward the
    other (90 each: face to face)."""
    ann, bob = br.make_character("Ann"), br.make_character("Bob", location=(1.0, 0.0, 0.0))
    ann.parent.rotation_euler[2], bob.parent.rotation_euler[2] = (
        math.radians(ann_turn),
        math.radians(-bob_turn),
    )
    return ann, bob


def head_yaw(face: bpy.types.Object, frames) -> np.ndarray:
    """The head's yaw from the body (deg) on each of ``frames``."""
    arm, yaw = face.parent, []
    rest = np.array(arm.data.bones["head"].matrix_local)[:3, :3].T @ np.array([0.0, -1.0, 0.0])
    for f in frames:
        bpy.context.scene.frame_set(f)
        forward = np.array(arm.pose.bones["head"].matrix)[:3, :3] @ rest  # in the rig: -Y ahead
        yaw.append(math.degrees(math.atan2(forward[0], -forward[1])))
    return np.abs(yaw)


def keyed(ann, bob, **options):
    """Each character's head yaw from its body (deg, per frame) and largest eyeLook weight."""
    reports = apply_dialogue(ann, bob, motion("A"), motion("B"), ApplyOptions(start_frame=1, **options))[:2]
    out = []
    for face in (ann, bob):
        look = []
        for f in range(1, T + 1):
            bpy.context.scene.frame_set(f)
            look.append(max(face.data.shape_keys.key_blocks[n].value for n in EYE_LOOK))
        out.append((head_yaw(face, range(1, T + 1)), max(look)))
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
    # heads kept to the camera (--head-turn 0): the eyes alone look, as far as they go (they were
    # stopped at 0.85 of their range, nothing said)
    reports, heads = keyed(ann, bob, head_turn=0.0)
    assert [r.notes for r in reports] == [[], []]
    assert all(yaw.max() < 1.0 and look == pytest.approx(1.0) for yaw, look in heads)


def test_a_pair_turned_partly_toward_each_other_takes_part_of_the_glance_and_says_how_much():
    """A two-shot cheated toward the camera: before, each turned 22 deg toward the other glanced at
    18.7 deg and 23 deg turned fully at 50 deg (a hard switch at 45 deg apart, said on one side only);
    Ann square to the camera went from 20 to 73 deg as Bob turned from 40 to 50 deg toward her."""
    medians, notes = [], []
    for each in (22.0, 23.0):
        br.reset()  # each staging on its own pair, named Ann and Bob
        reports, heads = keyed(*pair(each, each))
        medians.append([float(np.median(yaw[20:40])) for yaw, _look in heads])
        notes.append(reports[0].notes)
    assert abs(medians[1][0] - medians[0][0]) < 2.0, medians  # one degree of staging, about a degree of head
    assert all(20.0 < m[0] < 30.0 for m in medians), medians  # partly a glance: a full turn was 50 deg
    assert notes == [
        [
            f"Ann and Bob face nearly the same way ({apart} deg apart): their heads turn toward each other "
            f"{share}% of the way from a full turn to a 20-deg glance (none from 90 deg apart) and the eyes "
            "glance the rest; --side-by-side turn turns them to face each other"
        ]
        for apart, share in (("44", 86), ("46", 82))
    ]
    br.reset()
    reports, heads = keyed(*pair(0.0, 50.0))  # Ann square to the camera, Bob turned 50 deg to her
    assert 25.0 < float(np.median(heads[0][0][20:40])) < 40.0  # was 73 deg (20 with Bob at 40)
    assert len(reports[0].notes) == 1


def test_a_range_of_the_take_keeps_the_way_the_take_turned_them():
    """A range re-generated later turns the heads as the take did (a take keyed before this setting
    existed turned them fully): a range that glanced inside a fully turned take jumped ~50 deg at its
    cross-fades. A flag typed with another value is refused, one left out takes the take's."""
    import json

    from dualtalk.dualtalk_blender.commands.shot_range import _take_keying
    from dualtalk.dualtalk_blender.scene import records
    from dualtalk.inference.core.errors import DualTalkError

    ann, bob = pair()
    keyed(ann, bob, side_by_side="turn")
    assert range_plan.take_keyed((ann, bob))["side_by_side"] == "turn"
    options, said = ApplyOptions(), []  # the range's flags: --side-by-side left out (auto: as the take)
    _take_keying(options, (ann, bob), "--range 40-60", said, frozenset())
    assert options.side_by_side == "turn"
    assert said == []  # nothing to warn about: the default follows the take (review rv43f F2)
    with pytest.raises(
        DualTalkError, match=r"the take was keyed with --side-by-side turn, not glance; leave"
    ):
        typed = ApplyOptions(side_by_side="glance")
        _take_keying(typed, (ann, bob), "--range 40-60", [], frozenset({"side_by_side"}))
    # a take recorded before the setting: turned fully; a value DualTalk never writes is damage
    old = {"take_id": "t1", "keys": "every-frame", "intensities": {}, "smoothing": 0, "head_turn": 0.15}
    assert records.keyed_record(json.dumps(old))["side_by_side"] == "turn"
    with pytest.raises(records.DamagedRecord, match="its 'side_by_side' is \"sideways\""):
        records.keyed_record(json.dumps({**old, "side_by_side": "sideways"}))
    # how much the pair glanced is recorded with the take's keying (turned fully: none); one recorded
    # before it was: none read (the range reads its own frames, as before); out of 0..1: damage
    assert range_plan.take_glance((ann, bob)) == 0.0
    assert "glance" not in records.keyed_record(json.dumps(old))
    with pytest.raises(records.DamagedRecord, match="its 'glance' is 1.5, not a number from 0 to 1"):
        records.keyed_record(json.dumps({**old, "glance": 1.5}))


def looking(role: str, frames: int = T) -> Motion:
    """A motion that looks at the partner all along."""
    return Motion(
        "arkit55", np.zeros((frames, 55), np.float32), role=role,
        gaze_target=np.ones(frames, np.int8), gaze_dir=np.zeros((frames, 2), np.float32),
    )  # fmt: skip


def test_a_range_turns_the_heads_as_its_take_did_though_its_own_frames_face_one_way():
    """Ann and Bob face each other, then turn to the camera near the end. The take, face to face over
    most of it, turns their heads fully; a range re-generated in the last stretch read the facing
    on its own frames, glanced, and the heads swung ~45 deg in and out at its cross-fades."""
    ann, bob = pair()
    bpy.context.scene.frame_end = T
    for arm, sign in ((ann.parent, 1.0), (bob.parent, -1.0)):  # face to face, to the camera by 108
        for frame, deg in ((1, 90.0), (100, 90.0), (108, 0.0)):
            arm.rotation_euler[2] = math.radians(sign * deg)
            arm.keyframe_insert("rotation_euler", index=2, frame=frame)
    options = ApplyOptions(start_frame=1, undo_push=False)
    reports = apply_dialogue(ann, bob, looking("A"), looking("B"), options)[:2]
    assert [r.notes for r in reports] == [[], []]
    before = head_yaw(ann, range(110, T + 1))
    plan = range_plan.plan_range((ann, bob), 25, 118, 145, options.crossfade)
    start = plan.start_frame - plan.take_start
    n = min(T - start, round(plan.audio_end * 25) - start)
    redo = options.replace(
        replace_range=(plan.first, plan.last), start_frame=plan.start_frame, markers=False, frame_range="keep"
    )
    reports = apply_dialogue(ann, bob, looking("A", n), looking("B", n), redo)[:2]
    assert [r.notes for r in reports] == [[], []]  # the take never glanced: the range does not either
    after = head_yaw(ann, range(110, T + 1))
    assert np.abs(after - before).max() < 1.0, np.abs(after - before).max()  # was 43 deg at frame 118
