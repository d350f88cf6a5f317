"""THE one path that runs the engine: request -> dialogue -> engine -> lip release -> transcript ->
behaviour layer -> motion files.

``infer``, ``animate``, ``demo`` and the add-on's worker all call :func:`run`; nothing else loads
an engine and generates. The motion files it writes (``OUT/A.npz``, ``OUT/B.npz``) are the seam
to the Blender side, which keys them exactly as a user would load them.

Post-engine hook: :func:`after_engine` is where the behaviour layer (``inference/behaviour/``)
changes the two generated motions before they are written.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from .core import locks, outputs, stale_parts
from .core.errors import CancelledError, DualTalkError
from .core.progress import Progress, Silent, StageReports
from .core.request import Request
from .recording_key import cues_key, read_as, remember_read

if TYPE_CHECKING:  # torch-heavy modules load lazily, when a run starts
    from .audio import Dialogue
    from .behaviour.recording_cues import RecordingCues
    from .core.motion import Motion
    from .engine import Engine
    from .phonetic.recognise import Hearing


@dataclass
class Take:
    """What one run produced: the dialogue it heard, the engine, both motions and their files.

    ``dialogue``: the :class:`~.audio.Dialogue` animated (16 kHz streams ``a``/``b``, voice activity
    per 25 fps frame, ``start_time`` in seconds, ``names``, ``source``: how it was read and its
    warnings). ``motion_a``/``motion_b``: each character's :class:`~.core.motion.Motion`
    (``values`` (T, C) float32 at ``fps`` 25, ``channels`` naming the C columns: 52 ARKit shape keys
    + ``head_rx/ry/rz`` radians for the lite engine, FLAME ``exp 0:50, jaw 50:53, neck 53:56`` for
    the published one; ``speaking`` per frame; ``meta``), the same as written to ``path_a``/``path_b``
    (``out_dir/A.npz``, ``B.npz``; :func:`~.core.motion.load_motion` reads them back).
    ``transcript``: with a transcript, what was aligned per character, else None.
    """

    dialogue: Dialogue
    engine: Engine
    motion_a: Motion
    motion_b: Motion
    path_a: Path
    path_b: Path
    transcript: dict[str, Any] | None = None  # per character: words, aligned, unknown, seconds drawn


@dataclass
class Engines:
    """Loads each (checkpoint, engine, device, precision) once, e.g. across a job file's shots."""

    cache: dict[tuple[str, str, str, str], Engine] = field(default_factory=dict)

    def get(self, request: Request, progress: Progress | None = None) -> Engine:
        from .engine import load_engine

        checkpoint = os.fspath(request.checkpoint) if request.checkpoint else ""  # a Path or its str: one key
        key = (checkpoint, request.engine, request.device, request.precision)
        if key not in self.cache:
            self.cache[key] = load_engine(
                checkpoint or None,
                engine=request.engine,
                device=request.device,
                precision=request.precision,
                progress=progress,
            )
        return self.cache[key]


def load_dialogue(request: Request, progress: Progress | None = None, *, remember: bool = True) -> Dialogue:
    """The request's audio as two speakers' streams and activity (see ``inference/audio``). A part
    whose lips are drawn from words (``--transcript``, ``--recognise``: aligned on the whole
    recording) is said to hold no speech only when the whole recording has none there either
    (:func:`_say_silence`). A whole recording read is remembered (:func:`.recording_key.remember_read`), so a run
    given it keeps its cues for the recording's ranges; :func:`run`'s own read need not be."""
    if not _is_part(request):
        dialogue = _read_dialogue(request, progress)
        return remember_read(request, dialogue) if remember else dialogue
    if not (request.recognise or request.transcript):
        return _read_dialogue(request, progress)
    held: list[logging.LogRecord] = []
    with _holding(held, SILENCE_LOG):
        dialogue = _read_dialogue(request, progress)
    _say_silence(held, dialogue, lambda: _read_dialogue(request.replace(start=None, end=None)))
    return dialogue


def _read_dialogue(request: Request, progress: Progress | None = None) -> Dialogue:
    from .audio import load_dialogue as _load

    return _load(
        request.audio,
        request.audio_b,
        request.turns,
        swap=request.swap,
        speaker_a=request.speaker_a,
        diarize=request.diarize,
        start=request.start,
        end=request.end,
        offset_b=request.offset_b,
        progress=progress,
    )


# both characters' motions, A's first: what each pass after the engine returns
Motions = tuple["Motion", "Motion"]


class HookKeywords(TypedDict, total=False):
    """What :func:`run` may pass the post-engine hook beyond its four arguments, each only to a hook
    that names it (:func:`_hook_keywords`). ``recording``: the whole recording when the dialogue is a
    part of it (``--start/--end``, a re-generated range), so the part blinks and nods at the same
    seconds the whole take does; ``cues``: that recording's cues already measured (what its take
    kept, :mod:`.behaviour.recording_cues`), instead of reading it; ``progress``: the run's bar."""

    recording: Dialogue | None
    cues: RecordingCues | None
    progress: Progress | None


