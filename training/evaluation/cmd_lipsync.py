"""``python -m dualtalk eval lipsync --aligned DIR [--pred DIR] [--json]``: lips against true phones.

``--aligned`` holds ``<stem>.phone.json`` + ``<stem>.wav`` pairs (the layout of
``../shared/data/real_speech/librivox``). ``--pred`` holds the motion to judge, one
ARKit motion file per clip: ``<stem>.npz``, or a dialogue-mode ``infer`` run per clip,
``<stem>/A.npz`` (the character who speaks; B listened to silence). Without
``--pred`` the model is run here on each clip's audio through the one pipeline, exactly
as ``infer --audio <stem>.wav --audio-b silence.wav`` runs it (with ``infer``'s engine
flags): the character speaks, the partner is silent. Measures: :mod:`.lipsync` and ``docs/metrics.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.request import ENGINE, GENERATE, Request
from ...inference.core.request import add_arguments as add_request_arguments
from ...inference.core.timebase import FPS, SAMPLE_RATE
from .lipsync import (
    AlignedClip,
    check_length,
    evaluate_clips,
    find_alignments,
    format_report,
    lipflap_features,
    mouth_features,
)

SR = SAMPLE_RATE  # the engine reads 16 kHz mono
MIN_BOOTSTRAP, MAX_BOOTSTRAP = 100, 100_000  # fewer rounds give a ragged range, more only take time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--aligned",
        required=True,
        metavar="DIR",
        help="folder of <stem>.phone.json + <stem>.wav (true phone timings)",
    )
    parser.add_argument(
        "--pred",
        metavar="DIR",
        help="motion to score: <stem>.npz or <stem>/A.npz per clip (default: run the model on each clip)",
    )
    # the model run takes the same engine flags as `infer` (one options model), on the CPU by default
    add_request_arguments(
        parser,
        (ENGINE, GENERATE),
        defaults={"device": "cpu"},
        helps={"device": "auto, cpu or cuda (default: cpu, for reproducible scores)"},
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="add each row's 95 %% range over N resamplings of the phones (e.g. 1000; default 0 = off)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the table, then the whole report as one JSON line"
    )


def _pred_path(pred_dir: Path, stem: str) -> Path:
    for cand in (pred_dir / f"{stem}.npz", pred_dir / stem / "A.npz"):
        if cand.is_file():
            return cand
    raise DualTalkError(f"no motion for {stem} in {pred_dir}: expected {stem}.npz or {stem}/A.npz")


def _load_audio(clip: AlignedClip) -> np.ndarray:
    from ...inference.audio import load_speech

    return load_speech(clip.wav)


def _predicted(clip: AlignedClip, pred_dir: Path) -> tuple[Any, str]:
    from ...inference.core.motion import load_motion

    path = _pred_path(pred_dir, clip.stem)
    return load_motion(path), path.relative_to(pred_dir).as_posix()


def _generated(clip: AlignedClip, audio: np.ndarray, request: Request, engines: Any) -> Any:
    """The character speaks the clip, the partner is silent: ``infer --audio clip.wav --audio-b silence.wav``."""
    import soundfile as sf

    from ...inference import pipeline

    audio_log = logging.getLogger("dualtalk.audio")
    level = audio_log.level
    audio_log.setLevel(logging.ERROR)  # "B's audio is silent; B only listens" is the point here
    try:
        with tempfile.TemporaryDirectory(prefix="dualtalk-lipsync-") as tmp:
            silence = Path(tmp) / "silence.wav"
            sf.write(silence, np.zeros_like(audio), SR, subtype="PCM_16")
            take = pipeline.run(
                request.replace(audio=str(clip.wav), audio_b=str(silence)),
                Path(tmp) / "take",
                engines=engines,
            )
    finally:
        audio_log.setLevel(level)
    return take.motion_a


def evaluate_lipsync(
    aligned: str | Path,
    pred: str | Path | None = None,
    *,
    request: Request | None = None,
    checkpoint: str | None = None,
    engine: str | None = None,
    device: str | None = None,
    bootstrap: int = 0,
) -> dict[str, Any]:
    """Score motion files in ``pred``, or else the model run through the pipeline with ``request``'s
    engine options (default: the shipped lite weights on the CPU), and the lip-flap baseline.

    ``checkpoint``, ``engine`` and ``device`` are shortcuts that override the request's fields."""
    if bootstrap and not MIN_BOOTSTRAP <= bootstrap <= MAX_BOOTSTRAP:
        raise DualTalkError(
            f"--bootstrap must be 0 (off) or {MIN_BOOTSTRAP}-{MAX_BOOTSTRAP}, got {bootstrap}"
        )
    overrides = {"checkpoint": checkpoint, "engine": engine, "device": device}
    clips = find_alignments(aligned)
    pred_dir = Path(pred) if pred is not None else None
    if pred_dir is not None and not pred_dir.is_dir():
        raise DualTalkError(f"prediction folder not found: {pred_dir}")
    engines = eng = None
    request = (request or Request(device="cpu")).replace(
        **{k: v for k, v in overrides.items() if v is not None}
    )
    request.validate()
    if pred_dir is None:
        from ...inference.pipeline import Engines

        engines = Engines()
        eng = engines.get(request)  # weights first: a wrong checkpoint fails before any clip runs
        source = f"{eng.name} engine {eng.sha256[:12]}" if eng.sha256 else f"{eng.name} engine"
    else:
        source = str(pred_dir)
    model_feats, flap_feats, seconds = [], [], []
    shas: set[str] = set()
    fps = None
    for clip in clips:
        audio = _load_audio(clip)
        secs = len(audio) / SR
        if pred_dir is not None:
            motion, what = _predicted(clip, pred_dir)
        else:
            motion, what = _generated(clip, audio, request, engines), f"the model's motion for {clip.stem}"
        if fps is not None and motion.fps != fps:
            raise DualTalkError(
                f"{what} is at {motion.fps:g} fps, other clips at {fps:g}; score one rate at a time"
            )
        fps = motion.fps
        shas.add(str(motion.checkpoint_sha256 or ""))
        check_length(clip, motion.num_frames, len(audio), motion.fps, what, SR)
        model_feats.append(mouth_features(motion.values, motion.channels))
        flap_feats.append(lipflap_features(audio, motion.num_frames, SR, motion.fps))
        seconds.append(secs)
    report = evaluate_clips(
        clips,
        model_feats,
        flap_feats,
        fps=float(fps or FPS),
        seconds=seconds,
        source=source,
        bootstrap=bootstrap,
    )
    # the weights judged: the engine's, or the one sha all motion files agree on ("" if unknown or mixed)
    report["checkpoint_sha256"] = eng.sha256 if eng is not None else (shas.pop() if len(shas) == 1 else "")
    return report


def run(args: argparse.Namespace) -> int:
    report = evaluate_lipsync(
        args.aligned, args.pred, request=Request.from_args(args), bootstrap=args.bootstrap
    )
    print(format_report(report))
    if args.json:
        print(json.dumps(report))
    sys.stdout.flush()
    return 0
