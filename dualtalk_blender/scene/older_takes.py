"""What a take an older DualTalk keyed did not record, read from the motion files it was keyed from.

Takes record their recording (since 2026-12-05) and their behaviour settings and lips (since
2026-12-06 midday) on their actions. For a take keyed before, ``animate`` kept its motion files in
``OUT.dualtalk/``, where the take's sound strip plays its dialogue, and those record both: *Use Take's
Settings* and a re-generated range read them there, when they are this take's (review 33u F3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...inference.core.errors import DualTalkError
from ...inference.core.take_record import same_source
from .paths import abspath

SAME_LENGTH_S = 0.06  # a take's recorded length and its motion files' agree within a frame and a half


def motion_record(scene: Any, characters: set[str], meta: dict[str, Any]) -> dict[str, Any] | None:
    """The record of its recording a take keyed by an older DualTalk did not keep (before 12-05 none;
    before 12-06 no behaviour settings), as its motion files say it (``take_record.audio_record``):
    ``animate`` kept them in ``OUT.dualtalk/``, where the take's sound strip plays its dialogue. Only
    files that are this take's: A and B of one recording and part, as long as the take, from its
    engine; None where none are found."""
    from ...inference.core.motion_meta import read_motion_meta
    from ...inference.core.take_record import audio_record
    from .sound import our_strips, strip_pair

    seconds, engine = meta.get("seconds"), meta.get("engine")
    folders = []
    for strip in our_strips(scene):
        pair, sound = strip_pair(strip), getattr(strip, "sound", None)
        if sound is not None and (pair is None or pair & characters):
            folder = Path(abspath(sound.filepath)).parent
            if folder not in folders:
                folders.append(folder)
    for folder in folders:
        try:  # their records only, never the frames (a 20-minute take's two files: 8.7 MB of arrays read before)
            motion = [read_motion_meta(folder / name) for name in ("A.npz", "B.npz")]
        except (DualTalkError, OSError, ValueError, KeyError):
            continue
        # audio_record reads a Motion's meta, start_time, num_frames and fps: the record has them all
        records = [audio_record(m) for m in motion]  # type: ignore[arg-type]
        a, b = records
        if a is None or b is None or not same_source(a, b):
            continue
        length = motion[0].num_frames / motion[0].fps
        if not isinstance(seconds, int | float) or abs(length - float(seconds)) > SAME_LENGTH_S:
            continue
        if isinstance(engine, str) and engine and str(motion[0].engine or engine) != engine:
            continue
        return dict(a)
    return None


def with_motion_record(audio: dict[str, Any] | None, found: dict[str, Any] | None) -> dict[str, Any] | None:
    """The take's own record with what only its motion files say added (its own values stay)."""
    if found is None:
        return audio
    if audio is None:
        return found
    try:
        same = same_source(audio, found)  # type: ignore[arg-type]  # both are take_record.AudioRecord's
    except (KeyError, TypeError, ValueError):  # an older record without its part or files
        return audio
    return {**found, **audio} if same else audio