HOOK_KEYWORDS = frozenset(HookKeywords.__annotations__)


def after_engine(
    request: Request, dialogue: Dialogue, motion_a: Motion, motion_b: Motion, **keywords: Unpack[HookKeywords]
) -> Motions:
    """The behaviour layer (``inference/behaviour/``): blinks, gaze, head motion, nods, brows and
    smiles added to both motions after the engine, from the dialogue's timing and the request's
    seed, amounts and mood (``keywords``: :class:`HookKeywords`). Lips are left bit-identical; all
    amounts at 0 give the engine's motion."""
    from .behaviour import BehaviourSettings, apply_behaviour

    return apply_behaviour(motion_a, motion_b, dialogue, BehaviourSettings.from_request(request), **keywords)


@functools.lru_cache(maxsize=16)
def _hook_keywords(hook: Callable[..., Motions]) -> frozenset[str]:
    """Which of :class:`HookKeywords` ``hook`` (:func:`after_engine`, or a replacement set as
    ``pipeline.after_engine``) takes, read once per hook: :func:`run` passes only those, so a hook
    written for whole takes (the four positional arguments) still runs; one with ``**kwargs`` gets
    them all."""
    params = inspect.signature(hook).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return HOOK_KEYWORDS
    return frozenset(p.name for p in params if p.name in HOOK_KEYWORDS)


def _behaviour_on(request: Request, motion: Motion) -> bool:
    """Whether the behaviour layer adds anything (all amounts 0 leave the engine's motion)."""
    from .behaviour import BehaviourSettings

    return any(v > 0 for v in BehaviourSettings.from_request(request).amounts(motion.engine).values())


def run(
    request: Request,
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    dialogue: Dialogue | None = None,
    engines: Engines | None = None,
    label: str = "out_dir",
) -> Take:
    """Validate, load the engine (weights first: a wrong checkpoint fails before the audio
    analysis), load the dialogue unless given, generate both characters, apply the behaviour hook,
    and write ``out_dir/A.npz`` and ``out_dir/B.npz``; returns the :class:`Take`.

    ``request``: the options (:class:`~.core.request.Request`; the audio from ``request.audio``).
    ``dialogue``: audio held in memory instead, e.g.
    ``Dialogue.from_arrays(a, b, sample_rate=sr)`` (:class:`~.audio.Dialogue`), animated whole:
    the options that read a recording file (``start``/``end``, ``swap``, ``turns``...) are refused
    with it unless ``request.audio`` names the file it was cut from. ``engines``: loaded engines to
    reuse across runs (:class:`Engines`). ``progress``: stage reports and cancelling. ``label``: how
    the one-line errors name ``out_dir`` (``infer`` passes ``"--out"``).

    ``out_dir`` gets ``infer --out``'s protection (:func:`check_take_folder`): a folder (not a
    ``.npz`` or an existing file), holding no ``A.npz``/``B.npz`` DualTalk did not write, and written
    by one run at a time (its ``.take.dualtalk-lock``, held for the whole run).

    Every refused input raises :class:`~.core.errors.DualTalkError` (one line, naming options by
    their command-line flags, e.g. ``--lip-release`` for ``lip_release``), before the engine runs
    where it can be known then. torch's process-wide CPU thread count is left as it was."""
    _check_arguments(request, progress=progress, engines=engines, dialogue=dialogue)
    request.validate()
    _check_out_dir(out_dir)
    if dialogue is not None and not request.audio:
        _check_in_memory(request)
    out = check_take_folder(out_dir, request, label=label)
    # one run at a time writes a take folder: two runs' renames interleaved gave A from one, B from the other
    with locks.locked(out, label, lock=locks.take_lock_file(out), what="take folder"):
        # a run of this folder killed mid-write (SIGKILL) left its hidden copies: this run holds the lock
        from .phonetic.script_reading import FILE_NAME as READING  # written with A and B

        stale_parts.sweep([out / "A.npz", out / "B.npz", out / READING])
        return _run_locked(request, out, progress=progress, dialogue=dialogue, engines=engines)


def _run_locked(
    request: Request,
    out_dir: Path,
    *,
    progress: Progress | None,
    dialogue: Dialogue | None,
    engines: Engines | None,
) -> Take:
    """:func:`run` once its take folder is checked and locked: engine, audio, generating, writing."""
    lines = _transcript_lines(request)  # a bad transcript fails before the engine loads
    progress = StageReports(progress if progress is not None else Silent())  # each report once
    progress.update("engine", 0.0, "loading engine")
    engine = (engines or Engines()).get(request, progress)
    progress.update("engine", 1.0, "engine ready")
    if (lines is not None or request.recognise) and engine.space != "arkit55":
        flag = "--recognise" if request.recognise else "--transcript"
        raise DualTalkError(
            f"{flag} draws ARKit lips; the {engine.name} engine writes {engine.space} (use --engine lite)"
        )
    # the engine's threads for the audio analysis and generating, then the caller's again
    with engine.cpu_threads():
        read = dialogue is None  # the dialogue is the request's recording as the loader reads it
        if dialogue is None:
            progress.update("audio", 0.0, "reading audio")
            dialogue = load_dialogue(request, progress, remember=False)
            progress.update("audio", 1.0, f"{dialogue.num_frames} frames")
        where = Path(request.transcript).name if request.transcript else ""  # how messages name the file
        if lines is not None:
            from .phonetic.transcript import texts_by_speaker

            # unknown speaker tags fail before generating (the characters' names tag lines too)
            texts_by_speaker(lines, dialogue.names, where, (request.character_a, request.character_b))
        return _generate(request, engine, dialogue, lines, where, out_dir, progress, read=read)


