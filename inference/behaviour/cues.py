"""What the conversation says about timing: per-frame loudness, pitch, phrases, pauses, laughter.

Everything here is measured from one speaker's own 16 kHz stream and voice-activity flags
at the motion frame rate (25 fps). Phrases are stretches of voice with gaps under
:data:`BRIDGE_S` bridged; a *phrase end* is followed by at least :data:`PAUSE_S` of
silence from that speaker. A *backchannel* is a short phrase (under
:data:`BACKCHANNEL_S`) spoken while the partner holds the floor. Stress peaks are
syllable-rate loudness maxima scored by how loud and how high they are against the
speaker's own median, which is what beats and brow raises follow.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .peaks import find_peaks
from .smoothing import any_within, gaussian_filter1d

SAMPLE_RATE = 16000
BRIDGE_S = 0.2
PAUSE_S = 0.25
BACKCHANNEL_S = 1.0
F0_MIN, F0_MAX = 70.0, 400.0
SILENT_DB = -70.0

# Told before each block of frames is analysed: (share of this analysis done, 0-1, what is being read).
# The behaviour stage reads both voices over the whole recording: 13 s at 20 minutes, with only its
# 0 % and 100 % lines (review 31l F4); a cancel raised here is heard between blocks.
Tick = Callable[[float, str], None]


@dataclass
class Cues:
    """One character's conversational cues, frame-aligned with its motion."""

    speaking: np.ndarray  # (T,) bool, bridged
    loud_db: np.ndarray  # (T,) float32 dB re full scale
    pitch_hz: np.ndarray  # (T,) float32, 0 where unvoiced
    stress: np.ndarray  # (T,) float32 prominence score, 0 outside peaks
    phrase_starts: list[int] = field(default_factory=list)
    phrase_ends: list[int] = field(default_factory=list)  # frame of the last voiced frame + 1
    backchannels: list[int] = field(default_factory=list)  # start frames
    laughter: np.ndarray | None = None  # (T,) bool

    @property
    def num_frames(self) -> int:
        return len(self.speaking)

    @property
    def turn_starts(self) -> list[int]:
        """Phrase starts that are not backchannels."""
        bc = set(self.backchannels)
        return [s for s in self.phrase_starts if s not in bc]


def _frames(
    x: np.ndarray,
    num_frames: int,
    fps: float,
    width: int,
    shift: float = 0.0,
    which: np.ndarray | None = None,
) -> np.ndarray:
    """(T, width) windows of ``x`` centred on each frame's middle (zero padded); frame 0 sits
    ``shift`` frames into ``x``. ``which``: only these frames' windows (indices), in that order."""
    hop = SAMPLE_RATE / fps
    frames = np.arange(num_frames) if which is None else np.asarray(which)
    centres = ((frames + shift + 0.5) * hop).astype(np.int64)
    pad = np.zeros(len(x) + 2 * width, dtype=np.float32)
    pad[width : width + len(x)] = x
    idx = centres[:, None] + np.arange(width)[None, :] + width - width // 2
    return pad[np.clip(idx, 0, len(pad) - 1)]


CHUNK = 3000  # frames analysed at once: two minutes, so an hour-long take never needs GBs


def _clock(seconds: float) -> str:
    """``seconds`` as m:ss."""
    m, sec = divmod(int(seconds), 60)
    return f"{m}:{sec:02d}"


