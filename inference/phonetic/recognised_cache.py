"""What ``--recognise`` heard, kept on disk: a range re-generated, or a take run again after an
unrelated option changed, does not recognise the same recording again (about 10 s per minute of
dialogue). The add-on runs each job in a fresh worker process, so a memo in memory would not last.

Where: ``$DUALTALK_HOME/recognised/`` (else ``~/.cache/dualtalk/recognised/``, the downloads' home,
``download.default_model_dir``), one ``<key>.json`` per recording heard. The key is a sha256 of
everything recognition reads: both voices' samples as recognition receives them (float32) and their
length, the sample rate, both voice-activity masks and their frame rate, the recogniser's own
identity (:data:`VERSION`, recognise.py's thresholds, the text of recognise.py and of
``align.Listener``) and pocketsphinx's (its version, its model files' names, sizes and times). A
recording changed by one sample, a threshold, another pocketsphinx or model: another key. The
characters' names are not in it: recognition tags its lines A and B, the names only label progress.

An entry holds its key and :data:`VERSION` and is used only when both match and it reads whole
(lines, and per tag the :class:`~.recognise.Hearing`); anything else (truncated, unreadable, another
version) is recognised afresh and written over. Written atomically (a temporary beside it, then
``os.replace``). Bounded: at most :data:`KEEP` entries (a minute of dialogue's is about 2 kB), the
least recently used removed when one is written. Where there is no writable home, recognition runs
as it did, with one debug line, never an error. The add-on's preferences show how much it holds
(:func:`held`) and clear it (:func:`clear`: the cache's own files only).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
from pathlib import Path
from typing import IO, Any

import numpy as np

from ..core import safe_json
from ..core.errors import DualTalkError
from ..core.progress import Progress
from ..core.timebase import FPS, SAMPLE_RATE
from ..kept_folder import RECOGNISED, Held
from . import recognise
from .recognise import Hearing
from .transcript import Line

VERSION = 1  # bump when what recognition makes of a recording changes (recognise.py, align.Listener)
KEEP = 100  # entries kept, the least recently used removed first
MAX_ENTRY_BYTES = 8 << 20  # an hour of dialogue's words is ~0.2 MB: a larger file is not ours
log = logging.getLogger("dualtalk.transcript")
# the folder and its rules (the only names written: an entry and its temporary), as recording_cues'
KEPT = RECOGNISED
FOLDER = KEPT.name  # "recognised"
ENTRY_NAME = KEPT.entry_name


def cache_folder() -> Path | None:
    """The folder entries live in (created), or None where there is no writable home, or where the
    folder holds anything the cache did not write: ``$DUALTALK_HOME`` is a folder the user chooses,
    and a ``recognised`` folder of their own transcripts is neither pruned nor written into."""
    return KEPT.usable()


def home_folder() -> Path:
    """Where the entries go, whether or not anything was kept yet (nothing is made here); a
    DualTalkError where there is no home folder and no ``$DUALTALK_HOME``."""
    return KEPT.home_folder()


def held(folder: Path) -> Held:
    """How many recordings' words ``folder`` keeps and their size on disk (the preferences' line)."""
    return KEPT.held(folder)


def clear(folder: Path) -> Held:
    """Remove the cache's entries from ``folder`` (:meth:`.KeptFolder.clear`: only its own names,
    nothing from a folder of the user's, a temporary being written stays); returns what went."""
    return KEPT.clear(folder)


def _recogniser_identity() -> list[Any]:
    """What besides the audio decides the words: our settings and code, pocketsphinx and its model."""
    from .align import Listener

    try:
        code = Path(recognise.__file__).read_text(encoding="utf-8") + inspect.getsource(Listener)
    except (OSError, TypeError):  # no source at hand: VERSION alone stands for it
        code = ""
    settings = [getattr(recognise, name) for name in
                ("JOIN_S", "PAD_S", "MIN_S", "MAX_S", "MIN_FIT", "MOSTLY_FOREIGN")]  # fmt: skip
    return [VERSION, settings, hashlib.sha256(code.encode()).hexdigest(), *_pocketsphinx_identity()]


def _pocketsphinx_identity() -> list[Any]:
    """pocketsphinx's version and its model files (name, size, modification time), as loaded."""
    import pocketsphinx

    try:
        from importlib.metadata import version

        release = version("pocketsphinx")
    except Exception:  # not installed as a distribution (a vendored copy)
        release = str(getattr(pocketsphinx, "__version__", "unknown"))
    config = pocketsphinx.Config(samprate=SAMPLE_RATE, loglevel="FATAL")  # as align.Listener loads it
    files: list[Any] = []
    for name in ("hmm", "lm", "dict"):
        path = Path(str(config[name]))
        for f in sorted(path.iterdir()) if path.is_dir() else [path]:
            with contextlib.suppress(OSError):
                st = f.stat()
                files.append([name, f.name, st.st_size, st.st_mtime_ns])
    return [release, files]


