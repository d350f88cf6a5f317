"""How a take's two speakers' streams relate: are they in step, and where do both carry one sound?

:func:`pooled_xcorr` is the normalised cross-correlation of two streams over a range of lags,
pooled over excerpts spread over the take (a fixed number: an hour costs what a minute does).

- :func:`find_offset`: two per-speaker files from recorders started apart. Each mic hears the
  partner (bleed), so the partner's voice appears in both files; the lag where they line up is the
  recorders' offset. Searched over ±:data:`OFFSET_SEARCH_S`.
- :func:`shared_content`: frames where both streams carry the same sound at about the same level
  (music on both channels of a stereo export, a jingle, a bed). That is neither speaker's voice;
  a partner's bleed is a *quieter* copy and is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.fft import irfft, next_fast_len, rfft

from ..core.errors import DualTalkError
from ..core.timebase import FPS, SAMPLE_RATE, frames_for

OFFSET_SEARCH_S = 10.0  # recorders started by hand, one after the other
OFFSET_EXCERPT_S = 8.0
OFFSET_EXCERPTS = 12
OFFSET_MIN_S = 0.04  # one frame at 25 fps (and about where lip sync starts to show, ITU-R BT.1359)
# the peak must stand OFFSET_Z robust standard deviations above the other lags and OFFSET_RATIO times above
# the best lag away from it; the excerpts on their own must peak within OFFSET_AGREE_S of it (the two bleed
# directions differ by the mics' acoustic delays), at least two of them holding OFFSET_AGREE_SHARE of the energy
OFFSET_Z = 12.0
OFFSET_RATIO = 1.5
OFFSET_AGREE_S = 0.02
OFFSET_AGREE_SHARE = 0.5
OFFSET_PEAK_S = 0.5  # lags this close to the peak belong to it: the room's reverberation, a pitch period


def _excerpts(
    a: np.ndarray, b: np.ndarray, max_lag: int, excerpt: int, count: int, whiten: bool
) -> Iterator[tuple[np.ndarray, float, np.ndarray]]:
    """Per excerpt of ``a``: (c, energy of the excerpt, energy of b's window at each lag), where
    c[k] = sum_t x[t] * y[t + k], k = 0 .. 2 * max_lag (the lag k - max_lag of b against a)."""
    n = min(len(a), len(b))
    excerpt = min(n, excerpt)
    if excerpt <= 0:
        return
    count = min(count, max(1, n // excerpt))
    width = excerpt + 2 * max_lag
    size = next_fast_len(width, real=True)
    for s0 in np.linspace(0, n - excerpt, count).astype(np.int64):
        x = a[s0 : s0 + excerpt].astype(np.float64)
        lo, hi = s0 - max_lag, s0 + excerpt + max_lag  # b's window, zero-padded past the take's ends
        y = np.zeros(width)
        y[max(0, -lo) : width - max(0, hi - len(b))] = b[max(0, lo) : min(len(b), hi)]
        if whiten:
            x = np.diff(x, prepend=x[:1])
            y = np.diff(y, prepend=y[:1])
        x -= x.mean()
        y -= y.mean()
        c = irfft(np.conj(rfft(x, size)) * rfft(y, size), size)[: 2 * max_lag + 1]
        cum = np.concatenate([[0.0], np.cumsum(y * y)])
        yield c, float(x @ x), cum[excerpt : excerpt + 2 * max_lag + 1] - cum[: 2 * max_lag + 1]


def _normalised(num: np.ndarray, den_a: float, den_b: np.ndarray) -> np.ndarray:
    # a lag whose window of b is all padding has energy 0 up to the running sums' rounding: no correlation
    den = np.sqrt(den_a * np.where(den_b > 1e-9 * max(float(den_b.max()), 0.0), den_b, 0.0))
    return np.clip(np.divide(num, den, out=np.zeros_like(num), where=den > 0), -1.0, 1.0)


def pooled_xcorr(
    a: np.ndarray, b: np.ndarray, max_lag: int, excerpt: int, count: int, whiten: bool = False
) -> np.ndarray:
    """(2 * max_lag + 1,) normalised cross-correlation r[k], k - max_lag = the lag of ``b`` against ``a``
    in samples (``b[t + lag]`` lines up with ``a[t]``), pooled over ``count`` excerpts of ``excerpt``
    samples of ``a`` spread over the take. ``b`` is read zero-padded past its ends. Numerator and
    energies are summed over the excerpts, so quiet excerpts count little. ``whiten``: correlate the
    first differences (drops hum, DC and rumble, which correlate at every lag, and sharpens the peak)."""
    num = np.zeros(2 * max_lag + 1)
    den_a = 0.0
    den_b = np.zeros(2 * max_lag + 1)
    for c, ea, eb in _excerpts(a, b, max_lag, excerpt, count, whiten):
        num += c
        den_a += ea
        den_b += eb
    return _normalised(num, den_a, den_b)


@dataclass(frozen=True)
class Offset:
    """B's file runs ``seconds`` ahead of A's: B's recorder started that much earlier (negative: later)."""

    seconds: float
    r: float  # the pooled correlation at that lag (bleed is weak: often 0.05-0.3)
    z: float  # how far it stands above the other lags (robust standard deviations)


def find_offset(a: np.ndarray, b: np.ndarray, sr: int = SAMPLE_RATE) -> Offset | None:
    """Where ``b`` lines up with ``a`` within ±:data:`OFFSET_SEARCH_S` (at most half the take), or None
    when no lag stands out clearly (no bleed, no speech, unrelated recordings).

    Each speaker's voice in the other's mic (bleed) is a copy of the same waveform, so the whitened
    waveform correlation peaks there. Speech against unrelated speech also has chance peaks, so the
    lag must stand out in the pooled correlation (:data:`OFFSET_Z`, :data:`OFFSET_RATIO` against
    lags more than :data:`OFFSET_PEAK_S` away: nearer ones are the room's reverberation of the same
    bleed) and be found again, within :data:`OFFSET_AGREE_S`, by the excerpts on their own (at least
    two, holding :data:`OFFSET_AGREE_SHARE` of the energy). Cost: at most :data:`OFFSET_EXCERPTS`
    FFTs of a little over 28 s each, whatever the take's length.
    """
    n = min(len(a), len(b))
    lag = int(min(OFFSET_SEARCH_S * sr, n // 2))
    excerpt = int(min(OFFSET_EXCERPT_S * sr, n // 2))
    if lag < 2 or excerpt < sr // 4:
        return None
    num = np.zeros(2 * lag + 1)
    den_a = 0.0
    den_b = np.zeros(2 * lag + 1)
    own: list[tuple[int, float]] = []  # each excerpt's own best lag and its energy
    for c, ea, eb in _excerpts(a, b, lag, excerpt, OFFSET_EXCERPTS, whiten=True):
        num += c
        den_a += ea
        den_b += eb
        own.append((int(np.argmax(np.abs(_normalised(c, ea, eb)))), ea))
    r = _normalised(num, den_a, den_b)
    mag = np.abs(r)
    k = int(np.argmax(mag))
    near = int(OFFSET_PEAK_S * sr)
    away = np.ones(len(r), bool)
    away[max(0, k - near) : k + near + 1] = False
    if mag[k] <= 0 or away.sum() < 100:
        return None
    sigma = 1.4826 * float(np.median(np.abs(r[away] - np.median(r[away])))) + 1e-12
    z = float(mag[k] / sigma)
    if z < OFFSET_Z or mag[k] < OFFSET_RATIO * float(mag[away].max()):
        return None
    agree = [e for j, e in own if abs(j - k) <= OFFSET_AGREE_S * sr]
    if len(agree) < 2 or sum(agree) < OFFSET_AGREE_SHARE * sum(e for _j, e in own):
        return None
    return Offset((k - lag) / sr, float(r[k]), z)


SHARED_CORR = 0.9  # |r| over a window: the same sound on both channels
SHARED_LEVEL_DB = 6.0  # at about the same level: a voice that near both mics is neither speaker's
SHARED_WINDOW_S = 1.0
SHARED_HOP_S = 0.5
SHARED_LAG_S = 0.02  # two mics a few metres apart hear one sound up to this far apart
SHARED_BATCH = 64  # windows correlated at a time (bounded memory on long takes)
POWER_BLOCK = 4096  # frames whose power is summed at a time


def _frame_power(x: np.ndarray, t: int, sr: int, fps: int) -> np.ndarray:
    """(t,) mean power per frame, its mean removed; cheap (no filtering) and in bounded memory (a block
    of :data:`POWER_BLOCK` frames at a time)."""
    edges = np.minimum(np.round(np.arange(t + 1) * sr / fps).astype(np.int64), len(x))
    out = np.zeros(t)
    for f0 in range(0, t, POWER_BLOCK):
        f1 = min(t, f0 + POWER_BLOCK)
        lo, hi = int(edges[f0]), int(edges[f1])
        if hi <= lo:
            break
        seg = x[lo:hi].astype(np.float64)
        at = np.minimum(edges[f0:f1] - lo, len(seg) - 1)
        s1, s2 = np.add.reduceat(seg, at), np.add.reduceat(seg * seg, at)
        cnt = np.diff(edges[f0 : f1 + 1]).astype(np.float64)
        s1[cnt == 0] = s2[cnt == 0] = 0.0  # reduceat gives the element itself for an empty span
        c = np.maximum(cnt, 1.0)
        out[f0:f1] = np.maximum(s2 / c - (s1 / c) ** 2, 0.0)
    return out


def shared_content(
    a: np.ndarray, b: np.ndarray, candidates: np.ndarray | None = None, sr: int = SAMPLE_RATE, fps: int = FPS
) -> np.ndarray:
    """(T,) bool: frames where ``a`` and ``b`` carry the same sound at about the same level.

    A window of :data:`SHARED_WINDOW_S` (hop :data:`SHARED_HOP_S`) counts when the two streams'
    normalised cross-correlation within ±:data:`SHARED_LAG_S` exceeds :data:`SHARED_CORR` and their
    levels differ by less than :data:`SHARED_LEVEL_DB`; a frame inside such a window counts when its
    own levels differ that little too (so the speech right after a jingle, loud in its own mic only,
    is kept). A partner's bleed is a quieter copy (typically 10-30 dB down): never counted.
    ``candidates`` (T,) limits the work to frames that matter (those flagged as speech).
    """
    n = min(len(a), len(b))
    t = frames_for(n, sr, fps)
    out = np.zeros(t, dtype=bool)
    if t == 0:
        return out
    pa, pb = _frame_power(a[:n], t, sr, fps), _frame_power(b[:n], t, sr, fps)
    tiny = 1e-12
    frame_diff = np.abs(10 * np.log10((pa + tiny) / (pb + tiny)))
    level_ok = (frame_diff < SHARED_LEVEL_DB) & (pa > tiny) & (pb > tiny)
    if candidates is not None:
        level_ok &= np.asarray(candidates, bool)[:t]
    if not level_ok.any():
        return out
    win = int(round(SHARED_WINDOW_S * fps))
    hop = max(1, int(round(SHARED_HOP_S * fps)))
    firsts = np.arange(0, max(t - win, 0) + 1, hop)
    if len(firsts) == 0 or firsts[-1] + win < t:
        firsts = np.append(firsts, max(t - win, 0))
    # the cheap test first: the window's levels agree and some of its frames are candidates
    cum_a = np.concatenate([[0.0], np.cumsum(pa)])
    cum_b = np.concatenate([[0.0], np.cumsum(pb)])
    cum_ok = np.concatenate([[0], np.cumsum(level_ok)])
    lasts = np.minimum(firsts + win, t)
    ea, eb = cum_a[lasts] - cum_a[firsts], cum_b[lasts] - cum_b[firsts]
    wdiff = np.abs(10 * np.log10((ea + tiny) / (eb + tiny)))
    todo = np.flatnonzero((wdiff < SHARED_LEVEL_DB) & (cum_ok[lasts] > cum_ok[firsts]))
    if len(todo) == 0:
        return out
    lag = int(SHARED_LAG_S * sr)
    spf = sr / fps
    length = int(round(win * spf))
    size = next_fast_len(length + 2 * lag, real=True)
    shared_windows: list[int] = []
    for i in range(0, len(todo), SHARED_BATCH):
        idx = todo[i : i + SHARED_BATCH]
        s0 = np.round(firsts[idx] * spf).astype(np.int64)
        xs = np.zeros((len(idx), length))
        ys = np.zeros((len(idx), length + 2 * lag))
        for j, s in enumerate(s0):
            seg = a[s : min(s + length, n)]
            xs[j, : len(seg)] = seg
            lo, hi = s - lag, min(s + length + lag, n)
            part = b[max(0, lo) : hi]
            ys[j, max(0, -lo) : max(0, -lo) + len(part)] = part
        xs -= xs.mean(axis=1, keepdims=True)
        ys -= ys.mean(axis=1, keepdims=True)
        c = irfft(np.conj(rfft(xs, size, axis=1)) * rfft(ys, size, axis=1), size, axis=1)
        c = c[:, : 2 * lag + 1]
        den_a = np.einsum("ij,ij->i", xs, xs)
        cum = np.concatenate([np.zeros((len(idx), 1)), np.cumsum(ys * ys, axis=1)], axis=1)
        den_b = cum[:, length : length + 2 * lag + 1] - cum[:, : 2 * lag + 1]
        den = np.sqrt(den_a[:, None] * den_b)
        r = np.divide(c, den, out=np.zeros_like(c), where=den > 0)
        hit = np.abs(r).max(axis=1) > SHARED_CORR
        shared_windows.extend(int(f) for f in firsts[idx][hit])
    for f in shared_windows:
        out[f : f + win] = True
    return out & level_ok


SHARED_FADE_S = 0.04  # in and out of a quietened span: no click for the encoder to hear


def quieten(x: np.ndarray, spans: object, sr: int = SAMPLE_RATE) -> np.ndarray:
    """``x`` with the spans ``[[start_s, end_s], ...]`` (seconds from its start: a take's
    ``source["shared_spans"]``) faded to silence, for the network's ears only: the music both
    channels carry is nobody's speech, and a model that hears it still moves the mouth (the
    listener's flags alone did not stop that). A copy; ``x`` itself (the take's sound) is kept."""
    if not isinstance(spans, list) or not spans:
        return x
    gain = np.ones(len(x), dtype=np.float32)
    fade = max(1, int(SHARED_FADE_S * sr))
    for span in spans:
        try:
            lo, hi = (int(round(float(v) * sr)) for v in span)
        except (TypeError, ValueError):
            continue
        lo, hi = max(0, lo), min(len(x), hi)
        if hi <= lo:
            continue
        gain[lo:hi] = 0.0
        ramp = np.linspace(0.0, 1.0, fade + 2, dtype=np.float32)[1:-1]
        before = slice(max(0, lo - fade), lo)
        gain[before] = np.minimum(gain[before], ramp[::-1][fade - (before.stop - before.start) :])
        after = slice(hi, min(len(x), hi + fade))
        gain[after] = np.minimum(gain[after], ramp[: after.stop - after.start])
    return (x * gain).astype(x.dtype, copy=False)


BLEED_DUCK_DB = 20.0  # bleed 20-30 dB down goes 40-50 dB down; a missed quiet word still moves the lips
BLEED_FADE_S = 0.05  # raised cosine, inside the ducked stretch: the voice either side keeps its full level


def duck_bleed(
    x: np.ndarray,
    own_active: np.ndarray,
    partner_active: np.ndarray,
    sr: int = SAMPLE_RATE,
    fps: int = FPS,
    *,
    copy: bool = True,
) -> np.ndarray:
    """``x`` turned down :data:`BLEED_DUCK_DB` on the frames where the partner speaks and this character
    does not, for the network's ears only: a lavalier hears the partner 20-30 dB down, and the network,
    which cannot tell that bleed from a quiet voice, mouths the partner's words although the flags
    (``own_active``, ``partner_active``: one per frame, found from the streams as recorded) know better.

    A duck, not silence: a quiet word the flags missed still moves the lips a little. Each ducked
    stretch fades in and out over :data:`BLEED_FADE_S` inside itself, so this character's flagged
    frames keep their full level (the take's ends need no fade). The flags are not widened: a level
    step a few frames before a turn is heard as the turn's onset (the listener opened its mouth there).
    A copy where anything is ducked; ``x`` itself (the take's sound) is kept. ``copy=False``: ``x`` is
    ducked in place (a stream made for the network alone; an hour is 230 MB a copy)."""
    own = np.asarray(own_active, dtype=bool).reshape(-1)
    partner = np.asarray(partner_active, dtype=bool).reshape(-1)
    t = min(len(own), len(partner), frames_for(len(x), sr, fps))
    duck = partner[:t] & ~own[:t]
    if not duck.any():
        return x
    spf = sr / fps
    floor = 10.0 ** (-BLEED_DUCK_DB / 20.0)
    fade = max(1, int(round(BLEED_FADE_S * sr)))
    out = np.array(x, dtype=np.result_type(x.dtype, np.float32), copy=True) if copy else x
    edges = np.flatnonzero(np.diff(np.concatenate([[0], duck.astype(np.int8), [0]])))
    for f0, f1 in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = int(round(f0 * spf)), min(len(x), int(round(f1 * spf)))
        if hi <= lo:
            continue
        pos = np.arange(hi - lo, dtype=np.float64)
        # samples to the nearer edge with sound beyond it (none past the take's ends)
        depth = np.minimum(pos + 1 if lo > 0 else np.inf, hi - lo - pos if hi < len(x) else np.inf)
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.minimum(depth / fade, 1.0))
        out[lo:hi] *= (1.0 - (1.0 - floor) * ramp).astype(out.dtype)
    return out


DUCK_SEAM_FRAMES = 2  # the shortest seam with no channel stepping at a turn more than the take's own p99 step


def ducked_pass_weight(ducked: np.ndarray, seam: int | None = None) -> np.ndarray:
    """Per frame, how much of the motion decoded from the ducked mic to keep (the rest from the mic as
    recorded): 1 on the ``ducked`` frames, 0 from ``seam`` + 1 frames beyond them, a raised cosine
    between (float32).

    The duck is for the frames it turns down, but the lite network reads each frame in ~0.5-2 s of
    context, so a quieter listening stretch also shrank the character's own words beside it (real
    demo, A: speaking openness 0.172 -> 0.144; 30 % less within two frames of a ducked stretch, 4 %
    at half a second). Decoded twice, the ducked pass is kept where it is needed and the pass heard as
    recorded elsewhere. The seam (None: :data:`DUCK_SEAM_FRAMES`) lies on the character's side of each
    edge, so the listening frames stay exactly the ducked pass (a seam inside them let the partner's
    bleed back: listening jaw p90 0.029 -> 0.043); with no seam, lips held rolled in by the ducked pass
    stepped 0.5 at a turn. A seam below 0 (or NaN) is a :class:`DualTalkError`: it gave NaN weights and
    a divide-by-zero warning (review rv38f F7)."""
    seam = DUCK_SEAM_FRAMES if seam is None else seam
    if not seam >= 0:  # NaN too
        raise DualTalkError(f"the seam must be 0 frames or more, got {seam}")
    duck = np.asarray(ducked, dtype=bool).reshape(-1)
    where = np.flatnonzero(duck)
    if not len(where):
        return np.zeros(len(duck), dtype=np.float32)
    t = np.arange(len(duck))
    pos = np.searchsorted(where, t)
    before = np.abs(t - where[np.clip(pos - 1, 0, len(where) - 1)])
    after = np.abs(where[np.clip(pos, 0, len(where) - 1)] - t)
    dist = np.minimum(before, after)
    return (0.5 + 0.5 * np.cos(np.pi * np.minimum(dist / (seam + 1), 1.0))).astype(np.float32)


TURN_PAUSE_S = 0.6  # the behaviour layer's speaking-state bridge: a shorter pause is still the turn's talk


def long_pauses(active: np.ndarray, fps: int = FPS, min_s: float = TURN_PAUSE_S) -> np.ndarray:
    """Frames in a run of more than ``min_s`` where ``active`` (a character's voice flags) is off.

    A turns file's span is often longer than the voice in it (one RTTM row over 12 s of talk and
    pauses): a mix split by turns gives the character the room's sound there, 25-30 dB under its voice,
    which the network mouths as it mouths a lavalier's bleed (AMI dev00: the listener's jaw 0.63 of its
    speaking jaw). Ducked with :func:`duck_bleed` like that bleed; pauses between words, shorter, are
    left to the network, and so is one of exactly ``min_s``: the behaviour layer's bridge
    (:func:`..behaviour.cues.speaking_state`) keeps the character speaking through it (ducked, its jaw
    shut there: mean 0.115 -> 0.031, while the layer called it talk)."""
    off = ~np.asarray(active, dtype=bool).reshape(-1)
    out = np.zeros(len(off), dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], off.astype(np.int8), [0]])))
    need = int(round(min_s * fps))
    for f0, f1 in zip(edges[::2], edges[1::2], strict=True):
        if f1 - f0 > need:
            out[f0:f1] = True
    return out
