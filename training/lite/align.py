"""Real recordings with phone timings, for the training corpus, with PyPI ``pocketsphinx``.

The lite model must hear real microphones, rooms and voices, not only TTS. Real speech
has no phone timings, so we force-align its transcript with pocketsphinx's English
acoustic model and dictionary (the aligner itself, ``align``, is the engine's:
``inference/phonetic/align.py``; this module reads corpora and writes what ``synth`` mixes in).
Out-of-dictionary words get flite's letter-to-sound pronunciation; a clip that still cannot
be aligned is skipped and counted.

Clips without a transcript (24 of the 32 shared LJ Speech clips) can be transcribed by
pocketsphinx's own recogniser first (``--asr``), then aligned against that hypothesis.
Recognition errors are mostly near-homophones ("printing" -> "renting"), which keep the
lip classes; the agreement with true-transcript alignments is measured in
``MODEL_CARD.md`` before such clips are used.

Untranscribed recordings with who-speaks-when (``--rttm DIR``: the AMI meeting excerpts)
give their single-speaker stretches (nobody else talking, >= 1.5 s), each transcribed by
pocketsphinx's recogniser and aligned to that hypothesis, like the untranscribed LJ
clips. Measured as a labeller on the LibriVox clips (their true phones as the answer),
transcribe-then-align finds bilabials with recall and precision 0.90 and open vowels
with 0.88. We do *not* use the phone recogniser (allphone mode): it finds bilabials
with precision 0.71 and recall 0.76 (``MODEL_CARD.md``).

``python -m dualtalk.training.lite.align [--ljspeech DIR] [--rttm DIR] --out FILE.npz [--replace]``
writes the aligned clips (16 kHz audio + phones, and the speaker for RTTM stretches)
for ``synth`` to mix into a corpus.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from ...inference.audio.tts import SAMPLE_RATE, Phone
from ...inference.core import locks
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import atomic_path, ensure_writable_dir
from ...inference.core.outputs import refuse_existing
from ...inference.phonetic.align import align, normalise_transcript, transcribe

__all__ = ["align", "normalise_transcript", "transcribe"]  # the aligner itself lives in the engine


def _to_16k(audio: np.ndarray, sr: int) -> np.ndarray:
    if audio.ndim > 1:
        audio = audio.mean(axis=1)
    if sr == SAMPLE_RATE:
        return audio.astype(np.float32)
    from scipy.signal import resample_poly

    frac = Fraction(SAMPLE_RATE, sr)
    return resample_poly(audio, frac.numerator, frac.denominator).astype(np.float32)


# ----------------------------------------------------------------------------- evaluation sets

# The five LibriVox clips (``../shared/data/real_speech/librivox``, docs/metrics.md) are the
# evaluation set: never training data. Per clip: the SHA-256 of its .wav (a renamed copy), its length
# at 16 kHz and the loudness of 32 equal stretches in dB below the loudest (a re-encoded copy: flac,
# ogg, mp3, another sample rate or gain; measured: a copy differs by <= 0.2 dB, other speech by >= 6.6).
EVALUATION_CLIPS: dict[str, tuple[str, int, tuple[int, ...]]] = {
    "sense_and_sensibility_01_austen_64kb-0870": (
        "b0557cf95c974d930577e58e46b7f068c432a6e3afcc286563d88922b2a5315c", 113600,
        (-27, -7, -8, -2, -3, -3, 0, -3, -2, -9, -5, -5, -8, -10, -5, -4,
         -4, -10, -6, -10, -8, -13, -12, -9, -9, -12, -5, -9, -5, -9, -20, -26),
    ),
    "sense_and_sensibility_01_austen_64kb-0880": (
        "fbec491ef00ee734a67f0ee318e98c51c157b479e1629ff4f4426861ecac0414", 47840,
        (-22, -26, -18, -5, -4, -8, -4, -1, -5, -12, -18, -25, -13, -6, -2, -4,
         -10, -2, -7, -1, 0, -4, -10, -3, -9, -5, -3, -2, -5, -13, -22, -25),
    ),
    "sense_and_sensibility_01_austen_64kb-0890": (
        "5793ffbdee55fb8bfd284943a6866864c832d9d4accf2661cabd39915c84ee10", 84800,
        (-38, -13, -5, -12, -4, -4, -7, -14, -12, 0, -10, -8, -12, -17, -12, -10,
         -9, -14, -5, -18, -14, -17, -16, -19, -11, -11, -14, -16, -8, -11, -24, -31),
    ),
    "sense_and_sensibility_01_austen_64kb-0920": (
        "40882414ef4cc51f3ff7a63bad0c8c87e7f595ffeb8209fbf756c8ebc5c28a59", 96800,
        (-31, -16, -7, -5, -4, -6, -3, -10, -9, -5, -5, 0, -10, -14, -9, -8,
         -9, -4, -6, -11, -8, -7, -8, -11, -10, -10, -6, -7, -8, -22, -14, -35),
    ),
    "sense_and_sensibility_01_austen_64kb-0930": (
        "954adbf0b56ac8a148cbe77b39ca18d76b5f2a1e1f405565bd786ce3e68a68b7", 52640,
        (-24, -32, -13, -5, -4, -6, -6, -4, -5, -2, -15, 0, -6, -3, -1, 0,
         -4, -4, -4, -3, -2, 0, -2, -9, -7, -3, -3, -9, -23, -22, -24, -27),
    ),
}  # fmt: skip
EVALUATION_MARKER = ".dualtalk-evaluation-only"  # left by the commands that write check sets
_SEGMENTS, _SAME_DB, _SAME_LENGTH = 32, 2.0, 0.03


def loudness_signature(audio: np.ndarray) -> tuple[int, np.ndarray]:
    """(samples, dB below the loudest of 32 equal stretches, floored at -50) of 16 kHz audio: what
    survives re-encoding, resampling and gain, so a copy of an evaluation clip is known by content."""
    a = np.asarray(audio, np.float64)
    if len(a) < _SEGMENTS:
        return len(a), np.zeros(_SEGMENTS)
    rms = np.array([np.sqrt(np.mean(p * p) + 1e-12) for p in np.array_split(a, _SEGMENTS)])
    return len(a), np.round(np.maximum(20 * np.log10(rms / rms.max()), -50.0))


def evaluation_clip(audio: np.ndarray, data: bytes = b"") -> str | None:
    """The LibriVox evaluation clip that ``audio`` (16 kHz) or the file bytes ``data`` are, else None."""
    digest = hashlib.sha256(data).hexdigest() if data else ""
    n, db = loudness_signature(audio)
    for name, (sha, length, ref) in EVALUATION_CLIPS.items():
        if digest == sha:
            return name
        if abs(n - length) <= _SAME_LENGTH * length and np.mean(np.abs(db - np.array(ref))) < _SAME_DB:
            return name
    return None


def refuse_evaluation_clip(label: str, audio: np.ndarray, data: bytes = b"") -> None:
    """One line, before anything is written, when a clip headed for training is an evaluation clip."""
    name = evaluation_clip(audio, data)
    if name is not None:
        same = "" if label.startswith(name) else f" ({name}.wav)"
        raise DualTalkError(
            f"{label} is a LibriVox evaluation clip{same} (docs/metrics.md): it is never used for training"
        )


def mark_evaluation_only(folder: str | Path, writer: str) -> Path:
    """Leave ``EVALUATION_MARKER`` in a check set ``writer`` wrote, so packing it for training is refused."""
    path = ensure_writable_dir(folder) / EVALUATION_MARKER
    with atomic_path(path) as tmp:
        tmp.write_text(f"{writer}: an evaluation set, never used for training (dualtalk)\n", encoding="utf-8")
    return path


def refuse_marked_folder(folder: str | Path) -> None:
    """One line when ``folder`` is a check set this project wrote (it holds ``EVALUATION_MARKER``)."""
    marker = Path(folder) / EVALUATION_MARKER
    if marker.is_file():
        try:
            writer = marker.read_text(encoding="utf-8").split(":", 1)[0].strip() or "dualtalk"
        except (OSError, UnicodeDecodeError):
            writer = "dualtalk"
        raise DualTalkError(
            f"{folder} holds a check set written by {writer} ({EVALUATION_MARKER}): it is never used for training"
        )


def _read_16k(path: Path) -> tuple[np.ndarray, bytes]:
    """A wav as 16 kHz mono, and its bytes (for the evaluation clips' SHA-256)."""
    import soundfile as sf

    data = path.read_bytes()
    audio, sr = sf.read(io.BytesIO(data), dtype="float32", always_2d=False)
    return _to_16k(audio, sr), data


def _read_for_training(path: Path) -> np.ndarray:
    """A wav headed for training as 16 kHz mono, refused if it is a LibriVox evaluation clip."""
    audio, data = _read_16k(path)
    refuse_evaluation_clip(path.name, audio, data)
    return audio


# ----------------------------------------------------------------------------- corpora


def align_ljspeech(folder: str | Path, *, asr: bool = False) -> tuple[list[dict], list[str]]:
    """Aligned LJ Speech clips (``metadata.csv``: id|text|normalised text) and the ids skipped.

    With ``asr`` the wavs missing from ``metadata.csv`` are transcribed by pocketsphinx
    first (source ``ljspeech-asr``).
    """
    folder = Path(folder)
    meta = folder / "metadata.csv"
    if not meta.exists():
        raise DualTalkError(f"{meta} not found (LJ Speech layout: metadata.csv + wavs)")
    refuse_marked_folder(folder)
    texts, wavs = _transcripts(folder), _wavs(folder)
    clips, skipped = [], []
    for name in sorted(set(texts) | (set(wavs) if asr else set())):
        if name not in wavs:
            skipped.append(name)
            continue
        audio = _read_for_training(wavs[name])
        source = "ljspeech" if name in texts else "ljspeech-asr"
        try:
            phones = align(audio, texts[name] if name in texts else transcribe(audio))
        except DualTalkError:
            skipped.append(name)
            continue
        clips.append({"name": name, "audio": audio, "phones": phones, "source": source})
    return clips, skipped


def _transcripts(folder: Path) -> dict[str, str]:
    """``{clip id: normalised text}`` from ``metadata.csv`` (id|text|normalised text)."""
    texts: dict[str, str] = {}
    for line in (folder / "metadata.csv").read_text(encoding="utf-8").splitlines():
        parts = line.split("|")
        if len(parts) >= 2:
            texts[parts[0]] = parts[-1]
    return texts


def _wavs(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.glob("*.wav")) + sorted(folder.glob("wavs/*.wav"))}


