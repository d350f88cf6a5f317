"""The one timebase of the project: 16 kHz mono audio in, 25 motion frames per second out.

Every module that needs the sample rate, the frame rate or "how many frames cover this audio"
imports them from here, so the numbers are written once.
"""

from __future__ import annotations

import math

SAMPLE_RATE = 16000
FPS = 25


def frames_for(num_samples: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS) -> int:
    """Frames covering ``num_samples``: ``ceil(num_samples / sample_rate * fps)``.

    Computed exactly in integers when a frame is a whole number of samples (16 kHz / 25 fps:
    640), so long recordings never gain or lose a frame to float rounding.
    """
    step = sample_rate / fps
    if step == int(step):
        return -(-int(num_samples) // int(step))
    return math.ceil(num_samples / sample_rate * fps - 1e-9)