def _chunked(fn, x: np.ndarray, num_frames: int, fps: float, tick: Tick | None = None) -> np.ndarray:
    """Run a per-frame analysis over blocks of frames (each block sees its own samples plus margin);
    ``tick`` is told before each block."""
    hop = SAMPLE_RATE / fps
    out = []
    blocks = -(-num_frames // CHUNK)
    for k, f0 in enumerate(range(0, num_frames, CHUNK)):
        if tick is not None:
            tick(k / blocks, f"{_clock(f0 / fps)} of {_clock(num_frames / fps)}")
        n = min(CHUNK, num_frames - f0)
        margin = 2048
        a = int(f0 * hop)
        lo = max(0, a - margin)
        seg = x[lo : int((f0 + n) * hop) + margin]
        shift = (a - lo) / hop  # frames of margin before the block
        out.append(fn(seg, n, fps, shift, f0))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def loudness_db(x: np.ndarray, num_frames: int, fps: float = 25.0, tick: Tick | None = None) -> np.ndarray:
    """RMS level per frame in dB (50 ms windows), each window's mean removed: a recorder's DC
    offset of 0.005 read every pause at -46 dB instead of silence, and moved nods and gaze.
    ``tick``: told before each block of :data:`CHUNK` frames."""

    def block(seg: np.ndarray, n: int, fps: float, shift: float, first: int) -> np.ndarray:
        seg = seg - np.float32(seg.mean()) if len(seg) else seg  # the bias, also against the zero padding
        win = _frames(seg, n, fps, int(0.05 * SAMPLE_RATE), shift)
        rms = np.sqrt(np.var(win.astype(np.float64), axis=1) + 1e-12)
        return np.maximum(20.0 * np.log10(rms), SILENT_DB).astype(np.float32)

    return _chunked(block, np.asarray(x, dtype=np.float32), num_frames, fps, tick)


def pitch_hz(
    x: np.ndarray,
    num_frames: int,
    fps: float = 25.0,
    voiced_threshold: float = 0.45,
    tick: Tick | None = None,
    only: np.ndarray | None = None,
) -> np.ndarray:
    """Fundamental frequency per frame from the normalised autocorrelation (0 = unvoiced).
    ``tick``: told before each block of :data:`CHUNK` frames. ``only``: (T,) bool, the frames to
    measure (0 elsewhere): each frame's pitch is its own window's, so those frames read exactly as
    over every frame, and the speaker's silences (most of a listener's take) cost nothing."""
    mask = None if only is None else np.asarray(only, dtype=bool).reshape(-1)

    def block(seg: np.ndarray, n: int, fps: float, shift: float, first: int) -> np.ndarray:
        if mask is None:
            return _pitch_block(seg, n, fps, shift, voiced_threshold)
        which = np.flatnonzero(mask[first : first + n])
        out = np.zeros(n, dtype=np.float32)
        if len(which):
            out[which] = _pitch_block(seg, n, fps, shift, voiced_threshold, which)
        return out

    return _chunked(block, np.asarray(x, dtype=np.float32), num_frames, fps, tick)


def _pitch_block(
    x: np.ndarray,
    num_frames: int,
    fps: float,
    shift: float,
    voiced_threshold: float,
    which: np.ndarray | None = None,
) -> np.ndarray:
    """Pitch of each frame (of ``which`` only, when given), each from its own window alone."""
    width = 1024  # 64 ms: two periods of 70 Hz
    win = _frames(x, num_frames, fps, width, shift, which).astype(np.float64)
    win -= win.mean(axis=1, keepdims=True)
    win *= np.hanning(width)[None, :]
    spec = np.fft.rfft(win, n=2 * width, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :width]
    taper = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(width), n=2 * width)) ** 2)[:width]
    ac = ac / np.maximum(taper[None, :], 1e-9)
    energy = ac[:, :1]
    ac = ac / np.maximum(energy, 1e-12)
    lo, hi = int(SAMPLE_RATE / F0_MAX), int(SAMPLE_RATE / F0_MIN)
    seg = ac[:, lo:hi]
    lag = np.argmax(seg, axis=1)
    peak = seg[np.arange(len(seg)), lag]
    f0 = SAMPLE_RATE / (lag + lo)
    voiced = (peak > voiced_threshold) & (energy[:, 0] > 1e-8)
    return np.where(voiced, f0, 0.0).astype(np.float32)


