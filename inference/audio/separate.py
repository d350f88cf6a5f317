"""Per-speaker streams from one mixed track and a list of turns.

Each speaker's stream is the mix gated by that speaker's segments, with short
raised-cosine fades at segment edges so the audio encoder never sees hard clicks.
Where both speakers' segments overlap, both streams carry the mix (said: :func:`overlap_warning`).

A turns file is often a few tenths of a second off the voice (subtitle slop, a hand-made label
track): the network hears exactly the gated span, so a late start makes every mouth open late and
an early one lets the incoming character mouth the partner's last words (review 31b, finding 4).
Each segment's edges are therefore snapped to the voice found in the mix (:func:`snap_spans`).
"""

from __future__ import annotations

import numpy as np

from ..core.timebase import FPS, SAMPLE_RATE, frames_for
from .turns import Segment
from .vad import ON_ABOVE_FLOOR_DB, frame_levels, voice_activity

FADE_S = 0.02
SNAP_S = 0.3  # a segment edge moves to the voice's onset/offset when it lies this close


def segment_gain(
    segments: list[tuple[float, float]], num_samples: int, sr: int = SAMPLE_RATE, fade_s: float = FADE_S
) -> np.ndarray:
    """(N,) gain in [0, 1]: 1 inside segments, raised-cosine ramps of ``fade_s`` outside their edges."""
    gain = np.zeros(num_samples, dtype=np.float32)
    fade = max(1, int(round(fade_s * sr)))
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade + 2)[1:-1])).astype(np.float32)
    for start, end in segments:
        s = max(0, int(round(start * sr)))
        e = min(num_samples, int(round(end * sr)))
        if e <= 0 or s >= num_samples:
            continue
        gain[s:e] = 1.0
        # fade in before s, fade out after e (the segment itself stays at full level)
        a0 = max(0, s - fade)
        gain[a0:s] = np.maximum(gain[a0:s], ramp[fade - (s - a0) :])
        b1 = min(num_samples, e + fade)
        gain[e:b1] = np.maximum(gain[e:b1], ramp[::-1][: b1 - e])
    return gain


def segment_frames(
    segments: list[tuple[float, float]], num_samples: int, sr: int = SAMPLE_RATE, fps: int = FPS
) -> np.ndarray:
    """(T,) bool: frames whose span overlaps a segment by at least half a frame."""
    t = frames_for(num_samples, sr, fps)
    cover = np.zeros(t, dtype=np.float32)
    for start, end in segments:
        f0, f1 = start * fps, end * fps
        i0, i1 = max(0, int(np.floor(f0))), min(t, int(np.ceil(f1)))
        for i in range(i0, i1):
            cover[i] += max(0.0, min(i + 1, f1) - max(i, f0))
    return cover >= 0.5


def _snap_start(i: int, stop: int, voiced: np.ndarray, partner: np.ndarray, reach: int) -> int:
    """The frame a segment starting at frame ``i`` (ending at ``stop``) starts at, by the voice."""
    t = len(voiced)
    if i < t and voiced[i]:  # the voice is already on: back to its onset, never into the partner's turn
        j = i
        while j > 0 and voiced[j - 1] and not partner[j - 1] and i - j < reach:
            j -= 1
        return j if j == 0 or not voiced[j - 1] else i  # no onset near (mid-speech): as given
    for j in range(i, min(t, i + reach + 1, stop)):  # the file starts before the voice: on to it
        if voiced[j]:
            return j
    return i


def _sound_onset(
    k: int, i: int, voiced: np.ndarray, sound: np.ndarray, partner: np.ndarray, reach: int
) -> int:
    """A voice onset at frame ``k`` moved back over the sound that leads into it (the first soft
    syllable the voice activity counts from its louder part), at most ``reach`` frames from ``i``."""
    if k >= len(voiced) or not voiced[k] or (k > 0 and voiced[k - 1]):
        return k  # mid-speech, not an onset
    j = k
    while j > 0 and sound[j - 1] and not partner[j - 1] and i - (j - 1) <= reach:
        j -= 1
    return j


