"""The voices of a take on disk, from the ``dialogue.wav`` that ``animate`` and ``demo`` write beside its
motion files: ``eval behaviour OUT.dualtalk/`` said "n/a (no audio)" for the mouth onsets with the
take's own sound in the folder (review rv40d F6). A stereo file holds A's voice on channel 0 and B's
on 1 (the demo's); a mono one is the take's mix, which both characters hear as their own audio, so a
voice onset there is one out of silence on both (a conservative subset of the turn starts)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...inference.audio.loader import read_channels
from ...inference.behaviour.cues import loudness_db
from ...inference.core.errors import DualTalkError
from ...inference.core.timebase import SAMPLE_RATE

MIX_NAME = "dialogue.wav"  # dualtalk_blender.scene.sound.MIX_NAME: the name animate and demo write


def take_loudness(folder: Path, num_frames: int, fps: float) -> tuple[np.ndarray, np.ndarray] | None:
    """A's and B's own audio level per frame (dB, as the behaviour cues measure it) from the folder's
    ``dialogue.wav``; None when there is none, it cannot be read, or it is not this take's length
    (to a frame): another take's sound would time mouths against voices they never heard."""
    path = folder / MIX_NAME
    if not path.is_file():
        return None
    try:
        x, _ = read_channels(path)
    except DualTalkError:
        return None
    if abs(x.shape[1] / SAMPLE_RATE * fps - num_frames) > 1.0:
        return None
    a, b = (x[0], x[1]) if x.shape[0] == 2 else (x[0], x[0])
    return loudness_db(a, num_frames, fps), loudness_db(b, num_frames, fps)
