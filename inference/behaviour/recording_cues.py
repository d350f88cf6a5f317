"""The whole recording's cues, measured once per recording and kept on disk for its parts.

A part of a take (``infer --start/--end``, ``animate --range``, the add-on's Re-generate Preview
Range) is planned over the whole recording, so it blinks, nods and looks away at the seconds the
whole take does (:func:`.apply.apply_behaviour`). Its cues (voice activity bridged, loudness, pitch,
stress, phrases, laughter) were read from the whole recording again on every part: on a 20-minute
take 7 s of reading the audio and 6 s of pitch for 10 s of frames (review 31l F2). The whole take
measures the same cues, so it keeps them here and a part reads them back: the same arrays, so the
same motion.

Where: ``$DUALTALK_HOME/recording_cues/`` (else ``~/.cache/dualtalk/recording_cues/``, as
``phonetic/recognised_cache``), one ``<key>.npz`` per recording. The key is the caller's
(:func:`..pipeline.recording_cues_key`: the files' identity, the options that read them, the code
that measures them). An entry is used only when it reads whole and names its key and
:data:`VERSION`; anything else is measured afresh and written over. Written atomically, at most
:data:`KEEP` entries (a 20-minute take's is about 0.5 MB), the least recently used removed. Without
a writable home the cues are measured as before, with one debug line, never an error. The folder's
rules (which names are the cache's, pruning, clearing) are :mod:`..kept_folder`'s, as the recognised
words'; the add-on's preferences show how much it holds (:func:`held`) and clear it (:func:`clear`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..core.progress import Progress
from ..kept_folder import RECORDING_CUES, Held
from .cues import Cues

VERSION = 1  # bump when what an entry holds, or how it is read, changes
KEEP = 32  # entries kept, the least recently used removed first
log = logging.getLogger("dualtalk")  # debug lines only: a cache that cannot be used costs a read
# the folder and its rules (the only names written: an entry and its temporary), as recognised_cache's
KEPT = RECORDING_CUES
FOLDER = KEPT.name  # "recording_cues"
ENTRY_NAME = KEPT.entry_name

# each character's per-frame arrays and event lists, as an entry stores them
_FRAMES = {"speaking": bool, "loud_db": np.float32, "pitch_hz": np.float32, "stress": np.float32}
_EVENTS = ("phrase_starts", "phrase_ends", "backchannels")


@dataclass(frozen=True)
class RecordingCues:
    """Both characters' cues over a whole recording, ``num_frames`` frames at ``fps`` from
    ``start_time`` seconds into its audio: what a part of it is planned over."""

    start_time: float
    num_frames: int
    fps: float
    a: Cues
    b: Cues


def measure(recording: Any, fps: float, progress: Progress | None = None) -> RecordingCues:
    """The cues of a whole :class:`~..audio.Dialogue` (the behaviour stage's lines, as the layer says them)."""
    from .apply import dialogue_cues

    cues_a, cues_b = dialogue_cues(recording, recording.num_frames, fps, progress)
    return RecordingCues(float(recording.start_time), int(recording.num_frames), float(fps), cues_a, cues_b)


def cache_folder() -> Path | None:
    """The folder entries live in (created), or None without a writable home or where the folder
    holds a name the cache did not write (then it is the user's: never written into or pruned)."""
    return KEPT.usable()


def home_folder() -> Path:
    """Where the entries go, whether or not anything was kept yet (nothing is made here); a
    DualTalkError where there is no home folder and no ``$DUALTALK_HOME``."""
    return KEPT.home_folder()


def held(folder: Path) -> Held:
    """How many recordings' cues ``folder`` keeps and their size on disk (the preferences' line)."""
    return KEPT.held(folder)


def clear(folder: Path) -> Held:
    """Remove the cache's entries from ``folder`` (:meth:`.KeptFolder.clear`: only its own names,
    nothing from a folder of the user's, a temporary being written stays); returns what went."""
    return KEPT.clear(folder)


def load(key: str) -> RecordingCues | None:
    """The entry filed under ``key``, or None (none, unreadable, truncated, another version)."""
    folder = cache_folder()
    if folder is None:
        return None
    path = folder / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as data:
            found = _read({name: data[name] for name in data.files}, key)
    except FileNotFoundError:
        return None
    except Exception as exc:  # half a file, another layout: measured afresh and written over
        log.debug("the recording's cues in %s not read (%s)", path, exc)
        return None
    if found is not None:
        KEPT.used(path)
    return found


def _read(data: dict[str, np.ndarray], key: str) -> RecordingCues | None:
    if str(data["key"]) != key or int(data["version"]) != VERSION:
        return None
    n, fps = int(data["num_frames"]), float(data["fps"])
    cues = []
    for who in ("a", "b"):
        frames = {name: data[f"{who}.{name}"] for name in (*_FRAMES, "laughter")}
        if any(x.shape != (n,) for x in frames.values()):
            return None
        events = [[int(v) for v in data[f"{who}.{name}"]] for name in _EVENTS]
        cues.append(
            Cues(
                speaking=frames["speaking"].astype(bool, copy=False),
                loud_db=frames["loud_db"].astype(np.float32, copy=False),
                pitch_hz=frames["pitch_hz"].astype(np.float32, copy=False),
                stress=frames["stress"].astype(np.float32, copy=False),
                phrase_starts=events[0],
                phrase_ends=events[1],
                backchannels=events[2],
                laughter=frames["laughter"].astype(bool, copy=False),
            )
        )
    return RecordingCues(float(data["start_time"]), n, fps, cues[0], cues[1])


def _arrays(found: RecordingCues, key: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {
        "key": np.array(key),
        "version": np.array(VERSION),
        "start_time": np.array(found.start_time, dtype=np.float64),
        "num_frames": np.array(found.num_frames),
        "fps": np.array(found.fps, dtype=np.float64),
    }
    for who, cues in (("a", found.a), ("b", found.b)):
        for name, dtype in _FRAMES.items():
            out[f"{who}.{name}"] = np.asarray(getattr(cues, name), dtype=dtype)
        laughs = np.zeros(found.num_frames, dtype=bool) if cues.laughter is None else cues.laughter
        out[f"{who}.laughter"] = np.asarray(laughs, dtype=bool)
        for name in _EVENTS:
            out[f"{who}.{name}"] = np.asarray(getattr(cues, name), dtype=np.int64)
    return out


def store(key: str, found: RecordingCues) -> None:
    """The entry written whole or not at all (a temporary renamed over it), then the oldest pruned;
    a failure is a debug line: the take does not depend on it."""
    folder = cache_folder()
    if folder is None:
        return
    arrays = _arrays(found, key)

    def write(fh: IO[bytes]) -> None:
        np.savez_compressed(fh, **arrays)

    KEPT.store(folder, key, write, KEEP)