def segments(flags: np.ndarray) -> list[tuple[int, int]]:
    """[(start, stop)) runs of True."""
    f = np.concatenate([[False], np.asarray(flags, dtype=bool), [False]])
    edges = np.flatnonzero(np.diff(f.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def bridge(flags: np.ndarray, gap: int) -> np.ndarray:
    """Fill gaps of at most ``gap`` frames between runs of True."""
    out = np.asarray(flags, dtype=bool).copy()
    runs = segments(out)
    for (_, e), (s, _) in zip(runs[:-1], runs[1:], strict=False):
        if s - e <= gap:
            out[e:s] = True
    return out


STATE_BRIDGE_S = 0.6


def speaking_state(flags: np.ndarray, fps: float) -> np.ndarray:
    """Speaking (True) or listening per frame: own voice with pauses under 0.6 s bridged.

    The layer and the evaluator both use this, so "listening" never means a breath between words.
    """
    return bridge(flags, int(round(STATE_BRIDGE_S * fps)))


def holds_floor(flags: np.ndarray, state: np.ndarray, own_backchannels: Sequence[int]) -> np.ndarray:
    """Frames where a character holds the floor: its speaking ``state`` (:func:`speaking_state` of
    its phrase ``flags``) less each stretch of it made only of its own backchannels (phrase starts
    in ``own_backchannels``: an "mm-hm" or "yeah" while the partner talks).

    A listener's "yeah" is listening with a nod, not a turn (review 31b F5); a "yeah" that runs on
    into the character's own phrase (under 0.6 s apart) starts a turn and keeps the floor. The
    behaviour layer and the evaluator both use this, so a nod with one's own "mm-hm" is a
    listener's nod to both."""
    floor = np.asarray(state, dtype=bool).copy()
    bc = set(own_backchannels)
    starts = [s for s, _ in segments(flags)]
    for s, e in segments(floor):
        inside = starts[bisect.bisect_left(starts, s) : bisect.bisect_left(starts, e)]
        if inside and all(p in bc for p in inside):
            floor[s:e] = False
    return floor


def stress_peaks(loud: np.ndarray, pitch: np.ndarray, speaking: np.ndarray, fps: float) -> np.ndarray:
    """(T,) prominence score at syllable-rate loudness peaks inside speech (0 elsewhere)."""
    t = len(loud)
    out = np.zeros(t, dtype=np.float32)
    if not speaking.any():
        return out
    env = gaussian_filter1d(loud.astype(np.float64), 1.0)
    voiced_db = env[speaking]
    med, spread = float(np.median(voiced_db)), float(np.std(voiced_db) + 1.0)
    f0 = pitch[speaking & (pitch > 0)]
    fmed = float(np.median(f0)) if len(f0) else 0.0
    peaks = find_peaks(env, distance=max(1, int(0.18 * fps)), prominence=2.0)
    for p in peaks:
        if not speaking[p]:
            continue
        z = (env[p] - med) / spread
        if fmed > 0:
            around = pitch[max(0, p - 2) : p + 3]
            around = around[around > 0]
            if len(around):
                z += 1.5 * float(np.log2(np.max(around) / fmed))  # a semitone above ~ +0.12
        out[p] = max(0.0, z + 0.5)
    return out


def laughter(
    x: np.ndarray, loud: np.ndarray, pitch: np.ndarray, speaking: np.ndarray, fps: float
) -> np.ndarray:
    """Frames that sound like laughter: a regular 4-7 Hz burst train, pitched high or breathy.

    Deliberately conservative (speech also has syllables at 4-5 Hz): at least 4 bursts with
    nearly equal spacing, over 1 s, with little pitch contour between them. Misses much real
    laughter, but rarely puts a laugh on ordinary speech.
    """
    t = len(loud)
    out = np.zeros(t, dtype=bool)
    if t < fps:
        return out
    env = loud.astype(np.float64)
    found = find_peaks(env, distance=max(1, int(0.12 * fps)), prominence=9.0)
    peaks = [p for p in found if speaking[p]]
    voiced = pitch[pitch > 0]
    fmed = float(np.median(voiced)) if len(voiced) else 0.0
    run: list[int] = []
    for p in [*peaks, None]:
        if p is not None and run and 0.12 * fps <= p - run[-1] <= 0.3 * fps:
            run.append(p)
            continue
        if len(run) >= 4:
            gaps = np.diff(run)
            regular = np.std(gaps) <= 0.15 * np.mean(gaps) + 0.3
            f = pitch[run[0] : run[-1] + 1]
            f = f[f > 0]
            high = fmed > 0 and len(f) > 0 and np.median(f) > 1.3 * fmed
            breathy = len(f) < 0.2 * (run[-1] - run[0] + 1)
            if regular and (high or breathy) and run[-1] - run[0] >= 0.75 * fps:
                out[run[0] : run[-1] + 2] = True
        run = [p] if p is not None else []
    return out


LOUDNESS_SHARE = (
    0.15  # of a stream's cues, the part its loudness takes (its pitch: the rest, all but the last)
)


def _part(tick: Tick | None, lo: float, hi: float, what: str) -> Tick | None:
    """``tick`` for the part ``lo``-``hi`` of the work, each line saying ``what``."""
    if tick is None:
        return None
    return lambda done, msg: tick(lo + (hi - lo) * done, f"{what}: {msg}" if msg else what)


def conversation_cues(
    audio: np.ndarray,
    active: np.ndarray,
    partner_active: np.ndarray,
    fps: float = 25.0,
    tick: Tick | None = None,
) -> Cues:
    """Cues for one speaker from their own stream and both speakers' activity flags. ``tick`` is
    told the share done as the stream is read, block by block (:data:`CHUNK` frames)."""
    active = np.asarray(active, dtype=bool).reshape(-1)
    partner = np.asarray(partner_active, dtype=bool).reshape(-1)[: len(active)]
    if len(partner) < len(active):
        partner = np.concatenate([partner, np.zeros(len(active) - len(partner), dtype=bool)])
    t = len(active)
    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    loud = loudness_db(x, t, fps, tick=_part(tick, 0.0, LOUDNESS_SHARE, "loudness"))
    # pitch counts only where the speaker speaks: measured there alone
    f0 = pitch_hz(x, t, fps, tick=_part(tick, LOUDNESS_SHARE, 0.95, "pitch"), only=active)
    if tick is not None:
        tick(0.95, "phrases, pauses and laughter")
    f0 = np.where(active, f0, 0.0).astype(np.float32)
    speaking = bridge(active, int(round(BRIDGE_S * fps)))
    cues = Cues(speaking=speaking, loud_db=loud, pitch_hz=f0, stress=stress_peaks(loud, f0, speaking, fps))
    cues.phrase_starts = [s for s, _ in segments(speaking)]
    cues.phrase_ends = phrase_ends(active, fps, loud)
    cues.backchannels = [s for s, _ in backchannels(speaking, partner, fps)]
    cues.laughter = laughter(x, loud, f0, active, fps)
    return cues


QUIET_ABOVE_FLOOR_DB = (
    12.0  # a pause on the loudness: within this of the stream's floor (its 10th percentile)
)


def phrase_ends(flags: np.ndarray, fps: float, loud_db: np.ndarray | None = None) -> list[int]:
    """Frames where a speaker's phrase ends: where the layer's listener nods, blinks and raises its
    brows (the evaluator's timing of nods is to call this too, so the two cannot disagree).

    A phrase ends where the voice flags (``flags``, bridged over :data:`BRIDGE_S`) stop for at least
    :data:`PAUSE_S`, and, given the speaker's loudness (``loud_db``), also where the loudness stays at
    its floor for :data:`PAUSE_S` inside a bridged run while the flags pause there too. The flags'
    hangover takes ~0.16 s off a pause, so a 0.36 s pause between two sentences read 0.2 s, was
    bridged, and a listener never nodded at a sentence end inside the partner's turn (review rv40d F4).
    Such a phrase end is the first quiet frame; the loudness pause has to end inside the run (a run's
    own end stays the flags' end, as before)."""
    flags = np.asarray(flags, dtype=bool).reshape(-1)
    pause = int(round(PAUSE_S * fps))
    runs = segments(bridge(flags, int(round(BRIDGE_S * fps))))
    ends = [
        e
        for i, (_, e) in enumerate(runs)
        if (runs[i + 1][0] if i + 1 < len(runs) else e + pause) - e >= pause
    ]
    if loud_db is None or len(loud_db) == 0 or not runs:
        return ends
    loud = np.asarray(loud_db, dtype=np.float64)[: len(flags)]
    quiet = loud < np.percentile(loud, 10) + QUIET_ABOVE_FLOOR_DB
    inside = [
        q
        for q, qe in segments(quiet)
        if qe - q >= pause and not flags[q:qe].all() and any(s < q and qe < e for s, e in runs)
    ]
    return sorted(ends + inside)


def backchannels(speaking: np.ndarray, partner: np.ndarray, fps: float) -> list[tuple[int, int]]:
    """Short phrases (under 1 s) said while the partner holds the floor (speaks within 1 s)."""
    partner_near = any_within(partner, int(2 * fps) + 1)
    return [
        (s, e)
        for s, e in segments(speaking)
        if (e - s) < BACKCHANNEL_S * fps and partner_near[s:e].mean() > 0.5
    ]
