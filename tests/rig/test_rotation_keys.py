"""A bone's rotation in a reduced FBX is held to an angle (``rig/rotation_keys``): whatever the head
does, the three Euler curves the file keeps play the sampled rotation within the bound on every
frame, measured exactly (scipy's rotations, not the module's own), including where the small-angle
model the thinning uses is wrong: at gimbal lock, and with bounds of degrees."""

from __future__ import annotations

import numpy as np
import pytest
from dualtalk.dualtalk_blender.rig import fbx_keys, rotation_keys
from scipy.spatial.transform import Rotation


def exporter_euler(rotation: Rotation) -> np.ndarray:
    """XYZ Euler degrees, unwrapped (continuous) as the FBX exporter writes a bone's curves."""
    return np.degrees(np.unwrap(np.radians(rotation.as_euler("xyz", degrees=True)), axis=0))


def worst_angle(keep: np.ndarray, keyed: np.ndarray, euler: np.ndarray) -> np.ndarray:
    """Per bone, the largest angle between the played and the sampled rotation (degrees)."""
    file = rotation_keys.played(keep, keyed)
    worst = []
    for bone in range(euler.shape[1]):
        turn = Rotation.from_euler("xyz", file[:, bone], degrees=True).inv()
        worst.append(
            np.degrees((turn * Rotation.from_euler("xyz", euler[:, bone], degrees=True)).magnitude()).max()
        )
    return np.array(worst)


def test_the_angle_is_scipys_angle_between_the_two_rotations():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-180, 180, (200, 3)), rng.uniform(-180, 180, (200, 3))
    b[:100] = a[:100] + rng.normal(0.0, 1e-3, (100, 3))  # near: where arccos would lose it
    expected = np.degrees(
        (
            Rotation.from_euler("xyz", a, degrees=True).inv() * Rotation.from_euler("xyz", b, degrees=True)
        ).magnitude()
    )
    assert np.allclose(rotation_keys.rotation_angle(a, b), expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("rest_y", [0.0, 70.0, 85.0])
def test_a_head_turning_through_gimbal_lock_stays_within_a_tenth_of_a_degree(rest_y):
    """A head that nods by 12 deg on a bone resting at Y = 85 deg passes Y = 90 (X and Z flip about
    there), and a random walk wanders: the bound holds on every frame all the same."""
    rng = np.random.default_rng(int(rest_y))
    t = np.arange(600)[:, None] / 25.0
    nod = 12.0 * np.sin(2 * np.pi * np.array([0.31, 0.17, 0.53]) * t + np.arange(3))
    walk = np.cumsum(rng.normal(0.0, 0.4, (600, 3)), axis=0)
    rest = Rotation.from_euler("xyz", [0.0, rest_y, 0.0], degrees=True)
    euler = np.stack(
        [exporter_euler(rest * Rotation.from_rotvec(np.radians(m))) for m in (nod, walk)], axis=1
    )
    keep, keyed = rotation_keys.thin_rotations(euler, 0.1, 1e-4, 0.1 / 3)
    assert np.all(worst_angle(keep, keyed, euler) <= 0.1)
    assert keep.sum() < 0.9 * keep.size


@pytest.mark.parametrize("bound", [1.0, 5.0, 20.0])
def test_a_bound_of_degrees_is_still_held_exactly(bound):
    """Far outside the small-angle model (a 20 deg bound misses on the first try): measured, and
    thinned again tighter until it holds."""
    walk = np.cumsum(np.random.default_rng(1).normal(0.0, 3.0, (600, 3)), axis=0)
    rest = Rotation.from_euler("xyz", [0.0, 80.0, 0.0], degrees=True)
    euler = exporter_euler(rest * Rotation.from_rotvec(np.radians(walk)))[:, None]
    keep, keyed = rotation_keys.thin_rotations(euler, bound, 1e-4, bound / 3)
    assert worst_angle(keep, keyed, euler)[0] <= bound
    assert keep.sum() < keep.size


def test_a_rotation_with_a_broken_curve_is_written_on_every_frame_and_the_rest_thinned():
    """A driver gone wrong plays NaN on one axis of a bone: its angle is unknown, so all three of
    its curves are written as sampled; the other bone and the shape keys are thinned as ever."""
    t = np.arange(300) / 25.0
    smooth = 20.0 * np.sin(2 * np.pi * 0.2 * t)
    broken = smooth.copy()
    broken[100] = np.nan
    curves = [("shape", 40 + smooth), ("rotation", smooth), ("rotation", broken), ("rotation", -smooth),
              ("rotation", smooth), ("rotation", 0.5 * smooth), ("rotation", -smooth)]  # fmt: skip
    kept = fbx_keys.thin(curves)
    assert [len(frames) for frames, _ in kept[1:4]] == [300, 300, 300]
    assert np.array_equal(kept[2][1], broken, equal_nan=True)
    assert all(len(frames) < 100 for frames, _ in [kept[0], *kept[4:]])


def test_a_bone_every_try_misses_is_thinned_per_component_within_the_angle(monkeypatch):
    """The last resort (never seen): each axis within a third of the bound, which holds whatever
    the rotation."""
    monkeypatch.setattr(rotation_keys, "RETRIES", ())
    walk = np.cumsum(np.random.default_rng(2).normal(0.0, 0.4, (600, 3)), axis=0)
    rest = Rotation.from_euler("xyz", [0.0, 80.0, 0.0], degrees=True)
    euler = exporter_euler(rest * Rotation.from_rotvec(np.radians(walk)))[:, None]
    keep, keyed = rotation_keys.thin_rotations(euler, 0.1, 1e-4, 0.1 / 3)
    assert worst_angle(keep, keyed, euler)[0] <= 0.1
    assert np.abs(rotation_keys.played(keep, keyed) - euler).max() <= 0.1 / 3 + 1e-5  # per component
