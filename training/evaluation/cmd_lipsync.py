"""``python -m dualtalk eval lipsync --aligned DIR [--pred DIR] [--json]``: lips against true phones.

``--aligned`` holds ``<stem>.phone.json`` + ``<stem>.wav`` pairs (the layout of
``../shared/data/real_speech/librivox``), or ``<stem>.TextGrid`` + ``<stem>.wav`` (Praat's format,
what forced aligners such as MFA write; the ``phones`` tier, ARPAbet). ``--pred`` holds the motion to judge, one
ARKit motion file per clip: ``<stem>.npz``, or a dialogue-mode ``infer`` run per clip,
``<stem>/A.npz`` (the character who speaks; B listened to silence). Without
``--pred`` the model is run here on each clip's audio through the one pipeline, exactly
as ``infer --audio <stem>.wav --audio-b silence.wav`` runs it (with ``infer``'s engine
flags): the character speaks, the partner is silent. With ``--pred`` nothing runs, so engine flags are
refused, unless ``--against`` names other weights (they run with them); a ``--pred`` file whose record
shows its character listened (:func:`check_speaker`) is refused too. Measures: :mod:`.lipsync` and
``docs/metrics.md``.

``--transcripts`` runs each clip with its words as the script, in the clip's language (its
alignment file's ``lang``): English goes to the engine's English aligner, any other language
espeak-ng speaks to the aligner that warps espeak-ng's reading onto the voice
(``inference/phonetic/script_languages.py``). ``--transcript-aligner warp`` sends English there too
(``DUALTALK_TRANSCRIPT_ALIGNER=warp`` while the clips run), to measure that aligner on real English
with true phone timings.

``--recognise`` runs each clip with the words recognised from its voice (``infer --recognise``,
English); a line under the table counts the clips drawn from them (``report["recognised"]``): a clip
where nothing was heard, or the words did not fit, keeps the engine's lips and is named there.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.audio.loader import MAX_SECONDS
from ...inference.core.errors import DualTalkError
from ...inference.core.request import ENGINE, GENERATE, OPTIONS, Request
from ...inference.core.request import add_arguments as add_request_arguments
from ...inference.core.timebase import FPS, SAMPLE_RATE, frames_for
from ...inference.phonetic import script_languages
from ...inference.phonetic.transcript import ALIGNERS
from .lipsync import (
    PHASES_MAX,
    AlignedClip,
    check_length,
    evaluate_clips,
    find_alignments,
    format_report,
    join_clips,
    lead_clips,
    lipflap_features,
    mean_over_phases,
    mouth_features,
    phase_leads,
    phases_lines,
    read_alignment,
)

SR = SAMPLE_RATE  # the engine reads 16 kHz mono
SILENT_DB = (
    -80.0
)  # a voice below this throughout was silence (the loader's SILENCE_PEAK): its character listened
MIN_BOOTSTRAP, MAX_BOOTSTRAP = 100, 100_000  # fewer rounds give a ragged range, more only take time
# --transcript-aligner: "auto" lets the engine choose by language (English: its English aligner);
# "warp" makes the engine warp espeak-ng's reading onto the voice for English too, through this variable
ALIGNER_ENV = "DUALTALK_TRANSCRIPT_ALIGNER"
TRANSCRIPT_ALIGNERS = ("auto", "warp")
ENGLISH_ALIGNER, WARP_ALIGNER = ALIGNERS[False], ALIGNERS[True]  # as the report names them
UNDETERMINED = "und"  # an IPA TextGrid names no language; its words are taken as English
PINYIN = "cmn-latn-pinyin"  # this project's Mandarin clips are in tone-numbered pinyin (languages.py)


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
        help="motion to score: <stem>.npz or <stem>/A.npz per clip (default: run the model on each clip); "
        "the engine flags are refused with it, unless --against names weights (they run with them)",
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
        "phones, and give each row's change with its paired 95 %% range (better / worse / not shown); "
        "weights run with the engine flags given here, with --pred too",
    )
    parser.add_argument(
        "--transcripts",
        action="store_true",
        help="run the model with each clip's words as its --transcript (<stem>.txt, else the words in its "
        ".phone.json or TextGrid), in the clip's language (its lang tag): scores lips drawn from a transcript",
    )
    parser.add_argument(
        "--recognise",
        action="store_true",
        help="run the model with each clip's words recognised from its voice (infer --recognise, English): "
        "scores lips drawn from recognised words",
    )
    parser.add_argument(
        "--transcript-aligner",
        choices=TRANSCRIPT_ALIGNERS,
        default="auto",
        help="with --transcripts: auto (default: English clips by the English aligner, others by warping "
        "espeak-ng's reading onto the voice) or warp (every clip warped, English too)",
    )
    parser.add_argument(
        "--as-one-take",
        type=int,
        nargs="?",
        const=1,
        default=None,  # 0 given is refused: it would score clip by clip, unjoined
        metavar="N",
        help="run the clips joined end to end (N times over, default once) as one take, each clip's phones "
        "moved with it, and score that take: a take over the 30 s window is cut into windows as infer cuts it",
    )
    parser.add_argument(
        "--phases",
        type=int,
        default=1,
        metavar="N",
        help="score the clips at N placements on the 40 ms frame grid (each led by 0, 1/N, 2/N ... of a frame "
        "of silence, phones moved) and give each row's mean, with every placement's rows below "
        f"(1-{PHASES_MAX}; default 1 = as the files are): one placement is one draw of where phones fall "
        "between frames",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the whole report as JSON instead of a table"
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no warnings on stderr (a clip whose transcript does not align is still counted in the report)",
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
    motion, shown = load_motion(path), path.relative_to(pred_dir).as_posix()
    check_speaker(motion, clip.stem, shown)
    return motion, shown


def _silent_voice(source: dict[str, Any], track: int) -> bool:
    """Whether the take's sound record (``meta.source.sound``) has voice ``track`` (0: the first given)
    below -80 dB throughout: one file a voice (``pair``) or one channel each of one file (``stereo``).
    False where the record does not tell."""
    from ...inference.audio.dialogue import recorded_envelopes

    sound = source.get("sound")
    try:
        env = recorded_envelopes(sound) if isinstance(sound, dict) else []
    except (KeyError, TypeError, ValueError):  # a damaged record tells nothing
        return False
    form = source.get("form")
    if form == "pair" and len(env) == 2:
        levels = env[track]
    elif form == "stereo" and len(env) == 1 and env[0].shape[0] == 2:
        levels = env[0][track]
    else:
        return False
    return levels.size > 0 and float(levels.max()) < SILENT_DB


def check_speaker(motion: Any, stem: str, shown: str) -> None:
    """Refuse a dialogue-mode motion file whose character listened while ``stem``.wav was spoken: its
    partner's voice was the clip (``meta.source`` names the files), or its own audio was silent (the
    take's sound record). Its lips would be scored as the speaker's (a copied ``B.npz``, a take made
    ``--audio silence.wav --audio-b <stem>.wav``, or with ``--swap``: 0 % of M/B/P closed, no word).
    A file that records no character (another system's, paper mode) is scored by its name."""
    role = motion.role
    raw = motion.meta.get("source") if isinstance(motion.meta, dict) else None
    source: dict[str, Any] = raw if isinstance(raw, dict) else {}
    swap = source.get("swap", False)
    if role not in ("A", "B") or not isinstance(swap, bool):
        return
    track = "AB".index(role) ^ int(swap)  # 0: the first voice given (--audio), 1: the second (--audio-b)
    why = ""
    voices = [source.get("audio"), source.get("audio_b")]
    if source.get("form") == "pair" and all(isinstance(v, str) for v in voices):
        own, other = (Path(str(v)).stem for v in (voices[track], voices[1 - track]))
        if own == stem:
            return
        if other == stem:
            why = f"the clip's audio was its partner's voice, its own was {Path(str(voices[track])).name}"
    if not why and _silent_voice(source, track):
        why = "its own audio was silent"
    if why:
        made = "with" if swap else "without"
        raise DualTalkError(
            f"{shown} holds character {role} of a take made {made} --swap, who listened: {why}; score the "
            "character who speaks the clip (the A.npz of infer --audio <stem>.wav --audio-b silence.wav)"
        )


def transcript_language(clip: AlignedClip) -> str:
    """The request's ``transcript_language`` for a clip's words: "en" for English (any English tag,
    and an IPA TextGrid's "und"), else the clip's tag as ``script_languages`` takes it (Mandarin
    written in pinyin, as this project's clips are, is read by ``cmn-latn-pinyin``).
    DualTalkError in one line when espeak-ng speaks no such language."""
    code = script_languages.normalise(clip.lang)
    if code == UNDETERMINED or script_languages.is_english(code):
        return script_languages.ENGLISH
    if code in ("cmn", "zh") and clip.words.isascii():  # Han characters keep their tag
        code = PINYIN
    try:
        script_languages.espeak_voice(code)
    except DualTalkError as exc:
        raise DualTalkError(f"--transcripts: {clip.stem}: {exc}") from None
    return code


@contextmanager
def quiet_log(name: str) -> Iterator[None]:
    """Logger ``name`` says only errors while inside: warnings the evaluation expects (a silent partner,
    a refused line it counts) are not news."""
    log = logging.getLogger(name)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


@contextmanager
def _aligner_env(aligner: str) -> Iterator[None]:
    """``DUALTALK_TRANSCRIPT_ALIGNER`` as ``aligner`` asks (set for warp, unset for auto) while the clips
    run; the caller's value afterwards."""
    before = os.environ.get(ALIGNER_ENV)
    if aligner == WARP_ALIGNER:
        os.environ[ALIGNER_ENV] = WARP_ALIGNER
    else:
        os.environ.pop(ALIGNER_ENV, None)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ALIGNER_ENV, None)
        else:
            os.environ[ALIGNER_ENV] = before


