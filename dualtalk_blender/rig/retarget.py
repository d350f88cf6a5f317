"""Array-level retargeting: intensity groups, smoothing, fps resampling, rotation formats.

Everything here works on whole (frames, channels) arrays with numpy only (Blender ships
numpy but not scipy), never looping over frames in Python, and imports no bpy so it is
testable anywhere. Quaternions are Blender-ordered ``(w, x, y, z)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

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
    """Gaussian temporal smoothing along frames (edges held): one vectorised add per tap."""
    if sigma_frames <= 0 or len(values) < 2:
        return values
    radius = max(1, int(np.ceil(4.0 * sigma_frames)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma_frames) ** 2)
    taps /= taps.sum()
    padded = np.concatenate([np.repeat(values[:1], radius, 0), values, np.repeat(values[-1:], radius, 0)])
    out = np.zeros(values.shape, dtype=np.float64)
    n = len(values)
    for i, w in enumerate(taps):
        out += w * padded[i : i + n]
    return out.astype(values.dtype)


def resample(values: np.ndarray, fps_in: float, fps_out: float, lead: float = 0.0) -> np.ndarray:
    """Resample (T, C) from ``fps_in`` to ``fps_out`` covering the same duration (T / fps_in s).

    Linear interpolation at the exact output instants; when reducing the rate by more
    than a quarter, a Gaussian low-pass first so fast motion does not alias. ``lead``: seconds the
    first output frame lies after the first input frame (a re-generated range starts on one of the
    take's engine frames, a little before the scene frame it is keyed from), so the output instants
    are the ones the whole take was sampled at.
    """
    values = np.asarray(values, dtype=np.float32)
    n_in = len(values)
    if n_in == 0 or (abs(fps_in - fps_out) < 1e-9 and lead == 0.0):
        return values.copy()
    ratio = fps_in / fps_out
    if ratio > 4.0 / 3.0:
        values = smooth(values, 0.5 * ratio)
    # Same duration: n_in frames of 1/fps_in s each -> round(n_in * fps_out / fps_in) frames (as many
    # with a lead: the frames counted before keying); instants past the last input frame hold it.
    n_out = max(1, int(round(n_in * fps_out / fps_in)))
    pos = np.minimum(lead * fps_in + np.arange(n_out) * ratio, n_in - 1)
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


def quat_from_rotvec(rotvec: np.ndarray) -> np.ndarray:
    """(T, 3) axis-angle -> (T, 4) unit quaternions (w, x, y, z)."""
    r = np.asarray(rotvec, dtype=np.float64).reshape(-1, 3)
    angle = np.linalg.norm(r, axis=1)
    half = 0.5 * angle
    # sin(a/2)/a, with its series near 0 so tiny rotations stay exact
    k = np.where(angle > 1e-8, np.sin(half) / np.where(angle > 1e-8, angle, 1.0), 0.5 - angle**2 / 48.0)
    return np.concatenate([np.cos(half)[:, None], r * k[:, None]], axis=1)


def quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product of (..., 4) quaternions (w, x, y, z); broadcasts."""
    aw, ax, ay, az = np.moveaxis(np.asarray(a, dtype=np.float64), -1, 0)
    bw, bx, by, bz = np.moveaxis(np.asarray(b, dtype=np.float64), -1, 0)
    return np.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        axis=-1,
    )


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """(T, 4) (w, x, y, z) -> (T, 3, 3) rotation matrices."""
    q = np.asarray(q, dtype=np.float64)
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )


def compose(rest: np.ndarray, rotvecs: np.ndarray) -> np.ndarray:
    """Rest orientation (w, x, y, z) followed by per-frame local rotations: q_rest * q_t."""
    return quat_mul(np.asarray(rest, dtype=np.float64)[None, :], quat_from_rotvec(rotvecs))


_EVEN = {"XYZ", "YZX", "ZXY"}


def matrix_to_euler(m: np.ndarray, mode: str) -> np.ndarray:
    """(T, 3, 3) -> (T, 3) Euler angles in x, y, z property order for a Blender order.

    Blender's ``"XYZ"`` means R = Rz @ Ry @ Rx. Other orders are the same formula after
    permuting axes; odd permutations mirror the frame, which flips the angles' signs.
    """
    perm = ["XYZ".index(a) for a in mode]
    sign = 1.0 if mode in _EVEN else -1.0
    p = np.asarray(m)[:, perm][:, :, perm]  # R' = P^T R P in the permuted axes
    if sign < 0:
        p = p.copy()
        p[:, 0, 1] *= -1
        p[:, 0, 2] *= -1
        p[:, 1, 0] *= -1
        p[:, 1, 2] *= -1
        p[:, 2, 0] *= -1
        p[:, 2, 1] *= -1
    a = np.arctan2(p[:, 2, 1], p[:, 2, 2])
    b = np.arcsin(np.clip(-p[:, 2, 0], -1.0, 1.0))
    c = np.arctan2(p[:, 1, 0], p[:, 0, 0])
    out = np.empty((len(p), 3))
    out[:, perm[0]], out[:, perm[1]], out[:, perm[2]] = a, b, c
    return out


def rotation_channels(quats: np.ndarray, mode: str) -> tuple[str, np.ndarray]:
    """Blender rotation property and its (T, k) values for a rotation mode.

    Quaternions are kept on one hemisphere frame to frame, Euler angles are unwrapped,
    so interpolation never takes the long way round.
    """
    q = np.asarray(quats, dtype=np.float64)
    q = q / np.linalg.norm(q, axis=1, keepdims=True)
    if mode == "QUATERNION":
        if len(q) > 1:
            flips = np.sign(np.einsum("ij,ij->i", q[1:], q[:-1]))
            flips[flips == 0] = 1.0
            q = q * np.concatenate([[1.0], np.cumprod(flips)])[:, None]
        if len(q) and q[0, 0] < 0:
            q = -q
        return "rotation_quaternion", q
    if mode == "AXIS_ANGLE":
        q = np.where(q[:, :1] < 0, -q, q)
        s = np.linalg.norm(q[:, 1:], axis=1)
        angle = 2.0 * np.arctan2(s, q[:, 0])
        axis = np.zeros((len(q), 3))
        axis[:, 1] = 1.0
        nz = s > 1e-12
        axis[nz] = q[nz, 1:] / s[nz, None]
        return "rotation_axis_angle", np.concatenate([angle[:, None], axis], axis=1)
    if len(mode) == 3 and set(mode) == {"X", "Y", "Z"}:
        e = matrix_to_euler(quat_to_matrix(q), mode)
        return "rotation_euler", np.unwrap(e, axis=0) if len(e) > 1 else e
    raise ValueError(f"unknown rotation mode {mode!r}")