def read_rttm(path: str | Path) -> dict[str, list[tuple[float, float, str]]]:
    """Who speaks when, per file id: the intake's RTTM parser (``audio.turns.parse_rttm``,
    which names file and line on a bad record), grouped by each line's file field."""
    from ...inference.audio.turns import parse_rttm

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    turns: dict[str, list[tuple[float, float, str]]] = {}
    for seg in parse_rttm(text, path.name):
        turns.setdefault(lines[seg.line - 1].split()[1], []).append((seg.start, seg.end, seg.speaker))
    return turns


def single_speaker_stretches(
    turns: list[tuple[float, float, str]], min_seconds: float = 1.5
) -> list[tuple[float, float, str]]:
    """The parts of each turn when nobody else talks, ``min_seconds`` or longer, in time order.

    Overlapped speech would teach one person's lips on two people's sounds, so it is cut
    out; what is left is one voice, like a read clip."""
    out = []
    for i, (start, end, who) in enumerate(turns):
        pieces = [(start, end)]
        for j, (s2, e2, other) in enumerate(turns):
            if j == i or other == who:
                continue
            kept = []
            for a, b in pieces:
                if e2 <= a or s2 >= b:
                    kept.append((a, b))
                    continue
                if s2 > a:
                    kept.append((a, s2))
                if e2 < b:
                    kept.append((e2, b))
            pieces = kept
        out += [(a, b, who) for a, b in pieces if b - a >= min_seconds]
    return sorted(out)