def _generated(
    clip: AlignedClip, audio: np.ndarray, request: Request, engines: Any, transcripts: bool = False
) -> Any:
    """The character speaks the clip, the partner is silent: ``infer --audio clip.wav --audio-b silence.wav``
    (with ``transcripts``: ``--transcript`` holding ``A: <the clip's words>`` and
    ``--transcript-language`` the clip's language)."""
    import soundfile as sf

    from ...inference import pipeline

    # "B's audio is silent; B only listens" is the point here
    with quiet_log("dualtalk.audio"), tempfile.TemporaryDirectory(prefix="dualtalk-lipsync-") as tmp:
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
            run_request = run_request.replace(
                transcript=str(script), transcript_language=transcript_language(clip)
            )
        take = pipeline.run(run_request, Path(tmp) / "take", engines=engines)
    return take.motion_a


def engine_settings(request: Request) -> list[str]:
    """The engine flags ``request`` sets away from the defaults (``eval lipsync``'s CPU, or a plain
    ``Request()``'s; a flag given at its default value cannot be told from one not given)."""
    plain = (Request(device="cpu"), Request())
    return [
        o.flag
        for o in OPTIONS
        if o.cli
        and o.group in (ENGINE, GENERATE)
        and all(getattr(request, o.name) != getattr(p, o.name) for p in plain)
    ]


