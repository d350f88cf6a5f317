"""User-facing error types shared by the engine, the Blender side and the CLI.

A :class:`DualTalkError` is a problem with the user's input or environment; the CLI
prints it as a single ``error: ...`` line and exits with status 2, the add-on shows it
as an operator report. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

MAX_WORD = 200  # a longer run of non-space characters in a message is cut in the middle
KEEP = 80  # characters kept at each end of a cut word (a path keeps its file name)


def _cap(word: str) -> str:
    if len(word) <= MAX_WORD:
        return word
    return f"{word[:KEEP]}...[{len(word) - 2 * KEEP:,} characters cut]...{word[-KEEP:]}"


class DualTalkError(Exception):
    """Bad input or environment, reported to the user as one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # One line (reports and stderr both expect it), and no word longer than MAX_WORD:
        # messages quote the user's values, and a 19 MB number must not flood the terminal.
        super().__init__(" ".join(_cap(w) for w in str(message).split()))


class CancelledError(DualTalkError):
    """The user (or a worker supervisor) cancelled the job."""

    exit_code = 130
