"""Names of the motion channels in the two engine spaces.

``flame56`` is what the published DualTalk model predicts: 50 FLAME expression
coefficients, jaw rotation and neck rotation (axis-angle, radians) in the model's
output order ``[exp 0:50, jaw 50:53, neck 53:56]``.

``arkit55`` is what the embedded lite model predicts: the 52 ARKit blendshape weights
(0..1) followed by head rotation as axis-angle radians in the same head frame FLAME
uses for its neck joint (x: pitch, positive = chin down; y: yaw, positive = turn to the
character's left; z: roll). Sharing the frame lets the Blender side key neck and head
rotation with one conversion.
"""

from __future__ import annotations

SPACE_FLAME = "flame56"
SPACE_ARKIT = "arkit55"
SPACES = (SPACE_FLAME, SPACE_ARKIT)

FLAME_EXP = tuple(f"exp_{i:02d}" for i in range(50))
FLAME_JAW = ("jaw_rx", "jaw_ry", "jaw_rz")
FLAME_NECK = ("neck_rx", "neck_ry", "neck_rz")
FLAME56 = FLAME_EXP + FLAME_JAW + FLAME_NECK

ARKIT52 = (
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
    "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
    "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
    "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
    "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
    "noseSneerRight", "tongueOut",
)  # fmt: skip
HEAD = ("head_rx", "head_ry", "head_rz")
ARKIT55 = ARKIT52 + HEAD

CHANNELS = {SPACE_FLAME: FLAME56, SPACE_ARKIT: ARKIT55}

assert len(FLAME56) == 56 and len(ARKIT52) == 52 and len(set(ARKIT52)) == 52
