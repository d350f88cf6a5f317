"""Automatic two-speaker diarization of a mono mix, with nothing fetched at run time.

Voice activity (the energy VAD) finds speech; speech gets speaker embeddings, from
the packaged pretrained voice encoder (:mod:`.voice_encoder`, 1.6 s windows every
0.24 s) when its weights are installed, else from MFCC mean/spread over a sliding
window; the embeddings are split in two with k-means started from the two most
distant points; a two-state Viterbi pass with a switch penalty removes flicker.
With the encoder, a second pass labels each frame again from 0.4 s windows against the
two voices the first found: a 1.6 s window over a listener's 0.3-0.5 s "mm-hm", "sí" or
"はい" is mostly the speaker's voice, so the first pass gave nearly every backchannel to
the speaker.
Where those 0.4 s windows sit about as close to one voice as to the other, both speak (a listener's
"yeah" under the speaker's words, an interruption): those frames go to both voices' turns, so both
faces move there (only when the two voices are clearly apart; on far-field meetings it cannot be told
and every frame keeps one voice). When the two voices the first pass found are one voice (a monologue, a
voice-over, a conversation whose other side stays silent), all the speech goes to S1 and the second
character only listens (:func:`_one_voice`; two voices of one sex that the encoder hears as alike stay
two when their MFCCs say so, :func:`_mfcc_gain`). Measured error is in the README; because it is rough
on real conversations it is opt-in (``--diarize``), never the default.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from ..core.timebase import FPS, SAMPLE_RATE
from .turns import Segment
from .vad import voice_activity

N_FFT = 512
WIN = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
N_MFCC = 20
CONTEXT_S = 0.5  # MFCC statistics window (each side)
ENCODER_STEP = 6  # one voice-encoder window every 6 frames (0.24 s)
SWITCH_PENALTY = 4.0  # Viterbi cost of changing speaker, in units of the per-frame distance
# The second pass (encoder only): 0.4 s windows every 3 frames (0.12 s), a lower switch penalty, so
# a backchannel can take its own frames (review 32n F6: 4 of 52 backchannels in 7 languages given to
# the listener -> 33; AMI two-speaker DER 56.2 -> 53.7 %; chosen over 0.3/0.5 s and penalties 1-4)
SHORT_WINDOW_S = 0.4
SHORT_STEP = 3
SHORT_SWITCH_PENALTY = 1.5
# Overlap (both voices at once), from the second pass's windows: over a listener's "mm-hm" under the
# speaker's words, or an interruption, a 0.4 s window hears both voices, so its distances to the two
# are close. A frame is both where the gap between them is under OVERLAP_GAP of the recording's median
# gap (its usual "one voice" margin), in runs of at least OVERLAP_MIN_S (chosen over 0.5-0.9 and
# 0.16-0.4 s on synthetic two-voice conversations and AMI train: 0.8 gave the listener more of its
# backchannels but opened its mouth on 5.7 % of the speaker's words, 0.7 on 2.1 %). Only where the two
# voices are clearly apart, the quarter of frames closest between them still DISTINCT_GAP apart (cosine
# distance; synthetic voices 0.14-0.17, AMI train meetings 0.01-0.09, the real clip 0.01): on far-field
# meetings the gap hardly differs between overlapped and one-voice frames (AUC 0.53 on AMI train), and
# there it opened the listener's mouth on the speaker's words (AMI dev01: 74 of 80 "both" frames false).
OVERLAP_GAP = 0.7
OVERLAP_MIN_S = 0.24
DISTINCT_GAP = 0.12
# One voice alone (a monologue, a voice-over, a conversation whose other side is silent): k-means splits
# any voice in two, so both faces mouthed one person's words in turns (a reader alone: 13-46 % of the
# speech to the second character). The first pass's two voices are one when both of these say so (encoder
# only; chosen on LJ Speech, espeak one voice and pairs, AMI train; checked on LibriVox, flite, AMI
# held-out and the DualTalk demo): the cosine similarity of their mean 1.6 s windows is at least
# SAME_VOICE_SIM (one reader split in two 0.90-0.98, two real voices 0.54-0.89, far-field meetings the
# highest), and even the least alike pairs of ~2 s stretches of speech (the 5th percentile, stretches of
# CHUNK_WINDOWS windows, at least MIN_CHUNK_WINDOWS) are at least SAME_VOICE_CHUNK_SIM alike (one reader
# 0.73-0.87, two voices 0.41-0.69): a second voice, however short its turns, leaves some pairs far apart.
SAME_VOICE_SIM = 0.88
SAME_VOICE_CHUNK_SIM = 0.715
CHUNK_WINDOWS = 8
MIN_CHUNK_WINDOWS = 3
MIN_CHUNKS = 4
MAX_CHUNKS = 1500  # a longer take's stretches are sampled evenly: 1500^2 pairs, not a 3 h take's 5400^2
# ...unless the two halves' sound says otherwise. Two men (or two women) whose voices the encoder hears as
# alike pass both checks above (espeak-ng's US and British man 0.90 / 0.76: review rv40d F3), yet their
# halves' MFCCs (per speech frame) are fitted much better by a Gaussian each than by one. The measure is
# that gain in log-likelihood per frame (a BIC between one and two full-covariance Gaussians, with a chance
# split's own gain, the parameter count over 2N, taken off so short takes are not favoured), on the
# recording with white noise at its noise floor added (:func:`_mfcc_gain`). One voice that passes both
# checks: 0.08-0.70 (LJ Speech, LibriVox, flite, espeak-ng monologues and each pair voice alone saying
# both halves' phrases; one voice with a rate, loudness, noise or low-pass change half-way 0.16-0.55);
# espeak-ng US/British, US/Scottish and US/RP men 0.97-1.04 (fix42 diar42).
# With the true turns every espeak-ng pair of one sex measures 0.85-2.1; where the first pass's halves
# do not follow the voices (two US men) it stays low, and they stay one voice. Far-field meeting voices
# alone reach 1.0, but the two checks above already split those: this measure only keeps apart what they
# would join. Each half needs MIN_HALF_FRAMES speech frames (3.2 s), else the checks above decide.
SAME_VOICE_MFCC_GAIN = 0.85
MIN_HALF_FRAMES = 4 * N_MFCC

log = logging.getLogger("dualtalk.audio")  # the CLI prints it as a ``warning:`` line

# Said (in ``meta["warnings"]`` and on the log) when the check above keeps all the speech on one voice:
# two people of one sex whom neither the encoder nor the MFCC gain tells apart are called one too (two
# espeak-ng US men, 0.925 / 0.804: "US man / US man" in ``eval diarize --synthetic``), and the bare
# "B only listens" gave the user no way out. The one line said then (the loader adds none).
ONE_VOICE_SAID = (
    "--diarize heard one voice (the two halves it split the speech into are {voices_similarity:.3f} alike, "
    "{stretch_similarity_p5:.3f} at the least alike), so all of it goes to A and B only listens; if two "
    "people speak, their voices are too alike to tell apart: say who speaks when with --turns FILE (the "
    "panel's Audio: Mono + turns)"
)

# Said (once per diarization, in ``meta["warnings"]`` and on the log) when ``auto`` has to fall back.
WEAKER_METHOD = (
    "--diarize (the panel's Mono, automatic) is using the weaker MFCC method, 46.9 % DER on the real clip "
    "against 38.4 % with the voice encoder, whose weights are not installed: `pip install --no-deps "
    "resemblyzer` (the add-on: Preferences > Install Dependencies)"
)


@dataclass
class Diarization:
    segments: list[Segment]  # S1's and S2's turns; they overlap where ``both`` is set
    labels: np.ndarray  # (T,) int8: -1 silence, 0 first speaker (S1), 1 second (S2): the louder voice
    meta: dict = field(default_factory=dict)
    both: np.ndarray | None = None  # (T,) bool: the other voice speaks too (a backchannel, an interruption)


def _mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    def hz2mel(f):
        return 2595.0 * np.log10(1.0 + f / 700.0)

    def mel2hz(m):
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    mels = np.linspace(hz2mel(60.0), hz2mel(min(7600.0, sr / 2)), n_mels + 2)
    bins = np.fft.rfftfreq(n_fft, 1.0 / sr)
    hz = mel2hz(mels)
    fb = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        lo, c, hi = hz[i], hz[i + 1], hz[i + 2]
        fb[i] = np.clip(np.minimum((bins - lo) / (c - lo), (hi - bins) / (hi - c)), 0.0, None)
    return fb


def mfcc(x: np.ndarray, sr: int = SAMPLE_RATE) -> np.ndarray:
    """(F, N_MFCC) MFCCs at 100 frames/s (c0 dropped; 1..N_MFCC)."""
    x = np.asarray(x, dtype=np.float64)
    x = np.append(x[0], x[1:] - 0.97 * x[:-1]) if len(x) > 1 else x
    n = 1 + max(0, (len(x) - WIN)) // HOP
    x = np.pad(x, (0, max(0, (n - 1) * HOP + WIN - len(x))))
    from scipy.fft import dct

    fb, win = _mel_filterbank(sr).T, np.hamming(WIN)
    out = np.empty((n, N_MFCC))
    for k0 in range(0, n, 6000):  # a minute of frames at a time: bounded memory on long takes
        k1 = min(n, k0 + 6000)
        idx = np.arange(WIN)[None, :] + HOP * np.arange(k0, k1)[:, None]
        spec = np.abs(np.fft.rfft(x[idx] * win, N_FFT)) ** 2
        out[k0:k1] = dct(np.log(spec @ fb + 1e-10), type=2, norm="ortho", axis=1)[:, 1 : N_MFCC + 1]
    return out


def embeddings(x: np.ndarray, speech: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS) -> np.ndarray:
    """(T, D) per-video-frame embedding: mean and std of MFCCs of speech in a +-CONTEXT_S window."""
    m = mfcc(x, sr)
    m = (m - m.mean(0)) / (m.std(0) + 1e-8)
    per = int(round(100 / fps))  # mfcc frames per video frame (4)
    t = len(speech)
    mf = np.zeros((t, m.shape[1]))
    for i in range(t):
        seg = m[i * per : (i + 1) * per]
        mf[i] = seg.mean(0) if len(seg) else 0.0
    w = speech.astype(np.float64)
    ctx = int(round(CONTEXT_S * fps))
    k = np.ones(2 * ctx + 1)

    def smooth(v):
        return np.convolve(v, k, mode="same")

    cnt = smooth(w) + 1e-8
    mean = np.stack([smooth(mf[:, j] * w) for j in range(mf.shape[1])], 1) / cnt[:, None]
    sq = np.stack([smooth(mf[:, j] ** 2 * w) for j in range(mf.shape[1])], 1) / cnt[:, None]
    std = np.sqrt(np.maximum(sq - mean**2, 0.0))
    emb = np.concatenate([mean, 0.5 * std], 1)
    return emb


def _kmeans2(z: np.ndarray, iters: int = 50) -> tuple[np.ndarray, np.ndarray]:
    # deterministic start: the point farthest from the mean, then the point farthest from it
    c0 = z[np.argmax(((z - z.mean(0)) ** 2).sum(1))]
    c1 = z[np.argmax(((z - c0) ** 2).sum(1))]
    cent = np.stack([c0, c1])
    lab = np.zeros(len(z), dtype=np.int64)
    for _ in range(iters):
        d = ((z[:, None, :] - cent[None]) ** 2).sum(-1)
        new = d.argmin(1)
        if (new == lab).all() and _ > 0:
            break
        lab = new
        for c in range(2):
            if (lab == c).any():
                cent[c] = z[lab == c].mean(0)
    return lab, cent


def _viterbi(cost: np.ndarray, penalty: float) -> np.ndarray:
    """Two-state path minimising per-frame cost + penalty per switch."""
    t = len(cost)
    acc = cost[0].copy()
    back = np.zeros((t, 2), dtype=np.int8)
    for i in range(1, t):
        stay, switch = acc, acc[::-1] + penalty
        back[i] = np.where(stay <= switch, [0, 1], [1, 0])
        acc = np.minimum(stay, switch) + cost[i]
    path = np.zeros(t, dtype=np.int8)
    path[-1] = int(acc.argmin())
    for i in range(t - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _encoder_installed() -> bool:
    from . import voice_encoder

    return voice_encoder.available()


@dataclass
class _Windows:
    """The first pass's voice-encoder windows: their centre frames (speech frames, sorted) and embeddings."""

    centres: np.ndarray
    emb: np.ndarray


