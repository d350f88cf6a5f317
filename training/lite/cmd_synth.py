"""``python -m dualtalk synth --out DIR --dialogues N --seed S``: the lite training corpus."""

from __future__ import annotations

import argparse

from ...inference.audio.tts import RATES_ENGLISH, RATES_OTHER
from ...inference.core.errors import DualTalkError
from .fronting import MAX_SHIFT, SHIFT_RANGE

RATE_RANGE = (0.5, 2.5)
"""Speed factors the engines still speak intelligibly at (espeak-ng: ~90-440 words a minute)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="folder for <stem>_speaker1/2.wav/.npz (created)")
    parser.add_argument("--dialogues", type=int, default=300, help="how many dialogues (default 300)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    parser.add_argument(
        "--first", type=int, default=0, help="index of the first dialogue (to extend a corpus; default 0)"
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="length each dialogue aims at; its last utterance is never cut, so a dialogue may run a few "
        "seconds longer (the manifest records each one's length; default 10-20 s)",
    )
    parser.add_argument(
        "--english-share",
        type=float,
        default=1.0,
        help="share of English dialogues; the rest speak one of the corpus languages (default 1)",
    )
    parser.add_argument(
        "--real", default=None, help="aligned real recordings (.npz from training.lite.align) for speaker A"
    )
    parser.add_argument(
        "--real-share", type=float, default=0.0, help="share of dialogues with a real speaker A (default 0)"
    )
    parser.add_argument(
        "--real-speeds",
        default=None,
        metavar="X,Y,...",
        help="play each real dialogue's reader at one of these speeds, e.g. 0.9,1.1,1.2 "
        "(tempo, pitch and formants scale together: more voices and faster speech from one reader)",
    )
    parser.add_argument(
        "--rates",
        default=None,
        metavar="LOW,HIGH",
        help="speaking-rate range of the synthetic voices as speed factors, e.g. 1.2,1.8 for fast "
        f"conversational speech (default {RATES_ENGLISH[0]:g},{RATES_ENGLISH[1]:g} in English, "
        f"{RATES_OTHER[0]:g},{RATES_OTHER[1]:g} in other languages; each between "
        f"{RATE_RANGE[0]:g} and {RATE_RANGE[1]:g})",
    )
    parser.add_argument(
        "--fronting",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of English utterances whose rounded vowels (/u/, /oʊ/) are fronted: F2 raised, "
        "lips still round, as many North American speakers say them (default 0)",
    )
    parser.add_argument(
        "--fronting-shift",
        default=None,
        metavar="LOW,HIGH",
        help="how far (Hz) a fronted vowel's F2 rises, drawn per utterance "
        f"(default {SHIFT_RANGE[0]:g},{SHIFT_RANGE[1]:g}; at most {MAX_SHIFT:g})",
    )
    parser.add_argument(
        "--contact-trim",
        type=float,
        default=0.0,
        metavar="MS",
        help="shorten each /p b m f v/ of the real voices' force-aligned phones by MS ms at both ends "
        "before drawing their targets (aligned contacts run into the next vowel; default 0, at most 40)",
    )
    parser.add_argument(
        "--behaviour",
        action="store_true",
        help="v1 targets: add random blinks, gaze, listener nods and head drift (the behaviour layer owns them now)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from ...inference.audio.tts import available_engines
    from ...inference.core.progress import ConsoleBar, Silent
    from .synth import generate_corpus

    if args.dialogues < 1 or args.dialogues > 100000:
        raise DualTalkError("--dialogues must be between 1 and 100000")
    if args.first < 0:
        raise DualTalkError("--first must be 0 or more")
    if args.seconds is not None and not 2.0 <= args.seconds <= 600.0:
        raise DualTalkError("--seconds must be between 2 and 600")
    if not 0.0 <= args.english_share <= 1.0 or not 0.0 <= args.real_share <= 1.0:
        raise DualTalkError("--english-share and --real-share must be between 0 and 1")
    if not 0.0 <= args.fronting <= 1.0:
        raise DualTalkError("--fronting must be between 0 and 1")
    shift = _shifts(args.fronting_shift) if args.fronting_shift is not None else SHIFT_RANGE
    if args.fronting_shift is not None and args.fronting == 0:
        raise DualTalkError("--fronting-shift needs --fronting (the share of utterances to front)")
    if args.real is not None:
        from pathlib import Path

        if not Path(args.real).is_file():
            raise DualTalkError(f"--real {args.real}: no such file (make it with training.lite.align)")
    if args.real_share and args.real is None:
        raise DualTalkError("--real-share needs --real (the aligned recordings that speak as speaker A)")
    speeds = _speeds(args.real_speeds) if args.real_speeds is not None else ()
    if speeds and args.real is None:
        raise DualTalkError("--real-speeds needs --real (the aligned recordings to speed up or slow down)")
    rates = _rates(args.rates) if args.rates is not None else None
    trim = float(args.contact_trim)
    if not (0.0 <= trim <= 40.0):  # nan fails this too
        raise DualTalkError(f"--contact-trim must be between 0 and 40 ms, got {args.contact_trim:g}")
    if trim and args.real is None:
        raise DualTalkError("--contact-trim needs --real (it trims the real voices' aligned contacts)")
    if not available_engines():
        raise DualTalkError("no text-to-speech engine found: install espeak-ng (and optionally flite)")
    progress = Silent() if args.quiet else ConsoleBar()
    out = generate_corpus(
        args.out,
        args.dialogues,
        args.seed,
        start=args.first,
        duration=args.seconds,
        progress=progress,
        english_share=args.english_share,
        behaviour=args.behaviour,
        real=args.real,
        real_share=args.real_share if args.real else 0.0,
        real_speeds=speeds,
        rates=rates,
        fronting=args.fronting,
        fronting_shift=shift,
        contact_trim=trim / 1000.0,
    )
    print(f"wrote {args.dialogues} dialogues to {out} (manifest: {out / 'corpus.json'})")
    return 0


def _speeds(text: str) -> tuple[float, ...]:
    """``"0.9,1.1"`` -> (0.9, 1.1), each within ``align.SPEED_RANGE``; one clear line otherwise."""
    from .align import SPEED_RANGE

    lo, hi = SPEED_RANGE
    speeds = _numbers("--real-speeds", text, "numbers separated by commas, e.g. 0.9,1.1")
    if not speeds or any(not lo <= s <= hi for s in speeds):
        raise DualTalkError(f"--real-speeds {text!r}: each speed must be between {lo:g} and {hi:g}")
    return speeds


def _rates(text: str) -> tuple[float, float]:
    """``"1.2,1.8"`` -> (1.2, 1.8): low <= high, both within ``RATE_RANGE``; one clear line otherwise."""
    lo, hi = RATE_RANGE
    low, high = _pair("--rates", text, "two numbers LOW,HIGH, e.g. 1.2,1.8")
    if not (lo <= low <= high <= hi):
        raise DualTalkError(f"--rates {text!r}: need {lo:g} <= LOW <= HIGH <= {hi:g}")
    return low, high


def _shifts(text: str) -> tuple[float, float]:
    """``"600,1100"`` -> (600.0, 1100.0): 0 < low <= high <= ``MAX_SHIFT``; one clear line otherwise."""
    low, high = _pair("--fronting-shift", text, "two numbers LOW,HIGH in Hz, e.g. 600,1100")
    if not (0.0 < low <= high <= MAX_SHIFT):
        raise DualTalkError(f"--fronting-shift {text!r}: need 0 < LOW <= HIGH <= {MAX_SHIFT:g}")
    return low, high


def _pair(flag: str, text: str, hint: str) -> tuple[float, float]:
    """Exactly two comma-separated numbers (a range's LOW,HIGH); anything else is one clear line."""
    numbers = _numbers(flag, text, hint)
    if len(numbers) != 2:
        raise DualTalkError(f"{flag} {text!r}: give {hint}")
    return numbers[0], numbers[1]


def _numbers(flag: str, text: str, hint: str) -> tuple[float, ...]:
    """Comma-separated numbers of one option; a word among them is one clear line naming ``flag``."""
    try:
        return tuple(float(x) for x in text.split(","))
    except ValueError:
        raise DualTalkError(f"{flag} {text!r}: give {hint}") from None
