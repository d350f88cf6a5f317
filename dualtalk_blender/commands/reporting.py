"""What ``animate`` prints: result lines stdout can carry, ``warning:`` lines kept per shot, and
a job shot's progress named after it.

A batch's stdout and stderr are a farm's log: each line must print whatever a file is called
(:func:`one_line`), say which shot it is about (:class:`ShotProgress`, :func:`warnings_of`) and
reach that shot's entry in the ``--summary`` report (:func:`warn`). A single shot and a job's
batch both print through these, so they sit apart from either.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import Any


def one_line(line: str) -> str:
    """A result line as stdout can carry it: a file name that is not UTF-8 (``$'\\xff.blend'``, a
    legal name Blender writes) or holds a tab or newline is shown escaped; printed raw, the first
    raised on a strict stdout after every file was written, turning success into a crash."""
    from ..rig.options import escaped

    return escaped(line)


class ShotProgress:
    """A job shot's progress, its name before every stage: in a farm log each line says which shot
    it belongs to, and a shot's first line is a new stage, never dropped as a same-stage redraw
    (after a shot that failed at once, the next shot's ``job`` line was)."""

    def __init__(self, progress: Any, name: str) -> None:
        self.progress, self.name = progress, name

    def update(self, stage: str, fraction: float, message: str = "") -> None:
        self.progress.update(f"{self.name}: {stage}", fraction, message)

    def check_cancel(self) -> None:
        self.progress.check_cancel()


# The running shot's warnings (a job's summary lists them per shot); empty outside a job's shot.
_SHOT_WARNINGS: list[list[str]] = []


def warn(line: str) -> None:
    """A ``warning:`` line on stderr, also kept for the running job shot's summary entry."""
    print(f"warning: {line}", file=sys.stderr)
    for into in _SHOT_WARNINGS[-1:]:
        into.append(line)


class _KeepWarnings(logging.Handler):
    """The package's log warnings (the audio loader's, the unused-setting ones): the CLI prints them
    as ``warning:`` lines, and a job's summary lists them under the shot they came from."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING:
            self.into.append(record.getMessage())


class _NameTheShot(logging.Filter):
    """Leads each package warning with the running shot's name (``shot 'two': ``), on stderr and
    in the summary alike: the audio loader's words do not say which of a batch's shots they are about."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno == logging.WARNING and self.where and not message.startswith(self.where):
            record.msg, record.args = f"{self.where}{message}", ()
        return True


@contextlib.contextmanager
def warnings_of(into: list[str], where: str = "") -> Iterator[None]:
    """Collect every ``warning:`` line printed during the block into ``into`` (one shot's), each led
    by ``where`` (the shot's name) unless it names the shot already."""
    logger = logging.getLogger(__name__.split(".")[0])
    handler = _KeepWarnings(into)
    logger.addHandler(handler)
    naming = _NameTheShot(where)
    # the CLI's stderr lines and ours: a handler's filter sees child loggers' records, a logger's does not
    handlers = list(logger.handlers)
    for each in handlers:
        each.addFilter(naming)
    _SHOT_WARNINGS.append(into)
    try:
        yield
    finally:
        _SHOT_WARNINGS.pop()
        for each in handlers:
            each.removeFilter(naming)
        logger.removeHandler(handler)


def os_error_line(exc: BaseException) -> str:
    """An error as one reads it in a shot's line: an OSError as its reason and path, not its repr."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename is not None else exc.strerror
    return str(exc)
