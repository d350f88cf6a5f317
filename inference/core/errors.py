"""User-facing error types shared by the engine, the Blender side and the CLI.

A :class:`DualTalkError` is a problem with the user's input or environment; the CLI
prints it as a single ``error: ...`` line and exits with status 2, the add-on shows it
as an operator report. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class DualTalkError(Exception):
    """Bad input or environment, reported to the user as one line."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        # Keep messages to one line: reports and stderr both expect it.
        super().__init__(" ".join(str(message).split()))


class CancelledError(DualTalkError):
    """The user (or a worker supervisor) cancelled the job."""

    exit_code = 130
