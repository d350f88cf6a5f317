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
import logging
import re
import sys
import time
from pathlib import Path

from .core import inputs, language_names, locks, outputs, request
from .core.errors import DualTalkError
from .core.text_files import escaped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    request.add_arguments(parser, (request.AUDIO,))
    paper = parser.add_argument_group("paper mode (one character, given the partner's captured motion)")
    paper.add_argument(
        "--partner-audio",
        metavar="FILE",
        type=request.cli_path,
        action=request.OneValue,  # "--partner-audio=--" read as the text "--", not []
        help="the partner's own audio (then --audio is the character's)",
    )
    paper.add_argument(
        "--partner-motion",
        metavar="NPZ",
        type=request.cli_path,
        action=request.OneValue,
        help="the partner's motion: DualTalk dataset npz or motion file",
    )
    request.add_arguments(parser, (request.ENGINE, request.GENERATE, request.BEHAVIOUR))
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=request.cli_path,
        action=request.OneValue,
        help="dialogue mode: output folder; paper mode: PRED.npz (required, except with --show-reading)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--show-reading",
        action="store_true",
        help="print what each line of --transcript is read as (its language, the words as said) and "
        "exit: no audio or model needed; a run writes the same to script_read.tsv in its --out folder",
    )


def _shown(path: object) -> str:
    """A path for the summary line: a file name that is not valid UTF-8 is shown escaped (\\xff), since
    printing it raw raises on a strict stdout after the files are written, turning success into a crash;
    a control or format character too (``\\n``): a newline in ``--out`` made one result three lines, and
    a crafted name could forge a ``wrote`` line (review rv40c F6). As ``animate``'s result line shows them."""
    return escaped(str(path))


