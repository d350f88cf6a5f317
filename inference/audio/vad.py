"""Voice activity per 25-fps frame, robust to the partner's voice bleeding in.

Energy with hysteresis is the core: it is deterministic, fast and needs no model.
Thresholds adapt to each stream (noise floor and speech level from percentiles, never
below an absolute floor), and when the partner's stream is given a frame only counts
as speech if its level clearly exceeds the bleed we expect from the partner: the
bleed attenuation is measured per recording from frames where the partner is loud.

Optionally (``method="silero"``) the packaged Silero VAD model (MIT, shipped inside
the ``silero-vad`` wheel, loaded offline with ``torch.jit``) vetoes frames that are
loud but not speech (clicks, music, breath). Any failure to load it falls back to the
energy path.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from ..core.timebase import FPS, SAMPLE_RATE, frames_for
from .speech_band import band_sos, sosfilt, zero_state

ABS_FLOOR_DB = -55.0  # nothing quieter is speech in a stream at full level (take_floor: a quiet one)
REF_LOUD_DB = -20.0  # a take whose loud speech sits below this is quiet: its floor drops by the difference,
MAX_FLOOR_SHIFT_DB = 45.0  # by at most this much,
NOISE_MARGIN_DB = 25.0  # and never to within this of a stream's own noise floor (room tone stays below it)
ON_ABOVE_FLOOR_DB = 12.0  # speech starts this far above the noise floor ...
BELOW_PEAK_DB = 32.0  # ... or at most this far below the stream's loud speech level
STEADY_DB = 6.0  # less level spread than this (10th to 95th percentile) is steady noise
HYSTERESIS_DB = 5.0  # and stays on until it falls this much below the on threshold
BLEED_MARGIN_DB = 8.0  # own level must beat the expected bleed by this much
BLEED_PERCENTILE = 75.0  # upper part of the bleed spread: residual cross-talk varies a lot
MIN_SPEECH_S = 0.12
MAX_GAP_S = 0.2
HANGOVER_S = 0.04
SHORT_ALONE_S = 0.6  # a stretch of speech this short with no other speech of the stream within
ALONE_WITHIN_S = 1.0  # this on either side (an "mm-hm" or a cough, a click, a cup set down) ...
VOICED_FRAMES = 2  # ... is speech only with at least this many voiced (pitched) frames
VOICED_PEAK = 0.35  # normalised autocorrelation at the pitch period (white noise: about 0.1)
F0_RANGE_HZ = (70.0, 400.0)


FILTER_BLOCK = 1 << 20  # samples band-passed at a time (filter state carried across blocks)
BAND_LOW_HZ, BAND_HIGH_HZ = 100.0, 4000.0  # the speech band levels are measured in (.speech_band)

# integer PCM -> float as the file reader (libsndfile) scales it: (offset, full scale)
PCM_SCALE = {
    np.dtype(np.int8): (0.0, 2.0**7),
    np.dtype(np.uint8): (128.0, 2.0**7),  # 8-bit WAV is unsigned, silence at 128
    np.dtype(np.int16): (0.0, 2.0**15),
    np.dtype(np.int32): (0.0, 2.0**31),
}


def one_stream(x: object, who: str = "the stream") -> np.ndarray:
    """``x`` as one speaker's float32 samples, exactly as the file reader gives a file's channel.

    One channel: a 1-D array (an ``(N, 1)`` or ``(1, N)`` array is one too); a stereo ``(N, 2)``
    array is refused (pass one channel per speaker, e.g. ``x[:, 0]`` and ``x[:, 1]``).
    Integer PCM is scaled to [-1, 1] as libsndfile reads a PCM file (int16 / 32768, int32 / 2**31,
    int8 / 128, uint8 (x - 128) / 128); float samples are taken as they are, so they must already be
    in [-1, 1]: NaN/Inf, and samples beyond ``MAX_PEAK`` (the file reader's limit: integer PCM cast
    to float without scaling), are refused. ``who`` names the array in the one-line
    :class:`~..core.errors.DualTalkError`.
    """
    from ..core.errors import DualTalkError
    from .loader import MAX_PEAK

    arr = np.asarray(x)
    if sum(n > 1 for n in arr.shape) > 1:
        raise DualTalkError(
            f"{who} has shape {arr.shape}: give one channel per speaker (a 1-D array each), "
            "e.g. x[:, 0] for A and x[:, 1] for B of a stereo (N, 2) array read with soundfile"
        )
    arr = arr.reshape(-1)
    if arr.dtype.kind in "iuf" and not arr.dtype.isnative:  # e.g. big-endian int16 read raw
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.dtype.kind in "iu":
        if arr.dtype not in PCM_SCALE:
            raise DualTalkError(
                f"{who} holds {arr.dtype} samples; give float samples in [-1, 1] or int8/uint8/int16/int32 PCM"
            )
        offset, scale = PCM_SCALE[arr.dtype]
        return ((arr.astype(np.float64) - offset) / scale).astype(np.float32)
    if arr.dtype.kind != "f":
        raise DualTalkError(
            f"{who} holds {arr.dtype} values, not audio samples; give float samples in [-1, 1]"
        )
    out = np.ascontiguousarray(arr, dtype=np.float32)
    if out.size:
        lo, hi = float(out.min()), float(out.max())  # NaN and Inf carry through min/max: no big temporaries
        if not (math.isfinite(lo) and math.isfinite(hi)):
            bad = int(np.count_nonzero(~np.isfinite(out)))
            raise DualTalkError(f"{who} contains {bad} NaN or Inf samples")
        peak = max(-lo, hi)
        if peak > MAX_PEAK:
            raise DualTalkError(
                f"{who} has samples of magnitude {peak:.3g}; expected audio in [-1, 1] (integer samples "
                "cast to float? divide int16 by 32768, or pass the integer array as it is)"
            )
    return out


def frame_levels(x: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS) -> np.ndarray:
    """(T,) level in dBFS per frame: band-passed power over a centred window of two frames.

    Works in bounded extra memory (one float32 copy plus a filter block), so a
    multi-hour stream costs little more than the stream itself.
    """
    x = np.asarray(x).reshape(-1)
    t = frames_for(len(x), sr, fps)
    if t == 0:
        return np.zeros(0)
    sq = np.empty(len(x), dtype=np.float32)
    if len(x) > 32:
        sos = band_sos(sr, BAND_LOW_HZ, min(BAND_HIGH_HZ, 0.45 * sr))
        zi = zero_state(sos)
        for i in range(0, len(x), FILTER_BLOCK):
            y, zi = sosfilt(sos, x[i : i + FILTER_BLOCK].astype(np.float64), zi=zi)
            sq[i : i + len(y)] = y * y
    else:
        sq[:] = np.asarray(x, dtype=np.float64) ** 2
    # sums over half frames, then a centred window of four halves = two frames (80 ms at 25 fps),
    # which smooths word-internal dips
    hop = sr / fps
    grid = np.round(np.arange(2 * t + 1) * hop / 2).astype(np.int64)
    bounds = np.clip(grid, 0, len(sq))
    starts = bounds[:-1]
    halves = np.add.reduceat(sq, np.minimum(starts, len(sq) - 1)).astype(
        np.float64
    )  # float32 is exact enough for a few hundred samples
    halves[starts >= bounds[1:]] = 0.0  # reduceat gives the element itself for empty spans (past the end)
    # the last frame is zero-padded to full length: a few trailing samples do not count as a loud frame
    counts = np.diff(grid).astype(np.float64)
    ones = np.ones(4)
    win_sum = np.convolve(np.concatenate([[0.0], halves, [0.0]]), ones, mode="valid")[0::2][:t]
    win_cnt = np.convolve(np.concatenate([[0.0], counts, [0.0]]), ones, mode="valid")[0::2][:t]
    return 10.0 * np.log10(win_sum / np.maximum(win_cnt, 1.0) + 1e-12)


def take_floor(*levels: np.ndarray) -> float:
    """The absolute speech floor (dBFS) for a stream (or streams) with these frame levels.

    Gain is arbitrary (32-bit float recorders are often left near -40 dBFS; the AMI meeting
    mixes' speech sits at -30 to -50; one lavalier's preamp set 30-45 dB below its partner's), so
    the floor follows the loudest given stream down: :func:`energy_activity` gives each stream its
    own, so a quiet speaker beside a loud one keeps its speech. Room noise on a silent speaker's
    mic stays out because :func:`_thresholds` keeps the floor :data:`NOISE_MARGIN_DB` above each
    stream's own noise floor; the partner's bleed, because of the bleed test.
    """
    loud = max((float(np.percentile(v, 95)) for v in levels if len(v)), default=REF_LOUD_DB)
    return ABS_FLOOR_DB - min(MAX_FLOOR_SHIFT_DB, max(0.0, REF_LOUD_DB - loud))


def _thresholds(level: np.ndarray, abs_floor: float = ABS_FLOOR_DB) -> tuple[float, float]:
    floor = float(np.percentile(level, 10))
    loud = float(np.percentile(level, 95))
    spread = loud - floor
    if spread < STEADY_DB:  # a steady hum or hiss has no syllables: nothing here is speech
        return np.inf, np.inf
    lowest = max(abs_floor, min(ABS_FLOOR_DB, floor + NOISE_MARGIN_DB))  # see take_floor
    on = max(lowest, floor + min(ON_ABOVE_FLOOR_DB, 0.5 * spread), loud - BELOW_PEAK_DB)
    return on, on - HYSTERESIS_DB


def _hysteresis(level: np.ndarray, on: np.ndarray, off: np.ndarray) -> np.ndarray:
    out = np.zeros(len(level), dtype=bool)
    state = False
    for i, v in enumerate(level):
        state = v > on[i] if not state else v > off[i]
        out[i] = state
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int, bool]]:
    """(start, end, value) runs of a boolean array."""
    if len(mask) == 0:
        return []
    change = np.flatnonzero(np.diff(mask.astype(np.int8))) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(mask)]])
    return [(int(s), int(e), bool(mask[s])) for s, e in zip(starts, ends, strict=True)]


def fill_gaps(mask: np.ndarray, fps: int = FPS) -> np.ndarray:
    """``mask`` with its gaps of at most :data:`MAX_GAP_S` between two runs filled (a copy)."""
    m = np.asarray(mask, dtype=bool).copy()
    gap = int(round(MAX_GAP_S * fps))
    for s, e, v in _runs(m):
        if not v and s > 0 and e < len(m) and e - s <= gap:
            m[s:e] = True
    return m


def clean_activity(mask: np.ndarray, fps: int = FPS) -> np.ndarray:
    """Fill short gaps, drop blips, add a little hangover, so mouths do not flicker."""
    m = drop_blips(fill_gaps(mask, fps), fps)
    hang = int(round(HANGOVER_S * fps))
    if hang:
        grown = m.copy()
        for k in range(1, hang + 1):
            grown[k:] |= m[:-k]
            grown[:-k] |= m[k:]
        m = grown
    return m


def drop_blips(mask: np.ndarray, fps: int = FPS) -> np.ndarray:
    """``mask`` without its runs of speech shorter than :data:`MIN_SPEECH_S` (a copy)."""
    m = np.asarray(mask, dtype=bool).copy()
    shortest = max(1, int(round(MIN_SPEECH_S * fps)))
    for s, e, v in _runs(m):
        if v and e - s < shortest:
            m[s:e] = False
    return m


SOLO_GAP_DB = 30.0  # own-dominant and partner-dominant frames this far apart (level difference): two voices
SOLO_WIDTH_DB = 8.0  # a stream's solo frames: its level difference within this of its extreme
NORM_BLEED_DB = 15.0  # a quiet mic's bleed candidates sit this far below the partner in its own units
EQUAL_GAIN_DB = 3.0  # mics within this of each other are taken as set alike (the raw 6 dB cut, as before);
CUT_SLOPE = 2.5  # beyond it the cut moves down this many dB per dB of offset, to NORM_BLEED_DB below


def gain_offset(level: np.ndarray, partner_level: np.ndarray) -> float | None:
    """How many dB this stream's speech sits above the partner's (negative: a quieter mic), from each
    stream's own solo speech; None when this stream has no speech of its own apart from the partner's bleed.

    Solo frames are those where the level difference (this minus partner) is near its extreme for the
    stream that is loud there: only that voice is on. Their 90th-percentile levels are each mic's own
    speech level, so a lavalier left 12-45 dB low is compared to its partner in its own units (bleed on
    a partner's lav sits 20-30 dB below the source whatever the gains; overlapping speech does not).
    A listener whose mic only carries the partner's bleed has no solo frames apart from that bleed.
    """
    on, _ = _thresholds(level, take_floor(level))
    p_on, _ = _thresholds(partner_level, take_floor(partner_level))
    own, partner = level > on + 6.0, partner_level > p_on + 6.0
    if own.sum() < 5 or partner.sum() < 5:
        return None
    diff = level - partner_level
    hi, lo = float(np.percentile(diff[own], 90)), float(np.percentile(diff[partner], 10))
    if hi - lo < SOLO_GAP_DB:
        return None
    solo, p_solo = own & (diff > hi - SOLO_WIDTH_DB), partner & (diff < lo + SOLO_WIDTH_DB)
    return float(np.percentile(level[solo], 90) - np.percentile(partner_level[p_solo], 90))


def bleed_attenuation(
    level: np.ndarray, partner_level: np.ndarray, abs_floor: float = ABS_FLOOR_DB
) -> float | None:
    """How many dB the partner's voice is attenuated in this stream (None if not measurable).

    Measured on frames where the partner is clearly speaking and this stream is much
    quieter (so mostly bleed): the upper part of the level difference there. "Much quieter" is in
    each stream's own units (:func:`gain_offset`) once the gains differ: on a quiet mic the quiet
    speaker's words over the loud one's are not bleed, however low its preamp was set; on the loud
    one the quiet speaker's bleed is still bleed, though it is louder there than on their own mic.
    """
    p_on, _ = _thresholds(partner_level, abs_floor)
    loud_partner = partner_level > p_on + 6.0
    diff = level - partner_level
    offset = gain_offset(level, partner_level)
    below = -6.0
    if offset is not None and offset > 0.0:  # a louder mic: the partner's bleed sits higher in it
        below = max(below, offset - NORM_BLEED_DB)
    elif offset is not None:  # a quieter mic: where it is this far below the partner in its own units
        below = min(below, max(offset - NORM_BLEED_DB, below + CUT_SLOPE * (offset + EQUAL_GAIN_DB)))
    cand = diff[loud_partner & (diff < below)]
    if len(cand) < 5:
        return None
    return float(np.percentile(cand, BLEED_PERCENTILE))


def bleed_frames(x: np.ndarray, partner: np.ndarray | None, fps: int = 100) -> np.ndarray | None:
    """Per frame (``fps``) of ``x``: no louder than the partner's bleed is expected to be there, by the
    voice-activity rule (the partner's level, the bleed attenuation measured where the partner is
    loud, :data:`BLEED_MARGIN_DB`). A lav mic hears the partner ~20-25 dB down: loud enough for an
    aligner to place words on. None without a partner or a bleed to measure."""
    if partner is None or not len(x):
        return None
    other = np.asarray(partner, np.float32).reshape(-1)[: len(x)]
    other = np.pad(other, (0, len(x) - len(other)))  # a partner ending early: silent after it
    level, p_level = frame_levels(x, SAMPLE_RATE, fps), frame_levels(other, SAMPLE_RATE, fps)
    att = bleed_attenuation(level, p_level, take_floor(level, p_level))
    if att is None:
        return None
    return level < p_level + att + BLEED_MARGIN_DB


def without_bleed(x: np.ndarray, partner: np.ndarray | None, quieter_db: float = 40.0) -> np.ndarray:
    """``x`` with the partner's bleed turned down by ``quieter_db`` (10 ms frames, 10 ms ramps): what an
    aligner of this voice's words should hear. ``x`` itself when there is no bleed to measure."""
    bleed = bleed_frames(x, partner, 100)
    if bleed is None or not bleed.any():
        return np.asarray(x, np.float32)
    hop = SAMPLE_RATE // 100
    gain = np.where(np.repeat(bleed, hop), 10.0 ** (-quieter_db / 20.0), 1.0)[: len(x)]
    gain = np.pad(gain, (0, len(x) - len(gain)), constant_values=1.0)
    ramp = np.ones(hop) / hop
    gain = np.convolve(gain, ramp, mode="same")  # no click at a frame's edge
    return (np.asarray(x, np.float32) * gain).astype(np.float32)


QUIET_MIC_DB = 15.0  # a mic whose own speech sits this far below its partner's was left low


def _quiet_mic_lift(x: np.ndarray, level: np.ndarray, p_level: np.ndarray, sr: int, fps: int) -> float:
    """dB a mic's levels are raised by before its floors are set: how far its own solo speech sits below
    its partner's (:func:`gain_offset`) when that is :data:`QUIET_MIC_DB` or more and those solo frames
    are a voice (mostly pitched), else 0. Room noise or knocks on a silent mic are never raised."""
    offset = gain_offset(level, p_level)
    if offset is None or offset > -QUIET_MIC_DB:
        return 0.0
    on, _ = _thresholds(level, take_floor(level))
    own = level > on + 6.0
    diff = level - p_level
    solo = np.flatnonzero(own & (diff > float(np.percentile(diff[own], 90)) - SOLO_WIDTH_DB))
    if len(solo) < fps or voiced(x, solo, sr, fps).mean() < 0.5:
        return 0.0
    return min(-offset, MAX_FLOOR_SHIFT_DB)


def _given_level(level: np.ndarray | None, x: np.ndarray, sr: int, fps: int) -> np.ndarray:
    """``level`` when given (``x``'s :func:`frame_levels`, measured once by the caller), else measured
    here; one of the wrong length is refused, as it belongs to another stream or rate."""
    if level is None:
        return frame_levels(x, sr, fps)
    level = np.asarray(level).reshape(-1)
    if len(level) != frames_for(len(np.asarray(x).reshape(-1)), sr, fps):
        raise ValueError(
            f"{len(level)} frame levels given for a stream of {frames_for(len(x), sr, fps)} frames"
        )
    return level


def stream_levels(*streams: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS) -> tuple[np.ndarray, ...]:
    """Each stream's :func:`frame_levels`, to hand to :func:`voice_activity` and
    :func:`quieter_than_partner` as ``level``/``partner_level``: band-passing an hour's stream is the
    costly part of voice activity, and a take's two streams were band-passed 17 times in loading it."""
    return tuple(frame_levels(x, sr, fps) for x in streams)


def energy_activity(
    x: np.ndarray,
    partner: np.ndarray | None = None,
    sr: int = SAMPLE_RATE,
    fps: int = FPS,
    *,
    level: np.ndarray | None = None,
    partner_level: np.ndarray | None = None,
) -> np.ndarray:
    """Voice activity from levels alone (see :func:`voice_activity`). ``level``/``partner_level``:
    the streams' :func:`frame_levels` when already measured (:func:`stream_levels`); the partner's
    is used only when both streams are equally long (else it is measured on the partner as cut or
    padded to ``x``)."""
    level = _given_level(level, x, sr, fps)
    if len(level) == 0:
        return np.zeros(0, dtype=bool)
    p_level = None
    if partner is not None:
        q = np.asarray(partner).reshape(-1)[: len(x)]
        if len(q) < len(x):  # the partner's stream ended early: silence after it
            q = np.concatenate([q, np.zeros(len(x) - len(q), dtype=q.dtype)])
        given = partner_level is not None and len(np.asarray(partner).reshape(-1)) == len(x)
        p_level = _given_level(partner_level if given else None, q, sr, fps)
    # each stream's floor follows its own loud speech: a lavalier left 30-45 dB low beside a loud
    # one keeps its speech (room tone stays below it: _thresholds' noise margin; bleed: below)
    on, off = _thresholds(level, take_floor(level))
    lift = _quiet_mic_lift(x, level, p_level, sr, fps) if p_level is not None else 0.0
    if lift > 0.0:  # a mic left low beside its partner: its floors as if it were set like the partner
        on, off = (v - lift for v in _thresholds(level + lift, take_floor(level + lift)))
    on_arr = np.full(len(level), on)
    off_arr = np.full(len(level), off)
    if p_level is not None:
        att = bleed_attenuation(level, p_level, take_floor(p_level))
        if att is not None:
            # expected bleed level per frame; speech must clear it by a margin
            expected = p_level + att + BLEED_MARGIN_DB
            on_arr = np.maximum(on_arr, expected)
            off_arr = np.maximum(off_arr, expected - HYSTERESIS_DB)
    return without_unvoiced_blips(
        x, clean_activity(_hysteresis(level, on_arr, off_arr), fps), sr, fps, level=level
    )


def voiced(x: np.ndarray, frames: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS) -> np.ndarray:
    """Per frame of ``frames``: does ``x`` have a pitch there (64 ms around the frame's centre)?"""
    width = int(round(0.064 * sr))
    lo, hi = int(sr / F0_RANGE_HZ[1]), int(sr / F0_RANGE_HZ[0])
    win = np.hanning(width)
    taper = np.correlate(win, win, "full")[width - 1 : width - 1 + hi + 1]
    out = np.zeros(len(frames), dtype=bool)
    for i, f in enumerate(frames):
        c = int((f + 0.5) * sr / fps) - width // 2
        seg = np.asarray(x[max(0, c) : c + width], dtype=np.float64)
        seg = np.pad(seg, (max(0, -c), width - len(seg) - max(0, -c)))
        seg = (seg - seg.mean()) * win
        ac = np.fft.irfft(np.abs(np.fft.rfft(seg, 2 * width)) ** 2)[: hi + 1] / taper
        out[i] = ac[0] > 0 and float(ac[lo:].max()) > VOICED_PEAK * ac[0]
    return out


def without_unvoiced_blips(
    x: np.ndarray, act: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS, *, level: np.ndarray | None = None
) -> np.ndarray:
    """``act`` without its short stretches that stand alone and have no pitch: a cough, a click or a
    burst of noise on a listener's mic is not an "mm-hm" (it would open the jaw and draw a nod).
    ``level``: ``x``'s :func:`frame_levels` when already measured."""
    short, alone = int(round(SHORT_ALONE_S * fps)), int(round(ALONE_WITHIN_S * fps))
    out = act.copy()
    # measured once, when a stretch is to be asked (unless given)
    level = None if level is None else _given_level(level, x, sr, fps)
    on = [(s, e) for s, e, v in _runs(act) if v]
    for k, (s, e) in enumerate(on):
        before = on[k - 1][1] if k else -alone - 1
        after = on[k + 1][0] if k + 1 < len(on) else len(act) + alone + 1
        if e - s <= short and s - before > alone and after - e > alone:
            if level is None:
                level = frame_levels(x, sr, fps)
            if not pitched(x, level, s, e, sr, fps):
                out[s:e] = False
    return out


CORE_DB = 10.0  # a stretch's own sound: its frames within this of its loudest (not the edges' bleed)


def pitched(x: np.ndarray, level: np.ndarray, s: int, e: int, sr: int = SAMPLE_RATE, fps: int = FPS) -> bool:
    """Has the stretch [s, e) of ``x`` at least :data:`VOICED_FRAMES` pitched frames among its loud core
    (``level`` within :data:`CORE_DB` of its peak)? Its edges (hangover, gap fill) carry mostly what the
    mic hears around it, e.g. a partner's pitched bleed beside a cough, and are not asked."""
    core = np.flatnonzero(level[s:e] >= float(np.max(level[s:e])) - CORE_DB) + s
    return int(voiced(x, core, sr, fps).sum()) >= VOICED_FRAMES


def unspoken_sounds(
    x: np.ndarray,
    active: np.ndarray,
    partner: np.ndarray | None = None,
    sr: int = SAMPLE_RATE,
    fps: int = FPS,
) -> np.ndarray:
    """Per frame of ``active`` (a stream's voice activity): a short sound of ``x``'s own that is not speech.

    What :func:`without_unvoiced_blips` takes out and ``active`` leaves out: a cough, a click, a cup set
    down (at most :data:`SHORT_ALONE_S`, no pitch, nothing else loud in the stream within
    :data:`ALONE_WITHIN_S`), loud for this stream: :data:`STEADY_DB` above what it carries while its
    speaker is silent (90th percentile there: room tone, the partner's bleed), and, with the
    ``partner``'s stream, above the bleed expected from it (:func:`bleed_frames`). The network still
    hears such a sound and opens the jaw; the mouth is put back at rest there (:mod:`..phonetic.rest`).
    Speech, laughs and "mm-hm"s are pitched or in ``active``: never here.
    """
    act = np.asarray(active, bool).reshape(-1)
    out = np.zeros(len(act), dtype=bool)
    x = np.asarray(x, np.float32).reshape(-1)
    level = frame_levels(x, sr, fps)[: len(act)]
    if len(level) < len(act) or (~act).sum() < fps:
        return out
    on = max(take_floor(level), float(np.percentile(level[~act], 90)) + STEADY_DB)
    own_on, _ = _thresholds(level, take_floor(level))
    if math.isfinite(own_on):
        on = max(on, own_on)
    loud = _hysteresis(level, np.full(len(level), on), np.full(len(level), on - HYSTERESIS_DB))
    bleed = bleed_frames(x, partner, fps) if partner is not None else None
    if bleed is not None:
        loud &= ~bleed[: len(loud)]
    loud = fill_gaps(loud, fps)
    short, alone = round(SHORT_ALONE_S * fps), round(ALONE_WITHIN_S * fps)
    on_runs = [(s, e) for s, e, v in _runs(loud | act) if v]
    for k, (s, e) in enumerate(on_runs):
        before = on_runs[k - 1][1] if k else -alone - 1
        after = on_runs[k + 1][0] if k + 1 < len(on_runs) else len(act) + alone + 1
        if act[s:e].any() or e - s > short or s - before <= alone or after - e <= alone:
            continue
        if not pitched(x, level, s, e, sr, fps):
            out[s:e] = True
    return out


QUIETER_WARN_DB = 15.0  # a stream this much quieter than its partner ...
LOST_WARN_SHARE = 0.10  # ... that loses this share of what it says on its own to the partner test is said


def quieter_than_partner(
    x: np.ndarray,
    partner: np.ndarray,
    act: np.ndarray,
    *,
    level: np.ndarray | None = None,
    partner_level: np.ndarray | None = None,
) -> tuple[float, float]:
    """(dB by which ``x``'s speech is quieter than the partner's, share of ``x``'s own speech that
    ``act``, its activity judged beside the partner, leaves out): one lavalier's gain left low.

    Levels are each stream's loud speech (90th percentile over the frames it flags on its own); for
    ``x`` only where the partner is silent, so a listener's mic that only carries the partner's bleed
    (nothing of its own there) is not a quiet speaker: (0, 0). Its own speech is what ``x`` flags on
    its own once raised to the partner's level: the bleed test no longer takes a quiet mic's words
    where both talk (:func:`gain_offset`), so what a low gain still costs is the speech under the floor.
    ``level``/``partner_level``: the two streams' :func:`frame_levels` when already measured.
    """
    x, partner = one_stream(x), one_stream(partner)
    level, p_level = (
        _given_level(level, x, SAMPLE_RATE, FPS),
        _given_level(partner_level, partner, SAMPLE_RATE, FPS),
    )
    alone, p_alone = energy_activity(x, level=level), energy_activity(partner, level=p_level)
    own = alone & ~p_alone[: len(alone)] if len(p_alone) >= len(alone) else alone
    if own.sum() < FPS or not p_alone.any():  # under a second of its own: nothing to judge
        return 0.0, 0.0
    quieter = float(np.percentile(p_level[p_alone], 90) - np.percentile(level[own], 90))
    if quieter > 0.0:  # what it says on its own, read at the partner's level
        alone = energy_activity(x * np.float32(10.0 ** (min(quieter, MAX_FLOOR_SHIFT_DB) / 20.0)))
    n = min(len(alone), len(act))
    lost = float(np.mean(~np.asarray(act[:n], bool)[alone[:n]])) if alone[:n].any() else 0.0
    return quieter, lost


@functools.lru_cache(maxsize=1)
def _silero():
    """The packaged Silero VAD (torch.jit), or None when it is not installed/usable."""
    try:
        import torch
    except ImportError:
        return None
    threads = torch.get_num_threads()
    try:
        from silero_vad import load_silero_vad

        with warnings.catch_warnings():  # deprecation notes from inside the package
            warnings.simplefilter("ignore", DeprecationWarning)
            model = load_silero_vad()
        return model.eval()
    except Exception:
        return None
    finally:
        torch.set_num_threads(threads)  # the package sets 1 thread globally on import; undo that


def silero_available() -> bool:
    return _silero() is not None


def silero_probability(x: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS) -> np.ndarray | None:
    """(T,) speech probability per frame from Silero, or None if the model is unavailable."""
    model = _silero()
    if model is None or sr != SAMPLE_RATE:
        return None
    import torch

    x = np.asarray(x, dtype=np.float32).reshape(-1)
    chunk = 512
    n = int(math.ceil(len(x) / chunk))
    padded = np.zeros(n * chunk, dtype=np.float32)
    padded[: len(x)] = x
    probs = np.zeros(n, dtype=np.float32)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 32 ms steps: one thread is fastest
    try:
        with torch.inference_mode():
            model.reset_states()
            for i in range(n):
                probs[i] = float(model(torch.from_numpy(padded[i * chunk : (i + 1) * chunk]), sr))
    finally:
        torch.set_num_threads(threads)
    t = frames_for(len(x), sr, fps)
    centres = (np.arange(t) + 0.5) * sr / fps / chunk
    return np.interp(centres, np.arange(n) + 0.5, probs).astype(np.float32)


def voice_activity(
    x: np.ndarray,
    partner: np.ndarray | None = None,
    sr: int = SAMPLE_RATE,
    fps: int = FPS,
    *,
    method: str = "energy",
    level: np.ndarray | None = None,
    partner_level: np.ndarray | None = None,
) -> np.ndarray:
    """(T,) bool voice activity of ``x`` per frame, ``T = ceil(len(x) / sr * fps)``.

    ``partner`` is the other speaker's stream of the same take; with it, the partner's
    voice leaking into ``x`` does not count as ``x`` speaking.
    ``method``: ``"energy"`` (default) or ``"silero"`` (energy gated by the packaged
    Silero model; falls back to energy if the model cannot load).

    ``x`` and ``partner`` are one channel each (1-D), at ``sr`` samples per second (default
    16 kHz), read by :func:`one_stream`: float in [-1, 1] or integer PCM (scaled as the file
    reader scales it); a stereo array, NaN/Inf or float samples far beyond full scale are a
    :class:`~..core.errors.DualTalkError`.

    ``level``/``partner_level``: the streams' :func:`frame_levels` (:func:`stream_levels`, of the
    streams as :func:`one_stream` reads them) when the caller has them: a take's loading asks for
    both voices and for their loudness, and each stream is band-passed once for all of it.
    """
    x = one_stream(x, "the stream")
    if partner is not None:
        partner = one_stream(partner, "the partner's stream")
    act = energy_activity(x, partner, sr, fps, level=level, partner_level=partner_level)
    if method == "silero":
        prob = silero_probability(x, sr, fps)
        if prob is not None:
            from scipy.ndimage import maximum_filter1d

            speechy = maximum_filter1d(prob, size=5) > 0.35
            act = clean_activity(act & speechy, fps)
    elif method != "energy":
        raise ValueError(f"unknown VAD method {method!r}")
    return act
