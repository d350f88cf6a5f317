"""Which frames and which audio re-generating a range of a take needs, checked before anything runs.

:func:`plan_range` maps a timeline range onto the take's actions (following strips the animator
moved in the NLA editor), checks that both characters carry one take covering it, and widens it by
the audio the engine hears on each side; :func:`take_part` and :func:`check_take_recording` refuse
a range asked of another part, recording or speaker order than the take was made from, in
``animate``'s or the panel's words (:class:`AudioWords`), since its frames would silently follow
other audio. It only reads the scene; :mod:`.range_keys` writes the range.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...inference.core.errors import DualTalkError
from ...inference.core.numeric import shown
from ...inference.core.timebase import FPS, SAMPLE_RATE
from .keying import check_action_meta
from .layers import REST, character_idblocks, legacy_take, our_strips, take_action, take_meta
from .older_takes import motion_record, with_motion_record

RANGE_CONTEXT_S = 2.0  # audio the engine hears on each side of a re-generated range


@dataclass
class RangePlan:
    """How to re-generate frames ``first..last`` of the take on two characters.

    ``first``/``last``, ``take_start`` and ``start_frame`` are frames of the take's actions; a take
    whose strips the animator moved in the NLA editor plays them ``offset`` frames later on the
    timeline (the range asked for is ``first + offset .. last + offset``)."""

    first: int
    last: int
    take: str
    take_start: int  # the take's first frame
    start_frame: int  # where the re-generated motion's first frame lands
    audio_start: float  # seconds into the take's audio the engine starts hearing (one of its frames)
    audio_end: float  # ... and stops
    offset: int = 0  # timeline frame = action frame + offset (strips moved in the NLA editor)
    take_id: str = ""  # each character's take id, comma-joined ("" for takes keyed before ids)
    # the recording the take was made from and where in it (rig/plan.AudioRecord): None for takes
    # keyed before takes recorded it, from motion that does not name it, or characters whose takes differ
    audio: dict[str, Any] | None = None


def strip_offset(obj: Any) -> float:
    """Where the character's take plays: timeline frame = action frame + this (0 unless the animator
    moved its strips in the NLA editor; a whole-take Generate keys the new take where they play,
    :func:`moved_start`)."""
    for idblock in character_idblocks(obj):
        for layer, strip in our_strips(idblock).items():
            if layer != REST:
                return float(strip.frame_start - strip.action_frame_start)
    return 0.0


def take_offset(objs: Iterable[Any]) -> int:
    """How many frames the animator moved the take's strips in the NLA editor (timeline frame =
    action frame + offset). Every layer strip of every character must be moved by the same whole
    number of frames and keep its speed; otherwise a timeline range does not map back to one stretch
    of the take, and this refuses in one line."""
    shifts: dict[str, float] = {}
    for obj in objs:
        for idblock in character_idblocks(obj):
            for layer, strip in our_strips(idblock).items():
                if layer == REST:  # one key held: where it sits does not matter
                    continue
                where = f"{obj.name}'s {layer} strip"
                if abs(strip.scale - 1.0) > 1e-6 or abs(strip.repeat - 1.0) > 1e-6:
                    raise DualTalkError(
                        f"{where} is scaled or repeated in the NLA editor; set its scale and repeat back "
                        "to 1 (or Generate the whole take again) before re-generating a range"
                    )
                shifts[where] = float(strip.frame_start - strip.action_frame_start)
    if not shifts:
        return 0
    (first_where, shift), *others = shifts.items()
    for where, other in others:
        if abs(other - shift) > 1e-4:
            raise DualTalkError(
                f"{first_where} is moved {shift:g} frames in the NLA editor but {where} {other:g}; move the "
                "DualTalk strips of both characters together (or Generate the whole take again) before "
                "re-generating a range"
            )
    if abs(shift - round(shift)) > 1e-4:
        raise DualTalkError(
            f"the DualTalk strips are moved {shift:g} frames in the NLA editor, not a whole number of "
            "frames; snap them to a frame before re-generating a range"
        )
    return int(round(shift))


@dataclass(frozen=True)
class MovedTake:
    """Where the take the characters play begins now that the animator moved its strips in the NLA
    editor: ``start`` (a timeline frame), or None with ``why`` where it cannot be followed."""

    start: int | None
    offset: int  # frames the strips were moved (0 when not known)
    why: str = ""


def moved_start(objs: Iterable[Any]) -> MovedTake | None:
    """Where a whole-take Generate keys the new take when the animator moved the take the characters
    play in the NLA editor (all its strips, with its sound and markers: review rv37a F5): the frame the
    moved take begins on now, its first frame plus :func:`take_offset`. A take that is not moved, or
    characters carrying none, give None (the new take starts at the scene's start, as before). Strips
    moved unevenly, scaled, or a take whose characters start on other frames give a ``why`` and no
    start: the new take goes to the scene's start and the status line says so."""
    objs = list(objs)
    starts = set()
    for obj in objs:
        meta = take_meta(obj)
        if meta is not None and isinstance(meta.get("start_frame"), int):
            starts.add(int(meta["start_frame"]))
    if not starts:
        return None
    try:
        offset = take_offset(objs)
    except DualTalkError as exc:
        return MovedTake(None, 0, str(exc).split(";")[0])
    if offset == 0:
        return None
    if len(starts) > 1:
        return MovedTake(None, offset, "the characters' takes start on different frames")
    start = starts.pop() + offset
    if start < 0:
        return MovedTake(None, offset, f"the moved take begins at frame {start}, before frame 0")
    return MovedTake(start, offset)


def plan_range(
    objs: Iterable[Any], fps: float, first: int, last: int, crossfade: int, scene: Any = None
) -> RangePlan:
    """Check that both characters carry a take covering ``first..last``; plan the audio window.

    ``first..last`` are timeline frames (the preview range): strips the animator moved in the NLA
    editor are followed (:func:`take_offset`), so the frames redone are the ones that play there.
    The engine hears RANGE_CONTEXT_S seconds (plus the cross-fade) on each side of the range,
    clipped to the take, so the motion at the range's ends is as it would be in the whole take.
    Both characters' takes must start on the same frame at the scene's rate; the range must lie
    within both. With ``scene``, a take an older DualTalk keyed without its behaviour settings and lips
    gets them from the motion files it was keyed from (:mod:`.older_takes`), so the range is made
    with the take's own seed and mood.
    """
    objs = list(objs)
    for obj in objs:  # a range needs the take's record: a damaged one is refused, not guessed at
        action = take_action(obj)
        if action is not None:
            then = "a range cannot be placed without it; Generate the whole take again"
            check_action_meta(action, then, needs=("start_frame",))
    metas = [take_meta(obj) for obj in objs]
    missing = [o.name for o, m in zip(objs, metas, strict=True) if m is None]
    for obj in objs:
        old = next((a for a in map(legacy_take, character_idblocks(obj)) if a is not None), None)
        if obj.name in missing and old is not None:
            raise DualTalkError(
                f"{obj.name!r} plays {old.name!r}, a take keyed by an older DualTalk as one action without "
                "layers, which a range cannot be re-generated in; animate the whole take again first "
                "(or remove it with Remove Take)"
            )
    if missing:
        raise DualTalkError(
            f"re-generating a range needs an existing take, but {', '.join(missing)} has none "
            "(animate the whole take first)"
        )
    takes = [(o.name, m) for o, m in zip(objs, metas, strict=True) if m is not None]
    for _name, m in takes:
        if abs(float(m.get("fps", fps)) - fps) > 1e-6:
            keyed = float(m["fps"])
            raise DualTalkError(
                f"the take was keyed at {keyed:g} fps but the scene now runs at {fps:g} fps; set the scene "
                f"back to {keyed:g} fps, or Generate the whole take again"
            )
    starts = {name: int(m["start_frame"]) for name, m in takes}
    if len(set(starts.values())) > 1:
        said = " but ".join(f"{name}'s take starts at frame {f}" for name, f in starts.items())
        raise DualTalkError(f"{said}; Generate the whole take again before re-generating a range")
    meta = takes[0][1]
    offset = take_offset(objs)
    take_start = int(meta["start_frame"])
    lengths = [float(m["seconds"]) for _name, m in takes if m.get("seconds") is not None]
    seconds = min(lengths) if lengths else None  # the range must lie within both takes
    take_last = None  # the take's last frame: as many frames as its audio at this fps (apply's count)
    if seconds is not None:
        take_last = take_start + max(1, int(round(seconds * fps))) - 1
    first, last = first - offset, last - offset  # the frames of the take that play there
    if last < first or first < take_start or (take_last is not None and last > take_last):
        where = (
            f"frames {take_start + offset}-{take_last + offset}"
            if take_last is not None
            else f"it starts at frame {take_start + offset}"
        )
        asked = f"{shown(first + offset)}-{shown(last + offset)}"  # a job's 400-digit frame, cut
        raise DualTalkError(f"range {asked} must lie within the take ({where})")
    context = int(round(RANGE_CONTEXT_S * fps)) + crossfade
    f0, f1 = max(take_start, first - context), last + context
    end = (f1 + 1 - take_start) / fps
    if seconds is not None:  # not past the audio the take was made from
        end = min(end, seconds)
    audio = _take_audio([m.get("audio") for _name, m in takes])
    if scene is not None and audio is not None and not isinstance(audio.get("settings"), Mapping):
        characters = {str(m.get("character")) for _name, m in takes}
        audio = with_motion_record(audio, motion_record(scene, characters, meta))
    at = (f0 - take_start) / fps
    return RangePlan(
        first=first,
        last=last,
        take=str(meta.get("take", "take"))[:40],
        take_start=take_start,
        start_frame=f0,
        # keyed at the take's own instants (range_lead), which needs the take's record of its audio
        audio_start=engine_frame_at(at) if audio is not None else at,
        audio_end=end,
        offset=offset,
        take_id=",".join(str(m.get("take_id", "")) for _name, m in takes),
        audio=audio,
    )


def other_weights(character: str, take: Mapping[str, Any] | None, engine: str, sha256: str) -> str | None:
    """One line when a range is made by other weights than its take (an update shipped new built-in
    weights, another checkpoint chosen): the range's mouth and head are another model's between frames
    of the first; None when they are the same, or either is not known (a take from before takes
    recorded it, motion made by a script)."""
    if not isinstance(take, Mapping):
        return None
    was, was_engine = str(take.get("checkpoint_sha256") or ""), str(take.get("engine") or "")
    if not was or not sha256 or (was == sha256 and was_engine == engine):
        return None
    made = f"the {was_engine} engine's weights {was[:12]}" if was_engine else f"weights {was[:12]}"
    return (
        f"{character}: the range was made by the {engine} engine's weights {sha256[:12]}, the take by {made}: "
        "its mouth and head move as another model's between the take's frames; Generate the whole take "
        "again for one performance"
    )


def engine_frame_at(seconds: float) -> float:
    """The take's engine frame at or before ``seconds`` into the take (the engine makes FPS frames a
    second from where it starts hearing). A range heard from a scene frame at 24 fps started between
    two of the take's engine frames, so its frames were other instants than the take's and the mouth
    resampled onto the timeline moved (closures a frame apart, up to 0.2 on the jaw); heard from one
    of the take's frames, it makes the take's frames there."""
    return float(np.floor(seconds * FPS + 1e-6)) / FPS


def range_lead(take: Mapping[str, Any] | None, start_time: float, start_frame: int, fps: float) -> float:
    """Seconds after the motion's first frame (``start_time``, seconds into the recording) that scene
    frame ``start_frame`` plays, on the take ``take`` (its meta: where it starts on the timeline and
    in its recording): the range's motion is keyed at the take's own instants. 0 where the take does
    not record its audio, or the motion is not a range heard from one of its frames before that one
    (a range made before ranges started on the take's frames: keyed from its first frame, as then)."""
    record = take.get("audio") if take is not None else None
    if not isinstance(record, Mapping) or take is None or "start_frame" not in take:
        return 0.0
    try:
        at = float(record["start"]) + (start_frame - int(take["start_frame"])) / fps
    except (KeyError, TypeError, ValueError):
        return 0.0
    lead = at - float(start_time)
    return lead if 1e-6 < lead < 1.0 / FPS else 0.0


def _take_audio(records: list[Any]) -> dict[str, Any] | None:
    """The recording both characters' takes were made from (their records agree), else None."""
    first = records[0] if records else None
    if not isinstance(first, dict) or any(r != first for r in records[1:]):
        return None
    return dict(first)


@dataclass(frozen=True)
class AudioWords:
    """How a caller names the audio a re-generated range is given with: ``animate``'s flags (the
    default) or the panel's fields (:data:`PANEL_WORDS`), so both refuse in the same sentence."""

    audio: str = "--audio"  # the recording, or A's file of two
    audio_a: str = "--audio"
    audio_b: str = "--audio-b"
    part: str = "--start/--end"
    swap: str = "--swap"
    swap_on: str = "--swap is given"
    swap_off: str = "--swap is not given"
    swapped: str = "with --swap"  # how the take's record reads when it was made swapped
    unswap: str = "without --swap"
    give: str = "give"
    leave_out: str = "leave --start/--end out"
    turns: str = "--turns"
    speaker: str = "--speaker-a"
    speaker_fix: str = "give {name} {value}, or leave {name} out"
    # how the take's recording reads after its file name(s): turns (file, speaker) and the mix split
    # automatically; a stereo file and two files read from their names alone
    with_turns: str = " with {turns} {file}{speaker}"
    with_speaker: str = " {speaker} {name}"
    diarized: str = " with --diarize"
    # what sets them all at once, said after the fields to choose (the panel has a button for it)
    settings: str = ""


PANEL_WORDS = AudioWords(
    audio="Audio",
    audio_a="Audio A",
    audio_b="Audio B",
    part="Start/End",
    swap="Swap A/B",
    swap_on="Swap A/B is on",
    swap_off="Swap A/B is off",
    swapped="with Swap A/B",
    unswap="with Swap A/B off",
    give="choose",
    leave_out="turn Part of the recording off",
    turns="Turns file",
    speaker="Speaker A",
    speaker_fix="set {name} to {value}, or leave it empty",
    with_turns=" (Mono + turns, {turns} {file}{speaker})",
    with_speaker=", {speaker} {name}",
    diarized=" (Mono, automatic)",
    settings=" (Use Take's Settings sets them from the take)",
)
START_SLACK_S = 0.5 / SAMPLE_RATE  # a start read back from the take's record: the same number typed again


def made_from(record: Mapping[str, Any], words: AudioWords = AudioWords()) -> str:
    """``the take was made from talk.wav from 4.00 s to 12.00 s`` (``with --swap``)."""
    files = " and ".join(record["files"]) + _how_read(record, words)
    swap = f" {words.swapped}" if record.get("swap") else ""
    start, end = float(record["start"]), float(record["end"])
    return f"the take was made from {files} from {start:.2f} s to {end:.2f} s{swap}"


def _how_read(record: Mapping[str, Any], words: AudioWords) -> str:
    """`` with --turns x.rttm --speaker-a MEE009`` (the panel: `` (Mono + turns, Turns file x.rttm,
    Speaker A MEE009)``), `` with --diarize``, or "" for a stereo file or two files."""
    if record.get("turns"):
        name = record.get("speaker_a")
        speaker = words.with_speaker.format(speaker=words.speaker, name=name) if name else ""
        return words.with_turns.format(turns=words.turns, file=record["turns"], speaker=speaker)
    return words.diarized if record.get("form") == "diarized" else ""


def _take_audio_refused(
    record: Mapping[str, Any], need: str, why: str, words: AudioWords, *, swap: bool = False, then: str = ""
) -> DualTalkError:
    """``<need>: the take was made from ..., but <why>; give the same --audio and --start/--end``; the
    panel's line names *Use Take's Settings*, which sets them in one click (review 31a, finding 6: after
    Play Take of a take made without Swap A/B, the panel still had it on)."""
    two = len(record["files"]) > 1
    flags = [words.audio_a if two else words.audio, *([words.audio_b] if two else [])]
    flags += [words.turns, words.speaker] if record.get("turns") else []
    flags += [words.part]
    flags += [words.swap] if swap else []
    listed = ", ".join(flags[:-1]) + f" and {flags[-1]}"
    return DualTalkError(
        f"{need}: {made_from(record, words)}, but {why}; {words.give} the same {listed}{then}{words.settings}"
    )


def take_part(
    record: Mapping[str, Any],
    start: float | None,
    end: float | None,
    need: str,
    words: AudioWords = AudioWords(),
) -> tuple[float, float]:
    """(start, end) seconds of the recording a take was made from (``record``: ``RangePlan.audio``):
    its own part when no start or end is given, else the part given, refused in one line when it is
    not the take's (a re-generated range would hear other seconds than the take did)."""
    take_start, take_end = float(record["start"]), float(record["end"])
    if start is None and end is None:
        return take_start, take_end
    s = 0.0 if start is None else float(start)
    # the end of a whole recording is read back within a frame of the end given (a cut at the file's end)
    wrong_end = end is not None and abs(float(end) - take_end) > 1.0 / FPS + 1e-6
    if abs(s - take_start) > START_SLACK_S or wrong_end:
        said = f"{float(end):.2f} s" if end is not None else "the end"
        why = f"{words.part} ask for {s:.2f} s to {said}"
        raise _take_audio_refused(record, need, why, words, then=f", or {words.leave_out}")
    return take_start, take_end


def check_take_recording(
    record: Mapping[str, Any],
    files: Iterable[str | os.PathLike[str] | None],
    swap: bool,
    need: str,
    words: AudioWords = AudioWords(),
) -> list[str]:
    """Refuse a re-generated range against another recording than the take's (or its speakers the
    other way round): its frames would silently follow other audio. The recording is known by its
    contents (``inference/audio/dialogue.recording_fingerprint``, recorded by every take's
    pipeline run), so the same file moved or renamed is the take's. Files whose bytes differ are
    decoded, and are the take's still when their sound is (``dialogue.same_sound``: the same length
    and loudness over time, at one gain: the recording re-encoded, re-tagged or normalised for the
    edit), with a warning naming both. Returns the warnings: a take whose motion files record no
    fingerprint is checked by file name only, and says so."""
    from ...inference.audio.dialogue import recording_fingerprint, same_sound

    given = [Path(p) for p in files if p is not None and str(p) != ""]
    names = [p.name for p in given]
    if bool(record.get("swap")) != bool(swap):
        said = words.swap_on if swap else words.swap_off
        was = bool(record.get("swap"))
        raise _take_audio_refused(
            record, need, said, words, swap=was, then="" if was else f", {words.unswap}"
        )
    if not record.get("fingerprint"):  # made from motion files whose maker took none: names only
        if names == list(record["files"]):
            return []
        return [
            f"{made_from(record, words)}, and its motion files do not record that recording's contents: "
            f"{need} cannot check that {' and '.join(names)} is the same recording"
        ]
    if recording_fingerprint(given) == record["fingerprint"]:
        return []
    now = " now" if names == list(record["files"]) else ""  # the same name: the file changed since
    verb = "are" if len(names) > 1 else "is"
    sound = record.get("sound")
    if isinstance(sound, Mapping) and same_sound(sound, given):
        return [
            f"{need}: {' and '.join(names)} {verb}{now} another encoding of {' and '.join(record['files'])}, "
            "the recording the take was made from (other bytes, the same sound: its length and loudness "
            "over time match), so it is used as the take's"
        ]
    why = f"{' and '.join(names)} {verb} not that recording{now} (the contents differ)"
    raise _take_audio_refused(record, need, why, words)


# -- the take's own settings: a range re-generated with them, not the caller's ---------------------

# Request field -> (animate's flag, the panel's field) of each behaviour setting a take records
SETTING_WORDS: dict[str, tuple[str, str]] = {
    "behaviour_seed": ("--behaviour-seed", "Seed"),
    "mood": ("--mood", "Mood"),
    "mood_b": ("--mood-b", "B's Mood"),
    "blinks": ("--blinks", "Blink Amount"),
    "gaze": ("--gaze", "Eye contact / Gaze Amount"),
    "head": ("--head", "Head Motion Amount"),
    "brows": ("--brows", "Brow Amount"),
}
NO_SETTINGS = "does not record the behaviour settings it was made with (made before takes recorded them)"


def take_settings(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The take's behaviour settings as request values (``behaviour_seed``, ``mood``, ... as
    ``Request`` holds them), from its record of its recording (``RangePlan.audio``); None when the
    take does not record them."""
    settings = record.get("settings") if isinstance(record, Mapping) else None
    if not isinstance(settings, Mapping):
        return None
    return {
        "behaviour_seed": int(settings["seed"]),
        "mood": str(settings["mood"]),
        "mood_b": "same" if settings["mood_b"] is None else str(settings["mood_b"]),
        "blinks": settings["blinks"],
        "gaze": settings["gaze"] if settings["gaze_on"] else 0.0,
        "head": settings["head"],
        "brows": settings["brows"],
    }


# Request field -> (animate's flag, the panel's field) of the lips' passes a take records
LIP_WORDS: dict[str, tuple[str, str]] = {
    "lip_release": ("--lip-release", "Lip Release"),
    "lip_rounding": ("--lip-rounding", "Lip Rounding"),
}


def take_lips(record: Mapping[str, Any] | None) -> dict[str, float] | None:
    """The lip release and rounding amounts the take was drawn with (its record's ``lips``); None
    when the take does not record them (made before takes did, or by the published engine)."""
    lips = record.get("lips") if isinstance(record, Mapping) else None
    if not isinstance(lips, Mapping) or not all(f in lips for f in LIP_WORDS):
        return None
    return {f: float(lips[f]) for f in LIP_WORDS}


def differing_lips(values: Mapping[str, Any], take: Mapping[str, float]) -> list[str]:
    """The lip fields among ``values`` that are not the take's (``take``: :func:`take_lips`)."""
    return [f for f in LIP_WORDS if f in values and abs(float(values[f]) - take[f]) > 1e-6]


def setting_effect(field: str, value: Any) -> Any:
    """A behaviour value as the engine reads it (``Request.behaviour``): ``off`` and 0 alike."""
    from ...inference.core.request import Request

    behaviour = Request(**{field: value}).behaviour()
    if field == "behaviour_seed":
        return behaviour["seed"]
    if field == "gaze":
        return (behaviour["gaze_on"], behaviour["gaze"])
    return behaviour[field]


def shown_setting(field: str, value: Any) -> str:
    """A setting as a flag's value reads: ``auto`` (the engine's default), ``off``, ``0.5``, ``animated``."""
    if field in ("blinks", "gaze", "head", "brows"):
        effect = setting_effect(field, value)
        amount = effect[1] if field == "gaze" else effect
        return "auto" if amount is None else "off" if amount == 0 else f"{float(amount):g}"
    return str(value)


def differing_settings(values: Mapping[str, Any], take: Mapping[str, Any]) -> list[str]:
    """The request fields among ``values`` whose effect is not the take's (``take``: :func:`take_settings`)."""
    return [
        f for f in SETTING_WORDS if f in values and setting_effect(f, values[f]) != setting_effect(f, take[f])
    ]


def keyed_as_take(options: Any, take: Mapping[str, Any]) -> None:
    """The keying's eye contact and blinks (``ApplyOptions``) follow the take's behaviour settings, as
    ``rig/options.link`` made them agree when the take was made."""
    gaze_on, _amount = setting_effect("gaze", take["gaze"])
    options.gaze = bool(gaze_on)
    if setting_effect("blinks", take["blinks"]) == 0:
        options.blinks = "off"
    elif options.blinks == "off":
        options.blinks = "auto"


def take_speaker(
    record: Mapping[str, Any],
    turns: str | os.PathLike[str] | None,
    speaker_a: str | None,
    need: str,
    words: AudioWords = AudioWords(),
) -> tuple[str | None, list[str]]:
    """The speaker label a range reads the turns file with, and warnings: the take's (its record's
    ``speaker_a``) when none is given. Refused in one line: another label (A's and B's lips would
    swap inside the range), another turns file (by its contents), or none for a take read with one.
    A take that does not record its turns file (made before takes kept it, or not from one) is
    read as given, as before."""
    from ...inference.core.take_record import turns_fingerprint

    if not record.get("turns"):
        return speaker_a, []
    if turns is None or str(turns) == "":
        raise _take_audio_refused(record, need, f"no {words.turns} is given", words)
    given, was = Path(turns).name, str(record["turns"])
    recorded = str(record.get("turns_fingerprint") or "")
    now = turns_fingerprint(turns) if recorded else ""
    warnings = []
    if recorded and now and now != recorded:
        same = " now" if given == was else ""
        why = f"{words.turns} {given} is not that turns file{same} (the contents differ)"
        raise _take_audio_refused(record, need, why, words)
    if not (recorded and now) and given != was:
        warnings.append(
            f"{made_from(record, words)}: {need} cannot check that {given} is the same turns file"
        )
    take = record.get("speaker_a")
    if not isinstance(take, str) or not take:
        return speaker_a, warnings
    if speaker_a and speaker_a.lower() != take.lower():  # as the turns reader matches a label
        fix = words.speaker_fix.format(name=words.speaker, value=take)
        raise DualTalkError(
            f"{need}: {made_from(record, words)}, but {words.speaker} is {speaker_a} (A's and B's lips would "
            f"swap in the range); {fix}"
        )
    return take, warnings


# -- the scene-side settings a take was keyed with (keys, intensities, smoothing, head turn, side by side)

KEYED_PROP = "dualtalk_keyed"  # on each layer action of a take: records.keyed_record
KEYED_FIELDS = ("keys", "intensities", "smoothing", "head_turn", "side_by_side")  # ApplyOptions' fields
GLANCE_KEY = "glance"  # also in the record: how much the pair glanced (gaze.pair_glance), not an option
# a character -> its take's glance weight, held from its eyes' keying until note_keyed records it
_glanced: dict[int | str, float] = {}


def _who(obj: Any) -> int | str:
    """A character as long as Blender runs (its keying gives its take a new take_id each pass)."""
    return getattr(obj, "session_uid", None) or obj.name_full


def glance_decided(objs: Iterable[Any], weight: float) -> None:
    """Hold a whole take's glance weight (``scene/gaze.pair_glance``) until :func:`note_keyed`
    records it with the take's keying, once the eyes are keyed too."""
    for obj in objs:
        _glanced[_who(obj)] = float(weight)


def note_keyed(objs: Iterable[Any], options: Any) -> None:
    """Record on each character's take (its layer actions) the scene-side settings it was keyed
    with, so a range keys with them (:func:`take_keyed`); the motion files do not hold these."""
    import json

    from .layers import take_actions

    for obj in objs:
        glance = _glanced.pop(_who(obj), None)  # none: keyed without eye contact
        meta = take_meta(obj)
        if not meta or not meta.get("take_id"):
            continue
        values = {f: getattr(options, f) for f in KEYED_FIELDS}
        # eye contact off: a weight left by a take stopped before here is not this one's
        if glance is not None and options.gaze:
            values[GLANCE_KEY] = glance
        text = json.dumps({"take_id": meta["take_id"], **values}, sort_keys=True)
        for idblock in character_idblocks(obj):
            for action in take_actions(idblock):
                action[KEYED_PROP] = text


def take_keyed(objs: Iterable[Any]) -> dict[str, Any] | None:
    """The scene-side settings the characters' take was keyed with (:func:`note_keyed`), or None:
    a take that does not record them (keyed before takes did, or by a caller that does not), a
    damaged record, or characters whose records differ."""
    found = [{f: record[f] for f in KEYED_FIELDS} for record in _keyed_records(objs) or ()]
    if not found or any(r != found[0] for r in found[1:]):
        return None
    return found[0]


def take_glance(objs: Iterable[Any]) -> float | None:
    """How much the characters' take glanced (``scene/gaze.pair_glance``), as its keying recorded it,
    or None: not recorded (a take keyed before it was, or without eye contact), or as in :func:`take_keyed`."""
    found = [record.get(GLANCE_KEY) for record in _keyed_records(objs) or ()]
    if not found or found[0] is None or any(g != found[0] for g in found[1:]):
        return None
    return float(found[0])


def _keyed_records(objs: Iterable[Any]) -> list[dict[str, Any]] | None:
    """Each character's whole keyed record (:func:`note_keyed`), or None where one lacks it or it is
    damaged or another take's (see :func:`take_keyed`)."""
    from . import records

    found = []
    for obj in objs:
        action, meta = take_action(obj), take_meta(obj)
        if action is None or not meta or KEYED_PROP not in action.keys():
            return None
        try:
            record = records.keyed_record(action[KEYED_PROP])
        except records.DamagedRecord:
            return None
        if record["take_id"] != meta.get("take_id"):  # written for another take's actions
            return None
        found.append(record)
    return found


def keyed_differs(options: Any, take: Mapping[str, Any]) -> list[str]:
    """The fields of ``KEYED_FIELDS`` whose value in ``options`` is not the take's (a scale of 1 and
    one not given are alike)."""

    def scales(values: Mapping[str, float]) -> dict[str, float]:
        return {k: float(v) for k, v in values.items() if abs(float(v) - 1.0) > 1e-9}

    out = []
    for field in KEYED_FIELDS:
        now, was = getattr(options, field), take[field]
        same = (
            scales(now) == scales(was)
            if field == "intensities"
            else (now == was if isinstance(was, str) else abs(float(now) - float(was)) <= 1e-6)
        )
        if not same:
            out.append(field)
    return out