def _refuse_unused_engine_settings(request: Request, also: str) -> None:
    """With ``--pred`` (and no other weights to run) no model runs, so engine flags would change nothing:
    a sweep of ``--lip-release`` over a ``--pred`` folder printed the same table every time."""
    given = engine_settings(request)
    if given:
        with_what = f"--pred{' and ' + also if also else ''}"
        raise DualTalkError(
            f"{', '.join(given)} set{'' if len(given) > 1 else 's'} how the model runs, and no model runs with "
            f"{with_what}: the motion files are scored as they are (drop --pred to run the model with "
            f"{'them' if len(given) > 1 else 'it'}, or give --against other weights to run those)"
        )


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
    transcript_aligner: str = "auto",
    as_one_take: int = 0,
    phases: int = 1,
) -> dict[str, Any]:
    """Score motion files in ``pred``, or else the model run through the pipeline with ``request``'s
    engine options (default: the shipped lite weights on the CPU), and the lip-flap baseline.

    ``checkpoint``, ``engine`` and ``device`` are shortcuts that override the request's fields.
    ``against``: other weights (a file, run with the same options) or other motion files (a
    folder), scored on the same phones for a paired comparison (``report["against"]``).
    ``transcripts``: each clip's words drive the lips (``infer --transcript``, in the clip's language);
    other weights given as ``against`` run the same way. ``transcript_aligner``: "auto" (by language) or
    "warp" (espeak-ng's reading warped onto every clip, English too); the report's ``transcripts``
    names the aligner each clip was meant for and the one the engine says it used. ``as_one_take``: N > 0
    scores the clips joined N times over into one take (:func:`.lipsync.join_clips`), run as ``infer``
    runs a take that long (windowed past the window); ``report["one_take"]`` says what was joined.
    ``phases``: N > 1 scores the clips (or the joined take) at N placements on the frame grid and gives each
    row's mean (:func:`.lipsync.mean_over_phases`; ``report["phases"]`` holds every placement's rows)."""
    if phases != 1 or as_one_take:  # both score a rewritten copy of the clips, run with the same options
        same = {
            "request": request,
            "checkpoint": checkpoint,
            "engine": engine,
            "device": device,
            "bootstrap": bootstrap,
            "against": against,
            "transcripts": transcripts,
            "transcript_aligner": transcript_aligner,
        }
        if phases != 1:
            return _phases_report(aligned, pred, phases, as_one_take, **same)
        return _one_take_report(aligned, pred, as_one_take, **same)
    if bootstrap and not MIN_BOOTSTRAP <= bootstrap <= MAX_BOOTSTRAP:
        raise DualTalkError(
            f"--bootstrap must be 0 (off) or {MIN_BOOTSTRAP}-{MAX_BOOTSTRAP}, got {bootstrap}"
        )
    overrides = {"checkpoint": checkpoint, "engine": engine, "device": device}
    if transcripts and pred is not None:
        raise DualTalkError("--transcripts runs the model on each clip; it does not apply to --pred")
    if request is not None and request.recognise and (transcripts or pred is not None):
        raise DualTalkError("--recognise runs the model on each clip with recognised words; use it alone")
    if transcript_aligner not in TRANSCRIPT_ALIGNERS:
        raise DualTalkError(
            f"--transcript-aligner must be one of {', '.join(TRANSCRIPT_ALIGNERS)}, got {transcript_aligner!r}"
        )
    if transcript_aligner != "auto" and not transcripts:
        raise DualTalkError(f"--transcript-aligner {transcript_aligner} needs --transcripts")
    aligned_dir = Path(aligned)
    if aligned_dir.exists() and not aligned_dir.is_dir():
        raise DualTalkError(
            f"--aligned {aligned_dir} is a file; give the folder that holds the <stem>.phone.json "
            "or <stem>.TextGrid + <stem>.wav files"
        )
    clips = find_alignments(aligned_dir)
    # every clip's language checked before any model runs: a tag espeak-ng lacks is one line, at once
    languages = [transcript_language(c) for c in clips] if transcripts else []
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
    weights_against = against_path is not None and not against_path.is_dir()
    if pred_dir is not None and not weights_against:
        _refuse_unused_engine_settings(request, "--against DIR" if against_path is not None else "")
    if pred_dir is not None and weights_against and request.checkpoint is not None:
        raise DualTalkError(
            f"--checkpoint {request.checkpoint} with --pred: the weights run are --against {against_path}; "
            "give one of them"
        )
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
        source += " + transcripts" + (" (warp aligner)" if transcript_aligner == WARP_ALIGNER else "")
    if request.recognise:
        source += " + recognised words"
    with _aligner_env(transcript_aligner) if transcripts else nullcontext():
        motions, audios = _curves(clips, pred_dir, request, engines, transcripts)
        others = None
        if against_path is not None:
            others, _ = _curves(
                clips, other_dir, other_request, other_engines, transcripts and other_dir is None
            )
    fps = motions[0].fps if motions else FPS
    model_feats = [mouth_features(m.values, m.channels) for m in motions]
    # made at 25 fps, the rate evaluate_clips scores every curve at (a motion at another is resampled)
    flap_feats = [lipflap_features(a, m, SR) for a, m in zip(audios, motions, strict=True)]
    other_feats = None
    if others is not None:
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
        report["transcripts"], report["transcript_alignment"] = _transcript_report(
            report, clips, motions, languages, transcript_aligner
        )
    if request.recognise:  # a clip where nothing was heard, or nothing fit, keeps the engine's lips
        report["recognised"] = _recognised_report(report, clips, motions)
    # the weights judged: the engine's, or the one sha all motion files agree on ("" if unknown or mixed)
    shas = {str(m.checkpoint_sha256 or "") for m in motions}
    report["checkpoint_sha256"] = eng.sha256 if eng is not None else (shas.pop() if len(shas) == 1 else "")
    return report


