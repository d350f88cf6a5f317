"""Two characters side by side, both facing the camera (a VTuber or MMD pair), glance at each
other: told apart from a pair face to face by their angles to each other alone, their heads turn
at most GLANCE_DEG toward the partner and the eyes stop short of their corners. Turned fully, such a
pair faced each other in profile for the whole take (~73 deg at 1 m apart)."""

from __future__ import annotations

import numpy as np
from dualtalk.dualtalk_blender.rig import gaze as gz
from dualtalk.inference.core.gaze import EYE_YAW_DEG, GAZE_PARTNER

T = 250  # 10 s at 25 fps


def angles(yaw: float, pitch: float = 0.0) -> np.ndarray:
    return np.tile([yaw, pitch], (T, 1)).astype(np.float64)


def test_which_pairs_face_one_way():
    # side by side, both to the camera: A sees B 90 deg to its left, B sees A 90 deg to its right
    assert gz.same_way(angles(90.0), angles(-90.0))
    # one behind the other, both to the camera: B straight ahead of A, A right behind B
    assert gz.same_way(angles(0.0), angles(178.0))
    # face to face, a two-shot cheated 15 deg each toward the camera, a corner (90 deg apart)
    assert not gz.same_way(angles(0.0), angles(0.0))
    assert not gz.same_way(angles(15.0), angles(-15.0))
    assert not gz.same_way(angles(45.0), angles(-45.0))
    assert not gz.same_way(angles(90.0)[:0], angles(-90.0)[:0])  # nothing read: no glance


def test_a_glance_turns_the_head_at_most_twenty_degrees_and_keeps_the_eyes_off_their_corners():
    target = np.zeros(T, np.int8)
    target[:100] = target[150:] = GAZE_PARTNER
    partner = angles(90.0, 6.0)  # beside it, a little higher
    full = gz.head_turn(target, partner, gz.HEAD_TURN, 25.0)
    held = gz.head_turn(target, partner, gz.HEAD_TURN, 25.0, glance=True)
    assert full[50, 0] > 60.0  # as before: the head faces the partner in profile
    assert np.abs(held[:, 0]).max() <= gz.GLANCE_DEG + 1e-9
    assert held[50, 0] > 0.9 * gz.GLANCE_DEG  # on a partner look: the whole glance
    assert 0.4 * gz.GLANCE_DEG < held[125, 0] < 0.6 * gz.GLANCE_DEG  # looking away: half of it held
    np.testing.assert_allclose(held[:, 1], full[:, 1])  # pitch as before
    eyes = gz.glance_eyes(partner - held)
    assert np.abs(eyes[:, 0]).max() <= gz.GLANCE_EYE * EYE_YAW_DEG + 1e-9
    np.testing.assert_allclose(eyes[:, 1], (partner - held)[:, 1])
    # a partner within the glance is turned to as before, and share 0 still keeps the head still
    near = angles(25.0)
    np.testing.assert_allclose(
        gz.head_turn(target, near, gz.HEAD_TURN, 25.0, glance=True),
        gz.head_turn(target, near, gz.HEAD_TURN, 25.0),
    )
    assert not gz.head_turn(target, partner, 0.0, 25.0, glance=True).any()