def align_rttm(folder: str | Path, *, min_seconds: float = 1.5) -> tuple[list[dict], list[str]]:
    """Aligned single-speaker stretches of untranscribed recordings with who-speaks-when.

    ``folder`` holds ``*.rttm`` files and the ``<file>.wav`` they name (the AMI meeting
    excerpts). Each stretch where one person talks alone is transcribed by pocketsphinx
    and aligned to that hypothesis (source ``rttm-asr``); ``speaker`` keeps the RTTM
    speaker so a dialogue can give all of one person's stretches to one character.
    Stretches with no words recognised or no alignment are skipped and named."""
    folder = Path(folder)
    rttms = sorted(folder.glob("*.rttm"))
    if not rttms:
        raise DualTalkError(f"no .rttm files in {folder}")
    refuse_marked_folder(folder)
    turns: dict[str, list[tuple[float, float, str]]] = {}
    for path in rttms:
        for fid, items in read_rttm(path).items():
            turns.setdefault(fid, []).extend(items)
    clips, skipped = [], []
    for fid in sorted(turns):
        wav = folder / f"{fid}.wav"
        if not wav.exists():
            skipped.append(fid)
            continue
        audio = _read_for_training(wav)
        for start, end, who in single_speaker_stretches(turns[fid], min_seconds):
            name = f"{fid}_{start:.2f}"
            piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            try:
                hyp = transcribe(piece)
                if not normalise_transcript(hyp):
                    raise DualTalkError("no words")
                phones = align(piece, hyp)
            except DualTalkError:
                skipped.append(name)
                continue
            clips.append(
                {"name": name, "audio": piece, "phones": phones, "source": "rttm-asr", "speaker": who}
            )
    return clips, skipped


