"""The caches DualTalk keeps between runs, as the preferences show them: what ``--recognise`` heard
(``$DUALTALK_HOME/recognised/``, :mod:`...inference.phonetic.recognised_cache`) and the recording's
cues a take measured for its re-generated ranges (``$DUALTALK_HOME/recording_cues/``,
:mod:`...inference.behaviour.recording_cues`): how much each holds and the buttons that clear them.
The folders are the ones the worker writes: it inherits Blender's environment, so ``$DUALTALK_HOME``
(else ``~/.cache/dualtalk``), not the preferences' model folder. Read through
:mod:`...inference.kept_folder`, which the caches write through, so drawing the preferences imports
neither cache (scipy, pocketsphinx)."""

from __future__ import annotations

from pathlib import Path

from ...inference.core.errors import DualTalkError
from ...inference.kept_folder import RECOGNISED, RECORDING_CUES, KeptFolder

WORDS = "WORDS"  # what Recognise Words heard
CUES = "CUES"  # the recording's cues a take measured
# what each cache's entries are called in a report line
_NAMES = {WORDS: "recognised words", CUES: "recording cues"}
_FOLDERS = {WORDS: RECOGNISED, CUES: RECORDING_CUES}


def _kept(which: str) -> KeptFolder:
    return _FOLDERS[which]


def size_words(size: int) -> str:
    """'1.5 kB', '2.3 MB'."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"


def _recordings(n: int) -> str:
    return f"{n} recording{'' if n == 1 else 's'}"


def held_line(which: str = WORDS) -> tuple[str, bool]:
    """The preferences' line for one cache (how many recordings, how much disk, where) and whether
    there is anything to clear; a folder of the user's own (a name the cache did not write) is said
    as such. "" where nothing is kept."""
    kept = _kept(which)
    try:
        folder = kept.home_folder()
        found = kept.held(folder)
    except (DualTalkError, OSError) as exc:  # no home folder, an unreadable one
        return f"not kept: {exc}", False
    if found.foreign is not None:
        return f"{folder} holds {found.foreign!r}, which DualTalk did not write: not used, not cleared", False
    if not found.entries and not found.size:
        return "", False
    return f"{_recordings(found.entries)} in {folder} ({size_words(found.size)})", True


def clear(which: str = WORDS) -> tuple[bool, str]:
    """Remove one cache's own files; (whether it could be cleared, the report line). DualTalkError
    (no home folder) goes to the operator."""
    cleared, said = _clear(which)
    return cleared, f"DualTalk: {said}"


def clear_all() -> tuple[bool, str]:
    """Both caches cleared, one report line naming each; True only where both could be."""
    done = [_clear(which) for which in (WORDS, CUES)]
    return all(ok for ok, _said in done), "DualTalk: " + "; ".join(said for _ok, said in done)


def _clear(which: str) -> tuple[bool, str]:
    kept = _kept(which)
    folder: Path = kept.home_folder()
    try:
        removed = kept.clear(folder)
    except OSError as exc:  # the folder unreadable
        return False, f"{_NAMES[which]} in {folder} not cleared ({exc})"
    if removed.foreign is not None:
        return False, f"{folder} holds {removed.foreign!r}, which DualTalk did not write; nothing was removed"
    return True, (
        f"cleared the {_NAMES[which]} of {_recordings(removed.entries)} ({size_words(removed.size)}) from {folder}"
    )