def _one_take_report(aligned: str | Path, pred: str | Path | None, times: int, **kw: Any) -> dict[str, Any]:
    """:func:`evaluate_lipsync` of the clips in ``aligned`` joined ``times`` over into one take (a
    temporary folder); ``report["one_take"]``: the clips joined, in order, how often and the take's length."""
    if pred is not None:
        raise DualTalkError("--as-one-take runs the model on the joined take; it does not apply to --pred")
    if times < 1:
        raise DualTalkError(f"--as-one-take joins the clips at least once, got {times}")
    clips, audios = _clips_and_audio(aligned, "give the folder of the clips to join")
    _check_take_length(times, sum(len(a) for a in audios) / SR)
    with tempfile.TemporaryDirectory(prefix="dualtalk-one-take-") as tmp:
        join_clips(clips, audios, times, tmp)
        report = evaluate_lipsync(tmp, None, **kw)
    report["one_take"] = _one_take_record(clips, audios, times)
    return report


def _clips_and_audio(aligned: str | Path, not_a_folder: str) -> tuple[list[AlignedClip], list[np.ndarray]]:
    """The clips in ``aligned`` and their audio, each checked against its phones, for the modes that
    rewrite the clips before scoring them (``not_a_folder``: the advice when ``aligned`` is a file)."""
    aligned_dir = Path(aligned)
    if aligned_dir.exists() and not aligned_dir.is_dir():
        raise DualTalkError(f"--aligned {aligned_dir} is a file; {not_a_folder}")
    clips = find_alignments(aligned_dir)
    audios = [_load_audio(c) for c in clips]
    for clip, audio in zip(clips, audios, strict=True):
        check_length(clip, frames_for(len(audio), SR, FPS), len(audio), FPS, f"{clip.stem}.wav", SR)
    return clips, audios