# what a recording is called: an out folder ending so is a slip for the recording, not a folder name
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".opus", ".wma")


def check_take_folder(out_dir: str | os.PathLike[str], request: Request, *, label: str = "out_dir") -> Path:
    """The rules for the folder a take's ``A.npz`` and ``B.npz`` go to, one place for ``infer --out``
    and every :func:`run` (``label`` names it in the one-line errors): not empty, not a shell's ``~``
    (Python would make a folder of that name), not a ``.npz`` or an audio file's name (a slip for paper
    mode's file or the recording), not an existing file; its two files replace none of the request's
    inputs, are creatable there, and replace only DualTalk motion files (the user's own ``A.npz`` is
    refused, not overwritten). Returns it as a Path."""
    text = str(os.fspath(out_dir))
    if not text.strip():  # an unset shell variable: Path("") would be the current folder
        raise DualTalkError(f"{label} is empty; give the folder to write A.npz and B.npz into")
    home = text == "~" or text.startswith(("~/", "~" + os.sep))
    if home or os.path.expanduser(text) != text:  # a shell's ~ (the command line expands it as it reads)
        raise DualTalkError(
            f"{label} {text!r} starts with '~', which Python takes as a folder's name, not a home folder: "
            f"give os.path.expanduser({text!r})"
        )
    out = Path(out_dir)
    if out.suffix.lower() == ".npz":
        raise DualTalkError(
            f"dialogue mode writes A.npz and B.npz: {label} must be a folder, not a .npz file"
        )
    there = outputs.stat_path(out, label, action="written")  # one line for a name too long, a closed folder
    is_dir = there is not None and stat.S_ISDIR(there.st_mode)
    if out.suffix.lower() in AUDIO_SUFFIXES and not is_dir:  # a folder named take.wav is a slip
        raise DualTalkError(
            f"dialogue mode writes A.npz and B.npz: {label} must be a folder, not an audio file ({out.name})"
        )
    if there is not None and not is_dir:
        raise DualTalkError(f"{label} {out} exists and is not a folder")
    given = [("input audio", request.audio), ("input audio of B", request.audio_b),
             ("input turns file", request.turns), ("input checkpoint", request.checkpoint),
             ("input transcript", request.transcript)]  # fmt: skip
    for what, path in given:  # else a folder given as audio reads as "--out lies inside the input"
        if path and outputs.is_folder(path, what):
            raise DualTalkError(f"{what} {path} is a directory, not a file")
    files = [out / "A.npz", out / "B.npz"]
    outputs.check_write_plan([(label, f) for f in files], given)
    outputs.check_folder_target(out, label)
    outputs.check_motion_outputs(files, label)
    for f in files:  # a path too long once A.npz is added, a take the user made read-only
        outputs.check_target(f, label)
    return out


def _got(value: object) -> str:
    """How a one-line error names a wrong value: a string or path as written, else its type."""
    if isinstance(value, str | bytes | os.PathLike):
        return f"the {type(value).__name__} {os.fspath(value)!r}"
    return "None" if value is None else f"a {type(value).__name__}"


def _request_hint(request: object) -> str:
    """The call that makes the Request a wrong value stood for."""
    if isinstance(request, Mapping):
        return "give Request.from_mapping(values) (a wrong key or type: one line), or Request(**values)"
    if isinstance(request, str | os.PathLike):
        return f"give Request(audio={os.fspath(request)!r})"
    return "give Request(audio='talk.wav', ...) (dualtalk.inference.core.request)"


def _check_arguments(request: object, *, progress: object, engines: object, dialogue: object = None) -> None:
    """The arguments a script passes, checked before anything is read, locked or written: the commonest
    slips (a dict of options, the audio path as ``dialogue=``) are answered with the call to make."""
    if not isinstance(request, Request):
        raise DualTalkError(f"request must be a Request, got {_got(request)}: {_request_hint(request)}")
    if dialogue is not None:
        from .audio.dialogue import Dialogue

        if isinstance(dialogue, str | bytes | os.PathLike):
            raise DualTalkError(
                f"dialogue= takes audio held in memory, got {_got(dialogue)}: give a file as "
                f"Request(audio={os.fspath(dialogue)!r}), or arrays as Dialogue.from_arrays(a, b, sample_rate=sr)"
            )
        if not isinstance(dialogue, Dialogue):
            raise DualTalkError(
                f"dialogue must be a Dialogue, got {_got(dialogue)}: give Dialogue.from_arrays(a, b, sample_rate=sr)"
            )
    if progress is not None and not all(
        callable(getattr(progress, m, None)) for m in ("update", "check_cancel")
    ):
        raise DualTalkError(
            f"progress must have update(stage, fraction, message) and check_cancel() "
            f"(dualtalk.inference.core.progress.Progress), got {_got(progress)}"
        )
    if engines is not None and not isinstance(engines, Engines):
        raise DualTalkError(
            f"engines must be an Engines (pipeline.Engines(), reused across runs), got {_got(engines)}"
        )