def _progress(args: argparse.Namespace):
    from .core.progress import ConsoleBar, Silent

    return Silent() if args.quiet else ConsoleBar(sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.show_reading:
        return _show_reading(args)
    if args.out is None:  # as argparse says it, with the one flag that does without
        raise DualTalkError(
            "the following arguments are required: --out (see python -m dualtalk infer --help)"
        )
    paper = args.partner_audio is not None or args.partner_motion is not None
    # another run writing --out exits 75, not 2 (rv40c F5): locks.LockHeld carries locks.BUSY_EXIT
    return _run_paper(args) if paper else _run_dialogue(args)


def _check_options(args: argparse.Namespace) -> request.Request:
    """The request's one-line errors, plus the device check that needs torch, before any loading."""
    from .engine import _check_precision, resolve_device

    req = request.Request.from_args(args).validate()
    _check_precision(req.precision, resolve_device(req.device))
    return req


def _run_dialogue(args: argparse.Namespace) -> int:
    from . import pipeline

    req = _check_options(args)
    out = pipeline.check_take_folder(args.out, req, label="--out")  # the Python API's rules, in flags
    # the recordings before the engine loads (seconds): the readers' own words, only sooner
    for path, what in ((args.audio, "audio file"), (args.audio_b, "audio file"), (args.turns, "turns file")):
        if path:
            inputs.check_input_file(path, what)
    t0 = time.perf_counter()
    locks.reset_lock_warning()  # a new run: its take folder's lock (taken by pipeline.run) may warn again
    take = pipeline.run(req, out, progress=_progress(args), label="--out")
    motion_a, engine = take.motion_a, take.engine
    took = time.perf_counter() - t0
    print(
        f"wrote {_shown(take.path_a)} and {_shown(take.path_b)}: {motion_a.num_frames} frames ({motion_a.duration:.2f} s at {motion_a.fps:g} fps), "
        f"{engine.name} engine on {engine.device}, {motion_a.meta.get('rounds')} rounds, "
        f"{motion_a.meta.get('windows')} window(s), {took:.1f} s"
    )
    if take.transcript is not None:
        from .phonetic.script_reading import FILE_NAME
        from .phonetic.transcript import describe

        print(describe(take.transcript))
        read = take.path_a.parent / FILE_NAME
        if read.is_file():
            print(f"each script line as read (language, words as said, where drawn): {_shown(read)}")
        if take.transcript.get("script"):  # --recognise: what was heard, to correct and give as --transcript
            # a part's words are the whole recording's (a script is, and the counts above are)
            whole = " of the whole recording" if args.start is not None or args.end is not None else ""
            print(f"recognised script{whole} (correct it and give it as --transcript):")
            print(take.transcript["script"], end="")
    return 0


def _show_reading(args: argparse.Namespace) -> int:
    """``--show-reading``: the script's lines as the aligners would be given them, printed, without
    audio, model or take folder (review rv41c F4: a misread date or amount "aligned" unseen)."""
    from .phonetic.script_languages import espeak_voice
    from .phonetic.script_reading import read_lines, refusal, shown
    from .phonetic.transcript import read_transcript, uses_warp

    if args.transcript is None:
        raise DualTalkError("--show-reading shows how --transcript FILE is read: give --transcript")
    req = request.Request.from_args(args).validate()
    lines = read_transcript(args.transcript)
    for flag, language in (("--transcript-language", req.transcript_language),
                           ("--transcript-language-b", req.script_language_b())):  # fmt: skip
        if uses_warp(language):  # read by espeak-ng: one line where it lacks the language
            espeak_voice(language, flag=flag)
    # what the run refuses from the text alone, in its words (review rv42b F2): a pre-flight that
    # passed a script the run refuses was no check
    names, characters = _script_names(req), (req.character_a, req.character_b)
    where = Path(req.transcript).name if req.transcript else "transcript"
    refused = refusal(lines, req.transcript_language, req.script_language_b(), names, characters, where)
    if refused:
        raise DualTalkError(refused)
    print(shown(read_lines(lines, req.transcript_language, req.script_language_b(), names, characters)))
    return 0


def _script_names(req: request.Request) -> tuple[str, str]:
    """The dialogue's names, which tag a script's lines beside A and B, as the run's loader gives them
    without reading audio: the turns file's speakers (``--speaker-a``'s first), else A and B, exchanged
    by ``--swap``."""
    names = ("A", "B")
    if req.turns:
        from .audio.turns import assign_speakers, for_recording, read_turns

        tname = Path(req.turns).name
        segments = read_turns(req.turns)
        if req.audio:  # a file holding several recordings' turns: this recording's
            segments = for_recording(segments, req.audio, tname)
        try:
            first, second = assign_speakers(segments, req.speaker_a)
        except DualTalkError as exc:
            raise DualTalkError(f"{tname}: {exc}") from None
        names = (first, second or "B")
    return (names[1], names[0]) if req.swap else names


_SPEAKER_FILE = re.compile(r"(?P<stem>.+)_speaker(?P<n>[12])")


def _speaker_named(path: str | Path) -> tuple[str, int] | None:
    found = _SPEAKER_FILE.fullmatch(Path(path).stem)
    return (found["stem"], int(found["n"])) if found else None


def paper_names_warning(
    audio: str | Path, partner_audio: str | Path, partner_motion: str | Path
) -> str | None:
    """One line when the dataset's ``<stem>_speakerN`` names say the partner inputs are not the
    partner's: the shared demo ships one speaker's FLAME, so ``--audio X_speaker2.wav
    --partner-motion X_speaker2.npz`` is an easy slip, and it ran without a word (review rv37c
    finding 9). A warning, not a refusal: feeding the character its own motion can be an ablation."""
    own, heard, seen = (_speaker_named(p) for p in (audio, partner_audio, partner_motion))
    if own and seen and own == seen:
        return (
            f"--partner-motion {Path(partner_motion).name} is named for the character's own speaker "
            f"({Path(audio).name}); the partner's would be {own[0]}_speaker{3 - own[1]}.npz"
        )
    if own and heard and own == heard:
        return (
            f"--partner-audio {Path(partner_audio).name} is named for the character's own speaker "
            f"({Path(audio).name}); the partner's would be {own[0]}_speaker{3 - own[1]}.wav"
        )
    if heard and seen and heard[0] == seen[0] and heard[1] != seen[1]:
        return (
            f"--partner-motion {Path(partner_motion).name} is named for speaker {seen[1]}, "
            f"--partner-audio {Path(partner_audio).name} for speaker {heard[1]}"
        )
    return None


def _run_paper(args: argparse.Namespace) -> int:
    from . import pipeline

    if args.audio is None or args.partner_audio is None or args.partner_motion is None:
        raise DualTalkError(
            "paper mode needs --audio SELF.wav, --partner-audio PARTNER.wav and --partner-motion PARTNER.npz"
        )
    other = [
        f"--{name.replace('_', '-')}"
        for name in ("audio_b", "turns", "speaker_a", "start", "end", "offset_b", "transcript")
        if getattr(args, name, None) is not None
    ]
    other += [f"--{flag}" for flag in ("swap", "diarize", "recognise") if getattr(args, flag, False)]
    for name in request.LANGUAGE_OPTIONS:  # a transcript's language, with none ("English" is en)
        given = language_names.as_tag(getattr(args, name, None))
        if given not in (None, request.BY_NAME[name].default):
            other.append(request.BY_NAME[name].flag)
    if args.rounds is not None:
        other.append("--rounds")
    # the behaviour layer and the lip passes run on dialogue takes only: paper mode writes the
    # network's output as it is, so asking for them there would be silently ignored
    other += [
        option.flag
        for option in request.OPTIONS
        if (option.group == request.BEHAVIOUR or option.name in ("lip_release", "lip_rounding"))
        and getattr(args, option.name, option.default) != option.default
    ]
    if other:
        raise DualTalkError(
            f"{', '.join(other)} {'apply' if len(other) > 1 else 'applies'} only to dialogue mode, not to paper mode (--partner-audio)"
        )
    said = paper_names_warning(args.audio, args.partner_audio, args.partner_motion)
    if said:
        logging.getLogger("dualtalk").warning(said)  # the command line's own check
    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise DualTalkError("paper mode writes one motion file: --out must end in .npz")
    if outputs.is_folder(out, "--out", action="written"):
        raise DualTalkError(f"--out {out} is a folder; paper mode writes one .npz file")
    given = [("input audio", args.audio), ("input partner audio", args.partner_audio),
              ("input partner motion", args.partner_motion), ("input checkpoint", args.checkpoint)]  # fmt: skip
    outputs.check_write_plan([("--out", out)], given)
    outputs.check_target(out, "--out")
    req = _check_options(args)
    t0 = time.perf_counter()
    motion, engine = pipeline.run_paper(
        req, args.partner_audio, args.partner_motion, out, progress=_progress(args)
    )
    took = time.perf_counter() - t0
    print(
        f"wrote {_shown(out)}: {motion.num_frames} frames ({motion.duration:.2f} s at {motion.fps:g} fps) of {motion.space}, "
        f"{engine.name} engine on {engine.device}, {took:.1f} s"
    )
    return 0