def _snap_end(e: int, start: int, voiced: np.ndarray, partner: np.ndarray, reach: int) -> int:
    """The (exclusive) frame a segment ending at frame ``e`` (starting at ``start``) ends at."""
    t = len(voiced)
    if 0 < e <= t and voiced[e - 1]:  # the voice goes on: on to its offset, never into the partner's turn
        j = e
        while j < t and voiced[j] and not partner[j] and j - e < reach:
            j += 1
        return j if j == t or not voiced[j] else e
    for j in range(min(e, t) - 1, max(start, e - 1 - reach - 1), -1):  # the voice stopped before: back to it
        if voiced[j]:
            return j + 1
    return e


def snap_spans(
    spans: list[tuple[float, float]],
    partner: list[tuple[float, float]],
    voiced: np.ndarray,
    num_samples: int,
    sr: int = SAMPLE_RATE,
    fps: int = FPS,
    reach_s: float = SNAP_S,
    sound: np.ndarray | None = None,
) -> list[tuple[float, float]]:
    """``spans`` (seconds) with each edge moved to the voice's onset/offset in ``voiced`` (one flag
    per frame of the mix) where one lies within ``reach_s``. An edge moves out only over frames
    outside the ``partner``'s spans, so the partner's words are never let in; one with no onset or
    offset near it (mid-speech, an overlap) stays as given."""
    voiced = np.asarray(voiced, bool)
    theirs = segment_frames(partner, num_samples, sr, fps)[: len(voiced)]
    theirs = np.pad(theirs, (0, len(voiced) - len(theirs)))
    reach = int(round(reach_s * fps))
    out = []
    for start, end in spans:
        i, e = int(round(start * fps)), int(round(end * fps))
        s1 = _snap_start(i, e, voiced, theirs, reach)
        if sound is not None:
            s1 = _sound_onset(s1, i, voiced, np.asarray(sound, bool), theirs, reach)
        e1 = _snap_end(e, s1, voiced, theirs, reach)
        # an edge that did not move keeps its exact time; a segment the voice never fills stays as given
        new_start = start if s1 == i else s1 / fps
        new_end = end if e1 == e else e1 / fps
        out.append((new_start, new_end) if new_end > new_start else (start, end))
    return out


def overlap_seconds(segments: list[Segment], speaker_a: str, speaker_b: str | None) -> float:
    """Seconds where the turns have both speakers speaking (each speaker's turns merged first)."""
    if speaker_b is None:
        return 0.0

    def merged(who: str) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for g in sorted((g for g in segments if g.speaker == who), key=lambda g: g.start):
            if out and g.start <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], g.end))
            else:
                out.append((g.start, g.end))
        return out

    both = 0.0
    for s0, e0 in merged(speaker_a):
        for s1, e1 in merged(speaker_b):
            both += max(0.0, min(e0, e1) - max(s0, s1))
    return both


def overlap_warning(segments: list[Segment], speaker_a: str, speaker_b: str | None, name: str) -> str | None:
    """One line saying where the turns have both speaking: one microphone cannot be separated, so
    both characters hear (and mouth) the whole mix there (review 31b, finding 1)."""
    both = overlap_seconds(segments, speaker_a, speaker_b)
    if both < 0.05:  # under about a frame: nothing a viewer sees
        return None
    return f"{name}: {both:.1f} s where both speak in the turns file: both characters mouth the mixed sound there"


def split_mix(
    mix: np.ndarray,
    segments: list[Segment],
    speaker_a: str,
    speaker_b: str | None,
    sr: int = SAMPLE_RATE,
    voiced: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, frames_a, frames_b) from a mono mix and turns (times relative to ``mix``).

    ``voiced``: the mix's voice activity per frame (:func:`~.vad.voice_activity`; found here when
    not given), to which each segment's edges are snapped (:func:`snap_spans`)."""
    n = len(mix)
    given_a = [(s.start, s.end) for s in segments if s.speaker == speaker_a]
    given_b = [(s.start, s.end) for s in segments if speaker_b is not None and s.speaker == speaker_b]
    if voiced is None:
        voiced = voice_activity(mix, sr=sr)
    level = frame_levels(mix, sr)
    sound = level > np.percentile(level, 10) + ON_ABOVE_FLOOR_DB if len(level) else level > 0
    spans_a = snap_spans(given_a, given_b, voiced, n, sr, sound=sound)
    spans_b = snap_spans(given_b, given_a, voiced, n, sr, sound=sound)
    a = (mix * segment_gain(spans_a, n, sr)).astype(np.float32)
    b = (mix * segment_gain(spans_b, n, sr)).astype(np.float32)
    return a, b, segment_frames(spans_a, n, sr), segment_frames(spans_b, n, sr)