def _check_out_dir(out_dir: object) -> None:
    """The folder the motion files go to, checked before anything runs (not after generating)."""
    if isinstance(out_dir, bytes) or not isinstance(out_dir, str | os.PathLike) or str(out_dir) == "":
        got = repr(out_dir) if isinstance(out_dir, str | bytes) or out_dir is None else type(out_dir).__name__
        raise DualTalkError(
            f"out_dir must be the folder the two motion files (A.npz, B.npz) go to, got {got}"
        )


def _check_in_memory(request: Request) -> None:
    """A dialogue given in memory without its recording's file: the options that read that file
    have nothing to read, so they are refused rather than ignored."""
    from .core.request import BY_NAME

    given = [
        BY_NAME[name].label
        for name in ("audio_b", "turns", "speaker_a", "start", "end")
        if getattr(request, name) is not None
    ]
    given += [BY_NAME[name].label for name in ("swap", "diarize") if getattr(request, name)]
    if request.offset_b:
        given.append(BY_NAME["offset_b"].label)
    if given:
        flags = ", ".join(given)
        raise DualTalkError(
            f"{flags} {'reads' if len(given) == 1 else 'read'} the recording's file, given as --audio; a dialogue "
            "given in memory is animated whole, as it is: cut or swap its arrays yourself (e.g. "
            f"Dialogue.from_arrays(a[i:j], b[i:j], sample_rate=sr)) and leave {flags} unset"
        )


def _generate(
    request: Request,
    engine: Engine,
    dialogue: Dialogue,
    lines: list[Any] | None,
    where: str,
    out_dir: str | os.PathLike[str],
    progress: Progress,
    *,
    read: bool = False,
) -> Take:
    """:func:`run` from the network on: generate, lips, transcript, behaviour, write. ``read``: the
    dialogue was read from the request's recording (not given in memory), so its cues may be kept."""
    from .generate import generate_dialogue, write_dialogue

    motion_a, motion_b = generate_dialogue(
        dialogue, engine, rounds=request.rounds, window_s=request.window, progress=progress
    )
    motion_a, motion_b = shape_both_lips(
        dialogue, motion_a, motion_b, engine.name, request.lip_release, request.lip_rounding, progress
    )
    progress.update("lips", 1.0, "lips shaped")
    report = None
    part = _is_part(request)  # --start/--end, a re-generated range
    # the recording a part was cut from (the dialogue itself when whole), loaded once if needed,
    # its reading said as a step of the stage that needs it first
    kept: list[Dialogue] = [] if part else [dialogue]

    def whole(stage: str, fraction: float = 0.0) -> Dialogue:
        if not kept:
            context = _Context(progress, stage, fraction, WHOLE_FOR_CONTEXT)
            kept.append(load_dialogue(request.replace(start=None, end=None), context, remember=False))
        return kept[0]

    hearing: dict[str, Hearing] = {}  # per tag: the stretches that did not sound English
    if request.recognise:  # a script written by listening (English): drawn as a typed one would be
        from .phonetic.transcript import RECOGNISED_WORDS

        full = whole("transcript")
        lines, where = _recognised(full, dialogue.names, progress, hearing), RECOGNISED_WORDS
    if lines is not None:
        from .core.timebase import FPS
        from .phonetic.align import share
        from .phonetic.recognise import RECOGNISING
        from .phonetic.transcript import apply_transcript

        start = RECOGNISING if request.recognise else 0.0
        progress.update("transcript", start, "aligning the transcript")
        # The transcript is the whole recording's: with a part (--start/--end, a re-generated
        # range) the words are aligned on the whole recording and the part is cut from that.
        full = whole("transcript", start)
        # a part's lines are judged on the whole recording's voice activity too, as the whole take's are
        judge_whole = part and motion_a.fps == motion_b.fps == FPS
        foreign = tuple(hearing[tag].foreign if tag in hearing else [] for tag in ("A", "B"))
        motion_a, motion_b, report = apply_transcript(
            lines, dialogue.names, full.a, full.b, motion_a, motion_b, where,
            offset=dialogue.start_time - full.start_time, language=request.transcript_language,
            language_b=request.script_language_b(),  # B's own, in a conversation in two languages
            whole_active=(full.active_a, full.active_b) if judge_whole else None,
            keep_closures=request.recognise,  # a misheard word keeps the engine's lip closures
            engine_spans=(foreign[0], foreign[1]),  # words that did not sound English: the engine's lips
            # each line and stretch aligned is reported, and a cancel heard there (up to ALIGNED: the
            # stage's whole bar is its last line)
            progress=share(progress, start, ALIGNED, "aligning the transcript"),
            characters=(request.character_a, request.character_b),  # "花子: ..." is A's line
        )  # fmt: skip
        if request.recognise:  # what was heard, to correct and give back as --transcript
            from .phonetic.recognise import as_script

            script = as_script(lines, [n for h in hearing.values() for n in h.lines])
            report, motion_a, motion_b = _heard(report, script, hearing, (motion_a, motion_b))
        progress.update("transcript", 1.0, "lips drawn from the transcript")
    # a part's behaviour is cut from the whole recording's: its cues kept by the take (or measured
    # once and kept); a hook gets only the keywords it names (one written for whole takes, four
    # arguments, still runs, and on a part reads no whole recording it would not take)
    progress.update("behaviour", 0.0, "blinks, gaze, head and brows")
    hook = after_engine
    takes = _hook_keywords(hook)
    extra: dict[str, Any] = {"progress": progress} if "progress" in takes else {}
    # where the script's words moved a turn's edge (one mix split by turns), the head and gaze hear
    # the character stop where the lips do: the loader's flags, bounded as the motion's are
    heard = _bounded_by_words(dialogue, (motion_a, motion_b), report)
    if _behaviour_on(request, motion_a):
        # a whole take's cues are its own frames' (kept only where those are the recording's)
        kept_whole = not part and motion_a.num_frames == dialogue.num_frames
        if "cues" in takes and (part or (kept_whole and (read or read_as(request, dialogue)))):
            extra["cues"] = _recording_cues(
                request, heard if not part else None, whole, motion_a.fps, progress, (dialogue, heard)
            )
        elif part and "recording" in takes:
            extra["recording"] = _bounded_recording(whole("behaviour"), dialogue, heard)
    motion_a, motion_b = hook(request, heard, motion_a, motion_b, **extra)
    progress.update("behaviour", 1.0, "behaviour added")
    from .phonetic import script_reading  # what each script line was read as, written with the take

    languages, characters = (
        (request.transcript_language, request.script_language_b()),
        (request.character_a, request.character_b),
    )
    reading = script_reading.for_take(out_dir, lines, languages, dialogue.names, characters, report)
    # the last chance to cancel: nothing is written yet
    progress.update("write", 0.0, "writing the motion files")
    progress.check_cancel()  # a Progress need not check on update
    path_a, path_b = write_dialogue(out_dir, motion_a, motion_b, also=reading)
    try:  # the bar ends full; a cancel now is too late: both files are written
        progress.update("write", 1.0, f"{path_a.name} and {path_b.name} written")
    except CancelledError:
        pass
    return Take(dialogue, engine, motion_a, motion_b, path_a, path_b, report)


