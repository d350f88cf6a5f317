"""Which of a shot's input files its run reads: one rule for a job's up-front check of its shots'
files and for the warning that names an input the run ignores.

A shot keyed from the motion files it is given (``motion_a``/``motion_b``) runs no engine, so the
files only the engine reads -- a ``transcript`` (the words the lips are drawn from) and a
``checkpoint`` (the engine's weights) -- go unread. A job checked every file a shot named before its
first shot ran, and failed such a shot for a ``transcript`` it lacked, though the shot's own turn,
and the same shot run as one command, never reads it (review rv38d F2: a job that ran the night
before failed a shot); and neither said that the file was ignored, as they say it of the behaviour
settings (:func:`.jobs.unused_engine_settings`).
"""

from __future__ import annotations

from ...inference.core.request import Option
from .jobs import INPUT_PATHS, SHOT_OPTIONS, Shot

ENGINE_INPUTS = ("transcript", "checkpoint")  # the input files only the engine reads


def ignored_inputs(shot: Shot) -> list[Option]:
    """The engine-only input files (:data:`ENGINE_INPUTS`) the shot names though it keys motion files
    it was given: the engine does not run, and nothing reads them."""
    if shot.motion_a is None:
        return []
    return [SHOT_OPTIONS[name] for name in ENGINE_INPUTS if getattr(shot, name, None) is not None]


def inputs_read(shot: Shot) -> list[str]:
    """The keys (of :data:`.jobs.INPUT_PATHS`) of the input files the shot's run reads: each it names,
    less those it ignores (:func:`ignored_inputs`)."""
    ignored = {option.name for option in ignored_inputs(shot)}
    return [key for key in INPUT_PATHS if getattr(shot, key, None) is not None and key not in ignored]
