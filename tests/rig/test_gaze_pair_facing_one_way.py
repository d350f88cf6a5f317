"""Two characters side by side, both facing the camera (a VTuber or MMD pair), glance at each
other: told apart from a pair face to face by their angles to each other alone, their heads turn
at most GLANCE_DEG toward the partner and the eyes stop short of their corners. Turned fully, such a
pair faced each other in profile for the whole take (~73 deg at 1 m apart). A pair between (a
two-shot cheated toward the camera) takes part of the glance, eased with how far apart they face:
before, one degree of staging switched a 20-deg glance to a 50-deg turn."""

from __future__ import annotations

import numpy as np
from dualtalk.dualtalk_blender.rig import gaze as gz
from dualtalk.inference.core.gaze import EYE_YAW_DEG, GAZE_PARTNER

T = 250  # 10 s at 25 fps


def angles(yaw: float, pitch: float = 0.0) -> np.ndarray:
    return np.tile([yaw, pitch], (T, 1)).astype(np.float64)


def test_how_much_a_pair_glances_follows_how_far_apart_they_face():
    # side by side, both to the camera: A sees B 90 deg to its left, B sees A 90 deg to its right
    assert gz.facing_apart(angles(90.0), angles(-90.0)) == 0.0
    assert gz.glance_weight(0.0) == 1.0
    # one behind the other, both to the camera: B straight ahead of A, A right behind B
    assert gz.glance_weight(gz.facing_apart(angles(0.0), angles(178.0))) == 1.0
    # face to face, a two-shot cheated 15 deg each toward the camera, a corner: turned fully, as ever
    assert gz.facing_apart(angles(0.0), angles(0.0)) == 180.0
    assert gz.glance_weight(gz.facing_apart(angles(15.0), angles(-15.0))) == 0.0
    assert gz.glance_weight(gz.facing_apart(angles(45.0), angles(-45.0))) == 0.0
    assert gz.facing_apart(angles(90.0)[:0], angles(-90.0)[:0]) is None  # nothing read: no glance
    assert gz.glance_weight(None) == 0.0
    # between a glance and a full turn the weight eases down with the staging, never jumps: before,
    # each turned 22 deg toward the other (44 apart) glanced whole and 23 deg (46 apart) not at all
    apart = np.arange(0.0, 180.5, 0.5)
    weight = np.array([gz.glance_weight(float(d)) for d in apart])
    assert (np.diff(weight) <= 0).all()
    assert np.abs(np.diff(weight)).max() < 0.02
    assert weight[apart <= 30].min() == 1.0 and weight[apart >= 90].max() == 0.0
    assert 0.75 < gz.glance_weight(44.0) < gz.glance_weight(42.0) < 1.0
    assert gz.glance_weight(60.0) == 0.5


def test_a_glance_turns_the_head_at_most_twenty_degrees_and_keeps_the_eyes_off_their_corners():
    target = np.zeros(T, np.int8)
    target[:100] = target[150:] = GAZE_PARTNER
    partner = angles(90.0, 6.0)  # beside it, a little higher
    full = gz.head_turn(target, partner, gz.HEAD_TURN, 25.0)
    held = gz.head_turn(target, partner, gz.HEAD_TURN, 25.0, glance=1.0)
    assert full[50, 0] > 60.0  # as before: the head faces the partner in profile
    assert np.abs(held[:, 0]).max() <= gz.GLANCE_DEG + 1e-9
    assert held[50, 0] > 0.9 * gz.GLANCE_DEG  # on a partner look: the whole glance
    assert 0.4 * gz.GLANCE_DEG < held[125, 0] < 0.6 * gz.GLANCE_DEG  # looking away: half of it held
    np.testing.assert_allclose(held[:, 1], full[:, 1])  # pitch as before
    eyes = gz.glance_eyes(partner - held)
    assert np.abs(eyes[:, 0]).max() <= gz.GLANCE_EYE * EYE_YAW_DEG + 1e-9
    np.testing.assert_allclose(eyes[:, 1], (partner - held)[:, 1])
    # half a glance (a pair 60 deg apart): the yaw halfway between the two, the eyes' margin half
    half = gz.head_turn(target, partner, gz.HEAD_TURN, 25.0, glance=0.5)
    np.testing.assert_allclose(half[:, 0], (full[:, 0] + held[:, 0]) / 2)
    np.testing.assert_allclose(half[:, 1], full[:, 1])
    reach = (1 - 0.5 * (1 - gz.GLANCE_EYE)) * EYE_YAW_DEG
    assert np.abs(gz.glance_eyes(partner - half, 0.5)[:, 0]).max() == reach
    # no glance: the full turn, every value as it was, and the eyes left their whole range
    assert (gz.head_turn(target, partner, gz.HEAD_TURN, 25.0, glance=0.0) == full).all()
    assert (gz.glance_eyes(partner - full, 0.0) == partner - full).all()
    # a partner within the glance is turned to as before, and share 0 still keeps the head still
    near = angles(25.0)
    np.testing.assert_allclose(
        gz.head_turn(target, near, gz.HEAD_TURN, 25.0, glance=1.0),
        gz.head_turn(target, near, gz.HEAD_TURN, 25.0),
    )
    assert not gz.head_turn(target, partner, 0.0, 25.0, glance=1.0).any()
