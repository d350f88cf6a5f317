"""Phone timings for real speech in any espeak-ng language: speak the transcript, warp it onto the take.

pocketsphinx (``align.py``) aligns English only, and no acoustic model for other
languages can be installed here. espeak-ng, though, says any transcript in ~100
languages with each phone's exact position in its own audio. Dynamic time warping
between the synthetic and the real recording (MFCCs without c0 plus deltas, each
coefficient normalised over its utterance, so timbre and channel matter less than
the sequence of sounds) maps every synthetic phone boundary onto the real take.
This is the "align by resynthesis" idea; the result is as good as the warp, so its
accuracy is measured before it is trusted (``--truth``: onset error per lip class
against reference timings; numbers in MODEL_CARD.md).

``python -m dualtalk.training.lite.align_tts --corpus DIR --lang es --out OUT``: every
audio file in DIR with a transcript beside it (``<stem>.lab`` or ``<stem>.txt``, the
layout of Kaldi/MFA corpora) becomes ``OUT/<stem>.wav`` + ``<stem>.phone.json`` (IPA,
language tag), ready for ``python -m dualtalk eval lipsync --aligned OUT``.
Transcripts must be spelt so espeak-ng can read them (Japanese in kana, Mandarin in
tone-numbered pinyin with ``--voice cmn-latn-pinyin``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ...inference.audio.loader import load_speech
from ...inference.audio.tts import Phone, Voice, speak
from ...inference.core import outputs
from ...inference.core.errors import DualTalkError
from ...inference.core.timebase import SAMPLE_RATE
from ...inference.models.lite.features import mel_filterbank
from ...inference.phonetic.ipa import as_ipa, is_language_switch
from ..evaluation.lipsync import find_alignments, write_alignment
from ..evaluation.phone_classes import BILABIAL, LABIODENTAL, OPEN, ROUNDED, SILENCE, classify

HOP = 160  # 10 ms at 16 kHz
N_FFT = 400  # 25 ms windows
N_MELS = 40
N_CEPS = 13  # c1..c12 are kept (c0 is loudness)
SPEECH_DB = 35.0  # a frame is speech when within this many dB of the take's loud frames
MARGIN_S = 0.05  # kept around the speech span before warping
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")
TRANSCRIPT_SUFFIXES = (".lab", ".txt")
CHECK_CLASSES = (BILABIAL, LABIODENTAL, ROUNDED, OPEN)
MAX_CELLS = 12_000 * 12_000  # frame pairs warped at once: 2 min x 2 min at 10 ms, about 3 GB in all


# ----------------------------------------------------------------------------- features


def _frames(audio: np.ndarray) -> np.ndarray:
    """(F, N_FFT) Hann-windowed frames every 10 ms, centred like ``torch.stft(center=True)``."""
    pad = np.pad(
        np.asarray(audio, np.float32), N_FFT // 2, mode="reflect" if len(audio) > N_FFT else "constant"
    )
    count = 1 + max(0, (len(pad) - N_FFT) // HOP)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    return pad[idx] * np.hanning(N_FFT + 1)[:-1].astype(np.float32)


def frame_db(audio: np.ndarray) -> np.ndarray:
    """Loudness of each 10 ms frame, dB."""
    return 10.0 * np.log10(np.mean(_frames(audio) ** 2, axis=1) + 1e-10)


def mfcc_features(audio: np.ndarray) -> np.ndarray:
    """(F, 24): MFCC c1..c12 and their deltas, each normalised to zero mean, unit variance."""
    power = np.abs(np.fft.rfft(_frames(audio), axis=1)) ** 2
    logmel = np.log(power @ mel_filterbank(N_FFT, N_MELS, SAMPLE_RATE).T + 1e-8)
    n = np.arange(N_MELS)
    dct = np.cos(np.pi / N_MELS * (n[None, :] + 0.5) * np.arange(N_CEPS)[:, None])
    ceps = (logmel @ dct.T)[:, 1:]
    padded = np.pad(ceps, ((2, 2), (0, 0)), mode="edge")
    delta = (2 * (padded[4:] - padded[:-4]) + (padded[3:-1] - padded[1:-3])) / 10.0
    feats = np.concatenate([ceps, delta], axis=1)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-6)


def speech_span(audio: np.ndarray) -> tuple[int, int]:
    """Sample range from the first to the last speech frame (plus a margin)."""
    db = frame_db(audio)
    if not len(db):
        return 0, len(audio)
    loud = np.percentile(db, 95)
    on = np.flatnonzero(db > loud - SPEECH_DB)
    if not len(on):
        return 0, len(audio)
    margin = int(MARGIN_S * SAMPLE_RATE)
    return max(0, on[0] * HOP - margin), min(len(audio), on[-1] * HOP + margin)


# ----------------------------------------------------------------------------- warping


def dtw_path(cost: np.ndarray, step_penalty: float = 0.0) -> np.ndarray:
    """Cheapest monotonic path through ``cost`` (N, M) from (0, 0) to (N-1, M-1).

    Steps (1, 1), (1, 0) and (0, 1); a (1, 0) or (0, 1) step pays ``step_penalty`` on
    top of the cell. Each row is solved at once: a run of (0, 1) steps from column k to
    j costs a difference of prefix sums, so the row's best is a running minimum.
    Returns the path as (L, 2) int pairs (row, column).
    """
    cost = np.asarray(cost, np.float64)
    if cost.ndim != 2 or 0 in cost.shape:
        raise DualTalkError(f"warping needs a non-empty (N, M) cost matrix, got shape {cost.shape}")
    n, m = cost.shape
    cols = np.arange(m)
    run_start = np.zeros((n, m), np.int32)  # where this row's run of (0, 1) steps began
    from_diag = np.zeros((n, m), bool)  # how that run was entered from the row above
    prev = np.full(m, np.inf)
    for i in range(n):
        enter = np.full(m, np.inf)
        if i == 0:
            enter[0] = cost[0, 0]
        else:
            diag = np.concatenate([[np.inf], prev[:-1]])
            vert = prev + step_penalty
            from_diag[i] = diag <= vert
            enter = cost[i] + np.minimum(diag, vert)
        prefix = np.cumsum(cost[i] + step_penalty)
        best = enter - prefix
        running = np.minimum.accumulate(best)
        run_start[i] = np.maximum.accumulate(np.where(best <= running, cols, 0))
        prev = running + prefix
    if not np.isfinite(prev[-1]):
        raise DualTalkError("warping found no path")
    path: list[tuple[int, int]] = []
    i, j = n - 1, m - 1
    while True:
        k = int(run_start[i, j])
        path.extend((i, c) for c in range(j, k - 1, -1))
        if i == 0:
            break
        i, j = (i - 1, k - 1) if from_diag[i, k] else (i - 1, k)
    return np.array(path[::-1], np.int64)


def warp_times(path: np.ndarray, times: Sequence[float], hop_s: float = HOP / SAMPLE_RATE) -> np.ndarray:
    """Map times on the path's row axis to its column axis: a row's first matched column."""
    _rows, first_step = np.unique(path[:, 0], return_index=True)  # the path visits every row, in order
    first = path[first_step, 1]
    frames = np.clip(np.round(np.asarray(times, np.float64) / hop_s).astype(np.int64), 0, len(first) - 1)
    return first[frames] * hop_s


# ----------------------------------------------------------------------------- alignment


def align_transcript(audio: np.ndarray, text: str, voice: str, *, step_penalty: float = 0.5) -> list[Phone]:
    """IPA phones of ``text`` timed on ``audio`` (16 kHz mono), by warping espeak-ng's reading of it."""
    utt = speak(text, Voice("espeak", voice))
    phones = [p for p in utt.phones if not is_language_switch(p.symbol)]
    if not phones:
        raise DualTalkError(f"espeak-ng ({voice}) spoke no phones for {text!r}")
    r0, r1 = speech_span(audio)
    s0, s1 = speech_span(utt.audio)
    real, synth = mfcc_features(audio[r0:r1]), mfcc_features(utt.audio[s0:s1])
    if len(real) * len(synth) > MAX_CELLS:
        raise DualTalkError(
            f"{(r1 - r0) / SAMPLE_RATE:.0f} s of speech is too long to warp in one piece "
            "(the cost grows with the square of the length); split it into utterances of up to 2 minutes"
        )
    cost = np.sqrt(
        np.maximum((synth**2).sum(1)[:, None] + (real**2).sum(1)[None, :] - 2 * synth @ real.T, 0.0)
    )
    path = dtw_path(cost, step_penalty)
    starts = warp_times(path, [p.start - s0 / SAMPLE_RATE for p in phones])
    ends = warp_times(path, [p.end - s0 / SAMPLE_RATE for p in phones])
    offset = r0 / SAMPLE_RATE
    return [
        Phone(as_ipa(p.symbol), offset + float(b), offset + float(max(e, b)), "ipa")
        for p, b, e in zip(phones, starts, ends, strict=True)
    ]