def recording_key(
    stream_a: np.ndarray, stream_b: np.ndarray, active_a: np.ndarray, active_b: np.ndarray, fps: float
) -> str:
    """The sha256 an entry is filed under: the recording as recognition reads it, and the recogniser."""
    digest = hashlib.sha256(json.dumps([_recogniser_identity(), SAMPLE_RATE, float(fps)]).encode())
    for array, dtype in ((stream_a, np.float32), (stream_b, np.float32), (active_a, bool), (active_b, bool)):
        data = np.ascontiguousarray(np.asarray(array, dtype).reshape(-1))
        digest.update(f"|{data.dtype.str}:{data.size}|".encode())
        digest.update(data.data.cast("B"))  # the samples as they lie in memory, not copied
    return digest.hexdigest()


def _entry(lines: list[Line], hearing: dict[str, Hearing], key: str) -> dict[str, Any]:
    return {
        "version": VERSION,
        "key": key,
        "lines": [[line.number, line.speaker, line.text] for line in lines],
        "hearing": {
            tag: {"heard": h.heard, "foreign": [list(span) for span in h.foreign], "lines": h.lines}
            for tag, h in hearing.items()
        },
    }


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


def _count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _read(data: Any, key: str) -> tuple[list[Line], dict[str, Hearing]] | None:
    """An entry's lines and hearings, or None unless it is whole, this version's and this key's."""
    if not isinstance(data, dict) or data.get("version") != VERSION or data.get("key") != key:
        return None
    rows, heard = data.get("lines"), data.get("hearing")
    if not isinstance(rows, list) or not isinstance(heard, dict) or not set(heard) <= {"A", "B"}:
        return None
    lines = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 3 and _count(row[0]) and row[1] in ("A", "B")
                and isinstance(row[2], str)):  # fmt: skip
            return None
        lines.append(Line(row[0], row[1], row[2]))
    hearing = {}
    for tag, h in heard.items():
        if not isinstance(h, dict) or not _count(h.get("heard")):
            return None
        foreign, numbers = h.get("foreign"), h.get("lines")
        if not isinstance(foreign, list) or not isinstance(numbers, list) or not all(map(_count, numbers)):
            return None
        if not all(isinstance(s, list) and len(s) == 2 and all(map(_number, s)) for s in foreign):
            return None
        hearing[tag] = Hearing(h["heard"], [(float(a), float(b)) for a, b in foreign], list(numbers))
    return lines, hearing


def load(folder: Path, key: str) -> tuple[list[Line], dict[str, Hearing]] | None:
    """The entry filed under ``key``, or None (none, unreadable, truncated, another version)."""
    path = folder / f"{key}.json"
    try:
        if path.stat().st_size > MAX_ENTRY_BYTES:
            return None
        found = _read(safe_json.loads(path.read_text(encoding="utf-8"), path.name), key)
    except (OSError, ValueError, DualTalkError) as exc:  # none yet, half a file, nested: afresh
        if not isinstance(exc, FileNotFoundError):
            log.debug("recognised words in %s not read (%s)", path, exc)
        return None
    if found is not None:
        KEPT.used(path)  # recently used: pruned last
    return found


def store(folder: Path, key: str, lines: list[Line], hearing: dict[str, Hearing]) -> None:
    """The entry written atomically (temporary, then ``os.replace``), then the oldest pruned;
    a failure is a debug line: the take does not depend on it."""
    data = json.dumps(_entry(lines, hearing, key), ensure_ascii=False).encode("utf-8")

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    KEPT.store(folder, key, write, KEEP)


def prune(folder: Path, keep: int | None = None) -> None:
    """At most ``keep`` (:data:`KEEP`) entries left, the least recently used removed, and no stale
    temporaries."""
    KEPT.prune(folder, KEEP if keep is None else keep)


def recognised_lines(
    stream_a: np.ndarray,
    stream_b: np.ndarray,
    active_a: np.ndarray,
    active_b: np.ndarray,
    fps: float = FPS,
    *,
    names: tuple[str, str] = ("A", "B"),
    progress: Progress | None = None,
    hearing: dict[str, Hearing] | None = None,
) -> list[Line]:
    """:func:`.recognise.recognised_lines`, read from the cache when this recording was heard
    before by this recogniser (``hearing`` filled as recognition fills it), else recognised and
    kept."""
    hearing = {} if hearing is None else hearing
    folder, key = cache_folder(), ""
    if folder is not None:
        try:
            key = recording_key(stream_a, stream_b, active_a, active_b, fps)
        except Exception as exc:  # pocketsphinx's model files not where its config says: uncached
            log.debug("recognised words are not cached (%s)", exc)
            folder = None
    found = load(folder, key) if folder is not None else None
    if found is not None:
        if progress is not None:
            progress.update("transcript", recognise.RECOGNISING, "words recognised before, read back")
            progress.check_cancel()  # as recognition checks between stretches
        hearing.update(found[1])
        return found[0]
    lines = recognise.recognised_lines(stream_a, stream_b, active_a, active_b, fps,
                                       names=names, progress=progress, hearing=hearing)  # fmt: skip
    if folder is not None:
        store(folder, key, lines, hearing)
    return lines
