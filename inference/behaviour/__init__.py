"""The behaviour layer: seeded blinks, gaze, head motion, nods, brows and smiles.

Audio fixes the lips; it does not fix when someone blinks, nods or looks away. A network
trained with squared error on such randomly timed events learns their average, which is
no event at all. This layer adds them after either engine from the conversation's timing
(voice activity, phrase ends, loudness, pitch, laughter), calibrated to how real people
behave (``docs/behaviour.md``). Only numpy and scipy: no torch, no bpy.
"""

from __future__ import annotations

from ..core.gaze import EYE_PITCH_DEG, EYE_YAW_DEG, GAZE_AWAY, GAZE_PARTNER, eye_weights
from .apply import LAYER_CHANNELS, LIP_CHANNELS, apply_behaviour, apply_with_cues, dialogue_cues
from .cues import Cues, conversation_cues
from .settings import LAYERS, MOODS, BehaviourSettings, parse_amount, parse_switch

__all__ = [
    "EYE_PITCH_DEG",
    "EYE_YAW_DEG",
    "GAZE_AWAY",
    "GAZE_PARTNER",
    "LAYERS",
    "LAYER_CHANNELS",
    "LIP_CHANNELS",
    "MOODS",
    "BehaviourSettings",
    "Cues",
    "apply_behaviour",
    "apply_with_cues",
    "conversation_cues",
    "dialogue_cues",
    "eye_weights",
    "parse_amount",
    "parse_switch",
]
