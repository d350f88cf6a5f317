"""Which recording a take's motion file was made from, as the file itself says (``meta["source"]``).

Read by ``animate`` (``--range`` hears the take's own audio; ``--motion-a/-b`` refuses files of two
takes) and by ``eval behaviour`` (two files of two takes are no dialogue to measure), so the rule for
"one take" is written once, here, free of Blender.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any, NotRequired, TypedDict

import numpy as np

from .errors import DualTalkError
from .motion import Motion

SAME_TIME_S = 1e-3  # both files of one run record the same start and end
# a recorded end this far from where the motion's frames end is damaged (a take's end and its frames
# differ by at most a frame)
RECORDED_END_SLACK_S = 0.5


class AudioRecord(TypedDict):
    """Which recording a take was made from and where in it, so a re-generated range hears the same
    audio (``animate --range`` checks what it is given against it)."""

    files: list[str]  # the recording's file name(s): the one file, or A's then B's
    start: float  # seconds into the recording where the take's first frame sits
    end: float  # ... and where the audio it was made from ends
    swap: bool  # the speakers swapped (--swap)
    fingerprint: str  # the files' contents (audio/dialogue.recording_fingerprint), "" when not taken
    offset_b: NotRequired[float]  # two files: B's started this much before A's (--offset-b); absent: 0
    # the recording's sound (audio/dialogue.sound_signature): its length and loudness over time, so the
    # same recording re-encoded is still the take's; absent in motion files made before takes kept it
    sound: NotRequired[dict[str, Any]]
    # a mono mix read with a turns file: which speaker of it is A (--speaker-a, or the one picked), the
    # turns file's name and contents (sha256, "" when it could not be read), so a range with another
    # speaker label or turns file (A's and B's lips swapped) is refused; absent before takes kept them
    speaker_a: NotRequired[str]
    form: NotRequired[str]  # how the recording was read: stereo, pair, turns, diarized
    turns: NotRequired[str]
    turns_fingerprint: NotRequired[str]
    # the behaviour settings the take was made with (its motion's ``meta["behaviour"]``: seed, mood,
    # amounts, gaze on/off), so a range re-uses them; absent before takes kept them
    settings: NotRequired[dict[str, Any]]
    # the lips' passes after the network (its motion's ``meta["lip_release"]``/``["lip_rounding"]``),
    # so a range re-uses them: a range drawn with another amount would show a seam; absent before
    lips: NotRequired[dict[str, float]]


# the behaviour record's fields a range re-uses (inference/behaviour/settings.BehaviourSettings)
SETTING_FIELDS = ("seed", "mood", "mood_b", "gaze_on", "blinks", "gaze", "head", "brows")
LIP_FIELDS = ("lip_release", "lip_rounding")  # the motion's record of the lips' passes (phonetic/)
TURNS_READ_LIMIT = 64 * 1024 * 1024  # a turns file is text: one this long is not read for its contents


def audio_record(motion: Motion) -> AudioRecord | None:
    """The recording ``motion`` was made from, as its file says (``meta["source"]``, written by the
    engine's pipeline); None for motion that does not say (made by other tools)."""
    source = motion.meta.get("source")
    if not isinstance(source, dict) or not source.get("audio"):
        return None
    files = [PurePath(str(source["audio"])).name]
    if source.get("audio_b"):
        files.append(PurePath(str(source["audio_b"])).name)
    start = float(motion.start_time)
    end = source.get("end")
    spans = start + motion.num_frames / motion.fps  # where the motion's frames end
    if isinstance(end, bool) or not isinstance(end, int | float) or not np.isfinite(end):
        end = spans
    elif abs(end - spans) > RECORDED_END_SLACK_S:  # a damaged record: the frames say where the part ends
        end = spans
    record: AudioRecord = {
        "files": files,
        "start": start,
        "end": float(end),
        "swap": bool(source.get("swap", False)),
        "fingerprint": str(source.get("fingerprint") or ""),
    }
    offset = recorded_offset_b(source)
    if offset and len(files) == 2:  # a range reads B's file with the same shift (range_offset_b)
        record["offset_b"] = offset
    if isinstance(source.get("sound"), dict):
        record["sound"] = dict(source["sound"])
    if isinstance(source.get("form"), str):
        record["form"] = source["form"]
    record.update(_turns_record(source))  # type: ignore[typeddict-item]  # its NotRequired keys
    settings = made_with(motion)
    if settings is not None:
        record["settings"] = settings
    lips = lips_made_with(motion)
    if lips is not None:
        record["lips"] = lips
    return record


MAX_BUILD_ID = 64  # a build id is ``0.2.0+1a2b3c4d5e6f``: a longer "build" is not one


def made_by(motion: Motion) -> str:
    """The DualTalk build that made ``motion`` (its ``meta["build"]``, ``0.2.0+1a2b3c4d5e6f``:
    ``inference.build_info``), so a take of an older build can be told from one of this build's;
    "" for motion that does not say (made before builds recorded it, or by other tools)."""
    build = motion.meta.get("build")
    if not isinstance(build, str) or len(build) > MAX_BUILD_ID or not build.isprintable():
        return ""
    return build


def lips_made_with(motion: Motion) -> dict[str, float] | None:
    """The amounts of the lip release and the lip rounding ``motion`` was drawn with (both passes
    record theirs, 0 too); None when it does not say both (the published engine's, other tools')."""
    lips: dict[str, float] = {}
    for key in LIP_FIELDS:
        value = motion.meta.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            return None
        lips[key] = float(value)
    return lips


def _turns_record(source: Mapping[str, Any]) -> dict[str, str]:
    """A turns-file take's speaker A, turns file name and contents (``source``: the motion's record of
    its recording, ``form="turns"``); {} for any other."""
    speakers = source.get("speakers")
    if source.get("form") != "turns" or not source.get("turns"):
        return {}
    out = {
        "turns": PurePath(str(source["turns"])).name,
        "turns_fingerprint": turns_fingerprint(source["turns"]),
    }
    if isinstance(speakers, list) and speakers and isinstance(speakers[0], str):
        out["speaker_a"] = speakers[0]
    return out


def turns_fingerprint(path: Any) -> str:
    """sha256 of a turns file's bytes; "" when it cannot be read (then only its name is checked)."""
    try:
        file = Path(str(path))
        if file.stat().st_size > TURNS_READ_LIMIT:
            return ""
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return ""


def made_with(motion: Motion) -> dict[str, Any] | None:
    """The behaviour settings ``motion`` was made with (its ``meta["behaviour"]``, the behaviour
    layer's record): seed, mood, B's mood, gaze on/off and each layer's amount as given (None: the
    engine's default). None for motion that does not say (the layer off, or made by other tools)."""
    record = motion.meta.get("behaviour")
    if not isinstance(record, dict) or not all(k in record for k in SETTING_FIELDS):
        return None
    return {k: record[k] for k in SETTING_FIELDS}


def recorded_offset_b(record: Mapping[str, Any]) -> float:
    """The shift B's file was read with (``--offset-b``), as a take's record or its source says; 0 when
    it says none (a take made before takes recorded it was made without one)."""
    value = record.get("offset_b")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return float(value)


def same_source(ra: AudioRecord, rb: AudioRecord) -> bool:
    """Whether two records are one take's: the same recording (by its contents, or by its file names
    for takes made before they kept the contents) and the same part of it."""
    if ra["fingerprint"] and rb["fingerprint"]:
        if ra["fingerprint"] != rb["fingerprint"]:
            return False
    elif ra["files"] != rb["files"]:  # an older take without its recording's contents: by name
        return False
    return abs(ra["start"] - rb["start"]) <= SAME_TIME_S and abs(ra["end"] - rb["end"]) <= SAME_TIME_S


def recorded_part(record: AudioRecord) -> str:
    """A record in words, as a refusal of two takes shows it: ``talk.wav 1.00-6.00 s``."""
    files = " and ".join(record["files"])
    return f"{files} {record['start']:.2f}-{record['end']:.2f} s"


def check_one_take(a: Motion, b: Motion, names: tuple[str, str], said: tuple[str, str] | None = None) -> None:
    """Refuse two motion files whose recorded sources differ (another recording, or another part of
    it): they are two takes, not one. Files that do not both record one cannot be compared, and pass.
    ``names``: the files as the line shows them; ``said``: how it names them first (with the caller's
    flags, ``--motion-a A.npz``), by default as ``names``."""
    ra, rb = audio_record(a), audio_record(b)
    if ra is None or rb is None or same_source(ra, rb):
        return
    na, nb = names
    first, second = said or names
    raise DualTalkError(
        f"{first} and {second} are from two takes ({na}: {recorded_part(ra)}; {nb}: {recorded_part(rb)}); "
        "give the two files of one take (the A.npz and B.npz one infer or animate run wrote)"
    )
