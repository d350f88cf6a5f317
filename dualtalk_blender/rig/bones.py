"""Rotations a take keys on bones (head, neck, jaw, eyes) or the object: pure numpy, no bpy.

The Blender side reads each rotated bone once (:class:`BonePose`: its rotation mode, the
rotation it holds now, its rest axes in armature space) plus the rests an earlier take
recorded, and keys the :class:`RotationTrack` values :func:`rotation_tracks` returns. Every
rotation is composed onto a *rest* orientation: the pose the bone held when its first take was
keyed, kept in the take's metadata, so re-generating composes onto the same pose and not onto
the previous take's last evaluated frame. A bone the animator animates holds no one pose: what it
held at Generate was their key at the playhead, so the take composes onto the bone's own rest
(:attr:`BonePose.keyed`) and is the same take on whichever frame Generate ran (review rv43a F1).
Keys that hold one pose (a bow auto-key left as one key) are a pose they set: the take composes onto
it, as onto a pose set without keys (review rv43e F1).

Motion rotations are axis-angle in the motion's head frame (see ``inference/core/channels.py``);
:data:`.retarget.FRAME_TO_RIG` maps that frame onto a Z-up or Y-up rig.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import keyreduce, retarget
from .layer_names import drive_layer
from .plan import cols, head_channels

OBJECT = ""  # the key of the object itself (a rig without a head bone) among bone names


@dataclass
class BoneDrive:
    """A bone rotated by a linear mix of channels: rotvec (bone-local) = values @ matrix."""

    bone: str
    channels: list[str]
    matrix: np.ndarray  # (len(channels), 3) radians per unit
    frame: str = "bone"  # "bone": matrix is in the bone's own axes; "head": in the motion's head frame


@dataclass(frozen=True)
class BonePose:
    """What the Blender side reads off one rotated bone (or the object) before keying."""

    rotation_mode: str  # QUATERNION / AXIS_ANGLE / an Euler order such as XYZ
    basis: np.ndarray  # (4,) (w, x, y, z): the rotation it holds now (its matrix_basis)
    axes: np.ndarray | None = None  # (3, 3) bone rest orientation in armature space; None: the object
    # the animator's own keys (or drivers) turn it: UNDER the take's layers (theirs before the first
    # take, or kept beneath it: the take replaces them), HELD under it in one pose, OVER them (a fix
    # keyed on top), "" none
    keyed: str = ""
    held: np.ndarray | None = None  # (4,) (w, x, y, z): the one pose their keys hold (keyed HELD)


UNDER, HELD, OVER = "under", "held", "over"  # :attr:`BonePose.keyed`
IDENTITY = np.array([1.0, 0.0, 0.0, 0.0])  # a bone's own rest (its matrix_basis at rest)


@dataclass
class RotationTrack:
    """One bone's (or the object's) keyed rotation."""

    bone: str  # pose bone name, or OBJECT
    prop: str  # rotation_quaternion / rotation_axis_angle / rotation_euler
    values: np.ndarray  # (T, k) float32, one column per component
    rest: np.ndarray  # (k,) the value under the layer (what influence 0 shows)
    tol: float  # allowed error per component when keys are reduced
    layer: str


def stored_rests(meta: Mapping[str, object]) -> dict[str, np.ndarray]:
    """The rest orientations an earlier take recorded (``meta["rest"]``), by bone.

    Entries that are not four finite numbers of non-zero length (a hand-edited property) are
    left out, so that bone composes onto its current pose instead of failing the take.
    """
    rests = meta.get("rest")
    out: dict[str, np.ndarray] = {}
    if not isinstance(rests, Mapping):
        return out
    for bone, quat in rests.items():
        try:
            q = np.asarray(quat, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if q.shape == (4,) and np.isfinite(q).all() and float(q @ q) > 0.0:
            out[str(bone)] = q
    return out


def rest_rotation(bone: str, pose: BonePose, stored: Mapping[str, np.ndarray]) -> np.ndarray:
    """The orientation (w, x, y, z) ``bone``'s rotations are composed onto: the recorded one if an
    earlier take kept it, else the pose it holds now.

    Where the animator's keys turn the bone, the pose it holds now is their key at the playhead:
    composed onto, it leant the whole take by their pose on one frame (28 degrees on every frame when
    Generate ran at the shot's end, 2 at its start). Under the take, their keys are what its layer
    replaces, so it turns from the bone's rest, also over a rest an earlier take recorded from such a
    pose; a fix they keyed over an earlier take keeps that take's rest (it is an offset from it).
    Keys under the take that hold one pose (:data:`HELD`) are a pose they set: it is composed onto
    (dropped, a one-key 30-degree bow left the take upright: review rv43e F1)."""
    if pose.keyed == HELD and pose.held is not None:
        return np.asarray(pose.held, dtype=np.float64)
    if pose.keyed == UNDER:
        return IDENTITY.copy()
    if bone in stored:
        return np.asarray(stored[bone], dtype=np.float64)
    if pose.keyed:
        return IDENTITY.copy()
    return np.asarray(pose.basis, dtype=np.float64)


def head_rotvecs(head: np.ndarray, head_frame: str, axes: np.ndarray | None) -> np.ndarray:
    """Head-frame axis-angle (T, 3) -> the head bone's (or, ``axes`` None, the object's) local frame.

    ``head_frame`` "bone" means the rig's bone axes are the motion's head frame already (the
    FLAME add-on); on the object such a rig is Y-up.
    """
    if axes is None:
        return retarget.rig_rotvecs(head, "Y" if head_frame == "bone" else head_frame)
    if head_frame == "bone":
        return head
    return retarget.rig_rotvecs(head, head_frame, axes)


def drive_rotvecs(
    values: np.ndarray, space: str, drive: BoneDrive, head_frame: str, axes: np.ndarray | None
) -> np.ndarray:
    """(T, 3) bone-local rotation vectors of a :class:`BoneDrive` (jaw, eyes, custom-map bones).

    Drives written in the head frame (eye bones) are turned into the bone's axes with the rig's
    up axis; a FLAME-style rig ("bone" head frame) counts as Z-up there.
    """
    rv = values[:, cols(space, drive.channels)].astype(np.float64) @ drive.matrix
    if drive.frame != "head":
        return rv
    up = head_frame if head_frame in ("Y", "Z") else "Z"
    return retarget.rig_rotvecs(rv, up, axes)


def rotation_track(bone: str, quats: np.ndarray, rest: np.ndarray, mode: str, layer: str) -> RotationTrack:
    """Quaternions (T, 4) as the values of the rotation property ``mode`` uses, with the rest under
    them on the same hemisphere (a partial influence then blends the short way)."""
    prop, vals = retarget.rotation_channels(quats, mode)
    _, rest_vals = retarget.rotation_channels(np.asarray(rest, dtype=np.float64)[None, :], mode)
    if mode == "QUATERNION" and len(vals) and float(rest_vals[0] @ vals[0]) < 0:
        rest_vals = -rest_vals
    tol = keyreduce.rotation_component_tol(mode)
    return RotationTrack(bone, prop, vals.astype(np.float32), rest_vals[0], tol, layer)


def rotation_tracks(
    values: np.ndarray,
    space: str,
    *,
    head: str | None,
    head_frame: str,
    drives: Sequence[BoneDrive],
    poses: Mapping[str, BonePose],
    stored: Mapping[str, np.ndarray],
) -> tuple[list[RotationTrack], dict[str, list[float]]]:
    """Every rotation a take keys, and the rest each was composed onto (to record with the take).

    ``values``: (T, C) rig values in ``space`` (:func:`.plan.rig_values`); ``head``: the bone
    that turns the head, OBJECT for the object itself, None for no head motion; ``drives``:
    the other bones (a drive of the head bone is left to the head); ``poses``: a
    :class:`BonePose` for the head and every driven bone.
    """
    tracks: list[RotationTrack] = []
    used: dict[str, list[float]] = {}

    def add(bone: str, rotvecs: np.ndarray, layer: str) -> None:
        pose = poses[bone]
        rest = rest_rotation(bone, pose, stored)
        used[bone] = [float(v) for v in rest]
        quats = retarget.compose(rest, rotvecs)
        tracks.append(rotation_track(bone, quats, rest, pose.rotation_mode, layer))

    if head is not None:
        head_rv = values[:, cols(space, head_channels(space))].astype(np.float64)
        add(head, head_rotvecs(head_rv, head_frame, poses[head].axes), "head")
    for drive in drives:
        if drive.bone != head:
            rv = drive_rotvecs(values, space, drive, head_frame, poses[drive.bone].axes)
            add(drive.bone, rv, drive_layer(drive.channels, drive.matrix))
    return tracks, used