def _bounded_by_words(dialogue: Dialogue, motions: Motions, report: dict[str, Any] | None) -> Dialogue:
    """``dialogue`` with each character's voice activity off where the transcript moved a turn edge
    to the character's words (its report's ``turn_edges``, :mod:`.phonetic.turn_edges`: the motion's
    ``speaking`` is off there); ``dialogue`` itself, unchanged, where no edge moved (no script, two
    microphones, labels on the voices)."""
    import numpy as np

    moved = [bool(report and (report.get(who) or {}).get("turn_edges")) for who in ("a", "b")]
    if not any(moved):
        return dialogue
    flags = []
    for on, active, motion in zip(moved, (dialogue.active_a, dialogue.active_b), motions, strict=True):
        active = np.asarray(active, bool).copy()
        if on:  # the frames past the motion's end keep the loader's flags
            n = min(len(active), motion.num_frames)
            active[:n] &= np.asarray(motion.speaking[:n], bool)
        flags.append(active)
    return replace(dialogue, active_a=flags[0], active_b=flags[1])


def _bounded_recording(recording: Dialogue, part: Dialogue, heard: Dialogue) -> Dialogue:
    """The whole ``recording`` a ``part`` was cut from, its flags bounded over the part's frames as
    ``heard`` (the part's flags bounded by the words, :func:`_bounded_by_words`) bounds them."""
    from .core.timebase import FPS

    if heard is part:  # nothing bounded: the recording as read
        return recording
    first = round((part.start_time - recording.start_time) * FPS)
    flags = []
    for whole, was, now in (
        (recording.active_a, part.active_a, heard.active_a),
        (recording.active_b, part.active_b, heard.active_b),
    ):
        whole = whole.copy()
        lo, hi = max(first, 0), min(first + len(now), len(whole))
        if hi > lo:
            whole[lo:hi] &= ~(was & ~now)[lo - first : hi - first]
        flags.append(whole)
    return replace(recording, active_a=flags[0], active_b=flags[1])


# the recording's cues kept for its parts (behaviour/recording_cues.py): what they are read from
CUES_READ_BACK = "the whole recording's cues, kept by its take"


