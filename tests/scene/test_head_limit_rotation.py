"""A podcast two-shot: Ann and Ben side by side, both facing the camera, and each head bone carries a
Limit Rotation (Y within 20 degrees, local space), as rigs often do for safety. The take turns each
head about 70 degrees toward the partner; the limit held it at 20 on every frame and the eyes were
still aimed for a head turned 70, about 50 degrees short of the partner, with nothing said (review
rv43a F2). Now the take's line names the limit, the turn it keys past it and what that costs, and the
eyes are aimed from the head as the limit leaves it: they turn the rest, as far as they reach.

A limit the take never reaches (+-179 degrees, or +-30 for a pair that glances at most 20) was said on
every Generate all the same, with a stale "about 80 degrees", and cost a second aiming of the eyes
(review rv43e F4): it is quiet now, and the eyes are aimed once."""

from __future__ import annotations

import math

import blender_rigs as br
import bpy
import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig.gaze import GLANCE_EYE
from dualtalk.dualtalk_blender.scene.apply import ApplyOptions, apply_dialogue
from dualtalk.inference.core.gaze import EYE_YAW_DEG
from dualtalk.inference.core.motion import Motion

T = 50

pytestmark = pytest.mark.usefixtures("fresh_scene")  # an empty scene at 25 fps (conftest)


def looking_at_the_partner(role: str) -> Motion:
    v = np.zeros((T, 55), np.float32)
    v[:, 24] = 0.3  # jawOpen
    target = np.ones(T, np.int8)
    return Motion("arkit55", v, role=role, gaze_target=target, gaze_dir=np.zeros((T, 2), np.float32))


def limit(mesh, axis: str = "y", degrees: float = 20.0):
    con = mesh.parent.pose.bones["head"].constraints.new("LIMIT_ROTATION")
    setattr(con, f"use_limit_{axis}", True)
    setattr(con, f"min_{axis}", math.radians(-degrees))
    setattr(con, f"max_{axis}", math.radians(degrees))
    con.owner_space = "LOCAL"
    return con


def head_yaw(rig) -> float:
    """The head's turn about its neck as played, in degrees."""
    pb = rig.pose.bones["head"]
    parent = pb.parent
    rel = (parent.bone.matrix_local.inverted() @ pb.bone.matrix_local).inverted()
    return math.degrees((rel @ parent.matrix.inverted() @ pb.matrix).to_euler()[1])


class Heard:
    """The progress lines the keying says."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.lines.append(message)

    def check_cancel(self) -> None:
        pass


def test_a_limited_head_is_said_and_its_eyes_turn_the_rest():
    ann, ben = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Ben", location=(0.5, 0, 0))
    cons = [limit(ann), limit(ben)]

    turn = ApplyOptions(undo_push=False, side_by_side="turn")  # the pair turns to face each other
    heard = Heard()
    rep_a, _rep_b, _ = apply_dialogue(
        ann, ben, looking_at_the_partner("A"), looking_at_the_partner("B"), turn, progress=heard
    )
    assert [line for line in heard.lines if "held head" in line]  # the eyes aimed again

    said = [w for w in rep_a.warnings if "Limit Rotation" in w]
    assert said == [
        "Ann: head bone 'head' has a Limit Rotation constraint 'Limit Rotation' holding it to Y -20 to 20 "
        "degrees (local space): the take turns it up to 73 degrees, so the head stops at the limit, and "
        "the eyes turn the rest only as far as they reach, so eye contact can miss; widen or mute the "
        "limit to see the take's head motion"
    ]
    keys = ann.data.shape_keys.key_blocks
    for frame in (10, 25, 40):
        bpy.context.scene.frame_set(frame)
        assert abs(head_yaw(ann.parent)) == pytest.approx(20.0, abs=0.1)  # held at the limit
        eyes = (keys["eyeLookOutLeft"].value - keys["eyeLookInLeft"].value) * EYE_YAW_DEG
        assert abs(eyes) > 0.99 * EYE_YAW_DEG, f"frame {frame}: eyes {eyes:.1f} degrees, aimed for the turn"
    cons[0].mute = True
    bpy.context.scene.frame_set(25)
    assert abs(head_yaw(ann.parent)) > 60.0  # the take's turn is keyed as it was: muting the limit shows it
    cons[0].mute = False

    apply_dialogue(
        ann,
        ben,
        looking_at_the_partner("A"),
        looking_at_the_partner("B"),
        turn.replace(side_by_side="glance"),
    )
    bpy.context.scene.frame_set(25)  # a glancing pair's eyes still stop short of their corners
    eyes = (keys["eyeLookOutLeft"].value - keys["eyeLookInLeft"].value) * EYE_YAW_DEG
    assert abs(eyes) == pytest.approx(GLANCE_EYE * EYE_YAW_DEG, abs=0.1)


def test_a_limit_the_take_never_reaches_is_quiet():
    ann, ben = br.make_character("Ann", location=(-0.5, 0, 0)), br.make_character("Ben", location=(0.5, 0, 0))
    for axis in "xyz":
        limit(ann, axis, 179.0)  # a limit only a broken rig reaches
    limit(ben, "y", 30.0)  # a pair side by side glances: the head turns at most 20 degrees
    limit(ben, "x").use_limit_x = False  # one that limits no axis

    heard = Heard()
    reps = apply_dialogue(
        ann,
        ben,
        looking_at_the_partner("A"),
        looking_at_the_partner("B"),
        ApplyOptions(undo_push=False),
        progress=heard,
    )[:2]
    assert [w for rep in reps for w in rep.warnings if "Limit Rotation" in w] == []
    assert not [line for line in heard.lines if "held head" in line]  # the eyes are aimed once
