"""Held-out synthetic speech per language, written for ``python -m dualtalk eval lipsync``.

The training corpus never contains these voices (``languages.HELDOUT_VARIANTS``) nor
these sentences (each language's last one). Every clip is a ``.wav`` plus a
``.phone.json`` in the LibriVox layout with ``"alphabet": "ipa"`` and the language tag,
phones at espeak-ng's exact timings, so the evaluator reports closure and AUCs per
language (``by_lang``).

``python -m dualtalk.training.lite.heldout --out DIR`` (English, the 14 corpus languages;
each at a normal and a fast rate with a male and a female held-out voice).
``--english`` writes a larger English-only set instead: seven sentences of our own (none in
the corpus), three accents, the same voices and rates (84 clips), each with its text, so
lips drawn from a transcript (``eval lipsync --transcripts``) can be scored against exact phones.
``--scripts`` writes every sentence of every corpus language (14 x 8), in the same voices and
rates (448 clips), each with its text in ``<stem>.txt`` and in its ``.phone.json``: a set for
measuring the transcript aligner in each language (``eval lipsync --transcripts``), not the model
(the first seven sentences of each language are in its training corpus). Mandarin is written in the
corpus's tone-numbered pinyin, Japanese in kana; the Portuguese clips, spoken by ``pt-br``, are
tagged ``pt-br`` so the aligner reads them as Brazilian Portuguese.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from ...inference.audio.tts import Voice, speak
from ...inference.core.fileio import atomic_path, ensure_writable_dir
from ...inference.phonetic.ipa import as_ipa, is_language_switch
from ..evaluation.lipsync import write_alignment
from .align import mark_evaluation_only
from .languages import HELDOUT_VARIANTS, LANGUAGES
from .synth import SENTENCES

ENGLISH_EVAL = "Maybe my brother will buy a bigger boat in February."
RATES = {"normal": 1.0, "fast": 1.5}
ENGLISH_MORE = (
    ENGLISH_EVAL,
    "Who knew the blue moon would move above the pool?",
    "Bob found five old photos of his father's farm.",
    "Please pass me the map before we miss the bus.",
    "I thought the owl flew over the stone wall at noon.",
    "Very few people have ever visited that valley.",
    "My mother bought a warm coat for the long voyage home.",
)
ENGLISH_ACCENTS = ("en-us", "en-gb-x-rp", "en-gb-scotland")
# --scripts: a corpus code that would name another variety than its voice speaks (``pt`` is Portugal's;
# the corpus speaks ``pt-br``) is tagged as the voice, so the transcript is read as it was spoken
SCRIPT_TAGS = {"pt": "pt-br"}


def write_clip(out: Path, stem: str, lang: str, utt) -> None:
    """``stem.wav`` and ``stem.phone.json`` (plain IPA, one pseudo-word holding the phones): espeak's
    stand-ins (``tS``, ``N``) written as the IPA letters they stand for, as ``align_tts`` writes them."""
    phones = [replace(p, symbol=as_ipa(p.symbol)) for p in utt.phones if not is_language_switch(p.symbol)]
    write_alignment(out, stem, utt.audio, phones, alphabet="ipa", lang=lang, text=utt.text)


def generate_heldout(out_dir: str | Path) -> list[str]:
    """Write the held-out clips; returns their stems."""
    out = ensure_writable_dir(out_dir)
    mark_evaluation_only(out, "heldout")  # align --phones refuses to pack it for training
    sets = [("en", "en-us", ENGLISH_EVAL)] + [
        (c, lang.voice, lang.eval_sentence) for c, lang in LANGUAGES.items()
    ]
    assert ENGLISH_EVAL not in SENTENCES
    stems = []
    for code, voice, text in sets:
        stems += _write_voices(out, code, code, voice, text)
    return stems


def _write_voices(
    out: Path, prefix: str, lang: str, voice: str, text: str, *, with_text: bool = False
) -> list[str]:
    """``text`` in each held-out voice at each rate (``<prefix>_<variant>_<rate>``); the stems.
    ``with_text``: also ``<stem>.txt`` holding ``text``."""
    stems = []
    for variant in HELDOUT_VARIANTS:
        female = variant.startswith("f")
        for rate_name, rate in RATES.items():
            v = Voice("espeak", f"{voice}+{variant}", rate, 65.0 if female else 40.0, 60.0, female)
            stem = f"{prefix}_{variant}_{rate_name}"
            write_clip(out, stem, lang, speak(text, v))
            if with_text:
                with atomic_path(out / f"{stem}.txt") as tmp:
                    tmp.write_text(text + "\n", encoding="utf-8")
            stems.append(stem)
    return stems


def generate_english(out_dir: str | Path) -> list[str]:
    """The larger English set (``--english``); returns the stems."""
    out = ensure_writable_dir(out_dir)
    mark_evaluation_only(out, "heldout --english")  # align --phones refuses to pack it for training
    assert not set(ENGLISH_MORE) & set(SENTENCES)
    stems = []
    for k, text in enumerate(ENGLISH_MORE):
        for accent in ENGLISH_ACCENTS:
            stems += _write_voices(out, f"en{k + 1}_{accent}", "en", accent, text)
    return stems


def generate_scripts(out_dir: str | Path) -> list[str]:
    """Every sentence of every corpus language (``--scripts``), with its text; returns the stems
    (``<lang><k>_<variant>_<rate>``, k = the sentence's number from 1)."""
    out = ensure_writable_dir(out_dir)
    mark_evaluation_only(out, "heldout --scripts")  # align --phones refuses to pack it for training
    stems = []
    for code, lang in LANGUAGES.items():
        for k, text in enumerate(lang.sentences):
            stems += _write_voices(
                out, f"{code}{k + 1}", SCRIPT_TAGS.get(code, code), lang.voice, text, with_text=True
            )
    return stems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m dualtalk.training.lite.heldout", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--out", required=True, help="folder for <lang>_<voice>_<rate>.wav/.phone.json")
    which = ap.add_mutually_exclusive_group()
    which.add_argument(
        "--english", action="store_true", help="the larger English-only set (7 sentences x 3 accents)"
    )
    which.add_argument(
        "--scripts",
        action="store_true",
        help="every sentence of the 14 corpus languages with its text (<stem>.txt), to measure the "
        "transcript aligner per language",
    )
    args = ap.parse_args(argv)
    if args.scripts:
        stems = generate_scripts(args.out)
    else:
        stems = generate_english(args.out) if args.english else generate_heldout(args.out)
    print(f"wrote {len(stems)} held-out clips to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
