"""``python -m dualtalk infer``: motion files from dialogue audio.

Dialogue mode (both characters from audio alone)::

    python -m dualtalk infer --audio talk.wav --out takes/scene1 [--checkpoint DualTalk.pth]

writes ``takes/scene1/A.npz`` and ``B.npz``. Paper mode (the authors' setting: one
character given the partner's captured motion)::

    python -m dualtalk infer --audio SELF.wav --partner-audio P.wav --partner-motion P.npz \\
        --checkpoint DualTalk.pth --out PRED.npz

writes one motion file that also carries the dataset's ``exp``/``pose`` arrays.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .core.errors import DualTalkError
from .generate import DEFAULT_ROUNDS, DEFAULT_WINDOW_S, MAX_ROUNDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .audio import add_audio_arguments

    add_audio_arguments(parser)
    paper = parser.add_argument_group("paper mode (one character, given the partner's captured motion)")
    paper.add_argument(
        "--partner-audio", metavar="FILE", help="the partner's own audio (then --audio is the character's)"
    )
    paper.add_argument(
        "--partner-motion", metavar="NPZ", help="the partner's motion: DualTalk dataset npz or motion file"
    )
    eng = parser.add_argument_group("engine")
    eng.add_argument(
        "--checkpoint",
        metavar="PTH",
        help="published DualTalk.pth (or lite weights); none -> embedded lite model",
    )
    eng.add_argument(
        "--engine", choices=("auto", "dualtalk", "lite"), default="auto", help="network (default: auto)"
    )
    eng.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    eng.add_argument(
        "--precision",
        choices=("fp32", "bf16", "fp16"),
        default="fp32",
        help="fp32 (default, deterministic); bf16 autocast on CUDA or bf16-capable CPUs; fp16 on CUDA",
    )
    eng.add_argument(
        "--rounds",
        type=int,
        metavar="K",
        help=f"dialogue refinement rounds, 1-{MAX_ROUNDS} (default {DEFAULT_ROUNDS})",
    )
    eng.add_argument(
        "--window",
        type=float,
        metavar="SEC",
        help=f"process long audio in windows of SEC seconds, cross-faded (default {DEFAULT_WINDOW_S:g}; 0 = whole take at once)",
    )
    parser.add_argument(
        "--out", required=True, metavar="PATH", help="dialogue mode: output folder; paper mode: PRED.npz"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _progress(args: argparse.Namespace):
    from .core.progress import ConsoleBar, Silent

    return Silent() if args.quiet else ConsoleBar(sys.stderr)


def run(args: argparse.Namespace) -> int:
    paper = args.partner_audio is not None or args.partner_motion is not None
    return _run_paper(args) if paper else _run_dialogue(args)


def _check_options(args: argparse.Namespace) -> None:
    from .engine import _check_precision, resolve_device
    from .generate import check_options

    check_options(args.rounds, args.window)
    _check_precision(args.precision, resolve_device(args.device))


def _run_dialogue(args: argparse.Namespace) -> int:
    from .audio import dialogue_from_args
    from .engine import load_engine
    from .generate import generate_dialogue, write_dialogue

    _check_options(args)
    out = Path(args.out)
    if out.suffix.lower() == ".npz":
        raise DualTalkError("dialogue mode writes A.npz and B.npz: --out must be a folder, not a .npz file")
    if out.exists() and not out.is_dir():
        raise DualTalkError(f"--out {out} exists and is not a folder")
    t0 = time.perf_counter()
    progress = _progress(args)
    # weights first: a wrong checkpoint or device fails before the audio analysis
    engine = load_engine(
        args.checkpoint, engine=args.engine, device=args.device, precision=args.precision, progress=progress
    )
    dialogue = dialogue_from_args(args, progress=progress)
    motion_a, motion_b = generate_dialogue(
        dialogue, engine, rounds=args.rounds, window_s=args.window, progress=progress
    )
    path_a, path_b = write_dialogue(out, motion_a, motion_b)
    took = time.perf_counter() - t0
    print(
        f"wrote {path_a} and {path_b}: {motion_a.num_frames} frames ({motion_a.duration:.2f} s at {motion_a.fps:g} fps), "
        f"{engine.name} engine on {engine.device}, {motion_a.meta.get('rounds')} rounds, "
        f"{motion_a.meta.get('windows')} window(s), {took:.1f} s"
    )
    return 0


def _run_paper(args: argparse.Namespace) -> int:
    from .audio import load_speech
    from .core.motion import load_motion, save_motion
    from .engine import load_engine
    from .generate import generate_single

    if args.audio is None or args.partner_audio is None or args.partner_motion is None:
        raise DualTalkError(
            "paper mode needs --audio SELF.wav, --partner-audio PARTNER.wav and --partner-motion PARTNER.npz"
        )
    other = [
        f"--{name.replace('_', '-')}"
        for name in ("audio_b", "turns", "speaker_a", "start", "end")
        if getattr(args, name, None) is not None
    ]
    other += [f"--{flag}" for flag in ("swap", "diarize") if getattr(args, flag, False)]
    if args.rounds is not None:
        other.append("--rounds")
    if other:
        raise DualTalkError(
            f"{', '.join(other)} only apply to dialogue mode, not to paper mode (--partner-audio)"
        )
    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise DualTalkError("paper mode writes one motion file: --out must end in .npz")
    if out.is_dir():
        raise DualTalkError(f"--out {out} is a folder; paper mode writes one .npz file")
    _check_options(args)
    t0 = time.perf_counter()
    progress = _progress(args)
    own = load_speech(args.audio)
    partner = load_speech(args.partner_audio)
    partner_motion = load_motion(args.partner_motion)
    engine = load_engine(
        args.checkpoint, engine=args.engine, device=args.device, precision=args.precision, progress=progress
    )
    motion = generate_single(own, partner, partner_motion, engine, window_s=args.window, progress=progress)
    motion.meta.update(
        {
            "audio": str(args.audio),
            "partner_audio": str(args.partner_audio),
            "partner_motion": str(args.partner_motion),
        }
    )
    save_motion(out, motion)
    took = time.perf_counter() - t0
    print(
        f"wrote {out}: {motion.num_frames} frames ({motion.duration:.2f} s at {motion.fps:g} fps) of {motion.space}, "
        f"{engine.name} engine on {engine.device}, {took:.1f} s"
    )
    return 0
