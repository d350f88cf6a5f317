"""Lip release: lips held shut while the mouth sounds open move toward the frame beside them.

The lite network blurs a frame of timing. A /p b m/ it hears becomes a closure two or three
frames long (40 ms frames), and one of those frames is often the vowel beside it: "map" shuts
its "a". But an open mouth radiates the vowel's second and third formants (1-4 kHz), and lips
that are together do not: a bilabial stop is silent, and an /m/ or a listener's "mm-hmm" is a
nasal hum with its energy below 500 Hz. So, per character, each run of shut frames with an open
frame on both sides is looked at against that character's own audio. Shut is what the evaluator
calls shut: an aperture (``jawOpen - mouthClose + 0.3 mouthLowerDown``) below :data:`CLOSED_FRACTION`
of the take's open aperture (the median over the frames that sound open), so a vowel the network
leaves barely open after a closure counts too. Frames of the run whose 1-4 kHz energy is within
:data:`LOUD_DB` of the take's level in that band (its 95th percentile over frames) move
``amount`` of the way to the nearest frame outside the run, in the mouth and jaw channels only.
If every frame of a run is loud, its quietest stays shut, so every closure the network made
keeps at least one closed frame; a one-frame closure is never touched, nor are pauses and hums,
nor anything but the drawn mouth channels.

Chosen by measurement (MODEL_CARD.md, rounds 22 and 24): on the LibriVox clips the shipped weights
with the release (0.75, a quarter of the open aperture) shut 12 % of open vowels instead of 17 %
and keep every bilabial closure.
Runs after the engine and before the transcript and the behaviour layer; ARKit motion only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..core.channels import ARKIT52
from ..core.request import BY_NAME
from ..core.timebase import FPS, SAMPLE_RATE, audio_frames
from .visemes import drawn_channels

# how far a released frame moves toward its open neighbour (0 off, 1 all the way): the option's default
DEFAULT_AMOUNT = float(BY_NAME["lip_release"].default or 0.0)
LOUD_DB = 15.0  # a frame this close to the take's 1-4 kHz level (dB) sounds too open for closed lips
CLOSED_FRACTION = 0.25  # shut: aperture below this share of the take's open aperture (the evaluator's test)
BAND_HZ = (1000.0, 4000.0)  # an open mouth's F2/F3; closed lips (stops, /m/, hums) radiate little here
SPEECH_LEVEL_PERCENTILE = 95.0  # the take's level: this percentile of the frames' band energy
APERTURE_WEIGHTS = {
    "jawOpen": 1.0,
    "mouthClose": -1.0,
    "mouthLowerDownLeft": 0.15,
    "mouthLowerDownRight": 0.15,
}


def frame_band_db(
    audio: np.ndarray, num_frames: int, sample_rate: int = SAMPLE_RATE, fps: float = FPS
) -> np.ndarray:
    """Per frame, the energy of the samples of [i/fps, (i+1)/fps) between :data:`BAND_HZ`, in dB
    against the take's level in that band (its 95th percentile over frames).

    Frames past the end of the audio read as silence (-200 dB, kept finite)."""
    if num_frames <= 0:
        return np.zeros(0)
    frames = audio_frames(audio, num_frames, sample_rate, fps)
    size = frames.shape[1]
    freqs = np.fft.rfftfreq(size, 1.0 / sample_rate)
    band = (freqs >= BAND_HZ[0]) & (freqs < BAND_HZ[1])
    energy = np.sqrt((np.abs(np.fft.rfft(frames, axis=1)[:, band]) ** 2).sum(axis=1))
    level = float(np.percentile(energy, SPEECH_LEVEL_PERCENTILE))
    if level <= 0.0:
        return np.full(num_frames, -200.0)
    return np.maximum(20.0 * np.log10(np.maximum(energy, 1e-12) / level), -200.0)


def aperture(values: np.ndarray, channels: tuple[str, ...] | list[str]) -> np.ndarray:
    """Per frame, how far apart the lips are: jawOpen - mouthClose + 0.3 mouthLowerDown (L/R mean)."""
    cols = [list(channels).index(name) for name in APERTURE_WEIGHTS]
    return np.asarray(values, np.float64)[:, cols] @ np.array(list(APERTURE_WEIGHTS.values()))


def closed_runs(opening: np.ndarray) -> list[tuple[int, int]]:
    """Runs [start, end) of frames with the lips shut (``opening < 0``) and an open frame on both sides
    (:func:`release_values` passes the aperture less its shut threshold)."""
    shut = np.concatenate([[False], np.asarray(opening) < 0.0, [False]]).astype(np.int8)
    edges = np.diff(shut)
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    n = len(opening)
    return [(int(s), int(e)) for s, e in zip(starts, ends, strict=True) if s > 0 and e < n]


def release_values(
    values: np.ndarray,
    channels: tuple[str, ...] | list[str],
    band_db: np.ndarray,
    amount: float = DEFAULT_AMOUNT,
    loud_db: float = LOUD_DB,
) -> np.ndarray:
    """``values`` (frames x channels, ARKit names) with the frames of each closed run that sound open
    (``band_db`` from :func:`frame_band_db` above ``-loud_db``) released."""
    out = np.array(values, dtype=np.float32, copy=True)
    if amount <= 0.0 or len(out) < 3:
        return out
    mouth = [list(channels).index(ARKIT52[i]) for i in drawn_channels()]
    src = np.asarray(values, np.float32)
    loud_all = np.asarray(band_db) > -loud_db
    opening = aperture(values, channels)
    # the take's open aperture: the median over the frames that sound open (mostly vowels)
    reference = float(np.median(opening[loud_all])) if loud_all.any() else 0.0
    for start, end in closed_runs(opening - CLOSED_FRACTION * max(reference, 0.0)):
        loud = loud_all[start:end].copy()
        if loud.all():
            loud[int(np.argmin(band_db[start:end]))] = False  # the run keeps one shut frame
        for k in np.flatnonzero(loud) + start:
            near = start - 1 if k - (start - 1) <= end - k else end
            out[k, mouth] = (1.0 - amount) * src[k, mouth] + amount * src[near, mouth]
    return out


def release_motion(motion: Any, audio: np.ndarray, amount: float = DEFAULT_AMOUNT) -> Any:
    """An ARKit :class:`~..core.motion.Motion` with its lips released against its character's ``audio``;
    ``meta["lip_release"]`` records the amount, 0 too (a take made with the pass off is told apart
    from one made before the pass existed). Other spaces come back unchanged; ``amount`` 0 (and a
    take under 3 frames) leaves the values as they are."""
    if motion.space != "arkit55":
        return motion
    meta = {**motion.meta, "lip_release": float(amount)}
    if amount <= 0.0 or motion.num_frames < 3:
        return dataclasses.replace(motion, meta=meta)
    level = frame_band_db(audio, motion.num_frames, SAMPLE_RATE, motion.fps)
    values = release_values(motion.values, list(motion.channels), level, amount)
    return dataclasses.replace(motion, values=values, meta=meta)
