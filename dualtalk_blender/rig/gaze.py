"""Where the eyes must point to look at the partner, from both heads' world positions (no bpy).

The behaviour layer stores a per-frame gaze intent (``gaze_target``: 1 = partner, 0 = away) and
a direction in degrees from that target (``gaze_dir``). On *partner* frames the Blender side
measures, every frame, the direction from the character's eyes to the partner's head in the
character's own head frame (so the eyes stay on the partner while the head nods, and follow a
partner who walks about), adds the layer's micro-saccade offset, and writes it as ``eyeLook*``
weights within the rig's range. *Away* frames keep the layer's own direction.

The head frame is the motion's (see ``inference/core/channels.py``): x = the character's left,
y = up, z = forward out of the face; :data:`.retarget.FRAME_TO_RIG` says how a rig's axes map to it.
"""

from __future__ import annotations

import numpy as np

from ...inference.core.gaze import EYE_PITCH_DEG, EYE_YAW_DEG, GAZE_PARTNER, eye_weights
from .retarget import FRAME_TO_RIG

HEAD_TURN = 0.15  # default share of the partner direction the head turns to (0 = eyes only)
EYE_COMFORT_DEG = (20.0, 12.0)  # yaw, pitch the eyes hold on their own; the head turns for the rest
STEEP_DEG = 45.0  # a partner higher or lower than this: yaw from the sideways offset (partner_angles)
# Two characters whose faces point nearly one way (side by side to the camera, a VTuber or MMD pair;
# one behind the other) glance at each other: the head turns at most GLANCE_DEG toward the partner
# (half of it held, the rest on partner looks) and the eyes at most GLANCE_EYE of their range; turned
# fully, such a pair faced each other in profile for the whole take (~73 deg at 1 m). The glance is
# weighted by how far apart they face (glance_weight): whole within GLANCE_FROM_DEG, none from
# TURN_FROM_DEG (a corner, a two-shot, face to face: turned as ever), eased between, so a 1-deg change
# in the staging no longer switches a 20-deg glance to a 50-deg turn.
GLANCE_FROM_DEG = 30.0
TURN_FROM_DEG = 90.0
GLANCE_DEG = 20.0
GLANCE_EYE = 0.85
GLANCE, TURN = "glance", "turn"  # --side-by-side: such a pair glances (the default), or turns fully
SIDE_BY_SIDE = (GLANCE, TURN)


def head_frames(world_rot: np.ndarray, rest_rot: np.ndarray, up_axis: str) -> np.ndarray:
    """(T, 3, 3) columns = world directions of the character's left, up and forward.

    ``world_rot`` (T, 3, 3) is the head's evaluated world orientation per frame and ``rest_rot``
    its orientation in the rig at rest (a bone's ``matrix_local``; identity for an object), so
    a rig rotated to face its partner, and a head turned by its animation, both count.
    """
    to_rig = FRAME_TO_RIG["Y" if up_axis == "Y" else "Z"]
    return np.asarray(world_rot, dtype=np.float64) @ np.asarray(rest_rot, dtype=np.float64).T @ to_rig


def partner_angles(frames: np.ndarray, eye_pos: np.ndarray, target_pos: np.ndarray) -> np.ndarray:
    """(T, 2) degrees (yaw to the character's left +, pitch up +) from the eyes to the target."""
    v = np.asarray(target_pos, dtype=np.float64) - np.asarray(eye_pos, dtype=np.float64)
    local = np.einsum("tji,tj->ti", frames, v)  # H^T v
    yaw = np.degrees(np.arctan2(local[:, 0], local[:, 2]))
    pitch = np.degrees(np.arctan2(local[:, 1], np.hypot(local[:, 0], local[:, 2])))
    steep = np.abs(pitch) > STEEP_DEG
    if steep.any():
        yaw[steep] = _steep_yaw(local[steep], pitch[steep])
    return np.stack([yaw, pitch], axis=1)


