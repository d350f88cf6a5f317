"""``python -m dualtalk eval lipsync --aligned DIR [--pred DIR] [--json]``: lips against true phones.

``--aligned`` holds ``<stem>.phone.json`` + ``<stem>.wav`` pairs (the layout of
``../shared/data/real_speech/librivox``), or ``<stem>.TextGrid`` + ``<stem>.wav`` (Praat's format,
what forced aligners such as MFA write; the ``phones`` tier, ARPAbet). ``--pred`` holds the motion to judge, one
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
        help="folder of <stem>.phone.json or <stem>.TextGrid (Praat, e.g. from the Montreal Forced Aligner) "
        "+ <stem>.wav (true phone timings)",
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
        "--against",
        metavar="PTH|DIR",
        help="also score other lite weights (a file) or other motion files (a folder) on the same "
        "phones, and give each row's change with its paired 95 %% range (better / worse / not shown)",
    )
    parser.add_argument(
        "--transcripts",
        action="store_true",
        help="run the model with each clip's words as its --transcript (<stem>.txt, else the words in its "
        ".phone.json or TextGrid): scores lips drawn from a transcript",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the table, then the whole report as one JSON line"
    )


def _pred_path(pred_dir: Path, stem: str) -> Path:
    found = [c for c in (pred_dir / f"{stem}.npz", pred_dir / stem / "A.npz") if c.is_file()]
    if len(found) > 1:  # two takes of one clip: scoring either one would hide the other
        raise DualTalkError(f"{pred_dir} has both {stem}.npz and {stem}/A.npz for {stem}; keep one")
    if found:
        return found[0]
    raise DualTalkError(f"no motion for {stem} in {pred_dir}: expected {stem}.npz or {stem}/A.npz")


def _load_audio(clip: AlignedClip) -> np.ndarray:
    from ...inference.audio import load_speech

    return load_speech(clip.wav)


def _predicted(clip: AlignedClip, pred_dir: Path) -> tuple[Any, str]:
    from ...inference.core.motion import load_motion

    path = _pred_path(pred_dir, clip.stem)
    return load_motion(path), path.relative_to(pred_dir).as_posix()


def _generated(
    clip: AlignedClip, audio: np.ndarray, request: Request, engines: Any, transcripts: bool = False
) -> Any:
    """The character speaks the clip, the partner is silent: ``infer --audio clip.wav --audio-b silence.wav``
    (with ``transcripts``: ``--transcript`` holding ``A: <the clip's words>``)."""
    import soundfile as sf

    from ...inference import pipeline

    audio_log = logging.getLogger("dualtalk.audio")
    level = audio_log.level
    audio_log.setLevel(logging.ERROR)  # "B's audio is silent; B only listens" is the point here
    try:
        with tempfile.TemporaryDirectory(prefix="dualtalk-lipsync-") as tmp:
            silence = Path(tmp) / "silence.wav"
            sf.write(silence, np.zeros_like(audio), SR, subtype="PCM_16")
            run_request = request.replace(audio=str(clip.wav), audio_b=str(silence))
            if transcripts:
                words = clip.words
                if not words.strip():
                    raise DualTalkError(
                        f"--transcripts: no words for {clip.stem} (a {clip.stem}.txt, or words in its alignment file)"
                    )
                script = Path(tmp) / "transcript.txt"
                script.write_text(f"A: {words}\n", encoding="utf-8")
                run_request = run_request.replace(transcript=str(script))
            take = pipeline.run(run_request, Path(tmp) / "take", engines=engines)
    finally:
        audio_log.setLevel(level)
    return take.motion_a


def _engine_for(request: Request) -> tuple[Any, Any, str]:
    from ...inference.pipeline import Engines

    engines = Engines()
    eng = engines.get(request)  # weights first: a wrong checkpoint fails before any clip runs
    source = f"{eng.name} engine {eng.sha256[:12]}" if eng.sha256 else f"{eng.name} engine"
    return engines, eng, source


def _curves(
    clips: list[AlignedClip], pred_dir: Path | None, request: Request, engines: Any, transcripts: bool = False
) -> tuple[list[Any], list[np.ndarray]]:
    """Each clip's motion (read from ``pred_dir`` or made by the model) and its audio, checked."""
    motions, audios = [], []
    fps = None
    for clip in clips:
        audio = _load_audio(clip)
        if pred_dir is not None:
            motion, what = _predicted(clip, pred_dir)
        else:
            motion = _generated(clip, audio, request, engines, transcripts)
            what = f"the model's motion for {clip.stem}"
        if fps is not None and motion.fps != fps:
            raise DualTalkError(
                f"{what} is at {motion.fps:g} fps, other clips at {fps:g}; score one rate at a time"
            )
        fps = motion.fps
        check_length(clip, motion.num_frames, len(audio), motion.fps, what, SR)
        motions.append(motion)
        audios.append(audio)
    return motions, audios


def evaluate_lipsync(
    aligned: str | Path,
    pred: str | Path | None = None,
    *,
    request: Request | None = None,
    checkpoint: str | None = None,
    engine: str | None = None,
    device: str | None = None,
    bootstrap: int = 0,
    against: str | Path | None = None,
    transcripts: bool = False,
) -> dict[str, Any]:
    """Score motion files in ``pred``, or else the model run through the pipeline with ``request``'s
    engine options (default: the shipped lite weights on the CPU), and the lip-flap baseline.

    ``checkpoint``, ``engine`` and ``device`` are shortcuts that override the request's fields.
    ``against``: other weights (a file, run with the same options) or other motion files (a
    folder), scored on the same phones for a paired comparison (``report["against"]``).
    ``transcripts``: each clip's words drive the lips (``infer --transcript``); other weights given
    as ``against`` run the same way."""
    if bootstrap and not MIN_BOOTSTRAP <= bootstrap <= MAX_BOOTSTRAP:
        raise DualTalkError(
            f"--bootstrap must be 0 (off) or {MIN_BOOTSTRAP}-{MAX_BOOTSTRAP}, got {bootstrap}"
        )
    overrides = {"checkpoint": checkpoint, "engine": engine, "device": device}
    if transcripts and pred is not None:
        raise DualTalkError("--transcripts runs the model on each clip; it does not apply to --pred")
    clips = find_alignments(aligned)
    pred_dir = Path(pred) if pred is not None else None
    if pred_dir is not None and pred_dir.exists() and not pred_dir.is_dir():
        raise DualTalkError(f"--pred {pred_dir} is a file; give the folder that holds the motion files")
    if pred_dir is not None and not pred_dir.is_dir():
        raise DualTalkError(f"prediction folder not found: {pred_dir}")
    against_path = Path(against) if against is not None else None
    if against_path is not None and not against_path.exists():
        raise DualTalkError(f"--against {against_path}: no such weights file or motion folder")
    engines = eng = None
    request = (request or Request(device="cpu")).replace(
        **{k: v for k, v in overrides.items() if v is not None}
    )
    request.validate()
    # --against: a folder is read like --pred; a file is other weights, run with the same options
    other_dir = against_path if against_path is not None and against_path.is_dir() else None
    other_request, other_engines, other_source = request, None, str(against_path)
    if against_path is not None and other_dir is None:
        other_request = request.replace(checkpoint=str(against_path))
        other_request.validate()
        other_engines, _eng, other_source = _engine_for(other_request)
    if pred_dir is None:
        engines, eng, source = _engine_for(request)
    else:
        source = str(pred_dir)
    if transcripts:
        source += " + transcripts"
    motions, audios = _curves(clips, pred_dir, request, engines, transcripts)
    fps = motions[0].fps if motions else FPS
    model_feats = [mouth_features(m.values, m.channels) for m in motions]
    flap_feats = [lipflap_features(a, m.num_frames, SR, m.fps) for a, m in zip(audios, motions, strict=True)]
    other_feats = None
    if against_path is not None:
        others, _ = _curves(clips, other_dir, other_request, other_engines, transcripts and other_dir is None)
        if others and others[0].fps != fps:
            raise DualTalkError(f"--against {against_path} is at {others[0].fps:g} fps, the model at {fps:g}")
        other_feats = [mouth_features(m.values, m.channels) for m in others]
    report = evaluate_clips(
        clips,
        model_feats,
        flap_feats,
        fps=float(fps),
        seconds=[len(a) / SR for a in audios],
        source=source,
        bootstrap=bootstrap,
        against=other_feats,
        against_source=other_source,
    )
    if transcripts:  # a clip whose words could not be aligned keeps the engine's lips; say how many
        missed = [
            c.stem for c, m in zip(clips, motions, strict=True) if m.meta.get("transcript", {}).get("error")
        ]
        report["transcripts"] = {
            "clips": len(clips),
            "aligned": len(clips) - len(missed),
            "not_aligned": missed,
        }
    # the weights judged: the engine's, or the one sha all motion files agree on ("" if unknown or mixed)
    shas = {str(m.checkpoint_sha256 or "") for m in motions}
    report["checkpoint_sha256"] = eng.sha256 if eng is not None else (shas.pop() if len(shas) == 1 else "")
    return report


def run(args: argparse.Namespace) -> int:
    report = evaluate_lipsync(
        args.aligned,
        args.pred,
        request=Request.from_args(args),
        bootstrap=args.bootstrap,
        against=args.against,
        transcripts=args.transcripts,
    )
    print(format_report(report))
    if "transcripts" in report:
        tr = report["transcripts"]
        print(
            f"transcripts: {tr['aligned']} of {tr['clips']} clips aligned; the others keep the engine's lips"
        )
    if args.json:
        print(json.dumps(report))
    sys.stdout.flush()
    return 0