def align_phone_folder(folder: str | Path) -> tuple[list[dict], list[str]]:
    """Clips already aligned: every ``<stem>.phone.json`` (any alphabet the evaluator reads, e.g.
    the IPA of ``align_tts`` for real speech in another language) with its ``<stem>.wav``. The
    folder's name is the clips' speaker (one person per folder), so a dialogue's speaker A is one
    voice. Returns (clips, stems skipped with the reason)."""
    from ..evaluation.lipsync import read_alignment

    root = Path(folder)
    if not root.is_dir():
        raise DualTalkError(f"--phones {root} is not a folder")
    refuse_marked_folder(root)
    clips, skipped = [], []
    for pj in sorted(root.glob("*.phone.json")):
        stem = pj.name[: -len(".phone.json")]
        wav = pj.with_name(stem + ".wav")
        try:
            aligned = read_alignment(pj)
            audio, data = _read_16k(wav)
        except (DualTalkError, OSError, RuntimeError) as exc:
            skipped.append(f"{stem} ({str(exc)[:80]})")
            continue
        refuse_evaluation_clip(wav.name, audio, data)
        phones = [Phone(p.symbol, p.start, p.end, aligned.alphabet) for p in aligned.phones]
        clips.append(
            {"name": stem, "source": f"phone-json:{aligned.lang}", "audio": audio,
             "phones": phones, "speaker": root.name, "lang": aligned.lang}
        )  # fmt: skip
    if not clips and not skipped:
        raise DualTalkError(f"--phones {root} holds no <stem>.phone.json with its <stem>.wav")
    return clips, skipped


def save_aligned(path: str | Path, clips: list[dict]) -> Path:
    """One ``.npz``: each clip's audio (int16) plus a JSON index of names and phones (their
    alphabet and language when not pocketsphinx's ARPAbet English); returns the file written
    (``.npz`` is added to a name without it, as numpy does)."""
    index = []
    for c in clips:
        alphabet = c["phones"][0].alphabet if c["phones"] else "arpabet"
        index.append(
            {
                "name": c["name"],
                "source": c["source"],
                "phones": [[p.symbol, round(p.start, 3), round(p.end, 3)] for p in c["phones"]],
                **({"speaker": c["speaker"]} if "speaker" in c else {}),
                **({"alphabet": alphabet, "lang": c.get("lang", "")} if alphabet != "arpabet" else {}),
            }
        )
    arrays = {f"a{i}": (np.clip(c["audio"], -1, 1) * 32767).astype(np.int16) for i, c in enumerate(clips)}
    final = _aligned_name(path)  # numpy's own rule for the name, kept: the file is read back by that name
    # a temporary renamed into place: Ctrl-C or a full disk mid-write keeps the earlier archive whole
    with atomic_path(final, suffix=".npz") as tmp:
        np.savez_compressed(tmp, index=np.array(json.dumps(index)), **arrays)
    return final


def load_aligned(path: str | Path) -> list[dict]:
    """The clips written by ``save_aligned``."""
    with np.load(path) as z:
        index = json.loads(str(z["index"]))
        return [
            {
                "name": item["name"],
                "source": item["source"],
                "audio": z[f"a{i}"].astype(np.float32) / 32768.0,
                "phones": [Phone(s, b, e, item.get("alphabet", "arpabet")) for s, b, e in item["phones"]],
                **({"speaker": item["speaker"]} if "speaker" in item else {}),
                **({"lang": item["lang"]} if "lang" in item else {}),
            }
            for i, item in enumerate(index)
        ]


def refuse_packed_evaluation_clips(path: str | Path) -> None:
    """One line when aligned clips (``synth --real``) hold a LibriVox evaluation clip: an archive
    packed before ``align`` refused them is known by each clip's audio, not by a record in it."""
    for clip in load_aligned(path):
        refuse_evaluation_clip(f"{clip['name']} in --real {path}", clip["audio"])


