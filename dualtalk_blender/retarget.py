"""Array-level retargeting: intensity groups, smoothing, fps resampling, rotation formats.

Everything here works on whole (frames, channels) arrays with numpy/scipy, never looping
over frames in Python, and imports no bpy so it is testable anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

GROUPS = ("mouth", "brows", "eyes", "cheeks", "head")

# Motion frame (FLAME head frame: x = character's left, y = up, z = forward out of the face)
# expressed in a rig frame. "Z" rigs follow Blender's convention (character faces -Y, Z up);
# "Y" rigs are Y-up with the face towards +Z (FBX/Mixamo armatures, the FLAME add-on).
FRAME_TO_RIG = {
    "Z": np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]),
    "Y": np.eye(3),
}


def channel_group(channel: str) -> str:
    """Intensity group of a motion channel (ARKit or FLAME name)."""
    c = channel.lower()
    if c.startswith(("head_", "neck_")):
        return "head"
    if c.startswith("brow"):
        return "brows"
    if c.startswith("eye"):
        return "eyes"
    if c.startswith(("cheek", "nose")):
        return "cheeks"
    return "mouth"  # mouth*, jaw*, tongueOut and FLAME exp_* / jaw_*


def intensity_vector(channels: Sequence[str], intensities: Mapping[str, float]) -> np.ndarray:
    """(C,) multiplier per channel from per-group intensities (missing groups = 1)."""
    return np.array([float(intensities.get(channel_group(c), 1.0)) for c in channels], dtype=np.float32)


def smooth(values: np.ndarray, sigma_frames: float) -> np.ndarray:
    """Gaussian temporal smoothing along frames (edges held)."""
    if sigma_frames <= 0 or len(values) < 2:
        return values
    return gaussian_filter1d(values, sigma=float(sigma_frames), axis=0, mode="nearest").astype(values.dtype)


def resample(values: np.ndarray, fps_in: float, fps_out: float) -> np.ndarray:
    """Resample (T, C) from ``fps_in`` to ``fps_out`` over the same duration.

    Linear interpolation at the exact output instants; when reducing the rate by more
    than a quarter, a Gaussian low-pass first so fast motion does not alias.
    """
    values = np.asarray(values, dtype=np.float32)
    n_in = len(values)
    if n_in == 0 or abs(fps_in - fps_out) < 1e-9:
        return values.copy()
    ratio = fps_in / fps_out
    if ratio > 4.0 / 3.0:
        values = smooth(values, 0.5 * ratio)
    last_t = (n_in - 1) / fps_in
    n_out = int(np.floor(last_t * fps_out + 1e-6)) + 1
    pos = np.arange(n_out) * ratio
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    frac = (pos - i0).astype(np.float32)[:, None]
    return values[i0] * (1.0 - frac) + values[i1] * frac


def rig_rotvecs(rotvec: np.ndarray, up_axis: str, bone_rest: np.ndarray | None = None) -> np.ndarray:
    """Head-frame axis-angle (T, 3) -> rotation vectors in a bone's (or object's) local frame.

    ``bone_rest`` is the bone's 3x3 rest orientation in armature space; a rotation about
    an armature-space axis ``a`` is a rotation about ``B^T a`` in the bone's frame.
    """
    r = np.asarray(rotvec, dtype=np.float64) @ FRAME_TO_RIG[up_axis].T
    if bone_rest is not None:
        r = r @ np.asarray(bone_rest, dtype=np.float64)  # row-vector form of B^T r
    return r


def compose(rest: Rotation, rotvecs: np.ndarray) -> Rotation:
    """Rest orientation followed by per-frame local rotations (R_rest @ R_t)."""
    return rest * Rotation.from_rotvec(rotvecs)


def rotation_channels(rot: Rotation, mode: str) -> tuple[str, np.ndarray]:
    """Blender rotation property and its (T, k) values for a rotation mode.

    Quaternions are kept on one hemisphere frame to frame, Euler angles are unwrapped,
    so interpolation never takes the long way round.
    """
    if mode == "QUATERNION":
        q = rot.as_quat()[:, [3, 0, 1, 2]]  # scipy xyzw -> Blender wxyz
        if len(q) > 1:
            flips = np.sign(np.einsum("ij,ij->i", q[1:], q[:-1]))
            flips[flips == 0] = 1.0
            sign = np.concatenate([[1.0], np.cumprod(flips)])
            q = q * sign[:, None]
        if len(q) and q[0, 0] < 0:
            q = -q
        return "rotation_quaternion", q
    if mode == "AXIS_ANGLE":
        rv = rot.as_rotvec()
        angle = np.linalg.norm(rv, axis=1)
        axis = np.zeros_like(rv)
        axis[:, 1] = 1.0
        nz = angle > 1e-12
        axis[nz] = rv[nz] / angle[nz, None]
        return "rotation_axis_angle", np.concatenate([angle[:, None], axis], axis=1)
    if len(mode) == 3 and set(mode) == {"X", "Y", "Z"}:
        # Blender Euler "XYZ" applies X, then Y, then Z about fixed axes = scipy extrinsic "xyz".
        e = rot.as_euler(mode.lower())
        order = ["XYZ".index(a) for a in mode]
        out = np.empty_like(e)
        out[:, order] = e  # back to x, y, z property order
        return "rotation_euler", np.unwrap(out, axis=0) if len(out) > 1 else out
    raise ValueError(f"unknown rotation mode {mode!r}")
