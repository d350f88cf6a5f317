"""The one timebase of the project: 16 kHz mono audio in, 25 motion frames per second out.

Every module that needs the sample rate, the frame rate or "how many frames cover this audio"
imports them from here, so the numbers are written once.
"""

from __future__ import annotations

import math

import numpy as np

SAMPLE_RATE = 16000
FPS = 25
RATE_TOLERANCE = 1e-5  # relative: a float32 rate (6e-8 off) and 30000/1001 beside 29.97 (1e-6) are one


def same_rate(a: float, b: float) -> bool:
    """Whether two frame rates are one: within :data:`RATE_TOLERANCE` of each other, so a rate stored
    as float32 by another tool beside the same rate as float64 is not two (review rv41d F5), while
    29.97 beside 30 (a frame apart every 33 s) still is two. Rates this close drift half a frame only
    after 50,000 frames."""
    return abs(a - b) <= RATE_TOLERANCE * max(abs(a), abs(b))


def rates_shown(a: float, b: float) -> tuple[str, str]:
    """Two frame rates written with the fewest significant digits (six at least) that tell them
    apart, so a refusal never reads "29.97 fps but 29.97 fps" for two rates that differ."""
    for digits in range(6, 18):
        shown = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if shown[0] != shown[1] or a == b:
            return shown
    return repr(float(a)), repr(float(b))


def frames_for(num_samples: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS) -> int:
    """Frames covering ``num_samples``: ``ceil(num_samples / sample_rate * fps)``.

    Computed exactly in integers when a frame is a whole number of samples (16 kHz / 25 fps:
    640), so long recordings never gain or lose a frame to float rounding.
    """
    step = sample_rate / fps
    if step == int(step):
        return -(-int(num_samples) // int(step))
    return math.ceil(num_samples / sample_rate * fps - 1e-9)


def frame_bounds(
    num_samples: int, num_frames: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS
) -> np.ndarray:
    """Sample index where each motion frame starts, and where the last one ends (num_frames + 1 values):
    frame i holds the samples of [i/fps, (i+1)/fps), edges rounded once from the frame times (so any fps
    lines up with the motion) and clipped to the audio."""
    edges = np.round(np.arange(max(num_frames, 0) + 1) * sample_rate / fps).astype(np.int64)
    return np.minimum(edges, int(num_samples))


def audio_frames(
    audio: np.ndarray, num_frames: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS
) -> np.ndarray:
    """The samples of each motion frame, [i/fps, (i+1)/fps), one row per frame (num_frames x
    ceil(sample_rate/fps)), zero-padded where a frame is shorter or lies past the audio's end
    (edges: :func:`frame_bounds`)."""
    x = np.asarray(audio, np.float64).reshape(-1)
    bounds = frame_bounds(x.size, num_frames, sample_rate, fps)
    out = np.zeros((max(num_frames, 0), int(np.ceil(sample_rate / fps))))
    for i in range(num_frames):  # a loop of slices: cheap next to any per-frame analysis
        seg = x[bounds[i] : bounds[i + 1]]
        out[i, : seg.size] = seg
    return out
