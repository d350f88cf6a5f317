"""Which recording a run animates, as the whole recording's kept cues need it known.

A range of a take reads back the cues its take kept (:mod:`.behaviour.recording_cues`) instead of
reading the whole recording again (review 31l F2). :func:`cues_key` is what they are filed under,
from the request alone (no audio decoded); :func:`remember_read` and :func:`read_as` tell whether a
dialogue handed to a run (``animate`` loads it before the run) is the request's whole recording as
read, so the cues measured from it may be kept as that recording's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import weakref
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.request import Request

if TYPE_CHECKING:
    from .audio import Dialogue

# the whole recordings load_dialogue read, by id (while they live): what read them, and their
# arrays' checksum, so a run given one (animate loads it first) knows it is the request's recording
_READ: dict[int, tuple[weakref.ref[Dialogue], tuple[Any, ...], int]] = {}
LOAD_FIELDS = ("audio", "audio_b", "turns", "swap", "speaker_a", "diarize", "start", "end", "offset_b")


def remember_read(request: Request, dialogue: Dialogue) -> Dialogue:
    """``dialogue``, remembered as the whole recording read for ``request``."""
    for key in [k for k, (ref, _, _) in _READ.items() if ref() is None]:
        del _READ[key]
    _READ[id(dialogue)] = (weakref.ref(dialogue), _load_fields(request), _checksum(dialogue))
    return dialogue


def _load_fields(request: Request) -> tuple[Any, ...]:
    return tuple(getattr(request, name) for name in LOAD_FIELDS)


def _checksum(dialogue: Dialogue) -> int:
    """crc32 of both streams and activities (0.1 s per 20 minutes of a stream)."""
    import numpy as np

    crc = 0
    for x in (dialogue.a, dialogue.b, dialogue.active_a, dialogue.active_b):
        crc = zlib.crc32(np.ascontiguousarray(x).data.cast("B"), crc)
    return crc


def read_as(request: Request, dialogue: Dialogue) -> bool:
    """Whether ``dialogue`` is the whole recording :func:`.pipeline.load_dialogue` read for
    ``request``, as read (not changed since): only then are the cues measured from it kept as that
    recording's."""
    entry = _READ.get(id(dialogue))
    return (
        entry is not None
        and entry[0]() is dialogue
        and entry[1] == _load_fields(request)
        and entry[2] == _checksum(dialogue)
    )


def cues_key(request: Request, fps: float) -> str:
    """What the whole recording's cues are filed under: each file's fingerprint, size and time (a
    file edited in place is another recording), the options that read them into two voices, the
    frame rate and the code and packages that measure them; "" when a file cannot be read."""
    from .audio.dialogue import recording_fingerprint

    files = []
    for path in (request.audio, request.audio_b, request.turns):
        if path is None:
            continue
        try:
            st = os.stat(path)
        except OSError:
            return ""
        fingerprint = recording_fingerprint([Path(path)])
        if not fingerprint:
            return ""
        files.append([fingerprint, st.st_size, st.st_mtime_ns])
    # as the loader reads them: no shift is a shift of 0 (a take's record gives None, a script 0.0)
    speaker_a = request.speaker_a if request.turns is not None else None
    options = [
        bool(request.swap),
        speaker_a,
        bool(request.diarize),
        float(request.offset_b or 0.0),
        float(fps),
    ]
    text = json.dumps([files, options, _cues_code()], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _cues_code() -> list[Any]:
    """What besides the recording decides its cues: the audio loader's and the cues' code, and the
    packages they run on (a release that reads or filters otherwise: other cues)."""
    from importlib.metadata import PackageNotFoundError, version

    from . import audio, behaviour

    sources = sorted(Path(audio.__file__).parent.glob("*.py"))
    sources += [
        Path(behaviour.__file__).parent / name for name in ("cues.py", "apply.py", "recording_cues.py")
    ]
    packages = []
    for name in ("numpy", "scipy", "soundfile", "torch", "silero-vad"):
        try:
            packages.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            packages.append(f"{name}=none")
    return [sources_digest(sources), packages]


def sources_digest(sources: list[Path]) -> str:
    """One SHA-256 over the bytes of ``sources``, in order (one that cannot be read is left out): the
    code part of a kept result's key, so another release's code measures anew."""
    texts = hashlib.sha256()
    for source in sources:
        with contextlib.suppress(OSError):
            texts.update(source.read_bytes())
    return texts.hexdigest()
