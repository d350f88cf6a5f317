"""Gaze conventions shared by the behaviour layer and the Blender side (numpy only).

A motion file's optional ``gaze_target`` holds the intent per frame (:data:`GAZE_PARTNER` or
:data:`GAZE_AWAY`) and ``gaze_dir`` a direction in degrees, yaw to the character's left +,
pitch up +, measured from the intent's target (the partner's head, or straight ahead).
``eyeLook*`` weights express directions within the eyes' range: a weight of 1 turns the eye
:data:`EYE_YAW_DEG` sideways or :data:`EYE_PITCH_DEG` up or down, the same range the Blender
side gives eye bones.
"""

from __future__ import annotations

import numpy as np

GAZE_AWAY, GAZE_PARTNER = 0, 1
EYE_YAW_DEG = float(np.degrees(0.5))
EYE_PITCH_DEG = float(np.degrees(0.35))
EYE_LOOK = (
    "eyeLookUpLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft",
    "eyeLookUpRight", "eyeLookDownRight", "eyeLookInRight", "eyeLookOutRight",
)  # fmt: skip


def eye_weights(direction: np.ndarray) -> dict[str, np.ndarray]:
    """eyeLook* weights for directions (T, 2) degrees; beyond the eyes' range they saturate at 1."""
    d = np.asarray(direction, dtype=np.float64).reshape(-1, 2)
    yaw, pitch = d[:, 0] / EYE_YAW_DEG, d[:, 1] / EYE_PITCH_DEG
    left, right = np.clip(yaw, 0, 1), np.clip(-yaw, 0, 1)
    up, down = np.clip(pitch, 0, 1), np.clip(-pitch, 0, 1)
    # looking to the character's left: the left eye turns out, the right eye turns in
    return {
        "eyeLookUpLeft": up, "eyeLookDownLeft": down, "eyeLookOutLeft": left, "eyeLookInLeft": right,
        "eyeLookUpRight": up, "eyeLookDownRight": down, "eyeLookInRight": left, "eyeLookOutRight": right,
    }  # fmt: skip


def eye_angles(weights: dict[str, np.ndarray], side: str = "Left") -> np.ndarray:
    """Inverse of :func:`eye_weights` for one eye: (T, 2) degrees from its eyeLook* weights."""
    out_sign = 1.0 if side == "Left" else -1.0  # looking out = towards the eye's own side
    yaw = out_sign * (np.asarray(weights[f"eyeLookOut{side}"]) - weights[f"eyeLookIn{side}"]) * EYE_YAW_DEG
    pitch = (np.asarray(weights[f"eyeLookUp{side}"]) - weights[f"eyeLookDown{side}"]) * EYE_PITCH_DEG
    return np.stack([yaw, pitch], axis=1)
