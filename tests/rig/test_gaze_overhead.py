"""A partner nearly straight above (or below): yaw measured in the head's horizontal plane grew as
tan(pitch) times the head's small roll, up to 90 degrees, and with yaw and pitch clamped apart the
eyes looked fully sideways, ~35 degrees off the partner. Steep partners' yaw is now measured as if
the head had pitched toward them; partners within 45 degrees up or down keep the exact angles."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import gaze as gz


def _frames(roll_deg: np.ndarray, pitch_deg: float = 0.0) -> np.ndarray:
    """(T, 3, 3) head frames (columns: left, up, forward in world x, z, -y) rolled about forward
    by ``roll_deg`` and pitched up by ``pitch_deg``."""
    out = []
    for r in np.radians(roll_deg):
        c, s = np.cos(r), np.sin(r)
        roll = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])  # about the head's z (forward)
        p = np.radians(pitch_deg)
        pitch = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(p), np.sin(p)], [0.0, -np.sin(p), np.cos(p)]])
        # head axes -> world: left = +x, up = +z, forward = -y
        base = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
        out.append(base @ pitch.T @ roll)
    return np.array(out)


def _plain(frames: np.ndarray, eye: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The angles as measured before: yaw in the head's horizontal plane."""
    local = np.einsum("tji,tj->ti", frames, target - eye)
    yaw = np.degrees(np.arctan2(local[:, 0], local[:, 2]))
    pitch = np.degrees(np.arctan2(local[:, 1], np.hypot(local[:, 0], local[:, 2])))
    return np.stack([yaw, pitch], axis=1)


ROLL = np.array([-3.0, -1.0, -0.2, 0.2, 1.0, 3.0])  # a talking head's small roll, both ways


@pytest.mark.parametrize("ahead", [0.0, 0.02, -0.02, 0.5])
def test_partner_overhead_keeps_the_eyes_centred(ahead):
    frames = _frames(ROLL)
    eye = np.zeros((len(ROLL), 3))
    target = np.tile([0.0, -ahead, 3.0], (len(ROLL), 1))  # 3 m up, ``ahead`` m in front (-y)
    angles = gz.partner_angles(frames, eye, target)
    weights = gz.eye_channels(angles)
    sideways = np.abs(weights["eyeLookOutLeft"] - weights["eyeLookInLeft"])
    assert np.all(angles[:, 1] > 45.0) and np.all(weights["eyeLookUpLeft"] == 1.0)
    assert sideways.max() < 0.2, sideways  # was 1.0 (fully sideways) straight above
    # the yaw left is the partner's true sideways offset: about roll / sin(45 deg)
    assert np.all(np.abs(angles[:, 0]) < 1.6 * np.abs(ROLL) + 1e-9)
    # the head's turn (default share) no longer swings sideways either
    turn = gz.head_turn(np.ones(len(ROLL), np.int8), angles, gz.HEAD_TURN, 25.0)
    assert np.abs(turn[:, 0]).max() < 5.0


def test_partner_below_is_the_mirror():
    frames = _frames(ROLL)
    eye = np.zeros((len(ROLL), 3))
    target = np.tile([0.0, -0.02, -3.0], (len(ROLL), 1))
    angles = gz.partner_angles(frames, eye, target)
    assert np.all(angles[:, 1] < -45.0)
    assert np.all(np.abs(angles[:, 0]) < 1.6 * np.abs(ROLL) + 1e-9)


def test_usual_partners_keep_the_exact_angles():
    """Up to 45 degrees above or below (every usual staging), bit-identical to the plain angles."""
    rng = np.random.default_rng(0)
    n = 400
    frames = _frames(rng.uniform(-10, 10, n), pitch_deg=5.0)
    eye = rng.normal(0, 0.1, (n, 3))
    target = eye + np.column_stack([rng.uniform(-3, 3, n), rng.uniform(-3, 3, n), rng.uniform(-1.5, 1.5, n)])
    plain = _plain(frames, eye, target)
    keep = np.abs(plain[:, 1]) <= gz.STEEP_DEG
    assert keep.sum() > 300
    got = gz.partner_angles(frames, eye, target)
    np.testing.assert_array_equal(got[keep], plain[keep])
    np.testing.assert_array_equal(got[:, 1], plain[:, 1])  # pitch is never changed


def test_yaw_is_continuous_across_the_threshold():
    frames = _frames(np.array([2.0, 2.0]))
    eye = np.zeros((2, 3))
    eps = 1e-6
    yaws = []
    for elev in (gz.STEEP_DEG - 1e-4, gz.STEEP_DEG + 1e-4):
        e = np.radians(elev)
        # a partner 30 degrees to the left in the head's plane, at that elevation (world: -y forward)
        d = np.array([np.cos(e) * np.sin(np.radians(30)), -np.cos(e) * np.cos(np.radians(30)), np.sin(e)])
        yaws.append(gz.partner_angles(frames, eye, np.tile(d * 2.0, (2, 1)))[:, 0])
    assert np.abs(yaws[0] - yaws[1]).max() < 0.01 + eps