def _encoder_costs(mix: np.ndarray, speech: np.ndarray, fps: int) -> tuple[np.ndarray, _Windows] | None:
    """(S, 2) per-speech-frame distances to two voice clusters from the packaged encoder, and the windows."""
    from . import voice_encoder

    if not voice_encoder.available():
        return None
    t = len(speech)
    grid = np.arange(0, t, ENCODER_STEP)
    centres = grid[speech[grid]]
    if len(centres) < 4:
        return None
    emb = voice_encoder.embed_windows(mix, (centres + 0.5) / fps)
    if emb is None:
        return None
    _lab, cent = _kmeans2(emb)
    cent = cent / (np.linalg.norm(cent, axis=1, keepdims=True) + 1e-8)
    return (1.0 - emb @ cent.T)[_nearest(centres, np.flatnonzero(speech))], _Windows(centres, emb)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-8)


def _noise_floor(mix: np.ndarray, speech: np.ndarray, sr: int, fps: int) -> float:
    """The recording's noise level: the 90th percentile RMS of its frames without speech (of its
    quietest tenth when under ten frames are without speech)."""
    per = max(1, int(round(sr / fps)))
    t = min(len(speech), len(mix) // per)
    if t < 1:
        return 0.0
    rms = np.sqrt((mix[: t * per].astype(np.float64).reshape(t, per) ** 2).mean(1))
    quiet = rms[~speech[:t]] if int((~speech[:t]).sum()) >= 10 else np.sort(rms)[: max(1, t // 10)]
    return float(np.percentile(quiet, 90))


def _mfcc_gain(mix: np.ndarray, path: np.ndarray, speech: np.ndarray, sr: int, fps: int) -> float | None:
    """How much better a Gaussian per half fits the MFCCs of the speech frames (split by ``path``) than
    one Gaussian, per frame, less a chance split's gain (:data:`SAME_VOICE_MFCC_GAIN`); None when a half
    has under :data:`MIN_HALF_FRAMES` frames. White noise at the recording's noise floor is added first,
    so a floor that changes (a fan turned on, a second session) is not heard as a second voice: one
    espeak-ng voice with noise from its middle on measured 3.19 without it, 0.26 with it."""
    if min(int((path == 0).sum()), int((path == 1).sum())) < MIN_HALF_FRAMES:
        return None
    idx = np.flatnonzero(speech)
    floor = _noise_floor(mix, speech, sr, fps)
    if floor > 0:
        mix = mix + (floor * np.random.default_rng(0).standard_normal(len(mix))).astype(np.float32)
    per = int(round(100 / fps))  # mfcc frames per video frame
    t = int(idx[-1]) + 1
    m = mfcc(mix, sr)
    m = np.pad(m, ((0, max(0, t * per - len(m))), (0, 0)))[: t * per].reshape(t, per, -1).mean(1)[idx]
    m = (m - m.mean(0)) / (m.std(0) + 1e-8)
    d = m.shape[1]

    def spread(x: np.ndarray) -> float:  # len(x) * log det of its covariance
        return len(x) * float(np.linalg.slogdet(np.cov(x.T, bias=True) + 1e-6 * np.eye(d))[1])

    gain = (spread(m) - spread(m[path == 0]) - spread(m[path == 1])) / (2 * len(m))
    return gain - (d + d * (d + 1) / 2) / (2 * len(m))


def _one_voice(
    windows: _Windows, path: np.ndarray, speech: np.ndarray, mix: np.ndarray, sr: int, fps: int
) -> tuple[bool, dict]:
    """Whether the first pass's two voices (``path`` over the frames of ``speech``) are one voice
    (:data:`SAME_VOICE_SIM`, :data:`SAME_VOICE_MFCC_GAIN`), and the measures it rests on."""
    centres, emb = windows.centres, windows.emb
    idx = np.flatnonzero(speech)
    voice = path[np.searchsorted(idx, centres)]
    if voice.min() == voice.max():  # no window of one of them: cannot tell, keep two voices
        return False, {}
    mean = _unit(np.stack([emb[voice == c].mean(0) for c in (0, 1)]))
    sim = float(mean[0] @ mean[1])
    # stretches: runs of consecutive windows (no pause between them), at most CHUNK_WINDOWS long
    breaks = np.flatnonzero(np.diff(centres) != ENCODER_STEP) + 1
    chunks = [
        run[i : i + CHUNK_WINDOWS]
        for run in np.split(np.arange(len(centres)), breaks)
        for i in range(0, len(run), CHUNK_WINDOWS)
    ]
    chunks = [c for c in chunks if len(c) >= MIN_CHUNK_WINDOWS]
    measures = {"voices_similarity": round(sim, 3)}
    if len(chunks) < MIN_CHUNKS:  # too few stretches to tell: keep two voices
        return False, measures
    if len(chunks) > MAX_CHUNKS:
        chunks = [chunks[i] for i in np.linspace(0, len(chunks) - 1, MAX_CHUNKS).round().astype(int)]
    stretch = _unit(np.stack([emb[c].mean(0) for c in chunks]).astype(np.float32))
    pairs = (stretch @ stretch.T)[np.triu(np.ones((len(chunks), len(chunks)), dtype=bool), 1)]
    least = float(np.percentile(pairs, 5))
    measures["stretch_similarity_p5"] = round(least, 3)
    if sim < SAME_VOICE_SIM or least < SAME_VOICE_CHUNK_SIM:
        return False, measures
    gain = _mfcc_gain(mix, path, speech, sr, fps)
    if gain is None:
        return True, measures
    measures["mfcc_gain"] = round(gain, 3)
    return gain < SAME_VOICE_MFCC_GAIN, measures


def _nearest(centres: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """For each frame in ``idx``, the index of the window centre (sorted ``centres``) nearest it."""
    nearest = np.clip(np.searchsorted(centres, idx), 0, len(centres) - 1)
    prev = np.clip(nearest - 1, 0, len(centres) - 1)
    return np.where(np.abs(centres[prev] - idx) < np.abs(centres[nearest] - idx), prev, nearest)


def _short_costs(mix: np.ndarray, speech: np.ndarray, fps: int, path: np.ndarray) -> np.ndarray | None:
    """(S, 2) per-speech-frame distances of :data:`SHORT_WINDOW_S` encoder windows to the two voices
    of ``path`` (the first pass's label per speech frame: each voice is the mean of its windows)."""
    from . import voice_encoder

    if voice_encoder.load_encoder() is None:
        return None
    mel = voice_encoder.mel_frames(voice_encoder.normalise_volume(np.asarray(mix, dtype=np.float32)))
    n = int(round(SHORT_WINDOW_S * 100))  # mel frames are 10 ms
    t = len(speech)
    grid = np.arange(0, t, SHORT_STEP)
    centres = grid[speech[grid]]
    if len(mel) < n or len(centres) < 4:
        return None
    starts = np.clip(np.round((centres + 0.5) * 100 / fps).astype(int) - n // 2, 0, len(mel) - n)
    emb = voice_encoder.embed_mel(mel, starts, n)
    if emb is None:
        return None
    idx = np.flatnonzero(speech)
    voice = np.full(t, -1, dtype=np.int64)
    voice[idx] = path
    voice = voice[centres]
    if not ((voice == 0).any() and (voice == 1).any()):
        return None
    cent = np.stack([emb[voice == c].mean(0) for c in (0, 1)])
    cent = cent / (np.linalg.norm(cent, axis=1, keepdims=True) + 1e-8)
    return (1.0 - emb @ cent.T)[_nearest(centres, idx)]


def _mfcc_costs(mix: np.ndarray, speech: np.ndarray, sr: int, fps: int) -> tuple[np.ndarray, int]:
    idx = np.flatnonzero(speech)
    emb = embeddings(mix, speech, sr, fps)[idx]
    z = (emb - emb.mean(0)) / (emb.std(0) + 1e-8)
    # PCA keeps k-means from chasing noisy dimensions
    _u, s, vt = np.linalg.svd(z, full_matrices=False)
    keep = max(2, int(np.searchsorted(np.cumsum(s**2) / np.sum(s**2), 0.8)) + 1)
    zp = z @ vt[:keep].T
    _lab, cent = _kmeans2(zp)
    return ((zp[:, None, :] - cent[None]) ** 2).sum(-1), keep


def diarize_mix(
    mix: np.ndarray, sr: int = SAMPLE_RATE, fps: int = FPS, *, backend: str = "auto"
) -> Diarization:
    """Label each 25-fps frame of a two-person mono mix as silence, S1 or S2.

    ``backend``: ``"encoder"`` (packaged pretrained voice encoder), ``"mfcc"``
    (MFCC statistics, no model) or ``"auto"`` (encoder when installed; when it is not, the MFCC
    method runs and says so: :data:`WEAKER_METHOD` in ``meta["warnings"]`` and on the log).
    """
    if backend not in ("auto", "encoder", "mfcc"):
        raise ValueError(f"unknown diarization backend {backend!r}")
    speech = voice_activity(mix, None, sr, fps)
    t = len(speech)
    labels = np.full(t, -1, dtype=np.int8)
    idx = np.flatnonzero(speech)
    meta: dict = {"speech_frames": int(len(idx))}
    if len(idx) < 2 * fps:
        meta["method"] = "too little speech: one speaker"
        if len(idx):
            labels[idx] = 0
        return Diarization(_to_segments(labels, fps), labels, meta)
    encoded = _encoder_costs(mix, speech, fps) if backend != "mfcc" and sr == SAMPLE_RATE else None
    windows = None
    if encoded is not None:
        cost, windows = encoded
        meta["method"] = "vad+voice-encoder+kmeans2+viterbi"
    else:
        if backend == "encoder":
            from ..core.errors import DualTalkError

            raise DualTalkError("the voice encoder is not installed (pip install --no-deps resemblyzer)")
        if backend == "auto" and not _encoder_installed():  # not chosen: the user is told
            meta["warnings"] = [WEAKER_METHOD]
            log.warning(WEAKER_METHOD)
        cost, keep = _mfcc_costs(mix, speech, sr, fps)
        meta.update(method="vad+mfcc-stats+kmeans2+viterbi", dims=keep)
    cost = cost / (np.median(cost) + 1e-8)
    path = _viterbi(cost, SWITCH_PENALTY)
    share = float(np.mean(path == 1))
    both = np.zeros(t, dtype=bool)
    if windows is not None and min(share, 1 - share) >= 0.05:
        one, measures = _one_voice(windows, path, speech, mix, sr, fps)
        meta.update(measures)
        if one:  # one voice alone: all its speech to S1 (below), the other character listens
            meta["method"] += "+one-voice"
            path[:] = 0
            share = 0.0
            said = ONE_VOICE_SAID.format(**measures)
            meta.setdefault("warnings", []).append(said)
            log.warning(said)
    if windows is not None and min(share, 1 - share) >= 0.05:
        short = _short_costs(mix, speech, fps, path)
        if short is not None:
            path = _viterbi(short / (np.median(short) + 1e-8), SHORT_SWITCH_PENALTY)
            meta["method"] += "+0.4s-windows"
            share = float(np.mean(path == 1))
            over, gap = _overlaps(short, path, idx, fps)
            meta["voice_gap"] = round(gap, 3)
            if over is not None:
                both[idx] = over
                meta["method"] += "+overlap"
                meta["overlap_s"] = round(float(over.sum()) / fps, 2)
    meta["share_second"] = round(share, 3)
    if min(share, 1 - share) < 0.05:  # one cluster is a sliver: call it one speaker
        path[:] = 0
        both[:] = False
    if path[0] == 1:  # S1 is whoever speaks first
        path = 1 - path
    labels[idx] = path
    return Diarization(_to_segments(labels, fps, both), labels, meta, both)


def _overlaps(
    short: np.ndarray, path: np.ndarray, idx: np.ndarray, fps: int
) -> tuple[np.ndarray | None, float]:
    """Per speech frame, whether both voices speak (None when the voices are too alike to tell), and
    the recording's median gap between the other voice's distance and the own voice's."""
    rows = np.arange(len(path))
    gap = short[rows, 1 - path] - short[rows, path]
    usual = float(np.median(gap))
    if np.percentile(gap, 25) < DISTINCT_GAP:
        return None, usual
    close = gap < OVERLAP_GAP * usual
    # runs over consecutive frames (a pause splits them), at least OVERLAP_MIN_S long
    over = np.zeros(len(path), dtype=bool)
    need = max(1, int(round(OVERLAP_MIN_S * fps)))
    i = 0
    while i < len(close):
        if not close[i]:
            i += 1
            continue
        j = i + 1
        while j < len(close) and close[j] and idx[j] == idx[j - 1] + 1:
            j += 1
        if j - i >= need:
            over[i:j] = True
        i = j
    return over, usual


def _to_segments(labels: np.ndarray, fps: int, both: np.ndarray | None = None) -> list[Segment]:
    """Each voice's runs of frames; with ``both``, a voice's turn also takes the frames where it
    speaks under the other (so the two turns overlap there), in time order."""
    segs: list[Segment] = []
    for who in (0, 1):
        mine = labels == who
        if both is not None:
            mine = mine | (both & (labels >= 0))
        edges = np.flatnonzero(np.diff(np.r_[0, mine.astype(np.int8), 0]))
        segs += [
            Segment(a / fps, b / fps, f"S{who + 1}", 0) for a, b in zip(edges[::2], edges[1::2], strict=True)
        ]
    return sorted(segs, key=lambda g: (g.start, g.speaker))


def frame_der(
    ref_a: np.ndarray, ref_b: np.ndarray, hyp: np.ndarray, collar: int = 0, both: np.ndarray | None = None
) -> dict[str, float]:
    """Frame-level diarization error rate against two reference activity tracks.

    ``hyp`` is (T,) with -1 silence, 0/1 speakers; the better of the two label
    mappings is used. Overlapped reference frames count two speakers (a single
    hypothesis label there is one miss). ``both`` (a :class:`Diarization`'s): frames where
    the hypothesis has the two speaking. ``collar`` frames around every reference
    boundary are not scored (the usual 0.25 s collar is ~6 frames).
    """
    ref_a, ref_b = np.asarray(ref_a, bool), np.asarray(ref_b, bool)
    t = min(len(ref_a), len(ref_b), len(hyp))
    ref_a, ref_b, hyp = ref_a[:t], ref_b[:t], np.asarray(hyp)[:t]
    two = np.zeros(t, dtype=bool) if both is None else np.asarray(both, bool)[:t] & (hyp >= 0)
    score = np.ones(t, dtype=bool)
    if collar:
        for ref in (ref_a, ref_b):
            edges = np.flatnonzero(np.diff(ref.astype(np.int8))) + 1
            for e in edges:
                score[max(0, e - collar) : e + collar] = False
    best: dict[str, float] | None = None
    for mapping in ((0, 1), (1, 0)):
        ha, hb = (hyp == mapping[0]) | two, (hyp == mapping[1]) | two
        n_ref = ref_a.astype(int) + ref_b.astype(int)
        n_hyp = ha.astype(int) + hb.astype(int)
        correct = (ref_a & ha).astype(int) + (ref_b & hb).astype(int)
        miss = np.maximum(n_ref - n_hyp, 0)
        fa = np.maximum(n_hyp - n_ref, 0)
        conf = np.minimum(n_ref, n_hyp) - correct
        total = max(1, int(n_ref[score].sum()))
        r = {
            "der": float((miss + fa + conf)[score].sum() / total),
            "miss": float(miss[score].sum() / total),
            "false_alarm": float(fa[score].sum() / total),
            "confusion": float(conf[score].sum() / total),
        }
        if best is None or r["der"] < best["der"]:
            best = r
    assert best is not None
    return best