def _recording_cues(
    request: Request,
    recording: Dialogue | None,
    whole: Callable[[str], Dialogue],
    fps: float,
    progress: Progress,
    part: tuple[Dialogue, Dialogue] | None = None,
) -> RecordingCues:
    """The whole recording's cues for the behaviour layer: read back from what a take of it kept
    (:mod:`.behaviour.recording_cues`), else measured from ``recording`` (a whole take's own
    dialogue, its flags as the layer hears them) or the recording ``whole`` reads (a part: its flags
    bounded over the part as ``part``, the dialogue and its flags as heard, bounds them), and kept
    for the parts to come. A script on one mix split by turns may bound the flags
    (:func:`_bounded_by_words`): its cues are kept apart (:func:`_kept_cues_key`), by its whole takes
    only, as a part knows only its own edges."""
    from .behaviour import recording_cues

    key, scripted = _kept_cues_key(request, fps)
    found = recording_cues.load(key) if key else None
    if found is not None:
        progress.update("behaviour", 0.0, CUES_READ_BACK)
        progress.check_cancel()
        return found
    if recording is None:
        recording = whole("behaviour")
        if part is not None:
            recording = _bounded_recording(recording, *part)
    found = recording_cues.measure(recording, fps, progress)
    if key and not (scripted and _is_part(request)):
        recording_cues.store(key, found)
    return found


# what bounds a split mix's flags besides the recording: the script and how it is read and aligned
SCRIPT_FIELDS = ("transcript_language", "transcript_language_b", "character_a", "character_b", "recognise")


def _kept_cues_key(request: Request, fps: float) -> tuple[str, bool]:
    """What the whole recording's cues are kept under (:func:`.recording_key.cues_key`), and whether
    a script bounds them: a script (or ``--recognise``) on one mix split by turns or diarization may
    move a turn's edge to its words, so those cues are kept under the recording's key joined with
    the script's contents, its options and the code that aligns it ("" where the script cannot be
    read). Two microphones and takes without a script: the recording's key alone, as before."""
    import hashlib
    import json

    key = cues_key(request, fps)
    if not key or not (request.transcript or request.recognise) or not (request.turns or request.diarize):
        return key, False
    try:
        script = (
            hashlib.sha256(Path(request.transcript).read_bytes()).hexdigest() if request.transcript else ""
        )
    except OSError:
        return "", True
    options = [getattr(request, name) for name in SCRIPT_FIELDS]
    text = json.dumps([key, script, options, _aligning_code()], default=str)
    return hashlib.sha256(text.encode()).hexdigest(), True


@functools.cache
def _aligning_code() -> list[str]:
    """The code and the aligner that place a script's words (another release may place them else)."""
    from importlib.metadata import PackageNotFoundError, version

    from . import phonetic
    from .recording_key import sources_digest

    try:
        aligner = version("pocketsphinx")
    except PackageNotFoundError:
        aligner = "none"
    return [sources_digest(sorted(Path(phonetic.__file__).parent.glob("*.py"))), aligner]


def shape_both_lips(
    dialogue: Dialogue,
    motion_a: Motion,
    motion_b: Motion,
    engine_name: str,
    release: float | None = None,
    rounding: float | None = None,
    progress: Progress | None = None,
) -> Motions:
    """Both characters' lip passes after the network (:func:`.phonetic.voice_lips.shape_lips`), each
    reading its voice as the network heard it: ducked where only the partner speaks on two mics
    (:func:`.generate.hears_ducked`), with the partner's audio so the rest tells a cough from the
    partner's bleed. One call for ``infer``/``animate``, ``eval`` and ``bench lite``, so what is
    measured is what ships. ``release``/``rounding`` None: their defaults."""
    from .generate import hears_ducked
    from .phonetic.voice_lips import DEFAULT_RELEASE, DEFAULT_ROUNDING, shape_lips

    passes = (
        DEFAULT_RELEASE if release is None else release,
        DEFAULT_ROUNDING if rounding is None else rounding,
    )
    ducked = hears_ducked(dialogue, engine_name)
    flags_a, flags_b = (dialogue.active_a, dialogue.active_b) if ducked else (None, None)
    # the steps after generating take about as long on a long take: each reports (and can be cancelled)
    if progress is not None:
        progress.update("lips", 0.0, f"shaping {dialogue.names[0]}'s lips")
    motion_a = shape_lips(
        motion_a, dialogue.a, *passes, active=dialogue.active_a, partner=dialogue.b, partner_active=flags_b
    )
    if progress is not None:
        progress.update("lips", 0.5, f"shaping {dialogue.names[1]}'s lips")
    motion_b = shape_lips(
        motion_b, dialogue.b, *passes, active=dialogue.active_b, partner=dialogue.a, partner_active=flags_a
    )
    return motion_a, motion_b


def _is_part(request: Request) -> bool:
    """Whether the request animates a part of its recording (--start/--end, a re-generated range)."""
    return request.start is not None or request.end is not None


# what the audio loader says when a part's voice activity hears nobody (inference/audio/dialogue.py)
NO_SPEECH = "no speech detected in either stream; both characters only listen"


SILENCE_LOG = "dualtalk.audio.silence"  # the audio loader's who-is-silent lines (dialogue.silence_log)
AUDIO_LOG = "dualtalk.audio"  # its other lines


