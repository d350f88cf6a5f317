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

``python -m dualtalk.training.lite.align [--ljspeech DIR] [--rttm DIR] --out FILE.npz``
writes the aligned clips (16 kHz audio + phones, and the speaker for RTTM stretches)
for ``synth`` to mix into a corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from ...inference.audio.tts import SAMPLE_RATE, Phone
from ...inference.core.errors import DualTalkError
from ...inference.core.fileio import atomic_path
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


def align_ljspeech(folder: str | Path, *, asr: bool = False) -> tuple[list[dict], list[str]]:
    """Aligned LJ Speech clips (``metadata.csv``: id|text|normalised text) and the ids skipped.

    With ``asr`` the wavs missing from ``metadata.csv`` are transcribed by pocketsphinx
    first (source ``ljspeech-asr``).
    """
    import soundfile as sf

    folder = Path(folder)
    meta = folder / "metadata.csv"
    if not meta.exists():
        raise DualTalkError(f"{meta} not found (LJ Speech layout: metadata.csv + wavs)")
    texts, wavs = _transcripts(folder), _wavs(folder)
    clips, skipped = [], []
    for name in sorted(set(texts) | (set(wavs) if asr else set())):
        if name not in wavs:
            skipped.append(name)
            continue
        raw, sr = sf.read(wavs[name], dtype="float32")
        audio = _to_16k(raw, sr)
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
    import soundfile as sf

    folder = Path(folder)
    rttms = sorted(folder.glob("*.rttm"))
    if not rttms:
        raise DualTalkError(f"no .rttm files in {folder}")
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
        raw, sr = sf.read(wav, dtype="float32", always_2d=True)
        audio = _to_16k(raw.mean(axis=1), sr)
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
    import soundfile as sf

    from ..evaluation.lipsync import read_alignment

    root = Path(folder)
    if not root.is_dir():
        raise DualTalkError(f"--phones {root} is not a folder")
    clips, skipped = [], []
    for pj in sorted(root.glob("*.phone.json")):
        stem = pj.name[: -len(".phone.json")]
        wav = pj.with_name(stem + ".wav")
        try:
            aligned = read_alignment(pj)
            audio, sr = sf.read(str(wav), dtype="float32", always_2d=False)
        except (DualTalkError, OSError, RuntimeError) as exc:
            skipped.append(f"{stem} ({str(exc)[:80]})")
            continue
        phones = [Phone(p.symbol, p.start, p.end, aligned.alphabet) for p in aligned.phones]
        clips.append(
            {"name": stem, "source": f"phone-json:{aligned.lang}", "audio": _to_16k(audio, sr),
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
    final = Path(path)
    if final.suffix != ".npz":  # numpy's own rule for the name, kept: the file is read back by that name
        final = final.with_name(final.name + ".npz")
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
        code = 2
    raise SystemExit(code)
