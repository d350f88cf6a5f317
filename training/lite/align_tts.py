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
Transcripts must be spelt so espeak-ng can read them (Mandarin in tone-numbered pinyin with
``--voice cmn-latn-pinyin``). Japanese is read as the engine reads a script (``script_warp``): kanji
and kana into kana as said by the kanji reader (SudachiPy, an optional install); without it, in
kana only (a transcript in kanji is refused in one line naming the install).
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
from ...inference.phonetic.ipa import as_ipa, is_language_switch
from ...inference.phonetic.script_languages import is_japanese, writing_advice
from ...inference.phonetic.warp import distances, dtw_path, mfcc_features, speech_span, warp_times
from ..evaluation.lipsync import find_alignments, write_alignment
from ..evaluation.phone_classes import BILABIAL, LABIODENTAL, OPEN, ROUNDED, SILENCE, classify
from .align import EVALUATION_MARKER, evaluation_clip, mark_evaluation_only

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")
TRANSCRIPT_SUFFIXES = (".lab", ".txt")
CHECK_CLASSES = (BILABIAL, LABIODENTAL, ROUNDED, OPEN)
MAX_CELLS = 12_000 * 12_000  # frame pairs warped at once: 2 min x 2 min at 10 ms, about 3 GB in all


# ----------------------------------------------------------------------------- alignment


def align_transcript(audio: np.ndarray, text: str, voice: str, *, step_penalty: float = 0.5) -> list[Phone]:
    """IPA phones of ``text`` timed on ``audio`` (16 kHz mono), by warping espeak-ng's reading of it
    (of :func:`spoken`: a Japanese transcript's kanji read first)."""
    utt = speak(spoken(text, voice), Voice("espeak", voice))
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
    path = dtw_path(distances(synth, real), step_penalty)
    starts = warp_times(path, [p.start - s0 / SAMPLE_RATE for p in phones])
    ends = warp_times(path, [p.end - s0 / SAMPLE_RATE for p in phones])
    offset = r0 / SAMPLE_RATE
    return [
        Phone(as_ipa(p.symbol), offset + float(b), offset + float(max(e, b)), "ipa")
        for p, b, e in zip(phones, starts, ends, strict=True)
    ]


def spoken(text: str, voice: str) -> str:
    """``text`` as espeak-ng is given it: a Japanese transcript (kanji and kana) in kana as said, its
    particles は/へ/を as said, where the kanji reader is installed, as the engine reads a script's line
    (``japanese_reading``); any other as written. A transcript in kanji without the reader (espeak-ng
    would say each kanji as "Chinese letter" and time that on the voice) or with a kanji its dictionary
    cannot read: DualTalkError in one line."""
    if not is_japanese(voice.split("+")[0]):  # ja, ja+f2 (a variant)
        return text
    from ...inference.phonetic import japanese_reading

    if japanese_reading.has_kanji(text) and not japanese_reading.available():
        raise DualTalkError(
            f"{_clip(text)} is written in kanji, which espeak-ng cannot read: {writing_advice('ja')}"
        )
    said = japanese_reading.reading(text)
    unread = "".join(dict.fromkeys(ch for ch in said if japanese_reading.has_kanji(ch)))
    if unread:
        raise DualTalkError(
            f"{_clip(text)}: its {unread} has no reading in SudachiPy's dictionary, and espeak-ng cannot "
            "read kanji; write it in kana"
        )
    return said


def _clip(text: str, most: int = 40) -> str:
    return repr(text if len(text) <= most else text[: most - 3] + "...")


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
        for audio_path, text in pairs:  # every transcript readable before the first is aligned
            try:
                spoken(text, voice)
            except DualTalkError as exc:  # which one: a corpus has hundreds
                raise DualTalkError(f"{audio_path.stem}: {exc}") from None
        # alignments of an evaluation set stay one: align --phones refuses a folder marked so
        evaluation, marked = (Path(args.corpus) / EVALUATION_MARKER).is_file(), False
        for audio_path, text in pairs:
            audio = load_speech(audio_path)
            evaluation = evaluation or evaluation_clip(audio) is not None
            if evaluation and not marked:
                marked = bool(mark_evaluation_only(args.out, "align_tts of an evaluation set"))
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