@contextlib.contextmanager
def _holding(held: list[logging.LogRecord], *names: str) -> Iterator[None]:
    """While the block runs, what the loggers ``names`` are told goes into ``held``, not the log."""
    loggers = [logging.getLogger(name) for name in names]

    def hold(record: logging.LogRecord) -> bool:
        held.append(record)
        return False

    for logger in loggers:
        logger.addFilter(hold)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(hold)


# what a part's run says while it reads the whole recording it was cut from (review 31l F2/F4: about
# 3 s on a 20-minute take, the bar on "behaviour: 0%" with no word of why)
WHOLE_FOR_CONTEXT = "reading the whole recording for context"


class _Context:
    """Another step's lines (the audio loader's) said as one step of ``stage`` at ``fraction``:
    "<message>: <its line>", so the bar neither jumps back to another stage nor moves; every line
    also checks cancel (a Progress need not check on update)."""

    def __init__(self, progress: Progress, stage: str, fraction: float, message: str) -> None:
        self.progress, self.stage, self.fraction, self.message = progress, stage, fraction, message

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.progress.update(
            self.stage, self.fraction, f"{self.message}: {message}" if message else self.message
        )
        self.progress.check_cancel()

    def check_cancel(self) -> None:
        self.progress.check_cancel()


def _say_silence(held: list[logging.LogRecord], part: Dialogue, whole: Callable[[], Dialogue]) -> None:
    """The loader's who-is-silent lines for ``part``, said now; "no speech detected" only where the
    ``whole`` recording (read only then) has no speech in the part either. A part too short for the
    voice-activity pass (0.1 s) hears nobody, while the words drawn there are aligned on the whole
    recording, whose activity hears the character speak (review 29a, nit 10g: the run said nobody
    speaks, then drew the words). Unsaid, it leaves the part's ``source`` warnings too."""
    from .core.timebase import FPS

    heard = False
    if any(record.getMessage() == NO_SPEECH for record in held):
        with _holding(
            [], AUDIO_LOG, SILENCE_LOG
        ):  # its own lines are said where the run reads it for the words
            recording = whole()
        first = round((part.start_time - recording.start_time) * FPS)
        frames = slice(first, first + part.num_frames)
        heard = bool(recording.active_a[frames].any() or recording.active_b[frames].any())
    for record in held:
        if heard and record.getMessage() == NO_SPEECH:
            for key in ("warnings", "silent"):
                said = part.source.get(key)
                if isinstance(said, list):
                    part.source[key] = [w for w in said if w != NO_SPEECH]
            continue
        logging.getLogger(SILENCE_LOG).handle(record)


# the share of the transcript stage its alignment reports (1.0 is "lips drawn", the stage's last line)
ALIGNED = 0.99


def _recognised(
    full: Dialogue, names: tuple[str, str], progress: Progress, hearing: dict[str, Hearing]
) -> list[Any] | None:
    """The script recognised from the whole recording's voices (English), or None when no stretch
    sounded like English words; a character some of whose stretches did not is warned of (and
    ``hearing`` gets, per tag, :class:`~.phonetic.recognise.Hearing`). A recording heard before (a
    range re-generated, a take run again) is read back from the cache (``recognised_cache``)."""
    from .phonetic.recognise import NOTHING_HEARD
    from .phonetic.recognised_cache import recognised_lines

    log = logging.getLogger("dualtalk.transcript")
    lines = recognised_lines(full.a, full.b, full.active_a, full.active_b, names=names,
                             progress=progress, hearing=hearing)  # fmt: skip
    for tag, name in zip(("A", "B"), names, strict=True):
        if tag in hearing and hearing[tag].foreign:
            log.warning(hearing[tag].warning(name))
    if not lines:
        log.warning(NOTHING_HEARD)
    return lines or None


def _heard(
    report: dict[str, Any], script: str, hearing: dict[str, Hearing], drawn: tuple[Motion, Motion]
) -> tuple[dict[str, Any], Motion, Motion]:
    """The take's report and both motions after recognition (``drawn``: the stretches whose words did
    not sound like English already keep the engine's lips, ``apply_transcript(engine_spans=)``): the
    report and the motions' ``transcript`` meta record the ``script`` heard and, per character,
    ``not_english`` (how many stretches, of how many), so that a take says it was recognised and
    what was heard."""
    report = {**report, "script": script}
    motions = []
    for key, tag, motion in zip(("a", "b"), ("A", "B"), drawn, strict=True):
        heard = hearing.get(tag)
        if heard is not None and heard.foreign:
            report[key] = {**report[key], "not_english": [len(heard.foreign), heard.heard]}
        meta = {**motion.meta, "transcript": {**report[key], "script": script}}
        motions.append(replace(motion, meta=meta))
    return report, motions[0], motions[1]