def _one_take_record(clips: list[AlignedClip], audios: list[np.ndarray], times: int) -> dict[str, Any]:
    """``report["one_take"]``: the clips joined, in order, how often and the take's length."""
    seconds = times * sum(len(a) for a in audios) / SR
    return {"clips": [c.stem for c in clips], "times": times, "seconds": round(seconds, 2)}


def _check_take_length(times: int, seconds: float) -> None:
    """Refuse, in the option's words and before anything is joined, a take longer than the 4 h a take
    may have: past it the joined file was refused by a name the user never gave (one_take.wav) with
    advice of options eval lipsync does not have, after minutes and gigabytes of joining (review rv40a F4)."""
    most = int(MAX_SECONDS // seconds) if seconds > 0 else times
    if times > most:
        raise DualTalkError(
            f"--as-one-take {times} joins {times * seconds / 3600:.2f} h of clips; a take may be at most "
            f"{MAX_SECONDS // 3600} h, so at most {most} here"
        )


def _phases_report(
    aligned: str | Path, pred: str | Path | None, phases: int, as_one_take: int, **kw: Any
) -> dict[str, Any]:
    """:func:`evaluate_lipsync` of the clips (or of them joined ``as_one_take`` times) at ``phases``
    placements on the frame grid, each in a temporary folder, averaged row by row."""
    leads = phase_leads(phases)
    if pred is not None:
        raise DualTalkError(
            "--phases runs the model on the clips moved along the frame grid; it does not apply to --pred "
            "(motion files are drawn for one placement)"
        )
    if kw.get("bootstrap"):
        raise DualTalkError(
            "--bootstrap ranges are over one run's phones; --phases averages several runs: give one of them"
        )
    if kw.get("against") is not None:
        raise DualTalkError(
            "--against compares on one run's phones; --phases averages several runs: give one of them"
        )
    if as_one_take < 0:
        raise DualTalkError(f"--as-one-take joins the clips at least once, got {as_one_take}")
    clips, audios = _clips_and_audio(
        aligned, "give the folder that holds the <stem>.phone.json or <stem>.TextGrid + <stem>.wav files"
    )
    one_take = None
    if as_one_take:
        _check_take_length(as_one_take, sum(len(a) for a in audios) / SR)
        one_take = _one_take_record(clips, audios, as_one_take)
    reports = []
    with tempfile.TemporaryDirectory(prefix="dualtalk-phases-") as tmp:
        if as_one_take:
            joined = read_alignment(join_clips(clips, audios, as_one_take, Path(tmp) / "joined"))
            clips, audios = [joined], [_load_audio(joined)]
        for k, lead in enumerate(leads):
            folder = Path(tmp) / f"phase{k}"
            lead_clips(clips, audios, lead, folder)
            reports.append(evaluate_lipsync(folder, None, **kw))
    report = mean_over_phases(reports, leads)
    if one_take is not None:
        report["one_take"] = one_take
    return report


def one_take_line(one: dict[str, Any]) -> str:
    """The line under the table that says the scores are of one joined take."""
    times = f", {one['times']} times over" if one["times"] > 1 else ""
    return (
        f"one take: the {len(one['clips'])} clips joined end to end{times}, {one['seconds']:.2f} s, run as one "
        "take (windowed as infer windows a take that long)"
    )


def _engine_aligner(meta: dict[str, Any]) -> str:
    """The aligner a clip's transcript report says placed its words: its ``aligner`` (every report
    names it since 2026-12-05); in an older take's report, "warp" where it carries the script's
    ``language`` (added on the warp path only) and "pocketsphinx" where it has lines but no language;
    "" where it cannot tell (no words, no report)."""
    if meta.get("aligner"):
        return str(meta["aligner"])
    if "language" in meta:
        return WARP_ALIGNER
    return ENGLISH_ALIGNER if "lines" in meta else ""


def _transcript_report(
    report: dict[str, Any],
    clips: list[AlignedClip],
    motions: list[Any],
    languages: list[str],
    aligner: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``transcripts``: how many clips' words were drawn. ``transcript_alignment``: the aligner option,
    the aligner the clips were sent to (``sent_to``) and the one the engine's report shows it used
    (:func:`_engine_aligner`, counted in ``engine_aligners``), the ``transcript_language``
    each clip tag was run with, and the clips drawn per tag. Each ``per_clip`` row gets its own under
    ``transcript`` ("" as ``engine_aligner`` where the report does not tell)."""
    missed = []
    by_lang: dict[str, dict[str, int]] = {}
    sent: dict[str, int] = {}
    said: dict[str, int] = {}
    for clip, motion, language, row in zip(clips, motions, languages, report["per_clip"], strict=True):
        meta = motion.meta.get("transcript", {}) or {}
        drawn = not meta.get("error")
        english = script_languages.is_english(language)
        meant = ENGLISH_ALIGNER if english and aligner != WARP_ALIGNER else WARP_ALIGNER
        used = _engine_aligner(meta)
        row["transcript"] = {
            "language": language,
            "aligner": meant,
            "engine_aligner": used,
            "drawn": drawn,
        }
        if not drawn:
            missed.append(clip.stem)
        pool = by_lang.setdefault(clip.lang, {"clips": 0, "aligned": 0})
        pool["clips"] += 1
        pool["aligned"] += drawn
        sent[meant] = sent.get(meant, 0) + 1
        if used:
            said[used] = said.get(used, 0) + 1
    drawn_count = {"clips": len(clips), "aligned": len(clips) - len(missed), "not_aligned": missed}
    return drawn_count, {
        "aligner": aligner,
        "sent_to": dict(sorted(sent.items())),
        "engine_aligners": dict(sorted(said.items())),
        "languages": {c.lang: lang for c, lang in zip(clips, languages, strict=True)},
        "by_lang": by_lang,
    }


def _recognised_report(
    report: dict[str, Any], clips: list[AlignedClip], motions: list[Any]
) -> dict[str, Any]:
    """``recognise``: how many clips' lips were drawn from recognised words. The others are scored
    under the same "+ recognised words" source with the engine's lips: nothing was heard
    (``none_heard``: no transcript in the take) or the words did not fit the voice (``not_aligned``).
    Each ``per_clip`` row gets its own under ``recognised`` (words heard, words aligned, drawn)."""
    none_heard: list[str] = []
    not_aligned: list[str] = []
    for clip, motion, row in zip(clips, motions, report["per_clip"], strict=True):
        meta = motion.meta.get("transcript") or {}
        heard, aligned = int(meta.get("words", 0)), int(meta.get("aligned", 0))
        drawn = heard > 0 and aligned > 0 and not meta.get("error")
        row["recognised"] = {"words": heard, "aligned": aligned, "drawn": drawn}
        if not drawn:
            (not_aligned if heard else none_heard).append(clip.stem)
    return {
        "clips": len(clips),
        "drawn": len(clips) - len(none_heard) - len(not_aligned),
        "none_heard": none_heard,
        "not_aligned": not_aligned,
    }


def recognised_line(counts: dict[str, Any]) -> str:
    """The line ``eval lipsync --recognise`` prints under its table (the clips kept as the engine drew them)."""
    line = f"recognised words: {counts['drawn']} of {counts['clips']} clips drawn; the others keep the engine's lips"
    why = [
        f"{what}: {', '.join(stems)}"
        for what, stems in (("nothing heard", counts["none_heard"]), ("not aligned", counts["not_aligned"]))
        if stems
    ]
    return f"{line} ({'; '.join(why)})" if why else line


def _times_given(times: int | None) -> int:
    """``--as-one-take N`` as :func:`evaluate_lipsync` takes it (0: clip by clip, when not given);
    a 0 given is refused, not read as "not given"."""
    if times is not None and times < 1:
        raise DualTalkError(f"--as-one-take joins the clips at least once, got {times}")
    return times or 0


def run(args: argparse.Namespace) -> int:
    with quiet_log("dualtalk") if args.quiet else nullcontext():
        report = evaluate_lipsync(
            args.aligned,
            args.pred,
            request=Request.from_args(args, recognise=args.recognise),
            bootstrap=args.bootstrap,
            against=args.against,
            transcripts=args.transcripts,
            transcript_aligner=args.transcript_aligner,
            as_one_take=_times_given(args.as_one_take),
            phases=args.phases,
        )
    if args.json:  # JSON alone on stdout, as the other eval commands print it (review rv43b F4)
        print(json.dumps(report))
        sys.stdout.flush()
        return 0
    print(format_report(report))
    if "phases" in report:
        print("\n".join(phases_lines(report)))
    if "one_take" in report:
        print(one_take_line(report["one_take"]))
    if "transcripts" in report:
        tr, how = report["transcripts"], report["transcript_alignment"]
        sent = ", ".join(f"{n} to {name}" for name, n in how["sent_to"].items())
        said = ", ".join(f"{n} {name}" for name, n in how["engine_aligners"].items()) or "not said"
        print(
            f"transcripts: {tr['aligned']} of {tr['clips']} clips aligned; the others keep the engine's lips "
            f"(sent {sent}; the engine's aligner: {said})"
        )
    if "recognised" in report:
        print(recognised_line(report["recognised"]))
    sys.stdout.flush()
    return 0
