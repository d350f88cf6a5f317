"""User-facing error types shared by the engine, the Blender side and the CLI.

A :class:`DualTalkError` is a problem with the user's input or environment; the CLI
prints it as a single ``error: ...`` line and exits with status 2 (74 when an output found no
room: :data:`NO_ROOM_EXIT`), the add-on shows it as an operator report. Anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import sys

MAX_WORD = 200  # a longer run of non-space characters in a message is cut in the middle
KEEP = 80  # characters kept at each end of a cut word (a path keeps its file name)


def _cap(word: str) -> str:
    if len(word) <= MAX_WORD:
        return word
    return f"{word[:KEEP]}...[{len(word) - 2 * KEEP:,} characters cut]...{word[-KEEP:]}"


BAD_INPUT_EXIT = 2
# sysexits' EX_IOERR: an output found no room (a full disk, a quota). The input is fine: a farm
# retries it later or elsewhere, as for a busy output's 75, instead of dropping it as bad input's 2
# (review rv42b F7). Decided here, once, for every command: :class:`DualTalkError` takes it from
# what it reports (the errno it was raised while handling, or the disk's own words in its line).
NO_ROOM_EXIT = 74
NO_ROOM_ERRNOS = frozenset(n for n in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if n is not None)
# the disk's words: this platform's, and those of the others (a line quoted from Blender, FFmpeg or
# a Windows share says them without an errno)
NO_ROOM_WORDS = frozenset(
    {os.strerror(n) for n in NO_ROOM_ERRNOS}
    | {
        "No space left on device",
        "Disk quota exceeded",
        "Disc quota exceeded",
        "not enough space on the disk",
    }
)


def no_room(message: str, cause: BaseException | None = None) -> bool:
    """Whether a failure is an output finding no room: ``cause`` (or what it was raised from, or
    while handling) is an ``OSError`` of :data:`NO_ROOM_ERRNOS`, or ``message`` quotes the disk's words."""
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.errno in NO_ROOM_ERRNOS:
            return True
        cause = cause.__cause__ or cause.__context__
    return any(words in message for words in NO_ROOM_WORDS)


class DualTalkError(Exception):
    """Bad input or environment, reported to the user as one line."""

    exit_code = BAD_INPUT_EXIT

    def __init__(self, message: str) -> None:
        # One line (reports and stderr both expect it), and no word longer than MAX_WORD:
        # messages quote the user's values, and a 19 MB number must not flood the terminal.
        super().__init__(" ".join(_cap(w) for w in str(message).split()))
        # raised for a write that found no room (``raise ... from None`` inside ``except OSError``
        # still runs here while that error is handled): its own exit status, unless the type has one
        if type(self).exit_code == BAD_INPUT_EXIT and no_room(str(self), sys.exc_info()[1]):
            self.exit_code = NO_ROOM_EXIT


class CancelledError(DualTalkError):
    """The user (or a worker supervisor) cancelled the job."""

    exit_code = 130