def _transcript_lines(request: Request) -> list[Any] | None:
    """The request's transcript read and checked (and the aligner present), or None without one (and a
    warning when a script language was given for it: the panel's dropdown hides then, a flag does not)."""
    from .phonetic.script_languages import is_english

    if request.recognise:  # no file to read: the words are recognised once the audio is loaded (its
        from .phonetic.transcript import check_available  # language was checked by Request.validate)

        check_available(language="en", flag="--recognise")  # pocketsphinx
        return None
    languages = {"--transcript-language": request.transcript_language}
    if request.script_language_b() != request.transcript_language:  # B's lines in their own language
        languages["--transcript-language-b"] = request.script_language_b()
    if not request.transcript:
        for flag, language in languages.items():
            if not is_english(language):
                logging.getLogger("dualtalk.transcript").warning(
                    "%s %s is ignored: there is no --transcript to read", flag, language
                )
        return None
    from .phonetic.transcript import check_available, read_transcript

    lines = read_transcript(request.transcript)
    for flag, language in languages.items():  # pocketsphinx for English, else espeak-ng speaking it
        check_available(language=language, language_flag=flag)
    return lines


def run_paper(
    request: Request,
    partner_audio: str | os.PathLike[str],
    partner_motion: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    engines: Engines | None = None,
) -> tuple[Motion, Engine]:
    """The paper's one-character mode: ``request.audio`` is the character's own voice, the partner
    is given by their audio and captured motion; writes one motion file ``out`` (.npz): the network's
    output as it is, so the request's behaviour and lip-pass fields do not apply here (``infer`` refuses
    them in this mode). Each audio file must hold one voice (:func:`_one_voice`) and the two must last
    as long as each other within 1 s (:func:`.generate.check_partner_audio`), checked before the engine
    loads."""
    from .core.motion import load_motion, save_motion
    from .core.timebase import SAMPLE_RATE
    from .generate import check_partner_audio, generate_single

    _check_arguments(request, progress=progress, engines=engines)
    request.validate()
    own = _one_voice(str(request.audio), "--audio")
    partner = _one_voice(partner_audio, "--partner-audio")
    check_partner_audio(len(own), len(partner), SAMPLE_RATE)
    captured = load_motion(partner_motion)
    engine = (engines or Engines()).get(request, progress)
    motion = generate_single(own, partner, captured, engine, window_s=request.window, progress=progress)
    motion.meta.update(
        {
            "audio": str(request.audio),
            "partner_audio": str(partner_audio),
            "partner_motion": str(partner_motion),
        }
    )
    save_motion(out, motion)
    return motion, engine


# channels closer than this (-60 dBFS) are one signal: a mono take saved as stereo, dithered apart
SAME_CHANNELS_PEAK = 1e-3


def _one_voice(path: str | os.PathLike[str], flag: str) -> Any:
    """One voice from an audio file, mono 16 kHz, for paper mode. A stereo file whose channels
    differ holds two voices (in dialogue mode channel 0 is A, 1 is B): averaging them would give the
    character the partner's voice as its own, so it is refused. A stereo file of two equal channels
    (a mono recording saved as stereo) is that recording, and one with a silent channel is the other."""
    import numpy as np

    from .audio.loader import is_silent, read_channels

    x, info = read_channels(path)
    if x.shape[0] > 1 and sum(not is_silent(c) for c in x) == 1:
        return next(c for c in x if not is_silent(c))
    if x.shape[0] > 1 and float(np.abs(x[0] - x[1]).max()) > SAME_CHANNELS_PEAK:
        raise DualTalkError(
            f"{flag} {info.path.name} has {x.shape[0]} different channels; paper mode reads one voice per "
            "file: give that character's own mono track (e.g. sox in.wav out.wav remix 1), "
            "or for a two-voice recording use dialogue mode (--audio FILE --out DIR, channel 0 = A)"
        )
    return x.mean(axis=0).astype(np.float32) if x.shape[0] > 1 else x[0]


def _readable_source(source: Any) -> Any:
    """How the audio was read, less the recording's loudness envelopes (``sound.env``: base64, a few
    KB for a long take), which a log of the summary would show as a blob. The motion files keep them
    (``meta["source"]``), where the checks that a recording is the take's read them."""
    if not isinstance(source, dict) or not isinstance(source.get("sound"), dict):
        return source
    return {**source, "sound": {k: v for k, v in source["sound"].items() if k != "env"}}


def summary(take: Take) -> dict[str, Any]:
    """The facts a caller reports about a take (the worker's result, the CLI's line); readable in a
    log: the recording's loudness envelopes stay in the motion files (:func:`_readable_source`)."""
    roles = take.dialogue.roles
    return {
        "a": str(take.path_a),
        "b": str(take.path_b),
        "engine": take.engine.name,
        "space": take.engine.space,
        "device": str(take.engine.device),
        "checkpoint_sha256": take.engine.sha256,
        "frames": int(take.motion_a.num_frames),
        "fps": float(take.motion_a.fps),
        "start_time": float(take.dialogue.start_time),
        "names": list(take.dialogue.names),
        "source": _readable_source(take.dialogue.source),
        "speaking_fraction": {
            "a": float(((roles == 1) | (roles == 3)).mean()) if len(roles) else 0.0,
            "b": float(((roles == 2) | (roles == 3)).mean()) if len(roles) else 0.0,
        },
        **({"transcript": take.transcript} if take.transcript is not None else {}),
    }