def find_transcribed(folder: str | Path) -> list[tuple[Path, str]]:
    """(audio file, transcript) for every audio file with a ``.lab``/``.txt`` beside it, sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DualTalkError(f"corpus folder not found: {folder}")
    found = []
    for audio in sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES):
        for suffix in TRANSCRIPT_SUFFIXES:
            lab = audio.with_suffix(suffix)
            if lab.is_file():
                try:
                    text = " ".join(lab.read_text(encoding="utf-8").split())
                except UnicodeDecodeError:
                    raise DualTalkError(f"{lab.name} is not UTF-8 text") from None
                if text:
                    found.append((audio, text))
                break
    if not found:
        raise DualTalkError(
            f"no audio file in {folder} has a transcript beside it (<stem>.lab or <stem>.txt)"
        )
    return found


# ----------------------------------------------------------------------------- checking


def onset_errors(
    ours: Sequence, truth: Sequence, ours_alphabet: str, truth_alphabet: str
) -> dict[str, list[float]]:
    """Per lip class, the signed onset error (s, + = ours late) of each reference phone against
    the nearest phone of the same class in ``ours``; reference phones with no such phone
    within 0.3 s are left out (a different pronunciation, not a timing error)."""
    errors: dict[str, list[float]] = {c: [] for c in CHECK_CLASSES}
    ours_by_class: dict[str, np.ndarray] = {}
    for cls in CHECK_CLASSES:
        ours_by_class[cls] = np.array(
            [p.start for p in ours if cls in (classify(p.symbol, ours_alphabet) or ())], np.float64
        )
    for p in truth:
        classes = classify(p.symbol, truth_alphabet) or frozenset()
        if SILENCE in classes:
            continue
        for cls in CHECK_CLASSES:
            starts = ours_by_class[cls]
            if cls in classes and len(starts):
                d = starts - p.start
                best = d[np.argmin(np.abs(d))]
                if abs(best) <= 0.3:
                    errors[cls].append(float(best))
    return errors


def check_against(aligned: str | Path, truth: str | Path) -> dict[str, dict[str, float]]:
    """Median and 90th-percentile absolute onset error (ms) per lip class, and the count."""
    ref = {c.stem: c for c in find_alignments(truth)}
    pooled: dict[str, list[float]] = {c: [] for c in CHECK_CLASSES}
    for clip in find_alignments(aligned):
        if clip.stem in ref:
            for cls, errs in onset_errors(
                clip.phones, ref[clip.stem].phones, clip.alphabet, ref[clip.stem].alphabet
            ).items():
                pooled[cls].extend(errs)
    report = {}
    for cls, errs in pooled.items():
        a = np.abs(np.array(errs)) * 1000.0
        report[cls] = {
            "count": float(len(a)),
            "median_ms": float(np.median(a)) if len(a) else float("nan"),
            "p90_ms": float(np.percentile(a, 90)) if len(a) else float("nan"),
            "mean_signed_ms": float(np.mean(errs) * 1000.0) if len(a) else float("nan"),
        }
    return report


# ----------------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.align_tts", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "--corpus", required=True, help="folder of audio files, each with <stem>.lab or <stem>.txt"
    )
    ap.add_argument("--lang", required=True, help="language tag written into the alignments, e.g. es")
    ap.add_argument(
        "--voice", default=None, help="espeak-ng voice that reads the transcripts (default: --lang)"
    )
    ap.add_argument("--out", required=True, help="folder for <stem>.wav + <stem>.phone.json")
    ap.add_argument(
        "--truth", default=None, help="folder of reference *.phone.json (same stems): print onset errors"
    )
    args = ap.parse_args(argv)
    try:
        pairs = find_transcribed(args.corpus)
        out = Path(args.out)
        # before any work: --out at the corpus folder would replace each recording with its 16 kHz copy
        outputs.check_write_plan(
            [("--out", out / f"{audio.stem}{ext}") for audio, _ in pairs for ext in (".wav", ".phone.json")],
            [("input audio", audio) for audio, _ in pairs],
        )
        voice = args.voice or args.lang
        for audio_path, text in pairs:
            audio = load_speech(audio_path)
            phones = align_transcript(audio, text, voice)
            write_alignment(
                args.out,
                audio_path.stem,
                audio,
                phones,
                alphabet="ipa",
                lang=args.lang,
                text=text,
                source=f"espeak-ng {voice} reading warped onto the recording (align_tts)",
            )
        print(f"aligned {len(pairs)} clips into {args.out}")
        if args.truth:
            for cls, row in check_against(args.out, args.truth).items():
                print(
                    f"{cls:12s} n={int(row['count']):4d}  |onset error| median {row['median_ms']:.0f} ms, "
                    f"p90 {row['p90_ms']:.0f} ms, mean signed {row['mean_signed_ms']:+.0f} ms"
                )
    except DualTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
