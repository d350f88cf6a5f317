"""Audio intake: any common form of a dialogue recording -> two 16 kHz streams + who speaks when.

The names below are the contract other parts of the project code against.
"""

from __future__ import annotations

from ..core.timebase import FPS, SAMPLE_RATE
from .dialogue import Dialogue, add_audio_arguments, dialogue_from_args, load_dialogue
from .loader import load_speech
from .normalize import normalize_speech
from .vad import voice_activity

__all__ = [
    "normalize_speech",
    "FPS",
    "SAMPLE_RATE",
    "Dialogue",
    "add_audio_arguments",
    "dialogue_from_args",
    "load_dialogue",
    "load_speech",
    "voice_activity",
]