SPEED_RANGE = (0.7, 1.4)  # playback speeds that still sound like a person talking


def _speed_ratio(factor: float) -> Fraction:
    """The nearest ratio of small integers to ``factor``: what polyphase resampling can play."""
    return Fraction(factor).limit_denominator(20)


def played_speed(factor: float) -> float:
    """The speed ``change_speed`` really plays for ``factor``, as clips and corpus records name it."""
    return round(float(_speed_ratio(factor)), 3)


def change_speed(clip: dict, factor: float) -> dict:
    """``clip`` played ``factor`` times faster, phones moved with it (Kaldi-style speed perturbation).

    Resampling scales tempo, pitch and formants together, so one real reader becomes a
    faster or slower, higher or lower voice that still carries the real microphone and
    room, and fast speech gives the short vowels between closures that the model finds
    hardest. The phone times stay exact: they scale by ``1 / factor``."""
    from scipy.signal import resample_poly

    lo, hi = SPEED_RANGE
    if not lo <= factor <= hi:
        raise DualTalkError(f"speed {factor:g} is outside {lo:g}-{hi:g}")
    if factor == 1.0:
        return clip
    ratio = _speed_ratio(factor)
    audio = resample_poly(np.asarray(clip["audio"], np.float64), ratio.denominator, ratio.numerator)
    k = ratio.denominator / ratio.numerator  # new duration / old duration
    return {
        **clip,
        "name": f"{clip['name']}@{float(ratio):.2f}x",
        "speed": played_speed(factor),
        "audio": audio.astype(np.float32),
        "phones": [Phone(p.symbol, p.start * k, p.end * k, p.alphabet) for p in clip["phones"]],
    }


def split_holdout(clips: list[dict], count: int) -> tuple[list[dict], list[dict]]:
    """(training clips, held-out clips): the first ``count`` clips by name whose transcript
    came with the data (their alignment is the most trustworthy), kept out of training so
    real-voice scores can choose between checkpoints without having trained on them."""
    if count < 0:
        raise DualTalkError("--holdout must be 0 or more")
    named = sorted((c for c in clips if c["source"] == "ljspeech"), key=lambda c: c["name"])
    held = {c["name"] for c in named[:count]}
    return [c for c in clips if c["name"] not in held], named[:count]


def _holdout_shortfall(asked: int, eligible: int) -> str:
    """Why ``--holdout`` cannot keep out what was asked: silently training on the clips meant
    for choosing checkpoints is the one thing the option exists to prevent."""
    have = f"only {eligible}" if eligible else "none"
    return (
        f"--holdout {asked}: it keeps out only --ljspeech clips with a transcript, and {have} came here "
        "(--phones and --rttm clips are never held out): lower --holdout, or keep a folder of those "
        "clips out of --phones yourself"
    )


def write_phone_json(out: str | Path, clip: dict) -> Path:
    """``<name>.wav`` (16 kHz) and ``<name>.phone.json`` in the LibriVox layout (ARPAbet), so
    ``dualtalk eval lipsync --aligned`` can score the clip."""
    from ..evaluation.lipsync import write_alignment

    return write_alignment(out, clip["name"], clip["audio"], clip["phones"], source=clip["source"])


def _untranscribed(folder: str | Path) -> list[str]:
    """The wavs of an LJ Speech folder that ``metadata.csv`` has no line for: without
    ``--asr`` they are not aligned, which used to go unsaid (24 of 32 clips, "skipped 0")."""
    folder = Path(folder)
    return sorted(set(_wavs(folder)) - set(_transcripts(folder)))


def _skipped(names: list[str]) -> str:
    return f"skipped {len(names)}: {' '.join(names)}" if names else "skipped 0"


