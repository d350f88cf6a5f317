"""The keys a reduced take's FBX keeps (``rig/fbx_keys``): every frame within the take's bound of the
sampled curve, and the lips' closures exact. Found on the demo clip's jaw: thinned with the bound
alone, a jaw ramping down into a three-frame hold at shut played -0.1 % open in the middle of it
(and the reduction of the scene's keys, :mod:`.keyreduce`, leaves such a hold up to 1 % open)."""

from __future__ import annotations

import numpy as np
from dualtalk.dualtalk_blender.rig import fbx_keys, keyreduce
from scipy.spatial.transform import Rotation


def played(frames: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.interp(np.arange(n), frames, values)


def test_a_jaw_held_shut_between_syllables_stays_shut_on_every_frame_of_the_hold():
    jaw = np.array([19.2, 14.6, 9.6, 4.7, 0.0, 0.0, 0.0, 2.4, 11.1, 19.0, 27.0])  # DeformPercent
    keep, keyed = keyreduce.reduce_keys(jaw, 1.0)  # the bound alone: the hold is not shut
    assert np.abs(played(np.flatnonzero(keep[:, 0]), keyed[keep[:, 0], 0], len(jaw))[4:7]).max() > 0.1
    [(frames, values)] = fbx_keys.thin([("shape", jaw)])
    assert np.abs(played(frames, values, len(jaw))[4:7]).max() <= 1e-6
    assert np.abs(played(frames, values, len(jaw)) - jaw).max() <= 1.0


def test_the_lips_pressing_shut_play_their_peak_exactly():
    t = np.arange(200) / 25.0
    close = 50.0 * np.clip(np.sin(2 * np.pi * 0.8 * t), 0.0, None) ** 2
    [(frames, values)] = fbx_keys.thin([("shape", close)])
    got = played(frames, values, len(close))
    peaks = [
        k for k in range(1, 199) if close[k] >= close[k - 1] and close[k] >= close[k + 1] and close[k] > 1
    ]
    assert peaks and np.abs(got[peaks] - close[peaks]).max() <= 1e-6
    assert np.abs(got - close).max() <= 1.0
    assert len(frames) < 200 / 2  # still far fewer keys than frames


def test_every_curve_stays_within_its_bound_with_far_fewer_keys():
    rng = np.random.default_rng(3)
    t = np.arange(600)[:, None] / 25.0
    freq, phase = rng.uniform(0.1, 1.0, (3, 6)), rng.uniform(0, 2 * np.pi, (3, 6))
    smooth = sum(np.sin(2 * np.pi * freq[i] * t + phase[i]) for i in range(3)) / 3  # motion as the engine's
    curves = [("shape", 40 + 20 * smooth[:, 0]), ("shape", 30 + 25 * smooth[:, 1]),
              ("rotation", 3 * smooth[:, 2]), ("rotation", 2 * smooth[:, 3]),
              ("translation", np.full(600, 1.45)), ("scale", 1.0 + 1e-9 * rng.normal(size=600))]  # fmt: skip
    bounds = {"shape": 1.0, "rotation": 0.1 / 3}
    for (kind, values), (frames, keyed) in zip(curves, fbx_keys.thin(curves), strict=True):
        error = np.abs(played(frames, keyed, 600) - values).max()
        assert error <= bounds.get(kind, 1e-5 * max(1.0, np.abs(values).max())), (kind, error)
        assert len(frames) < 600 / 2, kind
        if kind in ("translation", "scale"):  # still (to float noise): the clip's two ends
            assert len(frames) == 2


def head_near_gimbal_lock() -> np.ndarray:
    """20 s of a head that nods, turns and tilts by a few degrees (with the tracker's small jitter)
    and holds still for 2 s, on a bone whose rest sits at Y = 70 deg in the file's XYZ Euler angles,
    as the tests' rigs' heads do: Euler degrees, unwrapped as the exporter writes them."""
    t = np.arange(500)[:, None] / 25.0
    turn = np.array([6.0, 6.0, 4.0]) * np.sin(2 * np.pi * np.array([0.31, 0.17, 0.53]) * t + np.arange(3))
    turn += np.random.default_rng(1).normal(0.0, 0.05, turn.shape)
    turn[200:250] = turn[200]  # listening, still
    rest = Rotation.from_euler("xyz", [10.0, 70.0, -5.0], degrees=True)
    euler = (rest * Rotation.from_rotvec(np.radians(turn))).as_euler("xyz", degrees=True)
    return np.degrees(np.unwrap(np.radians(euler), axis=0))


def test_a_heads_rotation_is_held_to_a_tenth_of_a_degree_as_a_turn_not_per_euler_curve():
    """What a user sees is the head's turn: the FBX's three Euler curves together play the sampled
    rotation within 0.1 deg on every frame (the angle of the relative rotation). Near gimbal lock X
    and Z swing by degrees against each other while the head turns by a fraction of one; holding
    each curve to a third of 0.1 deg of its own swing kept twice the keys the turn needs."""
    euler = head_near_gimbal_lock()
    kept = fbx_keys.thin([("rotation", euler[:, axis]) for axis in range(3)])
    file = np.stack(
        [played(frames, values.astype(np.float32), len(euler)) for frames, values in kept], axis=1
    )
    turned = Rotation.from_euler("xyz", file, degrees=True).inv() * Rotation.from_euler(
        "xyz", euler, degrees=True
    )
    assert np.degrees(turned.magnitude()).max() <= 0.1
    keys = sum(len(frames) for frames, _ in kept)
    per_curve = int(
        keyreduce.reduce_keys(euler, np.degrees(keyreduce.rotation_component_tol("XYZ")))[0].sum()
    )
    assert keys < 0.7 * per_curve, (keys, per_curve)  # 486 keys, 967 per curve
    assert np.abs(file[200:250] - euler[200:250]).max() <= 1e-4  # a still head stays still