def _steep_yaw(local: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """Yaw (degrees) toward a partner more than :data:`STEEP_DEG` above or below, measured as if
    the head had pitched toward it until it sat :data:`STEEP_DEG` up (or down): pitching turns
    about the head's x, so the partner's sideways offset is kept. Measured in the head's
    horizontal plane instead, yaw grows as tan(pitch) times the head's roll, up to 90 degrees for a
    partner nearly overhead, and the eyes (and the head's turn), each axis clamped on its own,
    swung fully sideways. Equal to the plain yaw at the threshold: the angles stay continuous."""
    tilt = np.radians(np.abs(pitch) - STEEP_DEG)
    up = np.sign(pitch) * local[:, 1]
    forward = local[:, 2] * np.cos(tilt) + up * np.sin(tilt)
    return np.degrees(np.arctan2(local[:, 0], forward))


def gaze_angles(gaze_target: np.ndarray, gaze_dir: np.ndarray, to_partner: np.ndarray) -> np.ndarray:
    """(T, 2) eye angles in the head frame: the partner's direction plus the layer's offset on
    partner frames, the layer's own direction on away frames."""
    partner = np.asarray(gaze_target) == GAZE_PARTNER
    out = np.asarray(gaze_dir, dtype=np.float64).copy()
    out[partner] += np.asarray(to_partner, dtype=np.float64)[partner]
    return out


def eye_channels(angles: np.ndarray) -> dict[str, np.ndarray]:
    """eyeLook* weights for (T, 2) angles, saturating at the rig's range."""
    return eye_weights(np.asarray(angles, dtype=np.float64))


def _ease(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along time (numpy only: Blender ships no scipy)."""
    radius = int(3 * sigma) + 1
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(x, ((radius, radius), (0, 0)), mode="edge")
    return np.stack([np.convolve(padded[:, i], kernel, mode="valid") for i in range(x.shape[1])], axis=1)


def head_turn(
    gaze_target: np.ndarray, to_partner: np.ndarray, share: float, fps: float, glance: float = 0.0
) -> np.ndarray:
    """(T, 2) degrees the head turns toward the partner.

    A partner beyond the eyes' comfortable range (:data:`EYE_COMFORT_DEG`) gets a slow, lasting
    turn of the head (people face whom they talk to, and glance away with the eyes); on partner
    frames the head also takes ``share`` of the rest, eased over ~0.3 s. ``share`` 0 keeps the
    head out of it entirely (eyes only, saturating at their range). ``glance`` (0 to 1, a pair
    facing nearly one way, :func:`glance_weight`): at 1 the lasting turn holds at most half of
    :data:`GLANCE_DEG` and the whole turn at most :data:`GLANCE_DEG`, the eyes not caught up
    (:func:`glance_eyes` caps them); between 0 and 1 the yaw is that share of the way from the full
    turn to the glance; 0 is the full turn, exactly as without it.
    """
    if share <= 0:
        return np.zeros((len(gaze_target), 2))
    full = _turn(gaze_target, to_partner, share, fps, capped=False)
    if glance <= 0:
        return full
    held = _turn(gaze_target, to_partner, share, fps, capped=True)
    if glance >= 1:
        return held
    out = full.copy()
    out[:, 0] += glance * (held[:, 0] - full[:, 0])
    return out


def _turn(
    gaze_target: np.ndarray, to_partner: np.ndarray, share: float, fps: float, capped: bool
) -> np.ndarray:
    """:func:`head_turn` fully (``capped`` False) or as a whole glance."""
    a = np.asarray(to_partner, dtype=np.float64)
    excess = np.sign(a) * np.maximum(np.abs(a) - np.asarray(EYE_COMFORT_DEG)[None, :], 0.0)
    if capped:
        excess[:, 0] = np.clip(excess[:, 0], -GLANCE_DEG / 2, GLANCE_DEG / 2)
    posture = _ease(excess, 1.5 * fps)
    on = (np.asarray(gaze_target) == GAZE_PARTNER)[:, None]
    turn = posture + _ease(np.where(on, share * (a - posture), 0.0), 0.3 * fps)
    # while on the partner, never leave the eyes more than they can turn (easing must not cost aim)
    reach = np.array([EYE_YAW_DEG, EYE_PITCH_DEG])[None, :]
    out = np.where(on, a - np.clip(a - turn, -reach, reach), turn)
    if capped:
        out[:, 0] = np.clip(turn[:, 0], -GLANCE_DEG, GLANCE_DEG)
    return out


def facing_apart(own: np.ndarray, partner: np.ndarray) -> float | None:
    """How far apart (degrees, 0 to 180) two characters' faces point over most of the take (the
    median), from each one's (T, 2) angles to the other (:func:`partner_angles`): yaw(A->B) -
    yaw(B->A) + 180, 0 side by side to the camera, 180 face to face; None when nothing was read."""
    n = min(len(own), len(partner))
    if n == 0:
        return None
    apart = np.asarray(own, dtype=np.float64)[:n, 0] - np.asarray(partner, dtype=np.float64)[:n, 0] + 180.0
    return float(np.median(np.abs((apart + 180.0) % 360.0 - 180.0)))


def glance_weight(apart: float | None) -> float:
    """How much of a glance a pair facing ``apart`` degrees apart (:func:`facing_apart`) takes: 1
    within :data:`GLANCE_FROM_DEG`, 0 from :data:`TURN_FROM_DEG` on (or nothing read), smoothstep
    eased between so the heads move with the staging, never jump."""
    if apart is None or apart >= TURN_FROM_DEG:
        return 0.0
    if apart <= GLANCE_FROM_DEG:
        return 1.0
    t = (TURN_FROM_DEG - apart) / (TURN_FROM_DEG - GLANCE_FROM_DEG)
    return float(t * t * (3.0 - 2.0 * t))


def glance_eyes(to_partner: np.ndarray, glance: float = 1.0) -> np.ndarray:
    """The partner's direction left for the eyes in a glance (``glance``: its weight, 0 to 1), its
    yaw within their range less ``glance`` of the :data:`GLANCE_EYE` margin: a partner beyond the
    head's glance and the eyes' reach is looked toward, not stared at with the eyes pinned in their
    corners. A weight of 0 leaves them as they are."""
    out = np.array(to_partner, dtype=np.float64)
    if glance <= 0:
        return out
    reach = (1.0 - min(glance, 1.0) * (1.0 - GLANCE_EYE)) * EYE_YAW_DEG
    out[:, 0] = np.clip(out[:, 0], -reach, reach)
    return out