def _left_out(names: list[str], sep: str = "; ") -> str:
    """The untranscribed wavs, counted and named (the first few), with the flag that takes them in."""
    if not names:
        return ""
    shown = " ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{sep}{len(names)} wavs without a transcript left out ({shown}): add --asr to transcribe them"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.align", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--ljspeech", default=None, help="folder with metadata.csv and the wavs")
    ap.add_argument(
        "--rttm", default=None,
        help="folder of *.rttm + <file>.wav (e.g. the AMI excerpts): each stretch where one person "
        "talks alone is transcribed by pocketsphinx and aligned",
    )  # fmt: skip
    ap.add_argument(
        "--phones", action="append", default=[], metavar="DIR",
        help="folder of <stem>.phone.json + <stem>.wav already aligned (e.g. align_tts's real speech in "
        "another language); one speaker per folder; repeatable",
    )  # fmt: skip
    ap.add_argument("--out", required=True, help="aligned clips (.npz) for synth --real")
    ap.add_argument(
        "--replace", action="store_true", help="write over an existing --out (refused without it)"
    )
    ap.add_argument("--asr", action="store_true", help="transcribe wavs missing from metadata.csv")
    ap.add_argument(
        "--holdout", type=int, default=0,
        help="keep this many transcribed clips out of --out, for choosing checkpoints on real speech",
    )  # fmt: skip
    ap.add_argument("--holdout-dir", default=None, help="where the held-out clips go (.wav + .phone.json)")
    args = ap.parse_args(argv)
    if args.holdout and not args.holdout_dir:
        raise DualTalkError("--holdout needs --holdout-dir")
    if not args.ljspeech and not args.rttm and not args.phones:
        raise DualTalkError("give --ljspeech DIR, --rttm DIR or --phones DIR (or several)")
    with _one_run(args):
        return _align_and_save(args)


def _aligned_name(out: str | Path) -> Path:
    """The file ``save_aligned`` writes for ``out``: numpy's rule, ``.npz`` added to a name without it."""
    final = Path(out)
    return final if final.suffix == ".npz" else final.with_name(final.name + ".npz")


def _one_run(args: argparse.Namespace) -> contextlib.AbstractContextManager[bool]:
    """One run at a time per output, with the lock ``infer`` and ``animate`` take: two runs given one
    ``--out`` each aligned for minutes, both found no file there, and the last rename won while both
    said "aligned N clips into" it; the second now stops in one line before any work, exit 75 (busy:
    try again later). The held-out clips' folder is locked as a take folder is (it is written into)."""
    targets: list[tuple[str, str | Path]] = [("--out", _aligned_name(args.out))]
    if args.holdout:
        targets.append(("--holdout-dir", args.holdout_dir))
    held = [args.holdout_dir] if args.holdout else []
    return locks.locked_all(targets, what="aligned corpus", take_folders=held)


def _align_and_save(args: argparse.Namespace) -> int:
    """The run behind :func:`main`, its outputs' locks held."""
    refuse_existing(args.out, "--out", replace=args.replace)  # before minutes of aligning
    clips, skipped = align_ljspeech(args.ljspeech, asr=args.asr) if args.ljspeech else ([], [])
    if args.rttm:
        more, more_skipped = align_rttm(args.rttm)
        clips, skipped = clips + more, skipped + more_skipped
    for folder in args.phones:
        more, more_skipped = align_phone_folder(folder)
        clips, skipped = clips + more, skipped + more_skipped
    untranscribed = _untranscribed(args.ljspeech) if args.ljspeech and not args.asr else []
    if not clips:
        raise DualTalkError("no clip could be aligned" + _left_out(untranscribed, "; "))
    clips, held = split_holdout(clips, args.holdout)
    if len(held) < args.holdout:  # before anything is written: the user means to judge with them
        raise DualTalkError(_holdout_shortfall(args.holdout, len(held)))
    if held:  # marked first: an interrupted run still leaves a check set that align --phones refuses
        mark_evaluation_only(args.holdout_dir, "align --holdout-dir")
    for clip in held:
        write_phone_json(args.holdout_dir, clip)
    if held:
        print(f"held out {len(held)} clips in {args.holdout_dir}: {' '.join(c['name'] for c in held)}")
    written = save_aligned(args.out, clips)
    secs = sum(len(c["audio"]) for c in clips) / SAMPLE_RATE
    print(
        f"aligned {len(clips)} clips ({secs:.0f} s) into {written}, {_skipped(skipped)}{_left_out(untranscribed)}"
    )
    return 0


if __name__ == "__main__":
    from ...inference.core import interrupts

    try:  # one line, as the dualtalk commands do, not a traceback
        with interrupts.handle_signals():
            code = main()
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM
        print(f"error: {interrupts.message(exc)}", file=sys.stderr)
        code = interrupts.exit_code(exc)
    except DualTalkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = exc.exit_code  # 2, or 75 where another run is writing --out (locks.BUSY_EXIT)
    raise SystemExit(code)
