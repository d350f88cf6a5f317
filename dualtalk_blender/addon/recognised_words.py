"""The recognised-words cache as the preferences show it: what ``--recognise`` heard, kept under
``$DUALTALK_HOME/recognised/`` (:mod:`...inference.phonetic.recognised_cache`), how much it holds and
the button that clears it. The folder is the one the worker writes: it inherits Blender's
environment, so ``$DUALTALK_HOME`` (else ``~/.cache/dualtalk``), not the preferences' model folder."""

from __future__ import annotations

from pathlib import Path

from ...inference.core.errors import DualTalkError


def _folder() -> Path:
    from ...inference.phonetic.recognised_cache import home_folder

    return home_folder()


def size_words(size: int) -> str:
    """'1.5 kB', '2.3 MB'."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"


def _recordings(n: int) -> str:
    return f"{n} recording{'' if n == 1 else 's'}"


def held_line() -> tuple[str, bool]:
    """The preferences' line (how many recordings' words, how much disk, where) and whether there is
    anything to clear; a folder of the user's own (a name the cache did not write) is said as such."""
    from ...inference.phonetic.recognised_cache import held

    try:
        folder = _folder()
        found = held(folder)
    except (DualTalkError, OSError) as exc:  # no home folder, an unreadable one
        return f"not kept: {exc}", False
    if found.foreign is not None:
        return f"{folder} holds {found.foreign!r}, which DualTalk did not write: not used, not cleared", False
    if not found.entries and not found.size:
        return "", False
    return f"{_recordings(found.entries)} in {folder} ({size_words(found.size)})", True


def clear() -> tuple[bool, str]:
    """Remove the cache's own files; (whether anything could be cleared, the report line)."""
    from ...inference.phonetic.recognised_cache import clear as clear_folder

    folder = _folder()  # DualTalkError (no home) goes to the operator
    try:
        removed = clear_folder(folder)
    except OSError as exc:  # the folder unreadable
        return False, f"DualTalk: recognised words in {folder} not cleared ({exc})"
    if removed.foreign is not None:
        return False, (
            f"DualTalk: {folder} holds {removed.foreign!r}, which DualTalk did not write; nothing was removed"
        )
    return True, (
        f"DualTalk: cleared the recognised words of {_recordings(removed.entries)} "
        f"({size_words(removed.size)}) from {folder}"
    )
